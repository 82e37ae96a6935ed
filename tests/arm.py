"""Provider-level test helpers: ids and request bodies in the emulated cloud's default subscription.

These tests speak only the provider's ARM interface (`Provider.put/get/list/patch/delete` and
`Provider.request`): ARM bodies in, ARM bodies or `ArmError` out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sigctl.errors import ArmError
from sigctl.provider import ids
from sigctl.provider.accounts import DEFAULT_SUBSCRIPTION_ID as SUB
from sigctl.provider.service import Provider

NOW = "2026-11-26T12:00:00Z"  # the frozen clock of these tests (SIGCTL_NOW)


def error_of(call: Callable[..., Any], *args: Any, **kwargs: Any) -> ArmError:
    with pytest.raises(ArmError) as raised:
        call(*args, **kwargs)
    return raised.value


def gallery(name: str = "gal1", group: str = "rg1") -> ids.ResourceId:
    return ids.gallery_id(SUB, group, name)


def image(name: str = "def1", gallery: str = "gal1", group: str = "rg1") -> ids.ResourceId:
    return ids.image_id(SUB, group, gallery, name)


def version(
    name: str = "1.0.0", image: str = "def1", gallery: str = "gal1", group: str = "rg1"
) -> ids.ResourceId:
    return ids.version_id(SUB, group, gallery, image, name)


def source(kind: str, name: str, group: str = "rg1") -> ids.ResourceId:
    """A source resource: kind is images, snapshots, disks or virtualMachines."""
    return ids.compute_id(SUB, group, kind, name)


def definition_body(
    publisher: str = "P",
    offer: str = "O",
    sku: str = "S",
    location: str = "eastus2",
    **properties: Any,
) -> dict[str, Any]:
    """A Linux, generalized, V2 definition unless `properties` says otherwise."""
    return {
        "location": location,
        "properties": {
            "osType": "Linux",
            "osState": "Generalized",
            "hyperVGeneration": "V2",
            "identifier": {"publisher": publisher, "offer": offer, "sku": sku},
            **properties,
        },
    }


def cloud(provider: Provider, *galleries: str) -> Provider:
    """Resource group rg1 (East US 2) holding the named galleries."""
    provider.put(ids.resource_group_id(SUB, "rg1"), {"location": "eastus2"})
    for name in galleries:
        provider.put(gallery(name), {"location": "eastus2"})
    return provider


def managed_image(
    provider: Provider,
    name: str = "img1",
    location: str = "eastus2",
    data_disks: tuple[int, ...] = (),
    **os_disk: Any,
) -> str:
    """A managed image (Linux, generalized, V2, 30 GB unless `os_disk` says otherwise); its id."""
    disk = {"osType": "Linux", "osState": "Generalized", "diskSizeGB": 30, **os_disk}
    generation = disk.pop("hyperVGeneration", "V2")
    body = {
        "location": location,
        "properties": {
            "hyperVGeneration": generation,
            "storageProfile": {
                "osDisk": disk,
                "dataDisks": [{"diskSizeGB": size} for size in data_disks],
            },
        },
    }
    return provider.put(source("images", name), body)["id"]


def version_body(
    source_id: str | None = None,
    location: str = "eastus2",
    storage: dict[str, Any] | None = None,
    **publishing: Any,
) -> dict[str, Any]:
    """An image version from the source with `source_id` (or the given storageProfile)."""
    properties: dict[str, Any] = {
        "storageProfile": storage if storage is not None else {"source": {"id": source_id}}
    }
    if publishing:
        properties["publishingProfile"] = publishing
    return {"location": location, "properties": properties}
