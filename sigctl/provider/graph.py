"""Microsoft Graph (/v1.0) for what `az ad` and `az role` use: users, service principals,
applications, groups and their members, and directory-object lookups.

An application and its service principal are one record in the emulated directory: creating an
application creates the service principal, and POST /servicePrincipals with its appId answers
with it. Directory roles are not emulated: any signed-in principal may read and change the
directory.
"""

from __future__ import annotations

import re
from typing import Any

from sigctl.errors import ArmError
from sigctl.provider import accounts, rbac
from sigctl.provider.calls import Call, Response, method_not_allowed, route_not_found

_COLLECTIONS = {
    "users": "user",
    "serviceprincipals": "servicePrincipal",
    "applications": "servicePrincipal",
    "groups": "group",
}
_ODATA = {
    "user": "#microsoft.graph.user",
    "servicePrincipal": "#microsoft.graph.servicePrincipal",
    "group": "#microsoft.graph.group",
}
_LITERAL = r"'((?:[^']|'')*)'"  # an OData string: a quote inside is doubled
_EQ = re.compile(rf"^\s*([A-Za-z]+)\s+eq\s+{_LITERAL}\s*$")
_STARTSWITH = re.compile(rf"^\s*startswith\(\s*([A-Za-z]+)\s*,\s*{_LITERAL}\s*\)\s*$", re.I)
_SPN = re.compile(rf"^\s*servicePrincipalNames/any\(\w+:\s*\w+\s+eq\s+{_LITERAL}\)\s*$", re.I)


def shape(record: dict[str, Any]) -> dict[str, Any]:
    """A principal as Microsoft Graph returns it."""
    kind = record["type"]
    if kind == "user":
        return {
            "businessPhones": [],
            "displayName": record["displayName"],
            "givenName": None,
            "id": record["id"],
            "jobTitle": None,
            "mail": None,
            "mobilePhone": None,
            "officeLocation": None,
            "preferredLanguage": None,
            "surname": None,
            "userPrincipalName": record["userPrincipalName"],
        }
    if kind == "servicePrincipal":
        return {
            "accountEnabled": True,
            "appDisplayName": record["displayName"],
            "appId": record["appId"],
            "appOwnerOrganizationId": record["tenantId"],
            "displayName": record["displayName"],
            "id": record["id"],
            "servicePrincipalNames": [record["appId"]],
            "servicePrincipalType": record.get("servicePrincipalType", "Application"),
        }
    return {
        "description": record.get("description"),
        "displayName": record["displayName"],
        "id": record["id"],
        "mailEnabled": False,
        "mailNickname": record["mailNickname"],
        "securityEnabled": True,
    }


def _typed(record: dict[str, Any]) -> dict[str, Any]:
    return {"@odata.type": _ODATA[record["type"]], **shape(record)}


def _application(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "@odata.type": "#microsoft.graph.application",
        "id": record["id"],
        "appId": record["appId"],
        "displayName": record["displayName"],
        "signInAudience": "AzureADMyOrg",
        "passwordCredentials": [],
    }


def handle(call: Call) -> Response:
    """`call.segments` are below /v1.0."""
    verb, segments, query, body, principal = (
        call.verb,
        call.segments,
        call.query,
        call.body,
        call.principal,
    )
    lowered = [s.lower() for s in segments]
    path = "/v1.0" + call.path
    write = verb in ("POST", "PATCH", "DELETE", "PUT")
    with call.provider.store.transaction(write=write) as tx:
        if lowered == ["me"] and verb == "GET":
            me = accounts.principal(tx, principal or "") if principal else None
            if me is None:
                me = accounts.principal(tx, accounts.default_subscription(tx)["owner"])
            return Response(200, _typed(me))
        if lowered[:1] == ["directoryobjects"]:
            return _directory_objects(tx, verb, segments, body, path)
        if not lowered or lowered[0] not in _COLLECTIONS:
            raise route_not_found(verb, path)
        kind = _COLLECTIONS[lowered[0]]
        render = _application if lowered[0] == "applications" else _typed
        if len(segments) == 1:
            if verb == "GET":
                return Response(200, {"value": [render(r) for r in _filtered(tx, kind, query)]})
            if verb == "POST":
                return Response(201, render(_create(tx, lowered[0], body, principal)))
            raise method_not_allowed(verb, path)
        record = _find(tx, kind, segments[1])
        if len(segments) == 2:
            if verb == "GET":
                return Response(200, render(record))
            if verb == "DELETE":
                rbac.delete_principal(tx, record["id"])
                return Response(204)
            raise method_not_allowed(verb, path)
        if lowered[0] == "applications" and lowered[2:] == ["addpassword"] and verb == "POST":
            return Response(200, _password(record, body))
        if lowered[0] == "groups" and lowered[2] == "members":
            return _members(tx, verb, record, segments[3:], body, path)
        raise route_not_found(verb, path)


def _filtered(tx: Any, kind: str, query: dict[str, str]) -> list[dict[str, Any]]:
    found = [p for p in accounts.load(tx)["principals"].values() if p["type"] == kind]
    text = query.get("$filter")
    if text:
        found = [p for p in found if _matches(p, text)]
    return sorted(found, key=lambda p: p.get("displayName", "").lower())


def _matches(record: dict[str, Any], text: str) -> bool:
    shown = {**shape(record), "appId": record.get("appId")}
    if match := _SPN.match(text):
        wanted = _unquoted(match.group(1)).lower()
        return wanted in [n.lower() for n in shown.get("servicePrincipalNames", [])]
    if match := _EQ.match(text):
        return str(shown.get(match.group(1)) or "").lower() == _unquoted(match.group(2)).lower()
    if match := _STARTSWITH.match(text):
        value = str(shown.get(match.group(1)) or "").lower()
        return value.startswith(_unquoted(match.group(2)).lower())
    raise ArmError(
        "Request_UnsupportedQuery", f"Unsupported or invalid query filter clause: {text}", 400
    )


def _unquoted(literal: str) -> str:
    return literal.replace("''", "'")


def _find(tx: Any, kind: str, text: str) -> dict[str, Any]:
    found = accounts.find_principal(tx, text)
    if found["type"] != kind:
        raise accounts.principal_not_found(text)
    return found


def _field(body: Any, name: str) -> str:
    value = body.get(name) if isinstance(body, dict) else None
    if not isinstance(value, str) or not value:
        raise ArmError("Request_BadRequest", f"Property '{name}' is required.", 400)
    return value


def _create(tx: Any, collection: str, body: Any, principal: str | None) -> dict[str, Any]:
    tenant = _tenant(tx, principal)
    if collection == "users":
        fields = {
            "displayName": _field(body, "displayName"),
            "userPrincipalName": _field(body, "userPrincipalName"),
        }
        return accounts.create_principal(tx, "user", tenant, fields)
    if collection == "groups":
        fields = {
            "displayName": _field(body, "displayName"),
            "mailNickname": _field(body, "mailNickname"),
        }
        if isinstance(body.get("description"), str):
            fields["description"] = body["description"]
        return accounts.create_principal(tx, "group", tenant, fields)
    if collection == "applications":
        return accounts.create_principal(
            tx, "servicePrincipal", tenant, {"displayName": _field(body, "displayName")}
        )
    app_id = _field(body, "appId").lower()
    for record in accounts.load(tx)["principals"].values():
        if record.get("appId") == app_id:
            return record
    raise ArmError(
        "Request_BadRequest",
        f"The appId '{app_id}' of the service principal does not reference a valid application object.",
        400,
    )


def _tenant(tx: Any, principal: str | None) -> str:
    acting = accounts.principal(tx, principal) if principal else None
    return acting["tenantId"] if acting else accounts.default_subscription(tx)["tenantId"]


def _password(record: dict[str, Any], body: Any) -> dict[str, Any]:
    """A client secret for the application (the emulated token service accepts any secret)."""
    import secrets  # only here: it loads a random generator a read does not need

    credential = body.get("passwordCredential") if isinstance(body, dict) else None
    name = credential.get("displayName") if isinstance(credential, dict) else None
    return {
        "displayName": name,
        "keyId": accounts.stable_id("secret", f"{record['id']}|{secrets.token_hex(8)}"),
        "secretText": secrets.token_urlsafe(30),
        "hint": None,
        "customKeyIdentifier": None,
        "startDateTime": None,
        "endDateTime": None,
    }


def _members(
    tx: Any, verb: str, group: dict[str, Any], rest: list[str], body: Any, path: str
) -> Response:
    if not rest and verb == "GET":
        members = [accounts.principal(tx, m) for m in group["members"]]
        return Response(200, {"value": [_typed(m) for m in members if m]})
    if rest == ["$ref"] and verb == "POST":
        reference = _field(body, "@odata.id")
        accounts.set_membership(tx, group["id"], reference.rstrip("/").rsplit("/", 1)[-1], True)
        return Response(204)
    if len(rest) == 2 and rest[1] == "$ref" and verb == "DELETE":
        accounts.set_membership(tx, group["id"], rest[0], False)
        return Response(204)
    raise route_not_found(verb, path)


def _directory_objects(tx: Any, verb: str, segments: list[str], body: Any, path: str) -> Response:
    lowered = [s.lower() for s in segments]
    if lowered[1:] == ["getbyids"] and verb == "POST":
        ids = body.get("ids") if isinstance(body, dict) else None
        if not isinstance(ids, list):
            raise ArmError("Request_BadRequest", "Property 'ids' is required.", 400)
        found = [accounts.principal(tx, str(i)) for i in ids]
        return Response(200, {"value": [_typed(p) for p in found if p]})
    if len(segments) == 2 and verb == "GET":
        found = accounts.principal(tx, segments[1])
        if found is None:
            raise accounts.principal_not_found(segments[1])
        return Response(200, _typed(found))
    if (
        len(segments) == 3
        and lowered[2] in ("checkmembergroups", "getmembergroups")
        and verb == "POST"
    ):
        member = accounts.principal(tx, segments[1])
        if member is None:
            raise accounts.principal_not_found(segments[1])
        groups = accounts.groups_of(tx, member["id"])
        if lowered[2] == "checkmembergroups":
            wanted = body.get("groupIds") if isinstance(body, dict) else None
            groups &= {str(g) for g in wanted or []}
        return Response(200, {"value": sorted(groups)})
    raise route_not_found(verb, path)
