"""Galleries shared directly with the caller: .../locations/{region}/sharedGalleries/..."""

from __future__ import annotations

from typing import Any

from sigctl.provider import sharing
from sigctl.provider.context import Request
from sigctl.provider.ids import ResourceId


def get(ctx: Request, rid: ResourceId) -> Any:
    return sharing.view(ctx, "direct", rid)


def list_(ctx: Request, rid: ResourceId) -> Any:
    return sharing.view(ctx, "direct", rid)
