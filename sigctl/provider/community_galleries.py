"""Community galleries, visible to everyone: .../locations/{region}/communityGalleries/..."""

from __future__ import annotations

from typing import Any

from sigctl.provider import sharing
from sigctl.provider.context import Request
from sigctl.provider.ids import ResourceId


def get(ctx: Request, rid: ResourceId) -> Any:
    return sharing.view(ctx, "community", rid)


def list_(ctx: Request, rid: ResourceId) -> Any:
    return sharing.view(ctx, "community", rid)
