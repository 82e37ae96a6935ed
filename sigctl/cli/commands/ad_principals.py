"""Shared plumbing of `sigctl ad user|sp|group`: create, list, show, delete principals.

Principals are read and deleted through Microsoft Graph; they are made in a tenant (the
current subscription's, or --tenant-id) on the emulator's own path, since Graph makes them in
the signed-in principal's tenant only.
"""

from __future__ import annotations

from typing import Any

from sigctl.cli.context import Invocation
from sigctl.cli.directory import COLLECTIONS, graph, shown


def tenant_of(inv: Invocation, tenant_id: str | None) -> str:
    """The tenant a new principal goes into: --tenant-id, else the current subscription's."""
    client = inv.client
    return tenant_id or client.account["tenantId"]


def create(
    inv: Invocation, kind: str, tenant_id: str | None, fields: dict[str, Any]
) -> dict[str, Any]:
    path = f"/sigctl/tenants/{tenant_of(inv, tenant_id)}/principals"
    return shown(inv.client.call("POST", path, {"type": kind, **fields}))


def listing(inv: Invocation, kind: str, tenant_id: str | None) -> list[dict[str, Any]]:
    if tenant_id is None:
        found = graph(inv, "GET", f"/{COLLECTIONS[kind]}")["value"]
    else:
        path = f"/sigctl/tenants/{tenant_id}/principals"
        found = inv.client.call("GET", path, type=kind)["value"]
    return [shown(p) for p in found]


def find(inv: Invocation, kind: str, text: str) -> dict[str, Any]:
    return shown(graph(inv, "GET", f"/{COLLECTIONS[kind]}/{text}"))


def delete(inv: Invocation, kind: str, text: str) -> None:
    graph(inv, "DELETE", f"/{COLLECTIONS[kind]}/{text}")
