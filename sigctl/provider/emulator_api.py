"""The sigctl namespace: what Azure has no API for, on documented /sigctl paths.

    POST   /sigctl/sign-in         {"principal", "subscription", "token"}  who acts, where (public)
    GET    /sigctl/clock                           the emulated clock (sigctl replication clock show)
    POST   /sigctl/clock/advance   {"by": "5m"}    move it forward
    POST   /sigctl/clock/set       {"time": "..."} freeze it at an instant
    POST   /sigctl/clock/reset                     back to the wall clock
    POST   /sigctl/clock/wait      {"seconds": 15} let modelled time pass for a polling client
    GET    /sigctl/config                          the service's settings (limits, replication)
    PATCH  /sigctl/config          {"key": "value" | null, ...}   change them
    GET    /sigctl/faults                          injected replication faults
    POST   /sigctl/faults          {"region", ...} inject one (201)
    DELETE /sigctl/faults[/{id}]                   clear one, or all
    GET    /sigctl/state                           export the whole state (a snapshot)
    PUT    /sigctl/state[?ifEmpty=true] {snapshot} replace the state with a snapshot
    DELETE /sigctl/state                           reset the state
    POST   /sigctl/state/check | /sigctl/state/repair   the state's health
    GET|POST /sigctl/tenants, /sigctl/tenants/{t}/principals[?type=]    the emulated directory
    GET|POST /sigctl/subscriptions, GET /sigctl/subscriptions/{s}      the emulated accounts
    POST   /sigctl/subscriptions/{s}/allowedRegions/add|remove {"region"}  its allow-list
    GET    /sigctl/subscriptions/{s}/regions                           gallery access per region
    GET    /sigctl/subscriptions/{s}/latest?definition={id}[&location=][&explain=true]
    GET    /sigctl/subscriptions/{s}/billing[?scope={resource id}]   cost inputs (billing estimate)
    POST   /sigctl/subscriptions/{s}/billing/plan                    inputs of a planned version
    GET    /sigctl/subscriptions/{s}[/resourceGroups/{g}]/sources[?kind=]   sources
    PUT|GET|DELETE /sigctl/subscriptions/{s}/resourceGroups/{g}/sources/{kind}/{name}
                                                   sources with sigctl's own fields (used sizes,
                                                   VHDs in a storage account and container)
    POST   /sigctl/subscriptions/{s}/seed          apply a fixture in one transaction
    GET    /sigctl/vm-image-aliases.json           the (empty) alias document the metadata names
    GET|POST|PATCH|DELETE /sigctl/namespaces[/{name}[/reset]]   namespaces (namespaces_api)

The namespace is versionless: no api-version is required, and one that is sent is ignored (the
paths change with sigctl itself, documented in docs/serve.md). Sign-in is public, as the token
service is; everything else needs a signed-in caller. Clock, faults, config, state, the accounts
and seeding are the emulator's own controls: any signed-in caller may use them. Billing, sources
and "latest" check the caller's roles as their ARM counterparts do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sigctl.errors import ArmError
from sigctl.provider.api import Call, Response, method_not_allowed, route_not_found
from sigctl.provider.validate import expect_dict, expect_str

if TYPE_CHECKING:
    from sigctl.provider.service import Provider


def handle(call: Call) -> Response:
    """`call.segments` are below /sigctl."""
    provider, verb, segments, body = call.provider, call.verb, call.segments, call.body
    lowered = [s.lower() for s in segments]
    path = "/sigctl" + call.path
    if lowered[:1] == ["clock"]:
        return _clock(provider, verb, lowered[1:], body, path)
    if lowered[:1] == ["faults"]:
        return _faults(provider, verb, segments[1:], body, path)
    if lowered[:1] == ["state"]:
        return _state(call, lowered[1:], path)
    if lowered == ["config"]:
        return _config(provider, verb, body, path)
    if lowered[:1] == ["namespaces"]:
        from sigctl.provider import namespaces_api

        return namespaces_api.handle(call.below(1))
    if lowered == ["vm-image-aliases.json"] and verb == "GET":
        return Response(200, {"outputs": {"aliases": {"value": {}}}})
    if lowered[:1] in (["sign-in"], ["tenants"]) or (
        lowered[:1] == ["subscriptions"]
        and (len(lowered) <= 2 or lowered[2] in ("allowedregions", "regions"))
    ):
        from sigctl.provider import emulator_accounts

        return emulator_accounts.handle(call, path)
    if lowered[:1] == ["subscriptions"]:
        from sigctl.provider import emulator_resources

        return emulator_resources.handle(call, segments[1], segments[2:], path)
    raise route_not_found(verb, path)


def is_public(segments: list[str]) -> bool:
    """Sign-in is the one /sigctl path a caller without credentials may use."""
    return [s.lower() for s in segments] == ["sigctl", "sign-in"]


def _clock(provider: Provider, verb: str, rest: list[str], body: Any, path: str) -> Response:
    from sigctl.provider import clock_ops

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
    import math

    seconds = fields.get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise ArmError("InvalidRequestContent", "Property 'seconds' must be a number.", 400)
    if not math.isfinite(seconds) or seconds < 0:
        raise ArmError("InvalidRequestContent", "Property 'seconds' must be 0 or more.", 400)
    return float(seconds)


def _faults(provider: Provider, verb: str, rest: list[str], body: Any, path: str) -> Response:
    from sigctl.provider import faults

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
    from sigctl.provider import fixtures

    provider, verb, body = call.provider, call.verb, call.body
    if rest:
        if verb != "POST" or len(rest) != 1:
            raise route_not_found(verb, path)
        from sigctl.provider import state_health

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
    from sigctl.provider import settings

    if verb == "GET":
        return Response(200, {"value": settings.entries(provider.home)})
    if verb == "PATCH":
        changes = expect_dict(body, "body")
        settings.change(provider.home, changes)
        if "replication.speed" in changes:
            provider.sync_clock()  # running replications go on at the new speed from now
        return Response(200, {"value": settings.entries(provider.home)})
    raise method_not_allowed(verb, path)
