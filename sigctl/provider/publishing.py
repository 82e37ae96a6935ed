"""The publishing profile of a replicated version: checking a request's, replicating, changing it.

These are the service's rules for every replicated gallery artifact: image versions
(sigctl.provider.image_version_writes) and VM application versions
(sigctl.provider.gallery_application_version_writes) use them, told apart by a `Kind`. A version
replicates to its target regions and edge zones over time (sigctl.provider.replication); what a
read shows of that progress is in sigctl.provider.replicas, so a read does not load this module.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from sigctl.errors import (
    ArmError,
    conflict,
    invalid_parameter,
    invalid_resource_location,
    property_change_not_allowed,
)
from sigctl.provider import (
    edge_zones,
    encryption,
    faults,
    ids,
    lookup,
    names,
    regions,
    replication,
    settings,
    shapes,
)
from sigctl.provider.clock import iso_precise, save_clock
from sigctl.provider.context import Request
from sigctl.provider.replicas import (
    IMAGE,
    STORAGE_TYPES,
    Kind,
    occupied_gb,
    place_states,
    replica_places,
)
from sigctl.provider.validate import (
    expect_bool,
    expect_choice,
    expect_datetime,
    expect_dict,
    expect_int,
    expect_list,
    expect_str,
)

if TYPE_CHECKING:
    from sigctl.provider.model import (
        PublishingProfile,
        ReplicatedVersion,
        SafetyProfile,
        TargetRegion,
        VersionBody,
    )

MODES = ("Full", "Shallow")


# -- a version's name ---------------------------------------------------------------------------


def check_name(name: str, kind: Kind = IMAGE) -> None:
    names.check_version_name(name, kind.noun, kind.name_parameter)


def check_same_number(ctx: Request, key: tuple[str, ...], kind: Kind = IMAGE) -> None:
    """Names compare as numbers, so 01.0.0 is 1.0.0: a second spelling of a version is refused."""
    name, number = key[-1], names.version_tuple(key[-1])
    for other in ctx.tx.children(key[:-1]):  # names only: no version document is read
        if other == name or names.version_tuple(other) != number:
            continue
        doc = ctx.tx.read((*key[:-1], other), shapes.resource)
        if doc is not None and lookup.lifecycle(ctx, doc) != "purged":
            raise conflict(
                f"Gallery {kind.noun} '{name}' is the existing version '{doc['resource']['name']}': "
                "versions are compared as numbers (Major.Minor.Patch).",
                kind.name_parameter,
            )


# -- the profile a request asks for -------------------------------------------------------------


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


def _target_region(
    ctx: Request,
    i: int,
    item: Any,
    defaults: tuple[int, str],
    seen: set[str],
    kind: Kind,
) -> TargetRegion:
    """Entry `i` of targetRegions as the service keeps it: region, count, storage type.

    `defaults` are the profile's replica count and storage type; `seen` collects the regions.
    """
    replica_count, storage_type = defaults
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
            entry.get("storageAccountType"), STORAGE_TYPES, f"targetRegions[{i}].storageAccountType"
        )
        or storage_type
    )
    if region_type == "Standard_ZRS" and not region.zones:
        raise invalid_parameter(
            "ZRS storage account type is not supported in this region.",
            f"targetRegions[{i}].storageAccountType",
        )
    target: TargetRegion = {
        "name": region.name,
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
        entry.get("excludeFromLatest"), f"publishingProfile.targetRegions[{i}].excludeFromLatest"
    )
    if exclude is not None:
        target["excludeFromLatest"] = exclude
    return target


def publishing_profile(
    ctx: Request,
    profile: dict[str, Any],
    location: regions.Region,
    existing: PublishingProfile | None,
    kind: Kind = IMAGE,
) -> PublishingProfile:
    """The publishing profile the service keeps for a request's, checked; `existing` is the
    stored version's profile, if there is one (its publishedDate stays)."""
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
    seen: set[str] = set()
    targets = [
        _target_region(ctx, i, item, (replica_count, storage_type), seen, kind)
        for i, item in enumerate(given)
    ]
    if location.name not in seen:
        listed = ", ".join(regions.display(t["name"]) for t in targets)
        raise invalid_parameter(
            f"Gallery {kind.noun} publishing profile regions '{listed}' must contain the location of {kind.noun} '{location.display_name}'.",
            "targetRegions",
        )
    if mode == "Shallow" and (len(targets) != 1 or targets[0]["regionalReplicaCount"] != 1):
        raise invalid_parameter(
            "Shallow replication supports exactly one target region, the version's own location, with a replica count of 1.",
            "replicationMode",
        )
    out: PublishingProfile = {
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
        IMAGE.type,
        lambda value, path: _replicas(ctx, value, path, replica_count, kind),
    )
    if zones:
        out["targetExtendedLocations"] = zones
    return out


def schedule(
    ctx: Request,
    doc: ReplicatedVersion,
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


# -- changing the profile of a published version ------------------------------------------------


def _check_kept_settings(
    old: VersionBody, location: regions.Region, publishing: PublishingProfile, kind: Kind
) -> None:
    """Location, storage type and replication mode stay as published (a mode left out is kept)."""
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


def _check_place_storage(
    old_places: dict[str, dict[str, Any]], new_places: dict[str, dict[str, Any]], kind: Kind
) -> None:
    """A place that stays keeps its storage account type."""
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


def _check_removals(
    removed: list[str],
    old_places: dict[str, dict[str, Any]],
    states: dict[str, dict[str, Any]],
    safety: SafetyProfile,
) -> None:
    """A region holding replicas leaves only with allowDeletionOfReplicatedLocations."""
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


def republish(
    ctx: Request,
    key: tuple[str, ...],
    existing: ReplicatedVersion,
    location: regions.Region,
    publishing: PublishingProfile,
    safety: SafetyProfile,
    tags: dict[str, str] | None,
    gallery: str,
    facts: encryption.Facts | None = None,
    kind: Kind = IMAGE,
) -> ReplicatedVersion:
    """A PUT on an existing version: a new publishing and safety profile and tags.

    Location, storage type and replication mode stay; a region that holds replicas leaves only
    with allowDeletionOfReplicatedLocations; regions added or given more replicas start
    replicating. An image version (its encryption `facts` given) also has its encryption checked.
    Returns the stored document (`existing` itself when nothing changed).
    """
    doc = copy.deepcopy(existing)
    old = doc["resource"]
    _check_kept_settings(old, location, publishing, kind)
    old_places = replica_places(old["properties"]["publishingProfile"])
    new_places = replica_places(publishing)
    _check_place_storage(old_places, new_places, kind)
    _carry_encryption(old_places, new_places)
    states = {k: state for k, _, state in place_states(ctx, doc)}
    removed = [k for k in old_places if k not in new_places]
    _check_removals(removed, old_places, states, safety)
    restart = [
        k
        for k, place in new_places.items()
        if k not in old_places or place["count"] > old_places[k]["count"]
    ]
    if facts is not None:
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
    existing: ReplicatedVersion,
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
