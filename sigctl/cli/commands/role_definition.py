"""`sigctl role definition list`: the built-in roles sigctl enforces."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli import context
from sigctl.cli.framework import CommandGroup

commands = CommandGroup("Show the built-in role definitions.")


@commands.command(
    "list",
    examples=[
        ("List the roles.", "{prefix} list --query [].roleName -o tsv"),
        (
            "What may a Contributor not do?",
            "{prefix} list --name Contributor --query [0].permissions[0].notActions",
        ),
    ],
)
def list_(
    name: Annotated[str | None, typer.Option("--name", "-n", help="A role name or id.")] = None,
) -> Any:
    """List role definitions."""
    from sigctl.provider import rbac

    return rbac.definitions(context.current().client.subscription, name)
