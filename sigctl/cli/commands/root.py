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
    from sigctl.provider import limits

    client = context.current().client
    return client.provider.operate(client.subscription, lambda ctx: limits.report(ctx, location))


@commands.command(
    "login",
    examples=[
        ("Act as a service principal from now on.", "{prefix} login --as ci-publisher"),
        (
            "Act as a user in another subscription.",
            "{prefix} login --as ada@sigctl.onmicrosoft.com --subscription consumer-subscription",
        ),
    ],
)
def login(
    as_: Annotated[
        str,
        typer.Option(
            "--as",
            "--username",
            "-u",
            help="The principal: object id, user principal name, app id or display name.",
        ),
    ],
    subscription: Annotated[
        str | None,
        typer.Option("--subscription", help="Also make this subscription the current one."),
    ] = None,
) -> Any:
    """Sign in as a principal of the emulated directory (no password: nothing is checked).

    Later commands act as it until `sigctl logout`; `--as` and SIGCTL_PRINCIPAL still override.
    """
    from sigctl import profile
    from sigctl.cli.client import find_subscription, signed_in_principal
    from sigctl.provider import accounts

    invocation = context.current()
    with invocation.client.emulator.session() as tx:
        principal = signed_in_principal(tx, as_)
        found = find_subscription(tx, subscription) if subscription else None
    saved = profile.load(invocation.home, replacing=True)
    saved["principal"] = principal["id"]
    if found:
        saved["subscription"] = found["id"]
    profile.save(invocation.home, saved)
    return {
        "principal": accounts.display_name(principal),
        "id": principal["id"],
        "type": principal["type"],
    }


@commands.command(
    "logout", examples=[("Back to acting as the default subscription's owner.", "{prefix} logout")]
)
def logout() -> None:
    """Sign out: commands act as the default subscription's owner again."""
    from sigctl import profile

    invocation = context.current()
    saved = profile.load(invocation.home, replacing=True)
    saved.pop("principal", None)
    profile.save(invocation.home, saved)
