"""The state store: atomic commits and isolation on both backends; the file backend's redo
journal, schema checks and privacy."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sigctl.errors import ArmError
from sigctl.store import Store, files
from sigctl.store.transaction import JOURNAL


@pytest.fixture
def store(backend: str, home: Path) -> Any:
    """The store of the test's namespace, on each backend (conftest's `backend`)."""
    from sigctl.store.backends import configured

    found, namespace = configured(home)
    return found.store(namespace, None)


@pytest.fixture
def file_store(home: Path) -> Store:
    return Store(home / "state")


def tamper(store: Any, key: tuple[str, ...], document: Any, version: int | None = None) -> str:
    """Replace a stored document behind the store's back (a person editing the state); returns
    what a message about it names."""
    wrapped = {"schemaVersion": version or files.SCHEMA_VERSION, "document": document}
    if isinstance(store, Store):
        store.path_of(key).write_text(json.dumps(wrapped))
        return str(store.path_of(key))
    import psycopg

    from sigctl.store.postgres import path_of

    with psycopg.connect(store.database.url, autocommit=True) as conn:
        conn.execute(
            "UPDATE sigctl_documents SET schema_version = %s, document = %s "
            "WHERE namespace = %s AND path = %s",
            (wrapped["schemaVersion"], json.dumps(document), store.namespace, path_of(key)),
        )
    return store.location(key)


def test_write_then_read_back_in_a_new_transaction(store: Store) -> None:
    with store.transaction(write=True) as tx:
        tx.write(("a", "b"), {"x": 1})
        assert tx.read(("a", "b")) == {"x": 1}
    with store.transaction() as tx:
        assert tx.read(("a", "b")) == {"x": 1}
        assert tx.read(("a", "missing")) is None


def test_a_failed_transaction_writes_nothing(store: Store) -> None:
    with store.transaction(write=True) as tx:
        tx.write(("keep",), {"v": 1})
    with pytest.raises(RuntimeError), store.transaction(write=True) as tx:
        tx.write(("keep",), {"v": 2})
        tx.write(("new",), {"v": 3})
        raise RuntimeError("boom")
    with store.transaction() as tx:
        assert tx.read(("keep",)) == {"v": 1}
        assert tx.read(("new",)) is None


def test_reading_a_missing_state_creates_nothing(store: Store) -> None:
    with store.transaction() as tx:
        assert tx.read(("x",)) is None
        assert tx.children(("x",)) == []
    assert not store.exists()


def test_children_merge_pending_writes_and_deletes(store: Store) -> None:
    with store.transaction(write=True) as tx:
        for name in ("a", "b", "c"):
            tx.write(("dir", name), {})
    with store.transaction(write=True) as tx:
        tx.delete(("dir", "b"))
        tx.write(("dir", "d"), {})
        assert tx.children(("dir",)) == ["a", "c", "d"]
    with store.transaction() as tx:
        assert tx.children(("dir",)) == ["a", "c", "d"]


def test_delete_tree_removes_everything_below(store: Store) -> None:
    with store.transaction(write=True) as tx:
        tx.write(("g",), {})
        tx.write(("g", "images", "i1"), {})
        tx.write(("g", "images", "i1", "versions", "1.0.0"), {})
        tx.write(("other",), {})
    with store.transaction(write=True) as tx:
        tx.delete_tree(("g",))
        assert tx.read(("g", "images", "i1")) is None
    with store.transaction() as tx:
        assert tx.read(("g",)) is None
        assert tx.children(("g", "images")) == []
        assert tx.read(("other",)) == {}
        assert tx.all_keys() == [("other",)]
        assert not tx.any_below(("g",))


def test_key_parts_cannot_escape_the_state_folder(file_store: Store) -> None:
    with file_store.transaction(write=True) as tx:
        tx.write(("..", "x/y", ".hidden"), {"ok": True})
    written = [p for p in file_store.root.rglob("*.json")]
    assert len(written) == 1 and file_store.root in written[0].parents
    with file_store.transaction() as tx:
        assert tx.read(("..", "x/y", ".hidden")) == {"ok": True}
        assert tx.children(("..", "x/y")) == [".hidden"]


def test_an_interrupted_commit_is_finished_by_the_next_transaction(file_store: Store) -> None:
    with file_store.transaction(write=True) as tx:
        tx.write(("a",), {"v": "old"})
        tx.write(("b",), {"v": "old"})
    # A process killed after writing its journal but before applying it:
    journal = {"schemaVersion": 1, "writes": [["a.json", {"v": "new"}], ["b.json", None]]}
    (file_store.root / JOURNAL).write_text(json.dumps(journal))
    with file_store.transaction() as tx:
        assert tx.read(("a",)) == {"v": "new"}
        assert tx.read(("b",)) is None
    assert not (file_store.root / JOURNAL).exists()


def test_a_journal_replayed_by_another_reader_meanwhile_is_not_replayed_again(
    file_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sigctl.store import journal as journals
    from sigctl.store import lock

    with file_store.transaction(write=True) as tx:
        tx.write(("a",), {"v": "old"})
    journal = {"schemaVersion": 1, "writes": [["a.json", {"v": "new"}]]}
    (file_store.root / JOURNAL).write_text(json.dumps(journal))
    acquire = lock.StateLock.acquire

    def other_reader_first(self: lock.StateLock, exclusive: bool) -> None:
        acquire(self, exclusive)
        if exclusive:  # the other reader got the exclusive lock first and replayed
            journals.recover(file_store.root)

    monkeypatch.setattr(lock.StateLock, "acquire", other_reader_first)
    with file_store.transaction() as tx:
        assert tx.read(("a",)) == {"v": "new"}


def test_a_document_may_be_called_journal(store: Store) -> None:
    with store.transaction(write=True) as tx:
        tx.write(("journal",), {"kept": True})
    with store.transaction(write=True) as tx:
        tx.write(("other",), {})
    with store.transaction() as tx:
        assert tx.read(("journal",)) == {"kept": True}
        assert ("journal",) in tx.all_keys()


def test_corrupt_file_is_reported_by_name_and_left_alone(file_store: Store) -> None:
    with file_store.transaction(write=True) as tx:
        tx.write(("doc",), {"v": 1})
    path = file_store.root / "doc.json"
    path.write_text("{not json")
    with pytest.raises(ArmError) as raised, file_store.transaction(write=True) as tx:
        tx.read(("doc",))
        tx.write(("doc",), {"v": 2})
    assert str(path) in raised.value.message
    assert "not valid JSON" in raised.value.message
    assert path.read_text() == "{not json"


def test_newer_schema_is_refused_and_never_overwritten(file_store: Store) -> None:
    with file_store.transaction(write=True) as tx:
        tx.write(("doc",), {"v": 1})
    path = file_store.root / "doc.json"
    newer = json.dumps({"schemaVersion": files.SCHEMA_VERSION + 1, "document": {"v": 9}})
    path.write_text(newer)
    with pytest.raises(ArmError) as raised, file_store.transaction() as tx:
        tx.read(("doc",))
    assert "newer sigctl" in raised.value.message and str(path) in raised.value.message
    assert path.read_text() == newer


def test_a_document_of_the_wrong_shape_is_refused_by_name(store: Store) -> None:
    with store.transaction(write=True) as tx:
        tx.write(("doc",), {"v": 1})
    where = tamper(store, ("doc",), [])
    with pytest.raises(ArmError) as raised, store.transaction(write=True) as tx:
        tx.read(("doc",), lambda document: isinstance(document, dict))
    assert where in raised.value.message and "does not hold" in raised.value.message
    with store.transaction() as tx:
        assert tx.read(("doc",)) == []  # refused, never rewritten


def test_any_key_part_round_trips(store: Store) -> None:
    """Names that mean something to a path (separators, dots, escapes) stay plain names."""
    odd = ("..", "x/y", ".hidden", "%41", "a b", "ü", "%", "~", "0")
    with store.transaction(write=True) as tx:
        tx.write(odd, {"ok": True})
        tx.write(("x/y", "sibling"), {})
    with store.transaction() as tx:
        assert tx.read(odd) == {"ok": True}
        assert tx.children(odd[:-1]) == ["0"]
        assert tx.children(("x",)) == []
        assert tx.all_keys() == sorted([odd, ("x/y", "sibling")])
        assert tx.any_below(("..",)) and not tx.any_below(("x",))


def test_state_is_private_to_its_owner(file_store: Store) -> None:
    with file_store.transaction(write=True) as tx:
        tx.write(("a", "b"), {})
    assert stat.S_IMODE(file_store.root.stat().st_mode) == 0o700
    assert stat.S_IMODE(file_store.root.parent.stat().st_mode) == 0o700
    for path in file_store.root.rglob("*"):
        if path.is_file():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_files_carry_the_schema_version(file_store: Store) -> None:
    with file_store.transaction(write=True) as tx:
        tx.write(("a",), {"x": 1})
    wrapped = json.loads((file_store.root / "a.json").read_text())
    assert wrapped == {"schemaVersion": files.SCHEMA_VERSION, "document": {"x": 1}}


def test_read_only_transactions_refuse_writes(store: Store) -> None:
    with store.transaction() as tx, pytest.raises(RuntimeError):
        tx.write(("a",), {})


def test_a_nested_transaction_in_the_same_process_joins_the_lock(store: Store) -> None:
    with store.transaction(write=True) as outer:
        outer.write(("a",), {"v": 1})
        with store.transaction() as inner:  # would wait forever on its own lock otherwise
            assert inner.read(("a",)) is None  # not committed yet
    with store.transaction() as tx:
        assert tx.read(("a",)) == {"v": 1}


def test_all_keys_and_replacing_everything(store: Store) -> None:
    with store.transaction(write=True) as tx:
        tx.write(("a",), {})
        tx.write(("b", "c"), {})
    with store.transaction() as tx:
        assert tx.all_keys() == [("a",), ("b", "c")]
    with store.transaction(write=True) as tx:
        tx.delete_tree(())
        tx.write(("z",), {"new": True})
        assert tx.all_keys() == [("z",)]
    with store.transaction() as tx:
        assert tx.all_keys() == [("z",)]
        assert tx.read(("a",)) is None


def test_threads_of_one_process_lose_no_update(store: Store) -> None:
    """A threaded server runs transactions side by side: each thread takes the lock itself."""
    import threading
    import time

    with store.transaction(write=True) as tx:
        tx.write(("counter",), {"n": 0})

    def bump() -> None:
        for _ in range(10):
            with store.transaction(write=True) as tx:
                current = tx.read(("counter",))["n"]
                time.sleep(0.001)  # widen the window another thread would slip into
                tx.write(("counter",), {"n": current + 1})

    workers = [threading.Thread(target=bump) for _ in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    with store.transaction() as tx:
        assert tx.read(("counter",)) == {"n": 60}


@pytest.mark.skipif(sys.platform != "linux", reason="the one sync is used on Linux only")
def test_a_large_commit_flushes_its_files_with_one_sync(
    file_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"fsync": 0, "sync": 0}
    real_fsync, real_sync = os.fsync, os.sync

    def fsync(fd: int) -> None:
        calls["fsync"] += 1
        real_fsync(fd)

    def sync() -> None:
        calls["sync"] += 1
        real_sync()

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "sync", sync)
    with file_store.transaction(write=True) as tx:
        for i in range(300):
            tx.write(("many", f"d{i}"), {"i": i})
    assert calls["sync"] == 1
    assert calls["fsync"] < 10  # the journal and its folder, not one per document
    assert not (file_store.root / JOURNAL).exists()
    with file_store.transaction() as tx:
        assert [tx.read(("many", f"d{i}")) for i in (0, 299)] == [{"i": 0}, {"i": 299}]

    calls.update(fsync=0, sync=0)  # a small commit still flushes each file
    with file_store.transaction(write=True) as tx:
        tx.write(("few",), {"i": 1})
    assert calls["sync"] == 0 and calls["fsync"] >= 2


def test_the_journal_written_in_pieces_is_one_json_document() -> None:
    from sigctl.store import journal

    entries = [
        journal.Entry("a/b.json", b'{"x": "\xc3\xa9\\n"}', None),
        journal.Entry("c.json", None, b'\xff\xfe"q"'),
    ]
    whole = {
        "journal": journal.FORMAT,
        "writes": [["a/b.json", '{"x": "\u00e9\\n"}'], ["c.json", None]],
        "undo": [["a/b.json", None], ["c.json", b'\xff\xfe"q"'.decode("utf-8", "surrogateescape")]],
    }
    assert journal.encode(entries) == json.dumps(whole).encode()
    assert (
        journal.encode([])
        == json.dumps({"journal": journal.FORMAT, "writes": [], "undo": []}).encode()
    )


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()  # NaN and the infinities too: json writes them
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(), inner, max_size=4)
    ),
    max_leaves=30,
)


@given(_JSON)
@settings(max_examples=300)
def test_state_file_layout_is_json_dumps_text(value: Any) -> None:
    """The state files' own encoder writes exactly what json.dumps writes."""
    from sigctl.store import layout

    expected = json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1)
    assert layout.indented(value, deepest=100) == expected


def test_state_file_layout_leaves_other_values_to_json() -> None:
    """Keys that are not text, and values that are not JSON's, are json's to encode (or
    refuse), so a state file keeps json's text and its errors."""
    from sigctl.store import layout

    for value in ({1: "a"}, {"a": {1, 2}}, [object()], {"a": 1.5, "b": [b"bytes"]}):
        with pytest.raises(layout.Unusual):
            layout.indented(value, deepest=100)
    document = {2: "x", 1: None}  # json writes these keys as text
    wrapped = {"schemaVersion": files.SCHEMA_VERSION, "document": document}
    expected = json.dumps(wrapped, ensure_ascii=False, sort_keys=True, indent=1)
    assert files.encode(document) == expected.encode() + b"\n"
    with pytest.raises(files.Unstorable, match="not supported between instances"):
        files.encode({2: "x", "a": None})


@pytest.mark.parametrize("unusual", [False, True])
def test_a_state_file_holds_a_document_as_deep_as_the_limit_and_no_deeper(unusual: bool) -> None:
    def nested(depth: int) -> Any:
        value: Any = {1} if unusual else "leaf"  # a set: json's to refuse, after the depth
        for _ in range(depth - 1):
            value = [value]
        return value

    if not unusual:
        assert files.decode(Path("x"), files.encode(nested(files.MAX_DEPTH))) == nested(
            files.MAX_DEPTH
        )
    with pytest.raises(files.Unstorable, match=f"nested more than {files.MAX_DEPTH} levels"):
        files.encode(nested(files.MAX_DEPTH + 1))
