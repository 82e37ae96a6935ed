"""A subscription's galleries as one tree: sigctl's own read, behind `sigctl tree`.

    GET /subscriptions/{sub}[/resourceGroups/{group}]/providers/Sigctl.Emulator/inventory
        [?gallery={gallery}[&image={definition}]]

Azure has no such call; a client would make dozens of list and get calls, and a running clock
would move between them. Here one request reads everything in one transaction, so every node is
seen at the same instant of the replication clock. The answer is a list holding the
subscription's node; each node has `kind`, `id`, `name`, `state` and `children`, and what its
kind adds: replica counts and progress, whether a version is what "latest" resolves to (overall,
and for each of its regions), end-of-life dates, and where each target region is (latitude and
longitude, as ARM lists the region's location) for a map.

A caller sees the nodes it may read. A node it may not read but with readable resources beneath
it (a role on one gallery of a group) keeps only its kind, id and name, so the path is shown.
"""

from __future__ import annotations

from typing import Any

from sigctl.errors import invalid_parameter
from sigctl.provider import (
    accounts,
    galleries,
    ids,
    image_definitions,
    image_versions,
    latest,
    lookup,
    names,
    rbac,
    regions,
    replicas,
    replication,
    resource_groups,
)
from sigctl.provider.clock import parse_instant
from sigctl.provider.context import Request
from sigctl.provider.ids import ResourceId
from sigctl.provider.region_metadata import METADATA

Node = dict[str, Any]


def list_(ctx: Request, rid: ResourceId) -> list[Node]:
    gallery, image = ctx.query.get("gallery"), ctx.query.get("image")
    if gallery is not None and rid.resource_group is None:
        raise invalid_parameter("A gallery scope needs a resource group in the path.", "gallery")
    if image is not None and gallery is None:
        raise invalid_parameter("An image scope needs a gallery.", "image")
    if rid.resource_group is not None:
        groups = [
            resource_groups.get(ctx, ids.resource_group_id(ctx.subscription, rid.resource_group))
        ]
    else:
        groups = resource_groups.list_(ctx, ids.resource_group_id(ctx.subscription, None))
    record = accounts.subscription(ctx.tx, ctx.subscription)
    node: Node = {
        "kind": "subscription",
        "id": f"/subscriptions/{record['id']}",
        "name": record["name"],
        "state": record.get("state", "Enabled"),
        "subscriptionId": record["id"],
        "children": [],
    }
    for body in groups:
        child = _group(ctx, body, gallery, image)
        if child is not None:
            node["children"].append(child)
    return [node]


# -- one node per resource ----------------------------------------------------------------------


def _group(
    ctx: Request, body: dict[str, Any], gallery: str | None, image: str | None
) -> Node | None:
    if gallery is not None:
        stored = [lookup.gallery(ctx, ids.gallery_id(ctx.subscription, body["name"], gallery))]
    else:
        keys = sorted(k for k, _ in lookup.galleries_in_group(ctx.index(), body["name"]))
        stored = [s for s in (lookup.stored_gallery(ctx, k) for k in keys) if s is not None]
    children = [c for c in (_gallery(ctx, s, image) for s in stored) if c is not None]
    node = _resource("resourceGroup", body)
    return _visible(ctx, node, "Microsoft.Resources/subscriptions/resourceGroups/read", children)


def _gallery(ctx: Request, stored: dict[str, Any], image: str | None) -> Node | None:
    body = galleries.render(ctx, stored)
    if image is not None:
        rid = ids.parse(body["id"]).child("images", image)
        definitions = [lookup.definition(ctx, rid)]
    else:
        definitions = sorted(
            lookup.definitions_in(ctx, stored), key=lambda d: d["resource"]["name"].lower()
        )
    children = [c for c in (_definition(ctx, d) for d in definitions) if c is not None]
    return _visible(ctx, _resource("gallery", body), "Microsoft.Compute/galleries/read", children)


def _definition(ctx: Request, stored: dict[str, Any]) -> Node | None:
    body = image_definitions.render(stored)
    props = body["properties"]
    overall = latest.pick(ctx, stored, None)
    versions = [d for state, d in lookup.all_versions(ctx, stored) if state == "active"]
    versions.sort(
        key=lambda d: (
            names.version_order(d["resource"]["name"]),
            d["resource"]["name"],
        )
    )
    picks: dict[str, str | None] = {}  # region -> the version "latest" means there
    children = [
        c for c in (_version(ctx, stored, d, overall, picks) for d in versions) if c is not None
    ]
    node = {
        **_resource("imageDefinition", body),
        "osType": props.get("osType"),
        "identifier": dict(props.get("identifier") or {}),
        "latestVersion": overall["resource"]["name"] if overall else None,
        **_end_of_life(ctx, props.get("endOfLifeDate")),
    }
    return _visible(ctx, node, "Microsoft.Compute/galleries/images/read", children)


def _version(
    ctx: Request,
    definition: dict[str, Any],
    doc: dict[str, Any],
    overall: dict[str, Any] | None,
    picks: dict[str, str | None],
) -> Node | None:
    body = image_versions.render(ctx, doc)
    if not _may_read(ctx, "Microsoft.Compute/galleries/images/versions/read", body["id"]):
        return None
    name = body["name"]
    profile = body["properties"]["publishingProfile"]
    entries = doc["replication"]["regions"]
    regions_: list[Node] = []
    for target, (region, status) in zip(
        profile["targetRegions"], replicas.region_states(ctx, doc), strict=True
    ):
        if region not in picks:
            chosen = latest.pick(ctx, definition, regions.find(region))
            picks[region] = chosen["resource"]["name"] if chosen else None
        total = target.get("regionalReplicaCount", 1)
        regions_.append(
            {
                "kind": "targetRegion",
                "name": region,
                "displayName": regions.display(target["name"]),
                "state": status["state"],
                "progress": status["progress"],
                "replicas": {"ready": _ready(entries[region], status, total), "total": total},
                "storageAccountType": target.get("storageAccountType"),
                "isLatest": picks[region] == name,
                "excludeFromLatest": target.get("excludeFromLatest"),
                "details": status["details"],
                **_coordinates(region),
                "children": [],
            }
        )
    node = {
        **_resource("imageVersion", body),
        "progress": sum(r["progress"] for r in regions_) // max(len(regions_), 1),
        "replicas": {
            "ready": sum(r["replicas"]["ready"] for r in regions_),
            "total": sum(r["replicas"]["total"] for r in regions_),
        },
        "isLatest": overall is not None and overall["resource"]["name"] == name,
        "excludeFromLatest": profile.get("excludeFromLatest", False),
        **_end_of_life(ctx, profile.get("endOfLifeDate")),
    }
    return {**node, "children": regions_}


def _resource(kind: str, body: dict[str, Any]) -> Node:
    """What every resource's node has, from its ARM body."""
    return {
        "kind": kind,
        "id": body["id"],
        "name": body["name"],
        "location": body["location"],
        "state": body["properties"]["provisioningState"],
    }


def _coordinates(region: str) -> dict[str, float | None]:
    """The region's latitude and longitude in degrees (ARM writes them as strings)."""
    meta = METADATA.get(region, {})
    return {
        axis: float(str(meta[axis])) if axis in meta else None for axis in ("latitude", "longitude")
    }


def _ready(entry: dict[str, Any], status: dict[str, Any], total: int) -> int:
    """Replicas a region can serve now: all once completed, those held while more are copied."""
    if status["state"] == "Completed":
        return total
    return entry.get("heldReplicas", 0) if replication.serves(entry, status) else 0


def _end_of_life(ctx: Request, date: str | None) -> dict[str, Any]:
    passed = date is not None and parse_instant(date) <= ctx.clock.now()
    return {"endOfLifeDate": date, "endOfLifePassed": passed}


def _may_read(ctx: Request, action: str, resource_id: str) -> bool:
    return ctx.principal is None or rbac.permitted(ctx.tx, ctx.principal, action, resource_id)


def _visible(ctx: Request, node: Node, action: str, children: list[Node]) -> Node | None:
    """The node if the caller may read it; its bare path if only something beneath is readable."""
    if _may_read(ctx, action, node["id"]):
        return {**node, "children": children}
    if not children:
        return None
    return {"kind": node["kind"], "id": node["id"], "name": node["name"], "children": children}
