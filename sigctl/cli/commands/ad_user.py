"""`sigctl ad user`: users of the emulated directory (az ad user)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli.commands import ad_principals
from sigctl.cli.context import Invocation
from sigctl.cli.framework import CommandGroup

commands = CommandGroup("Manage users of the emulated directory.")

TenantId = Annotated[
    str | None,
    typer.Option("--tenant-id", help="The user's tenant. Default: the current subscription's."),
]
UserId = Annotated[str, typer.Option("--id", help="The user's object id or user principal name.")]


@commands.command(
    "create",
    examples=[
        (
            "Create a user.",
            "{prefix} create --display-name Ada --user-principal-name ada@sigctl.onmicrosoft.com --password P@ssw0rd!",
        ),
        (
            "Create a user in another tenant.",
            "{prefix} create --display-name Guest --user-principal-name guest@fabrikam.com --tenant-id TENANT_ID",
        ),
    ],
)
def create(
    inv: Invocation,
    display_name: Annotated[str, typer.Option("--display-name", help="Object's display name.")],
    user_principal_name: Annotated[
        str,
        typer.Option(
            "--user-principal-name", help="The user principal name (someuser@contoso.com)."
        ),
    ],
    password: Annotated[
        str | None,
        typer.Option("--password", help="Accepted as az takes it; the emulator does not keep it."),
    ] = None,
    tenant_id: TenantId = None,
) -> Any:
    """Create a user."""
    return ad_principals.create(
        inv,
        "user",
        tenant_id,
        {"displayName": display_name, "userPrincipalName": user_principal_name},
    )


@commands.command(
    "list", examples=[("List users.", "{prefix} list --query [].userPrincipalName -o tsv")]
)
def list_(
    inv: Invocation,
    tenant_id: Annotated[
        str | None, typer.Option("--tenant-id", help="Only users of this tenant.")
    ] = None,
) -> Any:
    """List users."""
    return ad_principals.listing(inv, "user", tenant_id)


@commands.command(
    "show", examples=[("Show a user.", "{prefix} show --id ada@sigctl.onmicrosoft.com")]
)
def show(inv: Invocation, id_: UserId) -> Any:
    """Get the details of a user."""
    return ad_principals.find(inv, "user", id_)


@commands.command(
    "delete", examples=[("Delete a user.", "{prefix} delete --id ada@sigctl.onmicrosoft.com")]
)
def delete(inv: Invocation, id_: UserId) -> None:
    """Delete a user (its role assignments remain, as in Azure, with no principal behind them)."""
    ad_principals.delete(inv, "user", id_)
