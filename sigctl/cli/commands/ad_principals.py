"""Shared plumbing of `sigctl ad user|sp|group`: create, list, show, delete principals."""

from __future__ import annotations

from typing import Any

from sigctl.cli import context
from sigctl.cli.identity import graph_shape


def tenant_of(tenant_id: str | None) -> str:
    """The tenant a new principal goes into: --tenant-id, else the current subscription's."""
    client = context.current().client
    return tenant_id or client.account["tenantId"]


def create(kind: str, tenant_id: str | None, fields: dict[str, Any]) -> dict[str, Any]:
    from sigctl.provider import accounts

    client = context.current().client
    tenant = tenant_of(tenant_id)
    with client.provider.session(write=True) as tx:
        return graph_shape(accounts.create_principal(tx, kind, tenant, fields))


def listing(kind: str, tenant_id: str | None) -> list[dict[str, Any]]:
    from sigctl.provider import accounts

    client = context.current().client
    with client.provider.session() as tx:
        principals = accounts.load(tx)["principals"].values()
    return [
        graph_shape(p)
        for p in sorted(principals, key=lambda p: p.get("displayName", "").lower())
        if p["type"] == kind and (tenant_id is None or p["tenantId"] == tenant_id.lower())
    ]


def find(kind: str, text: str) -> dict[str, Any]:
    from sigctl.provider import accounts

    with context.current().client.provider.session() as tx:
        record = accounts.find_principal(tx, text)
    if record["type"] != kind:
        raise accounts.principal_not_found(text)
    return record


def delete(kind: str, text: str) -> None:
    from sigctl.provider import accounts

    record = find(kind, text)
    with context.current().client.provider.session(write=True) as tx:
        accounts.delete_principal(tx, record["id"])
