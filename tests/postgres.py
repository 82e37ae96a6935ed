"""A real PostgreSQL server for the tests: Debian's postgresql package on a temporary folder.

initdb and pg_ctl come from /usr/lib/postgresql/<version>/bin (else PATH). initdb refuses to run
as root, so as root the server runs as the `postgres` user (runuser), on a folder it owns. The
server listens on 127.0.0.1 at a free port, with password authentication, so tests can also
present wrong credentials. There is no mock of the database anywhere.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

USER = "sigctl"
# A contributor without PostgreSQL may switch its tests off knowingly (documented in README.md);
# where CI is set this is refused, so CI never skips them.
OPT_OUT = "SIGCTL_TEST_NO_POSTGRES"
PASSWORD = "sigctl-test"


class PostgresUnavailable(RuntimeError):
    """The server could not be started; the message says why and what to do."""


def _bin_dir() -> Path:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise PostgresUnavailable(
        "initdb was not found (in /usr/lib/postgresql/*/bin or on PATH): install Debian's "
        "postgresql package (apt-get install -y postgresql; .ci/run does)"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def started_or_fail(environ: Mapping[str, str]) -> PostgresServer:
    """A started server; else the test fails saying why (or, opted out outside CI, skips)."""
    import pytest

    in_ci = environ.get("CI", "").strip().lower() not in ("", "0", "false")
    if environ.get(OPT_OUT) == "1":
        if not in_ci:
            pytest.skip(f"PostgreSQL tests switched off by {OPT_OUT}=1")
        pytest.fail(f"{OPT_OUT}=1 is refused in CI: the PostgreSQL tests must run.", pytrace=False)
    try:
        return PostgresServer()
    except PostgresUnavailable as exc:
        pytest.fail(
            f"PostgreSQL could not be started for the tests: {exc}. Install Debian's "
            f"postgresql package (.ci/run does); outside CI, {OPT_OUT}=1 skips these tests "
            "knowingly.",
            pytrace=False,
        )


class PostgresServer:
    def __init__(self) -> None:
        self.bin = _bin_dir()
        self.dir = Path(tempfile.mkdtemp(prefix="sigctl-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.port = free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # initdb refuses root: run the server as postgres
            import pwd

            try:
                account = pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresUnavailable(
                    "running as root, and there is no 'postgres' user to run the server as "
                    "(Debian's postgresql package creates it)"
                ) from None
            os.chown(self.dir, account.pw_uid, account.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]
        password_file = self.dir / "password"
        password_file.write_text(PASSWORD + "\n")
        if self.as_user:
            shutil.chown(password_file, "postgres")
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            USER,
            f"--pwfile={password_file}",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-instructions",
        )
        self.start()

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [*self.as_user, str(self.bin / tool), *args],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=self.dir,
        )
        if check and result.returncode != 0:
            raise PostgresUnavailable(
                f"{tool} failed ({result.returncode}): {result.stderr.strip() or result.stdout}"
                f"{self.log_tail()}"
            )
        return result

    def log_tail(self) -> str:
        try:
            return "\nserver log:\n" + "\n".join(self.log.read_text().splitlines()[-15:])
        except OSError:
            return ""

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
            # Test data need not survive a power cut; a killed server still keeps every
            # acknowledged commit (the WAL is written before a commit returns).
            "-c fsync=off -c full_page_writes=off -c max_connections=200"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def kill(self) -> None:
        """SIGKILL the postmaster and every backend: the database goes away at once."""
        pid = int((self.data / "postmaster.pid").read_text().split()[0])
        children = subprocess.run(
            ["pgrep", "-P", str(pid)], capture_output=True, text=True
        ).stdout.split()
        for victim in [pid, *map(int, children)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self._listening():
            time.sleep(0.05)
        # An unreaped postmaster (no init to reap it here) would look alive to the next start.
        with contextlib.suppress(FileNotFoundError):
            (self.data / "postmaster.pid").unlink()

    def _listening(self) -> bool:
        with socket.socket() as probe:
            try:
                probe.connect(("127.0.0.1", self.port))
            except OSError:
                return False
        return True

    def restart(self) -> None:
        self.stop()
        self.start()

    def url(self, database: str = "postgres", password: str = PASSWORD) -> str:
        return f"postgresql://{USER}:{password}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def close(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)
