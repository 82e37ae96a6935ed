"""Customer-managed keys on image versions: the `encryption` of target regions and edge zones.

Each place a version replicates to may name disk encryption sets for its OS disk, for data disks
by LUN, and (for confidential VM images) a confidential encryption type with its own set. The
service checks the sets (same subscription as the gallery, readable by the caller, existing, in
the region they encrypt), the LUNs (those of the version's disks, once each), the definition's
security type, that a disk encrypted in one region is encrypted in every region, and that an
existing region's encryption does not change. Texts are the service's where they are published
(the troubleshooting guide's texts; docs/emulation.md lists the rest).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sigctl.errors import ArmError, invalid_parameter, property_change_not_allowed
from sigctl.provider import disk_encryption_sets, ids, names, regions
from sigctl.provider.context import Request
from sigctl.provider.validate import (
    expect_choice,
    expect_dict,
    expect_int,
    expect_list,
    expect_str,
)

CVM_TYPES = (
    "EncryptedVMGuestStateOnlyWithPmk",
    "EncryptedWithPmk",
    "EncryptedWithCmk",
    "NonPersistedTPM",
)
# Definition security types that take confidential VM images.
CVM_SECURITY_TYPES = (
    "ConfidentialVM",
    "ConfidentialVmSupported",
    "TrustedLaunchAndConfidentialVmSupported",
)
READ_ACTION = "Microsoft.Compute/diskEncryptionSets/read"
_ARTIFACT = "galleryArtifactVersion.properties.publishingProfile."


@dataclass(frozen=True)
class Facts:
    """What the checks need to know of the version beyond its publishing profile."""

    data_luns: list[int]
    security_type: str | None  # the definition's SecurityType feature, if any
    unencryptable_source: str | None  # a source the service cannot encrypt (VHD, gallery version)
    gallery: str
    sharing: str  # the gallery's sharingProfile.permissions


# -- shape ----------------------------------------------------------------------------------------


def parse(value: Any, path: str) -> dict[str, Any] | None:
    """A request's EncryptionImages in the shape the service keeps and echoes (None if empty).

    The service answers an OS disk's encryption with a `securityProfile`, empty when no
    confidential VM encryption is set, as the recorded bodies show.
    """
    if value is None:
        return None
    block = expect_dict(value, path)
    out: dict[str, Any] = {}
    os_disk = expect_dict(block.get("osDiskImage"), f"{path}.osDiskImage")
    if os_disk:
        des = expect_str(
            os_disk.get("diskEncryptionSetId"), f"{path}.osDiskImage.diskEncryptionSetId"
        )
        profile_path = f"{path}.osDiskImage.securityProfile"
        profile = expect_dict(os_disk.get("securityProfile"), profile_path)
        security: dict[str, Any] = {}
        kind = expect_choice(
            profile.get("confidentialVMEncryptionType"),
            CVM_TYPES,
            f"{profile_path}.confidentialVMEncryptionType",
        )
        if kind is not None:
            security["confidentialVMEncryptionType"] = kind
        secure = expect_str(
            profile.get("secureVMDiskEncryptionSetId"),
            f"{profile_path}.secureVMDiskEncryptionSetId",
        )
        if secure:
            security["secureVMDiskEncryptionSetId"] = secure
        out["osDiskImage"] = {"securityProfile": security}
        if des:
            out["osDiskImage"]["diskEncryptionSetId"] = des
    data = []
    for i, item in enumerate(
        expect_list(block.get("dataDiskImages"), f"{path}.dataDiskImages") or []
    ):
        entry = expect_dict(item, f"{path}.dataDiskImages[{i}]")
        lun = expect_int(entry.get("lun"), f"{path}.dataDiskImages[{i}].lun")
        if lun is None:
            raise invalid_parameter(
                f"Required parameter 'dataDiskImages[{i}].lun' is missing (null).",
                f"{path}.dataDiskImages[{i}].lun",
            )
        disk: dict[str, Any] = {"lun": lun}
        des = expect_str(
            entry.get("diskEncryptionSetId"), f"{path}.dataDiskImages[{i}].diskEncryptionSetId"
        )
        if des:
            disk["diskEncryptionSetId"] = des
        data.append(disk)
    if data:
        out["dataDiskImages"] = data
    return out or None


def _set_ids(block: dict[str, Any]) -> list[tuple[str, str]]:
    """(field path inside encryption, set id) for every set the block names."""
    os_disk = block.get("osDiskImage") or {}
    found = []
    if os_disk.get("diskEncryptionSetId"):
        found.append(("osDiskImage.diskEncryptionSetId", os_disk["diskEncryptionSetId"]))
    secure = os_disk.get("securityProfile", {}).get("secureVMDiskEncryptionSetId")
    if secure:
        found.append(("osDiskImage.securityProfile.secureVMDiskEncryptionSetId", secure))
    for disk in block.get("dataDiskImages") or []:
        if disk.get("diskEncryptionSetId"):
            found.append(("dataDiskImages.diskEncryptionSetId", disk["diskEncryptionSetId"]))
    return found


# -- the service's rules ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Place:
    kind: str  # "targetRegions" or "targetExtendedLocations"
    key: str  # the replication key: region, or region/edge zone
    label: str  # how messages name it
    region: regions.Region
    encryption: dict[str, Any]


def _places(profile: dict[str, Any]) -> list[_Place]:
    out = []
    for target in profile["targetRegions"]:
        region = regions.find(target["name"])
        if region is not None and target.get("encryption"):
            out.append(
                _Place(
                    "targetRegions", region.name, region.display_name, region, target["encryption"]
                )
            )
    for zone in profile.get("targetExtendedLocations") or []:
        region = regions.find(zone["name"])
        if region is not None and zone.get("encryption"):
            name = zone["extendedLocation"]["name"]
            out.append(
                _Place(
                    "targetExtendedLocations",
                    f"{region.name}/{name.lower()}",
                    name,
                    region,
                    zone["encryption"],
                )
            )
    return out


def check(
    ctx: Request,
    profile: dict[str, Any],
    home: regions.Region,
    facts: Facts,
    resolving: Callable[[str], bool] = lambda key: True,
) -> None:
    """Every rule on the encryption of a (normalised) publishing profile.

    `resolving(key)` says whether a place is about to replicate: only then are its sets looked
    up, as the service encrypts copies only when it makes them.
    """
    places = _places(profile)
    if any(_set_ids(p.encryption) for p in places):
        if facts.unencryptable_source:
            raise invalid_parameter(
                f"Encryption is not supported for source resource '{facts.unencryptable_source}'. "
                "Please use a different source resource type which supports encryption or remove "
                "encryption properties",
                "storageProfile",
            )
        if facts.sharing != "Private":
            raise invalid_parameter(
                f"Gallery '{facts.gallery}' is shared (permissions '{facts.sharing}'): a shared "
                "gallery cannot hold image versions encrypted with customer-managed keys.",
                "publishingProfile.targetRegions.encryption",
            )
    for place in places:
        _check_luns(place, facts.data_luns)
        for field, set_id in _set_ids(place.encryption):
            found = _reference(ctx, place, field, set_id, resolving(place.key))
            if found is not None and field.endswith("secureVMDiskEncryptionSetId"):
                _check_confidential_set(set_id, found)
        _check_confidential(place, facts.security_type)
    regional = [p for p in places if p.kind == "targetRegions"]
    _check_confidential_image(profile, home, facts.security_type)
    _check_every_region_encrypted(profile, regional)


def _check_luns(place: _Place, data_luns: list[int]) -> None:
    seen: set[int] = set()
    for disk in place.encryption.get("dataDiskImages") or []:
        lun = disk["lun"]
        if lun in seen:
            raise invalid_parameter(
                f"Duplicate luns '{lun}' were specified in target region '{place.label}' "
                "encryption.dataDiskImages",
                f"{place.kind}.encryption.dataDiskImages",
            )
        seen.add(lun)
        if lun not in data_luns:
            allowed = ",".join(str(n) for n in data_luns)
            raise invalid_parameter(
                f"An invalid lun [{lun}] was specified in encryption.dataDiskImages. The lun must "
                f"be one of the following values ['{allowed}']",
                f"{place.kind}.encryption.dataDiskImages",
            )


def _reference(
    ctx: Request, place: _Place, field: str, set_id: str, resolve: bool
) -> dict[str, Any] | None:
    """The set an encryption names; only its id is checked unless the place replicates now."""
    path = f"{_ARTIFACT}{place.kind}.encryption.{field}"
    try:
        rid = ids.parse(set_id)
    except ArmError:
        rid = None
    if (
        rid is None
        or rid.route != ("microsoft.compute", ("diskencryptionsets",))
        or rid.is_collection
        or rid.resource_group is None
    ):
        raise invalid_parameter(f"The value of parameter {path} is invalid", path)
    if rid.subscription.lower() != ctx.subscription:
        raise invalid_parameter(
            f"The disk encryption set '{set_id}' must be in the same subscription "
            f"'{ctx.subscription}' as the gallery resource",
            path,
        )
    if not resolve:
        return None
    ctx.authorize(READ_ACTION, set_id)
    found = disk_encryption_sets.find(ctx, rid.resource_group, rid.name)
    if found is None:
        raise ArmError("NotFound", f"The disk encryption set {set_id} was not found", 404, path)
    location = found["resource"]["location"]
    if location != place.region.name:
        raise invalid_parameter(
            f"The disk encryption set '{set_id}' is in region '{location}' and cannot encrypt "
            f"the replicas in '{place.label}' ({place.region.name}): a disk encryption set "
            "encrypts disks in its own region only.",
            path,
        )
    return found


def _check_confidential_set(set_id: str, found: dict[str, Any]) -> None:
    kind = found["resource"]["properties"]["encryptionType"]
    if kind != disk_encryption_sets.CONFIDENTIAL_TYPE:
        raise invalid_parameter(
            f"The disk encryption set '{set_id}' has encryption type '{kind}'; the disk encryption "
            "set of a confidential VM image needs the type "
            f"'{disk_encryption_sets.CONFIDENTIAL_TYPE}'.",
            "encryption.osDiskImage.securityProfile.secureVMDiskEncryptionSetId",
        )


def _check_confidential(place: _Place, security_type: str | None) -> None:
    security = place.encryption.get("osDiskImage", {}).get("securityProfile", {})
    kind = security.get("confidentialVMEncryptionType")
    if kind is None:
        return
    if security_type not in CVM_SECURITY_TYPES:
        raise invalid_parameter(
            "The regional encryption.osDiskImage.securityProfile.confidentialVMEncryptionType can "
            "only be specified when the SecurityType of the image definition is "
            f"{', '.join(CVM_SECURITY_TYPES[:-1])} or {CVM_SECURITY_TYPES[-1]}; it is "
            f"'{security_type or 'Standard'}'.",
            f"{place.kind}.encryption.osDiskImage.securityProfile.confidentialVMEncryptionType",
        )
    if kind == "EncryptedWithCmk" and not security.get("secureVMDiskEncryptionSetId"):
        raise invalid_parameter(
            "The confidential VM encryption type 'EncryptedWithCmk' needs a disk encryption set "
            "in encryption.osDiskImage.securityProfile.secureVMDiskEncryptionSetId.",
            f"{place.kind}.encryption.osDiskImage.securityProfile.secureVMDiskEncryptionSetId",
        )


def _confidential_type(target: dict[str, Any]) -> str | None:
    os_disk = (target.get("encryption") or {}).get("osDiskImage") or {}
    kind: str | None = os_disk.get("securityProfile", {}).get("confidentialVMEncryptionType")
    return kind


def _check_confidential_image(
    profile: dict[str, Any], home: regions.Region, security_type: str | None
) -> None:
    """A ConfidentialVM definition's versions say how each region encrypts the VM's state."""
    if security_type != "ConfidentialVM":
        return
    targets = profile["targetRegions"]
    if any(_confidential_type(t) is None for t in targets):
        raise invalid_parameter(
            "The regional encryption.osDiskImage.securityProfile.type must be specified when the "
            "SecurityType of the image definition is ConfidentialVM.",
            "galleryImageVersion.properties.publishingProfile.targetRegions",
        )
    away = [t for t in targets if regions.find(t["name"]) != home]
    if any(_confidential_type(t) != "NonPersistedTPM" for t in away):
        raise invalid_parameter(
            f"Only the home region '{home.name}' can be specified as a target region for Images "
            "with the ConfidentialVM feature unless the Confidential VM encryption type is set "
            "to 'NonPersistedTPM'.",
            "galleryImageVersion.properties.publishingProfile.targetRegions",
        )


def _check_every_region_encrypted(profile: dict[str, Any], encrypted: list[_Place]) -> None:
    """A disk encrypted with a set in one target region needs a set in every target region."""
    by_region = {
        regions.display(t["name"]): (t.get("encryption") or {}) for t in profile["targetRegions"]
    }
    for place in encrypted:
        os_set = place.encryption.get("osDiskImage", {}).get("diskEncryptionSetId")
        disks = [("osDiskImage", os_set)] if os_set else []
        disks += [
            (disk["lun"], disk["diskEncryptionSetId"])
            for disk in place.encryption.get("dataDiskImages") or []
            if disk.get("diskEncryptionSetId")
        ]
        for disk, set_id in disks:
            for name, block in by_region.items():
                if not _has_set(block, disk):
                    shown = (
                        f"{_ARTIFACT}targetRegions.encryption.osDiskImage.diskEncryptionSetId"
                        if disk == "osDiskImage"
                        else f"LUN {disk}"
                    )
                    raise invalid_parameter(
                        f"A disk encryption set is required for disk '{shown}' in target region "
                        f"'{name}' since disk encryption set '{set_id}' is used for the "
                        f"corresponding disk in region '{place.label}'",
                        "publishingProfile.targetRegions.encryption",
                    )


def _has_set(block: dict[str, Any], disk: str | int) -> bool:
    if disk == "osDiskImage":
        return bool(block.get("osDiskImage", {}).get("diskEncryptionSetId"))
    return any(
        d["lun"] == disk and d.get("diskEncryptionSetId") for d in block.get("dataDiskImages") or []
    )


# -- updates ---------------------------------------------------------------------------------------


def _canonical(block: dict[str, Any] | None) -> Any:
    return names.folded(block or {})


def carried_over(
    old: dict[str, Any] | None, new: dict[str, Any] | None, label: str, kind: str
) -> dict[str, Any] | None:
    """An existing place's encryption after an update: it cannot change once replicated.

    A request that leaves it out (az's update with --target-regions does) keeps it.
    """
    if new is None or _canonical(new) == _canonical(old):
        return old
    old_luns = {d["lun"] for d in (old or {}).get("dataDiskImages") or []}
    for disk in new.get("dataDiskImages") or []:
        if disk["lun"] not in old_luns and disk.get("diskEncryptionSetId"):
            raise invalid_parameter(
                f"Cannot specify new data disk image encryption lun [{disk['lun']}] with a disk "
                f"encryption set in region [{label}] for update gallery image version request. "
                "To update this version, remove the new lun. If you need to change the data disk "
                "image encryption settings, you must create a new gallery image version with the "
                "correct settings.",
                f"{kind}.encryption.dataDiskImages",
            )
    raise property_change_not_allowed(
        f"galleryImageVersion.properties.publishingProfile.{kind}.encryption"
    )
