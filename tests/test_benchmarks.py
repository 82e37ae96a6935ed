"""The benchmarks must keep running: one quick pass each (no timing is asserted here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow  # it starts processes (tests/slow_guard.py)

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def run(script: str, *args: str, quick: tuple[str, ...] = ("--runs", "1", "--warmup", "0")) -> str:
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *quick, *args],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_startup_benchmark_runs() -> None:
    # One run on a busy machine says nothing about speed: only that the script works.
    assert "sigctl sig list" in run("startup.py", "--limit", "1000")


def test_scale_benchmark_runs_past_the_gallery_quota() -> None:
    # 101 galleries in one region exceed the default quota of 100; the benchmark lifts it.
    out = run("scale.py", "--galleries", "101", "--limit", "1000")
    assert "101 galleries" in out and "sigctl sig create" in out


def test_completion_benchmark_runs() -> None:
    out = run("completion.py", "--limit", "100000")
    assert "galleries of a group" in out and "versions of a definition" in out


def test_waits_benchmark_runs() -> None:
    out = run("waits.py", "--create-limit", "1000", "--demo-limit", "1000")
    assert "sigctl sig image-version create (30 GB, 3 regions)" in out and "sigctl demo" in out


def test_remote_benchmark_runs() -> None:
    out = run("remote.py", "--starts", "1", "--limit", "1000", "--ready-limit", "1000")
    assert "sigctl sig show -g rg -r gal" in out and "sigctl serve ready" in out


def test_shared_cloud_benchmark_runs(postgres: Any) -> None:
    out = run(
        "shared_cloud.py",
        *("--database-url", postgres.url(), "--galleries", "2", "--definitions", "2"),
        *("--versions", "2", "--connections", "4", "--no-goals"),
        quick=("--seconds", "0.5"),
    )
    assert "2 galleries, 4 definitions, 8 versions" in out and "reads" in out and "writes" in out


def test_fixture_import_benchmark_runs() -> None:
    out = run(
        "fixture_import.py",
        *("--galleries", "2", "--definitions", "2", "--versions", "2"),
        quick=("--runs", "1"),
    )
    assert "2 galleries, 4 definitions, 8 versions" in out and "peak memory" in out
