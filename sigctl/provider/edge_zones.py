"""Edge zones: `publishingProfile.targetExtendedLocations`, replicas outside a region's datacentres.

An extended location is a region (`name`) and an edge zone in it (`extendedLocation`), with its
own replica count and storage type, and optionally its own encryption. The emulator knows no
catalogue of edge zones: any name is accepted within a known region, once per region.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sigctl.errors import invalid_parameter
from sigctl.provider import encryption, regions
from sigctl.provider.context import Request
from sigctl.provider.replicas import zone_key
from sigctl.provider.validate import expect_choice, expect_dict, expect_list, expect_str

STORAGE_TYPES = ("Standard_LRS", "Standard_ZRS", "StandardSSD_LRS", "Premium_LRS")
DEFAULT_STORAGE = "StandardSSD_LRS"  # what the service fills in (REST example)
LOCATION_TYPES = ("EdgeZone", "Unknown")
PATH = "publishingProfile.targetExtendedLocations"


def parse(
    ctx: Request,
    value: Any,
    resource_type: str,
    replicas: Callable[[Any, str], int],
) -> list[dict[str, Any]]:
    """The extended locations of a request as the service keeps and echoes them.

    `replicas(value, path)` checks a replica count and fills the version's default.
    """
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, item in enumerate(expect_list(value, PATH) or []):
        path = f"{PATH}[{i}]"
        entry = expect_dict(item, path)
        region = regions.require(
            expect_str(entry.get("name"), f"{path}.name") or "",
            resource_type,
            ctx.allowed_regions(),
        )
        location = expect_dict(entry.get("extendedLocation"), f"{path}.extendedLocation")
        zone = expect_str(location.get("name"), f"{path}.extendedLocation.name")
        if not zone:
            raise invalid_parameter(
                f"Required parameter 'targetExtendedLocations[{i}].extendedLocation.name' is "
                "missing (null).",
                f"{path}.extendedLocation.name",
            )
        if zone_key(region.name, zone) in seen:
            raise invalid_parameter(
                f"Duplicate extended locations are not allowed in target extended locations: "
                f"'{zone}' in '{region.display_name}'.",
                PATH,
            )
        seen.add(zone_key(region.name, zone))
        kind = expect_choice(location.get("type"), LOCATION_TYPES, f"{path}.extendedLocation.type")
        target: dict[str, Any] = {
            "name": region.name,
            "extendedLocation": {"name": zone, "type": kind or "EdgeZone"},
            "extendedLocationReplicaCount": replicas(
                entry.get("extendedLocationReplicaCount"),
                f"targetExtendedLocations[{i}].extendedLocationReplicaCount",
            ),
            "storageAccountType": expect_choice(
                entry.get("storageAccountType"),
                STORAGE_TYPES,
                f"targetExtendedLocations[{i}].storageAccountType",
            )
            or DEFAULT_STORAGE,
        }
        block = encryption.parse(entry.get("encryption"), f"{path}.encryption")
        if block:
            target["encryption"] = block
        out.append(target)
    return out
