"""Managed identities: user-assigned identity resources, a gallery's identity (sig identity)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sigctl.cli.identity_update import build
from sigctl.errors import ArmError
from sigctl.provider import accounts, ids, rbac
from sigctl.provider.accounts import DEFAULT_SUBSCRIPTION_ID as SUB
from sigctl.provider.accounts import DEFAULT_TENANT_ID as TENANT
from sigctl.provider.service import Provider
from tests.conftest import Runner

GALLERY = ids.gallery_id(SUB, "rg1", "gal1")
MI = "Microsoft.ManagedIdentity/userAssignedIdentities"


def identity_id(name: str, group: str = "rg1") -> str:
    return f"/subscriptions/{SUB}/resourcegroups/{group}/providers/{MI}/{name}"


def error_of(call: Any, *args: Any) -> ArmError:
    with pytest.raises(ArmError) as raised:
        call(*args)
    return raised.value


# -- az's identity block (client side) ------------------------------------------------------------


@pytest.mark.parametrize(
    "current,action,system,users,sent",
    [
        (None, "assign", "true", None, {"type": "SystemAssigned"}),
        (
            None,
            "assign",
            None,
            ["a"],
            {"type": "UserAssigned", "userAssignedIdentities": {"a": {}}},
        ),
        (
            {"type": "SystemAssigned"},
            "assign",
            None,
            ["a"],
            {"type": "SystemAssigned,UserAssigned", "userAssignedIdentities": {"a": {}}},
        ),
        # az keeps --system-assigned as a string: any value, even "false", enables it
        (None, "assign", "false", None, {"type": "SystemAssigned"}),
        (None, "assign", None, None, {}),
        (
            {"type": "SystemAssigned, UserAssigned", "userAssignedIdentities": {"a": {}, "b": {}}},
            "remove",
            None,
            ["a"],  # a single id removes every user-assigned identity
            {"type": "SystemAssigned"},
        ),
        (
            {"type": "UserAssigned", "userAssignedIdentities": {"a": {}, "b": {}, "c": {}}},
            "remove",
            None,
            ["a", "b"],  # two or more are removed one by one
            {"type": "UserAssigned", "userAssignedIdentities": {"c": {}}},
        ),
        (
            {"type": "SystemAssigned, UserAssigned", "userAssignedIdentities": {"a": {}}},
            "remove",
            "true",
            None,
            {"type": "UserAssigned", "userAssignedIdentities": {"a": {}}},
        ),
        ({"type": "SystemAssigned"}, "remove", "true", None, {"type": "None"}),
        ({"type": "SystemAssigned"}, "remove", None, None, {"type": "SystemAssigned"}),
    ],
)
def test_the_identity_block_az_sends(
    current: Any, action: str, system: Any, users: Any, sent: dict[str, Any]
) -> None:
    assert build(current, action, system, users) == sent


# -- the provider ---------------------------------------------------------------------------------


@pytest.fixture
def provider(home: Path) -> Provider:
    p = Provider(home)
    p.put(ids.resource_group_id(SUB, "rg1"), {"location": "eastus2"})
    p.put(GALLERY, {"location": "eastus2", "properties": {}})
    p.put(identity_id("id1"), {"location": "eastus2"})
    return p


def test_a_user_assigned_identity_is_a_resource_and_a_service_principal(
    provider: Provider,
) -> None:
    body = provider.get(identity_id("ID1"))
    props = body["properties"]
    assert body["id"] == identity_id("id1")  # the provider spells resourcegroups in lower case
    assert (body["type"], body["location"], body["tags"]) == (MI, "eastus2", {})
    assert props["tenantId"] == TENANT
    with provider.store.transaction() as tx:
        principal = accounts.principal(tx, props["principalId"])
    assert principal["servicePrincipalType"] == "ManagedIdentity"
    assert principal["appId"] == props["clientId"]
    assert [i["name"] for i in provider.list(f"/subscriptions/{SUB}/providers/{MI}")] == ["id1"]
    provider.delete(identity_id("id1"))
    with provider.store.transaction() as tx:
        assert accounts.principal(tx, props["principalId"]) is None
    assert error_of(provider.get, identity_id("id1")).status == 404


@pytest.mark.parametrize(
    "rid,body,code",
    [
        (identity_id("x"), {"location": "eastus2"}, "InvalidResourceName"),
        (identity_id("-bad"), {"location": "eastus2"}, "InvalidResourceName"),
        (identity_id("id2", "nosuch"), {"location": "eastus2"}, "ResourceGroupNotFound"),
        (identity_id("id1"), {"location": "westus"}, "InvalidResourceLocation"),
        (identity_id("id2"), {}, "LocationRequired"),
    ],
)
def test_identity_puts_that_are_refused(
    provider: Provider, rid: str, body: dict[str, Any], code: str
) -> None:
    assert error_of(provider.put, rid, body).code == code


def test_a_system_assigned_identity_gets_a_principal_that_stays(provider: Provider) -> None:
    put = {"location": "eastus2", "properties": {}, "identity": {"type": "systemassigned"}}
    first = provider.put(GALLERY, put)["identity"]
    assert first["type"] == "SystemAssigned" and first["tenantId"] == TENANT
    assert provider.put(GALLERY, put)["identity"] == first  # the same identity, not a new one
    # a PUT that leaves identity out leaves it as it is
    assert provider.put(GALLERY, {"location": "eastus2"})["identity"] == first
    gone = provider.put(GALLERY, {"location": "eastus2", "identity": {"type": "None"}})
    assert "identity" not in gone and "identity" not in provider.get(GALLERY)
    with provider.store.transaction() as tx:
        assert accounts.principal(tx, first["principalId"]) is None


def test_both_kinds_with_az_spelling(provider: Provider) -> None:
    body = provider.put(
        GALLERY,
        {
            "location": "eastus2",
            "identity": {
                "type": "SystemAssigned,UserAssigned",
                "userAssignedIdentities": {identity_id("id1"): {}, identity_id("ID1"): {}},
            },
        },
    )
    identity = body["identity"]
    assert identity["type"] == "SystemAssigned, UserAssigned"
    held = provider.get(identity_id("id1"))["properties"]
    assert identity["userAssignedIdentities"] == {
        identity_id("id1"): {"principalId": held["principalId"], "clientId": held["clientId"]}
    }


@pytest.mark.parametrize(
    "identity,code",
    [
        ({"type": "Everything"}, "InvalidParameter"),
        ({"type": "UserAssigned"}, "InvalidParameter"),
        (
            {"type": "SystemAssigned", "userAssignedIdentities": {identity_id("id1"): {}}},
            "InvalidParameter",
        ),
        (
            {"type": "UserAssigned", "userAssignedIdentities": {"id1": {}}},
            "LinkedInvalidPropertyId",
        ),
        (
            {"type": "UserAssigned", "userAssignedIdentities": {str(GALLERY): {}}},
            "LinkedInvalidPropertyId",
        ),
        (
            {"type": "UserAssigned", "userAssignedIdentities": {identity_id("nosuch"): {}}},
            "FailedIdentityOperation",
        ),
        (
            {"type": "UserAssigned", "userAssignedIdentities": {identity_id("x1", "nogroup"): {}}},
            "FailedIdentityOperation",
        ),
        ({"type": 5}, "InvalidRequestContent"),
    ],
)
def test_identity_blocks_that_are_refused(
    provider: Provider, identity: dict[str, Any], code: str
) -> None:
    before = provider.get(GALLERY)
    error = error_of(provider.put, GALLERY, {"location": "eastus2", "identity": identity})
    assert error.code == code and error.status == 400
    assert provider.get(GALLERY) == before


def test_assigning_needs_the_assign_action_on_the_identity(home: Path, provider: Provider) -> None:
    with provider.store.transaction(write=True) as tx:
        ops = accounts.create_principal(tx, "servicePrincipal", TENANT, {"displayName": "ops"})
        now = datetime.now(UTC)
        rbac.create_assignment(tx, now, ops, rbac.role("Contributor"), str(GALLERY))
    acting = Provider(home, ops["id"])
    body = {
        "location": "eastus2",
        "identity": {"type": "UserAssigned", "userAssignedIdentities": {identity_id("id1"): {}}},
    }
    error = error_of(acting.put, GALLERY, body)
    assert (error.code, error.status) == ("LinkedAuthorizationFailed", 403)
    assert "'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action'" in error.message
    assert "identity" not in provider.get(GALLERY)
    with provider.store.transaction(write=True) as tx:
        rbac.create_assignment(
            tx, now, ops, rbac.role("Managed Identity Operator"), identity_id("id1")
        )
    assert acting.put(GALLERY, body)["identity"]["type"] == "UserAssigned"


def test_deleting_the_gallery_or_group_deletes_the_principals(provider: Provider) -> None:
    system = provider.put(GALLERY, {"location": "eastus2", "identity": {"type": "SystemAssigned"}})[
        "identity"
    ]["principalId"]
    user = provider.get(identity_id("id1"))["properties"]["principalId"]
    provider.delete(ids.resource_group_id(SUB, "rg1"))
    with provider.store.transaction() as tx:
        assert accounts.principal(tx, system) is None
        assert accounts.principal(tx, user) is None


# -- the CLI --------------------------------------------------------------------------------------


@pytest.fixture
def setup(ok: Any) -> str:
    ok("group create -n rg1 -l eastus2")
    ok("sig create -g rg1 -r gal1")
    return ok("identity create -g rg1 -n id1")["id"]


def test_identity_create_show_list_delete(ok: Any, sigctl: Runner, setup: str) -> None:
    shown = ok("identity show -g rg1 -n id1")
    assert sorted(shown) == [
        "clientId",
        "id",
        "location",
        "name",
        "principalId",
        "resourceGroup",
        "tags",
        "tenantId",
        "type",
    ]
    assert shown["id"] == setup == identity_id("id1") and shown["resourceGroup"] == "rg1"
    assert ok(f"identity show --ids {setup}") == shown
    ok("identity create -g rg1 -n id2 --tags team=ops")
    assert [i["name"] for i in ok("identity list -g rg1")] == ["id1", "id2"]
    assert ok("identity list --query [].tags")[1] == {"team": "ops"}
    missing = sigctl("identity show -g rg1")
    assert (missing.exit_code, missing.stderr) == (
        1,
        "ERROR: InvalidArgumentValue: Missing required field: -n\n",
    )
    assert sigctl("identity show -g rg1 -n nosuch").exit_code == 3
    assert sigctl("identity delete -g rg1 -n id2").stdout == ""
    assert [i["name"] for i in ok("identity list")] == ["id1"]
    # a role can be given to the identity by its principal id
    principal = shown["principalId"]
    ok(f"role assignment create --assignee {principal} --role Reader --scope /subscriptions/{SUB}")
    assert ok(f"role assignment list --assignee {principal} --query [].roleDefinitionName") == [
        "Reader"
    ]
    assert ok(f"ad sp show --id {principal}")["servicePrincipalType"] == "ManagedIdentity"


def test_create_a_gallery_with_identities(ok: Any, setup: str) -> None:
    created = ok(f"sig create -g rg1 -r gal2 --system-assigned --user-assigned {setup}")
    identity = created["identity"]
    assert identity["type"] == "SystemAssigned, UserAssigned"
    assert list(identity["userAssignedIdentities"]) == [setup]
    assert ok("sig show -g rg1 -r gal2")["identity"] == identity
    # az sig list asks for api-version 2021-10-01, whose galleries had no identity
    assert all("identity" not in g for g in ok("sig list -g rg1"))


def test_assign_show_remove(ok: Any, sigctl: Runner, setup: str) -> None:
    system = ok("sig identity assign -g rg1 -r gal1 --system-assigned")
    assert sorted(system) == ["principalId", "tenantId", "type"]
    both = ok(f"sig identity assign -g rg1 -r gal1 --user-assigned {setup}")
    assert both["type"] == "SystemAssigned, UserAssigned"
    assert both["principalId"] == system["principalId"]
    assert ok("sig identity show -g rg1 -r gal1") == both
    table = sigctl("sig identity show -g rg1 -r gal1 -o table").stdout.splitlines()
    assert table[0].split() == ["PrincipalId", "TenantId"]
    user_only = ok("sig identity remove -g rg1 -r gal1 --system-assigned")
    assert user_only["type"] == "UserAssigned" and "principalId" not in user_only
    last = sigctl(f"sig identity remove -g rg1 -r gal1 --user-assigned {setup}")
    assert (last.exit_code, last.stdout) == (0, "")
    none = sigctl("sig identity show -g rg1 -r gal1")
    assert (none.exit_code, none.stderr) == (1, "ERROR: ResourceNotFoundError\n")
    assert "identity" not in ok("sig show -g rg1 -r gal1")


def test_remove_with_one_id_removes_them_all(ok: Any, setup: str) -> None:
    others = [ok(f"identity create -g rg1 -n {n}")["id"] for n in ("id2", "id3")]
    ok(f"sig identity assign -g rg1 -r gal1 --user-assigned {setup} {' '.join(others)}")
    kept = ok(f"sig identity remove -g rg1 -r gal1 --user-assigned {setup} {others[0]}")
    assert list(kept["userAssignedIdentities"]) == [others[1]]
    ok(f"sig identity assign -g rg1 -r gal1 --system-assigned --user-assigned {setup}")
    left = ok(f"sig identity remove -g rg1 -r gal1 --user-assigned {setup}")
    assert left == {k: v for k, v in left.items() if k != "userAssignedIdentities"}
    assert left["type"] == "SystemAssigned"


def test_errors_change_nothing(ok: Any, sigctl: Runner, unchanged: Any, setup: str) -> None:
    ok("sig identity assign -g rg1 -r gal1 --system-assigned")
    reader = ok("ad user create --display-name R --user-principal-name r@sigctl.onmicrosoft.com")
    ok(
        f"role assignment create --assignee {reader['id']} --role Reader --scope /subscriptions/{SUB}"
    )
    with unchanged():
        missing = sigctl(
            "sig identity assign -g rg1 -r gal1 --user-assigned " + identity_id("nosuch")
        )
        assert missing.exit_code == 1
        assert missing.stderr.startswith("ERROR: (FailedIdentityOperation) Identity operation")
        malformed = sigctl("sig identity assign -g rg1 -r gal1 --user-assigned id1")
        assert malformed.exit_code == 1 and "(LinkedInvalidPropertyId)" in malformed.stderr
        assert sigctl("sig identity assign -g rg1 -r nosuch --system-assigned").exit_code == 3
        usage = sigctl("sig identity assign -g rg1 --system-assigned")
        assert usage.exit_code == 2
        assert usage.stderr.startswith(
            "ERROR: the following arguments are required: --gallery-name/-r"
        )
        denied = sigctl("sig identity remove -g rg1 -r gal1 --system-assigned --as R")
        assert denied.exit_code == 1 and "(AuthorizationFailed)" in denied.stderr


def test_no_wait_and_wait(ok: Any, sigctl: Runner, setup: str) -> None:
    quiet = sigctl("sig identity assign -g rg1 -r gal1 --system-assigned --no-wait")
    assert (quiet.exit_code, quiet.stdout) == (0, "")
    waited = sigctl(
        "sig identity wait -g rg1 -r gal1 --custom \"identity.type=='SystemAssigned'\" --interval 1"
    )
    assert (waited.exit_code, waited.stdout) == (0, "")
    assert sigctl("sig identity wait -g rg1 -r gal1 --updated").exit_code == 0


def test_gallery_update_and_soft_delete_policy_survive_identity_changes(
    ok: Any, setup: str
) -> None:
    ok("sig update -g rg1 -r gal1 --soft-delete true --soft-delete-retention-period 9")
    ok("sig identity assign -g rg1 -r gal1 --system-assigned")
    updated = ok("sig update -g rg1 -r gal1 --set description=kept")
    assert updated["identity"]["type"] == "SystemAssigned"
    assert updated["softDeletePolicy"]["retentionPeriodInDays"] == 9


def test_design_tree_has_the_same_commands(ok: Any, setup: str) -> None:
    assert (
        ok("gallery identity assign -g rg1 -r gal1 --system-assigned")["type"] == "SystemAssigned"
    )
