"""The sigctl namespace: what Azure has no API for, on documented /sigctl paths.

    GET    /sigctl/clock                           the emulated clock (sigctl replication clock show)
    POST   /sigctl/clock/advance   {"by": "5m"}    move it forward
    POST   /sigctl/clock/set       {"time": "..."} freeze it at an instant
    POST   /sigctl/clock/reset                     back to the wall clock
    GET    /sigctl/faults                          injected replication faults
    POST   /sigctl/faults          {"region", ...} inject one (201)
    DELETE /sigctl/faults[/{id}]                   clear one, or all
    GET    /sigctl/state                           export the whole state (a snapshot)
    PUT    /sigctl/state           {snapshot}      replace the state with a snapshot
    DELETE /sigctl/state                           reset the state
    GET    /sigctl/subscriptions/{s}/billing[?scope={resource id}]   cost inputs (billing estimate)
    GET    /sigctl/subscriptions/{s}/sources[?kind=vhd]              every source of a subscription
    PUT|GET|DELETE /sigctl/subscriptions/{s}/resourceGroups/{g}/sources/{kind}/{name}
                                                   sources with sigctl's own fields (used sizes,
                                                   VHDs in storage accounts)
    GET    /sigctl/vm-image-aliases.json           the (empty) alias document the metadata names
    GET|POST|PATCH|DELETE /sigctl/namespaces[/{name}[/reset]]   namespaces (namespaces_api)

Clock, faults and state are the emulator's own controls: any signed-in caller may use them.
Billing and sources check the caller's roles as their ARM counterparts do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sigctl.errors import ArmError
from sigctl.provider import accounts, ids
from sigctl.provider.api import Call, Response, method_not_allowed, route_not_found
from sigctl.provider.context import Request
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
    if lowered == ["state"]:
        return _state(provider, verb, body, path)
    if lowered[:1] == ["namespaces"]:
        from sigctl.provider import namespaces_api

        return namespaces_api.handle(call.below(1))
    if lowered == ["vm-image-aliases.json"] and verb == "GET":
        return Response(200, {"outputs": {"aliases": {"value": {}}}})
    if lowered[:1] == ["subscriptions"] and len(segments) >= 3:
        return _in_subscription(call, segments[1], segments[2:], path)
    raise route_not_found(verb, path)


def _clock(provider: Provider, verb: str, rest: list[str], body: Any, path: str) -> Response:
    from sigctl.provider import clock_ops

    if not rest:
        if verb != "GET":
            raise method_not_allowed(verb, path)
        with provider.store.transaction() as tx:
            return Response(200, clock_ops.describe(tx, provider.settings(tx)))
    if verb != "POST" or len(rest) != 1 or rest[0] not in ("advance", "set", "reset"):
        raise route_not_found(verb, path)
    fields = expect_dict(body, "body")
    with provider.store.transaction(write=True) as tx:
        settings = provider.settings(tx)
        if rest[0] == "advance":
            clock_ops.advance(tx, settings, expect_str(fields.get("by"), "by") or "")
        elif rest[0] == "set":
            clock_ops.set_(tx, settings, expect_str(fields.get("time"), "time") or "")
        else:
            clock_ops.reset(tx, settings)
        return Response(200, clock_ops.describe(tx, settings))


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
                    raise ArmError("FaultNotFound", f"There is no fault with id {rest[0]}.", 404)
                fault_id = int(rest[0])
            return Response(200, {"cleared": faults.clear(tx, fault_id)})
    raise method_not_allowed(verb, path)


def _state(provider: Provider, verb: str, body: Any, path: str) -> Response:
    from sigctl.provider import fixtures

    if verb == "DELETE":  # as `sigctl state reset`: everything, under the writers' lock
        provider.store.wipe()
        return Response(204)
    with provider.store.transaction(write=verb != "GET") as tx:
        if verb == "GET":
            return Response(200, fixtures.export(tx))
        if verb == "PUT":
            return Response(200, {"documents": fixtures.replace(tx, expect_dict(body, "body"))})
    raise method_not_allowed(verb, path)


def _in_subscription(call: Call, subscription: str, rest: list[str], path: str) -> Response:
    from sigctl.provider import billing, sources

    verb, query, body = call.verb, call.query, call.body

    lowered = [s.lower() for s in rest]
    with call.provider.store.transaction(write=verb in ("PUT", "DELETE")) as tx:
        sub = accounts.subscription(tx, subscription)["id"]
        ctx = Request(tx, sub.lower(), call.principal, query)
        if lowered == ["billing"] and verb == "GET":
            scope = ids.parse(query["scope"]) if query.get("scope") else None
            return Response(200, billing.existing(ctx, scope))
        if lowered == ["sources"] and verb == "GET":
            return Response(200, {"value": sources.list_(ctx, None, _kind(query.get("kind")))})
        if len(rest) == 5 and lowered[0] == "resourcegroups" and lowered[2] == "sources":
            kind, group, name = _kind(rest[3]), rest[1], rest[4]
            assert kind is not None
            if verb == "GET":
                return Response(200, sources.get(ctx, kind, group, name))
            if verb == "PUT":
                return Response(
                    200, sources.create(ctx, kind, group, name, expect_dict(body, "body"))
                )
            if verb == "DELETE":
                sources.delete(ctx, kind, group, name)
                return Response(204)
            raise method_not_allowed(verb, path)
    raise route_not_found(verb, path)


def _kind(text: str | None) -> str | None:
    from sigctl.provider import sources

    if text is None:
        return None
    if text.lower() not in sources.KINDS:
        raise ArmError(
            "InvalidSourceKind",
            f"'{text}' is not a source kind: {', '.join(sources.KINDS)}.",
            400,
        )
    return text.lower()
