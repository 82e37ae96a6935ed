"""Tenants and subscriptions known to the emulated cloud.

Nothing has to be created first: until a command changes them, the embedded defaults below
are the state (one tenant, one subscription, its owner), so a fresh machine just works.
"""

from __future__ import annotations

import copy
from typing import Any

from sigctl.errors import ArmError

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


def load(tx: Any) -> dict[str, Any]:
    stored = tx.read(ACCOUNTS_KEY)
    return stored if stored is not None else copy.deepcopy(_DEFAULTS)


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
