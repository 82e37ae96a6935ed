"""Moving states (export/import snapshots) and seeding them from declarative fixtures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sigctl.store.files import SCHEMA_VERSION
from tests.conftest import Runner, snapshot

FIXTURE = Path(__file__).parent.parent / "examples" / "fixtures" / "demo.toml"


def test_a_fixture_seeds_published_resources(ok: Any, sigctl: Runner) -> None:
    created = ok(f"state import {FIXTURE}")
    assert created == {
        "imported": "fixture",
        "groups": 1,
        "sources": 1,
        "galleries": 1,
        "definitions": 1,
        "versions": 1,
    }
    version = ok(
        "sig image-version show -g demo-rg -r DemoGallery -i ubuntu -e 1.0.0 --expand ReplicationStatus"
    )
    assert version["provisioningState"] == "Succeeded"
    assert version["replicationStatus"]["aggregatedState"] == "Completed"
    definition = ok("sig image-definition show -g demo-rg -r DemoGallery -i ubuntu")
    assert definition["features"] == [{"name": "SecurityType", "value": "TrustedLaunchSupported"}]


def test_a_bad_fixture_changes_nothing(sigctl: Runner, ok: Any, tmp_path: Path, home: Path) -> None:
    ok("group create -n keep -l eastus2")
    before = snapshot(home)
    broken = tmp_path / "broken.toml"
    broken.write_text(FIXTURE.read_text().replace('name = "DemoGallery"', 'name = "Demo-Gallery"'))
    result = sigctl(f"state import {broken}")
    assert result.exit_code == 1 and "Gallery name is invalid" in result.stderr
    assert snapshot(home) == before
    typo = tmp_path / "typo.json"
    typo.write_text(
        json.dumps({"sigctlFixture": 1, "groups": [{"name": "x", "locaton": "eastus2"}]})
    )
    result = sigctl(f"state import {typo}")
    assert (
        result.exit_code == 1
        and "(InvalidFixture)" in result.stderr
        and "groups.0.location: Field required" in result.stderr
    )
    assert snapshot(home) == before


def test_a_fixture_reads_az_arguments_with_azs_own_rules(
    sigctl: Runner, ok: Any, tmp_path: Path, home: Path
) -> None:
    seed = {
        "sigctlFixture": 1,
        "groups": [{"name": "rg", "location": "eastus2"}],
        "galleries": [{"resourceGroup": "rg", "name": "g"}],
        "definitions": [
            {
                "resourceGroup": "rg",
                "gallery": "g",
                "name": "d",
                "publisher": "P",
                "offer": "O",
                "sku": "S",
                "osType": "Linux",
                "features": {"securityType": "TrustedLaunch"},  # any case, as az compares it
            }
        ],
    }
    fixture = tmp_path / "seed.json"
    fixture.write_text(json.dumps(seed))
    ok(f"state import {fixture}")
    features = ok("sig image-definition show -g rg -r g -i d")["features"]
    assert features == [{"name": "securityType", "value": "TrustedLaunch"}]
    # a target region in az's grammar or not at all: a bad replica count is refused
    ok("state reset --yes")
    before = snapshot(home)
    seed["sources"] = [
        {"kind": "managed-image", "resourceGroup": "rg", "name": "img", "osType": "Linux"}
    ]
    seed["versions"] = [
        {
            "resourceGroup": "rg",
            "gallery": "g",
            "definition": "d",
            "name": "1.0.0",
            "managedImage": "img",
            "targetRegions": ["eastus2=-1=x"],
        }
    ]
    fixture.write_text(json.dumps(seed))
    bad = sigctl(f"state import {fixture}")
    assert bad.exit_code == 1 and "is an invalid target region argument" in bad.stderr
    assert snapshot(home) == before


def test_export_then_import_restores_exactly(
    ok: Any, sigctl: Runner, tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok(f"state import {FIXTURE}")
    ok("replication fault add --region westus2")
    saved = tmp_path / "state.json"
    assert sigctl(f"state export --file {saved}").exit_code == 0
    state_before = {k: v for k, v in snapshot(home).items() if k.startswith("state/")}
    other = tmp_path / "other-home"
    monkeypatch.setenv("SIGCTL_HOME", str(other))
    assert ok(f"state import {saved}") == {"imported": "snapshot", "documents": len(state_before)}
    assert {k: v for k, v in snapshot(other).items() if k.startswith("state/")} == state_before
    # importing over a state that is not empty needs --yes
    refused = sigctl(f"state import {saved}")
    assert refused.exit_code == 1 and "--yes" in refused.stderr
    assert sigctl(f"state import {saved} --yes").exit_code == 0


def test_toml_export_and_import(
    ok: Any, sigctl: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok(f"state import {FIXTURE}")
    saved = tmp_path / "state.toml"
    sigctl(f"state export --file {saved}")
    assert saved.read_text().startswith(f"sigctlState = {SCHEMA_VERSION}")
    monkeypatch.setenv("SIGCTL_HOME", str(tmp_path / "again"))
    ok(f"state import {saved}")
    assert ok("sig list --query [].name") == ["DemoGallery"]


def test_unknown_files(sigctl: Runner, tmp_path: Path) -> None:
    other = tmp_path / "x.json"
    other.write_text('{"hello": 1}')
    assert sigctl(f"state import {other}").exit_code == 1
    assert sigctl(f"state import {tmp_path / 'missing.json'}").exit_code == 1
