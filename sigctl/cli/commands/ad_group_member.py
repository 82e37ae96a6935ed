"""`sigctl ad group member`: who is in a group (az ad group member)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli.commands import ad_principals
from sigctl.cli.framework import CommandGroup

commands = CommandGroup("Manage the members of a group.")

Group = Annotated[str, typer.Option("--group", "-g", help="The group's object id or display name.")]
Member = Annotated[
    str,
    typer.Option(
        "--member-id", help="The member's object id (or user principal name, or display name)."
    ),
]


def _set(group: str, member: str, present: bool) -> None:
    from sigctl.cli import directory

    group_id = ad_principals.find("group", group)["id"]
    member_id = directory.find(member)["id"]
    if present:
        reference = {"@odata.id": f"/v1.0/directoryObjects/{member_id}"}
        directory.graph("POST", f"/groups/{group_id}/members/$ref", reference)
    else:
        directory.graph("DELETE", f"/groups/{group_id}/members/{member_id}/$ref")


@commands.command(
    "add",
    examples=[
        (
            "Add a user to a group.",
            "{prefix} add --group image-readers --member-id ada@sigctl.onmicrosoft.com",
        )
    ],
)
def add(group: Group, member_id: Member) -> None:
    """Add a member to a group (roles of the group then apply to it)."""
    _set(group, member_id, True)


@commands.command(
    "remove",
    examples=[
        (
            "Remove a member.",
            "{prefix} remove --group image-readers --member-id ada@sigctl.onmicrosoft.com",
        )
    ],
)
def remove(group: Group, member_id: Member) -> None:
    """Remove a member from a group."""
    _set(group, member_id, False)


@commands.command(
    "list",
    examples=[
        (
            "List a group's members.",
            "{prefix} list --group image-readers --query [].displayName -o tsv",
        )
    ],
)
def list_(group: Group) -> Any:
    """List the members of a group."""
    from sigctl.cli import directory

    group_id = ad_principals.find("group", group)["id"]
    return [
        directory.shown(m) for m in directory.graph("GET", f"/groups/{group_id}/members")["value"]
    ]
