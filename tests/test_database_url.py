"""A database URL that cannot work is a clear error naming the setting, never a traceback, and
changes nothing. (Wrong credentials against a real server: tests/test_shared_cloud.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Runner, snapshot

CLOSED_PORT = "postgresql://sigctl:secret@127.0.0.1:1/sigctl"  # nothing listens on port 1


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "mysql://sigctl@db/sigctl",
            "ERROR: environment variable SIGCTL_DATABASE_URL: not a PostgreSQL URL; use "
            "postgresql://USER:PASSWORD@HOST:PORT/DATABASE",
        ),
        (
            "postgresql://db/sigctl?sslmode=sometimes&nonsense=1",
            "ERROR: (InvalidStateDatabaseUrl) SIGCTL_DATABASE_URL is not a usable PostgreSQL "
            'URL: invalid URI query parameter: "nonsense". Use '
            "postgresql://USER:PASSWORD@HOST:PORT/DATABASE.",
        ),
        (
            CLOSED_PORT,
            "ERROR: (StateDatabaseUnavailable) The state database (SIGCTL_DATABASE_URL) cannot "
            'be used: connection to server at "127.0.0.1", port 1 failed: Connection refused.',
        ),
    ],
    ids=["scheme", "parameter", "unreachable"],
)
def test_a_bad_url_in_the_environment(
    sigctl: Runner, monkeypatch: pytest.MonkeyPatch, home: Path, url: str, message: str
) -> None:
    before = snapshot(home)
    monkeypatch.setenv("SIGCTL_DATABASE_URL", url)
    result = sigctl("sig list")
    assert snapshot(home) == before
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.splitlines()[0] == message
    assert "Traceback" not in result.stderr and "secret" not in result.stderr


def test_a_bad_url_in_the_configuration_names_the_key_and_its_file(
    sigctl: Runner, home: Path
) -> None:
    refused = sigctl("config set core.database_url=sqlite:///state.db")
    assert refused.exit_code == 1
    assert refused.stderr.startswith("ERROR: core.database_url: not a PostgreSQL URL")
    assert sigctl(f"config set core.database_url={CLOSED_PORT}").exit_code == 0
    result = sigctl("group list")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "ERROR: (StateDatabaseUnavailable) The state database (core.database_url (in "
        f"'{home / 'config.toml'}')) cannot be used: "
    )
    # Namespace commands go through the same door.
    assert sigctl("namespace list").stderr == result.stderr
