"""Disk encryption sets: `sigctl disk-encryption-set` as az's group, and the ARM handler behind it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sigctl.errors import ArmError
from sigctl.provider import ids
from sigctl.provider.accounts import DEFAULT_SUBSCRIPTION_ID as SUB
from sigctl.provider.service import Provider
from tests.conftest import Runner

DES = "disk-encryption-set"
KEY = "https://contosovault.vault.azure.net/keys/images/0123"
SET_ID = f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Compute/diskEncryptionSets"


@pytest.fixture
def group(ok: Any) -> None:
    ok("group create -n rg1 -l eastus2")


def request_body(stderr: str, verb: str = "PUT") -> dict[str, Any]:
    """The body of the last `verb` request in --debug output."""
    lines = stderr.splitlines()
    for i in range(len(lines) - 1, 0, -1):
        if lines[i].startswith("DEBUG: Request body: ") and lines[i - 1].startswith(
            f"DEBUG: Request: {verb} "
        ):
            body: dict[str, Any] = json.loads(lines[i].removeprefix("DEBUG: Request body: "))
            return body
    raise AssertionError(f"no {verb} body in:\n{stderr}")


class TestCli:
    def test_create_sends_az_body_and_prints_the_flattened_set(
        self, sigctl: Runner, group: None
    ) -> None:
        result = sigctl(
            f"{DES} create -g rg1 -n des1 --key-url {KEY} --source-vault vault1 --debug"
        )
        assert result.exit_code == 0, result.stderr
        vault = (
            f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.KeyVault/vaults/vault1"
        )
        assert request_body(result.stderr) == {
            "location": "eastus2",
            "identity": {"type": "SystemAssigned"},
            "properties": {"activeKey": {"keyUrl": KEY, "sourceVault": {"id": vault}}},
        }
        shown = json.loads(result.stdout)
        principal = shown["identity"].pop("principalId")
        assert len(principal) == 36
        assert shown == {
            "activeKey": {"keyUrl": KEY, "sourceVault": {"id": vault}},
            "encryptionType": "EncryptionAtRestWithCustomerKey",
            "id": f"{SET_ID}/des1",
            "identity": {
                "tenantId": "7f3c1b2a-0d4e-4f6a-9b8c-5d2e1f0a3b4c",
                "type": "SystemAssigned",
            },
            "location": "eastus2",
            "name": "des1",
            "previousKeys": [],
            "provisioningState": "Succeeded",
            "resourceGroup": "rg1",
            "type": "Microsoft.Compute/diskEncryptionSets",
        }

    def test_create_options(self, sigctl: Runner, ok: Any, group: None) -> None:
        result = sigctl(
            f"{DES} create -g rg1 -n des2 -l westus2 --key-url {KEY} --mi-system-assigned "
            "--mi-user-assigned id1 --encryption-type confidentialvmencryptedwithcustomerkey "
            "--federated-client-id 00000000-0000-0000-0000-000000000001 --auto-rotation true "
            "--tags team=images --debug"
        )
        assert result.exit_code == 0, result.stderr
        identity_id = (
            f"/subscriptions/{SUB}/resourceGroups/rg1/providers/"
            "Microsoft.ManagedIdentity/userAssignedIdentities/id1"
        )
        assert request_body(result.stderr) == {
            "location": "westus2",
            "identity": {
                "type": "SystemAssigned, UserAssigned",
                "userAssignedIdentities": {identity_id: {}},
            },
            "properties": {
                "activeKey": {"keyUrl": KEY},
                "encryptionType": "ConfidentialVmEncryptedWithCustomerKey",
                "federatedClientId": "00000000-0000-0000-0000-000000000001",
                "rotationToLatestKeyVersionEnabled": True,
            },
            "tags": {"team": "images"},
        }
        shown = json.loads(result.stdout)
        assert set(shown["identity"]["userAssignedIdentities"][identity_id]) == {
            "clientId",
            "principalId",
        }
        assert shown["rotationToLatestKeyVersionEnabled"] is True

    def test_key_url_is_required_and_encryption_type_is_checked(
        self, sigctl: Runner, group: None, unchanged: Any
    ) -> None:
        with unchanged():
            missing = sigctl(f"{DES} create -g rg1 -n des1")
            bad = sigctl(f"{DES} create -g rg1 -n des1 --key-url {KEY} --encryption-type Bogus")
        assert missing.exit_code == 2
        assert missing.stderr.startswith("ERROR: the following arguments are required: --key-url")
        assert bad.exit_code == 2
        assert "'Bogus' is not a valid value for '--encryption-type'" in bad.stderr

    def test_show_list_delete(self, sigctl: Runner, ok: Any, group: None) -> None:
        ok("group create -n rg2 -l westus2")
        ok(f"{DES} create -g rg1 -n b --key-url {KEY}")
        ok(f"{DES} create -g rg1 -n A --key-url {KEY}")
        ok(f"{DES} create -g rg2 -n c --key-url {KEY}")
        assert ok(f"{DES} show -g rg1 -n B")["name"] == "b"  # names are case-insensitive
        assert [s["name"] for s in ok(f"{DES} list -g rg1")] == ["A", "b"]
        assert [s["name"] for s in ok(f"{DES} list")] == ["A", "b", "c"]
        assert ok(f"{DES} show --ids {SET_ID}/A")["name"] == "A"
        assert sigctl(f"{DES} delete -g rg1 -n b").exit_code == 0
        assert sigctl(f"{DES} delete -g rg1 -n b").exit_code == 0  # ARM: deleting nothing is fine
        missing = sigctl(f"{DES} show -g rg1 -n b")
        assert missing.exit_code == 3
        assert "(ResourceNotFound) The Resource 'Microsoft.Compute/diskEncryptionSets/b'" in (
            missing.stderr
        )
        assert sigctl(f"{DES} list -g nogroup").exit_code == 3
        ok("group delete -n rg2 --yes")  # the group's sets go with it
        assert [s["name"] for s in ok(f"{DES} list")] == ["A"]

    def test_update_is_az_generic_update(self, sigctl: Runner, ok: Any, group: None) -> None:
        ok(
            f"{DES} create -g rg1 -n des1 --key-url {KEY} --source-vault vault1 "
            "--federated-client-id abc"
        )
        new_key = KEY.replace("0123", "4567")
        # without --source-vault az sends no vault: the set loses it
        updated = ok(f"{DES} update -g rg1 -n des1 --key-url {new_key} --federated-client-id None")
        assert updated["activeKey"] == {"keyUrl": new_key}
        assert "federatedClientId" not in updated
        tagged = ok(f"{DES} update -g rg1 -n des1 --source-vault vault2 --set tags.env=ci")
        assert tagged["tags"] == {"env": "ci"}
        assert tagged["activeKey"]["sourceVault"]["id"].endswith("/vaults/vault2")
        refused = sigctl(
            f"{DES} update -g rg1 -n des1 --set encryptionType=EncryptionAtRestWithPlatformAndCustomerKeys"
        )
        assert refused.exit_code == 1
        assert (
            "(PropertyChangeNotAllowed) Changing property "
            "'diskEncryptionSet.properties.encryptionType' is not allowed." in refused.stderr
        )

    def test_wait_and_help(self, sigctl: Runner, ok: Any, group: None) -> None:
        ok(f"{DES} create -g rg1 -n des1 --key-url {KEY}")
        assert sigctl(f"{DES} wait -g rg1 -n des1 --created").exit_code == 0
        help_text = sigctl(f"{DES} -h").stdout
        for command in ("create", "delete", "list", "show", "update", "wait"):
            assert command in help_text
        assert "disk-encryption-set" in sigctl("-h").stdout

    def test_reading_needs_a_role(self, sigctl: Runner, ok: Any, group: None) -> None:
        ok("ad user create --display-name ada --user-principal-name ada@sigctl.onmicrosoft.com")
        ok(f"{DES} create -g rg1 -n des1 --key-url {KEY}")
        denied = sigctl(f"{DES} show -g rg1 -n des1 --as ada@sigctl.onmicrosoft.com")
        assert denied.exit_code == 1
        assert "'Microsoft.Compute/diskEncryptionSets/read'" in denied.stderr
        assert ok(f"{DES} list --as ada@sigctl.onmicrosoft.com") == []
        ok(
            "role assignment create --assignee ada@sigctl.onmicrosoft.com --role Reader "
            f"--scope {SET_ID}/des1"
        )
        assert ok(f"{DES} show -g rg1 -n des1 --as ada@sigctl.onmicrosoft.com")["name"] == "des1"
        assert len(ok(f"{DES} list --as ada@sigctl.onmicrosoft.com")) == 1
        writing = sigctl(f"{DES} delete -g rg1 -n des1 --as ada@sigctl.onmicrosoft.com")
        assert "'Microsoft.Compute/diskEncryptionSets/delete'" in writing.stderr


# -- the ARM handler -------------------------------------------------------------------------------


@pytest.fixture
def provider(home: Path) -> Provider:
    p = Provider(home)
    p.put(ids.resource_group_id(SUB, "rg1"), {"location": "eastus2"})
    return p


def set_rid(name: str, group: str = "rg1") -> ids.ResourceId:
    return ids.compute_id(SUB, group, "diskEncryptionSets", name)


def error_of(call: Any, *args: Any) -> ArmError:
    with pytest.raises(ArmError) as raised:
        call(*args)
    return raised.value


BODY = {"location": "East US 2", "properties": {"activeKey": {"keyUrl": KEY}}}


class TestProvider:
    def test_put_fills_the_service_defaults(self, provider: Provider) -> None:
        body = provider.put(set_rid("des1"), BODY)
        assert body == {
            "id": f"{SET_ID}/des1",
            "name": "des1",
            "type": "Microsoft.Compute/diskEncryptionSets",
            "location": "eastus2",
            "properties": {
                "activeKey": {"keyUrl": KEY},
                "encryptionType": "EncryptionAtRestWithCustomerKey",
                "provisioningState": "Succeeded",
                "previousKeys": [],
            },
        }
        assert provider.get(set_rid("DES1")) == body

    @pytest.mark.parametrize(
        "body,code",
        [
            ({"location": "eastus2", "properties": {}}, "InvalidParameter"),
            ({"properties": {"activeKey": {"keyUrl": KEY}}}, "LocationRequired"),
            (
                {"location": "mars", "properties": {"activeKey": {"keyUrl": KEY}}},
                "LocationNotAvailableForResourceType",
            ),
            (
                {
                    "location": "eastus2",
                    "properties": {"activeKey": {"keyUrl": KEY}, "encryptionType": "X"},
                },
                "InvalidParameter",
            ),
            (
                {
                    "location": "eastus2",
                    "identity": {"type": "UserAssigned"},
                    "properties": {"activeKey": {"keyUrl": KEY}},
                },
                "InvalidParameter",
            ),
        ],
    )
    def test_put_refuses_bad_bodies(
        self, provider: Provider, body: dict[str, Any], code: str
    ) -> None:
        assert error_of(provider.put, set_rid("des1"), body).code == code

    def test_names_locations_and_groups(self, provider: Provider) -> None:
        assert error_of(provider.put, set_rid("bad.name"), BODY).code == "InvalidResourceName"
        assert error_of(provider.put, set_rid("d", "nogroup"), BODY).code == "ResourceGroupNotFound"
        provider.put(set_rid("des1"), BODY)
        moved = error_of(provider.put, set_rid("des1"), {**BODY, "location": "westus2"})
        assert (moved.code, moved.status) == ("InvalidResourceLocation", 409)

    def test_patch_merges(self, provider: Provider) -> None:
        provider.put(set_rid("des1"), {**BODY, "tags": {"a": "1"}})
        patched = provider.patch(
            set_rid("des1"), {"properties": {"rotationToLatestKeyVersionEnabled": True}}
        )
        assert patched["tags"] == {"a": "1"}
        assert patched["properties"]["rotationToLatestKeyVersionEnabled"] is True
        assert patched["properties"]["activeKey"] == {"keyUrl": KEY}
        missing = error_of(provider.patch, set_rid("nope"), {"properties": {}})
        assert missing.status == 404

    def test_list_by_subscription_and_group(self, provider: Provider) -> None:
        provider.put(ids.resource_group_id(SUB, "rg2"), {"location": "westus2"})
        provider.put(set_rid("x", "rg2"), {**BODY, "location": "westus2"})
        provider.put(set_rid("y"), BODY)
        everywhere = provider.list(ids.compute_id(SUB, None, "diskEncryptionSets"))
        assert [s["name"] for s in everywhere] == ["y", "x"]
        assert [
            s["name"] for s in provider.list(ids.compute_id(SUB, "rg2", "diskEncryptionSets"))
        ] == ["x"]
        provider.delete(set_rid("x", "rg2"))
        assert error_of(provider.get, set_rid("x", "rg2")).status == 404
