"""What a consumer sees of galleries shared with it, or with everyone (list/show-shared|community)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli import context
from sigctl.cli.params import choice_option

Location = Annotated[str, typer.Option("--location", "-l", metavar="LOCATION", help="Location.")]
SharedTo = Annotated[
    str | None,
    choice_option(
        "--shared-to",
        allowed=("tenant",),
        help="The query parameter to decide what shared galleries to fetch when doing listing "
        "operations. If not specified, list by subscription id.",
    ),
]
UniqueName = Annotated[
    str, typer.Option("--gallery-unique-name", help="The unique name of the Shared Gallery.")
]
PublicName = Annotated[
    str, typer.Option("--public-gallery-name", help="The public name of the community gallery.")
]
# az's show commands take more spellings of a name than its list commands do.
PublicNameToShow = Annotated[
    str,
    typer.Option(
        "--public-gallery-name",
        "--name",
        "-n",
        help="The public name of the community gallery.",
    ),
]
Definition = Annotated[
    str,
    typer.Option(
        "--gallery-image-definition", "-i", help="The name of the Shared Gallery Image Definition."
    ),
]
DefinitionToShow = Annotated[
    str,
    typer.Option(
        "--gallery-image-definition",
        "--gallery-image-name",
        "-i",
        help="The name of the Shared Gallery Image Definition.",
    ),
]
Version = Annotated[
    str,
    typer.Option(
        "--gallery-image-version",
        "--gallery-image-version-name",
        "-e",
        help="The name of the gallery image version.",
    ),
]


def fetch(
    kind: str, location: str, *names: str, shared_to: str | None = None, many: bool = False
) -> Any:
    """GET a proxy: kind is sharedGalleries or communityGalleries; names go gallery, image, version."""
    client = context.current().client
    path = f"/subscriptions/{client.subscription}/providers/Microsoft.Compute/locations/{location}/{kind}"
    for level, name in zip(("", "/images", "/versions"), names, strict=False):
        path += f"{level}/{name}"
    if many:
        path += ("", "/images", "/versions")[len(names)]
    query = {"sharedTo": "tenant"} if shared_to else {}
    result = client.list(path, **query) if many else client.get(path, **query)
    return [shape(r) for r in result] if many else shape(result)


def shape(body: dict[str, Any]) -> dict[str, Any]:
    """The SDK model az prints: properties flattened, identifier.uniqueId lifted to uniqueId."""
    out = {k: v for k, v in body.items() if k not in ("properties", "identifier")}
    out["uniqueId"] = body["identifier"]["uniqueId"]
    out.update(body.get("properties") or {})
    return out
