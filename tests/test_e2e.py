"""The installed command in real processes: exit codes, stdout/stderr separation, concurrency."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # it starts processes (tests/slow_guard.py)


def command() -> list[str]:
    found = shutil.which("sigctl")
    return [found] if found else [sys.executable, "-m", "sigctl"]


def sh(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*command(), *args], capture_output=True, text=True, env=os.environ.copy()
    )


@pytest.fixture
def group() -> None:
    assert sh("group", "create", "-n", "rg1", "-l", "eastus2").returncode == 0


def test_exit_codes_and_streams(group: None) -> None:
    created = sh("sig", "create", "-g", "rg1", "-r", "gal1")
    assert created.returncode == 0 and created.stderr == ""
    assert json.loads(created.stdout)["name"] == "gal1"

    failed = sh("sig", "create", "-g", "rg1", "-r", "bad-name")
    assert failed.returncode == 1 and failed.stdout == ""
    assert failed.stderr.startswith("ERROR: (InvalidParameter)")

    usage = sh("sig", "create", "-g", "rg1")
    assert usage.returncode == 2 and usage.stdout == ""
    assert usage.stderr.startswith("ERROR: the following arguments are required")

    missing = sh("sig", "show", "-g", "rg1", "-r", "nope")
    assert missing.returncode == 3 and missing.stdout == ""
    assert missing.stderr.startswith("ERROR: (ResourceNotFound)")


def test_python_dash_m_and_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sigctl", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0 and result.stdout.startswith("sigctl ")
    assert sh("--version").stdout == result.stdout


def test_help_goes_to_stdout_and_exits_0() -> None:
    result = sh("sig", "create", "-h")
    assert result.returncode == 0 and result.stderr == ""
    assert "Examples" in result.stdout and "--gallery-name -r" in result.stdout


def test_no_traceback_for_an_unexpected_state_file(group: None) -> None:
    home = Path(os.environ["SIGCTL_HOME"])
    index = next((home / "state").rglob("index.json"))
    index.write_text("garbage")
    result = sh("group", "list")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert str(index) in result.stderr


def run_in_parallel(argvs: list[list[str]]) -> None:
    processes = [
        subprocess.Popen(
            [*command(), *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for argv in argvs
    ]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err


def test_twenty_parallel_creates_lose_nothing(group: None) -> None:
    run_in_parallel(
        [["sig", "create", "-g", "rg1", "-r", f"gal{i}", "-o", "none"] for i in range(20)]
    )
    names = json.loads(sh("sig", "list", "-g", "rg1", "--query", "[].name").stdout)
    assert sorted(names) == sorted(f"gal{i}" for i in range(20))


def test_parallel_updates_of_one_resource_lose_nothing(group: None) -> None:
    """az's update is GET then PUT; sigctl holds the lock across both, so no tag is lost."""
    assert sh("sig", "create", "-g", "rg1", "-r", "shared", "-o", "none").returncode == 0
    run_in_parallel(
        [
            ["sig", "update", "-g", "rg1", "-r", "shared", "--set", f"tags.t{i}=v", "-o", "none"]
            for i in range(12)
        ]
    )
    tags = json.loads(sh("sig", "show", "-g", "rg1", "-r", "shared", "--query", "tags").stdout)
    assert sorted(tags) == sorted(f"t{i}" for i in range(12))


def test_parallel_updates_of_one_group_lose_nothing(group: None) -> None:
    run_in_parallel(
        [["group", "update", "-n", "rg1", "--set", f"tags.t{i}=v", "-o", "none"] for i in range(12)]
    )
    tags = json.loads(sh("group", "show", "-n", "rg1", "--query", "tags").stdout)
    assert sorted(tags) == sorted(f"t{i}" for i in range(12))


IDENTITY = ["-p", "P", "-f", "O", "-s", "S", "--os-type", "linux"]


def test_parallel_updates_of_one_version_lose_nothing(group: None) -> None:
    version = ["-g", "rg1", "-r", "gal1", "-i", "def1", "-e", "1.0.0"]
    for argv in (
        ["sig", "create", "-g", "rg1", "-r", "gal1"],
        ["sig", "image-definition", "create", "-g", "rg1", "-r", "gal1", "-i", "def1", *IDENTITY],
        ["source", "create", "managed-image", "-g", "rg1", "-n", "img", "--os-type", "linux"],
        ["sig", "image-version", "create", *version, "--managed-image", "img"],
    ):
        assert sh(*argv, "-o", "none").returncode == 0
    run_in_parallel(
        [
            ["sig", "image-version", "update", *version, "--set", f"tags.t{i}=v", "-o", "none"]
            for i in range(8)
        ]
    )
    shown = sh("sig", "image-version", "show", *version, "--query", "tags")
    assert sorted(json.loads(shown.stdout)) == sorted(f"t{i}" for i in range(8))


@pytest.mark.parametrize("speed", ["-5", "nan"])
def test_a_fresh_process_checks_the_replication_speed_wherever_it_is_read(
    monkeypatch: pytest.MonkeyPatch, speed: str
) -> None:
    """In one process the key's checks must not depend on which module was imported first."""
    monkeypatch.setenv("SIGCTL_REPLICATION_SPEED", speed)
    refused = sh("replication", "clock", "show")
    assert refused.returncode == 1
    assert refused.stderr.startswith("ERROR: environment variable SIGCTL_REPLICATION_SPEED: ")
