"""Namespaces: isolated clouds inside one state, on both backends (conftest's `backend`).

On the file backend the test runs in the default namespace of its own SIGCTL_HOME; on
PostgreSQL in a namespace of its own in the session's database, beside other tests' namespaces,
so every name a test creates here is unique to it.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Runner

pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture
def other(sigctl: Runner) -> Iterator[str]:
    """A second namespace, deleted afterwards."""
    name = f"other-{uuid.uuid4().hex[:8]}"
    assert sigctl(f"namespace create {name}").exit_code == 0
    yield name
    sigctl(f"namespace delete {name} --yes")


def inside(name: str, run: Callable[..., Any], command: str) -> Any:
    """Run `command` with SIGCTL_NAMESPACE=name, then go back to the test's namespace."""
    before = os.environ.get("SIGCTL_NAMESPACE")
    os.environ["SIGCTL_NAMESPACE"] = name
    try:
        return run(command)
    finally:
        if before is None:
            del os.environ["SIGCTL_NAMESPACE"]
        else:
            os.environ["SIGCTL_NAMESPACE"] = before


def test_resources_clock_and_faults_stay_in_their_namespace(
    ok: Callable[..., Any], other: str
) -> None:
    ok("group create -n rg1 -l eastus2")
    ok("sig create -g rg1 -r gal1")
    ok("replication clock set 2030-01-01T00:00:00Z")
    ok("replication clock advance 5h")
    ok("replication fault add --region westus2 --at 50")

    assert inside(other, ok, "group list") == []
    assert inside(other, ok, "sig list") == []
    assert inside(other, ok, "replication fault list") == []
    clock = inside(other, ok, "replication clock show")
    assert clock["mode"] == "running" and clock["offsetSeconds"] == 0

    # What the other namespace does leaves this one alone too.
    inside(other, ok, "replication clock set 2020-06-01T00:00:00Z")
    inside(other, ok, "group create -n rg1 -l westus")
    assert ok("replication clock show")["now"].startswith("2030-01-01T05:00:00")
    assert [g["location"] for g in ok("group list")] == ["eastus2"]
    assert len(ok("replication fault list")) == 1


def test_settings_apply_inside_the_namespace_only(ok: Callable[..., Any], sigctl: Runner) -> None:
    name = f"small-{uuid.uuid4().hex[:8]}"
    created = ok(f"namespace create {name} --settings limits.galleries=1")
    assert created["settings"] == {"limits.galleries": 1}
    assert created["resourceManager"] == f"/namespaces/{name}/"
    try:
        inside(name, ok, "group create -n rg1 -l eastus2")
        inside(name, ok, "sig create -g rg1 -r gal1")
        refused = inside(name, sigctl, "sig create -g rg1 -r gal2")
        assert refused.exit_code == 1 and "ERROR:" in refused.stderr
        ok("group create -n rg1 -l eastus2")  # the test's own namespace keeps its limit
        ok("sig create -g rg1 -r gal1")
        ok("sig create -g rg1 -r gal2")
        # An empty value gives the configured limit back.
        ok(f"namespace update {name} --settings limits.galleries=")
        inside(name, ok, "sig create -g rg1 -r gal2")
    finally:
        ok(f"namespace delete {name} --yes")


def test_reset_empties_a_namespace_and_keeps_its_settings(ok: Callable[..., Any]) -> None:
    name = f"reset-{uuid.uuid4().hex[:8]}"
    ok(f"namespace create {name} --settings limits.galleries=5")
    try:
        inside(name, ok, "group create -n rg1 -l eastus2")
        assert ok(f"namespace reset {name} --yes")["settings"] == {"limits.galleries": 5}
        assert inside(name, ok, "group list") == []
    finally:
        ok(f"namespace delete {name} --yes")


def test_a_deleted_namespace_is_gone_with_everything_in_it(
    ok: Callable[..., Any], sigctl: Runner
) -> None:
    name = f"gone-{uuid.uuid4().hex[:8]}"
    ok(f"namespace create {name}")
    inside(name, ok, "group create -n rg1 -l eastus2")
    ok(f"namespace delete {name} --yes")
    assert name not in [n["name"] for n in ok("namespace list")]
    missing = inside(name, sigctl, "group list")
    assert missing.exit_code == 3
    assert f"(NamespaceNotFound) The namespace '{name}' does not exist." in missing.stderr
    ok(f"namespace create {name}")  # the name is free again, and the namespace empty
    try:
        assert inside(name, ok, "group list") == []
    finally:
        ok(f"namespace delete {name} --yes")


@pytest.mark.parametrize(
    ("command", "exit_code", "message"),
    [
        ("namespace create Bad_Name", 1, "(InvalidNamespaceName) 'Bad_Name' is not a valid"),
        ("namespace create -x", 2, ""),
        ("namespace delete default --yes", 1, "(CannotDeleteDefaultNamespace)"),
        ("namespace show no-such-namespace", 3, "(NamespaceNotFound)"),
        ("namespace list --older-than soon", 1, "(InvalidDuration) 'soon' is not a duration"),
        ("namespace list --older-than=-1d", 1, "(InvalidDuration) '-1d' is negative"),
        ("namespace update default", 2, "give at least one --settings"),
        ("namespace create x1 --settings limits.galleries=many", 1, "limits.galleries"),
        ("namespace create x1 --settings nothing", 2, "'nothing' is not KEY=VALUE"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    sigctl: Runner, unchanged: Any, command: str, exit_code: int, message: str
) -> None:
    with unchanged():
        result = sigctl(command)
    assert result.exit_code == exit_code, result.stderr
    assert result.stderr.startswith("ERROR:") and message in result.stderr
    assert "Traceback" not in result.stderr


def age(backend: str, home: Path, name: str, days: float) -> None:
    """Make namespace `name` look created and last changed `days` ago, as an abandoned one."""
    seconds = days * 86400
    if backend == "files":
        folder = home / "namespaces" / name
        record = folder / "namespace.json"
        data = json.loads(record.read_text())
        data["created"] -= seconds
        record.write_text(json.dumps(data))
        if (folder / "state").exists():
            then = (folder / "state").stat().st_mtime - seconds
            os.utime(folder / "state", (then, then))
        return
    import psycopg

    with psycopg.connect(os.environ["SIGCTL_DATABASE_URL"], autocommit=True) as conn:
        conn.execute(
            "UPDATE sigctl_namespaces SET created = created - make_interval(secs => %s), "
            "changed = changed - make_interval(secs => %s) WHERE name = %s",
            (seconds, seconds, name),
        )


def test_list_older_than_finds_abandoned_namespaces(
    ok: Callable[..., Any], backend: str, home: Path
) -> None:
    tag = uuid.uuid4().hex[:8]
    old, used, recent = f"old-{tag}", f"used-{tag}", f"recent-{tag}"
    for name in (old, used, recent):
        ok(f"namespace create {name}")
        inside(name, ok, "group create -n rg -l eastus2")
        age(backend, home, name, 2 if name != recent else 0)
    try:
        # A namespace made long ago but changed since is in use, not abandoned.
        inside(used, ok, "sig create -g rg -r gal")
        shown = ok(f"namespace show {used}")
        assert shown["changed"] > shown["created"]
        found = ok("namespace list --older-than 1d --query [].name")
        assert old in found and used not in found and recent not in found
        assert "default" not in found
        assert {old, used, recent} <= set(ok("namespace list --older-than 0s --query [].name"))
        # The recipe of docs/shared-cloud.md: delete what the list names.
        for name in (n for n in found if n.endswith(tag)):
            ok(f"namespace delete {name} --yes")
        names = ok("namespace list --query [].name")
        assert old not in names and recent in names and "default" in names
    finally:
        for name in (used, recent):
            ok(f"namespace delete {name} --yes")
