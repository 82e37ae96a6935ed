"""`sigctl account subscription`: more subscriptions in the emulated cloud."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli.context import Invocation
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
    inv: Invocation,
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
    from sigctl.cli import directory

    client = inv.client
    tenant = tenant_id or client.account["tenantId"]
    owner_id = directory.find(inv, owner)["id"] if owner else client.principal["id"]
    body = {
        "displayName": name,
        "tenantId": tenant,
        "owner": owner_id,
        "subscriptionId": subscription_id,
    }
    return _shape(client.call("POST", "/sigctl/subscriptions", body))


@commands.command("list", examples=[("List subscriptions.", "{prefix} list -o table")])
def list_(inv: Invocation) -> Any:
    """List subscriptions."""
    listed = inv.client.call("GET", "/sigctl/subscriptions")["value"]
    return [_shape(s) for s in listed]
