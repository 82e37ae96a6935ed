"""In-VM access control profiles and their versions: provider rules, replication, the CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sigctl.errors import ArmError
from sigctl.provider import accounts, ids, rbac
from sigctl.provider.accounts import DEFAULT_SUBSCRIPTION_ID as SUB
from sigctl.provider.accounts import DEFAULT_TENANT_ID as TENANT
from sigctl.provider.service import Provider
from tests.conftest import Runner

GALLERY = ids.gallery_id(SUB, "rg1", "gal1")
PROFILE = GALLERY.child("inVMAccessControlProfiles", "prof1")
V1 = PROFILE.child("versions", "1.0.0")
LINUX_WIRESERVER = {"osType": "Linux", "applicableHostEndpoint": "WireServer"}
RULES = {
    "privileges": [
        {"name": "GoalState", "path": "/machine", "queryParameters": {"comp": "goalstate"}}
    ],
    "roles": [{"name": "Provisioning", "privileges": ["GoalState"]}],
    "identities": [{"name": "WinPA", "userName": "SYSTEM", "processName": "cscript"}],
    "roleAssignments": [{"role": "Provisioning", "identities": ["WinPA"]}],
}


def error_of(call: Any, *args: Any, **query: Any) -> ArmError:
    with pytest.raises(ArmError) as raised:
        call(*args, **query)
    return raised.value


def version_body(**props: Any) -> dict[str, Any]:
    return {
        "location": "eastus2",
        "properties": {"mode": "Audit", "defaultAccess": "Allow", **props},
    }


@pytest.fixture
def provider(home: Path, monkeypatch: pytest.MonkeyPatch) -> Provider:
    monkeypatch.setenv("SIGCTL_REPLICATION_SPEED", "instant")
    p = Provider(home)
    p.put(ids.resource_group_id(SUB, "rg1"), {"location": "eastus2"})
    p.put(GALLERY, {"location": "eastus2", "properties": {}})
    p.put(PROFILE, {"location": "eastus2", "properties": LINUX_WIRESERVER})
    return p


# -- profiles -------------------------------------------------------------------------------------


def test_profile_body(provider: Provider) -> None:
    assert provider.get(PROFILE.parent().child("inVMAccessControlProfiles", "PROF1")) == {
        "id": str(PROFILE),
        "name": "prof1",
        "type": "Microsoft.Compute/galleries/inVMAccessControlProfiles",
        "location": "eastus2",
        "properties": {
            "osType": "Linux",
            "applicableHostEndpoint": "WireServer",
            "provisioningState": "Succeeded",
        },
    }
    collection = GALLERY.child("inVMAccessControlProfiles")
    assert [p["name"] for p in provider.list(collection)] == ["prof1"]


@pytest.mark.parametrize(
    "name,body,code,status",
    [
        ("p2", {"location": "eastus2", "properties": {"osType": "Linux"}}, "InvalidParameter", 400),
        (
            "p2",
            {"location": "eastus2", "properties": {**LINUX_WIRESERVER, "osType": "BeOS"}},
            "InvalidParameter",
            400,
        ),
        ("-p2", {"location": "eastus2", "properties": LINUX_WIRESERVER}, "InvalidParameter", 400),
        (
            "p" * 81,
            {"location": "eastus2", "properties": LINUX_WIRESERVER},
            "InvalidParameter",
            400,
        ),
        (
            "prof1",
            {"location": "eastus2", "properties": {**LINUX_WIRESERVER, "osType": "Windows"}},
            "PropertyChangeNotAllowed",
            409,
        ),
        (
            "prof1",
            {"location": "westus", "properties": LINUX_WIRESERVER},
            "InvalidResourceLocation",
            409,
        ),
    ],
)
def test_profile_puts_that_are_refused(
    provider: Provider, name: str, body: dict[str, Any], code: str, status: int
) -> None:
    error = error_of(provider.put, GALLERY.child("inVMAccessControlProfiles", name), body)
    assert (error.code, error.status) == (code, status)


def test_profile_endpoint_and_description_can_change(provider: Provider) -> None:
    patched = provider.patch(
        PROFILE, {"properties": {"applicableHostEndpoint": "IMDS", "description": "d"}}
    )
    assert patched["properties"]["applicableHostEndpoint"] == "IMDS"
    assert patched["properties"]["osType"] == "Linux"
    assert provider.get(PROFILE)["properties"]["description"] == "d"


def test_parents_must_exist(provider: Provider) -> None:
    orphan = ids.gallery_id(SUB, "rg1", "nosuch").child("inVMAccessControlProfiles", "p")
    error = error_of(provider.put, orphan, {"location": "eastus2", "properties": LINUX_WIRESERVER})
    assert (error.code, error.status) == ("ParentResourceNotFound", 404)
    assert error_of(provider.get, orphan).code == "ResourceNotFound"
    no_profile = GALLERY.child("inVMAccessControlProfiles", "x").child("versions", "1.0.0")
    assert error_of(provider.put, no_profile, version_body()).code == "ParentResourceNotFound"
    assert error_of(provider.get, no_profile).code == "ResourceNotFound"


# -- versions -------------------------------------------------------------------------------------


def test_version_body_and_defaults(provider: Provider) -> None:
    body = provider.put(V1, version_body(rules=RULES))
    props = body["properties"]
    assert body["type"] == "Microsoft.Compute/galleries/inVMAccessControlProfiles/versions"
    assert props["rules"] == RULES
    assert props["targetLocations"] == [{"name": "East US 2"}]  # the version's own region
    assert props["excludeFromLatest"] is False
    assert props["provisioningState"] == "Succeeded"  # instant replication
    assert "replicationStatus" not in props
    expanded = provider.get(V1, **{"$expand": "ReplicationStatus"})["properties"]
    assert expanded["replicationStatus"] == {
        "aggregatedState": "Completed",
        "summary": [{"region": "East US 2", "state": "Completed", "progress": 100, "details": ""}],
    }


@pytest.mark.parametrize(
    "props,code",
    [
        ({"mode": None}, "InvalidParameter"),
        ({"defaultAccess": "Maybe"}, "InvalidParameter"),
        ({"targetLocations": [{"name": "westus"}]}, "InvalidParameter"),
        ({"targetLocations": [{"name": "eastus2"}, {"name": "East US 2"}]}, "InvalidParameter"),
        ({"targetLocations": [{"name": "mars"}]}, "LocationNotAvailableForResourceType"),
        ({"targetLocations": [{"name": "eastus2", "regionalReplicaCount": 0}]}, "InvalidParameter"),
        ({"rules": {"privileges": [{"name": "p"}]}}, "InvalidParameter"),
        ({"rules": {"roles": [{"name": "r", "privileges": ["undefined"]}]}}, "InvalidParameter"),
        (
            {
                "rules": {
                    **RULES,
                    "roleAssignments": [{"role": "Provisioning", "identities": ["x"]}],
                }
            },
            "InvalidParameter",
        ),
        (
            {"rules": {**RULES, "roleAssignments": [{"role": "nobody", "identities": ["WinPA"]}]}},
            "InvalidParameter",
        ),
        ({"rules": {"identities": [{"name": "a"}, {"name": "A"}]}}, "InvalidParameter"),
        ({"excludeFromLatest": "yes"}, "InvalidRequestContent"),
    ],
)
def test_version_puts_that_are_refused(
    provider: Provider, props: dict[str, Any], code: str
) -> None:
    error = error_of(provider.put, V1, version_body(**props))
    assert (error.code, error.status) == (code, 400)
    assert provider.list(PROFILE.child("versions")) == []


def test_version_names(provider: Provider) -> None:
    for name in ("1.0", "latest", "1.0.2147483648"):
        error = error_of(provider.put, PROFILE.child("versions", name), version_body())
        assert error.target == "inVMAccessControlProfileVersionName"


def test_what_a_version_update_may_change(provider: Provider) -> None:
    provider.put(V1, version_body(rules=RULES))
    changed = provider.patch(V1, {"properties": {"mode": "Enforce", "excludeFromLatest": True}})
    assert (changed["properties"]["mode"], changed["properties"]["excludeFromLatest"]) == (
        "Enforce",
        True,
    )
    assert changed["properties"]["rules"] == RULES
    error = error_of(provider.patch, V1, {"properties": {"rules": {}}})
    assert (error.code, error.target) == (
        "PropertyChangeNotAllowed",
        "galleryInVMAccessControlProfileVersion.properties.rules",
    )
    moved = error_of(provider.put, V1, {**version_body(rules=RULES), "location": "westus"})
    assert moved.code == "InvalidResourceLocation"


def test_versions_replicate_and_can_fail(
    home: Path, provider: Provider, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIGCTL_NOW", "2030-01-01T00:00:00Z")
    monkeypatch.delenv("SIGCTL_REPLICATION_SPEED")
    from sigctl.provider import faults

    with provider.store.transaction(write=True) as tx:
        faults.add(tx, {"region": "westus", "at": 50})
    body = provider.put(V1, version_body(targetLocations=[{"name": "eastus2"}, {"name": "westus"}]))
    assert body["properties"]["provisioningState"] == "Creating"
    provider.sleep(3600)
    after = provider.get(V1, **{"$expand": "ReplicationStatus"})["properties"]
    assert after["provisioningState"] == "Failed"
    assert [(s["region"], s["state"]) for s in after["replicationStatus"]["summary"]] == [
        ("East US 2", "Completed"),
        ("West US", "Failed"),
    ]


def test_delete_order(provider: Provider) -> None:
    provider.put(V1, version_body())
    provider.put(PROFILE.child("versions", "0.9.0"), version_body())
    assert [v["name"] for v in provider.list(PROFILE.child("versions"))] == ["0.9.0", "1.0.0"]
    blocked = error_of(provider.delete, PROFILE)
    assert (blocked.code, blocked.status) == ("CannotDeleteResource", 409)
    assert "inVMAccessControlProfiles/prof1/versions/0.9.0" in blocked.message
    gallery_blocked = error_of(provider.delete, GALLERY)
    assert (
        "'Microsoft.Compute/galleries/gal1/inVMAccessControlProfiles/prof1'"
        in gallery_blocked.message
    )
    for version in ("1.0.0", "0.9.0"):
        provider.delete(PROFILE.child("versions", version))
    provider.delete(PROFILE.child("versions", "0.9.0"))  # 204: already gone
    provider.delete(PROFILE)
    provider.delete(GALLERY)
    assert error_of(provider.get, GALLERY).status == 404


def test_roles_apply(home: Path, provider: Provider) -> None:
    with provider.store.transaction(write=True) as tx:
        reader = accounts.create_principal(tx, "servicePrincipal", TENANT, {"displayName": "r"})
        rbac.create_assignment(tx, datetime.now(UTC), reader, rbac.role("Reader"), str(GALLERY))
    acting = Provider(home, reader["id"])
    assert acting.get(PROFILE)["name"] == "prof1"
    denied = error_of(acting.put, V1, version_body())
    assert (denied.code, denied.status) == ("AuthorizationFailed", 403)
    assert (
        "'Microsoft.Compute/galleries/inVMAccessControlProfiles/versions/write'" in denied.message
    )


# -- the CLI --------------------------------------------------------------------------------------

PROFILE_ARGS = "-g rg1 --gallery-name gal1 -n prof1"
VERSION_ARGS = "-g rg1 --gallery-name gal1 --profile-name prof1 --profile-version 1.0.0"


@pytest.fixture
def cli(ok: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGCTL_REPLICATION_SPEED", "instant")
    ok("group create -n rg1 -l eastus2")
    ok("sig create -g rg1 -r gal1")
    ok(
        f"sig in-vm-access-control-profile create {PROFILE_ARGS} --os-type linux --applicable-host-endpoint wireserver"
    )


def test_profile_commands(ok: Any, sigctl: Runner, cli: None) -> None:
    shown = ok(f"sig in-vm-access-control-profile show {PROFILE_ARGS}")
    assert shown["properties"] == {
        "applicableHostEndpoint": "WireServer",
        "osType": "Linux",
        "provisioningState": "Succeeded",
    }  # az prints these properties as they come, not flattened
    assert shown["resourceGroup"] == "rg1"
    assert ok(f"sig in-vm-access-control-profile show --ids {shown['id']}") == shown
    updated = ok(
        f"sig in-vm-access-control-profile update {PROFILE_ARGS} --description test --set tags.team=sec"
    )
    assert updated["properties"]["description"] == "test" and updated["tags"] == {"team": "sec"}
    table = sigctl("sig in-vm-access-control-profile list -g rg1 --gallery-name gal1 -o table")
    assert table.stdout.splitlines()[0].split() == ["Location", "Name", "ResourceGroup"]
    listed = ok("sig in-vm-access-control-profile list -g rg1 --gallery-name gal1")
    assert [p["name"] for p in listed] == ["prof1"]
    bad_set = sigctl(f"sig in-vm-access-control-profile update {PROFILE_ARGS} --set description=x")
    assert bad_set.exit_code == 1 and "Couldn't find 'description'" in bad_set.stderr
    quiet = sigctl(
        "sig in-vm-access-control-profile create -g rg1 --gallery-name gal1 -n p2 --os-type windows --applicable-host-endpoint imds --no-wait"
    )
    assert (quiet.exit_code, quiet.stdout) == (0, "")
    assert (
        sigctl(
            "sig in-vm-access-control-profile wait -g rg1 --gallery-name gal1 -n p2 --created"
        ).exit_code
        == 0
    )
    assert (
        sigctl(
            "sig in-vm-access-control-profile delete -g rg1 --gallery-name gal1 -n p2 --yes"
        ).stdout
        == ""
    )
    gone = sigctl("sig in-vm-access-control-profile show -g rg1 --gallery-name gal1 -n p2")
    assert gone.exit_code == 3 and "(ResourceNotFound)" in gone.stderr


def test_profile_errors_change_nothing(sigctl: Runner, unchanged: Any, cli: None) -> None:
    with unchanged():
        osless = sigctl(
            "sig in-vm-access-control-profile create -g rg1 --gallery-name gal1 -n p2 --applicable-host-endpoint imds"
        )
        assert osless.exit_code == 1
        assert (
            "Required parameter 'galleryInVMAccessControlProfile.properties.osType'"
            in osless.stderr
        )
        bad = sigctl(
            "sig in-vm-access-control-profile create -g rg1 --gallery-name gal1 -n p2 --os-type BeOS"
        )
        assert bad.exit_code == 2 and "'BeOS' is not a valid value for '--os-type'" in bad.stderr
        no_gallery = sigctl(
            "sig in-vm-access-control-profile create -g rg1 --gallery-name nosuch -n p2 --os-type linux --applicable-host-endpoint imds"
        )
        assert no_gallery.exit_code == 3 and "(ParentResourceNotFound)" in no_gallery.stderr
        missing = sigctl("sig in-vm-access-control-profile show -g rg1 -n prof1")
        assert (
            missing.stderr
            == "ERROR: InvalidArgumentValue: Missing required field: --gallery-name\n"
        )
        required = sigctl("sig in-vm-access-control-profile list -g rg1")
        assert required.exit_code == 2 and "--gallery-name" in required.stderr
        unasked = sigctl(f"sig in-vm-access-control-profile delete {PROFILE_ARGS}")
        assert (unasked.exit_code, unasked.stderr) == (
            1,
            "ERROR: Unable to prompt for confirmation as no tty available. Use --yes.\n",
        )
        immutable = sigctl(
            f"sig in-vm-access-control-profile update {PROFILE_ARGS} --set properties.osType=Windows"
        )
        assert immutable.exit_code == 1 and "(PropertyChangeNotAllowed)" in immutable.stderr
        gallery = sigctl("sig delete -g rg1 -r gal1")
        assert gallery.exit_code == 1 and "(CannotDeleteResource)" in gallery.stderr


def test_version_commands(ok: Any, sigctl: Runner, cli: None, tmp_path: Path) -> None:
    rules_file = tmp_path / "rules.json"
    rules_file.write_text(json.dumps(RULES))
    created = ok(
        f"sig in-vm-access-control-profile-version create {VERSION_ARGS} --mode audit "
        f"--default-access allow --target-regions eastus2 westus --rules @{rules_file}"
    )
    assert created["rules"] == RULES  # flattened: properties lifted to the top
    assert (created["mode"], created["defaultAccess"], created["provisioningState"]) == (
        "Audit",
        "Allow",
        "Succeeded",
    )
    assert [t["name"] for t in created["targetLocations"]] == ["East US 2", "West US"]
    assert ok(f"sig in-vm-access-control-profile-version show {VERSION_ARGS}") == created
    shorthand = ok(
        "sig in-vm-access-control-profile-version create -g rg1 --gallery-name gal1 "
        "--profile-name prof1 --version-name 1.1.0 --mode Enforce --default-access Deny "
        "--rules {privileges:[{name:GoalState,path:/machine}],roles:[{name:R,privileges:[GoalState]}]}"
    )
    assert shorthand["rules"]["roles"] == [{"name": "R", "privileges": ["GoalState"]}]
    updated = ok(
        f"sig in-vm-access-control-profile-version update {VERSION_ARGS} --mode Enforce "
        "--exclude-from-latest true --target-regions eastus2"
    )
    assert (updated["mode"], updated["excludeFromLatest"]) == ("Enforce", True)
    assert updated["targetLocations"] == [{"name": "East US 2"}]
    listed = ok(
        "sig in-vm-access-control-profile-version list -g rg1 --gallery-name gal1 --profile-name prof1"
    )
    assert [v["name"] for v in listed] == ["1.0.0", "1.1.0"]
    table = sigctl(
        "sig in-vm-access-control-profile-version list -g rg1 --gallery-name gal1 --profile-name prof1 -o table"
    )
    assert table.stdout.splitlines()[0].split()[:3] == [
        "DefaultAccess",
        "ExcludeFromLatest",
        "Location",
    ]
    assert (
        sigctl(f"sig in-vm-access-control-profile-version wait {VERSION_ARGS} --created").exit_code
        == 0
    )
    ok(f"sig in-vm-access-control-profile-version delete {VERSION_ARGS} --yes")
    ok(
        "sig in-vm-access-control-profile-version delete -g rg1 --gallery-name gal1 --profile-name prof1 --version-name 1.1.0 --yes"
    )
    ok(f"sig in-vm-access-control-profile delete {PROFILE_ARGS} --yes")
    ok("sig delete -g rg1 -r gal1")


def test_version_errors_change_nothing(ok: Any, sigctl: Runner, unchanged: Any, cli: None) -> None:
    ok(
        f"sig in-vm-access-control-profile-version create {VERSION_ARGS} --mode Audit --default-access Allow"
    )
    with unchanged():
        required = sigctl(
            "sig in-vm-access-control-profile-version create -g rg1 --gallery-name gal1 --profile-name prof1 --profile-version 2.0.0 --mode Audit"
        )
        assert required.exit_code == 2
        assert required.stderr.startswith(
            "ERROR: the following arguments are required: --default-access"
        )
        unparsable = sigctl(
            "sig in-vm-access-control-profile-version create -g rg1 --gallery-name gal1 --profile-name prof1 --profile-version 2.0.0 --mode Audit --default-access Allow --rules {privileges:["
        )
        assert unparsable.exit_code == 1 and unparsable.stderr.startswith(
            "ERROR: Failed to parse '--rules' argument:"
        )
        dangling = sigctl(
            f"sig in-vm-access-control-profile-version create -g rg1 --gallery-name gal1 --profile-name prof1 --profile-version 2.0.0 --mode Audit --default-access Allow --rules {json.dumps({'roles': [{'name': 'R', 'privileges': ['nope']}]}).replace(' ', '')}"
        )
        assert dangling.exit_code == 1 and "(InvalidParameter)" in dangling.stderr
        not_home = sigctl(
            "sig in-vm-access-control-profile-version create -g rg1 --gallery-name gal1 --profile-name prof1 --profile-version 2.0.0 --mode Audit --default-access Allow --target-regions westus"
        )
        assert not_home.exit_code == 1 and "must contain the location" in not_home.stderr
        rules = sigctl(
            f"sig in-vm-access-control-profile-version update {VERSION_ARGS} --set rules={{}}"
        )
        assert rules.exit_code == 1 and "(PropertyChangeNotAllowed)" in rules.stderr
        missing = sigctl(
            "sig in-vm-access-control-profile-version show -g rg1 --gallery-name gal1 --profile-name prof1"
        )
        assert (
            missing.stderr
            == "ERROR: InvalidArgumentValue: Missing required field: --version-name\n"
        )
        absent = sigctl(
            "sig in-vm-access-control-profile-version show -g rg1 --gallery-name gal1 --profile-name prof1 --version-name 9.9.9"
        )
        assert absent.exit_code == 3
        blocked = sigctl(f"sig in-vm-access-control-profile delete {PROFILE_ARGS} --yes")
        assert blocked.exit_code == 1 and "(CannotDeleteResource)" in blocked.stderr


def test_a_version_create_waits_for_replication(
    ok: Any, sigctl: Runner, cli: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIGCTL_NOW", "2030-01-01T00:00:00Z")
    monkeypatch.delenv("SIGCTL_REPLICATION_SPEED")
    quiet = sigctl(
        f"sig in-vm-access-control-profile-version create {VERSION_ARGS} --mode Audit --default-access Allow --target-regions eastus2 westus --no-wait"
    )
    assert (quiet.exit_code, quiet.stdout) == (0, "")
    assert (
        ok(f"sig in-vm-access-control-profile-version show {VERSION_ARGS}")["provisioningState"]
        == "Creating"
    )
    waited = sigctl(
        f"sig in-vm-access-control-profile-version wait {VERSION_ARGS} --created --interval 60"
    )
    assert waited.exit_code == 0 and "waiting advanced it by" in waited.stderr
    ok("replication fault add --region westus")
    failed = sigctl(
        "sig in-vm-access-control-profile-version create -g rg1 --gallery-name gal1 --profile-name prof1 "
        "--profile-version 2.0.0 --mode Audit --default-access Allow --target-regions eastus2 westus"
    )
    assert failed.exit_code == 1
    assert failed.stderr.startswith(
        "ERROR: (ReplicationFailed) Gallery replication jobs failed in one or more regions: West US"
    )


def test_design_tree_has_the_same_commands(ok: Any, cli: None) -> None:
    assert (
        ok("in-vm-access-control-profile show -g rg1 --gallery-name gal1 -n prof1")["name"]
        == "prof1"
    )
    created = ok(
        f"in-vm-access-control-profile-version create {VERSION_ARGS} --mode Audit --default-access Allow"
    )
    assert created["name"] == "1.0.0"
