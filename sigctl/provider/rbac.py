"""Role-based access: built-in roles, role assignments, and the check ARM makes on every call.

An assignment grants a role to a principal (or a group it belongs to) at a scope; it covers the
scope and everything beneath it. So a role on a gallery covers its definitions and versions, a
role on a definition covers that definition and its versions but not the gallery, and a role on
a subscription or resource group covers everything in it (Azure's role-based access rules).
"""

from __future__ import annotations

import copy
from fnmatch import fnmatchcase
from typing import Any

from sigctl.errors import ArmError
from sigctl.provider import accounts, ids, shapes
from sigctl.provider.clock import iso_precise
from sigctl.provider.ids import ResourceId
from sigctl.record import FrozenRecord

AUTHORIZATION = "Microsoft.Authorization"


class Role(FrozenRecord):
    _fields = ("name", "id", "description", "actions", "not_actions")

    def __init__(
        self,
        name: str,
        id: str,  # Azure's built-in role definition GUID
        description: str,
        actions: tuple[str, ...],
        not_actions: tuple[str, ...] = (),
    ) -> None:
        self.name, self.id, self.description = name, id, description
        self.actions, self.not_actions = actions, not_actions

    def permits(self, action: str) -> bool:
        lowered = action.lower()
        if not any(fnmatchcase(lowered, a.lower()) for a in self.actions):
            return False
        return not any(fnmatchcase(lowered, n.lower()) for n in self.not_actions)


SHARE_ACTION = "Microsoft.Compute/galleries/share/action"
# Giving a resource a user-assigned identity needs this on the identity (a linked check).
ASSIGN_IDENTITY_ACTION = "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action"

ROLES = {
    r.name.lower(): r
    for r in (
        Role(
            "Owner",
            "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
            "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.",
            ("*",),
        ),
        Role(
            "Contributor",
            "b24988ac-6180-42a0-ab88-20f7382dd24c",
            "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC.",
            ("*",),
            # The gallery docs let only Owners and Compute Gallery Sharing Admins share.
            ("Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write", SHARE_ACTION),
        ),
        Role(
            "Reader",
            "acdd72a7-3385-48ef-bd42-f606fba81ae7",
            "View all resources, but does not allow you to make any changes.",
            ("*/read",),
        ),
        Role(
            "User Access Administrator",
            "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
            "Lets you manage user access to Azure resources.",
            ("*/read", "Microsoft.Authorization/*"),
        ),
        Role(
            "Compute Gallery Sharing Admin",
            "1ef6a3be-d0ac-425d-8c01-acb62866290b",
            "Allows the user to share the gallery to another subscription/tenant or share it to the public (community).",
            (
                "Microsoft.Compute/galleries/read",
                "Microsoft.Compute/galleries/images/read",
                "Microsoft.Compute/galleries/images/versions/read",
                SHARE_ACTION,
            ),
        ),
        Role(
            "Managed Identity Operator",
            "f1a07417-d97a-45cb-824c-7a7467783830",
            "Read and Assign User Assigned Identity",
            (
                "Microsoft.ManagedIdentity/userAssignedIdentities/read",
                ASSIGN_IDENTITY_ACTION,
                "Microsoft.Authorization/*/read",
                "Microsoft.Resources/subscriptions/resourceGroups/read",
            ),
        ),
    )
}
_BY_ID = {r.id: r for r in ROLES.values()}

# The ARM resource-provider action for each resource type (lower-case type path).
_ACTION_TYPES = {
    (
        "microsoft.resources",
        ("resourcegroups",),
    ): "Microsoft.Resources/subscriptions/resourceGroups",
    ("microsoft.compute", ("galleries",)): "Microsoft.Compute/galleries",
    ("microsoft.compute", ("galleries", "images")): "Microsoft.Compute/galleries/images",
    (
        "microsoft.compute",
        ("galleries", "images", "versions"),
    ): "Microsoft.Compute/galleries/images/versions",
    (
        "microsoft.compute",
        ("galleries", "invmaccesscontrolprofiles"),
    ): "Microsoft.Compute/galleries/inVMAccessControlProfiles",
    (
        "microsoft.compute",
        ("galleries", "invmaccesscontrolprofiles", "versions"),
    ): "Microsoft.Compute/galleries/inVMAccessControlProfiles/versions",
    (
        "microsoft.managedidentity",
        ("userassignedidentities",),
    ): "Microsoft.ManagedIdentity/userAssignedIdentities",
}


def action_for(rid: ResourceId, verb: str) -> str:
    base = _ACTION_TYPES.get(rid.route) or rid.resource_type()
    suffix = {
        "get": "read",
        "head": "read",
        "list": "read",
        "put": "write",
        "patch": "write",
        "delete": "delete",
    }.get(verb, verb)
    return f"{base}/{suffix}"


class LookupFailed(Exception):
    """A role or assignee az resolves on the client before calling ARM (az exits 1)."""


def role(text: str) -> Role:
    found = ROLES.get(text.lower()) or _BY_ID.get(text.rsplit("/", 1)[-1].lower())
    if found is None:
        raise LookupFailed(f"Role '{text}' doesn't exist.")
    return found


def role_definition_id(subscription: str, found: Role) -> str:
    return f"/subscriptions/{subscription}/providers/{AUTHORIZATION}/roleDefinitions/{found.id}"


# -- assignments --------------------------------------------------------------------------------


def assignments_key(subscription: str) -> tuple[str, ...]:
    return ("subscriptions", subscription.lower(), "roleAssignments")


def assignments(tx: Any, subscription: str) -> list[dict[str, Any]]:
    """A subscription's assignments; its owner holds Owner on it from the start."""
    stored = tx.read(assignments_key(subscription), shapes.listing)
    if stored is not None:
        return stored
    return [
        _record(
            subscription, scope, owner, "User", ROLES["owner"], "1970-01-01T00:00:00.0000000+00:00"
        )
        for owner, scope, _ in _grants(tx, subscription)
    ]


def _grants(tx: Any, subscription: str) -> list[tuple[str, str, str]]:
    """(principal, scope, role id) of each assignment: what an access check reads. It skips the
    GUID of the owner's assignment, a uuid5 whose hashlib would cost every read 3-4 ms."""
    stored = tx.read(assignments_key(subscription), shapes.listing)
    if stored is not None:
        return [(a["principalId"], a["scope"], a["roleDefinitionId"]) for a in stored]
    owner = accounts.subscription(tx, subscription).get("owner")
    return [(owner, f"/subscriptions/{subscription.lower()}", ROLES["owner"].id)] if owner else []


def _record(
    subscription: str,
    scope: str,
    principal_id: str,
    principal_type: str,
    found: Role,
    created: str,
    name: str | None = None,
) -> dict[str, Any]:
    """`name` is the assignment's GUID: the client's (an ARM PUT), else derived from the rest."""
    name = name or accounts.stable_id(
        "roleAssignment", f"{scope.lower()}|{principal_id}|{found.id}"
    )
    return {
        "id": f"{scope}/providers/{AUTHORIZATION}/roleAssignments/{name}",
        "name": name,
        "principalId": principal_id,
        "principalType": principal_type,
        "roleDefinitionId": role_definition_id(subscription, found),
        "scope": scope,
        "type": f"{AUTHORIZATION}/roleAssignments",
        "createdOn": created,
        "updatedOn": created,
    }


def covers(scope: str, resource_id: str) -> bool:
    scope, resource_id = scope.lower().rstrip("/"), resource_id.lower().rstrip("/")
    return resource_id == scope or resource_id.startswith(scope + "/")


def _invalid_scope(scope: str) -> ArmError:
    return ArmError("InvalidScope", f"The scope '{scope}' is not a valid ARM scope.", 400)


def scope_subscription(scope: str) -> str:
    parts = scope.split("/")
    if len(parts) < 3 or parts[1].lower() != "subscriptions" or not parts[2]:
        raise _invalid_scope(scope)
    return parts[2].lower()


def normalised_scope(scope: str) -> str:
    """A scope as it is stored: a subscription, resource group or resource id, without a
    trailing slash. Empty, '.' or '..' segments are refused: a stored scope is compared by
    prefix, so '.../rg1/../../x' must never be kept as if it were inside rg1."""
    trimmed = scope[:-1] if scope.endswith("/") else scope
    parts = trimmed.split("/")
    if (
        len(parts) < 3
        or parts[0]
        or parts[1].lower() != "subscriptions"
        or any(p in ("", ".", "..") or p != p.strip() for p in parts[1:])
    ):
        raise _invalid_scope(scope)
    if len(parts) > 3:
        try:
            parsed = ids.parse(trimmed)
        except ArmError:
            raise _invalid_scope(scope) from None
        if parsed.is_collection:
            raise _invalid_scope(scope)
    return trimmed


def create_assignment(
    tx: Any, now: Any, principal: dict[str, Any], found: Role, scope: str, name: str | None = None
) -> dict[str, Any]:
    scope = normalised_scope(scope)
    subscription = scope_subscription(scope)
    accounts.subscription(tx, subscription)
    current = assignments(tx, subscription)
    record = _record(
        subscription,
        scope,
        principal["id"],
        accounts.PRINCIPAL_TYPES[principal["type"]],
        found,
        iso_precise(now),
        name,
    )
    same = ("principalId", "roleDefinitionId")
    if any(
        a["name"] == record["name"]
        or (a["scope"].lower() == scope.lower() and all(a[k] == record[k] for k in same))
        for a in current
    ):
        raise ArmError("RoleAssignmentExists", "The role assignment already exists.", 409)
    tx.write(assignments_key(subscription), [*current, record])
    return copy.deepcopy(record)


def delete_assignments(tx: Any, subscription: str, names: set[str]) -> list[dict[str, Any]]:
    current = assignments(tx, subscription)
    removed = [a for a in current if a["name"] in names]
    if removed:
        tx.write(assignments_key(subscription), [a for a in current if a["name"] not in names])
    return removed


def delete_principal(tx: Any, object_id: str) -> None:
    """Remove a principal, its group memberships and its role assignments.

    Ids derive from names, so a principal created again gets the same id: dropping the
    assignments keeps it from inheriting the old one's access (Azure never reuses an id).
    """
    accounts.remove_principal(tx, object_id)
    for sid in accounts.load(tx)["subscriptions"]:
        forget_principal(tx, sid, object_id)


def forget_principal(tx: Any, subscription: str, principal_id: str) -> None:
    current = assignments(tx, subscription)
    kept = [a for a in current if a["principalId"] != principal_id]
    if len(kept) != len(current):
        tx.write(assignments_key(subscription), kept)


def describe(tx: Any, record: dict[str, Any]) -> dict[str, Any]:
    """An assignment as `az role assignment list` prints it (names filled in)."""
    found = _BY_ID.get(record["roleDefinitionId"].rsplit("/", 1)[-1])
    principal = accounts.principal(tx, record["principalId"])
    return {
        "condition": None,
        "conditionVersion": None,
        "createdBy": None,
        "delegatedManagedIdentityResourceId": None,
        "description": None,
        "principalName": _principal_name(principal),
        "roleDefinitionName": found.name if found else None,
        "updatedBy": None,
        **record,
    }


def _principal_name(principal: dict[str, Any] | None) -> str:
    """az shows a user's UPN, a service principal's app id, a group's display name."""
    if principal is None:
        return ""
    return principal.get("appId") or accounts.display_name(principal)


# -- the check ----------------------------------------------------------------------------------


def permitted(tx: Any, principal_id: str, action: str, resource_id: str) -> bool:
    subscription = scope_subscription(resource_id)
    holders = {principal_id} | accounts.groups_of(tx, principal_id)
    for principal, scope, role in _grants(tx, subscription):
        if principal in holders and covers(scope, resource_id):
            found = _BY_ID.get(role.rsplit("/", 1)[-1])
            if found and found.permits(action):
                return True
    return False


def require(tx: Any, principal_id: str | None, action: str, resource_id: str) -> None:
    """ARM's authorization check; `principal_id` None is the emulator itself (no check)."""
    if principal_id is None or permitted(tx, principal_id, action, resource_id):
        return
    name = _principal_name(accounts.principal(tx, principal_id)) or principal_id
    raise ArmError(
        "AuthorizationFailed",
        f"The client '{name}' with object id '{principal_id}' does not have authorization to perform "
        f"action '{action}' over scope '{resource_id}' or the scope is invalid. If access was "
        "recently granted, please refresh your credentials.",
        403,
    )


# -- the actions role assignments need ---------------------------------------------------------

ASSIGNMENT_ACTIONS = {
    "read": f"{AUTHORIZATION}/roleAssignments/read",
    "write": f"{AUTHORIZATION}/roleAssignments/write",
    "delete": f"{AUTHORIZATION}/roleAssignments/delete",
}


def definitions(subscription: str, name: str | None) -> list[dict[str, Any]]:
    """`az role definition list` for the built-in roles sigctl knows."""
    out = []
    for found in ROLES.values():
        if name and name.lower() not in (found.name.lower(), found.id):
            continue
        out.append(
            {
                "assignableScopes": ["/"],
                "description": found.description,
                "id": role_definition_id(subscription, found),
                "name": found.id,
                "permissions": [
                    {
                        "actions": list(found.actions),
                        "dataActions": [],
                        "notActions": list(found.not_actions),
                        "notDataActions": [],
                    }
                ],
                "roleName": found.name,
                "roleType": "BuiltInRole",
                "type": f"{AUTHORIZATION}/roleDefinitions",
            }
        )
    return out
