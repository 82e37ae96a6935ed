"""az's `--target-regions region[=count][=storage type]` grammar, with az's exact errors."""

from __future__ import annotations

from typing import Any

from sigctl.cli.errors import CliError

STORAGE_TYPES = ("standard_lrs", "standard_zrs", "premium_lrs")
_TYPES_TEXT = "Storage account types must be one of standard_lrs, standard_zrs, premium_lrs."


def parse_target_regions(items: list[str]) -> list[dict[str, Any]]:
    """Each item becomes {"name"[, "regionalReplicaCount"][, "storageAccountType"]}.

    Names are sent as typed and storage types with the user's casing; the service normalises.
    """
    regions: list[dict[str, Any]] = []
    for item in items:
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
        regions.append(region)
    return regions


def parse_edge_zones(items: list[str]) -> list[dict[str, Any]] | None:
    """az's --target-edge-zones region=edgezone[=count][=type]; `None` clears them."""
    if items == ["None"]:
        return []
    zones = []
    for item in items:
        parts = item.split("=")
        if len(parts) < 2 or len(parts) > 4:
            raise CliError(
                f"usage error: {item} is an invalid target edge zone argument. "
                "Use region=edgezone[=replica count][=storage account type]."
            )
        zone: dict[str, Any] = {
            "name": parts[0],
            "extendedLocation": {"name": parts[1], "type": "EdgeZone"},
        }
        if len(parts) > 2:
            try:
                zone["extendedLocationReplicaCount"] = int(parts[2])
            except ValueError:
                raise CliError(
                    f"usage error: {item}: the replica count must be an integer."
                ) from None
        if len(parts) > 3:
            zone["storageAccountType"] = parts[3]
        zones.append(zone)
    return zones


def apply_encryption(regions: list[dict[str, Any]], items: list[str] | None) -> None:
    """az's --target-region-encryption OS_DES[,LUN,DATA_DES...] per target region, in order."""
    if not items:
        return
    if len(items) != len(regions):
        raise CliError(
            "usage error: Length of --target-region-encryption should be as same as length of target regions"
        )
    for region, item in zip(regions, items, strict=True):
        parts = item.split(",")
        encryption: dict[str, Any] = {}
        if parts[0]:
            encryption["osDiskImage"] = {"diskEncryptionSetId": parts[0]}
        data = [
            {"lun": int(lun), "diskEncryptionSetId": des}
            for lun, des in zip(parts[1::2], parts[2::2], strict=False)
        ]
        if data:
            encryption["dataDiskImages"] = data
        region["encryption"] = encryption
