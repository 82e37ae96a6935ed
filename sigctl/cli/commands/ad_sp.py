"""`sigctl ad sp`: service principals of the emulated directory (az ad sp)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli.commands import ad_principals
from sigctl.cli.context import Invocation
from sigctl.cli.framework import CommandGroup

commands = CommandGroup("Manage service principals of the emulated directory.")

SpId = Annotated[
    str, typer.Option("--id", help="The service principal's object id, app id or display name.")
]


@commands.command(
    "create",
    examples=[
        (
            "Create a service principal for a pipeline.",
            "{prefix} create --display-name ci-publisher",
        ),
        (
            "One that belongs to another tenant.",
            "{prefix} create --display-name partner-app --tenant-id TENANT_ID",
        ),
    ],
)
def create(
    inv: Invocation,
    display_name: Annotated[
        str,
        typer.Option("--display-name", help="Display name of the service principal (and its app)."),
    ],
    tenant_id: Annotated[
        str | None,
        typer.Option("--tenant-id", help="Its tenant. Default: the current subscription's."),
    ] = None,
) -> Any:
    """Create a service principal (with its application id)."""
    return ad_principals.create(inv, "servicePrincipal", tenant_id, {"displayName": display_name})


@commands.command("list", examples=[("List service principals.", "{prefix} list -o table")])
def list_(
    inv: Invocation,
    tenant_id: Annotated[
        str | None, typer.Option("--tenant-id", help="Only those of this tenant.")
    ] = None,
) -> Any:
    """List service principals."""
    return ad_principals.listing(inv, "servicePrincipal", tenant_id)


@commands.command(
    "show", examples=[("Show a service principal.", "{prefix} show --id ci-publisher")]
)
def show(inv: Invocation, id_: SpId) -> Any:
    """Get the details of a service principal."""
    return ad_principals.find(inv, "servicePrincipal", id_)


@commands.command(
    "delete", examples=[("Delete a service principal.", "{prefix} delete --id ci-publisher")]
)
def delete(inv: Invocation, id_: SpId) -> None:
    """Delete a service principal."""
    ad_principals.delete(inv, "servicePrincipal", id_)
