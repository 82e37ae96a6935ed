"""Provider layer, state written by an older sigctl: target regions stored by display name.

Stored documents name regions by programmatic name ('eastus2'); ARM shows display names
('East US 2'). State files and snapshots from before kept display names in the target regions of
replicated versions: they must read, update, resolve "latest" and pass the state check as they did.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sigctl.provider import ids, regions
from sigctl.provider.accounts import DEFAULT_SUBSCRIPTION_ID as SUB
from sigctl.provider.service import Provider
from tests import arm
from tests.arm import NOW, cloud, definition_body, image, managed_image, version, version_body

TWO_REGIONS = [{"name": "eastus2"}, {"name": "westus2"}]
_TARGET_LISTS = ("targetRegions", "targetExtendedLocations", "targetLocations")


def _target_lists(document: Any) -> list[list[dict[str, Any]]]:
    props = document["resource"]["properties"]
    return [
        holder[field]
        for holder in (props, props.get("publishingProfile") or {})
        for field in _TARGET_LISTS
        if holder.get(field)
    ]


def stored_names(provider: Provider) -> list[str]:
    """The region names of every stored version's targets."""
    with provider.session() as tx:
        documents = [tx.read(key) for key in tx.all_keys() if key[-2:-1] == ("versions",)]
    return [t["name"] for d in documents for targets in _target_lists(d) for t in targets]


def as_older_state(provider: Provider) -> None:
    """Rewrite every stored version's target regions by display name, as older sigctl did."""
    with provider.session(write=True) as tx:
        for key in [k for k in tx.all_keys() if k[-2:-1] == ("versions",)]:
            document = tx.read(key)
            for targets in _target_lists(document):
                for target in targets:
                    target["name"] = regions.display(target["name"])
            tx.write(key, document)
    assert "East US 2" in stored_names(provider)


def healthy(provider: Provider) -> bool:
    return provider.request("POST", "/sigctl/state/check").body["healthy"]


@pytest.fixture
def provider(home: Path, monkeypatch: pytest.MonkeyPatch) -> Provider:
    monkeypatch.setenv("SIGCTL_NOW", NOW)
    monkeypatch.setenv("SIGCTL_REPLICATION_SPEED", "instant")
    return cloud(Provider(home), "gal1")


@pytest.fixture
def img(provider: Provider) -> str:
    provider.put(image(), definition_body())
    return managed_image(provider)


def test_new_state_keeps_programmatic_names(provider: Provider, img: str) -> None:
    made = provider.put(version(), version_body(img, targetRegions=TWO_REGIONS))
    shown = [t["name"] for t in made["properties"]["publishingProfile"]["targetRegions"]]
    assert shown == ["East US 2", "West US 2"]
    assert stored_names(provider) == ["eastus2", "westus2"]


def test_an_image_version_reads_and_resolves_as_before(provider: Provider, img: str) -> None:
    made = provider.put(version(), version_body(img, targetRegions=TWO_REGIONS))
    expanded = provider.get(version(), **{"$expand": "ReplicationStatus"})
    as_older_state(provider)
    assert provider.get(version()) == made
    assert provider.get(version(), **{"$expand": "ReplicationStatus"}) == expanded
    assert arm.latest_of(provider, image(), "westus2") == "1.0.0"
    assert arm.latest_of(provider, image(), "uksouth") is None
    assert healthy(provider)


def test_an_image_version_updates_as_before(
    provider: Provider, img: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = provider.put(version(), version_body(img, targetRegions=TWO_REGIONS))
    as_older_state(provider)
    assert provider.put(version(), version_body(img, targetRegions=TWO_REGIONS)) == made
    assert stored_names(provider) == ["eastus2", "westus2"]  # a write stores the new way
    as_older_state(provider)
    monkeypatch.delenv("SIGCTL_REPLICATION_SPEED")  # the kept regions must not replicate again
    more = version_body(img, targetRegions=[*TWO_REGIONS, {"name": "uksouth"}])
    assert provider.put(version(), more)["properties"]["provisioningState"] == "Updating"
    summary = provider.get(version(), **{"$expand": "ReplicationStatus"})["properties"][
        "replicationStatus"
    ]["summary"]
    assert [(s["region"], s["state"]) for s in summary] == [
        ("East US 2", "Completed"),
        ("West US 2", "Completed"),
        ("UK South", "Replicating"),
    ]


def test_a_vm_application_version_reads_and_updates_as_before(provider: Provider) -> None:
    application = ids.application_id(SUB, "rg1", "gal1", "agent")
    provider.put(application, {"location": "eastus2", "properties": {"supportedOSType": "Linux"}})
    body = {
        "location": "eastus2",
        "properties": {
            "publishingProfile": {
                "source": {"mediaLink": "https://contoso.blob.core.windows.net/apps/agent.zip"},
                "manageActions": {"install": "./install.sh", "remove": "./remove.sh"},
                "targetRegions": TWO_REGIONS,
            }
        },
    }
    app_version = application.child("versions", "1.0.0")
    made = provider.put(app_version, body)
    as_older_state(provider)
    assert provider.get(app_version) == made
    assert provider.put(app_version, body) == made
    assert healthy(provider)


def test_an_access_control_profile_version_reads_and_updates_as_before(
    provider: Provider, monkeypatch: pytest.MonkeyPatch
) -> None:
    profile = ids.gallery_id(SUB, "rg1", "gal1").child("inVMAccessControlProfiles", "prof1")
    properties = {"osType": "Linux", "applicableHostEndpoint": "WireServer"}
    provider.put(profile, {"location": "eastus2", "properties": properties})
    body = {
        "location": "eastus2",
        "properties": {"mode": "Audit", "defaultAccess": "Allow", "targetLocations": TWO_REGIONS},
    }
    profile_version = profile.child("versions", "1.0.0")
    made = provider.put(profile_version, body)
    assert [t["name"] for t in made["properties"]["targetLocations"]] == ["East US 2", "West US 2"]
    as_older_state(provider)
    assert provider.get(profile_version) == made
    monkeypatch.delenv("SIGCTL_REPLICATION_SPEED")  # the kept regions must not replicate again
    assert provider.put(profile_version, body)["properties"]["provisioningState"] == "Succeeded"
    assert stored_names(provider) == ["eastus2", "westus2"]
    assert healthy(provider)
