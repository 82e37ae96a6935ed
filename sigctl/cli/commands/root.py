"""Commands at the top of the tree: `sigctl demo`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli import context
from sigctl.cli.framework import CommandGroup

commands = CommandGroup("Emulate Azure Compute Gallery offline.")


@commands.command(
    "demo",
    examples=[
        ("Run the demo against a fresh, throw-away state.", "{prefix} demo"),
    ],
)
def demo() -> None:
    """Run a short scripted tour against the embedded default state (your own state is untouched).

    Every step is a real sigctl command line, run in a temporary SIGCTL_HOME that is removed
    afterwards; copy any of them into your own scripts.
    """
    from sigctl.cli.demo import run_demo

    run_demo()


def _usage_table(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """az vm list-usage's table: Name, CurrentValue, Limit."""
    return [
        {
            "Name": r["localName"],
            "CurrentValue": "" if r["currentValue"] is None else str(r["currentValue"]),
            "Limit": str(r["limit"]),
        }
        for r in rows
    ]


@commands.command(
    "usage",
    examples=[
        (
            "Galleries, definitions and versions in a region, against their limits.",
            "{prefix} usage -l eastus2 -o table",
        ),
        (
            "How many more galleries fit in East US 2?",
            "{prefix} usage -l eastus2 --query \"[?name.value=='galleries'] | [0].[limit, currentValue]\" -o tsv",
        ),
    ],
    table=_usage_table,
)
def usage(
    location: Annotated[
        str, typer.Option("--location", "-l", metavar="LOCATION", help="The region to report.")
    ],
) -> Any:
    """Show the subscription's gallery usage in a region against Azure's limits (like az vm list-usage)."""
    from sigctl.provider import limits, regions

    client = context.current().client

    def report(ctx: Any) -> Any:
        region = regions.require(location, "Microsoft.Compute/galleries", regions.EVERY)
        return limits.report(ctx, region.name)

    return client.provider.operate(client.subscription, report)
