"""Compute usages per location: GET .../providers/Microsoft.Compute/locations/{region}/usages."""

from __future__ import annotations

from typing import Any

from sigctl.provider import limits
from sigctl.provider.context import Request
from sigctl.provider.ids import ResourceId


def list_(ctx: Request, rid: ResourceId) -> list[dict[str, Any]]:
    return limits.report(ctx, rid.names[0])
