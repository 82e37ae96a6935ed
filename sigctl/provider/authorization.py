"""Microsoft.Authorization on ARM: role assignments, the built-in role definitions, and the
caller's permissions, at any scope (a subscription, a group, a gallery, ...).

    {scope}/providers/Microsoft.Authorization/roleAssignments[/{name}]   ?$filter=atScope()
                                                                         | principalId eq '{id}'
    {scope}/providers/Microsoft.Authorization/roleDefinitions[/{id}]     ?$filter=roleName eq '{n}'
    {scope}/providers/Microsoft.Authorization/permissions
Custom role definitions are not emulated: PUT and DELETE of a definition are refused (405).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sigctl.errors import ArmError
from sigctl.provider import accounts, clock, rbac
from sigctl.provider.calls import Call, Response, method_not_allowed
from sigctl.provider.validate import expect_dict, expect_str

if TYPE_CHECKING:
    from sigctl.provider.service import Provider

_PRINCIPAL_FILTER = re.compile(r"(?:principalId\s+eq|assignedTo\()\s*'([^']*)'\)?", re.I)
_ROLE_NAME_FILTER = re.compile(r"roleName\s+eq\s+'([^']*)'", re.I)


def handle(call: Call) -> Response:
    provider, verb, segments, query, principal = (
        call.provider,
        call.verb,
        call.segments,
        call.query,
        call.principal,
    )
    lowered = [s.lower() for s in segments]
    at = max(
        i
        for i in range(len(lowered) - 1)
        if lowered[i : i + 2] == ["providers", "microsoft.authorization"]
    )
    scope = "/" + "/".join(segments[:at]) if at else ""
    rest = segments[at + 2 :]
    kind = rest[0].lower() if rest else ""
    name = rest[1] if len(rest) == 2 else None
    path = call.path
    if len(rest) > 2 or kind not in ("roleassignments", "roledefinitions", "permissions"):
        raise ArmError(
            "InvalidResourceType",
            f"The resource type '{kind}' could not be found in the namespace "
            "'Microsoft.Authorization'.",
            404,
        )
    if kind == "roledefinitions":
        if verb != "GET":
            raise method_not_allowed(verb, path)
        return _definitions(provider, scope, name, query)
    if not scope:
        raise ArmError("InvalidScope", "The scope '/' is not a valid ARM scope.", 400)
    subscription = rbac.scope_subscription(scope)
    write = verb in ("PUT", "DELETE")
    with provider.store.transaction(write=write) as tx:
        accounts.subscription(tx, subscription)
        if kind == "permissions":
            if verb != "GET" or name:
                raise method_not_allowed(verb, path)
            return Response(200, {"value": _permissions(tx, principal, scope)})
        if name is None:
            if verb != "GET":
                raise method_not_allowed(verb, path)
            return Response(200, {"value": _list(tx, principal, subscription, scope, query)})
        found = next(
            (
                a
                for a in rbac.assignments(tx, subscription)
                if a["name"].lower() == name.lower() and a["scope"].lower() == scope.lower()
            ),
            None,
        )
        if verb == "GET":
            if found is None or not _may_read(tx, principal, found):
                raise ArmError(
                    "RoleAssignmentNotFound", f"The role assignment '{name}' is not found.", 404
                )
            return Response(200, _body(found))
        if verb == "DELETE":
            if found is None:
                return Response(204)
            rbac.require(tx, principal, rbac.ASSIGNMENT_ACTIONS["delete"], scope)
            rbac.delete_assignments(tx, subscription, {found["name"]})
            return Response(200, _body(found))
        if verb != "PUT":
            raise method_not_allowed(verb, path)
        return Response(201, _body(_create(tx, principal, scope, name, call.body)))


def _create(tx: Any, principal: str | None, scope: str, name: str, body: Any) -> dict[str, Any]:
    props = expect_dict(expect_dict(body, "body").get("properties"), "properties")
    role_id = expect_str(props.get("roleDefinitionId"), "properties.roleDefinitionId") or ""
    principal_id = expect_str(props.get("principalId"), "properties.principalId") or ""
    try:
        role = rbac.role(role_id.rsplit("/", 1)[-1]) if role_id else None
    except rbac.LookupFailed:
        role = None
    if role is None:
        raise ArmError(
            "RoleDefinitionDoesNotExist",
            f"The specified role definition with ID '{role_id.rsplit('/', 1)[-1]}' does not exist.",
            400,
        )
    assignee = accounts.principal(tx, principal_id)
    if assignee is None:
        raise ArmError(
            "PrincipalNotFound",
            f"Principal {principal_id.replace('-', '')} does not exist in the directory "
            f"{accounts.default_subscription(tx)['tenantId']}. Check that you have the correct "
            "principal ID. If you are creating this principal and then immediately assigning a "
            "role, this error might be related to a replication delay. In this case, set the role "
            "assignment principalType property to a value, such as ServicePrincipal, User, or "
            "Group.  See https://aka.ms/docs-principaltype",
            400,
        )
    if not accounts.is_guid(name):
        raise ArmError(
            "InvalidRoleAssignmentId",
            f"The role assignment ID '{name}' is not valid. The role assignment ID must be a GUID.",
            400,
        )
    rbac.require(tx, principal, rbac.ASSIGNMENT_ACTIONS["write"], scope)
    return rbac.create_assignment(tx, clock.load(tx).now(), assignee, role, scope, name.lower())


def _may_read(tx: Any, principal: str | None, record: dict[str, Any]) -> bool:
    return principal is None or rbac.permitted(
        tx, principal, rbac.ASSIGNMENT_ACTIONS["read"], record["scope"]
    )


def _list(
    tx: Any, principal: str | None, subscription: str, scope: str, query: dict[str, str]
) -> list[dict[str, Any]]:
    """Assignments that apply at the scope (at it or above), and with no atScope() filter also
    those beneath it; optionally only one principal's (principalId eq / assignedTo)."""
    wanted = query.get("$filter", "")
    at_scope = "atscope()" in wanted.lower().replace(" ", "")
    match = _PRINCIPAL_FILTER.search(wanted)
    holders: set[str] | None = None
    if match:
        holders = {match.group(1).lower()}
        if wanted.lower().lstrip().startswith("assignedto"):
            holders |= accounts.groups_of(tx, match.group(1).lower())
    out = []
    for record in rbac.assignments(tx, subscription):
        above = rbac.covers(record["scope"], scope)
        below = rbac.covers(scope, record["scope"])
        if not (above or (below and not at_scope)):
            continue
        if holders is not None and record["principalId"].lower() not in holders:
            continue
        if _may_read(tx, principal, record):
            out.append(_body(record))
    return out


def _body(record: dict[str, Any]) -> dict[str, Any]:
    properties = {k: v for k, v in record.items() if k not in ("id", "name", "type")}
    properties.update(
        condition=None,
        conditionVersion=None,
        createdBy=None,
        updatedBy=None,
        delegatedManagedIdentityResourceId=None,
        description=None,
    )
    return {
        "id": record["id"],
        "name": record["name"],
        "type": record["type"],
        "properties": properties,
    }


def _definitions(
    provider: Provider, scope: str, name: str | None, query: dict[str, str]
) -> Response:
    subscription = rbac.scope_subscription(scope) if scope else None
    if subscription is not None:
        with provider.store.transaction() as tx:
            subscription = accounts.subscription(tx, subscription)["id"]
    match = _ROLE_NAME_FILTER.search(query.get("$filter", ""))
    shown = [
        _definition_body(d, subscription)
        for d in rbac.definitions(subscription or "", match.group(1) if match else None)
    ]
    if name is None:
        return Response(200, {"value": shown})
    found = next((d for d in shown if d["name"] == name.lower()), None)
    if found is None:
        raise ArmError(
            "RoleDefinitionDoesNotExist",
            f"The specified role definition with ID '{name}' does not exist.",
            404,
        )
    return Response(200, found)


def _definition_body(flat: dict[str, Any], subscription: str | None) -> dict[str, Any]:
    """A built-in role's id names the subscription whatever scope it was read at (or none, read
    at the tenant: /providers/Microsoft.Authorization/roleDefinitions/{id})."""
    return {
        "id": flat["id"]
        if subscription
        else f"/providers/{rbac.AUTHORIZATION}/roleDefinitions/{flat['name']}",
        "name": flat["name"],
        "type": flat["type"],
        "properties": {
            "roleName": flat["roleName"],
            "type": flat["roleType"],
            "description": flat["description"],
            "assignableScopes": flat["assignableScopes"],
            "permissions": flat["permissions"],
        },
    }


def _permissions(tx: Any, principal: str | None, scope: str) -> list[dict[str, Any]]:
    """The caller's permissions at `scope`: one entry per role assigned at or above it."""
    if principal is None:
        return [{"actions": ["*"], "notActions": [], "dataActions": [], "notDataActions": []}]
    holders = {principal} | accounts.groups_of(tx, principal)
    out = []
    for record in rbac.assignments(tx, rbac.scope_subscription(scope)):
        if record["principalId"] in holders and rbac.covers(record["scope"], scope):
            role = rbac.role(record["roleDefinitionId"])
            out.append(
                {
                    "actions": list(role.actions),
                    "notActions": list(role.not_actions),
                    "dataActions": [],
                    "notDataActions": [],
                }
            )
    return out
