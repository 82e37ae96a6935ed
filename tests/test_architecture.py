"""The layers of DESIGN.md: the provider and the store never import the CLI or its libraries."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import sigctl

PACKAGE = Path(sigctl.__file__).parent
FORBIDDEN = ("typer", "rich", "click", "sigctl.cli")


def _modules(package: str) -> list[str]:
    root = PACKAGE / package.split(".")[-1]
    return [f"{package}.{m.name}" for m in pkgutil.iter_modules([str(root)])]


def test_provider_and_store_load_without_cli_libraries() -> None:
    modules = (
        _modules("sigctl.provider") + _modules("sigctl.store") + ["sigctl.errors", "sigctl.config"]
    )
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"print([m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r} or m.startswith('sigctl.cli')])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_no_cli_import_anywhere_in_provider_or_store_source() -> None:
    for folder in ("provider", "store"):
        for path in (PACKAGE / folder).glob("*.py"):
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                for name in names:
                    assert not name.startswith(FORBIDDEN), f"{path.name} imports {name}"
