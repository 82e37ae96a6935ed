"""What a read shows of a replicated version: where it keeps replicas and how far replication got.

Image versions (sigctl.provider.image_versions) and VM application versions
(sigctl.provider.gallery_application_versions) replicate to their target regions and edge zones
over time (sigctl.provider.replication); their replication status, provisioning state and the
regions they serve from are read here. Checking and changing a publishing profile is a write's
business (sigctl.provider.publishing), which a read does not load.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sigctl.provider import regions, replication
from sigctl.provider.context import Request
from sigctl.record import FrozenRecord

if TYPE_CHECKING:
    from sigctl.provider.model import PublishingProfile, ReplicatedVersion

STORAGE_TYPES = ("Standard_LRS", "Standard_ZRS", "Premium_LRS", "PremiumV2_LRS")


class Kind(FrozenRecord):
    """What differs between the kinds of replicated versions: how errors name them, their limit.
    A Record, not a dataclass: a read loads it, and dataclasses cost start-up (sigctl.record)."""

    _fields = ("noun", "name_parameter", "property_path", "replica_limit", "type")

    def __init__(
        self, noun: str, name_parameter: str, property_path: str, replica_limit: str, type: str
    ) -> None:
        self.noun = noun  # "image version", in the service's messages
        self.name_parameter = name_parameter  # the request parameter a bad name is reported against
        # how immutable-property errors name the body ("galleryImageVersion.properties.")
        self.property_path = property_path
        self.replica_limit = replica_limit  # the limits.* key bounding replicas per region
        self.type = type  # the ARM resource type, for region errors


IMAGE = Kind(
    "image version",
    "galleryImageVersionName",
    "galleryImageVersion.properties.",
    "replicas",
    "Microsoft.Compute/galleries/images/versions",
)


def zone_key(region: str, zone: str) -> str:
    """The replication key of an edge zone: its region and its (case-insensitive) name."""
    return f"{region}/{zone.lower()}"


def show_regions(profile: PublishingProfile) -> None:
    """Name a rendered profile's target regions and edge zones' regions as ARM shows them, by
    display name (the stored document names them by programmatic name)."""
    for target in [*profile["targetRegions"], *(profile.get("targetExtendedLocations") or [])]:
        target["name"] = regions.display(target["name"])


# -- where a version replicates, and how far it got ---------------------------------------------


def replica_places(profile: PublishingProfile) -> dict[str, dict[str, Any]]:
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
        name = regions.programmatic(zone["name"])
        places[zone_key(name, zone["extendedLocation"]["name"])] = {
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
    ctx: Request, doc: ReplicatedVersion
) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(key, place, status) for each target region and edge zone, in profile order."""
    progress = ctx.clock.progress()
    entries = doc["replication"]["regions"]
    places = replica_places(doc["resource"]["properties"]["publishingProfile"])
    return [(k, p, replication.status(entries[k], progress)) for k, p in places.items()]


def region_states(ctx: Request, doc: ReplicatedVersion) -> list[tuple[str, dict[str, Any]]]:
    """(programmatic region, status) for each target region, in target order."""
    return [(k, s) for k, place, s in place_states(ctx, doc) if not place["edgeZone"]]


def serving_regions(ctx: Request, doc: ReplicatedVersion) -> set[str]:
    """Regions holding a usable replica (completed, or completed earlier and copying more)."""
    entries = doc["replication"]["regions"]
    return {n for n, s in region_states(ctx, doc) if replication.serves(entries[n], s)}


def provisioning_state(ctx: Request, doc: ReplicatedVersion) -> str:
    """Follows the aggregated replication state; while it runs, the operation in progress."""
    overall = replication.aggregate([s["state"] for _, _, s in place_states(ctx, doc)])
    ended = {"Failed": "Failed", "Completed": "Succeeded"}
    return ended.get(overall) or doc["replication"].get("operation", "Creating")


def replication_status(ctx: Request, doc: ReplicatedVersion) -> dict[str, Any]:
    """`properties.replicationStatus`, as `$expand=ReplicationStatus` shows it."""
    summary = [{"region": place["label"], **state} for _, place, state in place_states(ctx, doc)]
    return {
        "aggregatedState": replication.aggregate([s["state"] for s in summary]),
        "summary": summary,
    }


def occupied_gb(doc: ReplicatedVersion) -> float:
    """The GB a version replicates: its disks' used size, or the size recorded for a package."""
    if "occupiedGB" in doc:
        return float(doc["occupiedGB"])
    return sum(d.get("usedGB", d["sizeGB"]) for d in doc["disks"])
