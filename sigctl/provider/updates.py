"""PATCH as Compute serves it: the resource as it is, merged with the request, then PUT again.

A PATCH body is a JSON merge patch (RFC 7396): objects merge key by key, `null` removes a key,
anything else (lists included) replaces. `tags`, as everywhere in ARM, are replaced whole. Running the merged body through the resource's PUT
applies every rule a PUT applies, which is what az's generic update (GET, change, PUT) relies on.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from types import ModuleType
from typing import Any

from sigctl.provider.context import Request
from sigctl.provider.ids import ResourceId
from sigctl.provider.validate import expect_dict


def merge(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge(merged.get(key), value)
    return merged


def merge_resource(current: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    merged = merge(current, {k: v for k, v in patch.items() if k != "tags"})
    if patch.get("tags") is not None:
        merged["tags"] = copy.deepcopy(patch["tags"])
    return merged


def by_put(
    ctx: Request,
    rid: ResourceId,
    body: Any,
    get: Callable[[Request, ResourceId], dict[str, Any]],
    put: Callable[[Request, ResourceId, dict[str, Any]], dict[str, Any]],
) -> dict[str, Any]:
    return put(ctx, rid, merge_resource(get(ctx, rid), expect_dict(body, "body")))


def patch_through_put(handler: ModuleType) -> Callable[[Request, ResourceId, Any], Any]:
    def patch(ctx: Request, rid: ResourceId, body: Any) -> dict[str, Any]:
        return by_put(ctx, rid, body, handler.get, handler.put)

    return patch
