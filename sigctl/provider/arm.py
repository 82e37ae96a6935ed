"""Azure Resource Manager's HTTP contract over the emulated resource providers.

Verbs map onto the provider's calls (GET of a collection lists, POST names an action), and the
answers carry ARM's status codes: 201 for a PUT that created, 200 for one that replaced, 200 or
204 for a DELETE, 204 or 404 for a HEAD. A PUT or PATCH whose resource is still provisioning
(an image version replicating on the emulated clock) is a long-running operation: the answer
names its status monitor in Azure-AsyncOperation and Location, with a short Retry-After.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sigctl.errors import ArmError
from sigctl.provider import api_versions, cloud, ids, operations, regions, routes
from sigctl.provider.calls import Call, Response, method_not_allowed
from sigctl.provider.conditional import Conditions

if TYPE_CHECKING:
    from sigctl.provider.service import Provider

AUTHORIZATION = "microsoft.authorization"
PENDING = {"Creating", "Updating", "Deleting", "Accepted", "Migrating"}
_OPERATIONS = ("microsoft.compute", ("locations", "capsoperations"))
# The disk service declares no 201: a PUT that creates a disk or snapshot answers 200.
_NO_CREATED = {
    ("microsoft.compute", ("disks",)),
    ("microsoft.compute", ("snapshots",)),
    ("microsoft.compute", ("diskencryptionsets",)),  # Compute's disk RP: 200 or 202, never 201
}
# Deletes the service accepts and finishes asynchronously: 202 with a monitor, never 200.
_DELETE_ACCEPTED = {
    ("microsoft.compute", ("galleries", "invmaccesscontrolprofiles")),
    ("microsoft.compute", ("galleries", "invmaccesscontrolprofiles", "versions")),
}


def handle(call: Call) -> Response:
    provider, verb, query, body, principal = (
        call.provider,
        call.verb,
        call.query,
        call.body,
        call.principal,
    )
    segments = call.segments
    api_version = _api_version(query)
    lowered = [s.lower() for s in segments]
    path = call.path
    own = cloud.route(lowered)
    if own is not None:
        api_versions.check_resources(api_version)
        return own(call)
    if AUTHORIZATION in lowered:
        from sigctl.provider import authorization  # deferred for start-up: role calls only

        api_versions.require_present(api_version)
        return authorization.handle(call)
    action = None
    if verb == "POST":
        _refuse_post_to_collection(segments, path)
        action, segments = segments[-1], segments[:-1]
    rid = ids.parse("/" + "/".join(segments), trim=False)
    _check_version(provider, rid, api_version, body)
    if verb == "POST":
        if rid.is_collection:
            raise method_not_allowed(verb, path)
        outcome = provider.dispatch(
            "post", rid, {**query, "action": action}, _object(body), principal
        )
        return Response(200, outcome.result)
    if verb in ("GET", "HEAD") and rid.is_collection:
        if verb == "HEAD":
            raise method_not_allowed(verb, path)
        return Response(
            200, {"value": provider.dispatch("list", rid, query, None, principal).result}
        )
    if verb == "GET" and rid.route == _OPERATIONS:
        return operations.answer(provider, rid, query, principal)
    if verb == "GET":
        outcome = provider.dispatch("get", rid, query, None, principal)
        return Response(200, outcome.result, {"ETag": outcome.etag} if outcome.etag else {})
    if verb == "HEAD":
        return _head(provider, rid, query, principal)
    conditions = Conditions.of(call.headers)
    if verb == "DELETE":
        outcome = provider.dispatch("delete", rid, query, None, principal, conditions)
        if not outcome.existed:
            return Response(204)
        if rid.route in _DELETE_ACCEPTED:
            monitor = operations.monitor_headers(call.base, rid, verb, api_version or "", "global")
            return Response(202, None, monitor)
        return Response(200)
    outcome = provider.dispatch(verb.lower(), rid, query, _object(body), principal, conditions)
    created = verb == "PUT" and not outcome.existed and rid.route not in _NO_CREATED
    status = 201 if created else 200
    result = outcome.result
    state = (
        result.get("properties", {}).get("provisioningState") if isinstance(result, dict) else None
    )
    headers: dict[str, str] = {}
    if state in PENDING:
        location = str(result.get("location") or "global")
        headers = operations.monitor_headers(call.base, rid, verb, api_version or "", location)
    return Response(status, result, headers)


def _refuse_post_to_collection(segments: list[str], path: str) -> None:
    """POST names an action after a resource; on a collection ARM has no POST."""
    try:
        whole = ids.parse(path)
    except ArmError:
        return
    if whole.is_collection and whole.route in routes.ROUTES:
        raise method_not_allowed("POST", path)


def _api_version(query: dict[str, str]) -> str | None:
    return next((v for k, v in query.items() if k.lower() == "api-version"), None)


def _object(body: Any) -> dict[str, Any]:
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise ArmError(
            "InvalidRequestContent",
            "The request content was invalid and could not be deserialized: the body must be a JSON object.",
            400,
        )
    return body


def _head(
    provider: Provider, rid: ids.ResourceId, query: dict[str, str], principal: str | None
) -> Response:
    verb = "head" if hasattr(routes.handler(rid), "head") else "get"
    try:
        found = provider.dispatch(verb, rid, query, None, principal).result
    except ArmError as error:
        if error.status == 404:
            return Response(404)
        raise
    return Response(204 if found is not False else 404)


def _check_version(
    provider: Provider, rid: ids.ResourceId, api_version: str | None, body: Any
) -> None:
    if rid.namespace == ids.RESOURCES:
        api_versions.check_resources(api_version)
        return
    routes.handler(rid)  # an unknown type is InvalidResourceType whatever the version
    try:
        api_versions.check(api_version, rid.namespace, rid.types, "global")
    except ArmError as error:
        if error.code != "NoRegisteredProviderFound":
            raise
        location = _location(provider, rid, body)
        api_versions.check(api_version, rid.namespace, rid.types, location)


def _location(provider: Provider, rid: ids.ResourceId, body: Any) -> str:
    """The location ARM names when refusing a version: the body's, else the group's."""
    if isinstance(body, dict) and isinstance(body.get("location"), str):
        found = regions.find(body["location"])
        return found.name if found else body["location"]
    if rid.types[0].lower() == "locations" and rid.names:
        return rid.names[0]
    if rid.resource_group:
        try:
            group = ids.resource_group_id(rid.subscription, rid.resource_group)
            return provider.dispatch("get", group, {}, None, None).result["location"]
        except ArmError:
            pass
    return "global"
