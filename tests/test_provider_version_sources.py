"""Provider layer: what an image version is made from (sigctl.provider.version_sources).

ARM bodies in, ARM bodies or ArmError out. These are the source rules the CLI tests reach only
through az's arguments: VHDs, other gallery versions, community images, LUNs, the Shallow size
limit and sources that may not change. The rules do not depend on the store, so these tests run
on the file backend only (tests/test_provider_image_versions.py runs on both).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sigctl.provider.service import Provider
from tests.arm import (
    NOW,
    SUB,
    cloud,
    definition_body,
    error_of,
    image,
    managed_image,
    source,
    version,
    version_body,
)

SOURCES = f"/sigctl/subscriptions/{SUB}/resourceGroups/rg1/sources"
ACCOUNTS = f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts"


@pytest.fixture
def provider(home: Path, monkeypatch: pytest.MonkeyPatch) -> Provider:
    monkeypatch.setenv("SIGCTL_NOW", NOW)
    monkeypatch.setenv("SIGCTL_REPLICATION_SPEED", "instant")
    made = cloud(Provider(home), "gal1")
    made.put(image(), definition_body())
    return made


@pytest.fixture
def img(provider: Provider) -> str:
    """Managed image img1 (Linux, generalized, V2, 30 GB + a 10 GB data disk at LUN 0)."""
    return managed_image(provider, data_disks=(10,))


def vhd(provider: Provider, name: str = "os", account: str = "acct1") -> str:
    """A VHD blob (Linux, 30 GB) in the storage account; its URI."""
    spec = {"location": "eastus2", "osType": "Linux", "storageAccount": account}
    made = provider.request("PUT", f"{SOURCES}/vhd/{name}", body=spec).body
    return str(made["properties"]["uri"])


def snapshot(provider: Provider, name: str, size: int = 30) -> str:
    body = {"location": "eastus2", "properties": {"diskSizeGB": size, "osType": "Linux"}}
    return str(provider.put(source("snapshots", name), body)["id"])


def os_disk(**source_ref: Any) -> dict[str, Any]:
    return {"osDiskImage": {"source": source_ref}}


# -- VHDs -----------------------------------------------------------------------------------------


class TestVhds:
    def test_a_vhd_with_its_storage_account(self, provider: Provider) -> None:
        uri = vhd(provider)
        account = f"{ACCOUNTS}/acct1"
        made = provider.put(
            version(), version_body(storage=os_disk(uri=uri, storageAccountId=account))
        )
        assert made["properties"]["storageProfile"] == {
            "osDiskImage": {
                "sizeInGB": 30,
                "hostCaching": "ReadWrite",
                "source": {"uri": uri, "storageAccountId": account},
            }
        }

    def test_without_the_account_the_blob_is_found_by_its_uri(self, provider: Provider) -> None:
        uri = vhd(provider)
        made = provider.put(version(), version_body(storage=os_disk(uri=uri)))
        assert made["properties"]["storageProfile"]["osDiskImage"]["source"] == {
            "uri": uri,
            "storageAccountId": f"{ACCOUNTS}/acct1",
        }

    @pytest.mark.parametrize(
        "account,code,status,message",
        [
            (
                "not-an-id",
                "InvalidParameter",
                400,
                "Property storageAccountId not-an-id at path "
                "'properties.storageProfile.osDiskImage.source' is invalid.",
            ),
            (
                f"{ACCOUNTS}/acct2",  # another account than the blob's
                "ResourceNotFound",
                404,
                "Source was not found: https://acct1.blob.core.windows.net/vhds/os.vhd. Please "
                "make sure the source exists.",
            ),
        ],
    )
    def test_the_account_must_hold_the_blob(
        self, provider: Provider, account: str, code: str, status: int, message: str
    ) -> None:
        uri = vhd(provider)
        body = version_body(storage=os_disk(uri=uri, storageAccountId=account))
        error = error_of(provider.put, version(), body)
        assert (error.code, error.status, error.message) == (code, status, message)
        assert provider.list(image().child("versions")) == []

    def test_an_unknown_blob(self, provider: Provider) -> None:
        vhd(provider)
        missing = "https://acct1.blob.core.windows.net/vhds/other.vhd"
        error = error_of(provider.put, version(), version_body(storage=os_disk(uri=missing)))
        assert (error.code, error.status, error.target) == ("ResourceNotFound", 404, "source")
        assert error.message.startswith(f"Source was not found: {missing}.")


# -- another gallery image version ----------------------------------------------------------------


class TestGalleryVersions:
    @pytest.fixture
    def first(self, provider: Provider, img: str) -> dict[str, Any]:
        return provider.put(version(), version_body(img))

    @pytest.mark.parametrize(
        "suffix,code,target,message",
        [
            (
                "/galleries//x",  # an empty segment: no id at all
                "InvalidParameter",
                "storageProfile.source.id",
                "Property id {id} at path 'properties.storageProfile.source.id' is invalid.",
            ),
            (
                "/galleries/gal1/images/def1/versions",  # the collection, not a version
                "InvalidParameter",
                "storageProfile.source",
                "The source id: {id} must either be a managed image, virtual machine or "
                "another gallery image version",
            ),
            (
                "/galleries/gal1/images/def1/versions/9.9.9",
                "ResourceNotFound",
                "source",
                "Source was not found: {id}. Please make sure the source exists.",
            ),
        ],
    )
    def test_the_id_must_name_an_existing_version(
        self, provider: Provider, first: Any, suffix: str, code: str, target: str, message: str
    ) -> None:
        source_id = f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Compute{suffix}"
        error = error_of(provider.put, version("2.0.0"), version_body(source_id))
        assert (error.code, error.target) == (code, target)
        assert error.message == message.format(id=source_id)

    def test_it_must_serve_the_new_versions_region(
        self, provider: Provider, img: str, first: Any
    ) -> None:
        error = error_of(
            provider.put, version("2.0.0"), version_body(first["id"], location="westus2")
        )
        assert (error.code, error.target) == ("InvalidParameter", "storageProfile")
        assert error.message == (
            f"Source {first['id']} is not found. Please check source exists, and is in the same "
            "region as gallery image version being created"
        )
        # once it replicates there, it is a source there
        regions = [{"name": "eastus2"}, {"name": "westus2"}]
        provider.put(version(), version_body(img, targetRegions=regions))
        made = provider.put(version("2.0.0"), version_body(first["id"], location="westus2"))
        assert made["properties"]["storageProfile"]["source"] == {"id": first["id"]}
        assert made["location"] == "westus2"

    def test_its_definition_must_match(self, provider: Provider, first: Any) -> None:
        provider.put(image("win"), definition_body(sku="W", osType="Windows"))
        error = error_of(provider.put, version(image="win"), version_body(first["id"]))
        assert (error.code, error.target) == ("InvalidParameter", "storageProfile")
        assert error.message == (
            f"The resource with id '{first['id']}' has a different OS type ['Linux'] than the "
            "parent gallery image OS type generation ['Windows']"
        )

    def test_a_copy_of_a_version_made_from_disks_names_no_disk_source(
        self, provider: Provider
    ) -> None:
        os_id, data_id = snapshot(provider, "os1"), snapshot(provider, "data1", size=8)
        storage = {**os_disk(id=os_id), "dataDiskImages": [{"lun": 2, "source": {"id": data_id}}]}
        original = provider.put(version(), version_body(storage=storage))
        copied = provider.put(version("2.0.0"), version_body(original["id"]))
        assert copied["properties"]["storageProfile"] == {
            "source": {"id": original["id"]},
            "osDiskImage": {"sizeInGB": 30, "hostCaching": "ReadWrite", "source": {}},
            "dataDiskImages": [{"lun": 2, "sizeInGB": 8, "hostCaching": "None"}],
        }

    def test_a_community_image_is_not_emulated(self, provider: Provider) -> None:
        community = "/CommunityGalleries/pub-1/Images/def1/Versions/1.0.0"
        body = version_body(storage={"source": {"communityGalleryImageId": community}})
        error = error_of(provider.put, version(), body)
        assert (error.code, error.status, error.target) == (
            "InvalidParameter",
            400,
            "storageProfile.source",
        )
        assert (
            error.message
            == "Community gallery image versions as sources are not emulated by sigctl."
        )


# -- disks and LUNs ------------------------------------------------------------------------------


def test_data_disks_come_out_in_lun_order(provider: Provider) -> None:
    os_id = snapshot(provider, "os1")
    data = [(7, snapshot(provider, "d7", 7)), (1, snapshot(provider, "d1", 1))]
    storage = {
        **os_disk(id=os_id),
        "dataDiskImages": [{"lun": lun, "source": {"id": i}} for lun, i in data],
    }
    made = provider.put(version(), version_body(storage=storage))
    disks = made["properties"]["storageProfile"]["dataDiskImages"]
    assert [(d["lun"], d["sizeInGB"], d["source"]["id"]) for d in disks] == [
        (1, 1, data[1][1]),
        (7, 7, data[0][1]),
    ]


def test_a_lun_is_zero_or_more(provider: Provider) -> None:
    storage = {
        **os_disk(id=snapshot(provider, "os1")),
        "dataDiskImages": [{"lun": -1, "source": {"id": snapshot(provider, "d1")}}],
    }
    error = error_of(provider.put, version(), version_body(storage=storage))
    assert (error.code, error.status, error.target) == ("InvalidParameter", 400, "dataDiskImages")
    assert error.message == "Every data disk image needs a LUN of 0 or more."


def test_a_lun_must_be_a_number(provider: Provider) -> None:
    storage = {
        **os_disk(id=snapshot(provider, "os1")),
        "dataDiskImages": [{"lun": "one", "source": {"id": snapshot(provider, "d1")}}],
    }
    error = error_of(provider.put, version(), version_body(storage=storage))
    assert (error.code, error.status) == ("InvalidRequestContent", 400)
    assert "properties.storageProfile.dataDiskImages[0].lun" in error.message


def test_shallow_replication_has_its_own_size_limit(
    provider: Provider, monkeypatch: pytest.MonkeyPatch
) -> None:
    huge = managed_image(provider, "huge", diskSizeGB=4096)
    full = error_of(provider.put, version(), version_body(huge))
    assert full.code == "GallerySourceResourceExceedsMaxSize"
    made = provider.put(version(), version_body(huge, replicationMode="Shallow"))
    assert made["properties"]["publishingProfile"]["replicationMode"] == "Shallow"
    monkeypatch.setenv("SIGCTL_LIMITS_SHALLOW_DISK_SIZE_GB", "4000")
    error = error_of(provider.put, version("2.0.0"), version_body(huge, replicationMode="Shallow"))
    assert (error.code, error.status, error.message) == (
        "GallerySourceResourceExceedsMaxSize",
        400,
        "The GalleryImageVersion source resource size 4096 exceeds the max size 4000 supported",
    )


# -- a published version keeps its sources --------------------------------------------------------


class TestSourcesStay:
    @pytest.fixture
    def from_disks(self, provider: Provider) -> dict[str, Any]:
        storage = {
            **os_disk(id=snapshot(provider, "os1")),
            "dataDiskImages": [{"lun": 0, "source": {"id": snapshot(provider, "d0", 8)}}],
        }
        return provider.put(version(), version_body(storage=storage))

    def test_the_same_sources_are_no_change(self, provider: Provider, from_disks: Any) -> None:
        storage = {
            **os_disk(id=str(source("snapshots", "os1")).upper()),  # ids compare without case
            "dataDiskImages": [{"lun": 0, "source": {"id": str(source("snapshots", "d0"))}}],
        }
        assert provider.put(version(), version_body(storage=storage)) == from_disks

    def test_another_os_disk(self, provider: Provider, from_disks: Any) -> None:
        storage = {
            **os_disk(id=snapshot(provider, "os2")),
            "dataDiskImages": [{"lun": 0, "source": {"id": str(source("snapshots", "d0"))}}],
        }
        error = error_of(provider.put, version(), version_body(storage=storage))
        assert (error.code, error.status) == ("PropertyChangeNotAllowed", 409)
        assert error.message == (
            "Changing property 'galleryImageVersion.properties.storageProfile.osDiskImage.source.id' "
            "is not allowed."
        )
        assert provider.get(version()) == from_disks

    def test_another_lun(self, provider: Provider, from_disks: Any) -> None:
        storage = {
            **os_disk(id=str(source("snapshots", "os1"))),
            "dataDiskImages": [{"lun": 1, "source": {"id": str(source("snapshots", "d0"))}}],
        }
        error = error_of(provider.put, version(), version_body(storage=storage))
        assert (error.code, error.target) == ("InvalidParameter", "storageProfile.dataDiskImages")
        assert error.message == (
            "Adding new Data Disks or changing the LUN of a Data Disk in an existing Image is not "
            "allowed"
        )

    def test_a_data_disks_host_caching(self, provider: Provider, from_disks: Any) -> None:
        sent = from_disks["properties"]["storageProfile"]
        sent["dataDiskImages"][0]["hostCaching"] = "ReadOnly"
        body = {"location": "eastus2", "properties": {"storageProfile": sent}}
        error = error_of(provider.put, version(), body)
        assert error.message == (
            "Changing property 'galleryImageVersion.properties.storageProfile.dataDiskImages[0]."
            "hostCaching' is not allowed."
        )
