"""What an image version is made from: its sources, checked and turned into a storageProfile.

A version has exactly one kind of source: one image-level source (a managed image, a VM or
another gallery image version) under `storageProfile.source`, or disk-level sources (managed
disks, snapshots or VHDs) under `osDiskImage` and `dataDiskImages`. Each must exist, be in the
version's region and match its definition's OS facts; the caller needs a right on each.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from sigctl.errors import ArmError, invalid_parameter, property_change_not_allowed
from sigctl.provider import ids, lookup, names, regions, replicas, settings, sources
from sigctl.provider.context import Request
from sigctl.provider.validate import expect_dict, expect_int, expect_list, expect_str

if TYPE_CHECKING:
    from sigctl.provider.model import SourceRefs, StoredDefinition

# What the caller needs on each kind of source, as the gallery docs list it.
_SOURCE_ACTIONS = {
    "microsoft.storage/storageaccounts": "listKeys/action",
    "microsoft.compute/images": "read",
    "microsoft.compute/galleries/images/versions": "read",
    "microsoft.compute/virtualmachines": "write",
    "microsoft.compute/disks": "write",
    "microsoft.compute/snapshots": "write",
}


# -- the service's refusals, each said once -----------------------------------------------------


def _not_one_kind(target: str) -> ArmError:
    return invalid_parameter(
        "The gallery artifact version source can only be specified either directly under storageProfile or within "
        "individual OS or data disks. One and only one source type (user image, snapshot, disk, virtual machine) can be provided.",
        target,
    )


def _not_an_image_source(source_id: str) -> ArmError:
    return invalid_parameter(
        f"The source id: {source_id} must either be a managed image, virtual machine or another gallery image version",
        "storageProfile.source",
    )


def _data_disks_changed() -> ArmError:
    return invalid_parameter(
        "Adding new Data Disks or changing the LUN of a Data Disk in an existing Image is not allowed",
        "storageProfile.dataDiskImages",
    )


# -- the references a request gives -------------------------------------------------------------


def source_refs(storage: dict[str, Any]) -> SourceRefs:
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


def each_ref(refs: SourceRefs) -> list[dict[str, Any]]:
    """The image-level reference, the OS disk's, then each data disk's (empty when not given)."""
    return [refs["source"], refs["os"], *(d["source"] for d in refs["data"])]


def has_refs(refs: SourceRefs) -> bool:
    return any(each_ref(refs))


def authorize(ctx: Request, refs: SourceRefs) -> None:
    """Publishing from a source needs a right on the source too, not only on the gallery.

    Checked before the sources are looked up, so a caller without the right cannot tell an
    existing source from a missing one; an id that does not parse, or names no subscription of
    the emulated cloud, is left to the lookup's error.
    """
    for ref in each_ref(refs):
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


def check_unchanged(old: SourceRefs, new: SourceRefs) -> None:
    """A published version keeps its sources: a request naming others is refused."""
    if not has_refs(new) or _same_refs(old, new):
        return
    if [d["lun"] for d in new["data"]] != [d["lun"] for d in old["data"]]:
        raise _data_disks_changed()
    changed = "source.id" if new["source"] or old["source"] else "osDiskImage.source.id"
    raise property_change_not_allowed(f"{replicas.IMAGE.property_path}storageProfile.{changed}")


def _same_refs(old: SourceRefs, new: SourceRefs) -> bool:
    def sourced(refs: SourceRefs) -> dict[str, Any]:
        # A data disk described without a source (a GET's body sent back) names no source.
        return {**refs, "data": [d for d in refs["data"] if d["source"]]}

    return names.folded(sourced(old)) == names.folded(sourced(new))


def check_disks(stored: dict[str, Any], storage: dict[str, Any], refs: SourceRefs) -> None:
    """Disks, their LUNs and host caching cannot change (the troubleshooting guide's texts).

    A request that leaves the disks out (a create from an image-level source) keeps them; one
    that describes them (az's update sends them back without sources) must describe them as
    they are.
    """
    old_disks = stored.get("dataDiskImages", [])
    if ("osDiskImage" in storage or "dataDiskImages" in storage) and [
        d["lun"] for d in refs["data"]
    ] != [d["lun"] for d in old_disks]:
        raise _data_disks_changed()
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
            raise property_change_not_allowed(
                f"{replicas.IMAGE.property_path}storageProfile.{path}.hostCaching"
            )


# -- resolving them -----------------------------------------------------------------------------


def resolve(
    ctx: Request, refs: SourceRefs, location: regions.Region, definition: StoredDefinition
) -> dict[str, Any]:
    """Check the version's sources; {"profile": its storageProfile, "disks": its disks' sizes}."""
    image_level = refs["source"]
    disk_level = refs["os"] or any(d["source"] for d in refs["data"])
    if bool(image_level) == bool(disk_level):
        raise _not_one_kind("storageProfile")
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
    if not refs["os"]:  # data disks alone make no version
        raise _not_one_kind("storageProfile.osDiskImage")
    return _from_disks(ctx, refs, location, definition)


def _check_compatible(source_id: str, source: dict[str, Any], definition: StoredDefinition) -> None:
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
    ctx: Request, source: dict[str, Any], location: regions.Region, definition: StoredDefinition
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
        raise _not_an_image_source(source_id)
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
    ctx: Request, text: str, location: regions.Region, definition: StoredDefinition
) -> dict[str, Any]:
    try:
        rid = ids.parse(text)
    except ArmError:
        raise invalid_parameter(
            f"Property id {text} at path 'properties.storageProfile.source.id' is invalid.",
            "storageProfile.source.id",
        ) from None
    if rid.route != ("microsoft.compute", ("galleries", "images", "versions")) or rid.is_collection:
        raise _not_an_image_source(text)
    owner = ctx.in_subscription(rid.subscription)
    try:
        doc = lookup.find_version(owner, rid) if owner else None
    except ArmError:
        doc = None
    if owner is None or doc is None:
        raise sources.not_found(text)
    if location.name not in replicas.serving_regions(owner, doc):
        check_source_region(text, "", location)
    source_definition = lookup.find_definition(owner, rid)
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
    definition: StoredDefinition,
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
    ctx: Request, refs: SourceRefs, location: regions.Region, definition: StoredDefinition
) -> dict[str, Any]:
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
