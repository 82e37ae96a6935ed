"""The pytest plugin sigctl ships (`sigctl.pytest_plugin`, a pytest11 entry point)."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from sigctl.pytest_plugin import FROZEN_AT, Cloud, SigctlError

SUITE = Path(__file__).resolve().parent.parent / "examples" / "pytest_suite"


def _pytest(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SIGCTL_", "PYTEST_"))}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=SUITE,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
def test_the_example_suite_passes_through_the_installed_plugin() -> None:
    """Two xdist workers, each test with its own cloud: nothing leaks between them."""
    done = _pytest("-n", "2")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 passed" in done.stdout
    # it is the plugin that gives the fixture
    without = _pytest("-p", "no:sigctl", "-k", "empty_cloud")
    assert without.returncode != 0 and "fixture 'sigctl' not found" in without.stdout


@pytest.mark.slow
def test_the_plugin_is_registered_and_imports_no_cli() -> None:
    points = [e for e in metadata.entry_points(group="pytest11") if e.name == "sigctl"]
    assert [e.value for e in points] == ["sigctl.pytest_plugin"]
    code = (
        "import sys, sigctl.pytest_plugin\n"
        "print([m for m in sys.modules if m.startswith(('sigctl.cli', 'typer', 'sigctl.provider'))])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_cloud_runs_commands_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The user's own settings must not reach the test's cloud, nor be changed by it.
    monkeypatch.setenv("SIGCTL_PRINCIPAL", "someone-else")
    monkeypatch.setenv("SIGCTL_HOME", str(tmp_path / "users-own-home"))
    before = dict(os.environ)
    cloud = Cloud(tmp_path / "home")
    made = cloud("group", "create", "-n", "rg1", "-l", "eastus2")
    assert made.exit_code == 0, made.stderr
    assert made.json()["name"] == "rg1"
    assert cloud("group list --query [].name -o tsv").stdout == "rg1\n"
    assert cloud("group", "create", "-n", "rg1", "-l", "eastus2", "-o", "none").json() is None
    missing = cloud("group show -n nosuch")
    assert missing.exit_code == 3 and missing.stderr.startswith("ERROR: (ResourceGroupNotFound)")
    assert cloud("replication clock show --query now -o tsv").stdout.startswith(FROZEN_AT[:19])
    assert dict(os.environ) == before
    assert (tmp_path / "home" / "state").is_dir()
    assert not (tmp_path / "users-own-home").exists()


@pytest.mark.slow
def test_the_environment_for_scripts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_CONFIG_DIR", "/somewhere")
    cloud = Cloud(tmp_path / "home")
    env = cloud.env
    assert env["SIGCTL_HOME"] == str(cloud.home) and env["SIGCTL_NOW"] == FROZEN_AT
    assert "AZURE_CONFIG_DIR" not in env
    cloud("group create -n rg1 -l eastus2")
    shown = subprocess.run(
        ["sigctl", "group", "list", "--query", "[].name", "-o", "tsv"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout == "rg1\n"  # the script sees the same cloud


def test_seed(tmp_path: Path) -> None:
    cloud = Cloud(tmp_path / "home")
    seeded = cloud.seed(SUITE / "cloud.toml")
    assert seeded["imported"] == "fixture" and seeded["versions"] == 1
    assert cloud("sig list --query [].name -o tsv").stdout == "teamGallery\n"
    broken = tmp_path / "broken.toml"
    broken.write_text("sigctlFixture = 1\n[[galleries]]\nname = 'g'\n")
    with pytest.raises(SigctlError, match="state import"):
        cloud.seed(broken)
