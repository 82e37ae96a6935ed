"""The emulator's own controls on /sigctl (sigctl.provider.emulator_api lists the paths): the
emulated clock, injected replication faults, the whole state, and the service's settings.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from sigctl.errors import ArmError
from sigctl.provider import clock_ops, faults, fixtures, settings, state_health
from sigctl.provider.calls import Call, Response, method_not_allowed, route_not_found
from sigctl.provider.validate import expect_dict, expect_str

if TYPE_CHECKING:
    from sigctl.provider.service import Provider


def handle(call: Call, path: str) -> Response:
    """`call.segments` are below /sigctl, and start with clock, faults, state or config."""
    provider, verb, segments, body = call.provider, call.verb, call.segments, call.body
    lowered = [s.lower() for s in segments]
    if lowered[0] == "clock":
        return _clock(provider, verb, lowered[1:], body, path)
    if lowered[0] == "faults":
        return _faults(provider, verb, segments[1:], body, path)
    if lowered[0] == "state":
        return _state(call, lowered[1:], path)
    return _config(provider, verb, body, path)


def _clock(provider: Provider, verb: str, rest: list[str], body: Any, path: str) -> Response:
    if not rest:
        if verb != "GET":
            raise method_not_allowed(verb, path)
        with provider.store.transaction() as tx:
            return Response(200, clock_ops.describe(tx, provider.settings(tx)))
    actions = ("advance", "set", "reset", "wait")
    if verb != "POST" or len(rest) != 1 or rest[0] not in actions:
        raise route_not_found(verb, path)
    fields = expect_dict(body if body is not None else {}, "body")
    if rest[0] == "wait":
        return Response(200, clock_ops.wait(provider.store, provider.settings, _seconds(fields)))
    with provider.store.transaction(write=True) as tx:
        settings = provider.settings(tx)
        if rest[0] == "advance":
            clock_ops.advance(tx, settings, expect_str(fields.get("by"), "by") or "")
        elif rest[0] == "set":
            clock_ops.set_(tx, settings, expect_str(fields.get("time"), "time") or "")
        else:
            clock_ops.reset(tx, settings)
        return Response(200, clock_ops.describe(tx, settings))


def _seconds(fields: dict[str, Any]) -> float:
    seconds = fields.get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise ArmError("InvalidRequestContent", "Property 'seconds' must be a number.", 400)
    if not math.isfinite(seconds) or seconds < 0:
        raise ArmError("InvalidRequestContent", "Property 'seconds' must be 0 or more.", 400)
    return float(seconds)


def _faults(provider: Provider, verb: str, rest: list[str], body: Any, path: str) -> Response:
    if len(rest) > 1:
        raise route_not_found(verb, path)
    with provider.store.transaction(write=verb != "GET") as tx:
        if verb == "GET" and not rest:
            return Response(200, {"value": faults.load(tx)})
        if verb == "POST" and not rest:
            return Response(201, faults.add(tx, expect_dict(body, "body")))
        if verb == "DELETE":
            fault_id = None
            if rest:
                if not rest[0].isdigit():
                    raise faults.not_found(rest[0])
                fault_id = int(rest[0])
            return Response(200, {"cleared": faults.clear(tx, fault_id)})
    raise method_not_allowed(verb, path)


def _state(call: Call, rest: list[str], path: str) -> Response:
    provider, verb, body = call.provider, call.verb, call.body
    if rest:
        if verb != "POST" or len(rest) != 1:
            raise route_not_found(verb, path)
        return Response(200, state_health.post(provider.store, rest[0]))
    if verb == "DELETE":  # as `sigctl state reset`: everything, under the writers' lock
        provider.store.wipe()
        return Response(204)
    with provider.store.transaction(write=verb != "GET") as tx:
        if verb == "GET":
            return Response(200, fixtures.export(tx))
        if verb == "PUT":
            if str(call.query.get("ifEmpty", "")).lower() == "true" and tx.all_keys():
                raise ArmError(
                    "StateNotEmpty",
                    "The state is not empty; replacing it was not asked for (ifEmpty=true).",
                    409,
                )
            return Response(200, {"documents": fixtures.replace(tx, expect_dict(body, "body"))})
    raise method_not_allowed(verb, path)


def _config(provider: Provider, verb: str, body: Any, path: str) -> Response:
    if verb == "GET":
        return Response(200, {"value": settings.entries(provider.home)})
    if verb == "PATCH":
        changes = expect_dict(body, "body")
        settings.change(provider.home, changes)
        if "replication.speed" in changes:
            _sync_clock(provider)  # running replications go on at the new speed from now
        return Response(200, {"value": settings.entries(provider.home)})
    raise method_not_allowed(verb, path)


def _sync_clock(provider: Provider) -> None:
    """Re-anchor replication progress after replication.speed changed (from `config set`)."""
    if not provider.store.exists():
        return  # nothing has replicated yet

    def sync() -> None:
        with provider.store.transaction(write=True) as tx:
            clock_ops.sync(tx, provider.settings(tx))

    provider.store.retrying(sync)
