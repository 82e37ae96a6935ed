"""Conformance: the real Azure SDKs drive `sigctl serve` unchanged but for base_url, the
credential and the CA bundle. Every operation they expose for what sigctl emulates."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.compute import ComputeManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient
from served import SUB, ServedCloud, StaticToken

pytestmark = pytest.mark.slow  # it starts processes (tests/slow_guard.py)

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


def make_definition(
    compute: ComputeManagementClient,
    group: str,
    gallery: str,
    gallery_body: dict[str, Any] | None = None,
) -> None:
    compute.galleries.begin_create_or_update(
        group, gallery, gallery_body or {"location": LOCATION}
    ).result()
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
                    "osDisk": {"osType": "Linux", "osState": "Generalized", "diskSizeGB": 30},
                    # a data disk: a PATCH sends the version's disks back without sources
                    "dataDisks": [{"lun": 0, "diskSizeGB": 10}],
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
    updated = images.begin_update(
        group, gal, "img", {"properties": {"description": "mine"}}
    ).result()
    assert updated.description == "mine"
    assert [i.name for i in images.list_by_gallery(group, gal)] == ["img"]
    images.begin_delete(group, gal, "img").result()
    assert list(images.list_by_gallery(group, gal)) == []


def clock(cloud: ServedCloud, action: str, **body: str) -> None:
    """POST /sigctl/clock/{action}: the served cloud's emulated clock."""
    import requests

    answer = requests.post(
        f"{cloud.endpoint}/sigctl/clock/{action}",
        json=body,
        headers={"Authorization": "Bearer x"},
        verify=cloud.certificate,
        timeout=60,
    )
    assert answer.ok, answer.text


def test_versions_are_long_running_on_the_replication_clock(
    cloud: ServedCloud, compute: ComputeManagementClient, group: str
) -> None:
    gal = unique("gal")
    make_definition(compute, group, gal)
    source = make_source(compute, group)
    versions = compute.gallery_image_versions
    retry_after: list[str | None] = []
    clock(cloud, "set", time="2030-01-01T00:00:00Z")  # replication moves only when told
    try:
        poller = versions.begin_create_or_update(
            group,
            gal,
            "img",
            "1.0.0",
            {
                "location": LOCATION,
                "properties": {
                    "publishingProfile": {
                        "targetRegions": [{"name": LOCATION}, {"name": "westus2"}]
                    },
                    "storageProfile": {"source": {"id": source}},
                },
            },
            raw_response_hook=lambda r: retry_after.append(
                r.http_response.headers.get("Retry-After")
            ),
        )
        assert poller.status() == "InProgress"  # replication runs on the emulated clock
        assert retry_after == ["1"]  # a short Retry-After for polling, not the SDK's 30 s
        clock(cloud, "advance", by="1h")
        created = poller.result()
    finally:
        clock(cloud, "reset")
    assert created.provisioning_state == "Succeeded"
    shown = versions.get(group, gal, "img", "1.0.0", expand="ReplicationStatus")
    assert shown.replication_status.aggregated_state == "Completed"
    assert [v.name for v in versions.list_by_gallery_image(group, gal, "img")] == ["1.0.0"]
    updated = versions.begin_update(group, gal, "img", "1.0.0", {"tags": {"t": "1"}}).result()
    assert updated.tags == {"t": "1"}
    versions.begin_delete(group, gal, "img", "1.0.0").result()
    assert list(versions.list_by_gallery_image(group, gal, "img")) == []


def make_version(
    compute: ComputeManagementClient, group: str, gallery: str, gallery_body: dict[str, Any]
) -> None:
    make_definition(compute, group, gallery, gallery_body)
    compute.gallery_image_versions.begin_create_or_update(
        group,
        gallery,
        "img",
        "1.0.0",
        {
            "location": LOCATION,
            "properties": {
                "publishingProfile": {"targetRegions": [{"name": LOCATION}]},
                "storageProfile": {"source": {"id": make_source(compute, group)}},
            },
        },
    ).result()


def test_direct_sharing_and_the_shared_views(
    cloud: ServedCloud, compute: ComputeManagementClient, group: str
) -> None:
    consumer = cloud.sigctl("account", "subscription", "create", "--name", unique("consumer"))
    assert consumer.returncode == 0, consumer.stderr
    consumer_id = json.loads(consumer.stdout)["subscriptionId"]
    gal = unique("gal")
    make_version(
        compute,
        group,
        gal,
        {"location": LOCATION, "properties": {"sharingProfile": {"permissions": "Groups"}}},
    )
    shared = compute.gallery_sharing_profile.begin_update(
        group,
        gal,
        {"operationType": "Add", "groups": [{"type": "Subscriptions", "ids": [consumer_id]}]},
    ).result()
    assert shared.operation_type == "Add"
    view = ComputeManagementClient(StaticToken(), consumer_id, **cloud.client_options())
    unique_name = compute.galleries.get(group, gal).identifier.unique_name
    assert unique_name in [g.name for g in view.shared_galleries.list(LOCATION)]
    assert view.shared_galleries.get(LOCATION, unique_name).name == unique_name
    assert [i.name for i in view.shared_gallery_images.list(LOCATION, unique_name)] == ["img"]
    assert (
        view.shared_gallery_images.get(LOCATION, unique_name, "img").properties.os_type == "Linux"
    )
    versions = view.shared_gallery_image_versions
    assert [v.name for v in versions.list(LOCATION, unique_name, "img")] == ["1.0.0"]
    assert versions.get(LOCATION, unique_name, "img", "1.0.0").name == "1.0.0"
    compute.gallery_sharing_profile.begin_update(group, gal, {"operationType": "Reset"}).result()
    with pytest.raises(ResourceNotFoundError):
        view.shared_galleries.get(LOCATION, unique_name)


def test_community_gallery(compute: ComputeManagementClient, group: str) -> None:
    gal = unique("gal")
    prefix = unique("pfx")
    make_version(
        compute,
        group,
        gal,
        {
            "location": LOCATION,
            "properties": {
                "sharingProfile": {
                    "permissions": "Community",
                    "communityGalleryInfo": {
                        "publisherUri": "https://example.com",
                        "publisherContact": "me@example.com",
                        "eula": "none",
                        "publicNamePrefix": prefix,
                    },
                }
            },
        },
    )
    compute.gallery_sharing_profile.begin_update(
        group, gal, {"operationType": "EnableCommunity"}
    ).result()
    info = compute.galleries.get(group, gal).sharing_profile.community_gallery_info
    public = info.public_names[0]
    assert public.startswith(prefix)
    assert compute.community_galleries.get(LOCATION, public).name == public
    images = compute.community_gallery_images
    assert [i.name for i in images.list(LOCATION, public)] == ["img"]
    assert images.get(LOCATION, public, "img").name == "img"
    versions = compute.community_gallery_image_versions
    assert [v.name for v in versions.list(LOCATION, public, "img")] == ["1.0.0"]
    assert versions.get(LOCATION, public, "img", "1.0.0").name == "1.0.0"
    compute.gallery_sharing_profile.begin_update(group, gal, {"operationType": "Reset"}).result()


def test_soft_deleted_versions_are_listed_and_restored(
    compute: ComputeManagementClient, group: str
) -> None:
    gal = unique("gal")
    make_version(
        compute,
        group,
        gal,
        {"location": LOCATION, "properties": {"softDeletePolicy": {"isSoftDeleteEnabled": True}}},
    )
    versions = compute.gallery_image_versions
    versions.begin_delete(group, gal, "img", "1.0.0").result()
    deleted = list(compute.soft_deleted_resource.list_by_artifact_name(group, gal, "Images", "img"))
    assert [d.name for d in deleted] == ["1.0.0"]
    restored = versions.begin_update(
        group, gal, "img", "1.0.0", {"properties": {"restore": True}}
    ).result()
    assert restored.name == "1.0.0"
    assert [v.name for v in versions.list_by_gallery_image(group, gal, "img")] == ["1.0.0"]


def test_usage(compute: ComputeManagementClient, group: str) -> None:
    compute.galleries.begin_create_or_update(group, unique("gal"), {"location": LOCATION}).result()
    rows = {u.name.value: u for u in compute.usage.list(LOCATION)}
    assert rows["galleries"].current_value >= 1 and rows["galleries"].limit == 100


# -- the source resources ---------------------------------------------------------------------


def test_managed_images(compute: ComputeManagementClient, group: str) -> None:
    image_id = make_source(compute, group)
    assert compute.images.get(group, "src").id == image_id
    assert [i.name for i in compute.images.list_by_resource_group(group)] == ["src"]
    assert "src" in [i.name for i in compute.images.list()]
    body = {"properties": {"storageProfile": {"osDisk": {"diskSizeGB": 64}}}}
    updated = compute.images.begin_update(group, "src", body).result()
    assert updated.storage_profile.os_disk.disk_size_gb == 64
    compute.images.begin_delete(group, "src").result()
    assert list(compute.images.list_by_resource_group(group)) == []


@pytest.mark.parametrize("kind", ["disks", "snapshots"])
def test_disks_and_snapshots(compute: ComputeManagementClient, group: str, kind: str) -> None:
    operations = getattr(compute, kind)
    body = {"location": LOCATION, "properties": {"osType": "Windows", "diskSizeGB": 127}}
    created = operations.begin_create_or_update(group, "d1", body).result()
    assert (created.os_type, created.disk_size_gb) == ("Windows", 127)
    assert operations.get(group, "d1").provisioning_state == "Succeeded"
    assert [d.name for d in operations.list_by_resource_group(group)] == ["d1"]
    assert "d1" in [d.name for d in operations.list()]
    updated = operations.begin_update(group, "d1", {"properties": {"diskSizeGB": 256}}).result()
    assert updated.disk_size_gb == 256
    operations.begin_delete(group, "d1").result()
    with pytest.raises(ResourceNotFoundError):
        operations.get(group, "d1")


def test_virtual_machines(compute: ComputeManagementClient, group: str) -> None:
    body = {
        "location": LOCATION,
        "properties": {"storageProfile": {"osDisk": {"osType": "Linux", "diskSizeGB": 30}}},
    }
    vms = compute.virtual_machines
    created = vms.begin_create_or_update(group, "vm1", body).result()
    assert created.storage_profile.os_disk.os_type == "Linux"
    assert vms.get(group, "vm1").name == "vm1"
    assert [v.name for v in vms.list(group)] == ["vm1"]
    assert "vm1" in [v.name for v in vms.list_all()]
    vms.begin_delete(group, "vm1").result()
    assert list(vms.list(group)) == []


def test_storage_accounts_hold_the_vhds(cloud: ServedCloud, group: str) -> None:
    import requests

    created = cloud.sigctl(
        "source",
        "create",
        "vhd",
        "-g",
        group,
        "-n",
        "os",
        "--os-type",
        "Linux",
        "--storage-account",
        "vhdstore",
        "-l",
        LOCATION,
    )
    assert created.returncode == 0, created.stderr
    base = f"{cloud.endpoint}/subscriptions/{SUB}/resourceGroups/{group}/providers/Microsoft.Storage/storageAccounts"
    headers = {"Authorization": "Bearer x"}
    listed = requests.get(
        f"{base}?api-version=2023-05-01", headers=headers, verify=cloud.certificate
    )
    assert [a["name"] for a in listed.json()["value"]] == ["vhdstore"]
    one = requests.get(
        f"{base}/vhdstore?api-version=2023-05-01", headers=headers, verify=cloud.certificate
    )
    assert (
        one.json()["properties"]["primaryEndpoints"]["blob"]
        == "https://vhdstore.blob.core.windows.net/"
    )


# -- VM applications, in-VM access control profiles, disk encryption sets ----------------------


@pytest.fixture
def gallery(compute: ComputeManagementClient, group: str) -> tuple[str, str]:
    name = unique("gal")
    compute.galleries.begin_create_or_update(group, name, {"location": LOCATION}).result()
    return group, name


def test_vm_applications_and_their_versions(
    compute: ComputeManagementClient, gallery: tuple[str, str]
) -> None:
    group, gal = gallery
    apps, versions = compute.gallery_applications, compute.gallery_application_versions
    made = apps.begin_create_or_update(
        group, gal, "agent", {"location": LOCATION, "properties": {"supportedOSType": "Linux"}}
    ).result()
    assert (made.name, made.supported_os_type) == ("agent", "Linux")
    updated = apps.begin_update(
        group, gal, "agent", {"properties": {"description": "the agent"}}
    ).result()
    assert apps.get(group, gal, "agent").description == updated.description == "the agent"
    assert [a.name for a in apps.list_by_gallery(group, gal)] == ["agent"]
    version = versions.begin_create_or_update(
        group,
        gal,
        "agent",
        "1.0.0",
        {
            "location": LOCATION,
            "properties": {
                "publishingProfile": {
                    "source": {"mediaLink": "https://contoso.blob.core.windows.net/p/agent.zip"},
                    "manageActions": {"install": "install.sh", "remove": "remove.sh"},
                    "targetRegions": [{"name": LOCATION}],
                }
            },
        },
    ).result()
    assert version.provisioning_state == "Succeeded"
    assert version.publishing_profile.manage_actions.install == "install.sh"
    versions.begin_update(
        group,
        gal,
        "agent",
        "1.0.0",
        {
            "properties": {
                "publishingProfile": {"targetRegions": [{"name": LOCATION}, {"name": "westus2"}]}
            }
        },
    ).result()
    got = versions.get(group, gal, "agent", "1.0.0")
    assert [r.name for r in got.publishing_profile.target_regions] == ["East US 2", "West US 2"]
    assert [v.name for v in versions.list_by_gallery_application(group, gal, "agent")] == ["1.0.0"]
    versions.begin_delete(group, gal, "agent", "1.0.0").result()
    with pytest.raises(ResourceNotFoundError):
        versions.get(group, gal, "agent", "1.0.0")
    apps.begin_delete(group, gal, "agent").result()
    assert list(apps.list_by_gallery(group, gal)) == []


def test_in_vm_access_control_profiles_and_their_versions(
    compute: ComputeManagementClient, gallery: tuple[str, str]
) -> None:
    group, gal = gallery
    profiles = compute.gallery_in_vm_access_control_profiles
    versions = compute.gallery_in_vm_access_control_profile_versions
    body = {
        "location": LOCATION,
        "properties": {"osType": "Linux", "applicableHostEndpoint": "WireServer"},
    }
    made = profiles.begin_create_or_update(group, gal, "wire", body).result()
    assert made.properties.applicable_host_endpoint == "WireServer"
    profiles.begin_update(group, gal, "wire", {"properties": {"description": "d"}}).result()
    assert profiles.get(group, gal, "wire").properties.description == "d"
    assert [p.name for p in profiles.list_by_gallery(group, gal)] == ["wire"]
    version = versions.begin_create_or_update(
        group,
        gal,
        "wire",
        "1.0.0",
        {
            "location": LOCATION,
            "properties": {
                "mode": "Audit",
                "defaultAccess": "Allow",
                "targetLocations": [{"name": LOCATION}],
            },
        },
    ).result()
    assert (version.mode, version.default_access) == ("Audit", "Allow")
    versions.begin_update(
        group, gal, "wire", "1.0.0", {"properties": {"excludeFromLatest": True}}
    ).result()
    assert versions.get(group, gal, "wire", "1.0.0").exclude_from_latest is True
    listed = versions.list_by_gallery_in_vm_access_control_profile(group, gal, "wire")
    assert [v.name for v in listed] == ["1.0.0"]
    with pytest.raises(HttpResponseError) as still_there:
        profiles.begin_delete(group, gal, "wire").result()
    assert still_there.value.status_code == 409
    versions.begin_delete(group, gal, "wire", "1.0.0").result()
    profiles.begin_delete(group, gal, "wire").result()
    assert list(profiles.list_by_gallery(group, gal)) == []


def test_disk_encryption_sets(compute: ComputeManagementClient, gallery: tuple[str, str]) -> None:
    group, _ = gallery
    sets = compute.disk_encryption_sets
    key = "https://vault1.vault.azure.net/keys/key1/0123456789abcdef0123456789abcdef"
    made = sets.begin_create_or_update(
        group,
        "des1",
        {
            "location": LOCATION,
            "identity": {"type": "SystemAssigned"},
            "properties": {"activeKey": {"keyUrl": key}},
        },
    ).result()
    assert made.active_key.key_url == key and made.identity.principal_id
    updated = sets.begin_update(group, "des1", {"tags": {"env": "ci"}}).result()
    assert sets.get(group, "des1").tags == updated.tags == {"env": "ci"}
    assert "des1" in [s.name for s in sets.list_by_resource_group(group)]
    assert "des1" in [s.name for s in sets.list()]
    sets.begin_delete(group, "des1").result()
    with pytest.raises(ResourceNotFoundError):
        sets.get(group, "des1")
