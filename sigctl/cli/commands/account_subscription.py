"""`sigctl account subscription`: more subscriptions in the emulated cloud."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli import context
from sigctl.cli.framework import CommandGroup

commands = CommandGroup("Create and list subscriptions of the emulated cloud.")


def _shape(sub: dict[str, Any]) -> dict[str, Any]:
    return {
        "displayName": sub["name"],
        "id": f"/subscriptions/{sub['id']}",
        "state": sub["state"],
        "subscriptionId": sub["id"],
        "tenantId": sub["tenantId"],
    }


@commands.command(
    "create",
    examples=[
        (
            "A second subscription, owned by you, in your tenant.",
            "{prefix} create --name consumer-subscription",
        ),
        (
            "One in another tenant, owned by a principal there.",
            "{prefix} create --name partner-sub --tenant-id TENANT_ID --owner partner@fabrikam.com",
        ),
    ],
)
def create(
    name: Annotated[
        str, typer.Option("--name", "-n", help="The subscription's display name (unique).")
    ],
    tenant_id: Annotated[
        str | None,
        typer.Option("--tenant-id", help="Its tenant. Default: the current subscription's."),
    ] = None,
    owner: Annotated[
        str | None,
        typer.Option(
            "--owner", help="The principal that gets Owner on it. Default: the one acting."
        ),
    ] = None,
    subscription_id: Annotated[
        str | None,
        typer.Option("--subscription-id", help="Its id. Default: derived from the name."),
    ] = None,
) -> Any:
    """Create a subscription; its owner holds the Owner role on it."""
    from sigctl.provider import accounts

    client = context.current().client
    account = client.account  # resolving the account also fixes who is acting
    tenant = tenant_id or account["tenantId"]
    acting = client.principal
    with client.provider.session(write=True) as tx:
        owner_id = accounts.find_principal(tx, owner)["id"] if owner else acting["id"]
        return _shape(accounts.create_subscription(tx, name, tenant, owner_id, subscription_id))


@commands.command("list", examples=[("List subscriptions.", "{prefix} list -o table")])
def list_() -> Any:
    """List subscriptions."""
    from sigctl.provider import accounts

    with context.current().client.provider.session() as tx:
        return [_shape(s) for s in accounts.load(tx)["subscriptions"].values()]
