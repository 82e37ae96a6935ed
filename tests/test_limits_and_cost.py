"""Regions, limits and usage, and the billing estimate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Runner

V = "sig image-version create -g rg1 -r gal1 -i def1 --only-show-errors"


@pytest.fixture(autouse=True)
def instant(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGCTL_REPLICATION_SPEED", "instant")


@pytest.fixture
def definition(ok: Any) -> None:
    ok("group create -n rg1 -l eastus2")
    ok("sig create -g rg1 -r gal1")
    ok(
        "sig image-definition create -g rg1 -r gal1 -i def1 -p P -f O -s S --os-type linux --only-show-errors"
    )
    ok(
        "source create managed-image -g rg1 -n img --os-type linux --size-gb 127 --used-gb 10 --data-disk 32:0"
    )


class TestRegions:
    def test_list_locations_as_az(self, sigctl: Runner, ok: Any) -> None:
        locations = ok("account list-locations")
        assert len(locations) == 61
        east = next(r for r in locations if r["name"] == "eastus2")
        assert (
            east["displayName"] == "East US 2" and east["regionalDisplayName"] == "(US) East US 2"
        )
        assert east["metadata"]["pairedRegion"][0]["name"] == "centralus"
        assert len(east["availabilityZoneMappings"]) == 3
        west = next(r for r in locations if r["name"] == "westus")
        assert "availabilityZoneMappings" not in west
        table = sigctl("account list-locations -o table").stdout.splitlines()
        assert table[0].split() == ["DisplayName", "Name", "RegionalDisplayName"]

    def test_early_access_regions_are_open_to_every_subscription(
        self, sigctl: Runner, ok: Any
    ) -> None:
        shown = {r["name"]: r for r in ok("account list-locations")}
        canary = shown["centraluseuap"]
        assert (canary["displayName"], canary["regionalDisplayName"]) == (
            "Central US EUAP",
            "(US) Central US EUAP",
        )
        assert canary["metadata"]["pairedRegion"][0]["name"] == "eastus2euap"
        assert canary["metadata"]["regionCategory"] == "Other"
        assert shown["eastus2euap"]["displayName"] == "East US 2 EUAP"
        assert ok("group create -n rg1 -l centraluseuap")["location"] == "centraluseuap"
        assert ok("sig create -g rg1 -r gal1")["location"] == "centraluseuap"
        ok(
            "sig image-definition create -g rg1 -r gal1 -i def1 -p P -f O -s S --os-type linux "
            "--only-show-errors"
        )
        ok("source create managed-image -g rg1 -n img --os-type linux")
        made = ok(
            f"{V} -e 1.0.0 --managed-image img --target-regions centraluseuap "
            '"East US 2 EUAP=1=Standard_ZRS"'
        )
        assert [t["name"] for t in made["publishingProfile"]["targetRegions"]] == [
            "Central US EUAP",
            "East US 2 EUAP",
        ]
        assert ok("sig list-community -l eastus2euap") == []
        assert ok("sig list-shared -l centraluseuap") == []

    def test_early_access_regions_can_be_refused(
        self, sigctl: Runner, ok: Any, unchanged: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        ok("group create -n rg1 -l eastus2")
        ok("sig create -g rg1 -r gal1")
        ok("config set limits.early_access_regions=false")
        with unchanged():
            group = sigctl("group create -n rg2 -l centraluseuap")
            gallery = sigctl("sig create -g rg1 -r gal2 -l eastus2euap")
            community = sigctl("sig list-community -l eastus2euap")
        assert group.exit_code == 1
        assert "(LocationNotAvailableForResourceGroup)" in group.stderr
        available = group.stderr.splitlines()[0].split("List of available regions is ")[1]
        assert "westus" in available and "euap" not in available
        assert gallery.exit_code == 1 and community.exit_code == 1
        assert "(LocationRequiresEarlyAccess) East US 2 EUAP is an early-access" in gallery.stderr
        assert "limits.early_access_regions" in gallery.stderr
        names = ok("account list-locations --query [].name")
        assert len(names) == 59 and "eastus2euap" not in names
        # the variable wins over the file, as for every limit
        monkeypatch.setenv("SIGCTL_LIMITS_EARLY_ACCESS_REGIONS", "true")
        assert ok("sig create -g rg1 -r gal2 -l eastus2euap")["location"] == "eastus2euap"
        monkeypatch.setenv("SIGCTL_LIMITS_EARLY_ACCESS_REGIONS", "maybe")
        bad = sigctl("sig list-community -l eastus2euap")
        assert bad.exit_code == 1
        assert "'maybe' is not a boolean" in bad.stderr

    def test_names_match_case_and_space_insensitively(self, ok: Any) -> None:
        ok("group create -n rg1 -l eastus2")
        assert ok('sig create -g rg1 -r g1 -l "east us 2"')["location"] == "eastus2"
        assert ok("sig create -g rg1 -r g2 -l WestUS2")["location"] == "westus2"

    def test_unknown_region_suggests_the_closest(self, sigctl: Runner, ok: Any) -> None:
        ok("group create -n rg1 -l eastus2")
        result = sigctl("sig create -g rg1 -r g -l eastus3")
        assert result.exit_code == 1
        assert (
            "(LocationNotAvailableForResourceType) The provided location 'eastus3'" in result.stderr
        )
        assert "Did you mean 'eastus' or 'westus3' or 'eastus2'?" in result.stderr

    def test_zrs_only_where_zones_exist(self, sigctl: Runner, ok: Any, definition: None) -> None:
        refused = sigctl(
            f"{V} -e 1.0.0 --managed-image img --target-regions eastus2 westus=1=Standard_ZRS"
        )
        assert (
            refused.exit_code == 1
            and "ZRS storage account type is not supported in this region." in refused.stderr
        )
        made = ok(f"{V} -e 1.0.0 --managed-image img --target-regions eastus2=1=Standard_ZRS")
        assert made["publishingProfile"]["targetRegions"][0]["storageAccountType"] == "Standard_ZRS"

    def test_australia_central_needs_the_allow_list(
        self, sigctl: Runner, ok: Any, definition: None, unchanged: Any
    ) -> None:
        target = f"{V} -e 1.0.0 --managed-image img --target-regions eastus2 australiacentral"
        with unchanged():
            refused = sigctl(target)
            gallery = sigctl("sig create -g rg1 -r aus -l australiacentral")
        assert refused.exit_code == 1
        assert (
            "The provided location 'australiacentral' is not available for resource type"
            in refused.stderr
        )
        assert "sigctl account allow-region australiacentral" in refused.stderr
        assert gallery.exit_code == 1
        assert ok("account allow-region australiacentral")["allowedRegions"] == ["australiacentral"]
        assert ok(target)["publishingProfile"]["targetRegions"][1]["name"] == "Australia Central"
        ok("account disallow-region australiacentral")
        assert (
            sigctl(
                f"{V} -e 1.0.1 --managed-image img --target-regions eastus2 australiacentral"
            ).exit_code
            == 1
        )

    def test_list_locations_shows_gallery_access_only_when_asked(
        self, sigctl: Runner, ok: Any
    ) -> None:
        assert all("sigctl" not in r for r in ok("account list-locations"))  # az's shape
        query = "[?sigctl.needsAllowList].[name, sigctl.galleriesAllowed]"
        assert ok(f'account list-locations --gallery-access --query "{query}"') == [
            ["australiacentral", False],
            ["australiacentral2", False],
        ]
        ok("account allow-region australiacentral2")
        access = {r["name"]: r["sigctl"] for r in ok("account list-locations --gallery-access")}
        assert access["australiacentral2"] == {"needsAllowList": True, "galleriesAllowed": True}
        assert access["eastus2"] == {"needsAllowList": False, "galleriesAllowed": True}
        table = sigctl("account list-locations --gallery-access -o table").stdout.splitlines()
        assert table[0].split()[-2:] == ["NeedsAllowList", "GalleriesAllowed"]

    def test_usage_of_an_unknown_region_lists_what_sig_create_lists(
        self, sigctl: Runner, ok: Any
    ) -> None:
        ok("group create -n rg1 -l eastus2")
        usage = sigctl("usage -l eastus9").stderr.splitlines()[0]
        create = sigctl("sig create -g rg1 -r g -l eastus9").stderr.splitlines()[0]
        assert usage == create and "australiacentral" not in usage
        ok("account allow-region australiacentral")
        assert "australiacentral," in sigctl("usage -l eastus9").stderr
        # a known region is reported, allow-listed or not
        assert ok("usage -l australiacentral2")[0]["currentValue"] == 0

    def test_allow_region_of_an_ordinary_region_warns(self, sigctl: Runner) -> None:
        result = sigctl("account allow-region westus")
        assert result.exit_code == 0 and "needs no allow-list" in result.stderr
        assert sigctl("account allow-region nowhere").exit_code == 1


class TestLimits:
    def test_gallery_limit_per_region(self, sigctl: Runner, ok: Any, unchanged: Any) -> None:
        sigctl("config set limits.galleries=2")
        ok("group create -n rg1 -l eastus2")
        ok("sig create -g rg1 -r g1")
        ok("sig create -g rg1 -r g2")
        with unchanged():
            third = sigctl("sig create -g rg1 -r g3")
        assert third.exit_code == 1
        assert third.stderr.startswith(
            "ERROR: (QuotaExceeded) Operation could not be completed as it results in exceeding approved "
            "Galleries quota. Location: eastus2, Current Limit: 2, Current Usage: 2, Additional Required: 1, "
            "(Minimum) New Limit Required: 3.\n"
        )
        assert ok("sig create -g rg1 -r g3 -l westus2")["location"] == "westus2"
        # updating an existing gallery is not a new one
        ok("sig update -g rg1 -r g1 --set description=x")
        usage = ok("usage -l eastus2")
        galleries = next(u for u in usage if u["name"]["value"] == "galleries")
        assert (galleries["currentValue"], galleries["limit"]) == (2, 2)
        table = sigctl("usage -l eastus2 -o table").stdout.splitlines()
        assert table[0].split() == ["Name", "CurrentValue", "Limit"]
        assert table[2].split() == ["Galleries", "2", "2"]

    def test_definition_and_version_limits(self, sigctl: Runner, ok: Any, definition: None) -> None:
        sigctl("config set limits.image_definitions=1 limits.image_versions=1")
        over = sigctl(
            "sig image-definition create -g rg1 -r gal1 -i def2 -p P -f O -s T --os-type linux --only-show-errors"
        )
        assert over.exit_code == 1 and "approved Gallery Image Definitions quota" in over.stderr
        ok(f"{V} -e 1.0.0 --managed-image img")
        second = sigctl(f"{V} -e 1.0.1 --managed-image img")
        assert (
            second.exit_code == 1
            and "Gallery Image Versions quota. Location: eastus2, Current Limit: 1, Current Usage: 1"
            in second.stderr
        )
        ok("sig image-version delete -g rg1 -r gal1 -i def1 -e 1.0.0")
        ok(f"{V} -e 1.0.1 --managed-image img")

    def test_usage_counts_follow_deletes(self, ok: Any, definition: None) -> None:
        ok(f"{V} -e 1.0.0 --managed-image img")
        usage = {u["name"]["value"]: u["currentValue"] for u in ok("usage -l eastus2")}
        assert (usage["galleries"], usage["image_definitions"], usage["image_versions"]) == (
            1,
            1,
            1,
        )
        ok("group delete -n rg1 --yes")
        usage = {u["name"]["value"]: u["currentValue"] for u in ok("usage -l eastus2")}
        assert (usage["galleries"], usage["image_definitions"], usage["image_versions"]) == (
            0,
            0,
            0,
        )

    def test_replica_and_disk_limits_come_from_config(
        self, sigctl: Runner, ok: Any, definition: None
    ) -> None:
        sigctl("config set limits.replicas=10 limits.disk_size_gb=100")
        replicas = sigctl(f"{V} -e 1.0.0 --managed-image img --target-regions eastus2=11")
        assert replicas.exit_code == 1 and "must be between 1 and 10, inclusive" in replicas.stderr
        disk = sigctl(f"{V} -e 1.0.0 --managed-image img")
        assert disk.exit_code == 1 and "size 127 exceeds the max size 100 supported" in disk.stderr


def totals(estimate: dict[str, Any]) -> dict[str, Any]:
    return {k: estimate[k] for k in ("snapshots", "storedGB", "egressGB")}


class TestBilling:
    def test_the_documented_example(self, ok: Any) -> None:
        plan = ok(
            "billing estimate --os-disk 127:10 --data-disk 32:0 --target-regions eastus2 westus2 westeurope --replica-count 2"
        )
        assert plan["versions"] == [
            {
                "egressGB": 20,
                "id": None,
                "occupiedGB": 10,
                "snapshots": 6,
                "softDeleted": False,
                "storedGB": 60,
            }
        ]
        assert totals(plan) == {"snapshots": 6, "storedGB": 60, "egressGB": 20}
        assert [r["egressGB"] for r in plan["regions"]] == [0, 10, 10]
        assert plan["monthlyStorage"] == 3.0 and plan["oneTimeEgress"] == 0.4
        assert "example" in plan["prices"]

    def test_an_existing_version_definition_gallery_and_subscription(
        self, ok: Any, definition: None
    ) -> None:
        ok(
            f"{V} -e 1.0.0 --managed-image img --target-regions eastus2 westus2 westeurope --replica-count 2"
        )
        ok(f"{V} -e 1.0.1 --managed-image img --target-regions eastus2=1=Premium_LRS")
        version = ok("billing estimate -g rg1 -r gal1 -i def1 -e 1.0.0")
        assert totals(version) == {"snapshots": 6, "storedGB": 60, "egressGB": 20}
        definition_total = ok("billing estimate -g rg1 -r gal1 -i def1")
        assert len(definition_total["versions"]) == 2 and definition_total["snapshots"] == 7
        assert {(r["region"], r["storageAccountType"]) for r in definition_total["regions"]} >= {
            ("East US 2", "Premium_LRS")
        }
        for scope in ("-g rg1 -r gal1", "", "-g rg1"):
            assert totals(ok(f"billing estimate {scope}")) == totals(definition_total)

    def test_plan_from_a_managed_image_and_validation(
        self, sigctl: Runner, ok: Any, definition: None
    ) -> None:
        plan = ok("billing estimate -g rg1 --managed-image img --target-regions eastus2=2 westus2")
        assert totals(plan) == {"snapshots": 3, "storedGB": 30, "egressGB": 10}
        zrs = sigctl("billing estimate --os-disk 30 --target-regions westus=1=Standard_ZRS")
        assert zrs.exit_code == 1 and "ZRS storage account type is not supported" in zrs.stderr
        assert sigctl("billing estimate --os-disk 30").exit_code == 1

    def test_soft_deleted_versions_keep_one_replica_per_region(
        self, ok: Any, definition: None
    ) -> None:
        ok("sig create -g rg1 -r soft --soft-delete")
        ok(
            "sig image-definition create -g rg1 -r soft -i d -p P -f O -s S --os-type linux --only-show-errors"
        )
        ok(
            "sig image-version create -g rg1 -r soft -i d -e 1.0.0 --managed-image img --target-regions eastus2=3 westus2=2 --only-show-errors"
        )
        ok("sig image-version delete -g rg1 -r soft -i d -e 1.0.0")
        estimate = ok("billing estimate -g rg1 -r soft")
        assert totals(estimate) == {"snapshots": 2, "storedGB": 20, "egressGB": 0}

    def test_price_table_from_a_file(self, sigctl: Runner, ok: Any, tmp_path: Path) -> None:
        prices = tmp_path / "prices.toml"
        prices.write_text(
            'currency = "EUR"\negress_per_gb = 0.1\n[snapshot_per_gb_month]\nStandard_LRS = 1.0\n'
        )
        plan = ok(
            f"billing estimate --os-disk 10 --target-regions eastus2 westus2 --prices {prices}"
        )
        cost = ("currency", "monthlyStorage", "oneTimeEgress", "prices")
        assert {k: plan[k] for k in cost} == {
            "currency": "EUR",
            "monthlyStorage": 20.0,
            "oneTimeEgress": 1.0,
            "prices": f"from {prices}",
        }
        bad = tmp_path / "bad.toml"
        bad.write_text("currency = 1\n")
        result = sigctl(f"billing estimate --os-disk 10 --target-regions eastus2 --prices {bad}")
        assert result.exit_code == 1 and "(InvalidPriceTable)" in result.stderr

    def test_table_has_a_total_row(self, sigctl: Runner) -> None:
        table = sigctl(
            "billing estimate --os-disk 127:10 --data-disk 32:0 --target-regions eastus2 westus2 westeurope --replica-count 2 -o table"
        )
        lines = table.stdout.splitlines()
        assert lines[0].split() == [
            "Region",
            "StorageType",
            "Snapshots",
            "StoredGB",
            "EgressGB",
            "MonthlyStorage",
            "OneTimeEgress",
        ]
        assert lines[-1].split() == ["Total", "6", "60", "20", "3.00", "USD", "0.40", "USD"]

    def test_tsv_prints_the_figures_first(self, sigctl: Runner) -> None:
        plan = "billing estimate --os-disk 127:10 --data-disk 32:0 --target-regions eastus2 westus2 westeurope --replica-count 2"
        line = sigctl(f"{plan} -o tsv").stdout.split("\t")
        # currency, monthly storage, one-time egress, snapshots, stored GB, egress GB
        assert line[:6] == ["USD", "3.0", "0.4", "6", "60", "20"]
        regions = sigctl(f"{plan} --query regions -o tsv").stdout.splitlines()
        assert regions == [
            "East US 2\tStandard_LRS\t2\t20\t0",
            "West US 2\tStandard_LRS\t2\t20\t10",
            "West Europe\tStandard_LRS\t2\t20\t10",
        ]

    def test_failed_regions_hold_nothing(self, ok: Any, sigctl: Runner, definition: None) -> None:
        ok("replication fault add --region westus2 --at 50")
        sigctl(f"{V} -e 1.0.0 --managed-image img --target-regions eastus2 westus2=2")
        estimate = ok("billing estimate -g rg1 -r gal1 -i def1 -e 1.0.0")
        west = next(r for r in estimate["regions"] if r["region"] == "West US 2")
        assert (west["snapshots"], west["storedGB"], west["egressGB"]) == (0, 0, 0)

    @pytest.mark.parametrize("disk", ["30:40", "30:-5", "0"])
    def test_planned_disks_are_checked(self, sigctl: Runner, disk: str) -> None:
        assert sigctl(f"billing estimate --os-disk {disk} --target-regions eastus2").exit_code in (
            1,
            2,
        )

    def test_prices_cannot_be_negative_and_round_half_up(
        self, sigctl: Runner, ok: Any, tmp_path: Path
    ) -> None:
        negative = tmp_path / "negative.toml"
        negative.write_text("egress_per_gb = -1\n[snapshot_per_gb_month]\nStandard_LRS = 1\n")
        assert (
            sigctl(
                f"billing estimate --os-disk 10 --target-regions eastus2 --prices {negative}"
            ).exit_code
            == 1
        )
        halves = tmp_path / "halves.toml"
        halves.write_text("egress_per_gb = 0\n[snapshot_per_gb_month]\nStandard_LRS = 0.3625\n")
        table = sigctl(
            f"billing estimate --os-disk 10 --target-regions eastus2 --prices {halves} -o table"
        )
        assert "3.63 USD" in table.stdout

    def test_non_finite_prices_are_refused(self, sigctl: Runner, tmp_path: Path) -> None:
        for i, bad in enumerate(("nan", "inf", "-inf", "1e400", "true", '"0.05"')):
            prices = tmp_path / f"bad{i}.toml"
            prices.write_text(f"egress_per_gb = {bad}\n[snapshot_per_gb_month]\nStandard_LRS = 1\n")
            result = sigctl(
                f"billing estimate --os-disk 10 --target-regions eastus2 --prices {prices}"
            )
            assert result.exit_code == 1, bad
            assert result.stderr.startswith("ERROR: (InvalidPriceTable)"), result.stderr
        huge = tmp_path / "huge.toml"
        huge.write_text("egress_per_gb = 0\n[snapshot_per_gb_month]\nStandard_LRS = 1e308\n")
        result = sigctl(f"billing estimate --os-disk 10 --target-regions eastus2 --prices {huge}")
        assert result.exit_code == 1 and "(InvalidPriceTable)" in result.stderr

    @pytest.mark.parametrize(
        ("price", "json_cost", "table_cost"),
        [
            ("0.100499", 1.005, "1.00"),  # the table rounds the exact 1.00499, not 1.005
            ("0.000035", 0.0004, "0.00"),  # 0.00035: float round() gave 0.0003
            ("0.00000025", 0.0, "0.00"),  # 0.0000025: under the JSON's four places
        ],
    )
    def test_costs_are_rounded_once_half_up(
        self, sigctl: Runner, ok: Any, tmp_path: Path, price: str, json_cost: float, table_cost: str
    ) -> None:
        prices = tmp_path / "prices.toml"
        prices.write_text(f"egress_per_gb = 0\n[snapshot_per_gb_month]\nStandard_LRS = {price}\n")
        plan = f"billing estimate --os-disk 10 --target-regions eastus2 --prices {prices}"
        assert ok(plan)["monthlyStorage"] == json_cost
        assert sigctl(f"{plan} -o table").stdout.splitlines()[-1].split()[-4:] == [
            table_cost,
            "USD",
            "0.00",
            "USD",
        ]

    def test_a_planned_image_must_be_in_the_versions_region(
        self, sigctl: Runner, ok: Any, definition: None, unchanged: Any
    ) -> None:
        with unchanged():
            elsewhere = sigctl(
                "billing estimate -g rg1 --managed-image img --target-regions westus2 -l westus2"
            )
            default = sigctl("billing estimate -g rg1 --managed-image img --target-regions westus2")
            create = sigctl(f"{V} -e 1.0.0 --managed-image img --target-regions westus2 -l westus2")
        assert elsewhere.exit_code == create.exit_code == 1
        assert elsewhere.stderr == create.stderr
        assert "is in the same region as gallery image version being created" in create.stderr
        # without -l the plan is in the image's region, so the targets must include it
        assert (
            default.exit_code == 1
            and "must contain the location of image version 'East US 2'" in default.stderr
        )

    def test_a_scope_and_a_plan_do_not_mix(self, sigctl: Runner) -> None:
        result = sigctl(
            "billing estimate -g rg -r g1 -i d1 -e 1.0.0 --target-regions eastus2 --os-disk 5"
        )
        assert (result.exit_code, result.stderr.splitlines()[0]) == (
            1,
            "ERROR: usage error: -r, -i and -e estimate what exists; --target-regions plans a new version: give one or the other",
        )
        assert sigctl("billing estimate -r g1 --target-regions eastus2 --os-disk 5").exit_code == 1
        planning_alone = sigctl("billing estimate --replication-mode Shallow")
        assert (
            planning_alone.exit_code == 1 and "give --target-regions too" in planning_alone.stderr
        )

    def test_a_shallow_version_can_be_planned(self, sigctl: Runner, ok: Any) -> None:
        shallow = (
            "billing estimate --os-disk 3000:40 --target-regions eastus2 --replication-mode Shallow"
        )
        assert totals(ok(shallow)) == {"snapshots": 1, "storedGB": 40, "egressGB": 0}
        full = sigctl("billing estimate --os-disk 3000:40 --target-regions eastus2")
        assert full.exit_code == 1 and "exceeds the max size 2048" in full.stderr
        two = sigctl(shallow.replace("eastus2", "eastus2 westus2"))
        assert two.exit_code == 1 and "Shallow replication supports exactly one" in two.stderr


@pytest.mark.slow
def test_the_example_leaves_the_users_own_state_alone(tmp_path: Path) -> None:
    """Run by hand (no SIGCTL_HOME), examples/limits_and_cost.sh uses a throw-away home."""
    import os
    import shutil
    import subprocess
    import sys

    script = Path(__file__).parent.parent / "examples" / "limits_and_cost.sh"
    sigctl = shutil.which("sigctl")
    assert sigctl, "the examples run the installed sigctl command"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SIGCTL_", "AZURE_"))}
    env.update(HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"))
    env["PATH"] = os.pathsep.join(
        [str(Path(sigctl).parent), str(Path(sys.executable).parent), env["PATH"]]
    )
    result = subprocess.run(
        ["bash", str(script)], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "data").exists()
