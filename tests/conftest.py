"""Every test gets its own SIGCTL_HOME and a clean environment; `sigctl(...)` runs the CLI."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# Imported first: compiled modules are cached from here on (tests/pycache.py).
from pycache import bytecode_cache  # noqa: F401

# A test that starts a process must be marked slow (`pytest -m "not slow"` stays in-process).
from slow_guard import pytest_runtest_call, pytest_runtest_setup  # noqa: F401
from typer.testing import CliRunner

from sigctl.cli.app import app


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> Any:
        return json.loads(self.stdout)


RAM_DISK = Path("/dev/shm")


def pytest_configure(config: pytest.Config) -> None:
    """Temporary folders (each test's SIGCTL_HOME) go to a RAM disk where there is one.

    Every state commit flushes its files to disk; on a RAM disk the flushes cost nothing, which
    halves the in-process tests' time on a busy disk. A TMPDIR or --basetemp given is kept.
    """
    chosen = config.option.basetemp is not None or "TMPDIR" in os.environ
    if not chosen and RAM_DISK.is_dir() and os.access(RAM_DISK, os.W_OK):
        os.environ["TMPDIR"] = str(RAM_DISK)  # for the processes tests start, too
        tempfile.tempdir = None  # read TMPDIR again


@pytest.fixture(scope="session")
def homes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("homes")


@pytest.fixture(autouse=True)
def home(homes: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A SIGCTL_HOME of the test's own (not yet made) in a folder of the session's.

    Not under `tmp_path`: pytest numbers each test's tmp_path by listing every one made before
    it, which grows with the square of the tests run.
    """
    for key in list(os.environ):
        if key.startswith(("SIGCTL_", "AZURE_")):
            monkeypatch.delenv(key)
    monkeypatch.setenv("NO_COLOR", "1")
    prefix = re.sub(r"\W", "_", request.node.name)[:30] + "-"
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=homes)) / "home"
    monkeypatch.setenv("SIGCTL_HOME", str(path))
    return path


Runner = Callable[..., Result]
Prebuilt = Callable[[str, Callable[[], object]], None]


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("built")


@pytest.fixture
def prebuilt(home: Path, built: Path) -> Prebuilt:
    """prebuilt(name, build): the state `build()` makes in the test's empty SIGCTL_HOME, built
    once a session and copied for each test after the first (a copy takes about 1 ms, the
    commands of a fixture tens). The same name under other SIGCTL_* settings is built anew;
    on PostgreSQL, or on a state already begun, `build()` simply runs."""

    def use(name: str, build: Callable[[], object]) -> None:
        if home.exists() or os.environ.get("SIGCTL_DATABASE_URL"):
            build()
            return
        settings = sorted((k, v) for k, v in os.environ.items() if k.startswith("SIGCTL_"))
        settings.remove(("SIGCTL_HOME", str(home)))
        kept = built / hashlib.sha256(repr((name, settings)).encode()).hexdigest()[:16]
        if kept.exists():
            shutil.copytree(kept, home)
            return
        build()
        shutil.copytree(home, kept)

    return use


@pytest.fixture
def sigctl() -> Runner:
    """sigctl("sig create -g rg -r gal") or sigctl("sig", "create", ...): run in-process."""
    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> Result:
        argv = shlex.split(args[0]) if len(args) == 1 else list(args)
        outcome = runner.invoke(app, argv, input=input)
        if outcome.exception and not isinstance(outcome.exception, SystemExit):
            raise outcome.exception
        return Result(outcome.exit_code, outcome.stdout, outcome.stderr)

    return run


@pytest.fixture
def ok(sigctl: Runner) -> Callable[..., Any]:
    """Run a command that must succeed; return its JSON (or None when it printed nothing)."""

    def run(*args: str) -> Any:
        result = sigctl(*args)
        assert result.exit_code == 0, result.stderr
        return result.json if result.stdout.strip() else None

    return run


def snapshot(home: Path) -> dict[str, bytes]:
    """Every state and config file's bytes (the lock file carries no state)."""
    if not home.exists():
        return {}
    return {
        str(p.relative_to(home)): p.read_bytes()
        for p in sorted(home.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


@pytest.fixture
def unchanged(home: Path) -> Callable[[], Any]:
    """with unchanged(): ... asserts the block leaves every byte of the state as it was (on
    PostgreSQL: every document of the test's namespace too)."""
    from contextlib import contextmanager

    @contextmanager
    def check() -> Any:
        before = snapshot(home), database_snapshot()
        yield
        assert (snapshot(home), database_snapshot()) == before

    return check


# -- the two state backends ---------------------------------------------------------------------

# The environment as the session began (tests clear SIGCTL_* for themselves).
_SESSION_ENVIRONMENT = dict(os.environ)


@pytest.fixture(scope="session")
def postgres() -> Any:
    """The test session's PostgreSQL server (tests/postgres.py), started on first use; a
    failure when it cannot start (a skip only when knowingly switched off, never in CI)."""
    from postgres import started_or_fail

    server = started_or_fail(_SESSION_ENVIRONMENT)
    yield server
    server.close()


@pytest.fixture(params=["files", pytest.param("postgres", marks=pytest.mark.slow)])
def backend(request: pytest.FixtureRequest, home: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run the test on each backend: the files in SIGCTL_HOME, and a namespace of its own in
    the session's PostgreSQL (through SIGCTL_DATABASE_URL and SIGCTL_NAMESPACE)."""
    if request.param == "files":
        yield "files"
        return
    import uuid

    from sigctl.store.backends import open_backend

    url = request.getfixturevalue("postgres").url()
    name = f"t-{uuid.uuid4().hex[:12]}"
    open_backend(home, url).create_namespace(name, {})
    monkeypatch.setenv("SIGCTL_DATABASE_URL", url)
    monkeypatch.setenv("SIGCTL_NAMESPACE", name)
    yield "postgres"
    open_backend(home, url).delete_namespace(name)


def database_snapshot() -> Any:
    """Every document (and the settings) of the namespace the environment names, read from the
    database; None on the file backend."""
    url = os.environ.get("SIGCTL_DATABASE_URL")
    if not url:
        return None
    import psycopg

    namespace = os.environ.get("SIGCTL_NAMESPACE") or "default"
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT path, schema_version, document FROM sigctl_documents "
            "WHERE namespace = %s ORDER BY path",
            (namespace,),
        ).fetchall()
        settings = conn.execute(
            "SELECT settings::text FROM sigctl_namespaces WHERE name = %s", (namespace,)
        ).fetchall()
    return rows, settings


@pytest.fixture
def gallery(ok: Callable[..., Any]) -> dict[str, Any]:
    ok("group create -n rg1 -l eastus2")
    return ok('sig create -g rg1 -r gal1 --description "My gallery"')
