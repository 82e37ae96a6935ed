"""Provider layer: ARM bodies in, ARM bodies or ArmError out (no CLI involved)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sigctl.errors import ArmError
from sigctl.provider import ids
from sigctl.provider.accounts import DEFAULT_SUBSCRIPTION_ID as SUB
from sigctl.provider.service import Provider


@pytest.fixture
def provider(home: Path, backend: str) -> Provider:
    """On each store backend (tests/conftest.py: files, and PostgreSQL)."""
    p = Provider(home)
    p.put(ids.resource_group_id(SUB, "rg1"), {"location": "eastus2"})
    return p


def gallery(name: str, group: str = "rg1") -> ids.ResourceId:
    return ids.gallery_id(SUB, group, name)


def error_of(call: Any, *args: Any, **kwargs: Any) -> ArmError:
    with pytest.raises(ArmError) as raised:
        call(*args, **kwargs)
    return raised.value


def test_put_returns_the_service_body(provider: Provider) -> None:
    body = provider.put(
        gallery("gal1"), {"location": "eastus2", "properties": {"description": "d"}}
    )
    assert body == {
        "id": f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Compute/galleries/gal1",
        "name": "gal1",
        "type": "Microsoft.Compute/galleries",
        "location": "eastus2",
        "properties": {
            "description": "d",
            "identifier": {"uniqueName": f"{SUB}-GAL1"},
            "provisioningState": "Succeeded",
        },
    }
    assert provider.get(gallery("GAL1")) == body  # names are case-insensitive


def test_location_is_normalised_from_a_display_name(provider: Provider) -> None:
    assert provider.put(gallery("g"), {"location": "East US 2"})["location"] == "eastus2"


def test_unknown_location_is_refused(provider: Provider) -> None:
    error = error_of(provider.put, gallery("g"), {"location": "mars"})
    assert error.code == "LocationNotAvailableForResourceType" and error.status == 400


@pytest.mark.parametrize(
    "name",
    ["bad-name", "_lead", ".lead", "a b", "x" * 81, "é"],
)
def test_invalid_gallery_names(provider: Provider, name: str) -> None:
    error = error_of(provider.put, gallery(name), {"location": "eastus2"})
    assert error.code == "InvalidParameter" and error.target == "galleryName"
    assert "including dashes, are disallowed" in error.message


@pytest.mark.parametrize("name,char", [("gal.", "."), ("gal_", "_")])
def test_trailing_characters(provider: Provider, name: str, char: str) -> None:
    error = error_of(provider.put, gallery(name), {"location": "eastus2"})
    assert error.code == "InvalidResourceName"
    assert f"has these invalid trailing characters: '{char}'" in error.message


@pytest.mark.parametrize("name", ["a", "A1", "gal.lery_1", "x" * 80, "1gal"])
def test_valid_gallery_names(provider: Provider, name: str) -> None:
    assert provider.put(gallery(name), {"location": "eastus2"})["name"] == name


def test_names_are_unique_across_groups_of_a_subscription(provider: Provider) -> None:
    provider.put(ids.resource_group_id(SUB, "rg2"), {"location": "westus2"})
    provider.put(gallery("gal1"), {"location": "eastus2"})
    error = error_of(provider.put, gallery("Gal1", "rg2"), {"location": "westus2"})
    assert error.status == 409
    assert error.message == (
        f"The gallery name 'Gal1' is not unique within the subscription '{SUB}'. "
        "Please pick another gallery name."
    )
    # ...while show in the other group says not found, as in Azure.
    assert error_of(provider.get, gallery("gal1", "rg2")).code == "ResourceNotFound"


def test_put_on_an_existing_gallery_replaces_it(provider: Provider) -> None:
    provider.put(
        gallery("g"),
        {"location": "eastus2", "tags": {"a": "1"}, "properties": {"description": "d"}},
    )
    body = provider.put(gallery("g"), {"location": "eastus2", "properties": {}})
    assert "tags" not in body and "description" not in body["properties"]


def test_location_cannot_change(provider: Provider) -> None:
    provider.put(gallery("g"), {"location": "eastus2"})
    error = error_of(provider.put, gallery("g"), {"location": "westus2"})
    assert error.code == "InvalidResourceLocation" and error.status == 409


def test_sharing_permissions_cannot_change(provider: Provider) -> None:
    provider.put(gallery("g"), {"location": "eastus2"})
    body = {"location": "eastus2", "properties": {"sharingProfile": {"permissions": "Groups"}}}
    error = error_of(provider.put, gallery("g"), body)
    assert error.code == "PropertyChangeNotAllowed"
    assert (
        error.message
        == "Changing property 'gallery.properties.sharingProfile.permissions' is not allowed."
    )


def test_soft_delete_can_be_switched_on_later(provider: Provider) -> None:
    provider.put(gallery("g"), {"location": "eastus2"})
    body = provider.put(
        gallery("g"),
        {
            "location": "eastus2",
            "properties": {
                "softDeletePolicy": {"isSoftDeleteEnabled": True, "retentionPeriodInDays": 7}
            },
        },
    )
    assert body["properties"]["softDeletePolicy"] == {
        "isSoftDeleteEnabled": True,
        "retentionPeriodInDays": 7,
    }
    old = provider.list(ids.compute_id(SUB, "rg1", "galleries"), **{"api-version": "2021-10-01"})
    assert old[0]["properties"]["softDeletePolicy"] == {"isSoftDeleteEnabled": True}


def test_missing_group_and_missing_gallery(provider: Provider) -> None:
    error = error_of(provider.put, gallery("g", "nogroup"), {"location": "eastus2"})
    assert (error.code, error.status) == ("ResourceGroupNotFound", 404)
    error = error_of(provider.get, gallery("nope"))
    assert error.message.startswith(
        "The Resource 'Microsoft.Compute/galleries/nope' under resource group 'rg1' was not found."
    )


def test_delete_is_silent_for_a_missing_gallery(provider: Provider) -> None:
    assert provider.delete(gallery("never")) is None


def test_delete_refuses_while_definitions_exist(provider: Provider) -> None:
    provider.put(gallery("g"), {"location": "eastus2"})
    definition = {
        "location": "eastus2",
        "properties": {
            "identifier": {"publisher": "P", "offer": "O", "sku": "S"},
            "osType": "Linux",
            "osState": "Generalized",
        },
    }
    provider.put(ids.image_id(SUB, "rg1", "g", "def1"), definition)
    error = error_of(provider.delete, gallery("g"))
    assert (error.code, error.status) == ("CannotDeleteResource", 409)
    assert "'Microsoft.Compute/galleries/g/images/def1'" in error.message


def test_group_delete_removes_its_galleries(provider: Provider) -> None:
    provider.put(gallery("g"), {"location": "eastus2"})
    provider.delete(ids.resource_group_id(SUB, "rg1"))
    provider.put(ids.resource_group_id(SUB, "rg1"), {"location": "eastus2"})
    assert provider.list(ids.compute_id(SUB, "rg1", "galleries")) == []
    # the name is free again in any group
    provider.put(ids.resource_group_id(SUB, "rg2"), {"location": "eastus2"})
    assert provider.put(gallery("g", "rg2"), {"location": "eastus2"})["name"] == "g"


def test_unknown_subscription(provider: Provider) -> None:
    error = error_of(
        provider.get, ids.gallery_id("00000000-0000-0000-0000-00000000dead", "rg1", "g")
    )
    assert (error.code, error.status) == ("SubscriptionNotFound", 404)


def test_group_location_cannot_change(provider: Provider) -> None:
    error = error_of(provider.put, ids.resource_group_id(SUB, "rg1"), {"location": "westus"})
    assert error.code == "InvalidResourceGroupLocation"


def test_bad_body_types_are_refused(provider: Provider) -> None:
    error = error_of(
        provider.put, gallery("g"), {"location": "eastus2", "properties": {"description": 5}}
    )
    assert error.code == "InvalidRequestContent" and error.target == "properties.description"
