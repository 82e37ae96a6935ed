"""No input, crash or damaged file may make the state unusable (or change it on a failure)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sigctl.errors import ArmError
from sigctl.provider.service import Provider
from sigctl.store import Store, files, journal
from tests.conftest import Runner, snapshot

SUB = "6b1a9c4e-2f3d-4e5a-8b7c-9d0e1f2a3b4c"
GALLERY_ID = f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Compute/galleries/gal1"
UPDATE = "sig update -g rg1 -r gal1 --set"


def subscription_dir(home: Path) -> Path:
    return home / "state" / "subscriptions" / SUB


INDEX = ("subscriptions", SUB, "index")


class Documents:
    """The state's documents edited behind sigctl's back (by hand, with an editor or psql), on
    whichever backend the test runs."""

    def __init__(self, home: Path) -> None:
        self.store = Provider(home).store
        self.url = os.environ.get("SIGCTL_DATABASE_URL")

    def location(self, key: tuple[str, ...]) -> str:
        return self.store.location(key)

    def read(self, key: tuple[str, ...]) -> Any:
        with self.store.transaction() as tx:
            return tx.read(key)

    def write(self, key: tuple[str, ...], document: Any) -> None:
        if self.url is None:
            path = Path(self.location(key))
            path.write_text(
                json.dumps({"schemaVersion": files.SCHEMA_VERSION, "document": document})
            )
            return
        self._sql("UPDATE sigctl_documents SET document = %s", key, json.dumps(document))

    def delete(self, key: tuple[str, ...]) -> None:
        if self.url is None:
            Path(self.location(key)).unlink()
            return
        self._sql("DELETE FROM sigctl_documents", key)

    def _sql(self, statement: str, key: tuple[str, ...], *values: Any) -> None:
        import psycopg

        from sigctl.store.postgres import path_of

        with psycopg.connect(self.url, autocommit=True) as conn:
            changed = conn.execute(
                statement + " WHERE namespace = %s AND path = %s",
                (*values, self.store.namespace, path_of(key)),
            ).rowcount
        assert changed == 1


@pytest.fixture
def documents(backend: str, home: Path) -> Documents:
    """(First among a test's fixtures, so the state it makes is on the test's backend.)"""
    return Documents(home)


def healthy(sigctl: Runner) -> None:
    result = sigctl("state check")
    assert result.exit_code == 0, result.stderr
    assert result.json == {"healthy": True, "problems": []}


# -- 1, 11: text that is not UTF-8, nesting too deep ----------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["sig", "update", "-g", "rg1", "-r", "gal1", "--set", "tags.x=\udcff"],
        ["group", "update", "-n", "rg1", "--set", "tags.x=a\udcff"],
        ["ad", "group", "create", "--display-name", "g", "--mail-nickname", "n\udcfe"],
        ["account", "tenant", "create", "--display-name", "\udcff", "--domain", "x.com"],
        ["sig", "show", "-g", "rg1", "-r", "gal\udcff"],  # a read, too
    ],
)
def test_arguments_that_are_not_utf8_are_refused_before_anything_runs(
    sigctl: Runner, gallery: Any, unchanged: Any, argv: list[str]
) -> None:
    with unchanged():
        result = sigctl(*argv)
    assert result.exit_code == 2
    assert "is not valid UTF-8 (bytes [F" in result.stderr and "\\xf" in result.stderr
    healthy(sigctl)


@pytest.mark.slow
def test_real_undecodable_bytes_in_argv_give_an_error_not_a_traceback(
    gallery: Any, home: Path
) -> None:
    before = snapshot(home)
    result = subprocess.run(
        [sys.executable, "-m", "sigctl", *UPDATE.split(), b"x=\xff"],
        capture_output=True,
        env={**os.environ, "PYTHONUTF8": "0"},
    )
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr and b"bytes [FF]" in result.stderr
    assert snapshot(home) == before


@pytest.mark.usefixtures("backend")
def test_the_service_refuses_bodies_it_could_not_read(
    gallery: Any, home: Path, unchanged: Any
) -> None:
    with unchanged():
        _refuse_unreadable_bodies(Provider(home))


def _refuse_unreadable_bodies(provider: Provider) -> None:
    body = {"location": "eastus2", "tags": {"x": "\udcff"}}
    with pytest.raises(ArmError) as bad_text:
        provider.put(GALLERY_ID, body)
    assert bad_text.value.code == "InvalidRequestContent"
    assert "Unable to translate bytes [FF] at index 0" in bad_text.value.message
    assert bad_text.value.target == "tags.x"
    deep: Any = "x"
    for _ in range(70):
        deep = [deep]
    with pytest.raises(ArmError) as too_deep:
        provider.put(GALLERY_ID, {"location": "eastus2", "properties": {"description": deep}})
    assert "MaxDepth of 64" in too_deep.value.message
    with pytest.raises(ArmError) as bad_id:
        provider.get(GALLERY_ID + "\udcff")
    assert bad_id.value.code == "InvalidResourceId"


def test_the_store_refuses_what_it_cannot_write_before_its_journal(tmp_path: Path) -> None:
    store = Store(tmp_path / "state")
    with store.transaction(write=True) as tx:
        tx.write(("a",), {"v": 1})
    before = snapshot(tmp_path)
    deep: Any = 1
    for _ in range(files.MAX_DEPTH + 1):
        deep = [deep]
    for document in ({"v": "\udcff"}, {"v": deep}):
        with pytest.raises(ArmError) as refused, store.transaction(write=True) as tx:
            tx.write(("a",), {"v": 2})
            tx.write(("b",), document)
        assert refused.value.code == "InvalidRequestContent"
        assert snapshot(tmp_path) == before  # no journal, nothing applied
    with store.transaction() as tx:
        assert tx.read(("a",)) == {"v": 1}


@pytest.mark.usefixtures("backend")
def test_json_nested_beyond_what_python_reads_is_a_clean_error(
    sigctl: Runner, gallery: Any, unchanged: Any
) -> None:
    with unchanged():
        result = sigctl(*UPDATE.split(), "tags.x=" + "[" * 5000)
    assert result.exit_code == 1 and "nested too deeply" in result.stderr
    with unchanged():
        deep = sigctl(*UPDATE.split(), "description=" + "[" * 70 + "]" * 70)
    assert deep.exit_code == 1 and "MaxDepth of 64" in deep.stderr


# -- 2: names of any valid length ----------------------------------------------------------------


def test_a_valid_name_never_makes_a_file_name_too_long(sigctl: Runner, ok: Any, home: Path) -> None:
    group = "(" * 90  # a valid resource group name, 270 characters once escaped
    ok("group", "create", "-n", group, "-l", "eastus2")
    ok("source", "create", "managed-image", "-g", group, "-n", "i" * 80, "--os-type", "Linux")
    assert ok("source", "list", "-g", group, "--query", "[].name") == ["i" * 80]
    assert ok("source", "show", "managed-image", "-g", group, "-n", "i" * 80, "--query", "name")
    assert all(len(p.name) <= 255 for p in (home / "state").rglob("*"))
    healthy(sigctl)
    ok("group", "delete", "-n", group, "--yes")
    assert ok("group list") == []
    healthy(sigctl)


@pytest.mark.usefixtures("backend")
def test_source_names_follow_azures_rules(sigctl: Runner, ok: Any, unchanged: Any) -> None:
    ok("group create -n rg1 -l eastus2")
    with unchanged():
        for name in ("i" * 81, "img-", "img.", "a/b", "é!"):
            result = sigctl("source", "create", "disk", "-g", "rg1", "-n", name)
            assert result.exit_code == 1 and "is invalid" in result.stderr, name
        assert sigctl("source", "create", "vm", "-g", "rg1", "-n", "v" * 65).exit_code == 1


def test_long_key_parts_are_stored_under_bounded_names_and_read_back(tmp_path: Path) -> None:
    store = Store(tmp_path / "state")
    long = "ü" * 300 + "/.."
    with store.transaction(write=True) as tx:
        tx.write(("dir", long, "doc"), {"v": 1})
        tx.write(("dir", long), {"v": 2})
    assert all(len(p.name) <= 130 for p in store.root.rglob("*"))
    with store.transaction() as tx:
        assert tx.children(("dir",)) == [long]
        assert tx.children(("dir", long)) == ["doc"]
        assert tx.all_keys() == [("dir", long), ("dir", long, "doc")]
        assert tx.read(("dir", long, "doc")) == {"v": 1}


# -- 3: a failure after the journal is undone before the command returns ------------------------


def _failing_write(monkeypatch: pytest.MonkeyPatch, target: str, error: BaseException) -> None:
    """Make the commit's first write of `target` fail (the others, the journal and the undo
    succeed), as a disk that fills up, or a Ctrl-C, at that moment would."""
    real = files.write_atomically
    failed: list[Path] = []

    def write(path: Path, data: bytes, scratch: Path | None = None) -> None:
        if path.name == target and not failed:
            failed.append(path)
            raise error
        real(path, data, scratch)

    monkeypatch.setattr(files, "write_atomically", write)


def test_a_commit_that_fails_midway_is_rolled_back_and_said_so(
    sigctl: Runner, gallery: Any, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(home)
    # A definition writes its own document first, then the gallery's, then the index.
    _failing_write(monkeypatch, "index.json", OSError(28, "No space left on device", "index.json"))
    result = sigctl(
        "sig image-definition create -g rg1 -r gal1 -i def1 -p P -f O -s S --os-type linux"
    )
    assert result.exit_code == 1
    assert (
        "(StateWriteFailed) The change was not saved: 'index.json': No space left" in result.stderr
    )
    assert "The state is as it was before the command." in result.stderr
    assert {k: v for k, v in snapshot(home).items() if ".tmp" not in k} == before
    assert sigctl("sig image-definition list -g rg1 -r gal1").json == []
    healthy(sigctl)


def test_an_interrupted_commit_is_rolled_back_too(
    gallery: Any, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(home / "state")
    before = snapshot(home)
    _failing_write(monkeypatch, "b.json", KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt), store.transaction(write=True) as tx:
        tx.write(("a",), {"v": 1})
        tx.write(("b",), {"v": 2})
    assert {k: v for k, v in snapshot(home).items() if ".tmp" not in k} == before


def test_a_rollback_cut_short_is_finished_by_the_next_command_never_redone(
    sigctl: Runner, gallery: Any, home: Path
) -> None:
    state = home / "state"
    index = subscription_dir(home) / "index.json"
    old = index.read_bytes()
    new_gallery = subscription_dir(home) / "galleries" / "gal2.json"
    # What a process leaves when it dies while undoing: the rollback journal, and one write
    # (the index) already applied.
    entries = [
        journal.Entry(str(new_gallery.relative_to(state)), b"{}", None),
        journal.Entry(str(index.relative_to(state)), b"{}", old),
    ]
    (state / journal.ROLLBACK).write_bytes(journal.encode(entries))
    index.write_text("{}")
    assert sigctl("sig list --query [].name").json == ["gal1"]
    assert index.read_bytes() == old and not new_gallery.exists()
    assert not (state / journal.ROLLBACK).exists()


def test_a_journal_that_cannot_be_completed_is_a_clear_error_for_every_command(
    sigctl: Runner, gallery: Any, home: Path
) -> None:
    state = home / "state"
    blocker = state / "blocker"
    blocker.write_text("a file where a folder is needed")
    entry = journal.Entry("blocker/x.json", b"{}", None)
    (state / journal.JOURNAL).write_bytes(journal.encode([entry]))
    for command in ("sig list", "group list", "state export"):
        result = sigctl(command)
        assert result.exit_code == 1, command
        assert (
            "(StateFileUnreadable)" in result.stderr
            and str(state / ".journal.json") in result.stderr
        )
        assert "could not be completed" in result.stderr and "fix the cause" in result.stderr
    blocker.unlink()
    assert sigctl("sig list --query [].name").json == ["gal1"]


# -- 4: tag names ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("backend")
def test_set_matches_tag_names_case_insensitively_but_keeps_underscores(
    ok: Any, gallery: Any
) -> None:
    ok("sig update -g rg1 -r gal1 --set tags.build_id=1")
    assert ok("sig update -g rg1 -r gal1 --set tags.buildid=2 --query tags") == {
        "build_id": "1",
        "buildid": "2",
    }
    assert ok("sig update -g rg1 -r gal1 --set tags.BUILD_ID=3 --query tags") == {
        "build_id": "3",
        "buildid": "2",
    }
    assert ok("sig update -g rg1 -r gal1 --remove tags.BuildId --query tags") == {"build_id": "3"}


# -- 5: the login file ------------------------------------------------------------------------------


def test_a_damaged_login_is_refused_never_taken_for_the_owner(
    sigctl: Runner, ok: Any, gallery: Any, home: Path
) -> None:
    ok("ad user create --display-name ada --user-principal-name ada@sigctl.onmicrosoft.com")
    ok(f"role assignment create --assignee ada --role Reader --scope {GALLERY_ID}")
    ok("login --as ada")
    assert sigctl("sig update -g rg1 -r gal1 --set tags.a=b").exit_code == 1  # a Reader
    profile = home / "profile.json"
    for damage in (profile.read_bytes()[:10], b'{"principal": 5}', b"[]"):
        profile.write_bytes(damage)
        result = sigctl("sig update -g rg1 -r gal1 --set tags.a=b")
        assert result.exit_code == 1 and str(profile) in result.stderr
        assert "sigctl login --as NAME" in result.stderr
    assert sigctl("account set --subscription sigctl-subscription").exit_code == 1
    ok("login --as ada")  # replaces it
    assert ok("account show")["user"]["name"] == "ada@sigctl.onmicrosoft.com"
    profile.write_text("{")
    ok("logout")
    assert ok("account show")["user"]["name"] == "user@sigctl.onmicrosoft.com"


# -- 6, 10: journals and files edited by hand -------------------------------------------------------


def test_a_planted_journal_cannot_touch_anything_outside_the_state(
    sigctl: Runner, gallery: Any, home: Path, tmp_path: Path
) -> None:
    state = home / "state"
    outside = tmp_path / "outside.json"
    outside.write_text("keep")
    (state / "linked").symlink_to(tmp_path)
    for writes in (
        [["../../x.json", {"a": 1}]],
        [[str(outside), None]],
        [["linked/outside.json", None]],
        [["subscriptions/../../../x.json", None]],
    ):
        (state / journal.JOURNAL).write_text(json.dumps({"schemaVersion": 2, "writes": writes}))
        result = sigctl("group list")
        assert (
            result.exit_code == 1 and "not a document of the state folder" in result.stderr
        ) or ("leads out of the state folder" in result.stderr), writes
        assert outside.read_text() == "keep" and not (home.parent / "x.json").exists()
    repaired = sigctl("state repair")
    assert repaired.exit_code == 1  # the symbolic link is not sigctl's: left for a person
    assert [p["location"] for p in repaired.json["repaired"]] == [str(state / ".journal.json")]
    assert list(home.glob("journal.json.*.damaged"))
    (state / "linked").unlink()
    healthy(sigctl)


@pytest.mark.parametrize(
    "journal_text,reason",
    [
        ({"journal": 2, "writes": 5, "undo": []}, "are not matching lists"),
        ({"schemaVersion": 2, "writes": "x"}, "is not a list of [path, document]"),
        ({"journal": 99, "writes": [], "undo": []}, "newer sigctl (journal format 99)"),
        ({"schemaVersion": 99, "writes": []}, "newer sigctl (schema 99)"),
        ("[1, 2", "not valid JSON"),
    ],
)
def test_a_damaged_journal_is_refused_by_name(
    sigctl: Runner, gallery: Any, home: Path, journal_text: Any, reason: str
) -> None:
    path = home / "state" / journal.JOURNAL
    text = journal_text if isinstance(journal_text, str) else json.dumps(journal_text)
    path.write_text(text)
    result = sigctl("sig list")
    assert result.exit_code == 1 and str(path) in result.stderr and reason in result.stderr
    assert path.read_text() == text
    assert sigctl("state repair").exit_code == 0
    assert sigctl("sig list --query [].name").json == ["gal1"]


def test_an_index_entry_of_the_wrong_shape_is_refused_by_name(
    documents: Documents, sigctl: Runner, gallery: Any
) -> None:
    index = documents.read(INDEX)
    index["galleries"]["gal1"] = 5
    documents.write(INDEX, index)
    where = documents.location(INDEX)
    for command in ("sig list", "group list", "state export"):
        result = sigctl(command)
        assert result.exit_code == 1 and "does not hold what sigctl stores there" in result.stderr
        assert where in result.stderr and "unexpected" not in result.stderr
    check = sigctl("state check")
    assert check.exit_code == 1 and check.json["problems"][0]["location"] == where


# -- 7, 8: roles ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("backend")
def test_reading_sources_takes_a_role(sigctl: Runner, ok: Any, gallery: Any) -> None:
    ok("source create managed-image -g rg1 -n img --os-type linux")
    ok("ad user create --display-name ada --user-principal-name ada@sigctl.onmicrosoft.com")
    denied = sigctl("source show managed-image -g rg1 -n img --as ada")
    assert denied.exit_code == 1 and "AuthorizationFailed" in denied.stderr
    missing = sigctl("source show managed-image -g rg1 -n nothing --as ada")
    assert missing.exit_code == 1 and "AuthorizationFailed" in missing.stderr
    assert ok("source list --as ada") == []
    ok("role assignment create --assignee ada --role Reader -g rg1")
    assert ok("source show managed-image -g rg1 -n img --as ada --query name") == "img"
    assert ok("source list --as ada --query [].name") == ["img"]


@pytest.mark.usefixtures("backend")
@pytest.mark.parametrize(
    "scope",
    [
        f"/subscriptions/{SUB}/resourceGroups/rg1/../../x/y",
        f"/subscriptions/{SUB}/resourceGroups/rg1/./providers",
        f"/subscriptions/{SUB}//resourceGroups/rg1",
        f"/subscriptions/{SUB}/resourceGroups",
        f"/subscriptions/{SUB}/resourceGroups/ rg1",
    ],
)
def test_role_assignment_scopes_are_checked_before_they_are_stored(
    sigctl: Runner, ok: Any, gallery: Any, unchanged: Any, scope: str
) -> None:
    ok("ad user create --display-name ada --user-principal-name ada@sigctl.onmicrosoft.com")
    with unchanged():
        result = sigctl(
            "role",
            "assignment",
            "create",
            "--assignee",
            "ada",
            "--role",
            "Reader",
            "--scope",
            scope,
        )
    assert result.exit_code == 1 and "(InvalidScope)" in result.stderr


@pytest.mark.usefixtures("backend")
def test_a_trailing_slash_is_not_part_of_a_stored_scope(ok: Any, gallery: Any) -> None:
    ok("ad user create --display-name ada --user-principal-name ada@sigctl.onmicrosoft.com")
    created = ok(f"role assignment create --assignee ada --role Reader --scope {GALLERY_ID}/")
    assert created["scope"] == GALLERY_ID


# -- 9: lost documents and indexes ------------------------------------------------------------------


@pytest.fixture
def versioned(ok: Any, gallery: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGCTL_REPLICATION_SPEED", "instant")
    ok(
        "sig image-definition create -g rg1 -r gal1 -i def1 -p P -f O -s S --os-type linux --only-show-errors"
    )
    ok("source create managed-image -g rg1 -n img --os-type linux")
    ok(
        "sig image-version create -g rg1 -r gal1 -i def1 -e 1.0.0 --managed-image img --only-show-errors"
    )


def test_a_deleted_index_is_noticed_and_rebuilt(
    documents: Documents, sigctl: Runner, ok: Any, versioned: None
) -> None:
    original = documents.read(INDEX)
    documents.delete(INDEX)
    where = documents.location(INDEX)
    for command in ("group list", "sig list", "group create -n rg1 -l eastus2"):
        result = sigctl(command)
        assert result.exit_code == 1 and where in result.stderr, command
        assert "it is missing, but the subscription still holds" in result.stderr
    check = sigctl("state check")
    assert check.exit_code == 1
    assert [p["location"] for p in check.json["problems"]] == [where]
    repaired = sigctl("state repair")
    assert repaired.exit_code == 0 and repaired.json["healthy"]
    rebuilt = documents.read(INDEX)
    assert rebuilt["galleries"] == original["galleries"] and rebuilt["usage"] == original["usage"]
    assert rebuilt["resourceGroups"]["rg1"]["location"] == "eastus2"  # tags are lost
    assert ok("sig image-version list -g rg1 -r gal1 -i def1 --query [].name") == ["1.0.0"]


def test_a_recreated_definition_does_not_adopt_old_versions(
    sigctl: Runner, versioned: None, home: Path, unchanged: Any
) -> None:
    definition = subscription_dir(home) / "galleries" / "gal1" / "images" / "def1.json"
    definition.unlink()
    create = "sig image-definition create -g rg1 -r gal1 -i def1 -p P -f O -s S2 --os-type linux"
    with unchanged():
        result = sigctl(create)
    assert result.exit_code == 1 and str(definition) in result.stderr
    check = sigctl("state check")
    problems = {p["location"]: p for p in check.json["problems"]}
    version = str(definition.parent / "def1" / "versions" / "1.0.0.json")
    assert problems[version]["repair"] is None and "is missing" in problems[version]["problem"]
    assert any("usage counts" in p["problem"] for p in problems.values())
    repaired = sigctl("state repair")
    assert repaired.exit_code == 1  # the orphaned version is data: a person decides
    assert [p["location"] for p in repaired.json["problems"]] == [version]
    assert "delete" in repaired.json["problems"][0]["advice"]
    import shutil

    shutil.rmtree(definition.parent)  # the definition's folder, and the now empty images/
    healthy(sigctl)
    assert sigctl(create).exit_code == 0


def test_a_deleted_gallery_document_is_not_a_silent_404(
    documents: Documents, sigctl: Runner, versioned: None
) -> None:
    key = ("subscriptions", SUB, "galleries", "gal1")
    documents.delete(key)
    for command in ("sig show -g rg1 -r gal1", "sig list", "sig create -g rg1 -r gal1"):
        result = sigctl(command)
        assert result.exit_code == 1 and documents.location(key) in result.stderr, command


def test_wrong_usage_counts_are_reported_and_recounted(
    documents: Documents, sigctl: Runner, versioned: None
) -> None:
    index = documents.read(INDEX)
    index["usage"] = {"eastus2": {"images": 7}}
    documents.write(INDEX, index)
    check = sigctl("state check")
    assert check.exit_code == 1 and "usage counts" in check.json["problems"][0]["problem"]
    assert "ERROR: " + documents.location(INDEX) in check.stderr
    assert "will count them again" in check.stderr
    assert sigctl("state repair").exit_code == 0
    assert documents.read(INDEX)["usage"] == {"eastus2": {"images": 1, "versions": 1}}
    healthy(sigctl)


# -- 12: leftovers and folder modes ------------------------------------------------------------------


def test_temporary_files_of_killed_processes_do_not_stay(
    sigctl: Runner, ok: Any, gallery: Any, home: Path
) -> None:
    state = home / "state"
    old_style = subscription_dir(home) / ".index.json.4242.tmp"
    old_style.write_text("half")
    scratch = state / journal.SCRATCH
    scratch.mkdir(exist_ok=True)
    (scratch / ".gal1.json.4243.tmp").write_text("half")
    check = sigctl("state check")
    assert check.exit_code == 1 and [p["location"] for p in check.json["problems"]] == [
        str(old_style)
    ]
    assert not list(scratch.iterdir())  # the scratch folder is emptied by any writer
    assert sigctl("state repair").exit_code == 0 and not old_style.exists()
    healthy(sigctl)


@pytest.mark.slow
def test_a_new_home_and_its_parents_are_private_whatever_the_umask(tmp_path: Path) -> None:
    home = tmp_path / "a" / "b" / "home"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, sys; os.umask(0); from sigctl.cli.main import run; "
            "sys.exit(run(['group', 'create', '-n', 'rg', '-l', 'eastus2', '-o', 'none']))",
        ],
        env={**os.environ, "SIGCTL_HOME": str(home)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    for folder in (tmp_path / "a", tmp_path / "a" / "b", home, home / "state"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


# -- 13: tag limits -----------------------------------------------------------------------------------


@pytest.mark.usefixtures("backend")
def test_azures_tag_limits(sigctl: Runner, ok: Any, gallery: Any, unchanged: Any) -> None:
    fifty = json.dumps({f"t{i}": "v" for i in range(49)} | {"n" * 512: "v" * 256})
    ok("sig", "update", "-g", "rg1", "-r", "gal1", "--set", f"tags={fifty}")
    with unchanged():
        for argv, code in (
            (["--set", "tags.t50=v"], "InvalidTags"),
            (["--set", json.dumps({"n" * 513: "v"}).join(("tags=", ""))], "InvalidTagNameLength"),
            (["--set", f"tags.t0={'v' * 257}"], "InvalidTagValueLength"),
        ):
            result = sigctl("sig", "update", "-g", "rg1", "-r", "gal1", *argv)
            assert result.exit_code == 1 and f"({code})" in result.stderr, code
        group = sigctl(
            "group",
            "create",
            "-n",
            "rg2",
            "-l",
            "eastus2",
            "--tags",
            *(f"t{i}=v" for i in range(51)),
        )
        assert group.exit_code == 1 and "(InvalidTags)" in group.stderr


# -- state check and repair ---------------------------------------------------------------------------


def test_check_on_a_fresh_home_creates_nothing(sigctl: Runner, home: Path) -> None:
    healthy(sigctl)
    assert not home.exists()


def test_check_prints_a_table_and_repair_names_what_it_refuses(
    sigctl: Runner, gallery: Any, home: Path
) -> None:
    broken = subscription_dir(home) / "galleries" / "gal1.json"
    broken.write_text("{truncated")
    table = sigctl("state check -o table")
    assert table.exit_code == 1 and "Location" in table.stdout and "not valid JSON" in table.stdout
    repaired = sigctl("state repair")
    assert repaired.exit_code == 1 and broken.read_text() == "{truncated"
    locations = [p["location"] for p in repaired.json["problems"]]
    assert str(broken) in locations
    assert "restore it from a copy" in repaired.stderr


@pytest.mark.usefixtures("backend")
def test_a_snapshot_that_would_leave_a_damaged_state_is_refused_whole(
    sigctl: Runner, ok: Any, gallery: Any, tmp_path: Path, unchanged: Any
) -> None:
    snapshot_file = tmp_path / "state.json"
    ok(f"state export --file {snapshot_file}")
    exported = json.loads(snapshot_file.read_text())
    index = f"subscriptions/{SUB}/index"
    for damage, reason in (
        ({index: {"galleries": 5}}, f"'{index}' is not a document sigctl stores, or not of its"),
        ({"no/such/kind": {}}, "'no/such/kind' is not a document sigctl stores"),
        ({index: None}, "do not agree"),
    ):
        documents = {**exported["documents"], **damage}
        documents = {k: v for k, v in documents.items() if v is not None}
        snapshot_file.write_text(json.dumps({**exported, "documents": documents}))
        with unchanged():
            result = sigctl(f"state import {snapshot_file} --yes")
        assert result.exit_code == 1 and "(InvalidSnapshot)" in result.stderr
        assert reason in result.stderr, result.stderr
    healthy(sigctl)


def test_accounts_whose_references_do_not_agree_are_refused_by_name(
    sigctl: Runner, ok: Any, home: Path
) -> None:
    ok("account tenant create --display-name Other --domain other.com")
    accounts = home / "state" / "accounts.json"
    wrapped = json.loads(accounts.read_text())
    wrapped["document"]["defaultSubscription"] = "no-such-subscription"
    accounts.write_text(json.dumps(wrapped))
    for command in ("group list", "account show", "state export"):
        result = sigctl(command)
        assert result.exit_code == 1 and str(accounts) in result.stderr, command


def test_a_custom_wait_condition_that_is_not_jmespath_is_a_clean_error(
    sigctl: Runner, gallery: Any
) -> None:
    bad = sigctl("sig", "wait", "-g", "rg1", "-r", "gal1", "--custom", "x=y=z")
    assert bad.exit_code == 2 and "argument --custom: invalid jmespath_type value" in bad.stderr
    wrong = sigctl("sig", "wait", "-g", "rg1", "-r", "gal1", "--custom", "abs(name)")
    assert wrong.exit_code == 1 and "cannot be evaluated" in wrong.stderr


@pytest.mark.parametrize("option", ["--query", "--custom"])
def test_an_expression_nested_beyond_the_parser_is_refused_as_usage(
    sigctl: Runner, gallery: Any, option: str
) -> None:
    result = sigctl("sig", "wait", "-g", "rg1", "-r", "gal1", "--created", option, "[" * 3000)
    assert result.exit_code == 2 and f"argument {option}: invalid jmespath_type" in result.stderr


def test_every_kind_of_resource_is_a_document_state_check_knows(
    sigctl: Runner, ok: Any, gallery: Any, home: Path
) -> None:
    """`state check` knows the shape of everything sigctl stores, so none of it is reported
    as a stray file (or refused on read)."""
    ok("identity create -g rg1 -n id1 --tags a=b")
    ok("group create -n rg2 -l westus2")
    ok("disk-encryption-set create -g rg2 -n des2 --key-url https://v.vault.azure.net/keys/k/2")
    ok("disk-encryption-set create -g rg1 -n des1 --key-url https://v.vault.azure.net/keys/k/1")
    ok("sig gallery-application create -g rg1 --gallery-name gal1 -n app1 --os-type linux")
    ok(
        "sig gallery-application version create -g rg1 --gallery-name gal1 --application-name app1 "
        "-n 1.0.0 --package-file-link https://contoso.blob.core.windows.net/p/app.zip "
        "--install-command install --remove-command remove"
    )
    ok(
        "sig in-vm-access-control-profile create -g rg1 --gallery-name gal1 -n acp1 --os-type Linux --applicable-host-endpoint WireServer"
    )
    ok(
        "sig in-vm-access-control-profile-version create -g rg1 --gallery-name gal1 "
        "--profile-name acp1 --profile-version 1.0.0 --mode Audit --default-access Allow"
    )
    healthy(sigctl)
    # An index rebuilt from these documents alone records the group they are in.
    (subscription_dir(home) / "index.json").unlink()
    assert sigctl("state repair").exit_code == 0
    healthy(sigctl)
    assert ok("group show -n rg2 --query location") == "westus2"


@pytest.mark.parametrize(
    "command",
    [
        ["group", "show", "-n", " "],
        ["group", "update", "--resource-group", " ", "--tags", "a=b"],
        ["sig", "image-version", "show", "-g", "rg1", "-r", "gal1", "-i", "def1", "-e", "\t\n"],
        [
            "replication",
            "wait",
            "-g",
            "rg1",
            "-r",
            "gal1",
            "-i",
            "def1",
            "-e",
            " ",
            "--timeout",
            "1",
        ],
    ],
)
def test_a_name_of_blanks_is_a_name_that_is_not_found(
    sigctl: Runner, gallery: Any, command: list[str]
) -> None:
    """A request's path is taken as sent: a blank name is not trimmed into the collection."""
    result = sigctl(*command)
    assert result.exit_code == 3, result.stderr
    assert "NotFound" in result.stderr and "unexpected" not in result.stderr


def test_serve_on_an_address_it_cannot_use_changes_nothing(sigctl: Runner, home: Path) -> None:
    result = sigctl("serve", "--host", "[[[", "--port", "0")
    assert result.exit_code == 1 and result.stderr.startswith("ERROR: Cannot serve on")
    assert not (home / "tls").exists()
