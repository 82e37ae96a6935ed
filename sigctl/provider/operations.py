"""Status monitors of long-running operations, following the emulated replication clock.

Nothing is stored per operation: its id encodes what it watches (the verb and the resource id)
and when it started, and its status is read from that resource each time it is asked for, so
it moves exactly as the resource's provisioningState does on the emulated clock. A frozen
clock keeps an operation in progress until the clock is moved (sigctl replication clock
advance, or POST /sigctl/clock/advance).

    GET /subscriptions/{s}/providers/Microsoft.Compute/locations/{region}/capsOperations/{id}
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sigctl.errors import ArmError, replication_failure
from sigctl.provider import ids, rbac, regions, routes
from sigctl.provider.calls import Response
from sigctl.provider.clock import iso_precise
from sigctl.provider.context import Request
from sigctl.provider.ids import ResourceId

if TYPE_CHECKING:
    from sigctl.provider.service import Provider

RETRY_AFTER_SECONDS = "1"


# base64 is imported where an operation id is made or read: a read makes none.


def operation_id(verb: str, target: ResourceId, started: str) -> str:
    import base64

    raw = json.dumps({"verb": verb, "id": str(target), "started": started}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def monitor_headers(
    base: str, target: ResourceId, verb: str, api_version: str, location: str
) -> dict[str, str]:
    """Azure-AsyncOperation and Location for an operation on `target`, with a short Retry-After."""
    from datetime import UTC, datetime

    opid = operation_id(verb.lower(), target, iso_precise(datetime.now(UTC)))
    monitor = (
        f"{base}/subscriptions/{target.subscription}/providers/{ids.COMPUTE}/locations/"
        f"{regions.normalise(location)}/capsOperations/{opid}?api-version={api_version}"
    )
    return {
        "Azure-AsyncOperation": monitor,
        "Location": f"{monitor}&monitor=true",
        "Retry-After": RETRY_AFTER_SECONDS,
    }


def _decode(text: str) -> dict[str, Any]:
    import base64

    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        found = json.loads(raw)
        if isinstance(found, dict) and {"verb", "id", "started"} <= found.keys():
            return found
    except ValueError:
        pass
    raise ArmError("OperationNotFound", f"The operation '{text}' could not be found.", 404)


def get(ctx: Request, rid: ResourceId) -> dict[str, Any]:
    """The operation's status: InProgress, then Succeeded or Failed (with the error)."""
    found = _decode(rid.name)
    target = ids.parse(found["id"])
    if target.subscription.lower() != ctx.subscription:
        raise ArmError("OperationNotFound", f"The operation '{rid.name}' could not be found.", 404)
    ctx.authorize(rbac.action_for(target, "get"), str(target))
    status: dict[str, Any] = {"name": rid.name, "startTime": found["started"]}
    try:
        body = routes.handler(target).get(_with_replication(ctx), target)
    except ArmError as error:
        if error.status != 404:
            raise
        if found["verb"] == "delete":
            return {**status, "status": "Succeeded", "endTime": iso_precise(ctx.clock.now())}
        return {**status, "status": "Canceled", "error": _error(error)}
    state = body.get("properties", {}).get("provisioningState")
    if found["verb"] == "delete" or state not in ("Succeeded", "Failed", "Canceled"):
        return {**status, "status": "InProgress"}
    status["status"] = state
    status["endTime"] = iso_precise(ctx.clock.now())
    if state == "Failed":
        status["error"] = _error(replication_failure(body))
    return status


def answer(
    provider: Provider, rid: ResourceId, query: dict[str, str], principal: str | None
) -> Response:
    """The status monitor (Azure-AsyncOperation), or with monitor=true the Location monitor:
    202 while running, then the resource (200) or nothing (204, after a delete)."""
    status = provider.dispatch("get", rid, query, None, principal).result
    running = status["status"] == "InProgress"
    retry = {"Retry-After": RETRY_AFTER_SECONDS} if running else {}
    if str(query.get("monitor", "")).lower() != "true":
        return Response(200, status, retry)
    if running:
        return Response(202, None, retry)
    if "error" in status:
        error = status["error"]
        raise ArmError(
            error["code"], error["message"], 409 if status["status"] == "Failed" else 400
        )
    found = _decode(rid.name)
    if found["verb"] == "delete":
        return Response(204)
    target = provider.dispatch(
        "get", found["id"], {"api-version": query.get("api-version")}, None, principal
    )
    return Response(200, target.result)


def _with_replication(ctx: Request) -> Request:
    return Request(ctx.tx, ctx.subscription, ctx.principal, {"$expand": "ReplicationStatus"})


def _error(error: ArmError) -> dict[str, Any]:
    return error.to_cloud_error()["error"]
