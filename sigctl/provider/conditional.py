"""HTTP's conditional writes: a resource's entity tag, and the If-Match / If-None-Match check.

A GET hands out the resource's ETag and a PUT may name it in If-Match: if the resource changed
in between, the write fails (412), so a client's read-then-write is safe against other writers.
"""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

from sigctl.errors import ArmError
from sigctl.provider.context import Request
from sigctl.provider.ids import ResourceId
from sigctl.record import FrozenRecord


class Conditions(FrozenRecord):
    """HTTP's conditional headers on a write: If-Match (an entity tag of the resource, or *)
    and If-None-Match (* only: the resource must not exist yet)."""

    _fields = ("if_match", "if_none_match")

    def __init__(self, if_match: str | None = None, if_none_match: str | None = None) -> None:
        self.if_match, self.if_none_match = if_match, if_none_match

    @classmethod
    def of(cls, headers: dict[str, str]) -> Conditions | None:
        found = cls(headers.get("if-match"), headers.get("if-none-match"))
        return found if found.if_match or found.if_none_match else None


def entity_tag(handler: ModuleType, ctx: Request, rid: ResourceId, rendered: Any = None) -> str:
    """A resource's ETag: a digest of what a GET with the request's api-version and no other
    option renders (`rendered`, when the request was that GET), so it changes whenever the
    resource does. A read-then-write with one api-version compares like with like."""
    import hashlib  # a GET of one resource needs it, a list does not: hashlib is 3-4 ms to load

    version = {k: v for k, v in ctx.query.items() if k.lower() == "api-version"}
    if rendered is None or len(version) != len(ctx.query):
        rendered = handler.get(Request(ctx.tx, ctx.subscription, None, version), rid)
    digest = hashlib.sha256(json.dumps(rendered, sort_keys=True, default=str).encode())
    return f'W/"{digest.hexdigest()[:32]}"'


def current_tag(handler: ModuleType, ctx: Request, rid: ResourceId) -> str | None:
    """The resource's ETag, or None if it does not exist: whether a PUT replaces a resource
    (200, else 201), or a DELETE removes one (200, else 204)."""
    try:
        return entity_tag(handler, ctx, rid)
    except ArmError as error:
        if error.status == 404:
            return None
    return "*"  # it exists, though this caller cannot render it


def check(conditions: Conditions | None, current: str | None) -> None:
    if conditions is None:
        return
    match, none_match = conditions.if_match, conditions.if_none_match
    failed = (match is not None and (current is None or match not in ("*", current))) or (
        none_match is not None and current is not None and none_match in ("*", current)
    )
    if failed:
        raise ArmError(
            "PreconditionFailed",
            "The condition specified using HTTP conditional header(s) is not met.",
            412,
        )
