"""Image versions (Microsoft.Compute/galleries/images/versions).

A version is made from exactly one kind of source, must be compatible with its definition, and
replicates to its target regions over time (sigctl.provider.replication). What the service
fills in (display-name regions, per-region counts and storage types, publishedDate, the safety
profile) is filled here; what may change after create is enforced here.

The publishing rules (names, target regions, replication, changing the regions) are the
service's rules for every replicated gallery artifact: VM application versions
(sigctl.provider.gallery_application_versions) use them through `Kind`.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from sigctl.errors import (
    ArmError,
    conflict,
    invalid_parameter,
    invalid_resource_location,
    parent_not_found,
    property_change_not_allowed,
    resource_not_found,
)
from sigctl.provider import (
    edge_zones,
    encryption,
    faults,
    galleries,
    ids,
    image_definitions,
    limits,
    names,
    regions,
    replication,
    settings,
    shapes,
    sources,
)
from sigctl.provider.clock import iso_precise, parse_instant, save_clock
from sigctl.provider.context import Request
from sigctl.provider.ids import ResourceId
from sigctl.provider.validate import (
    expect_bool,
    expect_choice,
    expect_datetime,
    expect_dict,
    expect_int,
    expect_list,
    expect_str,
    expect_tags,
)

TYPE = "Microsoft.Compute/galleries/images/versions"
STORAGE_TYPES = ("Standard_LRS", "Standard_ZRS", "Premium_LRS", "PremiumV2_LRS")
MODES = ("Full", "Shallow")
PATH = "galleryImageVersion.properties."
SOFT_DELETE_DAYS = 7
_NAME = re.compile(r"([0-9]+)\.([0-9]+)\.([0-9]+)")  # ASCII digits only, as the service


@dataclass(frozen=True)
class Kind:
    """What differs between the kinds of replicated versions: how errors name them, their limit."""

    noun: str  # "image version", in the service's messages
    name_parameter: str  # the request parameter a bad name is reported against
    property_path: (
        str  # how immutable-property errors name the body ("galleryImageVersion.properties.")
    )
    replica_limit: str  # the limits.* key bounding replicas per region
    type: str  # the ARM resource type, for region errors


IMAGE = Kind("image version", "galleryImageVersionName", PATH, "replicas", TYPE)


# -- names and keys -----------------------------------------------------------------------------


def version_tuple(name: str) -> tuple[int, int, int] | None:
    match = _NAME.fullmatch(name)
    if not match:
        return None
    parts = tuple(int(p) for p in match.groups())
    if any(p > names.INT32_MAX for p in parts):
        return None
    return parts  # type: ignore[return-value]


def check_name(name: str, kind: Kind = IMAGE) -> None:
    if version_tuple(name) is None:
        raise invalid_parameter(
            f"The {kind.noun} name is invalid. The {kind.noun} name should follow "
            "Major(int).Minor(int).Patch(int) format, where int is between 0 and 2,147,483,647 "
            "(inclusive). For e.g: 1.0.0, 2018.12.1 etc",
            kind.name_parameter,
        )


def _key(ctx: Request, gallery: str, image: str, version: str) -> tuple[str, ...]:
    return ctx.key("galleries", gallery, "images", image, "versions", version)


def _owner(definition: dict[str, Any]) -> tuple[str, str]:
    """(gallery name, definition name) of a stored definition, in their stored casing."""
    parsed = ids.parse(definition["resource"]["id"])
    return parsed.names[0], parsed.names[1]


# -- the life of a stored version ---------------------------------------------------------------


def lifecycle(ctx: Request, doc: dict[str, Any]) -> str:
    """'active', 'soft-deleted' (restorable) or 'purged' (past its gallery's retention)."""
    deleted = doc.get("softDeleted")
    if not deleted:
        return "active"
    from datetime import timedelta

    days = doc.get("retentionDays", SOFT_DELETE_DAYS)
    expires = parse_instant(deleted) + timedelta(days=days)
    return "soft-deleted" if ctx.clock.now() < expires else "purged"


def replica_places(profile: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every place a version keeps replicas, by replication key: its target regions (keyed by
    programmatic name), then its edge zones (keyed region/zone), in the profile's order."""
    places: dict[str, dict[str, Any]] = {}
    for target in profile["targetRegions"]:
        region = regions.find(target["name"])
        name = region.name if region else target["name"]
        places[name] = {
            "region": name,
            "label": region.display_name if region else name,
            "count": target["regionalReplicaCount"],
            "storage": target["storageAccountType"],
            "edgeZone": False,
            "kind": "targetRegions",
            "entry": target,
        }
    for zone in profile.get("targetExtendedLocations") or []:
        region = regions.find(zone["name"])
        name = region.name if region else zone["name"]
        places[edge_zones.key(name, zone["extendedLocation"]["name"])] = {
            "region": name,
            "label": zone["extendedLocation"]["name"],
            "count": zone["extendedLocationReplicaCount"],
            "storage": zone["storageAccountType"],
            "edgeZone": True,
            "kind": "targetExtendedLocations",
            "entry": zone,
        }
    return places


def place_states(
    ctx: Request, doc: dict[str, Any]
) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(key, place, status) for each target region and edge zone, in profile order."""
    progress = ctx.clock.progress()
    entries = doc["replication"]["regions"]
    places = replica_places(doc["resource"]["properties"]["publishingProfile"])
    return [(k, p, replication.status(entries[k], progress)) for k, p in places.items()]


def region_states(ctx: Request, doc: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(programmatic region, status) for each target region, in target order."""
    return [(k, s) for k, place, s in place_states(ctx, doc) if not place["edgeZone"]]


def serving_regions(ctx: Request, doc: dict[str, Any]) -> set[str]:
    """Regions holding a usable replica (completed, or completed earlier and copying more)."""
    entries = doc["replication"]["regions"]
    return {n for n, s in region_states(ctx, doc) if replication.serves(entries[n], s)}


def provisioning_state(ctx: Request, doc: dict[str, Any]) -> str:
    """Follows the aggregated replication state; while it runs, the operation in progress."""
    overall = replication.aggregate([s["state"] for _, _, s in place_states(ctx, doc)])
    ended = {"Failed": "Failed", "Completed": "Succeeded"}
    return ended.get(overall) or doc["replication"].get("operation", "Creating")


def replication_status(ctx: Request, doc: dict[str, Any]) -> dict[str, Any]:
    """`properties.replicationStatus`, as `$expand=ReplicationStatus` shows it."""
    summary = [{"region": place["label"], **state} for _, place, state in place_states(ctx, doc)]
    return {
        "aggregatedState": replication.aggregate([s["state"] for s in summary]),
        "summary": summary,
    }


def render(ctx: Request, doc: dict[str, Any], expand: str | None = None) -> dict[str, Any]:
    body = copy.deepcopy(doc["resource"])
    props = body["properties"]
    props["provisioningState"] = provisioning_state(ctx, doc)
    props["validationsProfile"] = {"validationOperationStatus": "NotExecuted"}
    if expand and expand.lower() == "replicationstatus":
        props["replicationStatus"] = replication_status(ctx, doc)
    return body


# -- lookups ------------------------------------------------------------------------------------


def _definition(ctx: Request, rid: ResourceId, missing: ArmError | None = None) -> dict[str, Any]:
    if missing is None:  # a write under a missing gallery: ARM names the gallery
        image_definitions.parent(ctx, rid)
    definition = image_definitions.find(ctx, rid)
    if definition is None:
        raise missing or parent_not_found(rid.names[1])
    return definition


def find(ctx: Request, rid: ResourceId) -> dict[str, Any] | None:
    """The active version an id names (None when missing, soft-deleted or purged)."""
    missing = resource_not_found(rid.type_path(), rid.resource_group or "")
    definition = _definition(ctx, rid, missing)
    doc = ctx.tx.read(_key(ctx, *_owner(definition), rid.names[2]), shapes.resource)
    if doc is None or lifecycle(ctx, doc) != "active":
        return None
    return doc


def get(ctx: Request, rid: ResourceId) -> dict[str, Any]:
    doc = find(ctx, rid)
    if doc is None:
        raise resource_not_found(rid.type_path(), rid.resource_group or "")
    return render(ctx, doc, ctx.query.get("$expand"))


def all_versions(ctx: Request, definition: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(lifecycle, doc) for every version stored under a definition."""
    gallery, image = _owner(definition)
    folder = ctx.key("galleries", gallery, "images", image, "versions")
    docs = (ctx.tx.read((*folder, v), shapes.resource) for v in ctx.tx.children(folder))
    return [(lifecycle(ctx, d), d) for d in docs if d is not None]


def list_(ctx: Request, rid: ResourceId) -> list[dict[str, Any]]:
    image = ids.image_id(ctx.subscription, rid.resource_group or "", rid.names[0], rid.names[1])
    definition = _definition(
        ctx, rid, resource_not_found(image.type_path(), rid.resource_group or "")
    )
    found = [d for state, d in all_versions(ctx, definition) if state == "active"]
    found.sort(
        key=lambda d: (version_tuple(d["resource"]["name"]) or (0, 0, 0), d["resource"]["name"])
    )
    return [render(ctx, d) for d in found]


# -- create or update ---------------------------------------------------------------------------


def _replicas(ctx: Request, value: Any, path: str, default: int, kind: Kind) -> int:
    count = expect_int(value, path)
    if count is None:
        return default
    maximum = settings.limit(ctx.config, kind.replica_limit)
    if not 1 <= count <= maximum:
        raise invalid_parameter(
            f"The value {count} of parameter {path} is out of range. The value must be between 1 and {maximum}, inclusive.",
            path,
        )
    return count


def publishing_profile(
    ctx: Request,
    profile: dict[str, Any],
    location: regions.Region,
    existing: dict[str, Any] | None,
    kind: Kind = IMAGE,
) -> dict[str, Any]:
    replica_count = _replicas(ctx, profile.get("replicaCount"), "replicaCount", 1, kind)
    storage_type = (
        expect_choice(profile.get("storageAccountType"), STORAGE_TYPES, "storageAccountType")
        or "Standard_LRS"
    )
    mode = expect_choice(
        profile.get("replicationMode"),
        MODES,
        "publishingProfile.replicationMode",
        "replicationMode",
    )
    given = expect_list(profile.get("targetRegions"), "publishingProfile.targetRegions") or [
        {"name": location.name}
    ]
    targets: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, item in enumerate(given):
        entry = expect_dict(item, f"publishingProfile.targetRegions[{i}]")
        name = expect_str(entry.get("name"), f"publishingProfile.targetRegions[{i}].name") or ""
        region = regions.require(name, kind.type, ctx.allowed_regions())
        if region.name in seen:
            raise invalid_parameter(
                "Duplicate regions are not allowed in target publishing regions.", "targetRegions"
            )
        seen.add(region.name)
        region_type = (
            expect_choice(
                entry.get("storageAccountType"),
                STORAGE_TYPES,
                f"targetRegions[{i}].storageAccountType",
            )
            or storage_type
        )
        if region_type == "Standard_ZRS" and not region.zones:
            raise invalid_parameter(
                "ZRS storage account type is not supported in this region.",
                f"targetRegions[{i}].storageAccountType",
            )
        target = {
            "name": region.display_name,
            "regionalReplicaCount": _replicas(
                ctx,
                entry.get("regionalReplicaCount"),
                f"targetRegions[{i}].regionalReplicaCount",
                replica_count,
                kind,
            ),
            "storageAccountType": region_type,
        }
        block = encryption.parse(
            entry.get("encryption"), f"publishingProfile.targetRegions[{i}].encryption"
        )
        if block:
            target["encryption"] = block
        exclude = expect_bool(
            entry.get("excludeFromLatest"),
            f"publishingProfile.targetRegions[{i}].excludeFromLatest",
        )
        if exclude is not None:
            target["excludeFromLatest"] = exclude
        targets.append(target)
    if location.name not in seen:
        listed = ", ".join(t["name"] for t in targets)
        raise invalid_parameter(
            f"Gallery {kind.noun} publishing profile regions '{listed}' must contain the location of {kind.noun} '{location.display_name}'.",
            "targetRegions",
        )
    if mode == "Shallow" and (len(targets) != 1 or targets[0]["regionalReplicaCount"] != 1):
        raise invalid_parameter(
            "Shallow replication supports exactly one target region, the version's own location, with a replica count of 1.",
            "replicationMode",
        )
    out: dict[str, Any] = {
        "targetRegions": targets,
        "replicaCount": replica_count,
        "excludeFromLatest": bool(
            expect_bool(profile.get("excludeFromLatest"), "publishingProfile.excludeFromLatest")
        ),
        "publishedDate": existing["publishedDate"] if existing else iso_precise(ctx.clock.now()),
        "storageAccountType": storage_type,
    }
    end_of_life = expect_datetime(
        profile.get("endOfLifeDate"), "properties.publishingProfile.endOfLifeDate"
    )
    if end_of_life is not None:
        out["endOfLifeDate"] = end_of_life
    if mode is not None:
        out["replicationMode"] = mode
    zones = edge_zones.parse(
        ctx,
        profile.get("targetExtendedLocations"),
        TYPE,
        lambda value, path: _replicas(ctx, value, path, replica_count, kind),
    )
    if zones:
        out["targetExtendedLocations"] = zones
    return out


def _safety(safety: dict[str, Any]) -> dict[str, Any]:
    out = {
        "reportedForPolicyViolation": False,
        "allowDeletionOfReplicatedLocations": bool(
            expect_bool(
                safety.get("allowDeletionOfReplicatedLocations"),
                "safetyProfile.allowDeletionOfReplicatedLocations",
            )
        ),
    }
    block = expect_bool(
        safety.get("blockDeletionBeforeEndOfLife"), "safetyProfile.blockDeletionBeforeEndOfLife"
    )
    if block is not None:
        out["blockDeletionBeforeEndOfLife"] = block
    return out


def _source_refs(storage: dict[str, Any]) -> dict[str, Any]:
    """Just the source references of a storageProfile (what the caller chose the version from)."""
    source = expect_dict(storage.get("source"), "properties.storageProfile.source")
    os_disk = expect_dict(storage.get("osDiskImage"), "properties.storageProfile.osDiskImage")
    os_source = expect_dict(os_disk.get("source"), "properties.storageProfile.osDiskImage.source")
    data = []
    for i, disk in enumerate(
        expect_list(storage.get("dataDiskImages"), "properties.storageProfile.dataDiskImages") or []
    ):
        disk = expect_dict(disk, f"properties.storageProfile.dataDiskImages[{i}]")
        lun = expect_int(disk.get("lun"), f"properties.storageProfile.dataDiskImages[{i}].lun")
        data.append(
            {
                "lun": lun,
                "source": {k: v for k, v in expect_dict(disk.get("source"), "source").items() if v},
            }
        )
    return {
        "source": {k: v for k, v in source.items() if v},
        "os": {k: v for k, v in os_source.items() if v},
        "data": data,
    }


# What the caller needs on each kind of source, as the gallery docs list it.
_SOURCE_ACTIONS = {
    "microsoft.storage/storageaccounts": "listKeys/action",
    "microsoft.compute/images": "read",
    "microsoft.compute/galleries/images/versions": "read",
    "microsoft.compute/virtualmachines": "write",
    "microsoft.compute/disks": "write",
    "microsoft.compute/snapshots": "write",
}


def _authorize_sources(ctx: Request, refs: dict[str, Any]) -> None:
    """Publishing from a source needs a right on the source too, not only on the gallery.

    Checked before the sources are looked up, so a caller without the right cannot tell an
    existing source from a missing one; an id that does not parse, or names no subscription of
    the emulated cloud, is left to the lookup's error.
    """
    for ref in (refs["source"], refs["os"], *(d["source"] for d in refs["data"])):
        for field in ("id", "virtualMachineId", "storageAccountId"):
            try:
                source = ids.parse(ref[field]) if ref.get(field) else None
            except ArmError:
                continue
            # a subscription that does not exist holds nothing to authorize: the lookup says so
            if source is not None and ctx.in_subscription(source.subscription) is not None:
                kind = source.resource_type()
                verb = _SOURCE_ACTIONS.get(kind.lower(), "read")
                ctx.authorize(f"{kind}/{verb}", str(source))


def _has_refs(refs: dict[str, Any]) -> bool:
    return bool(refs["source"] or refs["os"] or any(d["source"] for d in refs["data"]))


def _resolve_sources(
    ctx: Request, refs: dict[str, Any], location: regions.Region, definition: dict[str, Any]
) -> dict[str, Any]:
    """Check the version's sources and build its storageProfile and occupied size."""
    image_level = refs["source"]
    disk_level = refs["os"] or any(d["source"] for d in refs["data"])
    if bool(image_level) == bool(disk_level):
        raise invalid_parameter(
            "The gallery artifact version source can only be specified either directly under storageProfile or within "
            "individual OS or data disks. One and only one source type (user image, snapshot, disk, virtual machine) can be provided.",
            "storageProfile",
        )
    luns = [d["lun"] for d in refs["data"]]
    if any(lun is None or lun < 0 for lun in luns):
        raise invalid_parameter("Every data disk image needs a LUN of 0 or more.", "dataDiskImages")
    if len(set(luns)) != len(luns):
        raise invalid_parameter(
            "Duplicated lun numbers have been detected in the input data disks. Lun number must be unique for each data disk",
            "dataDiskImages",
        )
    if image_level:
        return _from_image(ctx, image_level, location, definition)
    return _from_disks(ctx, refs, location, definition)


def _check_compatible(source_id: str, source: dict[str, Any], definition: dict[str, Any]) -> None:
    """A source's OS facts must match the definition's; a fact the source lacks is no mismatch."""
    parent = definition["resource"]["properties"]
    props = source["properties"]
    if props.get("osType") and props["osType"].lower() != parent["osType"].lower():
        raise invalid_parameter(
            f"The resource with id '{source_id}' has a different OS type ['{props['osType']}'] than the parent gallery image OS type generation ['{parent['osType']}']",
            "storageProfile",
        )
    # Only images and VMs have an OS state; a disk or snapshot takes the definition's.
    has_state = source.get("kind") not in ("snapshot", "disk", "vhd") and props.get("osState")
    if has_state and props["osState"].lower() != parent["osState"].lower():
        raise invalid_parameter(
            f"Cannot create Gallery Image Version from: {source_id} since the OS State in the parent gallery image ({parent['osState']}) is not {props['osState']}",
            "storageProfile",
        )
    generation = props.get("hyperVGeneration")
    if generation and generation.lower() != parent["hyperVGeneration"].lower():
        raise invalid_parameter(
            f"The resource with id '{source_id}' has a different Hypervisor generation ['{props['hyperVGeneration']}'] than the parent gallery image Hypervisor generation ['{parent['hyperVGeneration']}']",
            "storageProfile",
        )


def check_source_region(source_id: str, source_location: str, location: regions.Region) -> None:
    if source_location != location.name:
        raise invalid_parameter(
            f"Source {source_id} is not found. Please check source exists, and is in the same region as gallery image version being created",
            "storageProfile",
        )


def _from_image(
    ctx: Request, source: dict[str, Any], location: regions.Region, definition: dict[str, Any]
) -> dict[str, Any]:
    if "communityGalleryImageId" in source:
        raise invalid_parameter(
            "Community gallery image versions as sources are not emulated by sigctl.",
            "storageProfile.source",
        )
    if source.get("id") and "/galleries/" in source["id"].lower():
        return _from_gallery_version(ctx, source["id"], location, definition)
    source_id = source.get("virtualMachineId") or source.get("id")
    path = "properties.storageProfile.source." + (
        "virtualMachineId" if "virtualMachineId" in source else "id"
    )
    record = sources.resolve_id(ctx, source_id, path)
    if record["kind"] not in ("managed-image", "vm"):
        raise invalid_parameter(
            f"The source id: {source_id} must either be a managed image, virtual machine or another gallery image version",
            "storageProfile.source",
        )
    check_source_region(source_id, record["location"], location)
    _check_compatible(source_id, record, definition)
    props = record["properties"]
    key = "virtualMachineId" if record["kind"] == "vm" else "id"
    profile = {
        "source": {key: record["id"]},
        "osDiskImage": {
            "sizeInGB": props["osDisk"]["sizeGB"],
            "hostCaching": "ReadWrite",
            "source": {},
        },
    }
    if props["dataDisks"]:
        profile["dataDiskImages"] = [
            {"lun": d["lun"], "sizeInGB": d["sizeGB"], "hostCaching": "None"}
            for d in props["dataDisks"]
        ]
    disks = [props["osDisk"], *props["dataDisks"]]
    return {"profile": profile, "disks": disks}


def _from_gallery_version(
    ctx: Request, text: str, location: regions.Region, definition: dict[str, Any]
) -> dict[str, Any]:
    try:
        rid = ids.parse(text)
    except ArmError:
        raise invalid_parameter(
            f"Property id {text} at path 'properties.storageProfile.source.id' is invalid.",
            "storageProfile.source.id",
        ) from None
    if rid.route != ("microsoft.compute", ("galleries", "images", "versions")) or rid.is_collection:
        raise invalid_parameter(
            f"The source id: {text} must either be a managed image, virtual machine or another gallery image version",
            "storageProfile.source",
        )
    owner = ctx.in_subscription(rid.subscription)
    try:
        doc = find(owner, rid) if owner else None
    except ArmError:
        doc = None
    if owner is None or doc is None:
        raise sources.not_found(text)
    if location.name not in serving_regions(owner, doc):
        check_source_region(text, "", location)
    source_definition = image_definitions.find(owner, rid)
    assert source_definition is not None
    _check_compatible(
        text, {"properties": {**source_definition["resource"]["properties"]}}, definition
    )
    original = doc["resource"]["properties"]["storageProfile"]
    profile = {
        "source": {"id": doc["resource"]["id"]},
        "osDiskImage": {**copy.deepcopy(original["osDiskImage"]), "source": {}},
    }
    if original.get("dataDiskImages"):
        profile["dataDiskImages"] = [
            {k: v for k, v in d.items() if k != "source"} for d in original["dataDiskImages"]
        ]
    return {"profile": profile, "disks": copy.deepcopy(doc["disks"])}


def _disk_source(
    ctx: Request,
    ref: dict[str, Any],
    path: str,
    location: regions.Region,
    definition: dict[str, Any],
    os_disk: bool,
) -> dict[str, Any]:
    if ref.get("uri"):
        record = sources.resolve_vhd(ctx, ref["uri"], ref.get("storageAccountId"), path)
        shown = {
            "uri": record["properties"]["uri"],
            "storageAccountId": record["properties"]["storageAccountId"],
        }
        source_id = record["properties"]["uri"]
    else:
        source_id = ref.get("id") or ""
        record = sources.resolve_id(ctx, source_id, path + ".id")
        if record["kind"] not in ("snapshot", "disk"):
            raise invalid_parameter(
                f"The source id: {source_id} must be a managed disk or snapshot", path
            )
        shown = {"id": record["id"]}
    check_source_region(source_id, record["location"], location)
    if os_disk:  # without an OS type or generation, the definition's stand
        _check_compatible(source_id, record, definition)
    return {"record": record, "source": shown, "key": source_id.lower()}


def _from_disks(
    ctx: Request, refs: dict[str, Any], location: regions.Region, definition: dict[str, Any]
) -> dict[str, Any]:
    if not refs["os"]:
        raise invalid_parameter(
            "The gallery artifact version source can only be specified either directly under storageProfile or within "
            "individual OS or data disks. One and only one source type (user image, snapshot, disk, virtual machine) can be provided.",
            "storageProfile.osDiskImage",
        )
    resolved_os = _disk_source(
        ctx, refs["os"], "properties.storageProfile.osDiskImage.source", location, definition, True
    )
    data = [
        (
            d["lun"],
            _disk_source(
                ctx,
                d["source"],
                f"properties.storageProfile.dataDiskImages[{i}].source",
                location,
                definition,
                False,
            ),
        )
        for i, d in enumerate(refs["data"])
    ]
    keys = [resolved_os["key"], *(r["key"] for _, r in data)]
    if len(set(keys)) != len(keys):
        raise invalid_parameter(
            "Duplicated source ids are found in the input disks. Source ids must be unique for each disk.",
            "storageProfile",
        )
    os_record = resolved_os["record"]["properties"]["osDisk"]
    profile: dict[str, Any] = {
        "osDiskImage": {
            "sizeInGB": os_record["sizeGB"],
            "hostCaching": "ReadWrite",
            "source": resolved_os["source"],
        }
    }
    if data:
        profile["dataDiskImages"] = [
            {
                "lun": lun,
                "sizeInGB": r["record"]["properties"]["osDisk"]["sizeGB"],
                "hostCaching": "None",
                "source": r["source"],
            }
            for lun, r in sorted(data, key=lambda item: item[0])
        ]
    disks = [os_record, *(r["record"]["properties"]["osDisk"] for _, r in data)]
    return {"profile": profile, "disks": disks}


def check_size(ctx: Request, disks: list[dict[str, int]], shallow: bool) -> None:
    limit = settings.limit(ctx.config, "shallow_disk_size_gb" if shallow else "disk_size_gb")
    largest = max(d["sizeGB"] for d in disks)
    if largest > limit:
        raise ArmError(
            "GallerySourceResourceExceedsMaxSize",
            f"The GalleryImageVersion source resource size {largest} exceeds the max size {limit} supported",
            400,
            "storageProfile",
        )


def occupied_gb(doc: dict[str, Any]) -> float:
    """The GB a version replicates: its disks' used size, or the size recorded for a package."""
    if "occupiedGB" in doc:
        return float(doc["occupiedGB"])
    return sum(d.get("usedGB", d["sizeGB"]) for d in doc["disks"])


def schedule(
    ctx: Request,
    doc: dict[str, Any],
    names_to_start: list[str],
    gallery: str,
    artifact: str,
    occupied: float,
    held: dict[str, int] | None = None,
) -> None:
    """Start replication to the given places (regions, edge zones) now, copying `occupied` GB.

    `artifact` is the definition (or application) the version belongs to, for matching faults.
    A place in `held` already holds that many replicas and only copies the extra ones.
    """
    profile = doc["resource"]["properties"]["publishingProfile"]
    shallow = profile.get("replicationMode") == "Shallow"
    location = doc["resource"]["location"]
    places = replica_places(profile)
    clock = ctx.clock
    clock.sync(replication.speed(ctx.config))  # a changed speed or mode applies from here
    at = clock.progress()
    for name in names_to_start:
        place = places[name]
        kept = (held or {}).get(name, 0)
        if kept:
            modelled = replication.extra_copies_seconds(
                occupied, place["count"] - kept, place["storage"]
            )
        else:
            modelled = replication.modelled_seconds(
                occupied, place["count"], place["storage"], name == location, len(places), shallow
            )
        # a fault injected into a region also fails the replicas in its edge zones
        fault = faults.matching(ctx.tx, place["region"], gallery, artifact, doc["resource"]["name"])
        doc["replication"]["regions"][name] = replication.start(clock, at, modelled, fault, kept)
    save_clock(ctx.tx, clock)


def put(ctx: Request, rid: ResourceId, body: dict[str, Any]) -> dict[str, Any]:
    definition = _definition(ctx, rid)
    gallery, image_name = _owner(definition)
    version_name = rid.names[2]
    check_name(version_name)
    location = ctx.body_region(body, TYPE)
    props = expect_dict(body.get("properties"), "properties")
    tags = expect_tags(body.get("tags"), "tags")
    key = _key(ctx, gallery, image_name, version_name)
    stored = ctx.tx.read(key, shapes.resource)
    if stored is not None and lifecycle(ctx, stored) == "soft-deleted":
        raise conflict(
            f"Gallery image version '{stored['resource']['name']}' is soft-deleted. Restore it (sigctl sig image-version undelete) or create a version with another name.",
            "galleryImageVersionName",
        )
    existing = stored if stored is not None and lifecycle(ctx, stored) == "active" else None
    old_props = existing["resource"]["properties"] if existing else None
    publishing = publishing_profile(
        ctx,
        expect_dict(props.get("publishingProfile"), "properties.publishingProfile"),
        location,
        old_props["publishingProfile"] if old_props else None,
    )
    safety = _safety(expect_dict(props.get("safetyProfile"), "properties.safetyProfile"))
    storage = expect_dict(props.get("storageProfile"), "properties.storageProfile")
    refs = _source_refs(storage)
    if existing is None:
        return _create(ctx, rid, key, definition, gallery, location, publishing, safety, refs, tags)
    return _update(
        ctx, key, existing, definition, gallery, location, publishing, safety, refs, tags, storage
    )


def _create(
    ctx: Request,
    rid: ResourceId,
    key: tuple[str, ...],
    definition: dict[str, Any],
    gallery: str,
    location: regions.Region,
    publishing: dict[str, Any],
    safety: dict[str, Any],
    refs: dict[str, Any],
    tags: dict[str, str] | None,
) -> dict[str, Any]:
    if not _has_refs(refs):
        raise invalid_parameter(
            "Required parameter 'storageProfile' is missing (null).", "storageProfile"
        )
    check_same_number(ctx, key)
    stored_gallery = galleries.stored_gallery(ctx, gallery)
    if stored_gallery is not None:
        galleries.require_home_region(stored_gallery, location.name)
    limits.check(ctx, "image_versions", location.name)
    _authorize_sources(ctx, refs)
    built = _resolve_sources(ctx, refs, location, definition)
    check_size(ctx, built["disks"], publishing.get("replicationMode") == "Shallow")
    facts = _encryption_facts(ctx, definition, gallery, built["profile"], refs)
    encryption.check(ctx, publishing, location, facts)
    image = definition["resource"]
    resource: dict[str, Any] = {
        "id": str(ids.parse(image["id"]).child("versions", rid.names[2])),
        "name": rid.names[2],
        "type": TYPE,
        "location": location.name,
        "properties": {
            "publishingProfile": publishing,
            "storageProfile": built["profile"],
            "safetyProfile": safety,
        },
    }
    if tags is not None:
        resource["tags"] = tags
    doc: dict[str, Any] = {
        "resource": resource,
        "disks": built["disks"],
        "refs": refs,
        "replication": {"operation": "Creating", "regions": {}},
    }
    schedule(ctx, doc, list(replica_places(publishing)), gallery, image["name"], occupied_gb(doc))
    ctx.tx.write(key, doc)
    ctx.count_usage(location.name, "versions", +1)
    return render(ctx, doc)


def _encryption_facts(
    ctx: Request,
    definition: dict[str, Any],
    gallery: str,
    storage: dict[str, Any],
    refs: dict[str, Any],
) -> encryption.Facts:
    features = definition["resource"]["properties"].get("features") or []
    security = next((f["value"] for f in features if f["name"].lower() == "securitytype"), None)
    # Azure encrypts copies of VMs, managed images, disks and snapshots only (DOC-TS).
    version_source = refs["source"].get("id", "")
    vhd = next(
        (r["uri"] for r in (refs["os"], *(d["source"] for d in refs["data"])) if r.get("uri")), None
    )
    stored_gallery = galleries.stored_gallery(ctx, gallery) or {"resource": {"properties": {}}}
    sharing = stored_gallery["resource"]["properties"].get("sharingProfile", {})
    return encryption.Facts(
        data_luns=[d["lun"] for d in storage.get("dataDiskImages") or []],
        security_type=security,
        unencryptable_source=version_source if "/galleries/" in version_source.lower() else vhd,
        gallery=stored_gallery["resource"].get("name", gallery),
        sharing=sharing.get("permissions", "Private"),
    )


def check_same_number(ctx: Request, key: tuple[str, ...], kind: Kind = IMAGE) -> None:
    """Names compare as numbers, so 01.0.0 is 1.0.0: a second spelling of a version is refused."""
    name, number = key[-1], version_tuple(key[-1])
    for other in ctx.tx.children(key[:-1]):  # names only: no version document is read
        if other == name or version_tuple(other) != number:
            continue
        doc = ctx.tx.read((*key[:-1], other), shapes.resource)
        if doc is not None and lifecycle(ctx, doc) != "purged":
            raise conflict(
                f"Gallery {kind.noun} '{name}' is the existing version '{doc['resource']['name']}': "
                "versions are compared as numbers (Major.Minor.Patch).",
                kind.name_parameter,
            )


def _check_disks(stored: dict[str, Any], storage: dict[str, Any], refs: dict[str, Any]) -> None:
    """Disks, their LUNs and host caching cannot change (the troubleshooting guide's texts).

    A request that leaves the disks out (a create from an image-level source) keeps them; one
    that describes them (az's update sends them back without sources) must describe them as
    they are.
    """
    old_disks = stored.get("dataDiskImages", [])
    if ("osDiskImage" in storage or "dataDiskImages" in storage) and [
        d["lun"] for d in refs["data"]
    ] != [d["lun"] for d in old_disks]:
        raise invalid_parameter(
            "Adding new Data Disks or changing the LUN of a Data Disk in an existing Image is not allowed",
            "storageProfile.dataDiskImages",
        )
    pairs = [("osDiskImage", storage.get("osDiskImage") or {}, stored["osDiskImage"])]
    pairs += [
        (f"dataDiskImages[{i}]", new, old)
        for i, (new, old) in enumerate(
            zip(storage.get("dataDiskImages") or [], old_disks, strict=False)
        )
    ]
    for path, new, old in pairs:
        caching = expect_str(
            new.get("hostCaching"), f"properties.storageProfile.{path}.hostCaching"
        )
        if caching is not None and caching.lower() != old["hostCaching"].lower():
            raise property_change_not_allowed(f"{PATH}storageProfile.{path}.hostCaching")


def _same_refs(old: dict[str, Any], new: dict[str, Any]) -> bool:
    def canon(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: canon(v) for k, v in value.items()}
        if isinstance(value, list):
            return [canon(v) for v in value]
        return value.lower() if isinstance(value, str) else value

    def sourced(refs: dict[str, Any]) -> dict[str, Any]:
        # A data disk described without a source (a GET's body sent back) names no source.
        return {**refs, "data": [d for d in refs["data"] if d["source"]]}

    return canon(sourced(old)) == canon(sourced(new))


def _update(
    ctx: Request,
    key: tuple[str, ...],
    existing: dict[str, Any],
    definition: dict[str, Any],
    gallery: str,
    location: regions.Region,
    publishing: dict[str, Any],
    safety: dict[str, Any],
    refs: dict[str, Any],
    tags: dict[str, str] | None,
    storage: dict[str, Any],
) -> dict[str, Any]:
    old = existing["resource"]
    if _has_refs(refs) and not _same_refs(existing["refs"], refs):
        changed = (
            "source.id" if refs["source"] or existing["refs"]["source"] else "osDiskImage.source.id"
        )
        if [d["lun"] for d in refs["data"]] != [d["lun"] for d in existing["refs"]["data"]]:
            raise invalid_parameter(
                "Adding new Data Disks or changing the LUN of a Data Disk in an existing Image is not allowed",
                "storageProfile.dataDiskImages",
            )
        raise property_change_not_allowed(f"{PATH}storageProfile.{changed}")
    _check_disks(old["properties"]["storageProfile"], storage, refs)
    doc = republish(ctx, key, existing, location, publishing, safety, tags, gallery, definition)
    return render(ctx, doc)


def republish(
    ctx: Request,
    key: tuple[str, ...],
    existing: dict[str, Any],
    location: regions.Region,
    publishing: dict[str, Any],
    safety: dict[str, Any],
    tags: dict[str, str] | None,
    gallery: str,
    definition: dict[str, Any] | None = None,
    kind: Kind = IMAGE,
) -> dict[str, Any]:
    """A PUT on an existing version: a new publishing and safety profile and tags.

    Location, storage type and replication mode stay; a region that holds replicas leaves only
    with allowDeletionOfReplicatedLocations; regions added or given more replicas start
    replicating. An image version (its `definition` given) also has its encryption checked.
    Returns the stored document (`existing` itself when nothing changed).
    """
    doc = copy.deepcopy(existing)
    old = doc["resource"]
    old_profile = old["properties"]["publishingProfile"]
    if old["location"] != location.name:
        raise invalid_resource_location(
            old["name"], old["location"], ids.parse(old["id"]).resource_group or "", location.name
        )
    if old_profile.get("storageAccountType") != publishing.get("storageAccountType"):
        raise property_change_not_allowed(
            f"{kind.property_path}publishingProfile.storageAccountType"
        )
    old_mode = old_profile.get("replicationMode", "Full")  # Full is the default
    if publishing.pop("replicationMode", old_mode) != old_mode:
        raise property_change_not_allowed(f"{kind.property_path}publishingProfile.replicationMode")
    if "replicationMode" in old_profile:
        publishing["replicationMode"] = old_mode
    old_places = replica_places(old_profile)
    new_places = replica_places(publishing)
    for name, place in new_places.items():
        before = old_places.get(name)
        if not before or before["storage"] == place["storage"]:
            continue
        if place["edgeZone"]:
            raise property_change_not_allowed(
                f"{kind.property_path}publishingProfile.targetExtendedLocations.storageAccountType"
            )
        raise invalid_parameter(
            f"Global storage account type does not match the storage account type in the existing TargetRegion: "
            f"'{place['label']}'. Please specify '{before['storage']}' as the storage account type for this region.",
            "targetRegions",
        )
    _carry_encryption(old_places, new_places)
    states = {k: state for k, _, state in place_states(ctx, doc)}
    removed = [k for k in old_places if k not in new_places]
    holding = [k for k in removed if states[k]["state"] != "Failed"]
    if holding and not safety["allowDeletionOfReplicatedLocations"]:
        shown = ", ".join(old_places[k]["label"] for k in holding)
        raise ArmError(
            "OperationNotAllowed",
            f"Removing target regions that hold replicas ({shown}) is not allowed while "
            "safetyProfile.allowDeletionOfReplicatedLocations is false.",
            409,
            "publishingProfile.targetRegions",
        )
    restart = [
        k
        for k, place in new_places.items()
        if k not in old_places or place["count"] > old_places[k]["count"]
    ]
    if definition is not None:
        facts = _encryption_facts(
            ctx, definition, gallery, old["properties"]["storageProfile"], doc["refs"]
        )
        encryption.check(ctx, publishing, location, facts, lambda k: k in restart)
    new_resource = copy.deepcopy(old)
    new_resource["properties"]["publishingProfile"] = publishing
    new_resource["properties"]["safetyProfile"] = safety
    if tags is not None:
        new_resource["tags"] = tags
    else:
        new_resource.pop("tags", None)
    if new_resource == old:
        return existing  # an identical PUT changes nothing
    doc["resource"] = new_resource
    for name in removed:
        del doc["replication"]["regions"][name]
    if restart:
        doc["replication"]["operation"] = "Updating"
        held = _held_replicas(existing, states, old_places, restart)
        artifact = ids.parse(old["id"]).names[1]
        schedule(ctx, doc, restart, gallery, artifact, occupied_gb(doc), held)
    ctx.tx.write(key, doc)
    return doc


def _carry_encryption(old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]) -> None:
    """A place that stays keeps its encryption (see encryption.carried_over)."""
    for key, place in new.items():
        if key not in old:
            continue
        entry = place["entry"]
        kept = encryption.carried_over(
            old[key]["entry"].get("encryption"),
            entry.get("encryption"),
            place["label"],
            place["kind"],
        )
        entry.pop("encryption", None)
        if kept:
            entry["encryption"] = kept


def _held_replicas(
    existing: dict[str, Any],
    states: dict[str, dict[str, Any]],
    old_places: dict[str, dict[str, Any]],
    names: list[str],
) -> dict[str, int]:
    """Replicas that places about to get more copies already hold, and keep serving."""
    held = {}
    for name in names:
        if name not in old_places or states[name]["state"] == "Failed":
            continue  # nothing to keep: the place replicates from scratch
        if states[name]["state"] == "Completed":
            held[name] = old_places[name]["count"]
        elif kept := existing["replication"]["regions"][name].get("heldReplicas", 0):
            held[name] = kept  # still copying extra replicas: the earlier ones are kept
    return held


# -- delete, soft delete, restore ---------------------------------------------------------------


def delete(ctx: Request, rid: ResourceId) -> None:
    definition = _definition(ctx, rid)
    key = _key(ctx, *_owner(definition), rid.names[2])
    doc = ctx.tx.read(key, shapes.resource)
    bypass = str(ctx.query.get("bypassSoftDelete", "")).lower() == "true"
    state = lifecycle(ctx, doc) if doc is not None else None
    if state == "soft-deleted" and bypass:
        ctx.tx.delete_tree(key)  # purge it now instead of at the end of its retention
        return
    if doc is None or state != "active":
        return
    profile = doc["resource"]["properties"]["publishingProfile"]
    safety = doc["resource"]["properties"]["safetyProfile"]
    end_of_life = profile.get("endOfLifeDate")
    if (
        safety.get("blockDeletionBeforeEndOfLife")
        and end_of_life
        and parse_instant(end_of_life) > ctx.clock.now()
    ):
        raise ArmError(
            "DeleteGalleryImageVersionBlockedBeforeEndOfLife",
            "Deletion of Gallery image version is not allowed because the image is enabled for "
            "blockDeletionBeforeEndOfLife and its endOfLifeDate has not reached yet",
            409,
        )
    from sigctl.provider import galleries

    gallery = galleries.find(ctx, rid.resource_group or "", rid.names[0]) or {}
    policy = gallery.get("resource", {}).get("properties", {}).get("softDeletePolicy", {})
    ctx.count_usage(doc["resource"]["location"], "versions", -1)
    if policy.get("isSoftDeleteEnabled") and not bypass:
        doc["softDeleted"] = iso_precise(ctx.clock.now())
        doc["retentionDays"] = policy.get("retentionPeriodInDays", SOFT_DELETE_DAYS)
        ctx.tx.write(key, doc)
    else:
        ctx.tx.delete_tree(key)


def patch(ctx: Request, rid: ResourceId, body: dict[str, Any]) -> dict[str, Any]:
    """PATCH with properties.restore=true brings a soft-deleted version back (az undelete);
    any other PATCH updates the version as a PUT of the merged body would."""
    props = expect_dict(expect_dict(body, "body").get("properties"), "properties")
    if not expect_bool(props.get("restore"), "properties.restore"):
        from sigctl.provider import updates

        return updates.by_put(ctx, rid, body, get, put)
    definition = _definition(ctx, rid)
    key = _key(ctx, *_owner(definition), rid.names[2])
    doc = ctx.tx.read(key, shapes.resource)
    if doc is None or lifecycle(ctx, doc) != "soft-deleted":
        raise resource_not_found(
            f"{ids.COMPUTE}/galleries/{rid.names[0]}/softDeletedArtifactTypes/Images/artifacts/{rid.names[1]}/versions/{rid.names[2]}",
            rid.resource_group or "",
        )
    limits.check(ctx, "image_versions", doc["resource"]["location"])
    del doc["softDeleted"]
    doc.pop("retentionDays", None)
    tags = expect_tags(body.get("tags"), "tags")
    if tags is not None:
        doc["resource"]["tags"] = tags
    safety = props.get("safetyProfile") or {}
    if "allowDeletionOfReplicatedLocations" in safety:
        doc["resource"]["properties"]["safetyProfile"]["allowDeletionOfReplicatedLocations"] = bool(
            safety["allowDeletionOfReplicatedLocations"]
        )
    ctx.tx.write(key, doc)
    ctx.count_usage(doc["resource"]["location"], "versions", +1)
    return render(ctx, doc)


def soft_deleted(ctx: Request, rid: ResourceId) -> list[dict[str, Any]]:
    """GET .../galleries/{g}/softdeletedartifacttypes/Images/artifacts/{image}/versions."""
    if rid.names[1].lower() != "images":
        raise invalid_parameter(
            f"The artifact type '{rid.names[1]}' is not supported; soft-deleted artifacts are of "
            "type 'Images'.",
            "artifactType",
        )
    image_rid = ids.image_id(ctx.subscription, rid.resource_group or "", rid.names[0], rid.names[2])
    definition = _definition(
        ctx, image_rid, resource_not_found(image_rid.type_path(), rid.resource_group or "")
    )
    out = []
    for state, doc in all_versions(ctx, definition):
        if state != "soft-deleted":
            continue
        resource = doc["resource"]
        region = regions.find(resource["location"])
        out.append(
            {
                "name": resource["name"],
                "id": f"{rid}/{resource['name']}",
                "type": "Microsoft.Compute/galleries/softDeletedArtifactTypes/artifacts/versions",
                "location": region.display_name if region else resource["location"],
                "properties": {
                    "resourceArmId": resource["id"],
                    "softDeletedTime": _plain_time(doc["softDeleted"]),
                    "softDeletedArtifactType": "Images",
                },
            }
        )
    return sorted(out, key=lambda e: version_tuple(e["name"]) or (0, 0, 0))


def _plain_time(text: str) -> str:
    from sigctl.provider.validate import format_datetime

    return format_datetime(parse_instant(text).replace(microsecond=0))
