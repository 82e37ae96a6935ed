"""Namespaces, on the /sigctl paths: isolated clouds inside one backend.

    GET    /sigctl/namespaces[?olderThan=2d]      every namespace (or those unchanged since)
    POST   /sigctl/namespaces   {"name", "settings"}   create one (201; 409 if it exists)
    GET    /sigctl/namespaces/{name}              one namespace
    PATCH  /sigctl/namespaces/{name}  {"settings": {key: value or null}}   change its settings
    POST   /sigctl/namespaces/{name}/reset        delete everything in it (its settings stay)
    DELETE /sigctl/namespaces/{name}              delete it and everything in it

A namespace's Resource Manager endpoint is /namespaces/{name}/ of the served cloud (its token
service, metadata and /sigctl paths sit below it too). Its settings are service settings
(limits.*, replication.speed) that override the configuration inside it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sigctl.errors import ArmError
from sigctl.provider import settings
from sigctl.provider.calls import Call, Response, method_not_allowed, route_not_found
from sigctl.provider.clock_ops import parse_duration
from sigctl.provider.validate import expect_dict, expect_str
from sigctl.store import base


def handle(call: Call) -> Response:
    """`call.segments` are below /sigctl/namespaces."""
    provider, verb, segments = call.provider, call.verb, call.segments
    path = "/sigctl/namespaces" + (call.path if segments else "")
    backend = provider.backend
    if not segments:
        if verb == "GET":
            return Response(200, {"value": [describe(n) for n in _listed(backend, call.query)]})
        if verb == "POST":
            fields = expect_dict(call.body, "body")
            name = base.checked_name(expect_str(fields.get("name"), "name") or "")
            created = backend.create_namespace(name, _settings(fields.get("settings", {})))
            return Response(201, describe(created))
        raise method_not_allowed(verb, path)
    name = base.checked_name(segments[0])
    if len(segments) == 2 and segments[1].lower() == "reset":
        if verb != "POST":
            raise method_not_allowed(verb, path)
        _require(backend, name)
        provider.in_namespace(name).store.wipe()
        return Response(200, describe(_require(backend, name)))
    if len(segments) != 1:
        raise route_not_found(verb, path)
    if verb == "GET":
        return Response(200, describe(_require(backend, name)))
    if verb == "PATCH":
        fields = expect_dict(call.body, "body")
        changes = expect_dict(fields.get("settings", {}), "settings")
        current = dict(_require(backend, name).settings)
        current.update(_settings({k: v for k, v in changes.items() if v is not None}))
        for key in (k for k, v in changes.items() if v is None):
            current.pop(key, None)
        return Response(200, describe(backend.update_namespace(name, current)))
    if verb == "DELETE":
        backend.delete_namespace(name)
        return Response(200, {"name": name, "deleted": True})
    raise method_not_allowed(verb, path)


def describe(namespace: base.Namespace) -> dict[str, Any]:
    return {
        "name": namespace.name,
        "created": _time(namespace.created),
        "changed": _time(namespace.changed or namespace.created),
        "settings": namespace.settings,
        "resourceManager": f"/namespaces/{namespace.name}/",
    }


def _time(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, UTC).isoformat().replace("+00:00", "Z")


def _listed(backend: Any, query: dict[str, str]) -> list[base.Namespace]:
    every = backend.namespaces()
    if query.get("olderThan") is None:
        return every

    text = query["olderThan"]
    if text.strip().startswith("-"):
        raise ArmError(
            "InvalidDuration", f"'{text}' is negative; give an age such as 2h or 7d.", 400
        )
    return list(base.older_than(every, parse_duration(text)))


def _settings(given: Any) -> dict[str, Any]:

    return settings.namespace_settings(given)


def _require(backend: Any, name: str) -> base.Namespace:
    found = backend.namespace(name)
    if found is None:
        raise base.namespace_not_found(name)
    return found
