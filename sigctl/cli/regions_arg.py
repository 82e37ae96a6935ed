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
