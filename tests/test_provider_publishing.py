"""Provider layer: an image version's publishing profile (sigctl.provider.publishing).

ARM bodies in, ARM bodies or ArmError out: the defaults the service fills in, the shapes and
values it refuses, replica counts, and what a PUT on a published version may change. The rules
do not depend on the store, so these tests run on the file backend only.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sigctl.errors import ArmError
from sigctl.provider import ids
from sigctl.provider.service import Provider
from tests.arm import (
    NOW,
    SUB,
    cloud,
    definition_body,
    error_of,
    gallery,
    image,
    latest_of,
    managed_image,
    version,
    version_body,
)

TWO = [{"name": "eastus2"}, {"name": "westus2"}]


@pytest.fixture
def provider(home: Path, monkeypatch: pytest.MonkeyPatch) -> Provider:
    monkeypatch.setenv("SIGCTL_NOW", NOW)
    monkeypatch.setenv("SIGCTL_REPLICATION_SPEED", "instant")
    made = cloud(Provider(home), "gal1")
    made.put(image(), definition_body())
    return made


@pytest.fixture
def img(provider: Provider) -> str:
    return managed_image(provider)


def profile(body: dict[str, Any]) -> dict[str, Any]:
    published: dict[str, Any] = body["properties"]["publishingProfile"]
    return published


def targets(body: dict[str, Any]) -> list[tuple[str, int, str]]:
    return [
        (t["name"], t["regionalReplicaCount"], t["storageAccountType"])
        for t in profile(body)["targetRegions"]
    ]


def advance(provider: Provider, by: str) -> None:
    provider.request("POST", "/sigctl/clock/advance", body={"by": by})


def states(provider: Provider) -> list[tuple[str, str]]:
    expanded = provider.get(version(), **{"$expand": "ReplicationStatus"})
    return [
        (s["region"], s["state"]) for s in expanded["properties"]["replicationStatus"]["summary"]
    ]


# -- what the service fills in --------------------------------------------------------------------


def test_no_profile_publishes_once_to_the_home_region(provider: Provider) -> None:
    west = managed_image(provider, "west", location="westus2")
    made = provider.put(version(), version_body(west, location="West US 2"))
    assert profile(made) == {
        "targetRegions": [
            {"name": "West US 2", "regionalReplicaCount": 1, "storageAccountType": "Standard_LRS"}
        ],
        "replicaCount": 1,
        "excludeFromLatest": False,
        "publishedDate": "2026-11-26T12:00:00.0000000+00:00",
        "storageAccountType": "Standard_LRS",
    }


def test_what_a_region_says_of_itself_is_kept_as_said(provider: Provider, img: str) -> None:
    regions = [
        {"name": "EASTUS2", "excludeFromLatest": False},
        {"name": "westus2", "excludeFromLatest": True, "storageAccountType": "PremiumV2_LRS"},
    ]
    made = provider.put(
        version(), version_body(img, targetRegions=regions, endOfLifeDate="2031-01-01T01:02:03Z")
    )
    assert profile(made)["targetRegions"] == [
        {
            "name": "East US 2",
            "regionalReplicaCount": 1,
            "storageAccountType": "Standard_LRS",
            "excludeFromLatest": False,
        },
        {
            "name": "West US 2",
            "regionalReplicaCount": 1,
            "storageAccountType": "PremiumV2_LRS",
            "excludeFromLatest": True,
        },
    ]
    assert profile(made)["endOfLifeDate"] == "2031-01-01T01:02:03+00:00"
    assert "replicationMode" not in profile(made)  # only when asked for


# -- what the service refuses ---------------------------------------------------------------------

NOT_READ = "The request content was invalid and could not be deserialized: "


@pytest.mark.parametrize(
    "publishing,code,target,message",
    [
        (
            {"storageAccountType": "Cheap"},
            "InvalidParameter",
            "storageAccountType",
            "The value 'Cheap' of parameter 'storageAccountType' is not valid. Allowed values "
            "are: Standard_LRS, Standard_ZRS, Premium_LRS, PremiumV2_LRS.",
        ),
        (
            {"targetRegions": [{"name": "eastus2", "storageAccountType": "x"}]},
            "InvalidParameter",
            "targetRegions[0].storageAccountType",
            "The value 'x' of parameter 'targetRegions[0].storageAccountType' is not valid. "
            "Allowed values are: Standard_LRS, Standard_ZRS, Premium_LRS, PremiumV2_LRS.",
        ),
        (
            {"replicationMode": "Half"},
            "InvalidParameter",
            "replicationMode",
            "The value 'Half' of parameter 'replicationMode' is not valid. Allowed values are: "
            "Full, Shallow.",
        ),
        (
            {"replicationMode": "Shallow", "replicaCount": 2},
            "InvalidParameter",
            "replicationMode",
            "Shallow replication supports exactly one target region, the version's own "
            "location, with a replica count of 1.",
        ),
        (
            {"replicaCount": "2"},
            "InvalidRequestContent",
            "replicaCount",
            NOT_READ + "'Error converting value '2' to type 'Int32'. Path 'replicaCount'.'",
        ),
        (
            {"replicaCount": True},
            "InvalidRequestContent",
            "replicaCount",
            NOT_READ + "'Error converting value True to type 'Int32'. Path 'replicaCount'.'",
        ),
        (
            {"excludeFromLatest": "maybe"},
            "InvalidRequestContent",
            "publishingProfile.excludeFromLatest",
            NOT_READ + "'Error converting value 'maybe' to type 'Boolean'. "
            "Path 'publishingProfile.excludeFromLatest'.'",
        ),
        (
            {"targetRegions": [{"name": "eastus2", "excludeFromLatest": "no"}]},
            "InvalidRequestContent",
            "publishingProfile.targetRegions[0].excludeFromLatest",
            NOT_READ + "'Error converting value 'no' to type 'Boolean'. "
            "Path 'publishingProfile.targetRegions[0].excludeFromLatest'.'",
        ),
        (
            {"targetRegions": {"name": "eastus2"}},
            "InvalidRequestContent",
            "publishingProfile.targetRegions",
            NOT_READ + "'Error converting value {'name': 'eastus2'} to type 'List'. "
            "Path 'publishingProfile.targetRegions'.'",
        ),
        (
            {"targetRegions": ["eastus2"]},
            "InvalidRequestContent",
            "publishingProfile.targetRegions[0]",
            NOT_READ + "'Error converting value 'eastus2' to type 'Object'. "
            "Path 'publishingProfile.targetRegions[0]'.'",
        ),
        (
            {"endOfLifeDate": "soon"},
            "InvalidRequestContent",
            "properties.publishingProfile.endOfLifeDate",
            "Could not convert string to DateTimeOffset: soon. "
            "Path 'properties.publishingProfile.endOfLifeDate'.",
        ),
    ],
)
def test_refused_profiles(
    provider: Provider,
    img: str,
    publishing: dict[str, Any],
    code: str,
    target: str,
    message: str,
) -> None:
    error = error_of(provider.put, version(), version_body(img, **publishing))
    assert (error.code, error.status, error.target, error.message) == (code, 400, target, message)
    assert provider.list(image().child("versions")) == []


def test_a_region_needs_a_name(provider: Provider, img: str) -> None:
    error = error_of(provider.put, version(), version_body(img, targetRegions=[{}]))
    assert (error.code, error.status) == ("LocationNotAvailableForResourceType", 400)
    assert error.message.startswith(
        "The provided location '' is not available for resource type "
        "'Microsoft.Compute/galleries/images/versions'."
    )


# -- replica counts -------------------------------------------------------------------------------

ONE_HOME = settings(
    deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=40
)


@pytest.fixture
def names() -> Iterator[str]:
    """A new version name for each example (hypothesis reuses the test's provider)."""
    return (f"1.0.{i}" for i in itertools.count())


@ONE_HOME
@given(
    count=st.one_of(st.integers(-2, 3), st.integers(98, 102), st.integers(-(2**40), 2**40)),
    where=st.sampled_from(["replicaCount", "regionalReplicaCount", "extendedLocationReplicaCount"]),
)
def test_a_replica_count_is_between_1_and_100(
    provider: Provider, img: str, names: Iterator[str], count: int, where: str
) -> None:
    """Wherever a count is given, 1 to 100 is kept as given and anything else is refused with
    the service's message, naming the parameter as the request spelt it."""
    zone = {"name": "eastus2", "extendedLocation": {"name": "losangeles", "type": "EdgeZone"}}
    if where == "replicaCount":
        publishing: dict[str, Any] = {"replicaCount": count}
        path = "replicaCount"
    elif where == "regionalReplicaCount":
        publishing = {"targetRegions": [{"name": "eastus2", "regionalReplicaCount": count}]}
        path = "targetRegions[0].regionalReplicaCount"
    else:
        publishing = {"targetExtendedLocations": [{**zone, "extendedLocationReplicaCount": count}]}
        path = "targetExtendedLocations[0].extendedLocationReplicaCount"
    name = next(names)
    try:
        made = provider.put(version(name), version_body(img, **publishing))
    except ArmError as refused:
        assert not 1 <= count <= 100
        assert (refused.code, refused.status, refused.target) == ("InvalidParameter", 400, path)
        assert refused.message == (
            f"The value {count} of parameter {path} is out of range. The value must be between "
            "1 and 100, inclusive."
        )
        return
    assert 1 <= count <= 100
    published = profile(made)
    kept = {
        "replicaCount": published["replicaCount"],
        "regionalReplicaCount": published["targetRegions"][0]["regionalReplicaCount"],
        "extendedLocationReplicaCount": (published.get("targetExtendedLocations") or [{}])[0].get(
            "extendedLocationReplicaCount"
        ),
    }
    assert kept[where] == count


def test_a_regions_count_defaults_to_the_versions(provider: Provider, img: str) -> None:
    regions = [{"name": "eastus2"}, {"name": "westus2", "regionalReplicaCount": 1}]
    made = provider.put(version(), version_body(img, replicaCount=5, targetRegions=regions))
    assert targets(made) == [("East US 2", 5, "Standard_LRS"), ("West US 2", 1, "Standard_LRS")]


# -- a PUT on a published version -----------------------------------------------------------------


class TestRepublish:
    @pytest.fixture
    def made(self, provider: Provider, img: str) -> dict[str, Any]:
        body = version_body(img, targetRegions=TWO)
        body["tags"] = {"team": "images"}
        return provider.put(version(), body)

    def test_a_put_without_tags_drops_them(self, provider: Provider, img: str, made: Any) -> None:
        again = provider.put(version(), version_body(img, targetRegions=TWO))
        assert "tags" not in again
        assert again["properties"] == made["properties"]

    def test_fewer_replicas_need_no_replication(
        self, provider: Provider, img: str, made: Any
    ) -> None:
        more = [{"name": "eastus2", "regionalReplicaCount": 3}, {"name": "westus2"}]
        assert provider.put(version(), version_body(img, targetRegions=more))
        fewer = [{"name": "eastus2", "regionalReplicaCount": 2}, {"name": "westus2"}]
        updated = provider.put(version(), version_body(img, targetRegions=fewer))
        assert targets(updated)[0] == ("East US 2", 2, "Standard_LRS")
        assert updated["properties"]["provisioningState"] == "Succeeded"

    def test_the_safety_profile_may_change(self, provider: Provider, img: str, made: Any) -> None:
        body = version_body(img, targetRegions=TWO)
        body["properties"]["safetyProfile"] = {
            "allowDeletionOfReplicatedLocations": True,
            "blockDeletionBeforeEndOfLife": True,
        }
        updated = provider.put(version(), body)
        assert updated["properties"]["safetyProfile"] == {
            "reportedForPolicyViolation": False,
            "allowDeletionOfReplicatedLocations": True,
            "blockDeletionBeforeEndOfLife": True,
        }

    def test_a_region_whose_replication_failed_may_leave(
        self, provider: Provider, img: str
    ) -> None:
        provider.request("POST", "/sigctl/faults", body={"region": "westus2"})
        provider.put(version(), version_body(img, targetRegions=TWO))
        assert states(provider) == [("East US 2", "Completed"), ("West US 2", "Failed")]
        assert provider.get(version())["properties"]["provisioningState"] == "Failed"
        # it holds no replicas, so allowDeletionOfReplicatedLocations is not needed
        fewer = provider.put(version(), version_body(img))
        assert targets(fewer) == [("East US 2", 1, "Standard_LRS")]
        assert fewer["properties"]["provisioningState"] == "Succeeded"

    def test_more_replicas_copy_while_the_region_serves(
        self, provider: Provider, img: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("SIGCTL_REPLICATION_SPEED")  # replication moves with the clock
        provider.put(version(), version_body(img, targetRegions=TWO))
        advance(provider, "2h")
        assert provider.get(version())["properties"]["provisioningState"] == "Succeeded"
        more = [{"name": "eastus2"}, {"name": "westus2", "regionalReplicaCount": 3}]
        updated = provider.put(version(), version_body(img, targetRegions=more))
        assert updated["properties"]["provisioningState"] == "Updating"
        assert states(provider) == [("East US 2", "Completed"), ("West US 2", "Replicating")]
        assert latest_of(provider, image(), "westus2") == "1.0.0"  # the first replica serves
        advance(provider, "2h")
        assert states(provider) == [("East US 2", "Completed"), ("West US 2", "Completed")]


# -- restore --------------------------------------------------------------------------------------


class TestRestore:
    SOFT = ids.compute_id(
        SUB, "rg1", "galleries", "soft", "softDeletedArtifactTypes", "Images", "artifacts", "def1"
    )

    @pytest.fixture
    def deleted(self, provider: Provider, img: str) -> None:
        policy = {"softDeletePolicy": {"isSoftDeleteEnabled": True}}
        provider.put(gallery("soft"), {"location": "eastus2", "properties": policy})
        provider.put(image(gallery="soft"), definition_body())
        body = version_body(img)
        body["tags"] = {"old": "1"}
        provider.put(version(gallery="soft"), body)
        provider.delete(version(gallery="soft"))

    def test_a_restore_may_set_tags_and_the_safety_flag(
        self, provider: Provider, deleted: None
    ) -> None:
        restored = provider.patch(
            version(gallery="soft"),
            {
                "tags": {"new": "2"},
                "properties": {
                    "restore": True,
                    "safetyProfile": {"allowDeletionOfReplicatedLocations": True},
                },
            },
        )
        assert restored["tags"] == {"new": "2"}
        assert restored["properties"]["safetyProfile"]["allowDeletionOfReplicatedLocations"]
        assert provider.get(version(gallery="soft")) == restored

    def test_only_image_versions_are_soft_deleted(self, provider: Provider, deleted: None) -> None:
        assert [v["name"] for v in provider.list(self.SOFT.child("versions"))] == ["1.0.0"]
        other = ids.compute_id(
            SUB,
            "rg1",
            "galleries",
            "soft",
            "softDeletedArtifactTypes",
            "Applications",
            "artifacts",
            "def1",
            "versions",
        )
        error = error_of(provider.list, other)
        assert (error.code, error.status, error.target) == ("InvalidParameter", 400, "artifactType")
        assert error.message == (
            "The artifact type 'Applications' is not supported; soft-deleted artifacts are of "
            "type 'Images'."
        )
