"""A command imports only what it needs: start-up is most of a short-lived command's time.

Each command runs in a new interpreter, as the console script runs it, and reports the modules
it had imported when it exited. No time is measured (benchmarks/startup.py does that).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow  # it starts processes (tests/slow_guard.py)

# Run as the console script does, and write sys.modules at exit (after sys.exit too).
_PROBE = """
import atexit, json, sys
out = sys.argv.pop(1)
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
from sigctl.cli.entry import main
sys.exit(main())
"""

# Libraries and modules that no read of one resource or list needs.
NOT_FOR_A_READ = {
    "importlib.metadata",  # tabulate looks its own version up with it
    "yaml",
    "rich",
    "pydantic",
    "dateutil",
    "jmespath",
    "hmac",
    "secrets",
    "sigctl.cli.service_errors",
    "sigctl.provider.authorization",
    "sigctl.provider.graph",
    "wcwidth",  # tabulate's wide characters: only a table that has some needs it
    "html",  # tabulate's HTML formats: `-o table` uses its plain one
}


# Provider modules only a write needs: reading a version loads none of them (sigctl.provider.routes
# sends its writes to a module of their own).
WRITE_ONLY = {
    "sigctl.provider.image_version_writes",
    "sigctl.provider.gallery_application_version_writes",
    "sigctl.provider.publishing",
    "sigctl.provider.version_sources",
    "sigctl.provider.sources",
    "sigctl.provider.encryption",
    "sigctl.provider.disk_encryption_sets",
    "sigctl.provider.edge_zones",
    "sigctl.provider.faults",
}


def imported(home: Path, *args: str) -> set[str]:
    out = home.parent / "modules.json"
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, str(out), *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(out.read_text()))


def test_version_imports_neither_typer_nor_the_cli(home: Path) -> None:
    modules = imported(home, "--version")
    assert not {m for m in modules if m == "typer" or m.startswith(("typer.", "sigctl.cli.main"))}
    assert not {m for m in modules if m.startswith(("sigctl.provider", "sigctl.store"))}


@pytest.mark.parametrize(
    "args",
    [
        ("sig", "show", "-g", "rg1", "-r", "gal1"),
        ("sig", "list"),
        ("sig", "list", "-o", "table"),
        ("sig", "image-version", "list", "-g", "rg1", "-r", "gal1", "-i", "def1"),
        ("sig", "image-version", "show", "-g", "rg1", "-r", "gal1", "-i", "def1", "-e", "1.0.0"),
        (
            "sig",
            "gallery-application",
            "version",
            "list",
            "-g",
            "rg1",
            "-r",
            "gal1",
            "--application-name",
            "app1",
        ),
    ],
)
def test_a_read_imports_no_write_only_or_optional_library(
    home: Path, ok: Any, gallery: Any, args: tuple[str, ...]
) -> None:
    ok("sig image-definition create -g rg1 -r gal1 -i def1 -p P -f O -s S --os-type linux")
    if "image-version" in args:  # a version to render, with an access check on it
        ok("source create managed-image -g rg1 -n img1 --os-type linux --size-gb 1")
        ok("sig image-version create -g rg1 -r gal1 -i def1 -e 1.0.0 --managed-image img1")
    if "gallery-application" in args:
        ok("sig gallery-application create -g rg1 -r gal1 -n app1 --os-type linux")
    modules = imported(home, *args)
    assert "typer" in modules  # the probe really ran the command
    assert not modules & NOT_FOR_A_READ, sorted(modules & NOT_FOR_A_READ)
    assert not modules & WRITE_ONLY, sorted(modules & WRITE_ONLY)
    if "table" not in args:  # tabulate makes dataclasses
        # The classes a read loads are plain (sigctl.record): no dataclass is made.
        assert "dataclasses" not in modules
    if "show" not in args:  # a GET of one resource digests it for its entity tag
        assert "hashlib" not in modules
    assert "base64" not in modules
    assert ("tabulate" in modules) == ("table" in args)
