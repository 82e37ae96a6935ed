"""Image versions and their sources: az's arguments and checks, the service's rules, latest."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Prebuilt, Runner

GOLDEN = Path(__file__).parent / "golden"
SUB = "6b1a9c4e-2f3d-4e5a-8b7c-9d0e1f2a3b4c"
V = "sig image-version create -g rg1 -r gal1 -i def1 --only-show-errors"


@pytest.fixture(autouse=True)
def instant(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replication over time has its own tests; here versions complete at once."""
    monkeypatch.setenv("SIGCTL_REPLICATION_SPEED", "instant")


@pytest.fixture
def definition(ok: Any, prebuilt: Prebuilt) -> None:
    def build() -> None:
        ok("group create -n rg1 -l eastus2")
        ok("sig create -g rg1 -r gal1")
        ok(
            "sig image-definition create -g rg1 -r gal1 -i def1 -p P -f O -s S --os-type linux --only-show-errors"
        )
        ok(
            "source create managed-image -g rg1 -n img1 --os-type linux --size-gb 30 --used-gb 10 --data-disk 10"
        )

    prebuilt("test_image_versions.definition", build)


def test_create_prints_the_service_shape(
    sigctl: Runner, definition: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIGCTL_NOW", "2026-04-24T02:09:13.0173102Z")
    result = sigctl(
        "sig image-version create -g rg1 -r gal1 -i def1 -e 1.1.2 --managed-image img1 --target-regions westus2 eastus2=2 --replica-count 2"
    )
    assert result.exit_code == 0, result.stderr
    expected = json.loads((GOLDEN / "image_version_create.json").read_text())
    assert result.json == expected
    assert sorted(result.stderr.splitlines()) == [
        "WARNING: The default value of '--block-deletion-before-end-of-life' will be changed to 'True' from 'None' in a future release.",
        "WARNING: The default value of '--end-of-life-date' will be changed to '6 months from publish date' from 'None' in a future release.",
    ]


def test_show_expand_and_table(sigctl: Runner, ok: Any, definition: None) -> None:
    ok(f"{V} -e 1.0.0 --managed-image img1 --target-regions eastus2 westus2")
    plain = ok("sig image-version show -g rg1 -r gal1 -i def1 -e 1.0.0")
    assert "replicationStatus" not in plain
    expanded = ok(
        "sig image-version show -g rg1 -r gal1 -i def1 -e 1.0.0 --expand ReplicationStatus"
    )
    assert expanded["replicationStatus"] == {
        "aggregatedState": "Completed",
        "summary": [
            {"details": "", "progress": 100, "region": "East US 2", "state": "Completed"},
            {"details": "", "progress": 100, "region": "West US 2", "state": "Completed"},
        ],
    }
    table = sigctl(
        "sig image-version show -g rg1 -r gal1 -i def1 -e 1.0.0 --expand ReplicationStatus -o table"
    )
    assert table.stdout.splitlines()[0].split() == [
        "Name",
        "ResourceGroup",
        "ProvisioningState",
        "TargetRegions",
        "ReplicationState",
    ]
    assert "East US 2, West US 2" in table.stdout
    no_expand = sigctl("sig image-version show -g rg1 -r gal1 -i def1 -e 1.0.0 -o table")
    assert "ReplicationState" not in no_expand.stdout
    bad = sigctl("sig image-version show -g rg1 -r gal1 -i def1 -e 1.0.0 --expand Everything")
    assert bad.exit_code == 2


def test_list_orders_versions_numerically(sigctl: Runner, ok: Any, definition: None) -> None:
    for name in ("1.10.0", "1.9.0", "1.0.0"):
        ok(f"{V} -e {name} --managed-image img1 -o none")
    assert (
        sigctl("sig image-version list -g rg1 -r gal1 -i def1 --query [].name -o tsv").stdout
        == "1.0.0\n1.9.0\n1.10.0\n"
    )
    assert sigctl("sig image-version list -g rg1 -r gal1 -i def1 -o table").stdout.split("\n")[
        0
    ].split() == [
        "Location",
        "Name",
        "ProvisioningState",
        "ResourceGroup",
    ]
    missing = sigctl("sig image-version list -g rg1 -r gal1")
    assert missing.exit_code == 2
    assert missing.stderr.startswith(  # az's generated list declares -i first
        "ERROR: the following arguments are required: -i/--gallery-image-name/--gallery-image-definition\n"
    )


def test_missing_parents_on_create_and_delete(
    sigctl: Runner, definition: None, unchanged: Any
) -> None:
    with unchanged():
        no_gallery = sigctl(f"{V.replace('-r gal1', '-r nogal')} -e 1.0.0 --managed-image img1")
        no_gallery_delete = sigctl("sig image-version delete -g rg1 -r nogal -i def1 -e 1.0.0")
        no_definition = sigctl(f"{V.replace('-i def1', '-i nodef')} -e 1.0.0 --managed-image img1")
        no_definition_delete = sigctl("sig image-version delete -g rg1 -r gal1 -i nodef -e 1.0.0")
        shown = sigctl("sig image-version show -g rg1 -r nogal -i def1 -e 1.0.0")
    parent = "ERROR: (ParentResourceNotFound) Can not perform requested operation on nested resource. Parent resource '{}' not found."
    for result, name in (
        (no_gallery, "nogal"),
        (no_gallery_delete, "nogal"),
        (no_definition, "nodef"),
        (no_definition_delete, "nodef"),
    ):
        assert result.exit_code == 3
        assert result.stderr.splitlines()[0] == parent.format(name)
    # a GET of something missing stays ResourceNotFound, as ARM answers
    assert shown.exit_code == 3 and shown.stderr.startswith("ERROR: (ResourceNotFound)")


def test_versions_equal_as_numbers_are_one_version(
    sigctl: Runner, ok: Any, definition: None, unchanged: Any
) -> None:
    ok(f"{V} -e 1.0.0 --managed-image img1 -o none")
    with unchanged():
        for name in ("01.0.0", "1.0.00", "1.00.0"):
            result = sigctl(f"{V} -e {name} --managed-image img1")
            assert result.exit_code == 1
            assert result.stderr.startswith(
                f"ERROR: (Conflict) Gallery image version '{name}' is the existing version '1.0.0'"
            )


def test_latest_among_equal_numbers_is_deterministic(
    sigctl: Runner, ok: Any, definition: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a state from before the check (or imported) may hold two spellings of one number
    monkeypatch.setattr("sigctl.provider.image_version_writes.check_same_number", lambda *_: None)
    monkeypatch.setenv("SIGCTL_NOW", "2026-01-01T00:00:00Z")
    ok(f"{V} -e 01.0.0 --managed-image img1 -o none")
    monkeypatch.setenv("SIGCTL_NOW", "2026-02-01T00:00:00Z")
    ok(f"{V} -e 1.0.0 --managed-image img1 -o none")
    resolve = "image-version resolve -g rg1 -r gal1 -i def1 --query name -o tsv"
    assert sigctl(resolve).stdout == "1.0.0\n"  # the newest published
    listed = "sig image-version list -g rg1 -r gal1 -i def1 --query [].name -o tsv"
    assert sigctl(listed).stdout == "01.0.0\n1.0.0\n"


@pytest.mark.parametrize("name", ["1.0", "1.0.0.0", "a.b.c", "1.0.2147483648", "latest", "２.０.٣"])
def test_invalid_version_names(sigctl: Runner, definition: None, unchanged: Any, name: str) -> None:
    with unchanged():
        result = sigctl(f"{V} -e {name} --managed-image img1")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "ERROR: (InvalidParameter) The image version name is invalid. The image version name should follow "
        "Major(int).Minor(int).Patch(int) format, where int is between 0 and 2,147,483,647 (inclusive). For e.g: 1.0.0, 2018.12.1 etc\n"
    )
    assert "Target: galleryImageVersionName" in result.stderr


def test_largest_int32_is_a_valid_part(ok: Any, definition: None) -> None:
    assert ok(f"{V} -e 1.0.2147483647 --managed-image img1")["name"] == "1.0.2147483647"


@pytest.mark.parametrize(
    "regions,message",
    [
        (
            "westus=abc",
            "usage error: westus=abc is an invalid target region argument. The second part is neither an integer replica count or a valid storage account type. Storage account types must be one of standard_lrs, standard_zrs, premium_lrs.",
        ),
        (
            "westus=2=standard",
            "usage error: westus=2=standard is an invalid target region argument. The third part is not a valid storage account type. Storage account types must be one of standard_lrs, standard_zrs, premium_lrs.",
        ),
        (
            "westus=x=standard_lrs",
            "usage error: westus=x=standard_lrs is an invalid target region argument. The second part must be a valid integer replica count.",
        ),
    ],
)
def test_target_region_grammar(
    sigctl: Runner, definition: None, unchanged: Any, regions: str, message: str
) -> None:
    with unchanged():
        result = sigctl(f"{V} -e 1.0.0 --managed-image img1 --target-regions eastus2 {regions}")
    assert (result.exit_code, result.stderr) == (1, f"ERROR: {message}\n")


def test_target_regions_rules(sigctl: Runner, ok: Any, definition: None, unchanged: Any) -> None:
    with unchanged():
        without_home = sigctl(f"{V} -e 1.0.0 --managed-image img1 --target-regions westus2")
        duplicate = sigctl(
            f'{V} -e 1.0.0 --managed-image img1 --target-regions eastus2 "East US 2"'
        )
        unknown = sigctl(f"{V} -e 1.0.0 --managed-image img1 --target-regions eastus2 moon")
        zrs = sigctl(
            f"{V} -e 1.0.0 --managed-image img1 --target-regions eastus2 westus=1=Standard_ZRS"
        )
    assert without_home.exit_code == 1
    assert (
        "Gallery image version publishing profile regions 'West US 2' must contain the location of image version 'East US 2'."
        in without_home.stderr
    )
    assert (
        duplicate.exit_code == 1
        and "Duplicate regions are not allowed in target publishing regions." in duplicate.stderr
    )
    assert unknown.exit_code == 1 and "(LocationNotAvailableForResourceType)" in unknown.stderr
    assert (
        zrs.exit_code == 1
        and "ZRS storage account type is not supported in this region." in zrs.stderr
    )
    made = ok(
        f"{V} -e 1.0.0 --managed-image img1 --target-regions eastus2=1=standard_zrs westus=2 --storage-account-type Premium_LRS"
    )
    assert made["publishingProfile"]["targetRegions"] == [
        {"name": "East US 2", "regionalReplicaCount": 1, "storageAccountType": "Standard_ZRS"},
        {"name": "West US", "regionalReplicaCount": 2, "storageAccountType": "Premium_LRS"},
    ]
    assert made["publishingProfile"]["storageAccountType"] == "Premium_LRS"


def test_replica_count_limits(sigctl: Runner, definition: None) -> None:
    over = sigctl(f"{V} -e 1.0.0 --managed-image img1 --target-regions eastus2=101")
    assert over.exit_code == 1
    assert (
        "The value 101 of parameter targetRegions[0].regionalReplicaCount is out of range. The value must be between 1 and 100, inclusive."
        in over.stderr
    )
    bad = sigctl(f"{V} -e 1.0.0 --managed-image img1 --replica-count abc")
    assert bad.exit_code == 2 and bad.stderr.startswith(
        "ERROR: argument --replica-count: invalid int value: 'abc'"
    )


@pytest.mark.parametrize(
    "args,message",
    [
        (
            "--managed-image a --image-version b",
            "usage error: please specify only one of the --managed-image\\--virtual-machine\\--image-version arguments",
        ),
        ("", "usage error: Please provide --managed-image or --os-snapshot or --vhd"),
        (
            "--os-snapshot s --data-snapshot-luns 0",
            "usage error: --data-snapshot-luns must be used together with --data-snapshots",
        ),
        (
            "--os-snapshot s --data-snapshots a b --data-snapshot-luns 0",
            "usage error: Length of --data-snapshots and --data-snapshot-luns should be equal.",
        ),
        (
            "--os-vhd-uri https://x/y.vhd",
            "--os-vhd-uri and --os-vhd-storage-account should be used together.",
        ),
        (
            "--os-snapshot s --data-vhds-uris u",
            "--data-vhds-uris and --data-vhds-storage-accounts should be used together.",
        ),
        (
            "--os-snapshot s --data-vhds-luns 0",
            "--data-vhds-luns must be used together with --data-vhds-uris",
        ),
        (
            "--os-snapshot s --data-vhds-uris u v --data-vhds-storage-accounts a",
            "Length of --data-vhds-uris, --data-vhds-luns, --data-vhds-storage-accounts must be same.",
        ),
        ("--virtual-machine notanid", "usage error: notanid is an invalid VM resource id"),
        ("--image-version X", "usage error: X is an invalid gallery image version id"),
    ],
)
def test_client_side_source_checks(
    sigctl: Runner, definition: None, unchanged: Any, args: str, message: str
) -> None:
    with unchanged():
        result = sigctl(f"{V} -e 1.0.0 {args}")
    assert (result.exit_code, result.stderr) == (1, f"ERROR: {message}\n")


def test_no_wait_is_a_plain_flag(sigctl: Runner, definition: None) -> None:
    result = sigctl(f"{V} -e 1.0.0 --managed-image img1 --no-wait")
    assert (result.exit_code, result.stdout) == (0, "")
    assert sigctl(f"{V} -e 1.0.1 --managed-image img1 --no-wait true").exit_code == 2


def test_exclude_from_latest_values(sigctl: Runner, ok: Any, definition: None) -> None:
    assert (
        ok(f"{V} -e 1.0.0 --managed-image img1 --exclude-from-latest")["publishingProfile"][
            "excludeFromLatest"
        ]
        is True
    )
    assert (
        ok(f"{V} -e 1.0.1 --managed-image img1 --exclude-from-latest FALSE")["publishingProfile"][
            "excludeFromLatest"
        ]
        is False
    )
    maybe = sigctl(f"{V} -e 1.0.2 --managed-image img1 --exclude-from-latest maybe")
    assert maybe.exit_code == 2
    assert maybe.stderr.startswith(
        "ERROR: 'maybe' is not a valid value for '--exclude-from-latest'. Allowed values: true, false."
    )


class TestSources:
    def test_every_kind_makes_a_version(self, ok: Any, definition: None) -> None:
        ok("source create vm -g rg1 -n vm1 --os-type linux --size-gb 64 --used-gb 8")
        ok("source create snapshot -g rg1 -n os1 --os-type linux --size-gb 30")
        ok("source create disk -g rg1 -n data1 --os-type linux --size-gb 16")
        ok("source create snapshot -g rg1 -n data2 --os-type linux --size-gb 8")
        ok("source create vhd -g rg1 -n osvhd --os-type linux --storage-account acct1")
        vm_id = f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/vm1"
        from_vm = ok(f"{V} -e 1.0.0 --virtual-machine {vm_id}")
        # az adds resourceGroup only beside an "id" key
        assert from_vm["storageProfile"]["source"] == {"virtualMachineId": vm_id}
        snaps = ok(f"{V} -e 1.0.1 --os-snapshot os1 --data-snapshots data2 --data-snapshot-luns 3")
        profile = snaps["storageProfile"]
        assert profile["osDiskImage"]["source"]["id"].endswith("/snapshots/os1")
        assert profile["dataDiskImages"] == [
            {
                "hostCaching": "None",
                "lun": 3,
                "sizeInGB": 8,
                "source": {
                    "id": f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Compute/snapshots/data2",
                    "resourceGroup": "rg1",
                },
            }
        ]
        disk_id = f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Compute/disks/data1"
        ok(f"{V} -e 1.0.2 --os-snapshot os1 --data-snapshots {disk_id}")
        vhd = ok(
            f"{V} -e 1.0.3 --os-vhd-uri https://acct1.blob.core.windows.net/vhds/osvhd.vhd --os-vhd-storage-account acct1"
        )
        assert vhd["storageProfile"]["osDiskImage"]["source"] == {
            "storageAccountId": f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/acct1",
            "uri": "https://acct1.blob.core.windows.net/vhds/osvhd.vhd",
        }
        version_id = from_vm["id"]
        copy = ok(f"{V} -e 2.0.0 --image-version {version_id}")
        assert copy["storageProfile"]["source"]["id"] == version_id
        assert copy["storageProfile"]["osDiskImage"]["sizeInGB"] == 64

    def test_unknown_source_is_not_found(
        self, sigctl: Runner, definition: None, unchanged: Any
    ) -> None:
        with unchanged():
            result = sigctl(f"{V} -e 1.0.0 --managed-image nosuchimage")
        assert result.exit_code == 3
        assert "(ResourceNotFound) Source was not found:" in result.stderr

    def test_source_must_match_the_definition(
        self, sigctl: Runner, ok: Any, definition: None, unchanged: Any
    ) -> None:
        ok("source create managed-image -g rg1 -n win --os-type windows")
        ok("source create managed-image -g rg1 -n gen1 --os-type linux --hyper-v-generation V1")
        ok("source create managed-image -g rg1 -n spec --os-type linux --os-state Specialized")
        with unchanged():
            windows = sigctl(f"{V} -e 1.0.0 --managed-image win")
            gen1 = sigctl(f"{V} -e 1.0.0 --managed-image gen1")
            special = sigctl(f"{V} -e 1.0.0 --managed-image spec")
        assert (
            windows.exit_code == 1
            and "has a different OS type ['Windows'] than the parent gallery image OS type generation ['Linux']"
            in windows.stderr
        )
        assert (
            gen1.exit_code == 1
            and "has a different Hypervisor generation ['V1'] than the parent gallery image Hypervisor generation ['V2']"
            in gen1.stderr
        )
        assert (
            special.exit_code == 1
            and "since the OS State in the parent gallery image (Generalized) is not Specialized"
            in special.stderr
        )

    def test_disks_and_snapshots_have_no_os_state(
        self, sigctl: Runner, ok: Any, unchanged: Any
    ) -> None:
        ok("group create -n rg1 -l eastus2")
        ok("sig create -g rg1 -r gal1")
        ok(
            "sig image-definition create -g rg1 -r gal1 -i spec -p P -f O -s S --os-type linux "
            "--os-state Specialized --only-show-errors"
        )
        snapshot = ok("source create snapshot -g rg1 -n os1 --os-type linux")["properties"]
        assert "osState" not in snapshot and "hyperVGeneration" not in snapshot
        disk = ok("source create disk -g rg1 -n os2 --os-type linux --hyper-v-generation V2")
        assert "osState" not in disk["properties"]
        assert disk["properties"]["hyperVGeneration"] == "V2"
        # A Specialized definition takes an OS disk snapshot or disk: it has no state to clash.
        made = ok("sig image-version create -g rg1 -r gal1 -i spec -e 1.0.0 --os-snapshot os1")
        assert made["storageProfile"]["osDiskImage"]["source"]["id"].endswith("/snapshots/os1")
        disk_id = disk["id"]
        ok(f"sig image-version create -g rg1 -r gal1 -i spec -e 1.0.1 --os-snapshot {disk_id}")
        with unchanged():
            refused = sigctl("source create snapshot -g rg1 -n s3 --os-state Specialized")
        assert refused.exit_code == 1
        assert "(InvalidParameter) A snapshot has no OS state" in refused.stderr
        assert "Target: osState" in refused.stderr

    def test_os_type_and_generation_are_optional_on_disks(
        self, sigctl: Runner, ok: Any, definition: None
    ) -> None:
        bare = ok("source create snapshot -g rg1 -n empty --size-gb 16")["properties"]
        assert not {"osType", "osState", "hyperVGeneration"} & set(bare)
        ok("source create snapshot -g rg1 -n data0 --size-gb 8")
        ok("source create vhd -g rg1 -n blank --storage-account acct1")
        # With no OS type or generation, the definition's (Linux, V2) stand: no mismatch rule.
        made = ok(f"{V} -e 1.0.0 --os-snapshot empty --data-snapshots data0")
        assert made["storageProfile"]["osDiskImage"]["sizeInGB"] == 16
        vhd = ok(
            f"{V} -e 1.0.1 --os-vhd-uri https://acct1.blob.core.windows.net/vhds/blank.vhd "
            "--os-vhd-storage-account acct1"
        )
        assert vhd["storageProfile"]["osDiskImage"]["source"]["uri"].endswith("/blank.vhd")
        # A disk that has an OS type or generation is still checked against the definition.
        ok("source create snapshot -g rg1 -n win --os-type windows")
        ok("source create snapshot -g rg1 -n gen1 --hyper-v-generation V1")
        windows = sigctl(f"{V} -e 1.0.2 --os-snapshot win")
        assert windows.exit_code == 1 and "has a different OS type ['Windows']" in windows.stderr
        gen1 = sigctl(f"{V} -e 1.0.2 --os-snapshot gen1")
        assert gen1.exit_code == 1 and "has a different Hypervisor generation ['V1']" in gen1.stderr
        # managed images and VMs still need an OS type
        assert sigctl("source create managed-image -g rg1 -n noos").exit_code == 1

    def test_a_vhd_name_with_its_extension_is_not_doubled(self, ok: Any, definition: None) -> None:
        made = ok("source create vhd -g rg1 -n osdisk.vhd --os-type linux --storage-account acct1")
        uri = "https://acct1.blob.core.windows.net/vhds/osdisk.vhd"
        assert made["id"] == made["properties"]["uri"] == uri
        assert ok("source show vhd -g rg1 -n osdisk.vhd")["id"] == uri
        assert ok("source show vhd -g rg1 -n osdisk")["id"] == uri  # one blob, either spelling
        version = ok(f"{V} -e 1.0.0 --os-vhd-uri {uri} --os-vhd-storage-account acct1")
        assert version["storageProfile"]["osDiskImage"]["source"]["uri"] == uri
        ok("source delete vhd -g rg1 -n osdisk.vhd")
        assert ok("source list -g rg1 --kind vhd") == []

    def test_source_in_another_region_is_refused(
        self, sigctl: Runner, ok: Any, definition: None, unchanged: Any
    ) -> None:
        ok("source create managed-image -g rg1 -n far --os-type linux -l westus2")
        with unchanged():
            result = sigctl(f"{V} -e 1.0.0 --managed-image far")
        assert result.exit_code == 1
        assert (
            "is not found. Please check source exists, and is in the same region as gallery image version being created"
            in result.stderr
        )
        assert ok(f"{V} -e 1.0.0 --managed-image far -l westus2")["location"] == "westus2"

    def test_wrong_kind_and_duplicates(self, sigctl: Runner, ok: Any, definition: None) -> None:
        ok("source create snapshot -g rg1 -n s1 --os-type linux")
        snap_id = (
            f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Compute/snapshots/s1"
        )
        wrong = sigctl(f"{V} -e 1.0.0 --managed-image {snap_id}")
        assert (
            wrong.exit_code == 1
            and "must either be a managed image, virtual machine or another gallery image version"
            in wrong.stderr
        )
        dup = sigctl(f"{V} -e 1.0.0 --os-snapshot s1 --data-snapshots s1")
        assert (
            dup.exit_code == 1
            and "Duplicated source ids are found in the input disks." in dup.stderr
        )
        ok("source create snapshot -g rg1 -n s2 --os-type linux")
        ok("source create snapshot -g rg1 -n s3 --os-type linux")
        luns = sigctl(
            f"{V} -e 1.0.0 --os-snapshot s1 --data-snapshots s2 s3 --data-snapshot-luns 1 1"
        )
        assert luns.exit_code == 1 and "Duplicated lun numbers have been detected" in luns.stderr

    def test_disk_size_limit(self, sigctl: Runner, ok: Any, definition: None) -> None:
        ok("source create managed-image -g rg1 -n huge --os-type linux --size-gb 2520")
        result = sigctl(f"{V} -e 1.0.0 --managed-image huge")
        assert result.exit_code == 1
        assert (
            "(GallerySourceResourceExceedsMaxSize) The GalleryImageVersion source resource size 2520 exceeds the max size 2048 supported"
            in result.stderr
        )

    def test_source_commands(self, sigctl: Runner, ok: Any, definition: None) -> None:
        assert ok("source show managed-image -g rg1 -n img1")["properties"]["osDisk"] == {
            "sizeGB": 30,
            "usedGB": 10,
        }
        assert [s["name"] for s in ok("source list -g rg1")] == ["img1"]
        assert sigctl("source show snapshot -g rg1 -n img1").exit_code == 3
        assert (
            sigctl("source create snapshot -g rg1 -n d --os-type linux --data-disk 4").exit_code
            == 1
        )
        ok("source delete managed-image -g rg1 -n img1")
        assert ok("source list") == []


def test_arguments_as_az_names_them(sigctl: Runner, ok: Any, definition: None) -> None:
    # create, update and undelete know -i and -e by one long name each, as az's do
    alias = sigctl(f"{V} --gallery-image-version-name 1.0.0 --managed-image img1")
    assert alias.exit_code == 2
    assert alias.stderr.startswith(
        "ERROR: the following arguments are required: --gallery-image-version/-e\n"
    )
    ok(f"{V} -e 1.0.0 --managed-image img1")
    # image-version update's --force-string is a plain flag (az's hand-written update)
    update = "sig image-version update -g rg1 -r gal1 -i def1 -e 1.0.0"
    assert ok(f"{update} --set tags.n=01 --force-string")["tags"] == {"n": "01"}
    flag = sigctl(f"{update} --set tags.n=02 --force-string true")
    assert flag.exit_code == 2 and "unrecognized arguments: true" in flag.stderr
    # generated commands take az's policy arguments
    ok("sig image-version delete -g rg1 -r gal1 -i def1 -e 1.0.0 --acquire-policy-token")


class TestUpdate:
    @pytest.fixture(autouse=True)
    def version(self, ok: Any, definition: None) -> None:
        ok(f"{V} -e 1.0.0 --managed-image img1 --target-regions eastus2 westus2")

    def test_same_create_twice_is_a_no_op(self, sigctl: Runner, ok: Any, unchanged: Any) -> None:
        with unchanged():
            again = ok(f"{V} -e 1.0.0 --managed-image img1 --target-regions eastus2 westus2")
        assert again["name"] == "1.0.0"
        ok("source create managed-image -g rg1 -n img2 --os-type linux")
        with unchanged():
            other = sigctl(f"{V} -e 1.0.0 --managed-image img2 --target-regions eastus2 westus2")
        assert other.exit_code == 1
        assert (
            "Changing property 'galleryImageVersion.properties.storageProfile.source.id' is not allowed."
            in other.stderr
        )

    def test_explicit_full_replication_mode_is_no_change(
        self, sigctl: Runner, ok: Any, unchanged: Any
    ) -> None:
        # Full is the default replication mode: naming it changes nothing
        with unchanged():
            again = ok(
                f"{V} -e 1.0.0 --managed-image img1 --target-regions eastus2 westus2 --replication-mode Full"
            )
        assert "replicationMode" not in again["publishingProfile"]
        ok(f"{V} -e 3.0.0 --managed-image img1 --replication-mode Shallow -o none")
        with unchanged():
            full = sigctl(f"{V} -e 3.0.0 --managed-image img1 --replication-mode Full")
        assert (
            full.exit_code == 1
            and "publishingProfile.replicationMode' is not allowed" in full.stderr
        )

    def test_create_as_update_names_the_regions_that_lose_replicas(self, sigctl: Runner) -> None:
        result = sigctl(
            f"{V.replace(' --only-show-errors', '')} -e 1.0.0 --managed-image img1 --target-regions eastus2 "
            "--allow-replicated-location-deletion -o none"
        )
        assert result.exit_code == 0, result.stderr
        assert (
            "WARNING: Replicas in West US 2 are deleted: the region is no longer a target region."
            in result.stderr.splitlines()
        )

    def test_storage_profile_cannot_change(self, sigctl: Runner, ok: Any, unchanged: Any) -> None:
        base = "sig image-version update -g rg1 -r gal1 -i def1 -e 1.0.0 --only-show-errors"
        e28 = "Adding new Data Disks or changing the LUN of a Data Disk in an existing Image is not allowed"
        with unchanged():
            os_caching = sigctl(f"{base} --set storageProfile.osDiskImage.hostCaching=ReadOnly")
            data_caching = sigctl(
                f"{base} --set storageProfile.dataDiskImages[0].hostCaching=ReadOnly"
            )
            lun = sigctl(f"{base} --set storageProfile.dataDiskImages[0].lun=5")
            added = sigctl(f"{base} --add storageProfile.dataDiskImages lun=7")
            removed = sigctl(f"{base} --remove storageProfile.dataDiskImages 0")
        for result, path in (
            (os_caching, "osDiskImage.hostCaching"),
            (data_caching, "dataDiskImages[0].hostCaching"),
        ):
            assert result.exit_code == 1
            assert result.stderr.startswith(
                f"ERROR: (PropertyChangeNotAllowed) Changing property 'galleryImageVersion.properties.storageProfile.{path}' is not allowed."
            )
        for result in (lun, added, removed):
            assert result.exit_code == 1 and f"(InvalidParameter) {e28}" in result.stderr
        # the unchanged profile az sends back (without its sources) still passes
        before = ok("sig image-version show -g rg1 -r gal1 -i def1 -e 1.0.0")["storageProfile"]
        assert ok(f"{base} --set tags.k=v")["storageProfile"] == before
        # and so does one made from disks, whose LUNs are the caller's
        ok("source create snapshot -g rg1 -n os1 --os-type linux")
        ok("source create snapshot -g rg1 -n data1 --os-type linux")
        ok(f"{V} -e 2.0.0 --os-snapshot os1 --data-snapshots data1 --data-snapshot-luns 3 -o none")
        disks = "sig image-version update -g rg1 -r gal1 -i def1 -e 2.0.0 --only-show-errors"
        assert ok(f"{disks} --set tags.k=v")["storageProfile"]["dataDiskImages"][0]["lun"] == 3
        moved = sigctl(f"{disks} --set storageProfile.dataDiskImages[0].lun=4")
        assert moved.exit_code == 1 and e28 in moved.stderr

    def test_target_regions_replace_the_list(self, sigctl: Runner, ok: Any, unchanged: Any) -> None:
        with unchanged():
            refused = sigctl(
                "sig image-version update -g rg1 -r gal1 -i def1 -e 1.0.0 --target-regions eastus2 --only-show-errors"
            )
        assert (
            refused.exit_code == 1
            and "West US 2" in refused.stderr
            and "allowDeletionOfReplicatedLocations" in refused.stderr
        )
        allowed = sigctl(
            "sig image-version update -g rg1 -r gal1 -i def1 -e 1.0.0 --target-regions eastus2 uksouth=2 --allow-replicated-location-deletion"
        )
        assert allowed.exit_code == 0
        assert [r["name"] for r in allowed.json["publishingProfile"]["targetRegions"]] == [
            "East US 2",
            "UK South",
        ]
        assert (
            "WARNING: Replicas in West US 2 are deleted: the region is no longer a target region."
            in allowed.stderr
        )

    def test_generic_updates(self, ok: Any) -> None:
        updated = ok(
            "sig image-version update -g rg1 -r gal1 -i def1 -e 1.0.0 --set publishingProfile.excludeFromLatest=true "
            "--set publishingProfile.endOfLifeDate=2031-01-01T00:00:00Z --set tags.team=images --only-show-errors"
        )
        assert updated["publishingProfile"]["excludeFromLatest"] is True
        assert updated["publishingProfile"]["endOfLifeDate"] == "2031-01-01T00:00:00+00:00"
        assert updated["tags"] == {"team": "images"}
        added = ok(
            "sig image-version update -g rg1 -r gal1 -i def1 -e 1.0.0 --add publishingProfile.targetRegions name=westus regionalReplicaCount=2 --only-show-errors"
        )
        assert added["publishingProfile"]["targetRegions"][-1] == {
            "name": "West US",
            "regionalReplicaCount": 2,
            "storageAccountType": "Standard_LRS",
        }
        more = ok(
            "sig image-version update -g rg1 -r gal1 -i def1 -e 1.0.0 --replica-count 3 --only-show-errors"
        )
        assert more["publishingProfile"]["replicaCount"] == 3

    def test_immutable_and_bad_values(self, sigctl: Runner, unchanged: Any) -> None:
        base = "sig image-version update -g rg1 -r gal1 -i def1 -e 1.0.0 --only-show-errors"
        with unchanged():
            storage = sigctl(f"{base} --set publishingProfile.storageAccountType=Premium_LRS")
            bad_int = sigctl(f"{base} --set publishingProfile.replicaCount=abc")
        assert (
            "(PropertyChangeNotAllowed) Changing property 'galleryImageVersion.properties.publishingProfile.storageAccountType' is not allowed."
            in storage.stderr
        )
        assert (
            bad_int.exit_code == 1
            and "Traceback" not in bad_int.stderr
            and "replicaCount" in bad_int.stderr
        )

    def test_update_needs_every_name_and_takes_no_ids(self, sigctl: Runner) -> None:
        assert sigctl("sig image-version update -g rg1 -r gal1 -i def1").exit_code == 2
        assert sigctl("sig image-version update --ids x").exit_code == 2


class TestDelete:
    def test_delete_and_block_before_end_of_life(
        self, sigctl: Runner, ok: Any, definition: None
    ) -> None:
        ok(
            f"{V} -e 1.0.0 --managed-image img1 --end-of-life-date 2099-01-01 --block-deletion-before-end-of-life"
        )
        blocked = sigctl("sig image-version delete -g rg1 -r gal1 -i def1 -e 1.0.0")
        assert (
            blocked.exit_code == 1
            and "(DeleteGalleryImageVersionBlockedBeforeEndOfLife)" in blocked.stderr
        )
        ok(
            "sig image-version update -g rg1 -r gal1 -i def1 -e 1.0.0 --block-deletion-before-end-of-life false --only-show-errors"
        )
        assert sigctl("sig image-version delete -g rg1 -r gal1 -i def1 -e 1.0.0").stdout == ""
        assert sigctl("sig image-version show -g rg1 -r gal1 -i def1 -e 1.0.0").exit_code == 3
        assert sigctl("sig image-version delete -g rg1 -r gal1 -i def1 -e 1.0.0").exit_code == 0

    def test_definition_delete_waits_for_its_versions(
        self, sigctl: Runner, ok: Any, definition: None
    ) -> None:
        ok(f"{V} -e 1.0.0 --managed-image img1")
        blocked = sigctl("sig image-definition delete -g rg1 -r gal1 -i def1")
        assert blocked.exit_code == 1
        assert "'Microsoft.Compute/galleries/gal1/images/def1/versions/1.0.0'" in blocked.stderr

    def test_soft_delete(self, sigctl: Runner, ok: Any, definition: None) -> None:
        ok("sig create -g rg1 -r soft --soft-delete true")
        ok(
            "sig image-definition create -g rg1 -r soft -i d -p P -f O -s S --os-type linux --only-show-errors"
        )
        base = "-g rg1 -r soft -i d -e 1.0.0"
        ok(f"sig image-version create {base} --managed-image img1 --only-show-errors")
        ok(f"sig image-version delete {base}")
        assert sigctl(f"sig image-version show {base}").exit_code == 3
        listed = ok("sig image-version list-soft-deleted -g rg1 -r soft -i d")
        assert [(v["name"], v["softDeletedArtifactType"], v["location"]) for v in listed] == [
            ("1.0.0", "Images", "East US 2")
        ]
        assert listed[0]["resourceArmId"].endswith("/galleries/soft/images/d/versions/1.0.0")
        # az's other arguments: --gallery-image-name, --artifact-type (Images), paging
        spelt = "sig image-version list-soft-deleted -g rg1 -r soft --gallery-image-name d"
        assert ok(f"{spelt} --artifact-type Images --max-items 1") == listed
        other = sigctl(f"{spelt} --artifact-type Applications")
        assert other.exit_code == 1 and "Target: artifactType" in other.stderr
        again = sigctl(f"sig image-version create {base} --managed-image img1 --only-show-errors")
        assert again.exit_code == 1 and "soft-deleted" in again.stderr
        logged = sigctl(f"sig image-version undelete {base} --debug -o none")
        assert "Request: PATCH /subscriptions/" in logged.stderr  # logged like any call
        ok(f"sig image-version delete {base}")
        restored = ok(f"sig image-version undelete {base}")
        assert restored["name"] == "1.0.0" and restored["provisioningState"] == "Succeeded"
        assert ok("sig image-version list-soft-deleted -g rg1 -r soft -i d") == []
        ok(f"sig image-version delete {base} --bypass-soft-delete")
        assert ok("sig image-version list-soft-deleted -g rg1 -r soft -i d") == []

    def test_purged_versions_neither_block_deletes_nor_count(
        self, sigctl: Runner, ok: Any, definition: None
    ) -> None:
        ok("sig create -g rg1 -r soft --soft-delete true")
        ok(
            "sig image-definition create -g rg1 -r soft -i d -p P -f O -s S --os-type linux --only-show-errors"
        )
        base = "-g rg1 -r soft -i d -e 1.0.0"
        ok(f"sig image-version create {base} --managed-image img1 --only-show-errors")
        ok(f"{V} -e 1.0.0 --managed-image img1 --only-show-errors")  # stays, in gal1
        ok(f"sig image-version delete {base}")
        held = sigctl("sig image-definition delete -g rg1 -r soft -i d")
        assert held.exit_code == 1 and "versions/1.0.0" in held.stderr  # restorable still
        ok("replication clock advance 8d")  # past the 7-day retention: purged
        assert ok("sig image-version list-soft-deleted -g rg1 -r soft -i d") == []
        ok("sig image-definition delete -g rg1 -r soft -i d")
        ok("sig delete -g rg1 -r soft")
        versions = next(u for u in ok("usage -l eastus2") if u["name"]["value"] == "image_versions")
        assert versions["currentValue"] == 1

    def test_a_group_delete_counts_soft_deleted_versions_once(
        self, ok: Any, definition: None
    ) -> None:
        ok("group create -n rg2 -l eastus2")
        ok("sig create -g rg2 -r soft --soft-delete true")
        ok(
            "sig image-definition create -g rg2 -r soft -i d -p P -f O -s S --os-type linux --only-show-errors"
        )
        ok("source create managed-image -g rg2 -n img --os-type linux")
        ok(
            "sig image-version create -g rg2 -r soft -i d -e 1.0.0 --managed-image img --only-show-errors"
        )
        ok(f"{V} -e 1.0.0 --managed-image img1 --only-show-errors")  # stays, in rg1
        ok("sig image-version delete -g rg2 -r soft -i d -e 1.0.0")
        ok("group delete -n rg2 --yes")
        versions = next(u for u in ok("usage -l eastus2") if u["name"]["value"] == "image_versions")
        assert versions["currentValue"] == 1

    def test_undelete_needs_soft_delete(self, sigctl: Runner, ok: Any, definition: None) -> None:
        result = sigctl("sig image-version undelete -g rg1 -r gal1 -i def1 -e 1.0.0")
        assert (result.exit_code, result.stderr) == (
            1,
            "ERROR: soft-deletion is not enabled in Gallery 'gal1'\n",
        )


class TestLatest:
    @pytest.fixture(autouse=True)
    def versions(self, ok: Any, definition: None) -> None:
        for name in ("1.0.0", "1.0.1", "1.9.0"):
            ok(f"{V} -e {name} --managed-image img1 -o none")
        ok(f"{V} -e 1.10.0 --managed-image img1 --exclude-from-latest -o none")

    def test_numeric_order_and_exclusion(self, sigctl: Runner, ok: Any) -> None:
        resolve = "image-version resolve -g rg1 -r gal1 -i def1"
        assert sigctl(f"{resolve} --query name -o tsv").stdout == "1.9.0\n"
        explained = ok(f"{resolve} --explain")
        assert [c["name"] for c in explained if c["latest"]] == ["1.9.0"]
        first = explained[0]
        assert first["name"] == "1.10.0" and first["eligible"] is False
        assert first["reasons"] == ["excluded from latest (publishingProfile.excludeFromLatest)"]
        ok(
            "sig image-version update -g rg1 -r gal1 -i def1 -e 1.10.0 --set publishingProfile.excludeFromLatest=false --only-show-errors"
        )
        assert sigctl(f"{resolve} --query name -o tsv").stdout == "1.10.0\n"

    def test_region_and_per_region_flag(self, sigctl: Runner, ok: Any) -> None:
        ok(f"{V} -e 1.11.0 --managed-image img1 --target-regions eastus2 westus2 -o none")
        assert (
            sigctl(
                "image-version resolve -g rg1 -r gal1 -i def1 -l westus2 --query name -o tsv"
            ).stdout
            == "1.11.0\n"
        )
        ok(
            "sig image-version update -g rg1 -r gal1 -i def1 -e 1.11.0 --set publishingProfile.targetRegions[1].excludeFromLatest=true --only-show-errors"
        )
        west = sigctl("image-version resolve -g rg1 -r gal1 -i def1 -l westus2")
        assert west.exit_code == 3 and "There is no latest image version exists for" in west.stderr
        assert (
            sigctl(
                "image-version resolve -g rg1 -r gal1 -i def1 -l eastus2 --query name -o tsv"
            ).stdout
            == "1.11.0\n"
        )

    def test_latest_id_and_design_tree(self, sigctl: Runner, ok: Any) -> None:
        definition_id = ok("sig image-definition show -g rg1 -r gal1 -i def1")["id"]
        assert (
            sigctl(
                f"image-version resolve --id {definition_id}/versions/latest --query name -o tsv"
            ).stdout
            == "1.9.0\n"
        )
        assert (
            sigctl(f"image-version resolve --id {definition_id} --query name -o tsv").stdout
            == "1.9.0\n"
        )
        # az has no such command, so the az tree does not either
        assert sigctl(f"sig image-version resolve --id {definition_id}").exit_code == 2

    def test_end_of_life_warns_but_does_not_exclude(
        self, sigctl: Runner, ok: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        ok(
            "sig image-version update -g rg1 -r gal1 -i def1 -e 1.9.0 --set publishingProfile.endOfLifeDate=2030-01-01T00:00:00Z --only-show-errors"
        )
        monkeypatch.setenv("SIGCTL_NOW", "2031-01-01T00:00:00Z")
        result = sigctl("image-version resolve -g rg1 -r gal1 -i def1 --query name -o tsv")
        assert result.stdout == "1.9.0\n"
        assert "end of life passed" in result.stderr

    def test_explain_as_a_table_gives_every_verdict(self, sigctl: Runner) -> None:
        lines = sigctl(
            "image-version resolve -g rg1 -r gal1 -i def1 --explain -o table"
        ).stdout.splitlines()
        assert lines[0].split() == ["Version", "Eligible", "Latest", "Reasons"]
        assert lines[2].split(None, 3) == [
            "1.10.0",
            "False",
            "False",
            "excluded from latest (publishingProfile.excludeFromLatest)",
        ]
        assert [line.split() for line in lines[3:]] == [
            ["1.9.0", "True", "True"],
            ["1.0.1", "True", "False"],
            ["1.0.0", "True", "False"],
        ]

    def test_explain_as_tsv_is_one_version_a_line(self, sigctl: Runner) -> None:
        lines = sigctl(
            "image-version resolve -g rg1 -r gal1 -i def1 --explain -o tsv"
        ).stdout.splitlines()
        # version, eligible, latest, provisioning state, then the reasons' and warnings' counts
        assert lines == [
            "1.10.0\tFalse\tFalse\tSucceeded\t1\t0",
            "1.9.0\tTrue\tTrue\tSucceeded\t0\t0",
            "1.0.1\tTrue\tFalse\tSucceeded\t0\t0",
            "1.0.0\tTrue\tFalse\tSucceeded\t0\t0",
        ]

    def test_soft_deleted_versions_are_skipped(self, ok: Any) -> None:
        explained = ok("image-version resolve -g rg1 -r gal1 -i def1 --explain")
        assert [c["name"] for c in explained] == ["1.10.0", "1.9.0", "1.0.1", "1.0.0"]
