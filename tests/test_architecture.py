"""The layers of DESIGN.md: the provider and the store never import the CLI or its libraries."""

from __future__ import annotations

import ast
import functools
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import sigctl

PACKAGE = Path(sigctl.__file__).parent
FORBIDDEN = ("typer", "rich", "click", "sigctl.cli")


def _modules(package: str) -> list[str]:
    root = PACKAGE / package.split(".")[-1]
    return [f"{package}.{m.name}" for m in pkgutil.iter_modules([str(root)])]


@pytest.mark.slow
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


@pytest.mark.slow
def test_only_serve_loads_the_server_stack() -> None:
    """CLI start-up must not grow: uvicorn, starlette, cryptography, the SDKs and the
    PostgreSQL driver (on the file store) stay unloaded."""
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from sigctl.cli.app import app\n"
        "for argv in (['group', 'create', '-n', 'rg', '-l', 'eastus2'], ['sig', 'list'],\n"
        "             ['ad', 'user', 'list'], ['role', 'assignment', 'list'],\n"
        "             ['namespace', 'list']):\n"
        "    assert CliRunner().invoke(app, argv).exit_code == 0, argv\n"
        "heavy = ('uvicorn', 'starlette', 'cryptography', 'azure', 'sigctl.server', 'anyio',\n"
        "         'psycopg', 'sigctl.store.postgres')\n"
        "own = ('sigctl.server', 'sigctl.store.postgres')\n"
        "print([m for m in sys.modules if m.split('.')[0] in heavy or m.startswith(own)])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_provider_never_imports_the_server() -> None:
    for path in (PACKAGE / "provider").glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("sigctl.server"), path.name
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("sigctl.server") for a in node.names), path.name


# One door: the CLI reaches the provider only through the request interface. It may name
# resources with the provider's id helpers; only the in-process transport builds the provider.
CLI_MAY_IMPORT = {"sigctl.provider.ids": None, "sigctl.provider.service": {"transport.py"}}
# Ways around the door: raw state transactions, the emulator's old shortcuts, handler dispatch.
CLI_MAY_NOT_CALL = {"session", "operate", "transaction", "dispatch"}
CLI_MAY_NOT_TOUCH = {"store", "emulator"}


def _imported(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if isinstance(node, ast.ImportFrom) and node.module:
        if node.module in ("sigctl", "sigctl.provider"):
            return [f"{node.module}.{a.name}" for a in node.names]
        return [node.module]
    return []


def _door_violations(path: Path, source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        for name in _imported(node):
            if name.startswith("sigctl.store"):
                found.append(f"{path.name} imports {name}")
            elif name.startswith("sigctl.provider"):
                allowed = CLI_MAY_IMPORT.get(name, set())
                if allowed is not None and path.name not in allowed:
                    found.append(f"{path.name} imports {name}")
        called = node.func if isinstance(node, ast.Call) else None
        if isinstance(called, ast.Attribute) and called.attr in CLI_MAY_NOT_CALL:
            found.append(f"{path.name}:{node.lineno} calls .{called.attr}(...)")
        if isinstance(node, ast.Attribute) and node.attr in CLI_MAY_NOT_TOUCH:
            found.append(f"{path.name}:{node.lineno} uses .{node.attr}")
    return found


def test_the_cli_reaches_the_provider_only_through_the_request_interface() -> None:
    found = [
        violation
        for path in sorted((PACKAGE / "cli").rglob("*.py"))
        for violation in _door_violations(path, path.read_text())
    ]
    assert found == []


@pytest.mark.parametrize(
    "line",
    [
        "from sigctl.store import Store",
        "import sigctl.store.files",
        "from sigctl.provider import latest",
        "from sigctl.provider.image_versions import render",
        "from sigctl.provider.service import Provider",
        "client.provider.operate(sub, fn)",
        "client.emulator.session(write=True)",
        "provider.store.transaction(write=True)",
        "provider.dispatch('get', rid, {}, None, None)",
    ],
)
def test_the_door_check_sees_each_way_around(line: str) -> None:
    assert _door_violations(Path("commands/x.py"), line)


# -- the provider's own imports -----------------------------------------------------------------

FUNCTION_LEVEL_IMPORT_LIMIT = 15


@functools.cache  # two tests read every provider module
def _provider_imports(path: Path) -> tuple[set[str], list[str]]:
    """(sibling modules `path` imports when it runs, at module level or inside a function;
    where it imports sigctl inside a function). Imports for type checkers only are left out."""
    siblings = {p.stem for p in (PACKAGE / "provider").glob("*.py")}
    tree = ast.parse(path.read_text())
    imported: set[str] = set()
    deferred: list[str] = []
    inside = {
        id(node)
        for fn in ast.walk(tree)
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(fn)
    }
    typing_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and ast.unparse(block.test).endswith("TYPE_CHECKING")
        for node in ast.walk(block)
    }
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
            if node.module == "sigctl.provider":
                names = [f"sigctl.provider.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[:2] == ["sigctl", "provider"] and len(parts) > 2 and parts[2] in siblings:
                imported.add(parts[2])
        if id(node) in inside and any(n.split(".")[0] == "sigctl" for n in names):
            deferred.append(f"{path.name}:{node.lineno}")
    return imported - {path.stem}, deferred


def test_few_function_level_imports_in_the_provider() -> None:
    """A sigctl import inside a function is kept only to keep start-up cheap (and says so)."""
    deferred = [
        where
        for path in sorted((PACKAGE / "provider").glob("*.py"))
        for where in _provider_imports(path)[1]
    ]
    assert len(deferred) <= FUNCTION_LEVEL_IMPORT_LIMIT, deferred


def test_provider_modules_need_no_deferred_import_to_avoid_a_cycle() -> None:
    """With every deferred import made at module level, the provider's modules form no cycle:
    sigctl.provider.lookup, below the resource modules, holds what they read of each other, and
    sigctl.provider.calls and .routes what the request interface's families share with it."""
    graph = {path.stem: _provider_imports(path)[0] for path in (PACKAGE / "provider").glob("*.py")}
    cycles = []

    def visit(module: str, trail: list[str]) -> None:
        for nxt in sorted(graph.get(module, ())):
            if nxt in trail:
                cycles.append([*trail[trail.index(nxt) :], nxt])
            elif nxt not in done:
                visit(nxt, [*trail, nxt])
        done.add(module)

    done: set[str] = set()
    for module in sorted(graph):
        if module not in done:
            visit(module, [module])
    assert not cycles, cycles
