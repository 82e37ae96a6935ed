"""Configuration: az's keys, TOML storage, precedence and sources."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Runner


def test_set_get_unset(sigctl: Runner, ok: Any, home: Path) -> None:
    assert sigctl("config set defaults.group=rg1 core.output=table").exit_code == 0
    stored = tomllib.loads((home / "config.toml").read_text())
    assert stored == {"defaults": {"group": "rg1"}, "core": {"output": "table"}}
    assert ok("config get defaults.group -o json") == {
        "name": "group",
        "source": str(home / "config.toml"),
        "value": "rg1",
    }
    assert sigctl("config unset defaults.group").exit_code == 0
    missing = sigctl("config get defaults.group")
    assert (missing.exit_code, missing.stderr) == (
        1,
        "ERROR: Configuration 'defaults.group' is not set.\n",
    )


def test_configured_defaults_apply(sigctl: Runner, ok: Any) -> None:
    ok("group create -n rg1 -l eastus2")
    sigctl("config set defaults.group=rg1 core.output=tsv")
    sigctl("sig create -r gal1 -o none")
    assert sigctl("sig list --query [].name").stdout == "gal1\n"


def test_precedence_and_sources(sigctl: Runner, ok: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    sigctl("config set defaults.location=westus")
    assert ok("config get defaults.location")["value"] == "westus"
    monkeypatch.setenv("AZURE_DEFAULTS_LOCATION", "eastus")
    entry = ok("config get defaults.location")
    assert (entry["value"], entry["source"]) == ("eastus", "env AZURE_DEFAULTS_LOCATION")
    monkeypatch.setenv("SIGCTL_DEFAULTS_LOCATION", "westus2")
    entry = ok("config get defaults.location")
    assert (entry["value"], entry["source"]) == ("westus2", "env SIGCTL_DEFAULTS_LOCATION")


def test_az_output_variable_is_honoured(sigctl: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_CORE_OUTPUT", "tsv")
    assert sigctl("group exists -n x").stdout == "false\n"
    assert sigctl("group exists -n x -o json").stdout == "false\n"


def test_defaults_show_with_their_source(ok: Any) -> None:
    everything = ok("config get")
    assert {"name": "output", "source": "default", "value": "json"} in everything["core"]


def test_bad_values_are_refused(sigctl: Runner, unchanged: Any) -> None:
    with unchanged():
        result = sigctl("config set core.output=bogus")
    assert result.exit_code == 1
    assert "core.output" in result.stderr and "json" in result.stderr
    assert sigctl("config set nodot=1").exit_code == 1


def test_only_show_errors_from_config(sigctl: Runner, ok: Any) -> None:
    ok("group create -n rg1 -l eastus2")
    for name in ("a1", "a2"):
        ok(f"sig create -g rg1 -r {name}")
    assert sigctl("sig list -g rg1 --max-items 1").stderr.startswith("WARNING: Token of next page:")
    sigctl("config set core.only_show_errors=true")
    assert sigctl("sig list -g rg1 --max-items 1").stderr == ""


def test_corrupt_config_file_is_reported(sigctl: Runner, home: Path) -> None:
    home.mkdir(parents=True)
    (home / "config.toml").write_text("[core\noutput=")
    result = sigctl("group list")
    assert result.exit_code == 1 and "is not valid TOML" in result.stderr
    assert (home / "config.toml").read_text() == "[core\noutput="


def test_account_show(ok: Any) -> None:
    account = ok("account show")
    assert account["id"] == "6b1a9c4e-2f3d-4e5a-8b7c-9d0e1f2a3b4c"
    assert account["isDefault"] is True and account["state"] == "Enabled"
    assert set(account) >= {"tenantId", "user", "name", "environmentName"}


def test_unknown_subscription(sigctl: Runner) -> None:
    result = sigctl("sig list --subscription nosuchsub")
    assert result.exit_code == 1
    assert result.stderr == (
        "WARNING: Subscription 'nosuchsub' not recognized.\n"
        "ERROR: Subscription 'nosuchsub' not found. Check the spelling and casing and try again.\n"
    )


def test_subscription_by_name_or_id(ok: Any) -> None:
    assert ok("group list --subscription sigctl-subscription") == []
    assert ok("group list --subscription 6B1A9C4E-2F3D-4E5A-8B7C-9D0E1F2A3B4C") == []


def test_state_path_and_reset(sigctl: Runner, ok: Any, home: Path) -> None:
    assert sigctl("state path -o tsv").stdout == f"{home}\n"
    ok("group create -n rg1 -l eastus2")
    sigctl("config set core.output=json")
    assert sigctl("state reset").exit_code == 1  # no terminal, no --yes
    assert sigctl("state reset --yes").exit_code == 0
    assert sigctl("group exists -n rg1").stdout == "false\n"
    assert (home / "config.toml").exists()


def test_default_location_does_not_move_a_resource_on_update(sigctl: Runner, ok: Any) -> None:
    ok("group create -n rg1 -l westus2")
    ok("sig create -g rg1 -r gal1")
    sigctl("config set defaults.location=eastus")
    assert ok("sig update -g rg1 -r gal1 --set description=x")["location"] == "westus2"
    assert ok("sig create -g rg1 -r gal2")["location"] == "eastus"


def test_max_items_must_be_positive(sigctl: Runner, ok: Any) -> None:
    ok("group create -n rg1 -l eastus2")
    result = sigctl("sig list -g rg1 --max-items 0")
    assert (result.exit_code, result.stderr) == (
        1,
        "ERROR: usage error: --max-items must be 1 or more\n",
    )


def test_a_bad_limit_variable_is_a_clean_error(
    sigctl: Runner, ok: Any, unchanged: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok("group create -n rg1 -l eastus2")
    for variable, value, message in (
        ("SIGCTL_LIMITS_GALLERIES", "abc", "'abc' is not a whole number"),
        ("SIGCTL_LIMITS_GALLERIES", "1_000", "'1_000' is not a whole number"),
        # not read by this create, yet refused: every limit is checked wherever one is read
        ("SIGCTL_LIMITS_REPLICAS", "0", "'0' must be 1 or more"),
    ):
        monkeypatch.setenv(variable, value)
        with unchanged():
            result = sigctl("sig create -g rg1 -r gal1")
        assert (result.exit_code, result.stderr) == (
            1,
            f"ERROR: environment variable {variable}: {message}\n",
        )
        monkeypatch.delenv(variable)


@pytest.mark.parametrize(
    ("line", "shown"),
    [('galleries = "two"', "'two'"), ("galleries = true", "'true'"), ("galleries = 2.7", "'2.7'")],
)
def test_a_bad_limit_in_the_file_names_the_file_and_key(
    sigctl: Runner, ok: Any, home: Path, unchanged: Any, line: str, shown: str
) -> None:
    ok("group create -n rg1 -l eastus2")
    (home / "config.toml").write_text(f"[limits]\n{line}\n")
    with unchanged():
        result = sigctl("sig create -g rg1 -r gal1")
    assert (result.exit_code, result.stderr) == (
        1,
        f"ERROR: config file '{home / 'config.toml'}', key limits.galleries: {shown} is not a whole number\n",
    )
    (home / "config.toml").write_text('[limits]\ngalleries = "1"\nreplicas = 3\n')
    ok("sig create -g rg1 -r gal1")
    assert sigctl("sig create -g rg1 -r gal2").exit_code == 1  # the limit of 1 applies


def test_unknown_keys_in_sigctls_own_sections_are_refused(
    sigctl: Runner, ok: Any, home: Path, unchanged: Any
) -> None:
    with unchanged():
        typo = sigctl("config set limits.gallery=1")
        speed = sigctl("config set replication.sped=instant")
    assert typo.exit_code == 1 and typo.stderr.startswith(
        "ERROR: limits.gallery: unknown key; the limits keys are: limits.disk_size_gb, "
        "limits.early_access_regions, limits.galleries,"
    )
    assert speed.stderr == (
        "ERROR: replication.sped: unknown key; the replication keys are: replication.speed\n"
    )
    # az's own sections keep any key, as `az config set` does
    ok("config set core.colour=x defaults.anything=y")
    assert ok("config get core.colour")["value"] == "x"
    # a misspelt key written into the file by hand is not silently ignored either
    ok("group create -n rg1 -l eastus2")
    (home / "config.toml").write_text("[limits]\ngallery = 1\n")
    hand = sigctl("sig create -g rg1 -r gal1")
    assert hand.exit_code == 1 and "key limits.gallery: unknown key" in hand.stderr
    ok("config unset limits.gallery")
    ok("sig create -g rg1 -r gal1")


def test_a_misspelt_variable_for_sigctls_own_sections_is_refused(
    sigctl: Runner, ok: Any, monkeypatch: pytest.MonkeyPatch, unchanged: Any
) -> None:
    ok("group create -n rg1 -l eastus2")
    monkeypatch.setenv("SIGCTL_LIMITS_GALERIES", "2")
    with unchanged():
        typo = sigctl("sig create -g rg1 -r gal1")
    assert typo.exit_code == 1
    assert typo.stderr.startswith(
        "ERROR: environment variable SIGCTL_LIMITS_GALERIES: unknown key; the limits keys are: "
    )
    monkeypatch.delenv("SIGCTL_LIMITS_GALERIES")
    monkeypatch.setenv(
        "SIGCTL_LIMITS_galleries", "2"
    )  # names are case-sensitive: it would not apply
    lower = sigctl("sig create -g rg1 -r gal1")
    assert lower.exit_code == 1 and lower.stderr == (
        "ERROR: environment variable SIGCTL_LIMITS_galleries: did you mean SIGCTL_LIMITS_GALLERIES?\n"
    )
    monkeypatch.delenv("SIGCTL_LIMITS_galleries")
    monkeypatch.setenv("SIGCTL_LIMITS_GALLERIES", "0")  # spelt right, it applies
    spelt_right = sigctl("sig create -g rg1 -r gal1")
    assert spelt_right.exit_code == 1 and "(QuotaExceeded)" in spelt_right.stderr


@pytest.mark.parametrize("pair", ["novalue", "=x", " =x"])
def test_config_set_needs_key_equals_value(sigctl: Runner, pair: str, unchanged: Any) -> None:
    with unchanged():
        refused = sigctl("config", "set", pair)
    assert (refused.exit_code, refused.stderr) == (
        1,
        f"ERROR: usage error: '{pair}' is not KEY=VALUE\n",
    )
