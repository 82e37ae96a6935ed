"""Disk encryption sets (Microsoft.Compute/diskEncryptionSets): the keys image versions encrypt with.

A set names a key (`activeKey.keyUrl`, in a vault `activeKey.sourceVault.id`) and an identity
that would read it. Key Vault is not emulated: the key URL and vault id are stored as given and
never resolved. What the gallery checks against a set (it exists, its region, its type) is in
sigctl.provider.encryption.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from sigctl.errors import (
    ArmError,
    invalid_parameter,
    invalid_resource_location,
    property_change_not_allowed,
    resource_not_found,
)
from sigctl.provider import accounts, ids, lookup, shapes
from sigctl.provider.context import Request
from sigctl.provider.ids import ResourceId
from sigctl.provider.validate import (
    expect_bool,
    expect_choice,
    expect_dict,
    expect_str,
    expect_tags,
)

TYPE = "Microsoft.Compute/diskEncryptionSets"
ENCRYPTION_TYPES = (
    "EncryptionAtRestWithCustomerKey",
    "EncryptionAtRestWithPlatformAndCustomerKeys",
    "ConfidentialVmEncryptedWithCustomerKey",
)
DEFAULT_TYPE = "EncryptionAtRestWithCustomerKey"
CONFIDENTIAL_TYPE = "ConfidentialVmEncryptedWithCustomerKey"
IDENTITY_TYPES = ("SystemAssigned", "UserAssigned", "SystemAssigned, UserAssigned", "None")
PATH = "diskEncryptionSet.properties."
_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")


def _key(ctx: Request, group: str, name: str) -> tuple[str, ...]:
    return ctx.key("resourceGroups", group, "diskEncryptionSets", name)


def set_id(subscription: str, group: str, name: str) -> ResourceId:
    return ids.compute_id(subscription, group, "diskEncryptionSets", name)


def _not_found(group: str, name: str) -> ArmError:
    return resource_not_found(f"{TYPE}/{name}", group)


# -- reading ------------------------------------------------------------------------------------


def find(ctx: Request, group: str, name: str) -> dict[str, Any] | None:
    """The stored set `name` in `group` (both case-insensitive), or None."""
    record = ctx.group_record(group)
    if record is None:
        return None
    return ctx.tx.read(_key(ctx, record["name"], name), shapes.resource)


def render(doc: dict[str, Any]) -> dict[str, Any]:
    body = copy.deepcopy(doc["resource"])
    body["properties"]["provisioningState"] = "Succeeded"
    body["properties"]["previousKeys"] = []
    return body


def get(ctx: Request, rid: ResourceId) -> dict[str, Any]:
    group = lookup.resource_group(ctx, rid.resource_group or "")["name"]
    doc = find(ctx, group, rid.name)
    if doc is None:
        raise _not_found(rid.resource_group or "", rid.name)
    return render(doc)


def list_(ctx: Request, rid: ResourceId) -> list[dict[str, Any]]:
    if rid.resource_group is not None:
        groups = [lookup.resource_group(ctx, rid.resource_group)["name"]]
    else:
        groups = [g["name"] for g in ctx.index()["resourceGroups"].values()]
    found = []
    for group in sorted(groups, key=str.lower):
        folder = ctx.key("resourceGroups", group, "diskEncryptionSets")
        docs = (ctx.tx.read((*folder, n), shapes.resource) for n in ctx.tx.children(folder))
        found += sorted((d for d in docs if d), key=lambda d: d["resource"]["name"].lower())
    return [render(d) for d in found]


# -- writing ------------------------------------------------------------------------------------


def put(ctx: Request, rid: ResourceId, body: dict[str, Any]) -> dict[str, Any]:
    group = lookup.resource_group(ctx, rid.resource_group or "")["name"]
    name = rid.name
    if not _NAME.fullmatch(name):
        raise ArmError(
            "InvalidResourceName",
            f"The resource name '{name}' is invalid. Supported characters for the name are a-z, "
            "A-Z, 0-9, _ and -. The maximum name length is 80 characters.",
            400,
            "diskEncryptionSetName",
        )
    region = ctx.body_region(body, TYPE)
    existing = find(ctx, group, name)
    stored_name = existing["resource"]["name"] if existing else name
    resource: dict[str, Any] = {
        "id": str(set_id(ctx.subscription, group, stored_name)),
        "name": stored_name,
        "type": TYPE,
        "location": region.name,
        "properties": _properties(expect_dict(body.get("properties"), "properties")),
    }
    identity = _identity(ctx, resource["id"], body.get("identity"))
    if identity is not None:
        resource["identity"] = identity
    tags = expect_tags(body.get("tags"), "tags")
    if tags is not None:
        resource["tags"] = tags
    if existing is not None:
        _check_unchanged(existing["resource"], resource, group)
    ctx.tx.write(_key(ctx, group, name), {"resource": resource})
    return render({"resource": resource})


def patch(ctx: Request, rid: ResourceId, body: dict[str, Any]) -> dict[str, Any]:
    """ARM's PATCH: the given parts replace the stored ones, the rest stays."""
    current = get(ctx, rid)
    merged: dict[str, Any] = {
        "location": current["location"],
        "properties": {
            k: v
            for k, v in current["properties"].items()
            if k not in ("provisioningState", "previousKeys")
        },
    }
    for key in ("identity", "tags"):
        if key in current:
            merged[key] = current[key]
    for key in ("identity", "tags"):
        if key in body:
            merged[key] = body[key]
    merged["properties"].update(expect_dict(body.get("properties"), "properties"))
    return put(ctx, rid, merged)


def delete(ctx: Request, rid: ResourceId) -> None:
    group = lookup.resource_group(ctx, rid.resource_group or "")["name"]
    if find(ctx, group, rid.name) is not None:
        ctx.tx.delete(_key(ctx, group, rid.name))


def _properties(props: dict[str, Any]) -> dict[str, Any]:
    active = expect_dict(props.get("activeKey"), "properties.activeKey")
    key_url = expect_str(active.get("keyUrl"), "properties.activeKey.keyUrl")
    if not key_url:
        raise invalid_parameter(
            "Required parameter 'activeKey.keyUrl' is missing (null).", "activeKey.keyUrl"
        )
    key: dict[str, Any] = {"keyUrl": key_url}
    vault = expect_dict(active.get("sourceVault"), "properties.activeKey.sourceVault")
    vault_id = expect_str(vault.get("id"), "properties.activeKey.sourceVault.id")
    if vault_id is not None:
        key["sourceVault"] = {"id": vault_id}
    out: dict[str, Any] = {
        "activeKey": key,
        "encryptionType": expect_choice(
            props.get("encryptionType"),
            ENCRYPTION_TYPES,
            "properties.encryptionType",
            "encryptionType",
        )
        or DEFAULT_TYPE,
    }
    client_id = expect_str(props.get("federatedClientId"), "properties.federatedClientId")
    if client_id is not None:
        out["federatedClientId"] = client_id
    rotation = expect_bool(
        props.get("rotationToLatestKeyVersionEnabled"),
        "properties.rotationToLatestKeyVersionEnabled",
    )
    if rotation is not None:
        out["rotationToLatestKeyVersionEnabled"] = rotation
    return out


def _identity(ctx: Request, set_id_text: str, value: Any) -> dict[str, Any] | None:
    """The set's managed identity; the service assigns the ids of the identities it names."""
    if value is None:
        return None
    identity = expect_dict(value, "identity")
    kind = expect_choice(identity.get("type"), IDENTITY_TYPES, "identity.type") or "None"
    out: dict[str, Any] = {"type": kind}
    if "SystemAssigned" in kind:
        out["principalId"] = accounts.stable_id("diskEncryptionSetIdentity", set_id_text)
        out["tenantId"] = accounts.subscription(ctx.tx, ctx.subscription)["tenantId"]
    users = expect_dict(identity.get("userAssignedIdentities"), "identity.userAssignedIdentities")
    if "UserAssigned" in kind:
        if not users:
            raise invalid_parameter(
                "The identity type 'UserAssigned' needs at least one identity in "
                "identity.userAssignedIdentities.",
                "identity.userAssignedIdentities",
            )
        out["userAssignedIdentities"] = {
            user: {
                "clientId": accounts.stable_id("userAssignedIdentityClient", user),
                "principalId": accounts.stable_id("userAssignedIdentity", user),
            }
            for user in users
        }
    return out


def _check_unchanged(old: dict[str, Any], new: dict[str, Any], group: str) -> None:
    if old["location"] != new["location"]:
        raise invalid_resource_location(old["name"], old["location"], group, new["location"])
    if old["properties"]["encryptionType"] != new["properties"]["encryptionType"]:
        raise property_change_not_allowed(f"{PATH}encryptionType")
