"""`sigctl ad group`: security groups of the emulated directory (az ad group)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli.commands import ad_principals
from sigctl.cli.context import Invocation
from sigctl.cli.framework import CommandGroup

commands = CommandGroup("Manage groups of the emulated directory.")

Group = Annotated[str, typer.Option("--group", "-g", help="The group's object id or display name.")]


@commands.command(
    "create",
    examples=[
        (
            "Create a group.",
            "{prefix} create --display-name image-readers --mail-nickname image-readers",
        )
    ],
)
def create(
    inv: Invocation,
    display_name: Annotated[str, typer.Option("--display-name", help="Object's display name.")],
    mail_nickname: Annotated[str, typer.Option("--mail-nickname", help="Mail nickname.")],
    description: Annotated[
        str | None, typer.Option("--description", help="Group description.")
    ] = None,
    tenant_id: Annotated[
        str | None,
        typer.Option("--tenant-id", help="Its tenant. Default: the current subscription's."),
    ] = None,
) -> Any:
    """Create a group."""
    fields = {"displayName": display_name, "mailNickname": mail_nickname}
    if description:
        fields["description"] = description
    return ad_principals.create(inv, "group", tenant_id, fields)


@commands.command("list", examples=[("List groups.", "{prefix} list -o table")])
def list_(
    inv: Invocation,
    tenant_id: Annotated[
        str | None, typer.Option("--tenant-id", help="Only those of this tenant.")
    ] = None,
) -> Any:
    """List groups."""
    return ad_principals.listing(inv, "group", tenant_id)


@commands.command("show", examples=[("Show a group.", "{prefix} show --group image-readers")])
def show(inv: Invocation, group: Group) -> Any:
    """Get the details of a group."""
    return ad_principals.find(inv, "group", group)


@commands.command("delete", examples=[("Delete a group.", "{prefix} delete --group image-readers")])
def delete(inv: Invocation, group: Group) -> None:
    """Delete a group."""
    ad_principals.delete(inv, "group", group)
