"""Conformance: the real Azure SDKs drive `sigctl serve` unchanged but for base_url, the
credential and the CA bundle. Every operation they expose for what sigctl emulates."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.compute import ComputeManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient

from served import ServedCloud, StaticToken

SUB = "6b1a9c4e-2f3d-4e5a-8b7c-9d0e1f2a3b4c"
LOCATION = "eastus2"


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedCloud]:
    served = ServedCloud(tmp_path_factory.mktemp("served") / "home")
    yield served
    served.stop()


@pytest.fixture(scope="module")
def compute(cloud: ServedCloud) -> ComputeManagementClient:
    return ComputeManagementClient(StaticToken(), SUB, **cloud.client_options())


@pytest.fixture(scope="module")
def resources(cloud: ServedCloud) -> ResourceManagementClient:
    return ResourceManagementClient(StaticToken(), SUB, **cloud.client_options())


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


@pytest.fixture
def group(resources: ResourceManagementClient) -> str:
    name = unique("rg")
    resources.resource_groups.create_or_update(name, {"location": LOCATION})
    return name


def code_of(error: pytest.ExceptionInfo[HttpResponseError]) -> str:
    assert error.value.error is not None
    return str(error.value.error.code)


# -- resource groups --------------------------------------------------------------------------


def test_resource_groups(resources: ResourceManagementClient) -> None:
    groups = resources.resource_groups
    name = unique("rg")
    assert not groups.check_existence(name)
    created = groups.create_or_update(name, {"location": "East US 2", "tags": {"a": "1"}})
    assert (created.name, created.location, created.tags) == (name, LOCATION, {"a": "1"})
    assert groups.check_existence(name)
    assert groups.get(name).properties.provisioning_state == "Succeeded"
    updated = groups.update(name, {"tags": {"b": "2"}})
    assert updated.tags == {"b": "2"}
    assert name in [g.name for g in groups.list()]
    groups.begin_delete(name).result()
    assert not groups.check_existence(name)
    with pytest.raises(ResourceNotFoundError) as missing:
        groups.get(name)
    assert code_of(missing) == "ResourceGroupNotFound"


# -- galleries, definitions, versions ---------------------------------------------------------


def test_gallery_lifecycle(compute: ComputeManagementClient, group: str) -> None:
    gal = unique("gal")
    galleries = compute.galleries
    created = galleries.begin_create_or_update(
        group, gal, {"location": LOCATION, "properties": {"description": "first"}}
    ).result()
    assert created.provisioning_state == "Succeeded"
    assert created.identifier.unique_name.startswith(f"{SUB}-")
    assert galleries.get(group, gal).description == "first"
    updated = galleries.begin_update(group, gal, {"properties": {"description": "second"}}).result()
    assert updated.description == "second"
    assert [g.name for g in galleries.list_by_resource_group(group)] == [gal]
    assert gal in [g.name for g in galleries.list()]
    galleries.begin_delete(group, gal).result()
    with pytest.raises(ResourceNotFoundError) as missing:
        galleries.get(group, gal)
    assert code_of(missing) == "ResourceNotFound"


def test_errors_arrive_with_the_arm_code(compute: ComputeManagementClient, group: str) -> None:
    with pytest.raises(HttpResponseError) as bad:
        compute.galleries.begin_create_or_update(group, "bad-name", {"location": LOCATION})
    assert code_of(bad) == "InvalidParameter" and bad.value.status_code == 400
    with pytest.raises(HttpResponseError) as no_group:
        compute.galleries.begin_create_or_update("nogroup", "g1", {"location": LOCATION})
    assert code_of(no_group) == "ResourceGroupNotFound"


def make_definition(compute: ComputeManagementClient, group: str, gallery: str) -> None:
    compute.galleries.begin_create_or_update(group, gallery, {"location": LOCATION}).result()
    compute.gallery_images.begin_create_or_update(
        group,
        gallery,
        "img",
        {
            "location": LOCATION,
            "properties": {
                "osType": "Linux",
                "osState": "Generalized",
                "hyperVGeneration": "V2",
                "identifier": {"publisher": "pub", "offer": "off", "sku": unique("sku")},
            },
        },
    ).result()


def make_source(compute: ComputeManagementClient, group: str) -> str:
    image = compute.images.begin_create_or_update(
        group,
        "src",
        {
            "location": LOCATION,
            "properties": {
                "hyperVGeneration": "V2",
                "storageProfile": {
                    "osDisk": {"osType": "Linux", "osState": "Generalized", "diskSizeGB": 30}
                },
            },
        },
    ).result()
    return str(image.id)


def test_definitions(compute: ComputeManagementClient, group: str) -> None:
    gal = unique("gal")
    make_definition(compute, group, gal)
    images = compute.gallery_images
    found = images.get(group, gal, "img")
    assert (found.os_type, found.hyper_v_generation) == ("Linux", "V2")
    updated = images.begin_update(group, gal, "img", {"properties": {"description": "mine"}}).result()
    assert updated.description == "mine"
    assert [i.name for i in images.list_by_gallery(group, gal)] == ["img"]
    images.begin_delete(group, gal, "img").result()
    assert list(images.list_by_gallery(group, gal)) == []


def test_versions_are_long_running_on_the_replication_clock(
    compute: ComputeManagementClient, group: str
) -> None:
    gal = unique("gal")
    make_definition(compute, group, gal)
    source = make_source(compute, group)
    versions = compute.gallery_image_versions
    started = time.monotonic()
    poller = versions.begin_create_or_update(
        group,
        gal,
        "img",
        "1.0.0",
        {
            "location": LOCATION,
            "properties": {
                "publishingProfile": {"targetRegions": [{"name": LOCATION}, {"name": "westus2"}]},
                "storageProfile": {"source": {"id": source}},
            },
        },
    )
    assert poller.status() == "InProgress"  # replication runs on the emulated clock
    created = poller.result()
    assert time.monotonic() - started < 10  # a short Retry-After, not the SDK's 30 s default
    assert created.provisioning_state == "Succeeded"
    shown = versions.get(group, gal, "img", "1.0.0", expand="ReplicationStatus")
    assert shown.replication_status.aggregated_state == "Completed"
    assert [v.name for v in versions.list_by_gallery_image(group, gal, "img")] == ["1.0.0"]
    updated = versions.begin_update(group, gal, "img", "1.0.0", {"tags": {"t": "1"}}).result()
    assert updated.tags == {"t": "1"}
    versions.begin_delete(group, gal, "img", "1.0.0").result()
    assert list(versions.list_by_gallery_image(group, gal, "img")) == []
