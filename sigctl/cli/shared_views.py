"""What a consumer sees of galleries shared with it, or with everyone (list/show-shared|community)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli.context import Invocation
from sigctl.cli.errors import CliError
from sigctl.cli.params import RESOURCE_ID_GROUP, Ids, choice_option

Location = Annotated[str, typer.Option("--location", "-l", metavar="LOCATION", help="Location.")]


def _id_part(*names: str, help: str) -> Any:
    """A part of a view's id on az's show commands: optional, as --ids may stand for it."""
    return Annotated[
        str | None,
        typer.Option(*names, help=help, rich_help_panel=RESOURCE_ID_GROUP),
    ]


# The show commands' resource-id arguments (az checks them after parsing, as for sig show).
LocationOrIds = _id_part("--location", "-l", help="Location.")
UniqueNameOrIds = _id_part("--gallery-unique-name", help="The unique name of the Shared Gallery.")
UniqueNameToShow = _id_part(
    "--gallery-unique-name", "--name", "-n", help="The unique name of the Shared Gallery."
)
PublicNameOrIds = _id_part(
    "--public-gallery-name", help="The public name of the community gallery."
)
PublicNameToShow = _id_part(
    "--public-gallery-name", "--name", "-n", help="The public name of the community gallery."
)
DefinitionOrIds = _id_part(
    "--gallery-image-definition",
    "--gallery-image-name",
    "-i",
    help="The name of the Shared Gallery Image Definition.",
)
DefinitionOnlyOrIds = _id_part(
    "--gallery-image-definition", "-i", help="The name of the Shared Gallery Image Definition."
)
VersionOrIds = _id_part(
    "--gallery-image-version",
    "--gallery-image-version-name",
    "-e",
    help="The name of the gallery image version.",
)
ViewIds = Ids
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
Definition = Annotated[
    str,
    typer.Option(
        "--gallery-image-definition", "-i", help="The name of the Shared Gallery Image Definition."
    ),
]


def fetch(
    inv: Invocation,
    kind: str,
    location: str,
    *names: str,
    shared_to: str | None = None,
    many: bool = False,
) -> Any:
    """GET a proxy: kind is sharedGalleries or communityGalleries; names go gallery, image, version."""
    client = inv.client
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


def show(
    inv: Invocation,
    kind: str,
    ids: list[str] | None,
    location: str | None,
    *named: tuple[str, str | None],
) -> Any:
    """GET views named by --ids, or by the location and names: `named` holds (flag, value) pairs
    in gallery, image, version order. A missing one is reported as az's show commands do."""
    from sigctl.cli.arguments import missing_field, one_or_many, parse_id
    from sigctl.cli.params import values

    given = values(ids)
    if given and (location or any(value for _, value in named)):
        raise CliError("usage error: --ids cannot be combined with other 'Resource Id' arguments")
    wanted: list[tuple[str | None, list[str | None]]] = []
    for text in given or []:
        parts = list(parse_id(text).names)
        wanted.append(
            (parts[0] if parts else None, (parts[1:] + [None] * len(named))[: len(named)])
        )
    if not given:
        wanted.append((location, [value for _, value in named]))
    found = []
    for where, names in wanted:
        for (flag, _), value in zip(named, names, strict=True):
            if not value:
                raise missing_field(flag)
        if not where:
            raise missing_field("--location")
        found.append(fetch(inv, kind, where, *[n for n in names if n]))
    return one_or_many(found, ids)
