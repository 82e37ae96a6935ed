"""`sigctl role definition list`: the built-in roles sigctl enforces."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli.context import Invocation
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
    inv: Invocation,
    name: Annotated[str | None, typer.Option("--name", "-n", help="A role name or id.")] = None,
) -> Any:
    """List role definitions."""
    client = inv.client
    path = f"/subscriptions/{client.subscription}/providers/Microsoft.Authorization/roleDefinitions"
    query = {"$filter": f"roleName eq '{name}'"} if name else {}
    if name and "'" in name:
        return []  # no role is named so
    return [_flat(d) for d in client.list(path, **query)]


def _flat(body: dict[str, Any]) -> dict[str, Any]:
    """A role definition as az prints it: ARM's properties lifted, its type as roleType."""
    props = body["properties"]
    return {
        "assignableScopes": props["assignableScopes"],
        "description": props["description"],
        "id": body["id"],
        "name": body["name"],
        "permissions": props["permissions"],
        "roleName": props["roleName"],
        "roleType": props["type"],
        "type": body["type"],
    }
