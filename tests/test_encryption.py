"""Encryption of image versions: az's --target-region-encryption grammar and the service's rules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sigctl.errors import ArmError
from sigctl.provider import ids
from sigctl.provider.accounts import DEFAULT_SUBSCRIPTION_ID as SUB
from sigctl.provider.service import Provider
from tests.conftest import Prebuilt, Runner
from tests.test_disk_encryption_sets import request_body

V = "sig image-version create -g rg1 -r gal1 -i def1 --only-show-errors"
KEY = "https://contosovault.vault.azure.net/keys/images/0123"
SETS = f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Compute/diskEncryptionSets"


@pytest.fixture(autouse=True)
def instant(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGCTL_REPLICATION_SPEED", "instant")


def make_definition(ok: Any, name: str, features: str = "") -> None:
    extra = f" --features SecurityType={features}" if features else ""
    ok(
        f"sig image-definition create -g rg1 -r gal1 -i {name} -p P -f {name} -s S "
        f"--os-type linux --only-show-errors{extra}"
    )


@pytest.fixture
def setup(ok: Any, prebuilt: Prebuilt) -> None:
    """A definition, a managed image with a data disk at LUN 0, and a set in each region."""

    def build() -> None:
        ok("group create -n rg1 -l eastus2")
        ok("sig create -g rg1 -r gal1")
        make_definition(ok, "def1")
        ok("source create managed-image -g rg1 -n img1 --os-type linux --size-gb 30 --data-disk 10")
        for region in ("eastus2", "westus2"):
            ok(f"disk-encryption-set create -g rg1 -n des-{region} -l {region} --key-url {KEY}")
        ok(
            "disk-encryption-set create -g rg1 -n cvm-eastus2 -l eastus2 "
            f"--key-url {KEY} --encryption-type ConfidentialVmEncryptedWithCustomerKey"
        )

    prebuilt("test_encryption.setup", build)


def encrypted(name: str, lun: int | None = 0) -> dict[str, Any]:
    block: dict[str, Any] = {
        "osDiskImage": {"diskEncryptionSetId": f"{SETS}/{name}", "securityProfile": {}}
    }
    if lun is not None:
        block["dataDiskImages"] = [{"lun": lun, "diskEncryptionSetId": f"{SETS}/{name}"}]
    return block


# -- az's grammar ------------------------------------------------------------------------------------


class TestGrammar:
    def test_the_body_az_sends_and_what_the_service_keeps(
        self, sigctl: Runner, setup: None
    ) -> None:
        result = sigctl(
            f"{V} -e 1.0.0 --managed-image img1 --target-regions eastus2 westus2=2 "
            f"--target-region-encryption des-eastus2,0,des-eastus2 {SETS}/des-westus2,0,des-westus2 --debug"
        )
        assert result.exit_code == 0, result.stderr
        sent = request_body(result.stderr)["properties"]["publishingProfile"]["targetRegions"]
        assert sent == [
            {
                "name": "eastus2",
                "encryption": {
                    "osDiskImage": {"diskEncryptionSetId": f"{SETS}/des-eastus2"},
                    "dataDiskImages": [{"lun": 0, "diskEncryptionSetId": f"{SETS}/des-eastus2"}],
                },
            },
            {
                "name": "westus2",
                "regionalReplicaCount": 2,
                "encryption": {
                    "osDiskImage": {"diskEncryptionSetId": f"{SETS}/des-westus2"},
                    "dataDiskImages": [{"lun": 0, "diskEncryptionSetId": f"{SETS}/des-westus2"}],
                },
            },
        ]
        shown = json.loads(result.stdout)["publishingProfile"]["targetRegions"]
        assert [t["encryption"] for t in shown] == [
            encrypted("des-eastus2"),
            encrypted("des-westus2"),
        ]

    def test_null_placeholder_and_cvm_encryption(self, sigctl: Runner, setup: None) -> None:
        result = sigctl(
            f"{V} -e 1.0.0 --managed-image img1 --target-regions eastus2 "
            "--target-region-encryption null --target-region-cvm-encryption EncryptedWithPmk, --debug"
        )
        sent = request_body(result.stderr)["properties"]["publishingProfile"]["targetRegions"]
        assert sent == [
            {
                "name": "eastus2",
                "encryption": {
                    "osDiskImage": {
                        "securityProfile": {"confidentialVMEncryptionType": "EncryptedWithPmk"}
                    }
                },
            }
        ]

    def test_encryption_needs_target_regions_as_in_az(
        self, sigctl: Runner, ok: Any, setup: None
    ) -> None:
        """az reads the encryption options only together with --target-regions."""
        made = ok(f"{V} -e 1.0.0 --managed-image img1 --target-region-encryption des-eastus2 a b")
        assert "encryption" not in made["publishingProfile"]["targetRegions"][0]

    @pytest.mark.parametrize(
        "arguments,message",
        [
            (
                "--target-regions eastus2 westus2 --target-region-encryption des1",
                "usage error: Length of --target-region-encryption should be as same as length of target regions",
            ),
            (
                "--target-regions eastus2 --target-region-cvm-encryption a,b c,d",
                "usage error: Length of --target_region_cvm_encryption should be as same as length of target regions",
            ),
            (
                "--target-regions eastus2 --target-region-encryption des1,0",
                "usage error: LUN and disk encryption set for data disk should appear in pair in --target-region-encryption. Example: osdes,0,datades0,1,datades1",
            ),
            (
                "--target-regions eastus2 --target-region-encryption des1,x,des2",
                "usage error: {} is an invalid target region encryption argument. LUN and disk encryption set for data disk should appear in pair in --target-region-encryption. Example: osdes,0,datades0,1,datades1",
            ),
            (
                "--target-regions eastus2 --target-region-cvm-encryption EncryptedWithPmk",
                "usage error: ['EncryptedWithPmk'] is an invalid target region cvm encryption. Both os_cvm_encryption_type and os_cvm_des parameters are required.",
            ),
            (
                "--target-regions eastus2 --target-region-cvm-encryption encryptedwithpmk,",
                "usage error: ['encryptedwithpmk', ''] is an invalid os_cvm_encryption_type. The valid values for os_cvm_encryption_type are EncryptedVMGuestStateOnlyWithPmk, EncryptedWithPmk, EncryptedWithCmk, NonPersistedTPM",
            ),
            (
                "--target-regions eastus2=x --target-region-encryption des1,x,des2",
                "usage error: eastus2=x is an invalid target region argument. The second part is neither an integer replica count or a valid storage account type. Storage account types must be one of standard_lrs, standard_zrs, premium_lrs.",
            ),
        ],
    )
    def test_az_errors(
        self, sigctl: Runner, setup: None, unchanged: Any, arguments: str, message: str
    ) -> None:
        # the targets are read before the sources: no source is given here at all
        with unchanged():
            result = sigctl(f"{V} -e 1.0.0 {arguments}")
        assert (result.exit_code, result.stderr) == (1, f"ERROR: {message}\n")

    def test_help_no_longer_says_not_emulated(self, sigctl: Runner) -> None:
        text = sigctl("sig image-version create -h").stdout
        assert "--target-region-cvm-encryption" in text and "Not emulated" not in text


# -- the service's rules, through the CLI ------------------------------------------------------------


class TestRules:
    @pytest.mark.parametrize(
        "encryption,code,status,message",
        [
            (
                "des-westus2",
                "InvalidParameter",
                400,
                f"The disk encryption set '{SETS}/des-westus2' is in region 'westus2' and cannot encrypt the replicas in 'East US 2' (eastus2)",
            ),
            ("nope", "NotFound", 404, f"The disk encryption set {SETS}/nope was not found"),
            (
                "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg1/providers/Microsoft.Compute/diskEncryptionSets/x",
                "InvalidParameter",
                400,
                "The disk encryption set '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg1/providers/Microsoft.Compute/diskEncryptionSets/x' must be in the same subscription '6b1a9c4e-2f3d-4e5a-8b7c-9d0e1f2a3b4c' as the gallery resource",
            ),
            (
                f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Compute/disks/x",
                "InvalidParameter",
                400,
                "The value of parameter galleryArtifactVersion.properties.publishingProfile.targetRegions.encryption.osDiskImage.diskEncryptionSetId is invalid",
            ),
            (
                "des-eastus2,1,des-eastus2",
                "InvalidParameter",
                400,
                "An invalid lun [1] was specified in encryption.dataDiskImages. The lun must be one of the following values ['0']",
            ),
            (
                "des-eastus2,0,des-eastus2,0,des-eastus2",
                "InvalidParameter",
                400,
                "Duplicate luns '0' were specified in target region 'East US 2' encryption.dataDiskImages",
            ),
        ],
    )
    def test_a_set_must_exist_in_the_region_and_subscription(
        self,
        sigctl: Runner,
        setup: None,
        unchanged: Any,
        encryption: str,
        code: str,
        status: int,
        message: str,
    ) -> None:
        with unchanged():
            result = sigctl(
                f"{V} -e 1.0.0 --managed-image img1 --target-regions eastus2 --target-region-encryption {encryption}"
            )
        assert result.exit_code == (3 if status == 404 else 1)
        assert result.stderr.startswith(f"ERROR: ({code}) {message}"), result.stderr

    def test_every_region_encrypts_a_disk_encrypted_in_one(
        self, sigctl: Runner, setup: None, unchanged: Any
    ) -> None:
        with unchanged():
            os_missing = sigctl(
                f"{V} -e 1.0.0 --managed-image img1 --target-regions eastus2 westus2 "
                "--target-region-encryption des-eastus2 null,0,des-westus2"
            )
        assert (
            "A disk encryption set is required for disk 'galleryArtifactVersion.properties.publishingProfile."
            "targetRegions.encryption.osDiskImage.diskEncryptionSetId' in target region 'West US 2' since disk "
            f"encryption set '{SETS}/des-eastus2' is used for the corresponding disk in region 'East US 2'"
        ) in os_missing.stderr
        lun_missing = sigctl(
            f"{V} -e 1.0.0 --managed-image img1 --target-regions eastus2 westus2 "
            "--target-region-encryption des-eastus2 des-westus2,0,des-westus2"
        )
        assert (
            "A disk encryption set is required for disk 'LUN 0' in target region 'East US 2' since disk "
            f"encryption set '{SETS}/des-westus2' is used for the corresponding disk in region 'West US 2'"
        ) in lun_missing.stderr

    def test_vhd_sources_cannot_be_encrypted(self, sigctl: Runner, ok: Any, setup: None) -> None:
        ok("source create vhd -g rg1 -n os --os-type linux --storage-account acct1")
        uri = "https://acct1.blob.core.windows.net/vhds/os.vhd"
        result = sigctl(
            f"{V} -e 1.0.0 --os-vhd-uri {uri} --os-vhd-storage-account acct1 "
            "--target-regions eastus2 --target-region-encryption des-eastus2"
        )
        assert result.exit_code == 1
        assert (
            f"(InvalidParameter) Encryption is not supported for source resource '{uri}'. Please use a "
            "different source resource type which supports encryption or remove encryption properties"
        ) in result.stderr

    def test_shared_galleries_hold_no_encrypted_versions(
        self, sigctl: Runner, ok: Any, setup: None
    ) -> None:
        ok("sig create -g rg1 -r shared1 --permissions Groups")
        ok(
            "sig image-definition create -g rg1 -r shared1 -i def1 -p P -f O -s S --os-type linux --only-show-errors"
        )
        result = sigctl(
            "sig image-version create -g rg1 -r shared1 -i def1 -e 1.0.0 --managed-image img1 "
            "--target-regions eastus2 --target-region-encryption des-eastus2 --only-show-errors"
        )
        assert result.exit_code == 1
        assert "a shared gallery cannot hold image versions encrypted" in result.stderr

    def test_the_caller_must_read_the_set(self, sigctl: Runner, ok: Any, setup: None) -> None:
        ok("ad user create --display-name ada --user-principal-name ada@sigctl.onmicrosoft.com")
        gallery = (
            f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Compute/galleries/gal1"
        )
        image = f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Compute/images/img1"
        for scope, role in ((gallery, "Contributor"), (image, "Reader")):
            ok(
                f"role assignment create --assignee ada@sigctl.onmicrosoft.com --role {role} --scope {scope}"
            )
        command = (
            f"{V} -e 1.0.0 -l eastus2 --managed-image img1 --target-regions eastus2 "
            "--target-region-encryption des-eastus2,0,des-eastus2 --as ada@sigctl.onmicrosoft.com"
        )
        denied = sigctl(command)
        assert denied.exit_code == 1
        assert (
            f"does not have authorization to perform action 'Microsoft.Compute/diskEncryptionSets/read' "
            f"over scope '{SETS}/des-eastus2'"
        ) in denied.stderr
        ok(
            f"role assignment create --assignee ada@sigctl.onmicrosoft.com --role Reader --scope {SETS}/des-eastus2"
        )
        assert sigctl(command).exit_code == 0

    def test_confidential_vm_types_need_a_confidential_definition(
        self, sigctl: Runner, ok: Any, setup: None
    ) -> None:
        refused = sigctl(
            f"{V} -e 1.0.0 --managed-image img1 --target-regions eastus2 "
            "--target-region-encryption null --target-region-cvm-encryption EncryptedWithPmk,"
        )
        assert refused.exit_code == 1
        assert (
            "The regional encryption.osDiskImage.securityProfile.confidentialVMEncryptionType can only be "
            "specified when the SecurityType of the image definition is ConfidentialVM, ConfidentialVmSupported "
            "or TrustedLaunchAndConfidentialVmSupported; it is 'TrustedLaunchSupported'."
        ) in refused.stderr
        make_definition(ok, "cvm1", "ConfidentialVmSupported")
        cvm = "sig image-version create -g rg1 -r gal1 -i cvm1 --only-show-errors --managed-image img1"
        made = ok(
            f"{cvm} -e 1.0.0 --target-regions eastus2 --target-region-encryption null "
            "--target-region-cvm-encryption EncryptedWithCmk,cvm-eastus2"
        )
        assert made["publishingProfile"]["targetRegions"][0]["encryption"] == {
            "osDiskImage": {
                "securityProfile": {
                    "confidentialVMEncryptionType": "EncryptedWithCmk",
                    "secureVMDiskEncryptionSetId": f"{SETS}/cvm-eastus2",
                }
            }
        }
        no_set = sigctl(
            f"{cvm} -e 1.0.1 --target-regions eastus2 --target-region-encryption null "
            "--target-region-cvm-encryption EncryptedWithCmk,"
        )
        assert "'EncryptedWithCmk' needs a disk encryption set" in no_set.stderr
        wrong_type = sigctl(
            f"{cvm} -e 1.0.1 --target-regions eastus2 --target-region-encryption null "
            "--target-region-cvm-encryption EncryptedWithCmk,des-eastus2"
        )
        assert "has encryption type 'EncryptionAtRestWithCustomerKey'" in wrong_type.stderr

    def test_confidential_vm_definitions(self, sigctl: Runner, ok: Any, setup: None) -> None:
        make_definition(ok, "cvm2", "ConfidentialVM")
        cvm = "sig image-version create -g rg1 -r gal1 -i cvm2 --only-show-errors --managed-image img1"
        plain = sigctl(f"{cvm} -e 1.0.0")
        assert (
            "(InvalidParameter) The regional encryption.osDiskImage.securityProfile.type must be specified "
            "when the SecurityType of the image definition is ConfidentialVM."
        ) in plain.stderr
        away = sigctl(
            f"{cvm} -e 1.0.0 --target-regions eastus2 westus2 --target-region-encryption null null "
            "--target-region-cvm-encryption EncryptedWithPmk, EncryptedWithPmk,"
        )
        assert (
            "Only the home region 'eastus2' can be specified as a target region for Images with the "
            "ConfidentialVM feature unless the Confidential VM encryption type is set to 'NonPersistedTPM'."
        ) in away.stderr
        ok(
            f"{cvm} -e 1.0.0 --target-regions eastus2 westus2 --target-region-encryption null null "
            "--target-region-cvm-encryption EncryptedWithPmk, NonPersistedTPM,"
        )


class TestUpdate:
    @pytest.fixture
    def version(self, ok: Any, setup: None) -> None:
        ok(
            f"{V} -e 1.0.0 --managed-image img1 --target-regions eastus2 westus2 "
            "--target-region-encryption des-eastus2,0,des-eastus2 des-westus2,0,des-westus2"
        )

    def test_replacing_regions_keeps_their_encryption(self, ok: Any, version: None) -> None:
        updated = ok(
            "sig image-version update -g rg1 -r gal1 -i def1 -e 1.0.0 --only-show-errors "
            "--target-regions eastus2 westus2=2"
        )
        regions = updated["publishingProfile"]["targetRegions"]
        assert [r["encryption"] for r in regions] == [
            encrypted("des-eastus2"),
            encrypted("des-westus2"),
        ]
        assert regions[1]["regionalReplicaCount"] == 2

    def test_a_new_region_must_be_encrypted_too(
        self, sigctl: Runner, ok: Any, version: None
    ) -> None:
        ok("disk-encryption-set create -g rg1 -n des-westeurope -l westeurope --key-url x")
        update = "sig image-version update -g rg1 -r gal1 -i def1 -e 1.0.0 --only-show-errors"
        plain = sigctl(f"{update} --target-regions eastus2 westus2 westeurope")
        assert "in target region 'West Europe' since disk encryption set" in plain.stderr
        added = ok(
            f"{update} --add publishingProfile.targetRegions "
            '\'{"name": "westeurope", "encryption": {"osDiskImage": {"diskEncryptionSetId": '
            f'"{SETS}/des-westeurope"}}, "dataDiskImages": [{{"lun": 0, "diskEncryptionSetId": '
            f'"{SETS}/des-westeurope"}}]}}}}\''
        )
        assert added["publishingProfile"]["targetRegions"][2]["encryption"] == encrypted(
            "des-westeurope"
        )

    def test_encryption_of_a_region_cannot_change(
        self, sigctl: Runner, setup: None, version: None, unchanged: Any
    ) -> None:
        update = "sig image-version update -g rg1 -r gal1 -i def1 -e 1.0.0 --only-show-errors"
        with unchanged():
            other = sigctl(
                f"{update} --set publishingProfile.targetRegions[0].encryption.osDiskImage.diskEncryptionSetId={SETS}/x"
            )
        assert other.exit_code == 1
        assert (
            "(PropertyChangeNotAllowed) Changing property "
            "'galleryImageVersion.properties.publishingProfile.targetRegions.encryption' is not allowed."
        ) in other.stderr

    def test_a_deleted_set_blocks_new_replicas_only(
        self, sigctl: Runner, ok: Any, version: None
    ) -> None:
        ok("disk-encryption-set delete -g rg1 -n des-westus2")
        update = "sig image-version update -g rg1 -r gal1 -i def1 -e 1.0.0 --only-show-errors"
        assert ok(f"{update} --set tags.a=b")["tags"] == {"a": "b"}
        more = sigctl(f"{update} --target-regions eastus2 westus2=3")
        assert more.exit_code == 3
        assert f"The disk encryption set {SETS}/des-westus2 was not found" in more.stderr


# -- the provider's rules on ARM bodies --------------------------------------------------------------


def error_of(call: Any, *args: Any) -> ArmError:
    with pytest.raises(ArmError) as raised:
        call(*args)
    return raised.value


class TestProvider:
    @pytest.fixture
    def provider(self, home: Path, setup: None) -> Provider:
        return Provider(home)

    def body(self, *targets: dict[str, Any]) -> dict[str, Any]:
        image = f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Compute/images/img1"
        return {
            "location": "eastus2",
            "properties": {
                "publishingProfile": {"targetRegions": list(targets)},
                "storageProfile": {"source": {"id": image}},
            },
        }

    def test_encryption_is_kept_and_echoed(self, provider: Provider) -> None:
        rid = ids.version_id(SUB, "rg1", "gal1", "def1", "1.0.0")
        block = {"osDiskImage": {"diskEncryptionSetId": f"{SETS}/DES-EASTUS2"}}
        made = provider.put(rid, self.body({"name": "eastus2", "encryption": block}))
        assert made["properties"]["publishingProfile"]["targetRegions"][0]["encryption"] == {
            "osDiskImage": {"diskEncryptionSetId": f"{SETS}/DES-EASTUS2", "securityProfile": {}}
        }

    @pytest.mark.parametrize(
        "block,code",
        [
            (
                {"dataDiskImages": [{"diskEncryptionSetId": f"{SETS}/des-eastus2"}]},
                "InvalidParameter",
            ),
            ({"dataDiskImages": [{"lun": "0"}]}, "InvalidRequestContent"),
            (
                {"osDiskImage": {"securityProfile": {"confidentialVMEncryptionType": "Bogus"}}},
                "InvalidParameter",
            ),
            ({"osDiskImage": {"diskEncryptionSetId": "not-an-id"}}, "InvalidParameter"),
        ],
    )
    def test_shapes_are_checked(self, provider: Provider, block: dict[str, Any], code: str) -> None:
        rid = ids.version_id(SUB, "rg1", "gal1", "def1", "1.0.0")
        assert (
            error_of(provider.put, rid, self.body({"name": "eastus2", "encryption": block})).code
            == code
        )
        assert error_of(provider.get, rid).status == 404  # nothing was written

    def test_new_lun_encryption_on_update(self, provider: Provider) -> None:
        rid = ids.version_id(SUB, "rg1", "gal1", "def1", "1.0.0")
        os_only = {"osDiskImage": {"diskEncryptionSetId": f"{SETS}/des-eastus2"}}
        provider.put(rid, self.body({"name": "eastus2", "encryption": os_only}))
        more = {
            **os_only,
            "dataDiskImages": [{"lun": 0, "diskEncryptionSetId": f"{SETS}/des-eastus2"}],
        }
        error = error_of(provider.put, rid, self.body({"name": "eastus2", "encryption": more}))
        assert error.message.startswith(
            "Cannot specify new data disk image encryption lun [0] with a disk encryption set in region "
            "[East US 2] for update gallery image version request. To update this version, remove the new lun."
        )
        kept = provider.put(rid, self.body({"name": "eastus2"}))
        assert kept["properties"]["publishingProfile"]["targetRegions"][0]["encryption"][
            "osDiskImage"
        ]["diskEncryptionSetId"].endswith("/des-eastus2")
