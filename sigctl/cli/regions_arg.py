"""az's target grammars for image versions, with az's exact errors (az's validator for them).

`--target-regions region[=count][=storage type]`, with `--target-region-encryption` and
`--target-region-cvm-encryption` (one item per region, in order), and `--target-edge-zones
region=edgezone[=count][=storage type]` with `--target-edge-zone-encryption`. Disk encryption
sets given by name are made ids in the command's resource group (`to_id`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sigctl.cli.errors import CliError

STORAGE_TYPES = ("standard_lrs", "standard_zrs", "premium_lrs")
ZONE_STORAGE_TYPES = (*STORAGE_TYPES, "standardssd_lrs")
CVM_TYPES = (
    "EncryptedVMGuestStateOnlyWithPmk",
    "EncryptedWithPmk",
    "EncryptedWithCmk",
    "NonPersistedTPM",
)
_TYPES_TEXT = "Storage account types must be one of standard_lrs, standard_zrs, premium_lrs."
_ZONE_TYPES_TEXT = f"Storage account types must be one of {', '.join(ZONE_STORAGE_TYPES)}."
_REGION_PAIRS = (
    "usage error: LUN and disk encryption set for data disk should appear in pair in "
    "--target-region-encryption. Example: osdes,0,datades0,1,datades1"
)
# az leaves the {} of these two messages unformatted
_REGION_LUN = (
    "usage error: {} is an invalid target region encryption argument. LUN and disk encryption "
    "set for data disk should appear in pair in --target-region-encryption. Example: "
    "osdes,0,datades0,1,datades1"
)
_ZONE_PAIRS = (
    "usage error: LUN and disk encryption set for data disk should appear in pair in "
    "--target-edge-zone-encryption. Example: 1,osdes,0,datades0,1,datades1"
)
_ZONE_LUN = (
    "usage error: {} is an invalid target edge zone encryption. LUN and disk encryption set for "
    "data disk should appear in pair in --target-edge-zone-encryption. Example: "
    "1,osdes,0,datades0,1,datades1"
)
ToId = Callable[[str], str]


def _same(name: str) -> str:
    return name


def parse_target_regions(
    items: list[str],
    encryption: list[str] | None = None,
    cvm_encryption: list[str] | None = None,
    to_id: ToId = _same,
) -> list[dict[str, Any]]:
    """Each item becomes {"name"[, "regionalReplicaCount"][, "storageAccountType"][, "encryption"]}.

    Names are sent as typed and storage types with the user's casing; the service normalises.
    As in az, the encryption options are read only together with --target-regions.
    """
    if items and encryption and len(items) != len(encryption):
        raise CliError(
            "usage error: Length of --target-region-encryption should be as same as length of target regions"
        )
    if items and cvm_encryption and len(items) != len(cvm_encryption):
        raise CliError(
            "usage error: Length of --target_region_cvm_encryption should be as same as length of target regions"
        )
    regions: list[dict[str, Any]] = []
    for i, item in enumerate(items):
        parts = item.split("=", 2)
        region: dict[str, Any] = {"name": parts[0]}
        if len(parts) == 2:
            try:
                region["regionalReplicaCount"] = int(parts[1])
            except ValueError:
                if parts[1].lower() not in STORAGE_TYPES:
                    raise CliError(
                        f"usage error: {item} is an invalid target region argument. The second part is "
                        f"neither an integer replica count or a valid storage account type. {_TYPES_TEXT}"
                    ) from None
                region["storageAccountType"] = parts[1]
        elif len(parts) == 3:
            try:
                region["regionalReplicaCount"] = int(parts[1])
            except ValueError:
                raise CliError(
                    f"usage error: {item} is an invalid target region argument. The second part must "
                    "be a valid integer replica count."
                ) from None
            if parts[2].lower() not in STORAGE_TYPES:
                raise CliError(
                    f"usage error: {item} is an invalid target region argument. The third part is not "
                    f"a valid storage account type. {_TYPES_TEXT}"
                )
            region["storageAccountType"] = parts[2]
        block = (
            _disks(encryption[i].split(","), to_id, _REGION_PAIRS, _REGION_LUN)
            if encryption
            else {}
        )
        if cvm_encryption:
            os_disk = block.setdefault("osDiskImage", {})
            os_disk["securityProfile"] = _confidential(cvm_encryption[i], to_id)
        if block:
            region["encryption"] = block
        regions.append(region)
    return regions


def _disks(terms: list[str], to_id: ToId, pairs: str, bad_lun: str) -> dict[str, Any]:
    """`os_des[,lun,data_des...]` ("null" for no OS set) as an EncryptionImages block."""
    block: dict[str, Any] = {}
    if terms[0] != "null":
        block["osDiskImage"] = {"diskEncryptionSetId": to_id(terms[0])}
    data_terms = terms[1:]
    if data_terms:
        if len(data_terms) % 2:
            raise CliError(pairs)
        data = []
        for lun, name in zip(data_terms[0::2], data_terms[1::2], strict=True):
            set_id = to_id(name)
            try:
                data.append({"lun": int(lun), "diskEncryptionSetId": set_id})
            except ValueError:
                raise CliError(bad_lun) from None
        block["dataDiskImages"] = data
    return block


def _confidential(text: str, to_id: ToId) -> dict[str, Any]:
    """`type,des` of --target-region-cvm-encryption (the set may be empty)."""
    terms = text.split(",")
    if len(terms) != 2:
        raise CliError(
            f"usage error: {terms} is an invalid target region cvm encryption. "
            "Both os_cvm_encryption_type and os_cvm_des parameters are required."
        )
    if terms[0] not in CVM_TYPES:
        raise CliError(
            f"usage error: {terms} is an invalid os_cvm_encryption_type. "
            f"The valid values for os_cvm_encryption_type are {', '.join(CVM_TYPES)}"
        )
    profile = {"confidentialVMEncryptionType": terms[0]}
    if terms[1]:
        profile["secureVMDiskEncryptionSetId"] = to_id(terms[1])
    return profile


def parse_edge_zones(
    items: list[str], encryption: list[str] | None = None, to_id: ToId = _same
) -> list[dict[str, Any]]:
    """az's --target-edge-zones; `None` alone clears them (an empty list).

    As az does, an item without an edge zone is skipped, and an encryption item without an OS
    set (`zone,os_des[,lun,data_des...]`) drops its edge zone and every one after it.
    """
    if len(items) == 1 and items[0].lower() == "none":
        return []
    if items and encryption and len(items) != len(encryption):
        raise CliError(
            "usage error: Length of --target-edge-zone-encryption should be as same as length of "
            "--target-edge-zones"
        )
    zones = []
    for i, item in enumerate(items):
        parts = item.split("=", 3)
        if len(parts) < 2:
            continue
        zone: dict[str, Any] = {
            "name": parts[0],
            "extendedLocation": {"name": parts[1], "type": "EdgeZone"},
        }
        if len(parts) == 3:
            try:
                zone["extendedLocationReplicaCount"] = int(parts[2])
            except ValueError:
                if parts[2].lower() not in ZONE_STORAGE_TYPES:
                    raise CliError(
                        f"usage error: {item} is an invalid target edge zone argument. The third part "
                        "is neither an integer replica count or a valid storage account type. "
                        + _ZONE_TYPES_TEXT
                    ) from None
                zone["storageAccountType"] = parts[2]
        elif len(parts) == 4:
            try:
                zone["extendedLocationReplicaCount"] = int(parts[2])
            except ValueError:
                raise CliError(
                    f"usage error: {item} is an invalid target edge zone argument. The third part "
                    "must be a valid integer replica count."
                ) from None
            if parts[3].lower() not in ZONE_STORAGE_TYPES:
                raise CliError(
                    f"usage error: {item} is an invalid target edge zone argument. The fourth part "
                    f"is not a valid storage account type. {_ZONE_TYPES_TEXT}"
                )
            zone["storageAccountType"] = parts[3]
        if encryption:
            terms = encryption[i].split(",")
            if len(terms) < 2:
                break
            block = _disks(terms[1:], to_id, _ZONE_PAIRS, _ZONE_LUN)
            if block:
                zone["encryption"] = block
        zones.append(zone)
    return zones
