"""User-assigned managed identities (Microsoft.ManagedIdentity/userAssignedIdentities).

Just enough of the Managed Identity provider for a gallery to be given an identity that exists:
create (a PUT), get, list, delete. Each identity is also a service principal of its tenant
(sigctl.provider.accounts), so roles can be assigned to it and `--as` can act as it. The ids
this provider returns spell `resourcegroups` in lower case, as the real one does.
"""

from __future__ import annotations

import re
from typing import Any

from sigctl.errors import ArmError, invalid_resource_location, resource_not_found
from sigctl.provider import accounts, ids, lookup, rbac, regions, shapes
from sigctl.provider.context import Request
from sigctl.provider.ids import ResourceId
from sigctl.provider.validate import expect_tags

TYPE = "Microsoft.ManagedIdentity/userAssignedIdentities"
ROUTE = ("microsoft.managedidentity", ("userassignedidentities",))
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{2,127}")


def _key(ctx: Request, group: str, name: str) -> tuple[str, ...]:
    return ctx.key("resourceGroups", group, "userAssignedIdentities", name)


def resource_id(subscription: str, group: str, name: str) -> str:
    return (
        f"/subscriptions/{subscription}/resourcegroups/{group}/providers/"
        f"{ids.MANAGED_IDENTITY}/userAssignedIdentities/{name}"
    )


def _check_name(name: str) -> None:
    if not _NAME.fullmatch(name):
        raise ArmError(
            "InvalidResourceName",
            f"Resource name '{name}' is invalid. The name can be 3 to 128 characters long: "
            "letters, digits, hyphens and underscores, starting with a letter or a digit.",
            400,
        )


def find(ctx: Request, rid: ResourceId) -> dict[str, Any] | None:
    """The stored identity an id names (its resource group must exist), or None."""
    group = lookup.resource_group(ctx, rid.resource_group or "")
    return ctx.tx.read(_key(ctx, group["name"], rid.name), shapes.resource)


def _require(ctx: Request, rid: ResourceId) -> dict[str, Any]:
    stored = find(ctx, rid)
    if stored is None:
        raise resource_not_found(rid.type_path(), rid.resource_group or "")
    return stored


def get(ctx: Request, rid: ResourceId) -> dict[str, Any]:
    return _require(ctx, rid)["resource"]


def list_(ctx: Request, rid: ResourceId) -> list[dict[str, Any]]:
    if rid.resource_group is not None:
        groups = [lookup.resource_group(ctx, rid.resource_group)["name"]]
    else:
        groups = sorted(g["name"] for g in ctx.index()["resourceGroups"].values())
    found = []
    for group in groups:
        folder = ctx.key("resourceGroups", group, "userAssignedIdentities")
        for name in sorted(ctx.tx.children(folder)):
            stored = ctx.tx.read((*folder, name), shapes.resource)
            if stored is not None:
                found.append(stored["resource"])
    return found


def put(ctx: Request, rid: ResourceId, body: dict[str, Any]) -> dict[str, Any]:
    group = lookup.resource_group(ctx, rid.resource_group or "")["name"]
    _check_name(rid.name)
    location = body.get("location")
    if not isinstance(location, str) or not location:
        raise ArmError("LocationRequired", "The location property is required for this definition.")
    region = regions.require(location, TYPE, regions.EVERY)
    tags = expect_tags(body.get("tags"), "tags") or {}
    key = _key(ctx, group, rid.name)
    existing = ctx.tx.read(key, shapes.resource)
    if existing is not None:
        old = existing["resource"]
        if old["location"] != region.name:
            raise invalid_resource_location(old["name"], old["location"], group, region.name)
        resource = {**old, "tags": tags}
    else:
        rid_text = resource_id(ctx.subscription, group, rid.name)
        tenant = accounts.subscription(ctx.tx, ctx.subscription)["tenantId"]
        resource = {
            "id": rid_text,
            "name": rid.name,
            "type": TYPE,
            "location": region.name,
            "tags": tags,
            "properties": {
                "tenantId": tenant,
                "principalId": accounts.stable_id("managedIdentity", rid_text),
                "clientId": accounts.stable_id("managedIdentityClient", rid_text),
            },
        }
        props = resource["properties"]
        accounts.add_managed_identity(
            ctx.tx, props["principalId"], props["clientId"], tenant, rid.name, rid_text
        )
    ctx.tx.write(key, {"resource": resource})
    return resource


def delete(ctx: Request, rid: ResourceId) -> None:
    """Resources the identity was assigned to keep naming it, as in Azure."""
    stored = find(ctx, rid)
    if stored is None:
        return  # 204: nothing to delete
    _forget(ctx, stored)
    ctx.tx.delete_tree(_key(ctx, rid.resource_group or "", rid.name))


def _forget(ctx: Request, stored: dict[str, Any]) -> None:
    principal = stored["resource"]["properties"]["principalId"]
    if accounts.principal(ctx.tx, principal) is not None:
        rbac.delete_principal(ctx.tx, principal)


def forget_group(ctx: Request, group: str) -> None:
    """A resource group is being deleted: its identities' service principals go too."""
    folder = ctx.key("resourceGroups", group, "userAssignedIdentities")
    for name in ctx.tx.children(folder):
        stored = ctx.tx.read((*folder, name), shapes.resource)
        if stored is not None:
            _forget(ctx, stored)
