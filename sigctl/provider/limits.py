"""Azure's per-subscription, per-region gallery counts, checked before any write.

The limits come from configuration (`limits.galleries = 2` ...), so a script can be tried at a
limit. Azure publishes no error text for these; sigctl uses the shape of Compute's quota error,
which names the limit, the current usage and the region.
"""

from __future__ import annotations

from typing import Any

from sigctl.errors import ArmError
from sigctl.provider import regions, settings
from sigctl.provider.context import Request

LABELS = {
    "galleries": "Galleries",
    "image_definitions": "Gallery Image Definitions",
    "image_versions": "Gallery Image Versions",
}
# The index's per-region counters for definitions and versions.
_COUNTERS = {"image_definitions": "images", "image_versions": "versions"}


def current(ctx: Request, kind: str, region: str) -> int:
    index = ctx.index()
    if kind == "galleries":
        return sum(1 for g in index["galleries"].values() if g["location"] == region)
    return int(index["usage"].get(region, {}).get(_COUNTERS[kind], 0))


def check(ctx: Request, kind: str, region: str, adding: int = 1) -> None:
    limit = settings.limit(ctx.config, kind)
    usage = current(ctx, kind, region)
    if usage + adding > limit:
        raise ArmError(
            "QuotaExceeded",
            f"Operation could not be completed as it results in exceeding approved {LABELS[kind]} "
            f"quota. Location: {region}, Current Limit: {limit}, Current Usage: {usage}, "
            f"Additional Required: {adding}, (Minimum) New Limit Required: {usage + adding}.",
            409,
            kind,
        )


def report(ctx: Request, location: str) -> list[dict[str, Any]]:
    """`sigctl usage -l REGION`: az vm list-usage's shape, one row per gallery limit.

    Reading usage takes a read right on the subscription itself, as in Azure. A known region is
    reported even if it needs an allow-list (galleries stay there after disallow-region); an
    unknown one gets sig create's error, listing the regions this subscription may use. The
    per-version and per-gallery limits show their limit only: they apply to each resource, not
    to a region's total.
    """
    found = regions.find(location) or regions.require(
        location, "Microsoft.Compute/galleries", ctx.allowed_regions()
    )
    ctx.authorize("Microsoft.Compute/locations/usages/read", f"/subscriptions/{ctx.subscription}")
    region = found.name
    rows = [
        _row(kind, label, current(ctx, kind, region), settings.limit(ctx.config, kind))
        for kind, label in LABELS.items()
    ]
    per_resource = (
        ("replicas", "Replicas per Image Version per Region", "Count"),
        ("disk_size_gb", "Largest Source Disk (GB)", "GB"),
        ("shallow_disk_size_gb", "Largest Source Disk, Shallow Replication (GB)", "GB"),
        ("share_subscriptions", "Subscriptions per Directly Shared Gallery", "Count"),
        ("share_tenants", "Tenants per Directly Shared Gallery", "Count"),
        ("vm_application_replicas", "Replicas per Application Version per Region", "Count"),
    )
    rows += [
        _row(n, label, None, settings.limit(ctx.config, n), unit) for n, label, unit in per_resource
    ]
    return rows


def _row(
    name: str, label: str, value: int | None, limit: int, unit: str = "Count"
) -> dict[str, Any]:
    return {
        "currentValue": value,
        "limit": limit,
        "localName": label,
        "name": {"localizedValue": label, "value": name},
        "unit": unit,
    }
