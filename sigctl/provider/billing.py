"""What a gallery costs, following Azure's documented billing model (the gallery docs' "Billing").

The gallery itself is free. Every replica is stored as a snapshot, billed on the image's
occupied (used) size, not its provisioned size. Network egress is charged once per additional
region, for the first replica copied there from the source region; further replicas are copied
inside the region. A soft-deleted version keeps one replica per region, still billed.

The service reports these quantities per version and region (snapshots, stored GB, egress GB);
pricing them is the client's (sigctl.cli.pricing), with its own price table.
"""

from __future__ import annotations

from typing import Any

from sigctl.errors import ArmError, resource_not_found
from sigctl.provider import (
    galleries,
    ids,
    image_definitions,
    lookup,
    publishing,
    regions,
    replicas,
    resource_groups,
    sources,
    version_sources,
)
from sigctl.provider.context import Request
from sigctl.provider.ids import ResourceId


def occupied_gb(disks: list[dict[str, int]]) -> int:
    return sum(d.get("usedGB", d["sizeGB"]) for d in disks)


def plan_regions(
    occupied: int, location: str, targets: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Per-region snapshots, stored GB and egress GB for a version replicated to `targets`."""
    rows = []
    for target in targets:
        region = regions.find(target["name"])
        name = region.name if region else target["name"]
        replicas = target["regionalReplicaCount"]
        rows.append(
            {
                "region": region.display_name if region else name,
                "storageAccountType": target["storageAccountType"],
                "snapshots": replicas,
                "storedGB": replicas * occupied,
                "egressGB": 0 if name == location else occupied,
            }
        )
    return rows


def _version_rows(ctx: Request, state: str, doc: dict[str, Any]) -> list[dict[str, Any]]:
    resource = doc["resource"]
    targets = resource["properties"]["publishingProfile"]["targetRegions"]
    if state == "soft-deleted":
        targets = [{**t, "regionalReplicaCount": 1} for t in targets]
    rows = plan_regions(occupied_gb(doc["disks"]), resource["location"], targets)
    failed = {name for name, s in replicas.region_states(ctx, doc) if s["state"] == "Failed"}
    for row, target in zip(rows, targets, strict=True):
        region = regions.find(target["name"])
        if state == "soft-deleted":
            row["egressGB"] = 0  # nothing is copied while a version is soft-deleted
        if region and region.name in failed:
            row.update(snapshots=0, storedGB=0, egressGB=0)  # a failed region holds no replica
    return rows


def existing(ctx: Request, scope: ResourceId | None) -> dict[str, Any]:
    """Estimate for a version, a definition, a gallery, or (scope None) the whole subscription."""
    ctx.authorize(
        "Microsoft.Compute/galleries/images/versions/read",
        str(scope) if scope else f"/subscriptions/{ctx.subscription}",
    )
    if scope is None:
        stored = (galleries.listed_gallery(ctx, k) for k in sorted(ctx.index()["galleries"]))
        definitions = [d for g in stored for d in image_definitions.in_gallery(ctx, g)]
    elif scope.namespace == ids.RESOURCES:  # a resource group
        group = resource_groups.require(ctx, scope.resource_group or "")
        keys = [k for k, _ in resource_groups.list_galleries_in(ctx.index(), group["name"])]
        stored = (galleries.listed_gallery(ctx, k) for k in sorted(keys))
        definitions = [d for g in stored for d in image_definitions.in_gallery(ctx, g)]
    elif len(scope.names) == 1:
        definitions = image_definitions.in_gallery(ctx, galleries.require(ctx, scope))
    else:
        definitions = [image_definitions.require(ctx, scope)]
    versions: list[tuple[str, dict[str, Any]]] = []
    for definition in definitions:
        versions += [(s, d) for s, d in lookup.all_versions(ctx, definition) if s != "purged"]
    if scope is not None and len(scope.names) == 3:
        versions = [
            (s, d) for s, d in versions if d["resource"]["name"].lower() == scope.names[2].lower()
        ]
        if not versions:
            raise resource_not_found(scope.type_path(), scope.resource_group or "")
    items = []
    for state, doc in versions:
        items.append(
            {
                "id": doc["resource"]["id"],
                "softDeleted": state == "soft-deleted",
                "occupiedGB": occupied_gb(doc["disks"]),
                "regions": _version_rows(ctx, state, doc),
            }
        )
    return {
        "scope": str(scope) if scope else f"/subscriptions/{ctx.subscription}",
        "versions": items,
    }


def plan(
    ctx: Request,
    location_text: str,
    profile: dict[str, Any],
    disks: list[dict[str, int]] | None,
    source: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Estimate a version that does not exist yet, checked as a create would check it.

    The disks are given, or those of `source`, a managed image or VM record (`source_record`).
    """
    location = regions.require(location_text, replicas.IMAGE.type, ctx.allowed_regions())
    if source is not None:
        # create's own check: the source must be in the version's region
        version_sources.check_source_region(source["id"], source["location"], location)
        disks = [source["properties"]["osDisk"], *source["properties"]["dataDisks"]]
    disks = [
        sources.check_disk(
            d.get("sizeGB"), d.get("usedGB"), "osDisk" if i == 0 else f"dataDisks[{i - 1}]"
        )
        for i, d in enumerate(disks or [])
    ]
    checked = publishing.publishing_profile(ctx, profile, location, None)
    version_sources.check_size(ctx, disks, checked.get("replicationMode") == "Shallow")
    occupied = occupied_gb(disks)
    return {
        "scope": "planned version",
        "versions": [
            {
                "id": None,
                "softDeleted": False,
                "occupiedGB": occupied,
                "regions": plan_regions(occupied, location.name, checked["targetRegions"]),
            }
        ],
    }


def source_record(ctx: Request, group: str, name: str) -> dict[str, Any]:
    """A managed image (or VM) named in a resource group, to size and place a planned version."""
    for kind in ("managed-image", "vm"):
        try:
            return sources.get(ctx, kind, group, name)
        except ArmError:
            continue
    raise sources.not_found(name)
