"""`sigctl account tenant`: more tenants (directories) in the emulated cloud."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli.context import Invocation
from sigctl.cli.framework import CommandGroup

commands = CommandGroup("Create and list tenants of the emulated cloud.")


def _shape(tenant: dict[str, Any]) -> dict[str, Any]:
    return {
        "defaultDomain": tenant["defaultDomain"],
        "displayName": tenant["displayName"],
        "id": f"/tenants/{tenant['tenantId']}",
        "tenantId": tenant["tenantId"],
    }


@commands.command(
    "create",
    examples=[
        ("A partner's tenant.", "{prefix} create --display-name Fabrikam --domain fabrikam.com")
    ],
)
def create(
    inv: Invocation,
    display_name: Annotated[str, typer.Option("--display-name", help="The tenant's name.")],
    domain: Annotated[str, typer.Option("--domain", help="Its default domain, e.g. fabrikam.com.")],
    tenant_id: Annotated[
        str | None, typer.Option("--tenant-id", help="Its id. Default: derived from the domain.")
    ] = None,
) -> Any:
    """Create a tenant."""
    body = {"displayName": display_name, "defaultDomain": domain, "tenantId": tenant_id}
    return _shape(inv.client.call("POST", "/sigctl/tenants", body))


@commands.command("list", examples=[("List tenants.", "{prefix} list -o table")])
def list_(inv: Invocation) -> Any:
    """List tenants."""
    return [_shape(t) for t in inv.client.call("GET", "/sigctl/tenants")["value"]]
