"""`sigctl ad group member`: who is in a group (az ad group member)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli import context
from sigctl.cli.commands import ad_principals
from sigctl.cli.framework import CommandGroup
from sigctl.cli.identity import graph_shape

commands = CommandGroup("Manage the members of a group.")

Group = Annotated[str, typer.Option("--group", "-g", help="The group's object id or display name.")]
Member = Annotated[
    str,
    typer.Option(
        "--member-id", help="The member's object id (or user principal name, or display name)."
    ),
]


def _set(group: str, member: str, present: bool) -> None:
    from sigctl.provider import accounts

    group_record = ad_principals.find("group", group)
    with context.current().client.provider.session() as tx:
        member_record = accounts.find_principal(tx, member)
    with context.current().client.provider.session(write=True) as tx:
        accounts.set_membership(tx, group_record["id"], member_record["id"], present)


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
    from sigctl.provider import accounts

    record = ad_principals.find("group", group)
    with context.current().client.provider.session() as tx:
        members = [accounts.principal(tx, m) for m in record["members"]]
    return [graph_shape(m) for m in members if m]
