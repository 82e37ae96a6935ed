"""Replication over time: the clock, region states, long-running operations, faults, guidance."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from typing import Any

import pytest

from sigctl.provider import replication
from sigctl.provider.clock_ops import parse_duration
from tests.conftest import Runner, snapshot

BASE = "-g rg1 -r gal1 -i def1"
NOW = "2026-11-26T12:00:00Z"


@pytest.fixture
def definition(ok: Any) -> None:
    ok("group create -n rg1 -l eastus2")
    ok("sig create -g rg1 -r gal1")
    ok(f"sig image-definition create {BASE} -p P -f O -s S --os-type linux --only-show-errors")
    ok("source create managed-image -g rg1 -n img --os-type linux --size-gb 30 --used-gb 10")


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGCTL_NOW", NOW)


def status(ok: Any, version: str) -> dict[str, Any]:
    return ok(f"sig image-version show {BASE} -e {version} --expand ReplicationStatus")


def regions(body: dict[str, Any]) -> list[tuple[str, str, int]]:
    return [(s["region"], s["state"], s["progress"]) for s in body["replicationStatus"]["summary"]]


def test_frozen_clock_steps_replication(
    ok: Any, sigctl: Runner, definition: None, frozen: None
) -> None:
    created = sigctl(
        f"sig image-version create {BASE} -e 1.0.0 --managed-image img --target-regions eastus2 westus2=2 --no-wait"
    )
    assert (created.exit_code, created.stdout) == (0, "")
    body = status(ok, "1.0.0")
    assert body["provisioningState"] == "Creating"
    assert body["replicationStatus"]["aggregatedState"] == "InProgress"
    assert regions(body) == [("East US 2", "Replicating", 0), ("West US 2", "Replicating", 0)]
    ok("replication clock advance 2m")
    body = status(ok, "1.0.0")
    assert all(0 < progress < 100 for _, _, progress in regions(body)), regions(body)
    assert body["provisioningState"] == "Creating"
    ok("replication clock advance 2h")
    body = status(ok, "1.0.0")
    assert regions(body) == [("East US 2", "Completed", 100), ("West US 2", "Completed", 100)]
    assert body["replicationStatus"]["aggregatedState"] == "Completed"
    assert body["provisioningState"] == "Succeeded"


def test_fault_fails_a_region_and_the_remedy_recovers(
    ok: Any, sigctl: Runner, definition: None, frozen: None
) -> None:
    ok("replication fault add --region westus2 --at 50 --message Storage-unavailable")
    # -o tsv prints a fault's fields in the table's order: id, region, ..., at, code, message
    listed = sigctl("replication fault list -o tsv").stdout
    assert listed == "1\twestus2\t\t\t\t50\tReplicationJobFailed\tStorage-unavailable\n"
    sigctl(
        f"sig image-version create {BASE} -e 1.0.0 --managed-image img --target-regions eastus2 westus2 --no-wait"
    )
    ok("replication clock advance 2h")
    body = status(ok, "1.0.0")
    assert body["provisioningState"] == "Failed"
    assert body["replicationStatus"]["aggregatedState"] == "Failed"
    west = body["replicationStatus"]["summary"][1]
    assert (west["state"], west["progress"]) == ("Failed", 50)
    assert "Storage-unavailable" in west["details"]
    waited = sigctl(f"sig image-version wait {BASE} -e 1.0.0 --created")
    assert (waited.exit_code, waited.stderr) == (1, "ERROR: The operation failed\n")
    sigctl("replication fault clear")
    assert ok("replication fault list") == []
    # A failed region still fails after the fault is cleared...
    assert status(ok, "1.0.0")["provisioningState"] == "Failed"
    # ...until it is removed (it holds no replica, so no flag is needed) and added back.
    ok(f"sig image-version update {BASE} -e 1.0.0 --target-regions eastus2 --only-show-errors")
    readded = sigctl(f"sig image-version update {BASE} -e 1.0.0 --target-regions eastus2 westus2")
    assert readded.exit_code == 0
    assert "waiting advanced it by" in readded.stderr
    assert readded.json["provisioningState"] == "Succeeded"
    assert regions(status(ok, "1.0.0"))[1] == ("West US 2", "Completed", 100)


def test_a_blocking_create_that_fails_reports_the_regions(
    sigctl: Runner, ok: Any, definition: None
) -> None:
    ok("replication fault add --region westus2 --code InternalServerError --message boom")
    result = sigctl(
        f"sig image-version create {BASE} -e 1.0.0 --managed-image img --target-regions eastus2 westus2 --only-show-errors"
    )
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith(
        "ERROR: (ReplicationFailed) Gallery replication jobs failed in one or more regions: West US 2"
    )
    assert (
        "please do an update by removing the failed regions and update again by adding them back"
        in result.stderr
    )


def test_fault_scope(ok: Any, sigctl: Runner, definition: None, frozen: None) -> None:
    ok("replication fault add --region westus2 --version 2.0.0")
    sigctl(
        f"sig image-version create {BASE} -e 1.0.0 --managed-image img --target-regions eastus2 westus2 --no-wait"
    )
    sigctl(
        f"sig image-version create {BASE} -e 2.0.0 --managed-image img --target-regions eastus2 westus2 --no-wait"
    )
    ok("replication clock advance 2h")
    assert status(ok, "1.0.0")["provisioningState"] == "Succeeded"
    assert status(ok, "2.0.0")["provisioningState"] == "Failed"
    bad = sigctl("replication fault add --region moon")
    assert bad.exit_code == 1 and "Unknown region 'moon'" in bad.stderr


def test_update_adding_a_region_shows_updating(
    ok: Any, sigctl: Runner, definition: None, frozen: None
) -> None:
    sigctl(f"sig image-version create {BASE} -e 1.0.0 --managed-image img --no-wait")
    ok("replication clock advance 1h")
    sigctl(f"sig image-version update {BASE} -e 1.0.0 --target-regions eastus2 uksouth --no-wait")
    body = status(ok, "1.0.0")
    assert body["provisioningState"] == "Updating"
    assert regions(body) == [("East US 2", "Completed", 100), ("UK South", "Replicating", 0)]


def test_replication_status_and_wait_commands(
    ok: Any, sigctl: Runner, definition: None, frozen: None
) -> None:
    sigctl(
        f"sig image-version create {BASE} -e 1.0.0 --managed-image img --target-regions eastus2 westus2=3=Premium_LRS --no-wait"
    )
    table = sigctl(f"replication status {BASE} -e 1.0.0 -o table").stdout.splitlines()
    assert table[0].split() == ["Region", "State", "Progress", "Replicas", "StorageType", "Details"]
    assert table[3].split() == ["West", "US", "2", "Replicating", "0%", "3", "Premium_LRS"]
    # every value the table shows is in the JSON, one entry per region
    as_json = ok(f"replication status {BASE} -e 1.0.0")
    assert as_json[1] == {
        "region": "West US 2",
        "state": "Replicating",
        "progress": 0,
        "replicaCount": 3,
        "storageAccountType": "Premium_LRS",
        "details": "",
    }
    assert sigctl(f"replication status {BASE} -e 1.0.0 -o tsv").stdout.splitlines() == [
        "East US 2\tReplicating\t0\t1\tStandard_LRS\t",
        "West US 2\tReplicating\t0\t3\tPremium_LRS\t",
    ]
    replicas = f"replication status {BASE} -e 1.0.0 --query [].replicaCount -o tsv"
    assert sigctl(replicas).stdout == "1\n3\n"
    waited = sigctl(f"replication wait {BASE} -e 1.0.0")
    assert (waited.exit_code, waited.stdout) == (0, "")
    assert "advanced it by" in waited.stderr
    assert {r["state"] for r in ok(f"replication status {BASE} -e 1.0.0")} == {"Completed"}
    # the same option names as sig image-version
    spelt = ok(f"replication status {BASE} --gallery-image-version-name 1.0.0")
    assert [r["state"] for r in spelt] == ["Completed", "Completed"]


def test_wait_interval_advances_a_frozen_clock(
    ok: Any, sigctl: Runner, definition: None, frozen: None
) -> None:
    sigctl(f"sig image-version create {BASE} -e 1.0.0 --managed-image img --no-wait")
    result = sigctl(f"sig image-version wait {BASE} -e 1.0.0 --created --interval 60")
    assert (result.exit_code, result.stdout) == (0, "")
    assert "The emulated clock is frozen; waiting advanced it by" in result.stderr
    timeout = sigctl(
        f"sig image-version wait {BASE} -e 1.0.0 --deleted --interval 60 --timeout 120"
    )
    assert (timeout.exit_code, timeout.stdout) == (0, "{}\n")


def test_clock_commands(ok: Any, sigctl: Runner) -> None:
    shown = ok("replication clock show")
    assert (shown["mode"], shown["replicationSpeed"]) == ("running", 3600.0)
    frozen = ok("replication clock set 2030-01-01T00:00:00Z")
    assert (frozen["mode"], frozen["now"]) == ("frozen", "2030-01-01T00:00:00.0000000+00:00")
    assert ok("replication clock advance 1h30m")["now"] == "2030-01-01T01:30:00.0000000+00:00"
    assert ok("replication clock reset")["mode"] == "running"
    bad = sigctl("replication clock advance soon")
    assert bad.exit_code == 1 and "'soon' is not a duration" in bad.stderr
    wide = sigctl("replication clock advance １h")  # ASCII digits only
    assert wide.exit_code == 1 and "'１h' is not a duration" in wide.stderr
    sigctl("config set replication.speed=instant")
    shown = ok("replication clock show")
    assert (shown["mode"], shown["replicationSpeed"]) == ("instant", "instant")


@pytest.mark.slow
def test_advance_refuses_negative_durations_clearly(ok: Any, sigctl: Runner, home: Any) -> None:
    ok("replication clock set 2030-01-01T00:00:00Z")
    before = snapshot(home)
    as_option = sigctl("replication clock advance -5m")
    assert as_option.exit_code == 2
    assert "unrecognized arguments: -5m (a value starting with '-' goes after '--': -- -5m)" in (
        as_option.stderr
    )
    negative = sigctl("replication clock advance -5")
    assert negative.exit_code == 1
    assert negative.stderr.startswith("ERROR: (InvalidDuration) '-5' is negative: the clock only")
    # The test runner's own parser eats "--", so that case runs as a user runs it.
    after_dashes = _installed("replication", "clock", "advance", "--", "-5m")
    assert after_dashes.returncode == 1
    assert after_dashes.stderr.startswith("ERROR: (InvalidDuration) '-5m' is negative")
    assert snapshot(home) == before
    moved = _installed("replication", "clock", "advance", "--query", "now", "--", "5m")
    assert moved.stdout == '"2030-01-01T00:05:00.0000000+00:00"\n'


def _installed(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the sigctl command in a subprocess, with this test's environment."""
    sigctl = shutil.which("sigctl")
    command = [sigctl] if sigctl else [sys.executable, "-m", "sigctl"]
    return subprocess.run([*command, *args], capture_output=True, text=True, env=os.environ.copy())


def test_a_version_created_on_a_frozen_clock_completes_once_the_clock_runs(
    ok: Any, sigctl: Runner, definition: None
) -> None:
    """The audit's repro: the start was stored in 2030 and never reached by the wall clock."""
    ok("replication clock set 2030-01-01T00:00:00Z")
    sigctl(
        f"sig image-version create {BASE} -e 1.0.0 --managed-image img --target-regions eastus2 westus2=2 --no-wait"
    )
    ok("replication clock reset")
    waited = sigctl(f"sig image-version wait {BASE} -e 1.0.0 --created")
    assert (waited.exit_code, waited.stdout) == (0, "")
    assert regions(status(ok, "1.0.0")) == [
        ("East US 2", "Completed", 100),
        ("West US 2", "Completed", 100),
    ]


def test_a_speed_change_applies_to_running_replications(
    ok: Any, sigctl: Runner, definition: None
) -> None:
    sigctl("config set replication.speed=0.001")  # a modelled second per 1,000 real ones
    sigctl(f"sig image-version create {BASE} -e 1.0.0 --managed-image img --no-wait")
    assert regions(status(ok, "1.0.0")) == [("East US 2", "Replicating", 0)]
    sigctl("config set replication.speed=instant")
    assert regions(status(ok, "1.0.0")) == [("East US 2", "Completed", 100)]
    # Leaving instant mode does not take back what it completed.
    sigctl("config set replication.speed=0.001")
    assert regions(status(ok, "1.0.0")) == [("East US 2", "Completed", 100)]
    sigctl(f"sig image-version create {BASE} -e 1.0.1 --managed-image img --no-wait")
    assert regions(status(ok, "1.0.1")) == [("East US 2", "Replicating", 0)]


def test_setting_the_clock_back_does_not_undo_replication(
    ok: Any, sigctl: Runner, definition: None
) -> None:
    ok("replication clock set 2030-01-01T00:00:00Z")
    sigctl(f"sig image-version create {BASE} -e 1.0.0 --managed-image img --no-wait")
    ok("replication clock advance 2m")
    progressed = regions(status(ok, "1.0.0"))[0][2]
    assert 0 < progressed < 100
    ok("replication clock set 2029-01-01T00:00:00Z")
    assert regions(status(ok, "1.0.0"))[0][2] == progressed
    ok("replication clock advance 1m")
    assert regions(status(ok, "1.0.0"))[0][2] > progressed
    # Setting it forward counts as time passing.
    ok("replication clock set 2029-01-02T00:00:00Z")
    assert regions(status(ok, "1.0.0"))[0] == ("East US 2", "Completed", 100)


def test_replication_wait_times_out_after_an_hour_by_default(
    ok: Any, sigctl: Runner, definition: None, frozen: None
) -> None:
    ok("source create managed-image -g rg1 -n big --os-type linux --size-gb 1000")
    sigctl(f"sig image-version create {BASE} -e 1.0.0 --managed-image big --no-wait")
    waited = sigctl(f"replication wait {BASE} -e 1.0.0")
    assert (waited.exit_code, waited.stdout) == (0, "{}\n")
    assert "waiting advanced it by 3600 seconds" in waited.stderr
    assert status(ok, "1.0.0")["provisioningState"] == "Creating"
    shorter = sigctl(f"replication wait {BASE} -e 1.0.0 --timeout 60")
    assert shorter.stdout == "{}\n" and "advanced it by 60 seconds" in shorter.stderr


def test_more_replicas_in_a_completed_region_copy_only_the_extra_ones(
    ok: Any, sigctl: Runner, definition: None, frozen: None
) -> None:
    sigctl(
        f"sig image-version create {BASE} -e 1.0.0 --managed-image img --target-regions eastus2 westus2 --only-show-errors"
    )
    update = f"sig image-version update {BASE} -e 1.0.0 --no-wait --target-regions eastus2"
    sigctl(f"{update} westus2=3")
    body = status(ok, "1.0.0")
    assert body["provisioningState"] == "Updating"
    assert regions(body)[1] == ("West US 2", "Replicating", 0)
    # West US 2 keeps serving its first replica while the two extra ones are copied...
    resolve = "image-version resolve -g rg1 -r gal1 -i def1 -l westus2 --query name -o tsv"
    assert sigctl(resolve).stdout == "1.0.0\n"
    # ...which takes 2 copies x 10 GB x 4 s/GB, with no job overhead.
    ok("replication clock advance 79s")
    assert regions(status(ok, "1.0.0"))[1][1] == "Replicating"
    ok("replication clock advance 1s")
    assert regions(status(ok, "1.0.0"))[1] == ("West US 2", "Completed", 100)
    # A region still copying its first replica has nothing to serve; more replicas restart it.
    sigctl(f"{update} westus2=3 uksouth")
    ok("replication clock advance 1m")
    sigctl(f"{update} westus2=3 uksouth=2")
    assert regions(status(ok, "1.0.0"))[2] == ("UK South", "Replicating", 0)
    explained = ok("image-version resolve -g rg1 -r gal1 -i def1 -l uksouth --explain")
    assert explained[0]["reasons"] == ["replication to UK South not complete (0%)"]


def test_instant_mode_has_no_intermediate_states(ok: Any, sigctl: Runner, definition: None) -> None:
    sigctl("config set replication.speed=instant")
    sigctl(
        f"sig image-version create {BASE} -e 1.0.0 --managed-image img --target-regions eastus2 westus2 --no-wait"
    )
    assert status(ok, "1.0.0")["provisioningState"] == "Succeeded"


def test_a_blocking_create_at_the_default_speed_waits_for_every_region(
    ok: Any, definition: None
) -> None:
    """The wait is real here (about 0.3 s); how long it takes is measured by
    benchmarks/waits.py, not asserted."""
    ok("source create managed-image -g rg1 -n img30 --os-type linux --size-gb 30")
    made = ok(
        f"sig image-version create {BASE} -e 1.0.0 --managed-image img30 "
        "--target-regions eastus2 westus2 westeurope --only-show-errors"
    )
    assert made["provisioningState"] == "Succeeded"
    assert regions(status(ok, "1.0.0")) == [
        ("East US 2", "Completed", 100),
        ("West US 2", "Completed", 100),
        ("West Europe", "Completed", 100),
    ]


class TestModel:
    def test_more_data_more_regions_more_replicas_take_longer(self) -> None:
        base = replication.modelled_seconds(10, 1, "Standard_LRS", False, 1, False)
        assert replication.modelled_seconds(20, 1, "Standard_LRS", False, 1, False) > base
        assert replication.modelled_seconds(10, 1, "Standard_LRS", False, 3, False) > base
        assert replication.modelled_seconds(10, 3, "Standard_LRS", False, 1, False) > base
        assert replication.modelled_seconds(10, 1, "Standard_ZRS", False, 1, False) > base
        assert replication.modelled_seconds(10, 1, "Standard_LRS", True, 1, False) < base
        assert replication.modelled_seconds(10, 1, "Standard_LRS", False, 1, True) < base

    def test_the_documented_formula(self) -> None:
        """docs/replication.md: (120 + copy x storage factor) x contention."""
        copy = 12 * 30 + (2 - 1) * 12 * 4
        assert replication.modelled_seconds(12, 2, "Standard_ZRS", False, 3, False) == (
            pytest.approx((120 + copy * 1.25) * 1.2)
        )
        assert replication.extra_copies_seconds(12, 2, "Standard_ZRS") == pytest.approx(
            2 * 12 * 4 * 1.25
        )

    def test_progress_is_measured_on_the_progress_clock(self) -> None:
        entry = {"progressStart": 100.0, "seconds": 200.0}
        assert replication.status(entry, 100.0)["progress"] == 0
        assert replication.status(entry, 200.0)["progress"] == 50
        assert replication.status(entry, 300.0)["state"] == "Completed"
        # A record from schema 1 (timed on the timestamp clock) reads as long finished.
        legacy = {"start": "2030-01-01T00:00:00.0000000+00:00", "seconds": 5.0}
        assert replication.status(legacy, 0.0)["state"] == "Completed"

    def test_aggregate(self) -> None:
        assert replication.aggregate([]) == "Unknown"
        assert replication.aggregate(["Completed", "Replicating"]) == "InProgress"
        assert replication.aggregate(["Completed", "Failed", "Replicating"]) == "Failed"
        assert replication.aggregate(["Completed", "Completed"]) == "Completed"

    @pytest.mark.parametrize(
        "text,seconds",
        [("90", 90), ("90s", 90), ("5m", 300), ("1h30m", 5400), ("2d", 172800), ("1.5h", 5400)],
    )
    def test_durations(self, text: str, seconds: float) -> None:
        assert parse_duration(text) == seconds


class TestRecommend:
    def test_documented_figures(self, ok: Any) -> None:
        assert ok("replication recommend --concurrent-vms 120")["recommendedReplicasPerRegion"] == 6
        assert (
            ok("replication recommend --scale-sets 5 --instances 600")[
                "recommendedReplicasPerRegion"
            ]
            == 5
        )
        assert (
            ok("replication recommend --scale-sets 2 --instances 1000")[
                "recommendedReplicasPerRegion"
            ]
            == 4
        )
        both = ok("replication recommend --concurrent-vms 20 --scale-sets 3")
        assert both["recommendedReplicasPerRegion"] == 3 and len(both["rules"]) == 2

    def test_tsv_starts_with_the_answer(self, sigctl: Runner) -> None:
        line = sigctl("replication recommend --concurrent-vms 120 -o tsv").stdout
        assert line.split("\t")[:2] == ["6", "100"]  # the replicas, then the limit

    def test_refusals_and_notes(self, sigctl: Runner) -> None:
        too_big = sigctl("replication recommend --scale-sets 5 --instances 1001")
        assert too_big.exit_code == 1 and "at most 1,000 instances" in too_big.stderr
        none = sigctl("replication recommend --scale-sets 2 --instances 0")
        assert none.exit_code == 1
        assert none.stderr.startswith("ERROR: (InvalidParameter) --instances must be 1 or more.")
        assert sigctl("replication recommend").exit_code == 1
        few = sigctl("replication recommend --concurrent-vms 10")
        assert "at least 3 replicas" in few.stderr
        over = sigctl("replication recommend --concurrent-vms 5000")
        assert over.json["recommendedReplicasPerRegion"] == 100 and "over the limit" in over.stderr

    def test_table_shows_the_rule_applied(self, sigctl: Runner) -> None:
        table = sigctl(
            "replication recommend --concurrent-vms 20 --scale-sets 3 -o table"
        ).stdout.splitlines()
        assert table[0].split() == ["RecommendedReplicasPerRegion", "Rule", "Input", "Limit"]
        assert "one replica per scale set of up to 600 instances" in table[2]
        assert "3 scale sets of 600 instances" in table[2]


class TestFaultCommands:
    def test_clearing_a_missing_fault_is_not_found(
        self, ok: Any, sigctl: Runner, home: Any
    ) -> None:
        ok("replication fault add --region westus2")
        before = snapshot(home)
        missing = sigctl("replication fault clear --id 99")
        assert missing.exit_code == 3
        assert missing.stderr.startswith("ERROR: (FaultNotFound) There is no fault with id 99")
        assert snapshot(home) == before
        assert sigctl("replication fault clear --id 1").exit_code == 0
        assert ok("replication fault list") == []

    def test_add_shows_the_id_in_a_table(self, sigctl: Runner) -> None:
        table = sigctl("replication fault add --region westus2 -o table").stdout.splitlines()
        assert table[0].split()[:2] == ["Id", "Region"]
        assert table[2].split()[:3] == ["1", "westus2", "0"]

    @pytest.mark.parametrize(
        "argv,text",
        [
            ("--version not-a-version", "The image version name is invalid."),
            ('--code ""', "--code must not be empty."),
            ("--gallery ' '", "--gallery must not be empty."),
        ],
    )
    def test_add_refuses_bad_filters(self, sigctl: Runner, home: Any, argv: str, text: str) -> None:
        before = snapshot(home)
        refused = sigctl(f"replication fault add --region westus2 {argv}")
        assert refused.exit_code == 1
        assert refused.stderr.startswith(f"ERROR: (InvalidParameter) {text}")
        assert snapshot(home) == before
