"""Provider layer for image versions: ARM bodies in, ARM bodies or ArmError out (no CLI).

The clock is frozen at NOW; replication completes at once unless a test says otherwise (the
`replicating` fixture keeps the default speed, so progress moves only when the clock is advanced).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from sigctl.provider import ids
from sigctl.provider.service import Provider
from tests import arm
from tests.arm import (
    NOW,
    SUB,
    cloud,
    definition_body,
    error_of,
    gallery,
    image,
    managed_image,
    source,
    version,
    version_body,
)

VERSIONS = ids.compute_id(SUB, "rg1", "galleries", "gal1", "images", "def1", "versions")
SETS = f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Compute/diskEncryptionSets"
INVALID_NAME = (
    "The image version name is invalid. The image version name should follow "
    "Major(int).Minor(int).Patch(int) format, where int is between 0 and 2,147,483,647 "
    "(inclusive). For e.g: 1.0.0, 2018.12.1 etc"
)


@pytest.fixture
def provider(home: Path, monkeypatch: pytest.MonkeyPatch, backend: str) -> Provider:
    """On each store backend (tests/conftest.py: files, and PostgreSQL)."""
    monkeypatch.setenv("SIGCTL_NOW", NOW)
    monkeypatch.setenv("SIGCTL_REPLICATION_SPEED", "instant")
    return cloud(Provider(home), "gal1")


@pytest.fixture
def img(provider: Provider) -> str:
    """Definition def1 (Linux, generalized, V2) and managed image img1 (30 GB + a 10 GB data
    disk at LUN 0); the image's id."""
    provider.put(image(), definition_body())
    return managed_image(provider, data_disks=(10,))


@pytest.fixture
def replicating(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replication at the default speed on the frozen clock: it moves when the clock does."""
    monkeypatch.delenv("SIGCTL_REPLICATION_SPEED")


def advance(provider: Provider, by: str) -> None:
    provider.request("POST", "/sigctl/clock/advance", body={"by": by})


def names(provider: Provider) -> list[str]:
    return [v["name"] for v in provider.list(VERSIONS)]


def latest_of(provider: Provider, region: str | None = None) -> str | None:
    """The version "latest" resolves to for def1 (in `region`, if given)."""
    return arm.latest_of(provider, image(), region)


def targets(body: dict[str, Any]) -> list[tuple[str, int, str]]:
    return [
        (t["name"], t["regionalReplicaCount"], t["storageAccountType"])
        for t in body["properties"]["publishingProfile"]["targetRegions"]
    ]


# -- what a create returns ----------------------------------------------------------------------


def test_put_returns_what_the_service_fills_in(provider: Provider, img: str) -> None:
    body = provider.put(version(), version_body(img, location="East US 2"))
    assert body == {
        "id": f"{image()}/versions/1.0.0",
        "name": "1.0.0",
        "type": "Microsoft.Compute/galleries/images/versions",
        "location": "eastus2",
        "properties": {
            "publishingProfile": {
                "targetRegions": [
                    {
                        "name": "East US 2",
                        "regionalReplicaCount": 1,
                        "storageAccountType": "Standard_LRS",
                    }
                ],
                "replicaCount": 1,
                "excludeFromLatest": False,
                "publishedDate": "2026-11-26T12:00:00.0000000+00:00",
                "storageAccountType": "Standard_LRS",
            },
            "storageProfile": {
                "source": {"id": img},
                "osDiskImage": {"sizeInGB": 30, "hostCaching": "ReadWrite", "source": {}},
                "dataDiskImages": [{"lun": 0, "sizeInGB": 10, "hostCaching": "None"}],
            },
            "safetyProfile": {
                "reportedForPolicyViolation": False,
                "allowDeletionOfReplicatedLocations": False,
            },
            "provisioningState": "Succeeded",
            "validationsProfile": {"validationOperationStatus": "NotExecuted"},
        },
    }
    assert provider.get(version()) == body
    assert provider.list(VERSIONS) == [body]


def test_replication_status_is_shown_when_expanded(provider: Provider, img: str) -> None:
    provider.put(
        version(), version_body(img, targetRegions=[{"name": "eastus2"}, {"name": "westus2"}])
    )
    assert "replicationStatus" not in provider.get(version())["properties"]
    expanded = provider.get(version(), **{"$expand": "ReplicationStatus"})
    assert expanded["properties"]["replicationStatus"] == {
        "aggregatedState": "Completed",
        "summary": [
            {"region": "East US 2", "state": "Completed", "progress": 100, "details": ""},
            {"region": "West US 2", "state": "Completed", "progress": 100, "details": ""},
        ],
    }


def test_replication_moves_with_the_clock(provider: Provider, img: str, replicating: None) -> None:
    made = provider.put(version(), version_body(img))
    assert made["properties"]["provisioningState"] == "Creating"
    advance(provider, "1m")
    status = provider.get(version(), **{"$expand": "ReplicationStatus"})["properties"]
    assert status["provisioningState"] == "Creating"
    assert 0 < status["replicationStatus"]["summary"][0]["progress"] < 100
    advance(provider, "2h")
    assert provider.get(version())["properties"]["provisioningState"] == "Succeeded"


# -- names ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["1.0", "1.0.0.0", "a.b.c", "1.0.2147483648", "latest", "-1.0.0", "1.0.0 ", "２.０.٣"]
)
def test_invalid_version_names(provider: Provider, img: str, name: str) -> None:
    error = error_of(provider.put, version(name), version_body(img))
    assert (error.code, error.status, error.target) == (
        "InvalidParameter",
        400,
        "galleryImageVersionName",
    )
    assert error.message == INVALID_NAME
    assert names(provider) == []


def test_versions_are_listed_in_numeric_order(provider: Provider, img: str) -> None:
    for name in ("1.10.0", "1.9.0", "1.0.2147483647", "0.0.0", "10.0.0"):
        provider.put(version(name), version_body(img))
    assert names(provider) == ["0.0.0", "1.0.2147483647", "1.9.0", "1.10.0", "10.0.0"]


def test_a_second_spelling_of_a_number_is_the_same_version(provider: Provider, img: str) -> None:
    provider.put(version("1.0.0"), version_body(img))
    for spelling in ("01.0.0", "1.00.0", "1.0.00"):
        error = error_of(provider.put, version(spelling), version_body(img))
        assert (error.code, error.status) == ("Conflict", 409)
        assert error.message == (
            f"Gallery image version '{spelling}' is the existing version '1.0.0': versions are "
            "compared as numbers (Major.Minor.Patch)."
        )
    assert names(provider) == ["1.0.0"]


# -- required fields and parents ----------------------------------------------------------------


def test_a_create_needs_a_storage_profile(provider: Provider, img: str) -> None:
    error = error_of(provider.put, version(), {"location": "eastus2", "properties": {}})
    assert (error.code, error.target) == ("InvalidParameter", "storageProfile")
    assert error.message == "Required parameter 'storageProfile' is missing (null)."


def test_missing_parents(provider: Provider, img: str) -> None:
    for rid, parent in ((version(gallery="nogal"), "nogal"), (version(image="nodef"), "nodef")):
        for call in (
            lambda r=rid: provider.put(r, version_body(img)),
            lambda r=rid: provider.delete(r),
        ):
            error = error_of(call)
            assert (error.code, error.status) == ("ParentResourceNotFound", 404)
            assert error.message.endswith(f"Parent resource '{parent}' not found.")
    missing = error_of(provider.get, version(gallery="nogal"))
    assert (missing.code, missing.status) == ("ResourceNotFound", 404)  # a GET names the resource


def test_a_missing_version(provider: Provider, img: str) -> None:
    error = error_of(provider.get, version("9.9.9"))
    assert error.message.startswith(
        "The Resource 'Microsoft.Compute/galleries/gal1/images/def1/versions/9.9.9' under "
        "resource group 'rg1' was not found."
    )
    assert provider.delete(version("9.9.9")) is None  # deleting nothing is no error


# -- target regions and replica counts ----------------------------------------------------------


def test_regions_counts_and_storage_types(provider: Provider, img: str) -> None:
    made = provider.put(
        version(),
        version_body(
            img,
            replicaCount=2,
            storageAccountType="Premium_LRS",
            targetRegions=[
                {
                    "name": "eastus2",
                    "storageAccountType": "Standard_ZRS",
                    "regionalReplicaCount": 1,
                },
                {"name": "West US"},
                {"name": "uksouth", "regionalReplicaCount": 3},
            ],
        ),
    )
    assert targets(made) == [
        ("East US 2", 1, "Standard_ZRS"),
        ("West US", 2, "Premium_LRS"),  # the version's count and type are each region's default
        ("UK South", 3, "Premium_LRS"),
    ]
    profile = made["properties"]["publishingProfile"]
    assert (profile["replicaCount"], profile["storageAccountType"]) == (2, "Premium_LRS")


@pytest.mark.parametrize(
    "regions,code,message",
    [
        (
            [{"name": "westus2"}],
            "InvalidParameter",
            "Gallery image version publishing profile regions 'West US 2' must contain the "
            "location of image version 'East US 2'.",
        ),
        (
            [{"name": "eastus2"}, {"name": "East US 2"}],
            "InvalidParameter",
            "Duplicate regions are not allowed in target publishing regions.",
        ),
        (
            [{"name": "eastus2"}, {"name": "westus", "storageAccountType": "Standard_ZRS"}],
            "InvalidParameter",
            "ZRS storage account type is not supported in this region.",
        ),
        ([{"name": "eastus2"}, {"name": "moon"}], "LocationNotAvailableForResourceType", "moon"),
    ],
)
def test_target_region_rules(
    provider: Provider, img: str, regions: list[dict[str, Any]], code: str, message: str
) -> None:
    error = error_of(provider.put, version(), version_body(img, targetRegions=regions))
    assert error.code == code and message in error.message
    assert names(provider) == []


@pytest.mark.parametrize(
    "profile,path",
    [
        ({"replicaCount": 0}, "replicaCount"),
        (
            {"targetRegions": [{"name": "eastus2", "regionalReplicaCount": 101}]},
            "targetRegions[0].regionalReplicaCount",
        ),
    ],
)
def test_replica_counts_are_bounded(
    provider: Provider, img: str, profile: dict[str, Any], path: str
) -> None:
    error = error_of(provider.put, version(), version_body(img, **profile))
    assert (error.code, error.target) == ("InvalidParameter", path)
    assert "The value must be between 1 and 100, inclusive." in error.message


def test_the_replica_limit_comes_from_configuration(
    provider: Provider, img: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIGCTL_LIMITS_REPLICAS", "3")
    error = error_of(provider.put, version(), version_body(img, replicaCount=4))
    assert "between 1 and 3, inclusive" in error.message
    assert targets(provider.put(version(), version_body(img, replicaCount=3)))[0][1] == 3


def test_shallow_replication_keeps_one_replica_in_the_home_region(
    provider: Provider, img: str
) -> None:
    made = provider.put(version(), version_body(img, replicationMode="Shallow"))
    assert made["properties"]["publishingProfile"]["replicationMode"] == "Shallow"
    wider = version_body(
        img, replicationMode="Shallow", targetRegions=[{"name": "eastus2"}, {"name": "westus2"}]
    )
    error = error_of(provider.put, version("2.0.0"), wider)
    assert error.target == "replicationMode" and "exactly one target region" in error.message


# -- sources --------------------------------------------------------------------------------------


def snapshot(provider: Provider, name: str, size: int = 30, **props: Any) -> str:
    body = {"location": "eastus2", "properties": {"diskSizeGB": size, **props}}
    return provider.put(source("snapshots", name), body)["id"]


class TestSources:
    def test_a_virtual_machine(self, provider: Provider, img: str) -> None:
        vm = provider.put(
            source("virtualMachines", "vm1"),
            {
                "location": "eastus2",
                "properties": {
                    "storageProfile": {
                        "osDisk": {"osType": "Linux", "osState": "Generalized", "diskSizeGB": 64}
                    }
                },
            },
        )["id"]
        made = provider.put(version(), version_body(storage={"source": {"virtualMachineId": vm}}))
        assert made["properties"]["storageProfile"]["source"] == {"virtualMachineId": vm}
        assert made["properties"]["storageProfile"]["osDiskImage"]["sizeInGB"] == 64

    def test_disks_and_snapshots_with_their_luns(self, provider: Provider, img: str) -> None:
        os_disk = snapshot(provider, "os1", osType="Linux")
        data = provider.put(
            source("disks", "data1"), {"location": "eastus2", "properties": {"diskSizeGB": 8}}
        )["id"]
        storage = {
            "osDiskImage": {"source": {"id": os_disk}},
            "dataDiskImages": [{"lun": 3, "source": {"id": data}}],
        }
        made = provider.put(version(), version_body(storage=storage))["properties"]
        assert made["storageProfile"] == {
            "osDiskImage": {"sizeInGB": 30, "hostCaching": "ReadWrite", "source": {"id": os_disk}},
            "dataDiskImages": [
                {"lun": 3, "sizeInGB": 8, "hostCaching": "None", "source": {"id": data}}
            ],
        }

    def test_another_gallery_version(self, provider: Provider, img: str) -> None:
        first = provider.put(version(), version_body(img))
        copy = provider.put(version("2.0.0"), version_body(first["id"]))
        storage = copy["properties"]["storageProfile"]
        assert storage["source"] == {"id": first["id"]}
        assert storage["osDiskImage"]["sizeInGB"] == 30
        assert storage["dataDiskImages"] == [{"lun": 0, "sizeInGB": 10, "hostCaching": "None"}]

    @pytest.mark.parametrize(
        "storage",
        [
            {},
            {"source": {}, "osDiskImage": {"source": {}}},
            "both",
        ],
    )
    def test_one_and_only_one_kind_of_source(
        self, provider: Provider, img: str, storage: Any
    ) -> None:
        if storage == "both":
            storage = {
                "source": {"id": img},
                "osDiskImage": {"source": {"id": snapshot(provider, "s")}},
            }
        error = error_of(provider.put, version(), version_body(storage=storage))
        assert error.code == "InvalidParameter"
        assert error.target == "storageProfile"
        assert names(provider) == []

    def test_data_disks_alone_are_no_source(self, provider: Provider, img: str) -> None:
        data = snapshot(provider, "d", size=8)
        body = version_body(storage={"dataDiskImages": [{"lun": 0, "source": {"id": data}}]})
        error = error_of(provider.put, version(), body)
        assert (error.code, error.target) == ("InvalidParameter", "storageProfile.osDiskImage")
        assert "One and only one source type" in error.message
        assert names(provider) == []

    def test_a_gallery_id_that_names_no_version_is_the_wrong_kind(
        self, provider: Provider, img: str
    ) -> None:
        error = error_of(provider.put, version(), version_body(str(image())))
        assert (error.code, error.target) == ("InvalidParameter", "storageProfile.source")
        assert error.message == (
            f"The source id: {image()} must either be a managed image, virtual machine or "
            "another gallery image version"
        )

    def test_an_unknown_source_is_not_found(self, provider: Provider, img: str) -> None:
        error = error_of(provider.put, version(), version_body(str(source("images", "nosuch"))))
        assert (error.code, error.status) == ("ResourceNotFound", 404)
        assert error.message.startswith("Source was not found:")

    def test_the_wrong_kind_of_source(self, provider: Provider, img: str) -> None:
        snap = snapshot(provider, "s1", osType="Linux")
        error = error_of(provider.put, version(), version_body(snap))
        assert error.message.endswith(
            "must either be a managed image, virtual machine or another gallery image version"
        )
        as_disk = version_body(storage={"osDiskImage": {"source": {"id": img}}})
        error = error_of(provider.put, version(), as_disk)
        assert error.message.endswith("must be a managed disk or snapshot")

    @pytest.mark.parametrize(
        "os_disk,fragment",
        [
            (
                {"osType": "Windows"},
                "has a different OS type ['Windows'] than the parent gallery image OS type generation ['Linux']",
            ),
            (
                {"hyperVGeneration": "V1"},
                "has a different Hypervisor generation ['V1'] than the parent gallery image Hypervisor generation ['V2']",
            ),
            (
                {"osState": "Specialized"},
                "since the OS State in the parent gallery image (Generalized) is not Specialized",
            ),
        ],
    )
    def test_a_source_must_match_the_definition(
        self, provider: Provider, img: str, os_disk: dict[str, str], fragment: str
    ) -> None:
        other = managed_image(provider, "other", **os_disk)
        error = error_of(provider.put, version(), version_body(other))
        assert (error.code, error.target) == ("InvalidParameter", "storageProfile")
        assert fragment in error.message

    def test_disks_carry_no_os_state_and_may_lack_an_os_type(self, provider: Provider) -> None:
        provider.put(image("spec"), definition_body(osState="Specialized"))
        bare = snapshot(provider, "bare")  # no OS type, no generation: the definition's stand
        storage = {"osDiskImage": {"source": {"id": bare}}}
        assert provider.put(version(image="spec"), version_body(storage=storage))
        windows = snapshot(provider, "win", osType="Windows")
        storage = {"osDiskImage": {"source": {"id": windows}}}
        error = error_of(
            provider.put, version("2.0.0", image="spec"), version_body(storage=storage)
        )
        assert "has a different OS type ['Windows']" in error.message

    def test_a_source_in_another_region(self, provider: Provider, img: str) -> None:
        far = managed_image(provider, "far", location="westus2")
        error = error_of(provider.put, version(), version_body(far))
        assert error.message.endswith(
            "is not found. Please check source exists, and is in the same region as gallery "
            "image version being created"
        )
        assert (
            provider.put(version(), version_body(far, location="westus2"))["location"] == "westus2"
        )

    def test_duplicate_sources_and_luns(self, provider: Provider, img: str) -> None:
        one, two, three = (snapshot(provider, n, osType="Linux") for n in ("s1", "s2", "s3"))
        same = {
            "osDiskImage": {"source": {"id": one}},
            "dataDiskImages": [{"lun": 0, "source": {"id": one}}],
        }
        error = error_of(provider.put, version(), version_body(storage=same))
        assert error.message.startswith("Duplicated source ids are found in the input disks.")
        luns = {
            "osDiskImage": {"source": {"id": one}},
            "dataDiskImages": [
                {"lun": 1, "source": {"id": two}},
                {"lun": 1, "source": {"id": three}},
            ],
        }
        error = error_of(provider.put, version(), version_body(storage=luns))
        assert error.message.startswith("Duplicated lun numbers have been detected")

    def test_the_largest_source_disk(
        self, provider: Provider, img: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        huge = managed_image(provider, "huge", diskSizeGB=2049)
        error = error_of(provider.put, version(), version_body(huge))
        assert (error.code, error.status) == ("GallerySourceResourceExceedsMaxSize", 400)
        assert error.message == (
            "The GalleryImageVersion source resource size 2049 exceeds the max size 2048 supported"
        )
        monkeypatch.setenv("SIGCTL_LIMITS_DISK_SIZE_GB", "4096")
        assert provider.put(version(), version_body(huge))["name"] == "1.0.0"


# -- updates --------------------------------------------------------------------------------------


class TestUpdates:
    @pytest.fixture
    def made(self, provider: Provider, img: str) -> dict[str, Any]:
        regions = [{"name": "eastus2"}, {"name": "westus2"}]
        return provider.put(version(), version_body(img, targetRegions=regions))

    def body(self, img: str, **publishing: Any) -> dict[str, Any]:
        regions = [{"name": "eastus2"}, {"name": "westus2"}]
        return version_body(img, **{"targetRegions": regions, **publishing})

    def test_the_same_put_changes_nothing(
        self, provider: Provider, img: str, made: dict[str, Any], home: Path
    ) -> None:
        from tests.conftest import snapshot as files

        before = files(home)
        assert provider.put(version(), self.body(img)) == made
        assert files(home) == before

    def test_what_may_change(self, provider: Provider, img: str, made: dict[str, Any]) -> None:
        changed = provider.put(
            version(),
            {
                **self.body(img, excludeFromLatest=True, endOfLifeDate="2031-01-01T00:00:00Z"),
                "tags": {"team": "images"},
            },
        )
        profile = changed["properties"]["publishingProfile"]
        assert profile["excludeFromLatest"] is True
        assert profile["endOfLifeDate"] == "2031-01-01T00:00:00+00:00"
        assert profile["publishedDate"] == made["properties"]["publishingProfile"]["publishedDate"]
        assert changed["tags"] == {"team": "images"}
        more = provider.patch(
            version(),
            {
                "properties": {
                    "publishingProfile": {
                        "targetRegions": [
                            {"name": "eastus2"},
                            {"name": "westus2", "regionalReplicaCount": 3},
                        ]
                    }
                }
            },
        )
        assert targets(more)[1] == ("West US 2", 3, "Standard_LRS")
        assert more["tags"] == {"team": "images"}  # a PATCH keeps what it does not name

    @pytest.mark.parametrize(
        "change,path",
        [
            ({"storageAccountType": "Premium_LRS"}, "publishingProfile.storageAccountType"),
        ],
    )
    def test_immutable_publishing_properties(
        self, provider: Provider, img: str, made: dict[str, Any], change: dict[str, str], path: str
    ) -> None:
        error = error_of(provider.put, version(), self.body(img, **change))
        assert (error.code, error.status) == ("PropertyChangeNotAllowed", 409)
        assert error.message == (
            f"Changing property 'galleryImageVersion.properties.{path}' is not allowed."
        )
        assert provider.get(version()) == made

    def test_the_replication_mode_cannot_change(self, provider: Provider, img: str) -> None:
        provider.put(version("2.0.0"), version_body(img, replicationMode="Shallow"))
        error = error_of(provider.put, version("2.0.0"), version_body(img, replicationMode="Full"))
        assert error.message == (
            "Changing property 'galleryImageVersion.properties.publishingProfile.replicationMode' "
            "is not allowed."
        )
        # Full is the default: naming it on a Full version is no change
        assert provider.put(version("3.0.0"), version_body(img)) == provider.put(
            version("3.0.0"), version_body(img, replicationMode="Full")
        )

    def test_the_source_cannot_change(self, provider: Provider, img: str, made: Any) -> None:
        other = managed_image(provider, "img2", data_disks=(10,))
        error = error_of(provider.put, version(), self.body(other))
        assert error.message == (
            "Changing property 'galleryImageVersion.properties.storageProfile.source.id' is not "
            "allowed."
        )

    def test_a_get_sent_back_changes_nothing(self, provider: Provider, made: Any) -> None:
        assert provider.put(version(), copy.deepcopy(made)) == made  # az's update does this

    @pytest.mark.parametrize(
        "path,value,message",
        [
            (
                ("osDiskImage", "hostCaching"),
                "ReadOnly",
                "Changing property 'galleryImageVersion.properties.storageProfile.osDiskImage."
                "hostCaching' is not allowed.",
            ),
            (
                ("dataDiskImages", 0, "lun"),
                5,
                "Adding new Data Disks or changing the LUN of a Data Disk in an existing Image is "
                "not allowed",
            ),
        ],
    )
    def test_disks_cannot_change(
        self, provider: Provider, made: Any, path: tuple[Any, ...], value: Any, message: str
    ) -> None:
        sent = copy.deepcopy(made)
        *parents, last = path
        holder = sent["properties"]["storageProfile"]
        for step in parents:
            holder = holder[step]
        holder[last] = value
        assert error_of(provider.put, version(), sent).message == message

    def test_the_location_cannot_change(self, provider: Provider, img: str, made: Any) -> None:
        body = version_body(
            img, location="westus2", targetRegions=[{"name": "westus2"}, {"name": "eastus2"}]
        )
        error = error_of(provider.put, version(), body)
        assert (error.code, error.status) == ("InvalidResourceLocation", 409)

    def test_a_region_holding_replicas_leaves_only_when_allowed(
        self, provider: Provider, img: str, made: Any
    ) -> None:
        fewer = version_body(img, targetRegions=[{"name": "eastus2"}])
        error = error_of(provider.put, version(), fewer)
        assert (error.code, error.status) == ("OperationNotAllowed", 409)
        assert "(West US 2)" in error.message
        assert "safetyProfile.allowDeletionOfReplicatedLocations is false" in error.message
        fewer["properties"]["safetyProfile"] = {"allowDeletionOfReplicatedLocations": True}
        assert targets(provider.put(version(), fewer)) == [("East US 2", 1, "Standard_LRS")]

    def test_an_existing_regions_storage_type_stays(
        self, provider: Provider, img: str, made: Any
    ) -> None:
        regions = [{"name": "eastus2"}, {"name": "westus2", "storageAccountType": "Premium_LRS"}]
        error = error_of(provider.put, version(), version_body(img, targetRegions=regions))
        assert error.message.startswith(
            "Global storage account type does not match the storage account type in the "
            "existing TargetRegion: 'West US 2'."
        )

    def test_a_new_region_replicates_while_the_others_serve(
        self, provider: Provider, img: str, made: Any, replicating: None
    ) -> None:
        more = self.body(img)
        more["properties"]["publishingProfile"]["targetRegions"].append({"name": "uksouth"})
        updated = provider.put(version(), more)
        assert updated["properties"]["provisioningState"] == "Updating"
        summary = provider.get(version(), **{"$expand": "ReplicationStatus"})["properties"][
            "replicationStatus"
        ]["summary"]
        assert [(s["region"], s["state"]) for s in summary] == [
            ("East US 2", "Completed"),
            ("West US 2", "Completed"),
            ("UK South", "Replicating"),
        ]
        assert latest_of(provider, "westus2") == "1.0.0"
        assert latest_of(provider, "uksouth") is None
        advance(provider, "2h")
        assert latest_of(provider, "uksouth") == "1.0.0"


# -- latest ---------------------------------------------------------------------------------------


class TestLatest:
    def test_the_highest_number_that_is_not_excluded(self, provider: Provider, img: str) -> None:
        for name in ("1.0.0", "1.9.0", "1.0.1"):
            provider.put(version(name), version_body(img))
        assert latest_of(provider) == "1.9.0"
        provider.put(version("1.10.0"), version_body(img, excludeFromLatest=True))
        assert latest_of(provider) == "1.9.0"
        provider.patch(
            version("1.10.0"), {"properties": {"publishingProfile": {"excludeFromLatest": False}}}
        )
        assert latest_of(provider) == "1.10.0"

    def test_a_regions_own_flag_wins_there(self, provider: Provider, img: str) -> None:
        provider.put(
            version("1.0.0"),
            version_body(img, targetRegions=[{"name": "eastus2"}, {"name": "westus2"}]),
        )
        regions = [{"name": "eastus2"}, {"name": "westus2", "excludeFromLatest": True}]
        provider.put(version("2.0.0"), version_body(img, targetRegions=regions))
        assert latest_of(provider, "eastus2") == "2.0.0"
        assert latest_of(provider, "westus2") == "1.0.0"
        assert latest_of(provider, "uksouth") is None  # no version replicates there

    def test_versions_still_replicating_are_skipped(
        self, provider: Provider, img: str, replicating: None
    ) -> None:
        provider.put(version("1.0.0"), version_body(img))
        advance(provider, "2h")
        provider.put(version("2.0.0"), version_body(img))
        assert latest_of(provider) == latest_of(provider, "eastus2") == "1.0.0"
        advance(provider, "2h")
        assert latest_of(provider) == "2.0.0"

    def test_end_of_life_does_not_exclude(
        self, provider: Provider, img: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        provider.put(version(), version_body(img, endOfLifeDate="2027-01-01T00:00:00Z"))
        monkeypatch.setenv("SIGCTL_NOW", "2028-01-01T00:00:00Z")
        assert latest_of(provider) == "1.0.0"


# -- delete, soft delete and restore -------------------------------------------------------------


class TestDelete:
    def test_blocked_before_end_of_life(self, provider: Provider, img: str) -> None:
        body = version_body(img, endOfLifeDate="2099-01-01T00:00:00Z")
        body["properties"]["safetyProfile"] = {"blockDeletionBeforeEndOfLife": True}
        provider.put(version(), body)
        error = error_of(provider.delete, version())
        assert (error.code, error.status) == (
            "DeleteGalleryImageVersionBlockedBeforeEndOfLife",
            409,
        )
        body["properties"]["safetyProfile"] = {"blockDeletionBeforeEndOfLife": False}
        provider.put(version(), body)
        provider.delete(version())
        assert names(provider) == []

    def test_a_gallery_goes_after_its_definitions(self, provider: Provider, img: str) -> None:
        provider.put(version(), version_body(img))
        error = error_of(provider.delete, gallery())
        assert (error.code, error.status) == ("CannotDeleteResource", 409)
        assert "'Microsoft.Compute/galleries/gal1/images/def1'" in error.message
        provider.delete(version())
        provider.delete(image())
        provider.delete(gallery())
        assert error_of(provider.get, gallery()).code == "ResourceNotFound"

    def test_the_version_limit_per_region(
        self, provider: Provider, img: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("SIGCTL_LIMITS_IMAGE_VERSIONS", "1")
        provider.put(version("1.0.0"), version_body(img))
        error = error_of(provider.put, version("2.0.0"), version_body(img))
        assert (error.code, error.target) == ("QuotaExceeded", "image_versions")
        provider.delete(version("1.0.0"))
        assert provider.put(version("2.0.0"), version_body(img))["name"] == "2.0.0"


class TestSoftDelete:
    SOFT = ids.compute_id(
        SUB,
        "rg1",
        "galleries",
        "soft",
        "softDeletedArtifactTypes",
        "Images",
        "artifacts",
        "def1",
        "versions",
    )

    @pytest.fixture
    def soft(self, provider: Provider) -> str:
        policy = {"softDeletePolicy": {"isSoftDeleteEnabled": True}}
        provider.put(gallery("soft"), {"location": "eastus2", "properties": policy})
        provider.put(image(gallery="soft"), definition_body())
        img = managed_image(provider)
        provider.put(version(gallery="soft"), version_body(img))
        return img

    def test_a_deleted_version_can_be_restored(self, provider: Provider, soft: str) -> None:
        provider.delete(version(gallery="soft"))
        assert error_of(provider.get, version(gallery="soft")).code == "ResourceNotFound"
        listed = provider.list(self.SOFT)
        assert [(v["name"], v["location"]) for v in listed] == [("1.0.0", "East US 2")]
        assert listed[0]["properties"]["softDeletedArtifactType"] == "Images"
        assert listed[0]["properties"]["resourceArmId"] == str(version(gallery="soft"))
        # the name stays taken while it can be restored
        error = error_of(provider.put, version(gallery="soft"), version_body(soft))
        assert error.code == "Conflict" and "is soft-deleted" in error.message
        restored = provider.patch(version(gallery="soft"), {"properties": {"restore": True}})
        assert restored["name"] == "1.0.0"
        assert restored["properties"]["provisioningState"] == "Succeeded"
        assert provider.list(self.SOFT) == []

    def test_restore_needs_a_soft_deleted_version(self, provider: Provider, soft: str) -> None:
        error = error_of(provider.patch, version(gallery="soft"), {"properties": {"restore": True}})
        assert (error.code, error.status) == ("ResourceNotFound", 404)
        assert "softDeletedArtifactTypes/Images/artifacts/def1/versions/1.0.0" in error.message

    def test_bypass_deletes_for_good(self, provider: Provider, soft: str) -> None:
        provider.delete(version(gallery="soft"), bypassSoftDelete="true")
        assert provider.list(self.SOFT) == []
        provider.delete(image(gallery="soft"))

    def test_a_soft_deleted_version_holds_its_definition_until_purged(
        self, provider: Provider, soft: str
    ) -> None:
        provider.delete(version(gallery="soft"))
        error = error_of(provider.delete, image(gallery="soft"))
        assert error.code == "CannotDeleteResource" and "versions/1.0.0" in error.message
        assert latest_of_soft(provider) is None
        advance(provider, "8d")  # past the 7-day retention
        assert provider.list(self.SOFT) == []
        provider.delete(image(gallery="soft"))
        provider.delete(gallery("soft"))


def latest_of_soft(provider: Provider) -> str | None:
    return arm.latest_of(provider, image(gallery="soft"))


# -- encryption and edge zones -------------------------------------------------------------------


class TestEncryption:
    KEY = "https://contosovault.vault.azure.net/keys/images/0123"

    @pytest.fixture(autouse=True)
    def sets(self, provider: Provider) -> None:
        for region in ("eastus2", "westus2"):
            provider.put(
                ids.compute_id(SUB, "rg1", "diskEncryptionSets", f"des-{region}"),
                {
                    "location": region,
                    "identity": {"type": "SystemAssigned"},
                    "properties": {"activeKey": {"keyUrl": self.KEY}},
                },
            )

    def regions(self, *blocks: dict[str, Any] | None) -> list[dict[str, Any]]:
        names = ("eastus2", "westus2")
        return [
            {"name": n, **({"encryption": b} if b else {})}
            for n, b in zip(names, blocks, strict=False)
        ]

    def test_each_region_names_its_own_sets(self, provider: Provider, img: str) -> None:
        east = {
            "osDiskImage": {"diskEncryptionSetId": f"{SETS}/des-eastus2"},
            "dataDiskImages": [{"lun": 0, "diskEncryptionSetId": f"{SETS}/des-eastus2"}],
        }
        west = {
            "osDiskImage": {"diskEncryptionSetId": f"{SETS}/des-westus2"},
            "dataDiskImages": [{"lun": 0, "diskEncryptionSetId": f"{SETS}/des-westus2"}],
        }
        made = provider.put(version(), version_body(img, targetRegions=self.regions(east, west)))
        shown = [t["encryption"] for t in made["properties"]["publishingProfile"]["targetRegions"]]
        assert shown[0]["osDiskImage"]["diskEncryptionSetId"] == f"{SETS}/des-eastus2"
        assert shown[1]["dataDiskImages"] == [
            {"lun": 0, "diskEncryptionSetId": f"{SETS}/des-westus2"}
        ]

    @pytest.mark.parametrize(
        "block,message",
        [
            (
                {"osDiskImage": {"diskEncryptionSetId": f"{SETS}/des-westus2"}},
                f"The disk encryption set '{SETS}/des-westus2' is in region 'westus2' and cannot "
                "encrypt the replicas in 'East US 2' (eastus2)",
            ),
            (
                {"osDiskImage": {"diskEncryptionSetId": f"{SETS}/nope"}},
                f"The disk encryption set {SETS}/nope was not found",
            ),
            (
                {"dataDiskImages": [{"lun": 1, "diskEncryptionSetId": f"{SETS}/des-eastus2"}]},
                "An invalid lun [1] was specified in encryption.dataDiskImages. The lun must be "
                "one of the following values ['0']",
            ),
        ],
    )
    def test_a_set_must_exist_in_its_region_for_a_real_disk(
        self, provider: Provider, img: str, block: dict[str, Any], message: str
    ) -> None:
        error = error_of(
            provider.put, version(), version_body(img, targetRegions=self.regions(block))
        )
        assert error.message.startswith(message)
        assert names(provider) == []

    def test_a_disk_encrypted_in_one_region_is_encrypted_in_every_one(
        self, provider: Provider, img: str
    ) -> None:
        east = {"osDiskImage": {"diskEncryptionSetId": f"{SETS}/des-eastus2"}}
        error = error_of(
            provider.put, version(), version_body(img, targetRegions=self.regions(east, None))
        )
        assert "A disk encryption set is required for disk" in error.message
        assert "in target region 'West US 2'" in error.message

    def test_an_existing_regions_encryption_stays(self, provider: Provider, img: str) -> None:
        east = {"osDiskImage": {"diskEncryptionSetId": f"{SETS}/des-eastus2"}}
        made = provider.put(version(), version_body(img, targetRegions=self.regions(east)))
        # a request that leaves it out keeps it (az's update sends regions without it)
        kept = provider.put(version(), version_body(img, targetRegions=self.regions(None)))
        assert kept == made
        other = {"osDiskImage": {"diskEncryptionSetId": f"{SETS}/des-westus2"}}
        error = error_of(
            provider.put, version(), version_body(img, targetRegions=self.regions(other))
        )
        assert error.message == (
            "Changing property 'galleryImageVersion.properties.publishingProfile.targetRegions."
            "encryption' is not allowed."
        )


class TestEdgeZones:
    ZONE = "losangeles"

    def zones(self, **entry: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": "eastus2",
                "extendedLocation": {"name": self.ZONE, "type": "EdgeZone"},
                **entry,
            }
        ]

    def test_what_the_service_fills_in(self, provider: Provider, img: str) -> None:
        made = provider.put(
            version(), version_body(img, replicaCount=2, targetExtendedLocations=self.zones())
        )
        assert made["properties"]["publishingProfile"]["targetExtendedLocations"] == [
            {
                "name": "East US 2",
                "extendedLocation": {"name": self.ZONE, "type": "EdgeZone"},
                "extendedLocationReplicaCount": 2,
                "storageAccountType": "StandardSSD_LRS",
            }
        ]

    def test_a_zone_once_per_region_and_only_in_known_regions(
        self, provider: Provider, img: str
    ) -> None:
        twice = self.zones() + self.zones()
        error = error_of(provider.put, version(), version_body(img, targetExtendedLocations=twice))
        assert error.message.startswith("Duplicate extended locations are not allowed")
        moon = [{**self.zones()[0], "name": "moon"}]
        error = error_of(provider.put, version(), version_body(img, targetExtendedLocations=moon))
        assert error.code == "LocationNotAvailableForResourceType"

    def test_a_zones_storage_type_stays(self, provider: Provider, img: str) -> None:
        provider.put(version(), version_body(img, targetExtendedLocations=self.zones()))
        changed = self.zones(storageAccountType="Premium_LRS")
        error = error_of(
            provider.put, version(), version_body(img, targetExtendedLocations=changed)
        )
        assert error.code == "PropertyChangeNotAllowed"
        assert "targetExtendedLocations.storageAccountType" in error.message


def test_a_vhd_lives_in_the_container_its_record_names(provider: Provider) -> None:
    """A VHD made on sigctl's path may name its blob container (`vhds` if not); a bad
    container name is refused as the storage service refuses it, and only a VHD has one."""
    base = f"/sigctl/subscriptions/{SUB}/resourceGroups/rg1/sources"
    spec = {"location": "eastus2", "osType": "Linux", "storageAccount": "acct1"}
    made = provider.request("PUT", f"{base}/vhd/os", body={**spec, "container": "my-vhds"}).body
    assert made["properties"]["uri"] == "https://acct1.blob.core.windows.net/my-vhds/os.vhd"
    for bad in ("My_Vhds", "ab", "a--b"):
        refused = error_of(
            provider.request, "PUT", f"{base}/vhd/os2", body={**spec, "container": bad}
        )
        assert (refused.code, refused.target) == ("InvalidParameter", "container"), bad
    disk = {"location": "eastus2", "osType": "Linux", "container": "vhds"}
    assert error_of(provider.request, "PUT", f"{base}/disk/d1", body=disk).target == "container"
