"""sig gallery-application [version]: az's arguments, outputs, errors and exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sigctl.provider.accounts import DEFAULT_SUBSCRIPTION_ID as SUB
from tests.conftest import Runner

APP = "sig gallery-application"
VER = "sig gallery-application version"
G = "-g rg1 -r gal1"
PACKAGE = "https://contoso.blob.core.windows.net/apps/agent-1.0.0.zip"
APP_ID = f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Compute/galleries/gal1/applications/agent"
NEW = (
    f"{VER} create {G} --application-name agent -n 1.0.0 --package-file-link {PACKAGE} "
    "--install-command ./install.sh --remove-command ./remove.sh"
)


@pytest.fixture
def application(ok: Any, gallery: Any) -> dict[str, Any]:
    return ok(f"{APP} create {G} -n agent --os-type linux --description 'Monitoring agent'")


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGCTL_NOW", "2026-11-26T12:00:00Z")


def summary(ok: Any, version: str = "1.0.0") -> list[tuple[str, str]]:
    body = ok(f"{VER} show {G} --application-name agent -n {version} --expand ReplicationStatus")
    return [(s["region"], s["state"]) for s in body["replicationStatus"]["summary"]]


# -- applications -------------------------------------------------------------------------------


def test_create_prints_the_application(ok: Any, gallery: Any) -> None:
    created = ok(f"{APP} create {G} -n agent --os-type linux --description d --tags team=ops")
    assert created == {
        "description": "d",
        "id": APP_ID,
        "location": "eastus2",  # the resource group's
        "name": "agent",
        "provisioningState": "Succeeded",
        "resourceGroup": "rg1",
        "supportedOSType": "Linux",
        "tags": {"team": "ops"},
        "type": "Microsoft.Compute/galleries/applications",
    }
    assert ok(f"{APP} show {G} --gallery-application-name AGENT") == created
    assert ok(f"gallery-application show --ids {APP_ID}") == created  # the design tree


def test_create_needs_its_arguments(sigctl: Runner, gallery: Any) -> None:
    missing = sigctl(f"{APP} create {G} -n agent")
    assert missing.exit_code == 2
    assert "the following arguments are required: --os-type" in missing.stderr
    bad = sigctl(f"{APP} create {G} -n agent --os-type solaris")
    assert bad.exit_code == 2
    assert (
        "sigctl sig gallery-application create: 'solaris' is not a valid value for '--os-type'. "
        "Allowed values: Linux, Windows." in bad.stderr
    )
    tags = sigctl(f"{APP} create {G} -n agent --os-type linux --tags team")
    assert tags.exit_code == 1 and "dict type value expected, got 'team'" in tags.stderr


def test_missing_parents(sigctl: Runner, ok: Any, gallery: Any) -> None:
    no_gallery = sigctl(f"{APP} create -g rg1 -r nope -n agent --os-type linux")
    assert no_gallery.exit_code == 3 and "(ParentResourceNotFound)" in no_gallery.stderr
    no_group = sigctl(f"{APP} create -g nogroup -r gal1 -n agent --os-type linux")
    assert (no_group.exit_code, no_group.stderr) == (
        1,
        "ERROR: InvalidArgumentValue: Missing required field: --location\n",
    )
    missing = sigctl(f"{APP} show {G} -n nope")
    assert missing.exit_code == 3
    assert "'Microsoft.Compute/galleries/gal1/applications/nope'" in missing.stderr
    late = sigctl(f"{APP} show {G}")
    assert (late.exit_code, late.stderr) == (
        1,
        "ERROR: InvalidArgumentValue: Missing required field: -n\n",
    )
    listing = sigctl(f"{APP} list -g rg1")
    assert listing.exit_code == 2 and "--gallery-name/-r" in listing.stderr


def test_bad_names_change_nothing(sigctl: Runner, gallery: Any, unchanged: Any) -> None:
    with unchanged():
        trailing = sigctl(f"{APP} create {G} -n agent. --os-type linux")
        assert trailing.exit_code == 1 and "(InvalidResourceName)" in trailing.stderr
        dash = sigctl(f"{APP} create {G} -n -- --os-type linux")
        assert dash.exit_code != 0


def test_list_as_a_table(sigctl: Runner, ok: Any, application: Any) -> None:
    ok(f"{APP} create {G} -n tool --os-type windows")
    assert [a["name"] for a in ok(f"{APP} list {G}")] == ["agent", "tool"]
    table = sigctl(f"{APP} list {G} -o table").stdout.splitlines()
    assert table[0].split() == [
        "Description",
        "Location",
        "Name",
        "ProvisioningState",
        "ResourceGroup",
        "SupportedOSType",
    ]
    assert table[2].split()[-4:] == ["agent", "Succeeded", "rg1", "Linux"]


def test_update_arguments_and_generic_update(ok: Any, sigctl: Runner, application: Any) -> None:
    updated = ok(f"{APP} update {G} -n agent --description new --tags a=1 b=2")
    assert (updated["description"], updated["tags"]) == ("new", {"a": "1", "b": "2"})
    updated = ok(
        f"{APP} update {G} -n agent --set endOfLifeDate=2031-01-01T00:00:00Z tags.c=3 --remove tags.a"
    )
    assert updated["endOfLifeDate"] == "2031-01-01T00:00:00+00:00"
    assert updated["tags"] == {"b": "2", "c": "3"}
    quiet = sigctl(f"{APP} update {G} -n agent --description x --no-wait")
    assert (quiet.exit_code, quiet.stdout) == (0, "")
    assert ok(f"{APP} show {G} -n agent")["description"] == "x"


def test_update_refusals_change_nothing(sigctl: Runner, application: Any, unchanged: Any) -> None:
    with unchanged():
        os_type = sigctl(f"{APP} update {G} -n agent --set supportedOSType=Windows")
        assert os_type.exit_code == 1 and "(PropertyChangeNotAllowed)" in os_type.stderr
        unknown = sigctl(f"{APP} update {G} -n agent --set properties.description=x")
        assert unknown.exit_code == 1 and "Couldn't find 'properties'" in unknown.stderr


def test_delete_asks_and_keeps_the_order(
    sigctl: Runner, ok: Any, application: Any, unchanged: Any
) -> None:
    ok(f"{NEW} --no-wait")
    with unchanged():
        asked = sigctl(f"{APP} delete {G} -n agent")
        assert (asked.exit_code, asked.stderr) == (
            1,
            "ERROR: Unable to prompt for confirmation as no tty available. Use --yes.\n",
        )
        held = sigctl(f"{APP} delete {G} -n agent --yes")
        assert held.exit_code == 1 and "(CannotDeleteResource)" in held.stderr
        assert "applications/agent/versions/1.0.0'" in held.stderr
        gallery = sigctl("sig delete -g rg1 -r gal1")
        assert gallery.exit_code == 1
        assert "'Microsoft.Compute/galleries/gal1/applications/agent'" in gallery.stderr
    ok(f"{VER} delete {G} --application-name agent -n 1.0.0 --yes")
    assert sigctl(f"{APP} delete {G} -n agent -y").stdout == ""
    assert sigctl(f"{APP} delete {G} -n agent -y").exit_code == 0  # already gone: no error
    assert ok(f"{APP} wait {G} -n agent --deleted") is None
    ok("sig delete -g rg1 -r gal1")


def test_wait_for_an_application(ok: Any, application: Any) -> None:
    assert ok(f"{APP} wait {G} -n agent --created") is None
    assert ok(f"{APP} wait {G} -n agent --custom \"properties.supportedOSType=='Linux'\"") is None


def test_roles_are_checked(sigctl: Runner, ok: Any, application: Any) -> None:
    ok("ad user create --display-name Ada --user-principal-name ada@sigctl.onmicrosoft.com")
    ok(
        f"role assignment create --assignee ada@sigctl.onmicrosoft.com --role Reader --scope {APP_ID}"
    )
    as_ada = "--as ada@sigctl.onmicrosoft.com"
    assert ok(f"{APP} show {G} -n agent {as_ada}")["name"] == "agent"
    refused = sigctl(f"{NEW} -l eastus2 {as_ada}")  # without -l, az reads the group first
    assert refused.exit_code == 1 and "(AuthorizationFailed)" in refused.stderr
    assert "'Microsoft.Compute/galleries/applications/versions/write'" in refused.stderr
    other = sigctl(f"{APP} create {G} -n tool --os-type linux {as_ada}")
    assert other.exit_code == 1 and "(AuthorizationFailed)" in other.stderr


# -- versions -----------------------------------------------------------------------------------


def test_version_create_waits_for_replication(ok: Any, application: Any) -> None:
    created = ok(
        f'{NEW} --target-regions "[{{name:eastus2}},{{name:westus2,regional-replica-count:2}}]" '
        "--end-of-life-date 2030-07-01T07:00:00Z --exclude-from false --tags stage=ci "
        "--package-file-name agent.zip --config-file-name agent.cfg --update-command ./update.sh"
    )
    assert created["provisioningState"] == "Succeeded"
    profile = created["publishingProfile"]
    assert profile["targetRegions"] == [
        {"name": "East US 2", "regionalReplicaCount": 1, "storageAccountType": "Standard_LRS"},
        {"name": "West US 2", "regionalReplicaCount": 2, "storageAccountType": "Standard_LRS"},
    ]
    assert profile["manageActions"] == {
        "install": "./install.sh",
        "remove": "./remove.sh",
        "update": "./update.sh",
    }
    assert profile["settings"] == {"configFileName": "agent.cfg", "packageFileName": "agent.zip"}
    assert profile["source"] == {"mediaLink": PACKAGE}
    assert profile["endOfLifeDate"] == "2030-07-01T07:00:00+00:00"
    assert (profile["excludeFromLatest"], profile["enableHealthCheck"]) == (False, False)
    assert created["tags"] == {"stage": "ci"}
    assert "safetyProfile" not in created and "replicationStatus" not in created
    assert summary(ok) == [("East US 2", "Completed"), ("West US 2", "Completed")]


def test_version_defaults_to_its_location(ok: Any, application: Any) -> None:
    regions = ok(NEW)["publishingProfile"]["targetRegions"]
    assert [r["name"] for r in regions] == ["East US 2"]


def test_no_wait_and_wait_over_a_frozen_clock(
    sigctl: Runner, ok: Any, application: Any, frozen: None
) -> None:
    quiet = sigctl(f'{NEW} --target-regions "[{{name:eastus2}},{{name:westus2}}]" --no-wait')
    assert (quiet.exit_code, quiet.stdout) == (0, "")
    shown = ok(f"{VER} show {G} --application-name agent -n 1.0.0")
    assert shown["provisioningState"] == "Creating"
    assert summary(ok) == [("East US 2", "Replicating"), ("West US 2", "Replicating")]
    waited = sigctl(f"{VER} wait {G} --application-name agent -n 1.0.0 --created")
    assert (waited.exit_code, waited.stdout) == (0, "")
    assert "The emulated clock is frozen; waiting advanced it by" in waited.stderr
    assert ok(f"{VER} show {G} --application-name agent -n 1.0.0")["provisioningState"] == (
        "Succeeded"
    )


def test_a_failed_region_fails_the_create(sigctl: Runner, ok: Any, application: Any) -> None:
    ok("replication fault add --region westus2 --definition agent --at 40")
    failed = sigctl(f'{NEW} --target-regions "[{{name:eastus2}},{{name:westus2}}]"')
    assert failed.exit_code == 1
    assert "(ReplicationFailed) Gallery replication jobs failed in one or more regions" in (
        failed.stderr
    )
    ok("replication clock advance 1h")  # the other region finishes whenever the failure came
    assert summary(ok) == [("East US 2", "Completed"), ("West US 2", "Failed")]


@pytest.mark.parametrize(
    "value",
    [
        '"[{name:eastus2},{name:westus2,regional-replica-count:2}]"',
        '\'[{"name": "eastus2"}, {"name": "westus2", "regional-replica-count": 2}]\'',
        "\"[{name:eastus2},{name:'westus2',regional_replica_count:2,storage-account-type:standard_lrs}]\"",
    ],
)
def test_target_regions_in_shorthand_or_json(ok: Any, application: Any, value: str) -> None:
    regions = ok(f"{NEW} --target-regions {value}")["publishingProfile"]["targetRegions"]
    assert [(r["name"], r["regionalReplicaCount"]) for r in regions] == [
        ("East US 2", 1),
        ("West US 2", 2),
    ]


def test_target_regions_from_a_file(ok: Any, application: Any, tmp_path: Path) -> None:
    path = tmp_path / "regions.json"
    path.write_text(json.dumps([{"name": "eastus2"}, {"name": "westus2"}]))
    regions = ok(f"{NEW} --target-regions {path}")["publishingProfile"]["targetRegions"]
    assert [r["name"] for r in regions] == ["East US 2", "West US 2"]


@pytest.mark.parametrize(
    "value,message",
    [
        ("eastus2", "list type value expected, got 'eastus2'(<class 'str'>)"),
        ("name=eastus2", "'name=eastus2': give the whole list"),
        (
            '"[{name:eastus2,regionalReplicaCount:2}]"',
            "\"Model 'AAZObjectArg' has no field named 'regionalReplicaCount'\"",
        ),
        (
            '"[{name:eastus2,regional-replica-count:two}]"',
            "invalid literal for int() with base 10: 'two'",
        ),
        ('"[{name:eastus2,storage-account-type:Premium_ZRS}]"', "unrecognized value 'Premium_ZRS'"),
        ('"[{regional-replica-count:2}]"', "Missing required field: name"),
        ('"[{name:east us}]"', "Shorthand Syntax Error: Please wrap whitespace character"),
    ],
)
def test_target_region_errors(
    sigctl: Runner, application: Any, unchanged: Any, value: str, message: str
) -> None:
    with unchanged():
        result = sigctl(f"{NEW} --target-regions {value}")
    assert result.exit_code == 1
    assert result.stderr.startswith("ERROR: Failed to parse '--target-regions' argument: ")
    assert message in result.stderr


def test_version_refusals_change_nothing(
    sigctl: Runner, ok: Any, application: Any, unchanged: Any
) -> None:
    with unchanged():
        too_many = sigctl(f'{NEW} --target-regions "[{{name:eastus2,regional-replica-count:4}}]"')
        assert too_many.exit_code == 1
        assert "The value must be between 1 and 3, inclusive." in too_many.stderr
        not_here = sigctl(f'{NEW} --target-regions "[{{name:westus2}}]"')
        assert "must contain the location of application version 'East US 2'" in not_here.stderr
        bad_name = sigctl(NEW.replace("-n 1.0.0", "-n 1.0"))
        assert bad_name.exit_code == 1
        assert "The application version name is invalid." in bad_name.stderr
        bad_link = sigctl(NEW.replace(PACKAGE, "agent.zip"))
        assert bad_link.exit_code == 1 and "is not a valid URL" in bad_link.stderr
        no_app = sigctl(NEW.replace("--application-name agent", "--application-name nope"))
        assert no_app.exit_code == 3 and "Parent resource 'nope' not found." in no_app.stderr
        required = sigctl(NEW.replace("--remove-command ./remove.sh", ""))
        assert required.exit_code == 2
        assert "the following arguments are required: --remove-command" in required.stderr
        bad_date = sigctl(f"{NEW} --end-of-life-date soon")
        assert bad_date.stderr.startswith(
            "ERROR: InvalidArgumentValue: --end-of-life-date: Unable to parse: 'soon'."
        )


def test_replica_limit_is_configurable(sigctl: Runner, ok: Any, application: Any) -> None:
    ok("config set limits.vm_application_replicas=1")
    refused = sigctl(f'{NEW} --target-regions "[{{name:eastus2,regional-replica-count:2}}]"')
    assert "The value must be between 1 and 1, inclusive." in refused.stderr
    row = next(u for u in ok("usage -l eastus2") if u["name"]["value"] == "vm_application_replicas")
    assert (row["limit"], row["localName"]) == (1, "Replicas per Application Version per Region")


def test_version_update(sigctl: Runner, ok: Any, application: Any, frozen: None) -> None:
    ok(NEW)
    update = f"{VER} update {G} --application-name agent -n 1.0.0"
    required = sigctl(f"{update} --end-of-life-date 2030-01-01T00:00:00Z")
    assert required.exit_code == 2
    assert "the following arguments are required: --package-file-link" in required.stderr
    later = ok(f"{update} --package-file-link {PACKAGE} --end-of-life-date 2030-01-01T00:00:00Z")
    assert later["publishingProfile"]["endOfLifeDate"] == "2030-01-01T00:00:00+00:00"
    grown = ok(
        f"{update} --package-file-link {PACKAGE} --target-regions "
        '"[{name:eastus2},{name:westus2,regional-replica-count:3}]" --tags a=b --no-wait'
    )
    assert grown is None
    assert summary(ok) == [("East US 2", "Completed"), ("West US 2", "Replicating")]
    assert ok(f"{VER} wait {G} --application-name agent -n 1.0.0 --updated") is None
    assert summary(ok) == [("East US 2", "Completed"), ("West US 2", "Completed")]
    tags = ok(f"{VER} show {G} --application-name agent -n 1.0.0")["tags"]
    assert tags == {"a": "b"}


def test_version_update_refusals_change_nothing(
    sigctl: Runner, ok: Any, application: Any, unchanged: Any
) -> None:
    ok(f'{NEW} --target-regions "[{{name:eastus2}},{{name:westus2}}]"')
    update = f"{VER} update {G} --application-name agent -n 1.0.0"
    with unchanged():
        package = sigctl(f"{update} --package-file-link {PACKAGE.replace('1.0.0', '2.0.0')}")
        assert package.exit_code == 1 and "(PropertyChangeNotAllowed)" in package.stderr
        assert "publishingProfile.source.mediaLink" in package.stderr
        shrink = sigctl(
            f'{update} --package-file-link {PACKAGE} --target-regions "[{{name:eastus2}}]"'
        )
        assert shrink.exit_code == 1 and "(OperationNotAllowed)" in shrink.stderr
        storage = sigctl(
            f"{update} --package-file-link {PACKAGE} --set publishingProfile.storageAccountType=Standard_ZRS"
        )
        assert storage.exit_code == 1 and "(PropertyChangeNotAllowed)" in storage.stderr


def test_output_is_read_through_azs_schema(ok: Any, home: Path, application: Any) -> None:
    """What the service returns beyond az's schema (safety profile, custom actions) is not shown."""
    from sigctl.provider import ids
    from sigctl.provider.service import Provider

    Provider(home).put(
        ids.application_version_id(SUB, "rg1", "gal1", "agent", "1.0.0"),
        {
            "location": "eastus2",
            "properties": {
                "publishingProfile": {
                    "source": {"mediaLink": PACKAGE},
                    "manageActions": {"install": "i", "remove": "r"},
                    "customActions": [{"name": "restart", "script": "restart.sh"}],
                    "settings": {"scriptBehaviorAfterReboot": "Rerun"},
                    "targetRegions": [{"name": "eastus2", "excludeFromLatest": True}],
                },
                "safetyProfile": {"allowDeletionOfReplicatedLocations": True},
            },
        },
    )
    shown = ok(f"{VER} show {G} --application-name agent -n 1.0.0")
    assert "safetyProfile" not in shown
    profile = shown["publishingProfile"]
    assert "customActions" not in profile
    assert profile["settings"] == {}  # an object az knows, none of whose fields it knows
    assert profile["targetRegions"] == [
        {"name": "East US 2", "regionalReplicaCount": 1, "storageAccountType": "Standard_LRS"}
    ]


def test_version_list_and_delete(sigctl: Runner, ok: Any, application: Any) -> None:
    for name in ("1.10.0", "1.9.0"):
        ok(NEW.replace("-n 1.0.0", f"-n {name}") + " --no-wait")
    names = sigctl(f"{VER} list {G} --application-name agent --query [].name -o tsv").stdout
    assert names.split() == ["1.9.0", "1.10.0"]
    missing = sigctl(f"{VER} list {G}")
    assert missing.exit_code == 2 and "--application-name/--gallery-application-name" in (
        missing.stderr
    )
    ok(f"{VER} delete {G} --application-name agent -n 1.9.0 --yes")
    assert [v["name"] for v in ok(f"{VER} list {G} --application-name agent")] == ["1.10.0"]
    late = sigctl(f"{VER} delete {G} -n 1.10.0 --yes")
    assert (
        late.stderr == "ERROR: InvalidArgumentValue: Missing required field: --application-name\n"
    )


def test_design_tree_is_the_same_command(ok: Any, application: Any) -> None:
    created = ok(NEW.replace("sig gallery-application", "gallery-application"))
    assert created == ok(f"{VER} show {G} --application-name agent -n 1.0.0")


def test_end_of_life_date_is_a_generated_date_time(sigctl: Runner, application: Any) -> None:
    """No T12:59:59 for a date as the hand-written commands add; the fraction is kept."""
    result = sigctl(f"{NEW} --end-of-life-date 2030-07-01T09:00:00.5+02:00 --no-wait --debug")
    assert '"endOfLifeDate": "2030-07-01T07:00:00.500Z"' in result.stderr
    shown = sigctl(
        f"{VER} show {G} --application-name agent -n 1.0.0 --query publishingProfile.endOfLifeDate -o tsv"
    )
    assert shown.stdout == "2030-07-01T07:00:00.5+00:00\n"


def test_deleting_the_group_takes_the_applications(
    ok: Any, sigctl: Runner, application: Any
) -> None:
    ok(f"{NEW} --no-wait")
    ok("group delete -n rg1 --yes")
    ok("group create -n rg1 -l eastus2")
    ok("sig create -g rg1 -r gal1")
    assert ok(f"{APP} list {G}") == []
