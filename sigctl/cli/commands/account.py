"""`sigctl account`: the emulated subscription and tenant, shaped as az account prints them."""

from __future__ import annotations

from typing import Any

from sigctl.cli import context
from sigctl.cli.framework import CommandGroup

commands = CommandGroup("Show the emulated subscription and tenant.")


def _shape(provider: Any, subscription: dict[str, Any], default_id: str) -> dict[str, Any]:
    account = provider.account(subscription["id"])
    tenant, user = account["tenant"], account["user"]
    return {
        "environmentName": "AzureCloud",
        "homeTenantId": tenant["tenantId"],
        "id": subscription["id"],
        "isDefault": subscription["id"] == default_id,
        "managedByTenants": [],
        "name": subscription["name"],
        "state": subscription["state"],
        "tenantDefaultDomain": tenant["defaultDomain"],
        "tenantDisplayName": tenant["displayName"],
        "tenantId": tenant["tenantId"],
        "user": {"name": user["userPrincipalName"] if user else "unknown", "type": "user"},
    }


@commands.command(
    "show",
    examples=[
        ("Show the current subscription.", "{prefix} show"),
        ("Print the subscription id only.", "{prefix} show --query id -o tsv"),
    ],
)
def show() -> Any:
    """Get the details of the current subscription."""
    client = context.current().client
    return _shape(client.provider, client.account, client.provider.default_subscription()["id"])


@commands.command(
    "list",
    examples=[("List the subscriptions of the emulated account.", "{prefix} list -o table")],
)
def list_() -> Any:
    """List the subscriptions known to the emulated cloud."""
    from sigctl.provider import accounts

    client = context.current().client
    with client.provider.session() as tx:
        subscriptions = list(accounts.load(tx)["subscriptions"].values())
    default_id = client.provider.default_subscription()["id"]
    return [_shape(client.provider, s, default_id) for s in subscriptions]
