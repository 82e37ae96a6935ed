"""`sigctl replication fault`: make a region's replication fail, on purpose."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli.context import Invocation
from sigctl.cli.framework import CommandGroup
from sigctl.cli.params import integer

commands = CommandGroup("Inject replication failures into regions.")


COLUMNS = ("id", "region", "gallery", "definition", "version", "at", "code", "message")


def _ordered(fault: dict[str, Any]) -> dict[str, Any]:
    """A fault as an OrderedDict, so that `-o tsv` prints its fields in the table's order."""
    from collections import OrderedDict

    return OrderedDict((c, fault[c]) for c in COLUMNS)


def _table(faults: list[dict[str, Any]] | dict[str, Any]) -> list[dict[str, Any]]:
    """az's automatic table hides `id`; the id is what `clear --id` takes, so show it."""
    rows = [faults] if isinstance(faults, dict) else faults
    return [{c[:1].upper() + c[1:]: "" if f[c] is None else f[c] for c in COLUMNS} for f in rows]


@commands.command(
    "add",
    examples=[
        ("Fail every replication to West US 2 halfway.", "{prefix} add --region westus2 --at 50"),
        (
            "Fail one version's replication to a region with a chosen error.",
            '{prefix} add --region "West Europe" --gallery MyGallery --definition MyImage --version 1.0.0 '
            '--code InternalServerError --message "Storage unavailable"',
        ),
    ],
    table=_table,
)
def add(
    inv: Invocation,
    region: Annotated[
        str, typer.Option("--region", help="The region that fails (name or display name).")
    ],
    gallery: Annotated[
        str | None, typer.Option("--gallery", help="Only versions in this gallery.")
    ] = None,
    definition: Annotated[
        str | None,
        typer.Option(
            "--definition", help="Only versions of this image definition (or VM application)."
        ),
    ] = None,
    version: Annotated[
        str | None, typer.Option("--version", help="Only this version name.")
    ] = None,
    at: Annotated[
        int,
        typer.Option(
            "--at",
            parser=integer("--at"),
            metavar="PERCENT",
            help="Progress at which the region fails, 0-99. Default: 0.",
        ),
    ] = 0,
    code: Annotated[
        str | None,
        typer.Option(
            "--code", help="Error code in the region's details. Default: ReplicationJobFailed."
        ),
    ] = None,
    message: Annotated[
        str | None, typer.Option("--message", help="Error text in the region's details.")
    ] = None,
) -> Any:
    """Add a fault: matching regions fail when their replication reaches --at percent.

    A fault applies to replications that start after it is added; a region that failed stays
    failed until it is removed from the version's target regions (and added back).
    """
    from sigctl.cli.service_errors import as_options

    spec = {
        "region": region,
        "gallery": gallery,
        "definition": definition,
        "version": version,
        "at": at,
        "code": code,
        "message": message,
    }
    options = {name: f"--{name}" for name in spec}
    with as_options(options):
        return _ordered(inv.client.call("POST", "/sigctl/faults", spec))


@commands.command(
    "list", examples=[("List the faults in place.", "{prefix} list -o table")], table=_table
)
def list_(inv: Invocation) -> Any:
    """List injected faults."""
    return [_ordered(f) for f in inv.client.call("GET", "/sigctl/faults")["value"]]


@commands.command(
    "clear",
    examples=[
        ("Remove every fault.", "{prefix} clear"),
        ("Remove fault 2.", "{prefix} clear --id 2"),
    ],
)
def clear(
    inv: Invocation,
    fault_id: Annotated[
        int | None, typer.Option("--id", parser=integer("--id"), help="Only this fault.")
    ] = None,
) -> None:
    """Remove injected faults (regions that already failed stay failed)."""
    path = "/sigctl/faults" if fault_id is None else f"/sigctl/faults/{fault_id}"
    inv.client.call("DELETE", path)
