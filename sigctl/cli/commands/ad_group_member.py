"""`sigctl ad group member`: who is in a group (az ad group member)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli.commands import ad_principals
from sigctl.cli.context import Invocation
from sigctl.cli.framework import CommandGroup

commands = CommandGroup("Manage the members of a group.")

Group = Annotated[str, typer.Option("--group", "-g", help="The group's object id or display name.")]
Member = Annotated[
    str,
    typer.Option(
        "--member-id", help="The member's object id (or user principal name, or display name)."
    ),
]


def _set(inv: Invocation, group: str, member: str, present: bool) -> None:
    from sigctl.cli import directory

    group_id = ad_principals.find(inv, "group", group)["id"]
    member_id = directory.find(inv, member)["id"]
    if present:
        reference = {"@odata.id": f"/v1.0/directoryObjects/{member_id}"}
        directory.graph(inv, "POST", f"/groups/{group_id}/members/$ref", reference)
    else:
        directory.graph(inv, "DELETE", f"/groups/{group_id}/members/{member_id}/$ref")


@commands.command(
    "add",
    examples=[
        (
            "Add a user to a group.",
            "{prefix} add --group image-readers --member-id ada@sigctl.onmicrosoft.com",
        )
    ],
)
def add(inv: Invocation, group: Group, member_id: Member) -> None:
    """Add a member to a group (roles of the group then apply to it)."""
    _set(inv, group, member_id, True)


@commands.command(
    "remove",
    examples=[
        (
            "Remove a member.",
            "{prefix} remove --group image-readers --member-id ada@sigctl.onmicrosoft.com",
        )
    ],
)
def remove(inv: Invocation, group: Group, member_id: Member) -> None:
    """Remove a member from a group."""
    _set(inv, group, member_id, False)


@commands.command(
    "list",
    examples=[
        (
            "List a group's members.",
            "{prefix} list --group image-readers --query [].displayName -o tsv",
        )
    ],
)
def list_(inv: Invocation, group: Group) -> Any:
    """List the members of a group."""
    from sigctl.cli import directory

    group_id = ad_principals.find(inv, "group", group)["id"]
    return [
        directory.shown(m)
        for m in directory.graph(inv, "GET", f"/groups/{group_id}/members")["value"]
    ]
