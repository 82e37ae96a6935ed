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

from sigctl.provider import emulator_accounts
from sigctl.provider.calls import Call, Response, route_not_found


def handle(call: Call) -> Response:
    """`call.segments` are below /sigctl."""
    verb, segments = call.verb, call.segments
    lowered = [s.lower() for s in segments]
    path = "/sigctl" + call.path
    if lowered[:1] in (["clock"], ["faults"], ["state"]) or lowered == ["config"]:
        from sigctl.provider import emulator_controls  # deferred for start-up: clock, faults, state

        return emulator_controls.handle(call, path)
    if lowered[:1] == ["namespaces"]:
        from sigctl.provider import namespaces_api  # deferred for start-up: the store's namespaces

        return namespaces_api.handle(call.below(1))
    if lowered == ["vm-image-aliases.json"] and verb == "GET":
        return Response(200, {"outputs": {"aliases": {"value": {}}}})
    if lowered[:1] in (["sign-in"], ["tenants"]) or (
        lowered[:1] == ["subscriptions"]
        and (len(lowered) <= 2 or lowered[2] in ("allowedregions", "regions"))
    ):
        return emulator_accounts.handle(call, path)
    if lowered[:1] == ["subscriptions"]:
        from sigctl.provider import emulator_resources  # deferred for start-up: resource modules

        return emulator_resources.handle(call, segments[1], segments[2:], path)
    raise route_not_found(verb, path)


def is_public(segments: list[str]) -> bool:
    """Sign-in is the one /sigctl path a caller without credentials may use."""
    return [s.lower() for s in segments] == ["sigctl", "sign-in"]
