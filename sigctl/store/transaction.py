"""All-or-nothing access to the sharded state.

The state is a tree of small JSON documents under `<home>/state/`, addressed by keys (tuples of
path parts). A command reads only the documents it touches, so its cost does not grow with
unrelated resources. A write transaction collects its changes in memory; commit writes them all
to a redo journal first (one atomic rename), then applies them, then removes the journal. A
process killed mid-commit leaves the journal behind and the next transaction finishes the job,
so a commit is either fully visible or not at all. Readers share a lock, writers hold it alone.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sigctl.errors import state_file_error
from sigctl.store import files
from sigctl.store.lock import StateLock

Key = tuple[str, ...]

JOURNAL = ".journal.json"  # hidden: no document key can be named like it
LOCK = ".lock"
_SAFE = re.compile(r"[^a-z0-9_.-]")
_DELETED = object()


def _part(text: str) -> str:
    """One key part as a file name: never a path separator, never hidden, never '..'."""
    encoded = _SAFE.sub(lambda m: "".join(f"%{b:02x}" for b in m.group().encode()), text)
    if encoded.startswith("."):
        encoded = "%2e" + encoded[1:]
    return encoded or "%"


def _unpart(name: str) -> str:
    from urllib.parse import unquote

    return unquote(name)


class Store:
    def __init__(self, root: Path) -> None:
        self.root = root

    def transaction(self, write: bool = False) -> Transaction:
        return Transaction(self, write)

    def path_of(self, key: Key) -> Path:
        return self.root.joinpath(*(_part(p) for p in key[:-1]), _part(key[-1]) + ".json")

    def dir_of(self, key: Key) -> Path:
        return self.root.joinpath(*(_part(p) for p in key))

    def exists(self) -> bool:
        return self.root.is_dir()


class Transaction:
    def __init__(self, store: Store, write: bool) -> None:
        self.store = store
        self.write_mode = write
        self.lock: StateLock | None = None
        self.cache: dict[Key, Any] = {}
        self.pending: dict[Key, Any] = {}
        self.pending_trees: list[Key] = []

    # -- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> Transaction:
        root = self.store.root
        if self.write_mode:
            from sigctl.home import ensure_private_dir

            ensure_private_dir(root.parent)
            ensure_private_dir(root)
        elif not root.is_dir():
            return self  # nothing stored yet: every read sees the embedded defaults
        self.lock = StateLock(root / LOCK)
        self.lock.acquire(exclusive=self.write_mode)
        if (root / JOURNAL).exists():
            if not self.lock.exclusive:
                self.lock.release()
                self.lock.acquire(exclusive=True)
            if (root / JOURNAL).exists():  # another process may have replayed it meanwhile
                _replay(root)
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            if exc_type is None and self.write_mode and self.pending:
                self._commit()
        finally:
            if self.lock is not None:
                self.lock.release()

    # -- reads -----------------------------------------------------------------------------

    def read(self, key: Key, shape: Callable[[Any], bool] | None = None) -> Any | None:
        """The document at `key`, or None. `shape` tells a document sigctl wrote from one that
        was edited into something else; such a file is refused (naming it), never rewritten."""
        if key in self.pending:
            value = self.pending[key]
            return None if value is _DELETED else value
        if any(key[: len(tree)] == tree for tree in self.pending_trees):
            return None
        if key not in self.cache:
            document = files.read_document(self.store.path_of(key))
            if document is not None and shape is not None and not shape(document):
                raise state_file_error(
                    str(self.store.path_of(key)), "it does not hold what sigctl stores there"
                )
            self.cache[key] = document
        return self.cache[key]

    def children(self, key: Key) -> list[str]:
        """Names of the documents stored directly under `key`, sorted."""
        names: set[str] = set()
        if not any(key[: len(tree)] == tree for tree in self.pending_trees):
            directory = self.store.dir_of(key)
            try:
                entries = os.listdir(directory)
            except (FileNotFoundError, NotADirectoryError):
                entries = []
            names = {_unpart(e[:-5]) for e in entries if e.endswith(".json") and e[0] != "."}
        for pkey, value in self.pending.items():
            if len(pkey) == len(key) + 1 and pkey[:-1] == key:
                if value is _DELETED:
                    names.discard(pkey[-1])
                else:
                    names.add(pkey[-1])
        return sorted(names)

    def all_keys(self) -> list[Key]:
        """Every document key in the state (as this transaction would leave it), sorted."""
        found: set[Key] = set()
        root = self.store.root
        if root.is_dir() and () not in self.pending_trees:
            for rel in _files_under(root, root):
                key = tuple(_unpart(p) for p in Path(rel).with_suffix("").parts)
                if not any(key[: len(tree)] == tree for tree in self.pending_trees):
                    found.add(key)
        for key, value in self.pending.items():
            if value is _DELETED:
                found.discard(key)
            else:
                found.add(key)
        return sorted(found)

    # -- writes ----------------------------------------------------------------------------

    def write(self, key: Key, document: Any) -> None:
        self._require_write()
        self.pending[key] = document

    def delete(self, key: Key) -> None:
        self._require_write()
        self.pending[key] = _DELETED

    def delete_tree(self, key: Key) -> None:
        """Delete the document at `key` and every document below it."""
        self._require_write()
        for pkey in list(self.pending):
            if pkey[: len(key)] == key:
                del self.pending[pkey]
        if key:  # () is the whole state, which has no document of its own
            self.pending[key] = _DELETED
        self.pending_trees.append(key)

    def _require_write(self) -> None:
        if not self.write_mode:
            raise RuntimeError("write in a read-only state transaction")

    # -- commit ----------------------------------------------------------------------------

    def _commit(self) -> None:
        root = self.store.root
        writes: list[list[Any]] = []
        for tree in self.pending_trees:
            writes.extend([[rel, None] for rel in _files_under(root, self.store.dir_of(tree))])
        for key, value in self.pending.items():
            rel = str(self.store.path_of(key).relative_to(root))
            writes.append([rel, None if value is _DELETED else value])
        journal = json.dumps({"schemaVersion": files.SCHEMA_VERSION, "writes": writes}).encode()
        files.write_atomically(root / JOURNAL, journal)
        files.fsync_dir(root)
        _apply(root, writes)
        (root / JOURNAL).unlink()
        files.fsync_dir(root)


def _files_under(root: Path, directory: Path) -> Iterator[str]:
    if not directory.is_dir():
        return
    for dirpath, _dirs, names in os.walk(directory):
        for name in names:
            if name.endswith(".json") and not name.startswith("."):
                yield str((Path(dirpath) / name).relative_to(root))


def _apply(root: Path, writes: list[list[Any]]) -> None:
    touched: set[Path] = set()
    for rel, document in writes:
        path = root / rel
        if document is None:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            _prune_empty_dirs(root, path.parent)
        else:
            files.write_atomically(path, files.encode(document))
        touched.add(path.parent)
    for directory in touched:
        files.fsync_dir(directory)


def _prune_empty_dirs(root: Path, directory: Path) -> None:
    while directory != root and directory.is_dir():
        try:
            directory.rmdir()
        except OSError:
            return
        directory = directory.parent


def _replay(root: Path) -> None:
    """Finish a commit that a killed process left half-applied."""
    journal = root / JOURNAL
    raw = journal.read_bytes()
    try:
        data = json.loads(raw)
        writes = data["writes"]
    except (ValueError, KeyError, TypeError):
        from sigctl.errors import state_file_error

        raise state_file_error(str(journal), "the commit journal is damaged") from None
    _apply(root, writes)
    journal.unlink()
    files.fsync_dir(root)
