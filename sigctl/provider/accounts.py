"""Tenants and subscriptions known to the emulated cloud.

Nothing has to be created first: until a command changes them, the embedded defaults below
are the state (one tenant, one subscription, its owner), so a fresh machine just works.
"""

from __future__ import annotations

import copy
import json
import uuid
from typing import Any

from sigctl.errors import ArmError
from sigctl.provider import shapes
from sigctl.provider.ids import stable_id

ACCOUNTS_KEY = ("accounts",)

DEFAULT_TENANT_ID = "7f3c1b2a-0d4e-4f6a-9b8c-5d2e1f0a3b4c"
DEFAULT_SUBSCRIPTION_ID = "6b1a9c4e-2f3d-4e5a-8b7c-9d0e1f2a3b4c"
DEFAULT_SUBSCRIPTION_NAME = "sigctl-subscription"
DEFAULT_USER = "user@sigctl.onmicrosoft.com"
DEFAULT_USER_OBJECT_ID = "3d2c1b0a-9f8e-4d7c-8b6a-5f4e3d2c1b0a"

_DEFAULTS: dict[str, Any] = {
    "tenants": {
        DEFAULT_TENANT_ID: {
            "tenantId": DEFAULT_TENANT_ID,
            "displayName": "Sigctl Emulated Tenant",
            "defaultDomain": "sigctl.onmicrosoft.com",
        }
    },
    "subscriptions": {
        DEFAULT_SUBSCRIPTION_ID: {
            "id": DEFAULT_SUBSCRIPTION_ID,
            "name": DEFAULT_SUBSCRIPTION_NAME,
            "tenantId": DEFAULT_TENANT_ID,
            "state": "Enabled",
            "owner": DEFAULT_USER_OBJECT_ID,
        }
    },
    "principals": {
        DEFAULT_USER_OBJECT_ID: {
            "id": DEFAULT_USER_OBJECT_ID,
            "type": "user",
            "userPrincipalName": DEFAULT_USER,
            "displayName": "Sigctl User",
            "tenantId": DEFAULT_TENANT_ID,
        }
    },
    "defaultSubscription": DEFAULT_SUBSCRIPTION_ID,
}


# A fresh copy of the defaults for every reader: parsing this is far cheaper than deepcopy.
_DEFAULTS_JSON = json.dumps(_DEFAULTS)


def load(tx: Any) -> dict[str, Any]:
    stored = tx.read(ACCOUNTS_KEY, shapes.mapping_of("tenants", "subscriptions", "principals"))
    return stored if stored is not None else json.loads(_DEFAULTS_JSON)


def subscription(tx: Any, subscription_id: str) -> dict[str, Any]:
    subs = load(tx)["subscriptions"]
    found = subs.get(subscription_id.lower())
    if found is None:
        raise ArmError(
            "SubscriptionNotFound", f"The subscription '{subscription_id}' could not be found.", 404
        )
    return found


def find_subscription(tx: Any, name_or_id: str) -> dict[str, Any] | None:
    """az's --subscription accepts an id or a name (names match exactly, ids ignore case)."""
    subs = load(tx)["subscriptions"]
    if name_or_id.lower() in subs:
        return subs[name_or_id.lower()]
    for sub in subs.values():
        if sub["name"] == name_or_id:
            return sub
    return None


def default_subscription(tx: Any) -> dict[str, Any]:
    accounts = load(tx)
    return accounts["subscriptions"][accounts["defaultSubscription"]]


def tenant(tx: Any, tenant_id: str) -> dict[str, Any]:
    return load(tx)["tenants"][tenant_id]


def principal(tx: Any, object_id: str) -> dict[str, Any] | None:
    return load(tx)["principals"].get(object_id)


def allow_region(tx: Any, subscription_id: str, region_name: str, allowed: bool) -> dict[str, Any]:
    """Add a region to (or take it off) a subscription's gallery allow-list."""
    accounts = load(tx)
    sub = accounts["subscriptions"].get(subscription_id.lower())
    if sub is None:
        subscription(tx, subscription_id)  # raises SubscriptionNotFound
    current = set(sub.get("allowedRegions", []))
    current = current | {region_name} if allowed else current - {region_name}
    sub["allowedRegions"] = sorted(current)
    tx.write(ACCOUNTS_KEY, accounts)
    return copy.deepcopy(sub)


# -- identities: tenants, subscriptions, users, service principals, groups ----------------------

PRINCIPAL_TYPES = {"user": "User", "servicePrincipal": "ServicePrincipal", "group": "Group"}


def is_guid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return len(text) == 36


def _require_guid(value: str | None, what: str) -> None:
    if value is not None and not is_guid(value):
        raise ArmError(
            f"Invalid{what.capitalize()}Id",
            f"The provided {what} identifier '{value}' is malformed or invalid.",
            400,
        )


def _save(tx: Any, accounts: dict[str, Any]) -> None:
    tx.write(ACCOUNTS_KEY, accounts)


def _conflict(what: str) -> ArmError:
    return ArmError("Conflict", f"{what} already exists.", 409)


def create_tenant(
    tx: Any, display_name: str, domain: str, tenant_id: str | None = None
) -> dict[str, Any]:
    _require_guid(tenant_id, "tenant")
    accounts = load(tx)
    tid = (tenant_id or stable_id("tenant", domain)).lower()
    if tid in accounts["tenants"] or any(
        t["defaultDomain"].lower() == domain.lower() for t in accounts["tenants"].values()
    ):
        raise _conflict(f"A tenant with id '{tid}' or domain '{domain}'")
    accounts["tenants"][tid] = {
        "tenantId": tid,
        "displayName": display_name,
        "defaultDomain": domain,
    }
    _save(tx, accounts)
    return copy.deepcopy(accounts["tenants"][tid])


def create_subscription(
    tx: Any, name: str, tenant_id: str, owner_id: str, subscription_id: str | None = None
) -> dict[str, Any]:
    _require_guid(subscription_id, "subscription")
    accounts = load(tx)
    sid = (subscription_id or stable_id("subscription", name)).lower()
    if sid in accounts["subscriptions"] or any(
        s["name"] == name for s in accounts["subscriptions"].values()
    ):
        raise _conflict(f"A subscription with id '{sid}' or name '{name}'")
    if tenant_id.lower() not in accounts["tenants"]:
        raise ArmError("TenantNotFound", f"The tenant '{tenant_id}' could not be found.", 404)
    accounts["subscriptions"][sid] = {
        "id": sid,
        "name": name,
        "tenantId": tenant_id.lower(),
        "state": "Enabled",
        "owner": owner_id,
    }
    _save(tx, accounts)
    return copy.deepcopy(accounts["subscriptions"][sid])


def create_principal(tx: Any, kind: str, tenant_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    """kind: user (userPrincipalName), servicePrincipal (appId made up), group (mailNickname)."""
    accounts = load(tx)
    if tenant_id.lower() not in accounts["tenants"]:
        raise ArmError("TenantNotFound", f"The tenant '{tenant_id}' could not be found.", 404)
    if kind == "user":
        _check_user_principal_name(
            fields["userPrincipalName"], accounts["tenants"][tenant_id.lower()]
        )
    key = fields.get("userPrincipalName") or fields["displayName"]
    object_id = stable_id(f"{kind}:{tenant_id}", key)
    for other in accounts["principals"].values():
        same = other["id"] == object_id or (
            kind == "user" and other.get("userPrincipalName", "").lower() == key.lower()
        )
        if same:
            raise _conflict(f"A principal with id '{object_id}' or name '{key}'")
    principal_record = {"id": object_id, "type": kind, "tenantId": tenant_id.lower(), **fields}
    if kind == "servicePrincipal":
        principal_record["appId"] = stable_id("app", object_id)
    if kind == "group":
        principal_record["members"] = []
    accounts["principals"][object_id] = principal_record
    _save(tx, accounts)
    return copy.deepcopy(principal_record)


def add_managed_identity(
    tx: Any, object_id: str, client_id: str, tenant_id: str, name: str, resource_id: str
) -> None:
    """A managed identity is a service principal of its tenant, so roles can be given to it.

    Its alternative names say whether it is user-assigned (explicit) and which resource it is.
    """
    accounts = load(tx)
    explicit = "/userassignedidentities/" in resource_id.lower()
    accounts["principals"][object_id] = {
        "id": object_id,
        "type": "servicePrincipal",
        "servicePrincipalType": "ManagedIdentity",
        "tenantId": tenant_id,
        "displayName": name,
        "appId": client_id,
        "alternativeNames": [f"isExplicit={explicit}", resource_id],
    }
    _save(tx, accounts)


def _check_user_principal_name(upn: str, home: dict[str, Any]) -> None:
    """Microsoft Graph's rule: name@domain, the domain one of the tenant's (here, its default)."""
    local, at, domain = upn.rpartition("@")
    if not at or not local:
        raise ArmError("Request_BadRequest", "Property userPrincipalName is invalid.", 400)
    if domain.lower() != home["defaultDomain"].lower():
        raise ArmError(
            "Request_BadRequest",
            "The domain portion of the userPrincipalName property is invalid. You must use one of "
            "the verified domain names in your organization.",
            400,
        )


def remove_principal(tx: Any, object_id: str) -> None:
    """Remove a principal and its group memberships (sigctl.provider.rbac.delete_principal
    removes its role assignments too)."""
    accounts = load(tx)
    found = accounts["principals"].get(object_id)
    if found is None:
        raise principal_not_found(object_id)
    owned = sorted(s["name"] for s in accounts["subscriptions"].values() if s["owner"] == object_id)
    if owned:
        raise ArmError(
            "Request_BadRequest",
            f"'{display_name(found)}' owns the subscription(s) {', '.join(owned)}; a subscription's "
            "owner cannot be deleted.",
            400,
        )
    del accounts["principals"][object_id]
    for other in accounts["principals"].values():
        if other["type"] == "group" and object_id in other["members"]:
            other["members"].remove(object_id)
    _save(tx, accounts)


def set_membership(tx: Any, group_id: str, member_id: str, member: bool) -> dict[str, Any]:
    accounts = load(tx)
    group = accounts["principals"].get(group_id)
    if group is None or group["type"] != "group":
        raise principal_not_found(group_id)
    if member_id not in accounts["principals"]:
        raise principal_not_found(member_id)
    # Microsoft Graph's answers to a redundant add or remove.
    if member and member_id == group_id:
        raise ArmError("Request_BadRequest", "A group cannot be a member of itself.", 400)
    if member and member_id in group["members"]:
        raise ArmError(
            "Request_BadRequest",
            "One or more added object references already exist for the following modified "
            "properties: 'members'.",
            400,
        )
    if not member and member_id not in group["members"]:
        raise principal_not_found(member_id)
    members = set(group["members"])
    members = members | {member_id} if member else members - {member_id}
    group["members"] = sorted(members)
    _save(tx, accounts)
    return copy.deepcopy(group)


def principal_not_found(text: str) -> ArmError:
    return ArmError(
        "Request_ResourceNotFound",
        f"Resource '{text}' does not exist or one of its queried reference-property objects are not present.",
        404,
    )


def find_principal(tx: Any, text: str) -> dict[str, Any]:
    """A principal by object id, user principal name, app id or (unique) display name."""
    principals = load(tx)["principals"]
    wanted = text.strip().lower()
    if not wanted:  # an empty name (say, an unset shell variable) names nobody
        raise principal_not_found(text)
    if wanted in principals:
        return copy.deepcopy(principals[wanted])
    for candidate in principals.values():
        if wanted in (
            (candidate.get("userPrincipalName") or "").lower(),
            (candidate.get("appId") or "").lower(),
        ):
            return copy.deepcopy(candidate)
    named = [p for p in principals.values() if p.get("displayName", "").lower() == wanted]
    if len(named) == 1:
        return copy.deepcopy(named[0])
    if len(named) > 1:
        raise ArmError(
            "AmbiguousPrincipal",
            f"More than one principal is named '{text}'; use its object id.",
            400,
        )
    raise principal_not_found(text)


def groups_of(tx: Any, object_id: str) -> set[str]:
    """Every group the principal belongs to, directly or through other groups."""
    principals = load(tx)["principals"]
    found: set[str] = set()
    frontier = {object_id}
    while frontier:
        nxt = {
            g["id"]
            for g in principals.values()
            if g["type"] == "group" and g["id"] not in found and frontier & set(g["members"])
        }
        found |= nxt
        frontier = nxt
    return found


def display_name(record: dict[str, Any] | None) -> str:
    if record is None:
        return "unknown"
    return record.get("userPrincipalName") or record.get("displayName") or record["id"]
