"""Provider layer for VM applications and their versions: ARM bodies in, ARM bodies or errors out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sigctl import config
from sigctl.errors import ArmError
from sigctl.provider import clock_ops, ids
from sigctl.provider.accounts import DEFAULT_SUBSCRIPTION_ID as SUB
from sigctl.provider.service import Provider

PACKAGE = "https://contoso.blob.core.windows.net/apps/agent.zip?sv=2024&sig=abc"
APP_PATH = f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Compute/galleries/gal1/applications"


@pytest.fixture
def provider(home: Path, monkeypatch: pytest.MonkeyPatch, backend: str) -> Provider:
    """On each store backend (tests/conftest.py: files, and PostgreSQL)."""
    monkeypatch.setenv("SIGCTL_NOW", "2026-11-26T12:00:00Z")  # a frozen clock
    p = Provider(home)
    p.put(ids.resource_group_id(SUB, "rg1"), {"location": "eastus2"})
    p.put(ids.gallery_id(SUB, "rg1", "gal1"), {"location": "eastus2"})
    return p


def app(name: str = "agent", gallery: str = "gal1") -> ids.ResourceId:
    return ids.application_id(SUB, "rg1", gallery, name)


def version(name: str = "1.0.0", application: str = "agent") -> ids.ResourceId:
    return ids.application_version_id(SUB, "rg1", "gal1", application, name)


def app_body(os_type: str = "Linux", **props: Any) -> dict[str, Any]:
    return {"location": "eastus2", "properties": {"supportedOSType": os_type, **props}}


def version_body(**profile: Any) -> dict[str, Any]:
    publishing = {
        "source": {"mediaLink": PACKAGE},
        "manageActions": {"install": "unzip agent.zip && ./install.sh", "remove": "./remove.sh"},
        **profile,
    }
    return {"location": "eastus2", "properties": {"publishingProfile": publishing}}


def error_of(call: Any, *args: Any, **kwargs: Any) -> ArmError:
    with pytest.raises(ArmError) as raised:
        call(*args, **kwargs)
    return raised.value


def advance(provider: Provider, duration: str) -> None:
    with provider.session(write=True) as tx:
        clock_ops.advance(tx, config.load(provider.home), duration)


@pytest.fixture
def application(provider: Provider) -> dict[str, Any]:
    return provider.put(app(), app_body(description="Monitoring agent"))


# -- applications -------------------------------------------------------------------------------


def test_put_returns_the_service_body(provider: Provider) -> None:
    body = provider.put(app(), app_body("linux", description="d", eula="e"))
    assert body == {
        "id": f"{APP_PATH}/agent",
        "name": "agent",
        "type": "Microsoft.Compute/galleries/applications",
        "location": "eastus2",
        "properties": {
            "supportedOSType": "Linux",
            "description": "d",
            "eula": "e",
            "provisioningState": "Succeeded",
        },
    }
    assert provider.get(app("AGENT")) == body  # names are case-insensitive
    assert provider.list(ids.compute_id(SUB, "rg1", "galleries", "gal1", "applications")) == [body]


def test_supported_os_type_is_required_and_checked(provider: Provider) -> None:
    missing = error_of(provider.put, app(), {"location": "eastus2", "properties": {}})
    assert (missing.code, missing.status) == ("InvalidParameter", 400)
    assert "'galleryApplication.properties.supportedOSType' is missing" in missing.message
    bad = error_of(provider.put, app(), app_body("Solaris"))
    assert "Allowed values are: Windows, Linux." in bad.message


@pytest.mark.parametrize("name", ["agent-", "_agent", "a b", "x" * 81])
def test_invalid_application_names(provider: Provider, name: str) -> None:
    error = error_of(provider.put, app(name), app_body())
    assert error.code == "InvalidParameter" and error.target == "galleryApplicationName"


def test_trailing_period_is_refused_as_arm_does(provider: Provider) -> None:
    error = error_of(provider.put, app("agent."), app_body())
    assert error.code == "InvalidResourceName"
    assert "'gal1/agent.' has these invalid trailing characters: '.'" in error.message


def test_parents_must_exist(provider: Provider) -> None:
    no_gallery = error_of(provider.put, app(gallery="nope"), app_body())
    assert (no_gallery.code, no_gallery.status) == ("ParentResourceNotFound", 404)
    no_group = error_of(
        provider.put, ids.application_id(SUB, "nogroup", "gal1", "agent"), app_body()
    )
    assert no_group.code == "ResourceGroupNotFound"
    missing = error_of(provider.get, app("nope"))
    assert missing.code == "ResourceNotFound" and missing.status == 404
    assert "'Microsoft.Compute/galleries/gal1/applications/nope'" in missing.message


def test_os_type_and_location_cannot_change(
    provider: Provider, application: dict[str, Any]
) -> None:
    changed = error_of(provider.put, app(), app_body("Windows"))
    assert (changed.code, changed.status) == ("PropertyChangeNotAllowed", 409)
    assert changed.target == "galleryApplication.properties.supportedOSType"
    moved = error_of(provider.put, app(), {**app_body(), "location": "westus2"})
    assert moved.code == "InvalidResourceLocation"
    updated = provider.put(app(), app_body(description="new", endOfLifeDate="2030-01-01T00:00:00Z"))
    assert updated["properties"]["description"] == "new"
    assert updated["properties"]["endOfLifeDate"] == "2030-01-01T00:00:00+00:00"


def test_custom_actions_are_checked(provider: Provider) -> None:
    good = {"name": "restart", "script": "systemctl restart agent", "parameters": [{"name": "x"}]}
    body = provider.put(app(), app_body(customActions=[good]))
    assert body["properties"]["customActions"] == [good]
    no_script = error_of(provider.put, app(), app_body(customActions=[{"name": "a"}]))
    assert no_script.target == "properties.customActions[0].script"
    twice = error_of(provider.put, app(), app_body(customActions=[good, good]))
    assert "used more than once" in twice.message
    bad_type = {**good, "parameters": [{"name": "x", "type": "Blob"}]}
    assert error_of(provider.put, app(), app_body(customActions=[bad_type])).status == 400


def test_a_shared_gallery_holds_no_applications(provider: Provider) -> None:
    provider.put(
        ids.gallery_id(SUB, "rg1", "shared1"),
        {"location": "eastus2", "properties": {"sharingProfile": {"permissions": "Groups"}}},
    )
    error = error_of(provider.put, app(gallery="shared1"), app_body())
    assert error.code == "InvalidParameter" and "not VM applications" in error.message


def test_delete_order(provider: Provider, application: dict[str, Any]) -> None:
    provider.put(version(), version_body())
    blocked = error_of(provider.delete, ids.gallery_id(SUB, "rg1", "gal1"))
    assert (blocked.code, blocked.status) == ("CannotDeleteResource", 409)
    assert "'Microsoft.Compute/galleries/gal1/applications/agent'" in blocked.message
    held = error_of(provider.delete, app())
    assert "'Microsoft.Compute/galleries/gal1/applications/agent/versions/1.0.0'" in held.message
    provider.delete(version())
    provider.delete(version())  # 204: already gone
    provider.delete(app())
    provider.delete(ids.gallery_id(SUB, "rg1", "gal1"))
    assert error_of(provider.get, ids.gallery_id(SUB, "rg1", "gal1")).status == 404


# -- versions -----------------------------------------------------------------------------------


def test_version_defaults_filled_by_the_service(
    provider: Provider, application: dict[str, Any]
) -> None:
    body = provider.put(version(), version_body())
    profile = body["properties"]["publishingProfile"]
    assert profile["targetRegions"] == [
        {"name": "East US 2", "regionalReplicaCount": 1, "storageAccountType": "Standard_LRS"}
    ]
    assert (profile["replicaCount"], profile["storageAccountType"]) == (1, "Standard_LRS")
    assert (profile["excludeFromLatest"], profile["enableHealthCheck"]) == (False, False)
    assert profile["publishedDate"] == "2026-11-26T12:00:00.0000000+00:00"
    assert profile["source"] == {"mediaLink": PACKAGE}
    assert body["properties"]["safetyProfile"] == {"allowDeletionOfReplicatedLocations": False}
    assert body["properties"]["provisioningState"] == "Creating"
    assert body["type"] == "Microsoft.Compute/galleries/applications/versions"


def test_versions_replicate_over_the_clock(provider: Provider, application: dict[str, Any]) -> None:
    provider.put(
        version(),
        version_body(targetRegions=[{"name": "eastus2"}, {"name": "westus2"}]),
    )

    def status() -> dict[str, Any]:
        return provider.get(version(), **{"$expand": "ReplicationStatus"})["properties"]

    first = status()
    assert first["replicationStatus"]["aggregatedState"] == "InProgress"
    assert [s["state"] for s in first["replicationStatus"]["summary"]] == ["Replicating"] * 2
    assert "replicationStatus" not in provider.get(version())["properties"]
    advance(provider, "1h")
    done = status()
    assert done["provisioningState"] == "Succeeded"
    assert done["replicationStatus"] == {
        "aggregatedState": "Completed",
        "summary": [
            {"region": "East US 2", "state": "Completed", "progress": 100, "details": ""},
            {"region": "West US 2", "state": "Completed", "progress": 100, "details": ""},
        ],
    }


def test_adding_a_region_replicates_only_there(
    provider: Provider, application: dict[str, Any]
) -> None:
    provider.put(version(), version_body())
    advance(provider, "1h")
    updated = provider.put(
        version(), version_body(targetRegions=[{"name": "eastus2"}, {"name": "westus2"}])
    )
    assert updated["properties"]["provisioningState"] == "Updating"
    summary = provider.get(version(), **{"$expand": "ReplicationStatus"})["properties"][
        "replicationStatus"
    ]["summary"]
    assert [(s["region"], s["state"]) for s in summary] == [
        ("East US 2", "Completed"),
        ("West US 2", "Replicating"),
    ]


def test_removing_a_replicated_region_needs_the_safety_flag(
    provider: Provider, application: dict[str, Any]
) -> None:
    both = [{"name": "eastus2"}, {"name": "westus2"}]
    provider.put(version(), version_body(targetRegions=both))
    advance(provider, "1h")
    refused = error_of(provider.put, version(), version_body())
    assert (refused.code, refused.status) == ("OperationNotAllowed", 409)
    allowed = version_body()
    allowed["properties"]["safetyProfile"] = {"allowDeletionOfReplicatedLocations": True}
    regions = provider.put(version(), allowed)["properties"]["publishingProfile"]["targetRegions"]
    assert [r["name"] for r in regions] == ["East US 2"]


def test_replicas_per_region_are_limited_to_three(
    provider: Provider, application: dict[str, Any]
) -> None:
    error = error_of(
        provider.put,
        version(),
        version_body(targetRegions=[{"name": "eastus2", "regionalReplicaCount": 4}]),
    )
    assert error.message == (
        "The value 4 of parameter targetRegions[0].regionalReplicaCount is out of range. "
        "The value must be between 1 and 3, inclusive."
    )
    body = provider.put(version(), version_body(replicaCount=3))
    assert body["properties"]["publishingProfile"]["targetRegions"][0]["regionalReplicaCount"] == 3


def test_target_regions_must_hold_the_version_location(
    provider: Provider, application: dict[str, Any]
) -> None:
    error = error_of(provider.put, version(), version_body(targetRegions=[{"name": "westus2"}]))
    assert error.message == (
        "Gallery application version publishing profile regions 'West US 2' must contain the "
        "location of application version 'East US 2'."
    )


@pytest.mark.parametrize(
    "name,path",
    [
        ("1.0", "galleryApplicationVersionName"),
        ("1.0.x", "galleryApplicationVersionName"),
        ("latest", "galleryApplicationVersionName"),
    ],
)
def test_version_names(
    provider: Provider, application: dict[str, Any], name: str, path: str
) -> None:
    error = error_of(provider.put, version(name), version_body())
    assert error.target == path
    assert error.message.startswith("The application version name is invalid.")


def test_a_second_spelling_of_a_version_is_refused(
    provider: Provider, application: dict[str, Any]
) -> None:
    provider.put(version("1.0.0"), version_body())
    error = error_of(provider.put, version("01.0.0"), version_body())
    assert error.code == "Conflict" and "existing version '1.0.0'" in error.message


@pytest.mark.parametrize(
    "profile,target",
    [
        ({"source": {}}, "properties.publishingProfile.source.mediaLink"),
        ({"source": {"mediaLink": "package.zip"}}, "properties.publishingProfile.source.mediaLink"),
        ({"manageActions": {"install": "x"}}, "properties.publishingProfile.manageActions.remove"),
        (
            {"manageActions": {"install": "x" * 4097, "remove": "y"}},
            "properties.publishingProfile.manageActions.install",
        ),
        (
            {"settings": {"scriptBehaviorAfterReboot": "Reboot"}},
            "properties.publishingProfile.settings.scriptBehaviorAfterReboot",
        ),
    ],
)
def test_package_fields_are_checked(
    provider: Provider, application: dict[str, Any], profile: dict[str, Any], target: str
) -> None:
    error = error_of(provider.put, version(), version_body(**profile))
    assert error.status == 400 and error.target == target


def test_publishing_profile_is_required(provider: Provider, application: dict[str, Any]) -> None:
    error = error_of(provider.put, version(), {"location": "eastus2", "properties": {}})
    assert error.message == "Required parameter 'publishingProfile' is missing (null)."


def test_the_package_cannot_change(provider: Provider, application: dict[str, Any]) -> None:
    provider.put(version(), version_body())
    other = version_body(source={"mediaLink": "https://contoso.blob.core.windows.net/apps/v2.zip"})
    error = error_of(provider.put, version(), other)
    assert error.code == "PropertyChangeNotAllowed"
    assert error.target == "galleryApplicationVersion.properties.publishingProfile.source.mediaLink"
    storage = error_of(provider.put, version(), version_body(storageAccountType="Standard_ZRS"))
    assert storage.target == (
        "galleryApplicationVersion.properties.publishingProfile.storageAccountType"
    )
    later = provider.put(version(), version_body(endOfLifeDate="2031-01-01T00:00:00Z"))
    assert later["properties"]["publishingProfile"]["endOfLifeDate"] == "2031-01-01T00:00:00+00:00"


def test_unemulated_targets_are_refused(provider: Provider, application: dict[str, Any]) -> None:
    encrypted = version_body(
        targetRegions=[
            {"name": "eastus2", "encryption": {"osDiskImage": {"diskEncryptionSetId": "x"}}}
        ]
    )
    assert "not emulated" in error_of(provider.put, version(), encrypted).message
    zones = version_body(targetExtendedLocations=[{"name": "westus"}])
    assert "not emulated" in error_of(provider.put, version(), zones).message


def test_version_parents_must_exist(provider: Provider, application: dict[str, Any]) -> None:
    no_app = error_of(provider.put, version(application="nope"), version_body())
    assert (no_app.code, no_app.message.endswith("Parent resource 'nope' not found.")) == (
        "ParentResourceNotFound",
        True,
    )
    missing = error_of(provider.get, version("9.9.9"))
    assert "'Microsoft.Compute/galleries/gal1/applications/agent/versions/9.9.9'" in missing.message
    listing = error_of(
        provider.list, ids.application_id(SUB, "rg1", "gal1", "nope").child("versions")
    )
    assert "'Microsoft.Compute/galleries/gal1/applications/nope'" in listing.message


def test_versions_list_in_numeric_order(provider: Provider, application: dict[str, Any]) -> None:
    for name in ("1.10.0", "1.9.0", "1.0.0"):
        provider.put(version(name), version_body())
    listed = provider.list(app().child("versions"))
    assert [v["name"] for v in listed] == ["1.0.0", "1.9.0", "1.10.0"]


def test_roles_are_checked(provider: Provider, application: dict[str, Any]) -> None:
    from datetime import UTC, datetime

    from sigctl.provider import accounts, rbac

    provider.put(app("other"), app_body())
    with provider.session(write=True) as tx:
        home = accounts.default_subscription(tx)["tenantId"]
        reader = accounts.create_principal(
            tx,
            "user",
            home,
            {"userPrincipalName": "reader@sigctl.onmicrosoft.com", "displayName": "r"},
        )
        rbac.create_assignment(tx, datetime.now(UTC), reader, rbac.ROLES["reader"], str(app()))
    as_reader = Provider(provider.home, reader["id"])
    assert as_reader.get(app())["name"] == "agent"
    listed = as_reader.list(ids.compute_id(SUB, "rg1", "galleries", "gal1", "applications"))
    assert [a["name"] for a in listed] == ["agent"]  # lists show only what the caller may read
    denied = error_of(as_reader.put, version(), version_body())
    assert (denied.code, denied.status) == ("AuthorizationFailed", 403)
    assert "'Microsoft.Compute/galleries/applications/versions/write'" in denied.message
    assert error_of(as_reader.get, app("other")).code == "AuthorizationFailed"
