"""A gallery's managed identity: the `identity` block of a gallery PUT.

A system-assigned identity is a service principal the service creates for the gallery (with a
principalId and tenantId) and deletes when the identity goes. User-assigned identities are
resources of their own (sigctl.provider.managed_identities): each one listed must exist, and
adding one needs the `assign` action on it besides the gallery's write (ARM's linked check).
A PUT without `identity` leaves the gallery's identity as it is; `{"type": "None"}` removes it.
"""

from __future__ import annotations

import copy
from typing import Any

from sigctl.errors import ArmError, invalid_parameter
from sigctl.provider import accounts, ids, managed_identities, rbac
from sigctl.provider.context import Request
from sigctl.provider.validate import expect_dict, expect_str

SYSTEM = "SystemAssigned"
USER = "UserAssigned"
BOTH = "SystemAssigned, UserAssigned"
NONE = "None"
# Spellings compared without case or spaces: az sends "SystemAssigned,UserAssigned".
_TYPES = {t.replace(" ", "").lower(): t for t in (SYSTEM, USER, BOTH, NONE)}


def _type(value: Any) -> str:
    text = expect_str(value, "identity.type") or ""
    found = _TYPES.get(text.replace(" ", "").lower())
    if found is None:
        raise invalid_parameter(
            f"The value '{text}' of parameter 'identity.type' is not valid. Allowed values are: "
            f"{', '.join(_TYPES.values())}.",
            "identity.type",
        )
    return found


def resolve(
    ctx: Request, gallery_id: str, given: Any, existing: dict[str, Any] | None
) -> dict[str, Any] | None:
    """The identity a gallery PUT leaves the gallery with (None: no identity)."""
    if given is None:
        return existing
    body = expect_dict(given, "identity")
    users = expect_dict(body.get("userAssignedIdentities"), "identity.userAssignedIdentities")
    if body.get("type") is None and not users:
        return existing  # an empty identity block asks for nothing
    kind = _type(body.get("type"))
    if USER in kind and not users:
        raise invalid_parameter(
            f"The identity type '{kind}' needs at least one entry in "
            "identity.userAssignedIdentities.",
            "identity.userAssignedIdentities",
        )
    if USER not in kind and users:
        raise invalid_parameter(
            "identity.userAssignedIdentities can only be given when identity.type includes "
            f"'{USER}', not with '{kind}'.",
            "identity.userAssignedIdentities",
        )
    old = existing or {}
    new: dict[str, Any] = {"type": kind}
    if SYSTEM in kind:
        new.update(_system(ctx, gallery_id, old))
    elif "principalId" in old:
        _drop_principal(ctx, old["principalId"])
    if users:
        new["userAssignedIdentities"] = _user_assigned(
            ctx, gallery_id, users, old.get("userAssignedIdentities", {})
        )
    if kind == NONE:
        return None
    return new


def forget(ctx: Request, identity: dict[str, Any] | None) -> None:
    """The gallery is going away: so does its system-assigned identity."""
    if identity and "principalId" in identity:
        _drop_principal(ctx, identity["principalId"])


def _system(ctx: Request, gallery_id: str, old: dict[str, Any]) -> dict[str, str]:
    if "principalId" in old:
        return {"principalId": old["principalId"], "tenantId": old["tenantId"]}
    tenant = accounts.subscription(ctx.tx, ctx.subscription)["tenantId"]
    # Derived from the gallery's id (removing the identity deletes the principal and its roles).
    principal = accounts.stable_id("systemAssignedIdentity", gallery_id)
    client = accounts.stable_id("systemAssignedIdentityClient", principal)
    name = ids.parse(gallery_id).name
    accounts.add_managed_identity(ctx.tx, principal, client, tenant, name, gallery_id)
    return {"principalId": principal, "tenantId": tenant}


def _drop_principal(ctx: Request, principal: str) -> None:
    if accounts.principal(ctx.tx, principal) is not None:
        rbac.delete_principal(ctx.tx, principal)


def _user_assigned(
    ctx: Request, gallery_id: str, given: dict[str, Any], held: dict[str, Any]
) -> dict[str, dict[str, str]]:
    """Each listed identity, checked; one the gallery already holds keeps its spelling."""
    held_by_key = {k.lower(): (k, v) for k, v in held.items()}
    out: dict[str, dict[str, str]] = {}
    for text in given:
        key = text.lower()
        if any(k.lower() == key for k in out):
            continue  # ARM ids ignore case: one identity listed twice is one identity
        if key in held_by_key:
            name, value = held_by_key[key]
            out[name] = copy.deepcopy(value)
            continue
        props = _assignable(ctx, gallery_id, text)
        out[text] = {"principalId": props["principalId"], "clientId": props["clientId"]}
    return out


def _assignable(ctx: Request, gallery_id: str, text: str) -> dict[str, Any]:
    """The properties of the identity `text` names, once the caller may assign it."""
    try:
        rid = ids.parse(text)
    except ArmError:
        rid = None
    if rid is None or rid.route != managed_identities.ROUTE or rid.is_collection:
        raise ArmError(
            "LinkedInvalidPropertyId",
            f"Property id '{text}' at path 'identity.userAssignedIdentities' is invalid. Expect "
            "fully qualified resource Id that start with '/subscriptions/{subscriptionId}' or "
            "'/providers/{resourceProviderNamespace}/'.",
            400,
        )
    owner = ctx.in_subscription(rid.subscription)
    if owner is not None:
        _authorize_assign(ctx, gallery_id, text)
    try:
        stored = managed_identities.find(owner, rid) if owner else None
    except ArmError:
        stored = None  # its resource group is missing: the identity is too
    if stored is None:
        raise ArmError(
            "FailedIdentityOperation",
            f"Identity operation for resource '{gallery_id}' failed with error 'Failed to "
            "perform resource identity operation. Status: 'BadRequest'. Response: "
            f'\'{{"error":{{"code":"BadRequest","message":"Resource \'{text}\' was not found."}}}}\'.\'.',
            400,
        )
    return stored["resource"]["properties"]


def _authorize_assign(ctx: Request, gallery_id: str, identity_id: str) -> None:
    if ctx.principal is None or rbac.permitted(
        ctx.tx, ctx.principal, rbac.ASSIGN_IDENTITY_ACTION, identity_id
    ):
        return
    name = accounts.display_name(accounts.principal(ctx.tx, ctx.principal))
    raise ArmError(
        "LinkedAuthorizationFailed",
        f"The client '{name}' with object id '{ctx.principal}' has permission to perform action "
        f"'Microsoft.Compute/galleries/write' on scope '{gallery_id}'; however, it does not have "
        f"permission to perform action '{rbac.ASSIGN_IDENTITY_ACTION}' on the linked scope(s) "
        f"'{identity_id}' or the linked scope(s) are invalid.",
        403,
    )
