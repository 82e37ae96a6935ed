"""Conformance, continued: the SDK's operations for VM applications, in-VM access control
profiles and disk encryption sets, each with its versions where it has them, against a served
cloud (azure-mgmt-compute unchanged but for base_url, the credential and the CA bundle)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

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


@pytest.fixture
def gallery(cloud: ServedCloud, compute: ComputeManagementClient) -> tuple[str, str]:
    group, name = f"rg{uuid.uuid4().hex[:8]}", f"gal{uuid.uuid4().hex[:8]}"
    resources = ResourceManagementClient(StaticToken(), SUB, **cloud.client_options())
    resources.resource_groups.create_or_update(group, {"location": LOCATION})
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
