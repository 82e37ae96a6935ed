"""One emulated cloud on a real PostgreSQL server: several `sigctl serve` processes on one
database, the database going away mid-command, conflicts, bad settings, moving a state between
the backends, and the schema's migrations. Every test here uses the session's server
(tests/postgres.py), so every one is slow."""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests
from postgres import PostgresServer
from served import SUB, ServedCloud

from tests.conftest import Runner

pytestmark = pytest.mark.slow  # a PostgreSQL server and `sigctl serve` processes

AUTH = {"Authorization": "Bearer any-token"}
API = "api-version=2026-03-03"
GALLERY = f"/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Compute/galleries/gal"


def definition(n: int | str) -> dict[str, Any]:
    return {
        "location": "eastus2",
        "properties": {
            "osType": "Linux",
            "osState": "Generalized",
            "identifier": {"publisher": "contoso", "offer": "app", "sku": f"sku{n}"},
        },
    }


def call(cloud: ServedCloud, verb: str, path: str, **kwargs: Any) -> requests.Response:
    if "api-version=" not in path:
        path += ("&" if "?" in path else "?") + API
    return requests.request(
        verb,
        f"{cloud.endpoint}{path}",
        headers=AUTH,
        verify=cloud.certificate,
        timeout=60,
        **kwargs,
    )


@pytest.fixture
def namespace(postgres: PostgresServer, home: Path) -> Iterator[str]:
    """A namespace of this test's own in the session's database."""
    from sigctl.store.backends import open_backend

    name = f"t-{uuid.uuid4().hex[:12]}"
    open_backend(home, postgres.url()).create_namespace(name, {})
    yield name
    open_backend(home, postgres.url()).delete_namespace(name)


@pytest.fixture
def servers(
    postgres: PostgresServer, namespace: str, tmp_path: Path
) -> Iterator[list[ServedCloud]]:
    """Two `sigctl serve` processes (each with its own home) on one database and namespace."""
    env = {"SIGCTL_DATABASE_URL": postgres.url(), "SIGCTL_NAMESPACE": namespace}
    started = [ServedCloud(tmp_path / f"server{i}", env=env) for i in range(2)]
    yield started
    for server in started:
        server.stop()


def test_two_servers_act_as_one_cloud_and_lose_no_update(servers: list[ServedCloud]) -> None:
    a, b = servers
    group = f"/subscriptions/{SUB}/resourcegroups/rg"
    assert call(a, "PUT", f"{group}?api-version=2025-04-01", json={"location": "eastus2"}).ok
    assert call(b, "PUT", GALLERY, json={"location": "eastus2"}).status_code == 201
    assert call(a, "GET", GALLERY).json()["name"] == "gal"  # written by one, read by the other

    # Sixteen writers, half on each server, each creating definitions in the one gallery: every
    # commit changes the same documents (the gallery's index and usage counts).
    writers, each = 16, 4
    failures: list[str] = []

    def write(slot: int) -> None:
        cloud = servers[slot % 2]
        for i in range(each):
            n = slot * each + i
            answer = call(cloud, "PUT", f"{GALLERY}/images/def{n}", json=definition(n))
            if answer.status_code != 201:
                failures.append(f"def{n}: {answer.status_code} {answer.text}")

    threads = [threading.Thread(target=write, args=(slot,)) for slot in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    expected = {f"def{n}" for n in range(writers * each)}
    for cloud in servers:
        assert {d["name"] for d in call(cloud, "GET", f"{GALLERY}/images").json()["value"]} == (
            expected
        )
    # Deleting the gallery needs its definitions gone: the count the index keeps is right.
    assert call(a, "DELETE", GALLERY).status_code == 409

    # The clock and faults are shared too.
    assert call(a, "POST", "/sigctl/clock/set", json={"time": "2031-01-01T00:00:00Z"}).ok
    assert call(b, "GET", "/sigctl/clock").json()["now"].startswith("2031-01-01T00:00:00")
    assert call(b, "POST", "/sigctl/faults", json={"region": "westus2", "at": 50}).ok
    assert [f["region"] for f in call(a, "GET", "/sigctl/faults").json()["value"]] == ["westus2"]
    assert a.sigctl("state", "check").returncode == 0


def test_a_namespace_is_served_under_its_prefix(
    servers: list[ServedCloud], postgres: PostgresServer, namespace: str
) -> None:
    a, b = servers
    other = f"t-{uuid.uuid4().hex[:12]}"
    assert call(a, "POST", "/sigctl/namespaces", json={"name": other}).status_code == 201
    try:
        prefix = f"/namespaces/{other}"
        group = f"{prefix}/subscriptions/{SUB}/resourcegroups/rg?api-version=2025-04-01"
        assert call(b, "PUT", group, json={"location": "westus"}).status_code == 201
        assert call(a, "GET", group).json()["location"] == "westus"
        unprefixed = f"/subscriptions/{SUB}/resourcegroups/rg?api-version=2025-04-01"
        assert call(a, "GET", unprefixed).status_code == 404  # the servers' own namespace
    finally:
        assert call(b, "DELETE", f"/sigctl/namespaces/{other}").ok
    gone = call(a, "GET", group)
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "NamespaceNotFound"
    never = call(b, "GET", "/namespaces/never-made/metadata/endpoints?api-version=2022-09-01")
    assert never.status_code == 404 and never.json()["error"]["code"] == "NamespaceNotFound"


def test_the_database_killed_mid_command(
    postgres: PostgresServer, namespace: str, tmp_path: Path
) -> None:
    """Writers keep going while the database is killed and started again: every request either
    lands or fails with a clear error, nothing is half-applied, and all works again after."""
    env = {"SIGCTL_DATABASE_URL": postgres.url(), "SIGCTL_NAMESPACE": namespace}
    cloud = ServedCloud(tmp_path / "server", env=env)
    try:
        group = f"/subscriptions/{SUB}/resourcegroups/rg?api-version=2025-04-01"
        assert call(cloud, "PUT", group, json={"location": "eastus2"}).ok
        assert call(cloud, "PUT", GALLERY, json={"location": "eastus2"}).ok
        landed: set[str] = set()
        refused: list[tuple[int, dict[str, Any]]] = []
        stop = threading.Event()

        def write(slot: int) -> None:
            n = 0
            while not stop.is_set():
                name = f"def{slot}x{n}"
                answer = call(cloud, "PUT", f"{GALLERY}/images/{name}", json=definition(name))
                if answer.status_code == 201:
                    landed.add(name)
                else:
                    refused.append((answer.status_code, answer.json()))
                n += 1

        threads = [threading.Thread(target=write, args=(slot,)) for slot in range(4)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        while len(landed) < 8 and time.monotonic() < deadline:
            time.sleep(0.01)
        postgres.kill()
        during = cloud.sigctl("sig", "list")  # a command while the database is away
        postgres.start()
        stop.set()
        for thread in threads:
            thread.join()

        assert during.returncode == 1 and during.stdout == ""
        assert during.stderr.startswith("ERROR: (StateDatabaseUnavailable) The state database")
        assert "(SIGCTL_DATABASE_URL) cannot be used" in during.stderr
        assert "Traceback" not in during.stderr
        assert refused, "no request met the outage"
        for status, error in refused:  # the server stays up and says why, naming the setting
            assert status == 503 and error["error"]["code"] == "StateDatabaseUnavailable", error
            assert error["error"]["message"].startswith(
                "The state database (SIGCTL_DATABASE_URL) cannot be used: "
            )
        # Every request that was answered with success landed; a request cut off mid-commit
        # landed whole or not at all, and the state holds together either way.
        listed = {d["name"] for d in call(cloud, "GET", f"{GALLERY}/images").json()["value"]}
        assert landed <= listed
        for name in listed - landed:
            assert call(cloud, "GET", f"{GALLERY}/images/{name}").ok
        check = cloud.sigctl("state", "check")
        assert check.returncode == 0, check.stdout + check.stderr
        # Works again: the server's connections were replaced, and a new command connects.
        assert call(cloud, "PUT", f"{GALLERY}/images/after", json=definition(999)).ok
        assert (
            cloud.sigctl(
                "sig", "image-definition", "show", "-g", "rg", "-r", "gal", "-i", "after"
            ).returncode
            == 0
        )
    finally:
        cloud.stop()


def test_a_serialisation_conflict_is_retried(
    postgres: PostgresServer, namespace: str, home: Path
) -> None:
    """A writer that does not queue on sigctl's lock (a hand-run SQL session) changes a
    document a transaction has read: the commit fails to serialise, and the work runs again on
    a fresh snapshot, so both changes land."""
    from sigctl.store.backends import open_backend
    from sigctl.store.postgres import path_of

    store = open_backend(home, postgres.url()).store(namespace, None)
    key = ("counter",)
    with store.transaction(write=True) as tx:
        tx.write(key, {"n": 0})
    runs = 0

    def increment() -> None:
        nonlocal runs
        runs += 1
        with store.transaction(write=True) as tx:
            n = tx.read(key)["n"]
            if runs == 1:
                with psycopg.connect(postgres.url(), autocommit=True) as other:
                    other.execute(
                        "UPDATE sigctl_documents SET document = '{\"n\":100}' "
                        "WHERE namespace = %s AND path = %s",
                        (namespace, path_of(key)),
                    )
            tx.write(key, {"n": n + 1})

    store.retrying(increment)
    assert runs == 2
    with store.transaction() as tx:
        assert tx.read(key) == {"n": 101}


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (lambda pg: pg.url(password="wrong"), 'password authentication failed for user "sigctl"'),
        (lambda pg: pg.url("no_such_database"), 'database "no_such_database" does not exist'),
        (lambda pg: f"postgresql://sigctl@127.0.0.1:{pg.port}/postgres", "no password supplied"),
    ],
    ids=["password", "database", "no-password"],
)
def test_bad_credentials_are_a_clear_error_naming_the_setting(
    postgres: PostgresServer,
    sigctl: Runner,
    monkeypatch: pytest.MonkeyPatch,
    url: Callable[[PostgresServer], str],
    reason: str,
) -> None:
    monkeypatch.setenv("SIGCTL_DATABASE_URL", url(postgres))
    result = sigctl("group list")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith(
        "ERROR: (StateDatabaseUnavailable) The state database (SIGCTL_DATABASE_URL) cannot be "
        "used: "
    )
    assert reason in result.stderr and "wrong" not in result.stderr.replace(reason, "")
    # In the configuration instead, the message names the key and its file.
    monkeypatch.delenv("SIGCTL_DATABASE_URL")
    assert sigctl(f"config set core.database_url={url(postgres)}").exit_code == 0
    result = sigctl("group list")
    assert result.exit_code == 1 and "(core.database_url (in '" in result.stderr
    assert "Traceback" not in result.stderr


def test_state_export_and_import_between_the_backends(
    ok: Callable[..., Any], postgres: PostgresServer, namespace: str, home: Path
) -> None:
    """Files -> PostgreSQL -> files: the same snapshot every time."""
    ok("group create -n rg -l eastus2 --tags team=a")
    ok("sig create -g rg -r gal --description shared")
    ok("sig image-definition create -g rg -r gal -i img -p contoso -f app -s one --os-type linux")
    ok("replication fault add --region westus2 --at 50")
    ok("replication clock set 2030-05-01T00:00:00Z")
    from_files = home / "from-files.json"
    ok(f"state export --file {from_files}")

    os.environ["SIGCTL_DATABASE_URL"] = postgres.url()
    os.environ["SIGCTL_NAMESPACE"] = namespace
    try:
        ok(f"state import {from_files} --yes")
        from_database = home / "from-database.json"
        ok(f"state export --file {from_database}")
        assert ok("sig show -g rg -r gal")["description"] == "shared"
    finally:
        del os.environ["SIGCTL_DATABASE_URL"], os.environ["SIGCTL_NAMESPACE"]
    assert from_database.read_bytes() == from_files.read_bytes()

    ok("state reset --yes")
    ok(f"state import {from_database} --yes")
    again = home / "again.json"
    ok(f"state export --file {again}")
    assert again.read_bytes() == from_files.read_bytes()


def test_an_older_schema_is_migrated(postgres: PostgresServer, home: Path) -> None:
    """A database a previous sigctl created (the schema as its first migration left it) is
    brought to the current version on first use, keeping its documents."""
    from sigctl.store import postgres_schema as backend_module
    from sigctl.store.backends import open_backend

    url = postgres.create_database(f"old_{uuid.uuid4().hex[:8]}")
    with psycopg.connect(url, autocommit=True) as conn:
        first = backend_module.MIGRATIONS[0]
        conn.execute(
            "CREATE TABLE sigctl_schema (version integer PRIMARY KEY, description text NOT NULL, "
            "applied timestamptz NOT NULL DEFAULT now())"
        )
        conn.execute(first[2])
        conn.execute("INSERT INTO sigctl_schema (version, description) VALUES (%s, %s)", first[:2])
        conn.execute(
            "INSERT INTO sigctl_documents (namespace, path, parent, schema_version, document) "
            "VALUES ('default', 'kept', '', 1, '{\"kept\":true}')"
        )
        conn.execute(
            "INSERT INTO sigctl_namespaces (name, created) VALUES ('job-1', '2026-01-02T03:04:05Z')"
        )
    store = open_backend(home, url).store("default", None)
    with store.transaction() as tx:
        assert tx.read(("kept",)) == {"kept": True}
    with psycopg.connect(url) as conn:
        versions = [row[0] for row in conn.execute("SELECT version FROM sigctl_schema ORDER BY 1")]
    assert versions == [number for number, _, _ in backend_module.MIGRATIONS] == [1, 2]
    assert versions[-1] == backend_module.SCHEMA
    # Version 2 records when a namespace last changed: until it does, when it was created.
    job = open_backend(home, url).namespace("job-1")
    assert job is not None and job.changed == job.created == 1767323045.0


def test_a_schema_from_a_newer_sigctl_is_refused(
    postgres: PostgresServer, sigctl: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sigctl.store import postgres_schema as backend_module

    url = postgres.create_database(f"new_{uuid.uuid4().hex[:8]}")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE sigctl_schema (version integer PRIMARY KEY, description text NOT NULL, "
            "applied timestamptz NOT NULL DEFAULT now())"
        )
        conn.execute(
            "INSERT INTO sigctl_schema VALUES (%s, 'from the future')", (backend_module.SCHEMA + 1,)
        )
    monkeypatch.setenv("SIGCTL_DATABASE_URL", url)
    result = sigctl("group list")
    assert result.exit_code == 1
    assert "(StateDatabaseTooNew) The state database (SIGCTL_DATABASE_URL) was migrated by a " in (
        result.stderr
    )
