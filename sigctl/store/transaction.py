"""All-or-nothing access to the sharded state.

The state is a tree of small JSON documents under `<home>/state/`, addressed by keys (tuples of
path parts). A command reads only the documents it touches, so its cost does not grow with
unrelated resources. A write transaction collects its changes in memory; commit first turns
every change into the exact bytes of its file (refusing, before anything is written, a document
that cannot be stored or a path the file system cannot hold), records them with the files they
replace in a journal (one atomic rename), applies them, then removes the journal. A process
killed mid-commit leaves the journal behind and the next transaction finishes the job; a commit
that fails in a live process is undone before the command reports the failure (see journal.py).
Readers share a lock, writers hold it alone.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from sigctl.errors import state_file_error, state_write_failed, unstorable
from sigctl.store import base, files, journal
from sigctl.store.base import DELETED as _DELETED
from sigctl.store.base import Key, Shape
from sigctl.store.journal import JOURNAL, ROLLBACK, SCRATCH, Entry
from sigctl.store.lock import StateLock

LOCK = ".lock"
_SAFE = re.compile(r"[^a-z0-9_.-]")
# A key part longer than this once escaped is stored under a shortened name (a prefix and a
# digest), so no valid name can exceed the file system's limit on one name (255 bytes).
MAX_PART = 120
_DIGEST = 40


def _part(text: str) -> str:
    """One key part as a file name: never a path separator, never hidden, never '..', bounded."""
    encoded = _SAFE.sub(
        lambda m: "".join(f"%{b:02x}" for b in m.group().encode("utf-8", "surrogatepass")), text
    )
    if encoded.startswith("."):
        encoded = "%2e" + encoded[1:]
    if len(encoded) <= MAX_PART:
        return encoded or "%"
    import hashlib  # only for names this long

    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:_DIGEST]
    head = re.sub(r"%[0-9a-f]?$", "", encoded[: MAX_PART - _DIGEST - 1])  # whole escapes only
    return f"{head}~{digest}"  # '~' is escaped everywhere else: it marks a shortened name


def _unpart(name: str) -> str:
    from urllib.parse import unquote  # only listings need it

    return unquote(name, errors="surrogatepass")


def _shortened(name: str) -> bool:
    return "~" in name


@functools.cache
def _path_max(root: str) -> int:
    try:
        return os.pathconf(root, "PC_PATH_MAX")
    except (OSError, ValueError):
        return 4096


class Store(base.Store):
    """The documents of one namespace, as files under `root` (SIGCTL_HOME/state for the default
    namespace). `meta` is the namespace's record (sigctl.store.namespaces), None when it needs
    none to exist."""

    def __init__(
        self,
        root: Path,
        shape_of: Callable[[Key], Shape | None] | None = None,
        namespace: str = base.DEFAULT_NAMESPACE,
        meta: Path | None = None,
        home: Path | None = None,
    ) -> None:
        self.root = root
        # What each document must look like, by key (the service's knowledge, not the store's).
        self.shape_of = shape_of
        self.namespace = namespace
        self.meta = meta
        self.home = home or root.parent

    def transaction(self, write: bool = False, likely: Iterable[Key] = ()) -> Transaction:
        return Transaction(self, write)  # a read from a file costs no round trip

    def path_of(self, key: Key) -> Path:
        return self.root.joinpath(*(_part(p) for p in key[:-1]), _part(key[-1]) + ".json")

    def dir_of(self, key: Key) -> Path:
        return self.root.joinpath(*(_part(p) for p in key))

    def location(self, key: Key, below: bool = False) -> str:
        return f"{self.dir_of(key)}{os.sep}" if below else str(self.path_of(key))

    def exists(self) -> bool:
        return self.root.is_dir()

    def wipe(self) -> None:
        from sigctl.store.maintenance import wipe

        wipe(self.root)

    def exclusive(self) -> AbstractContextManager[None]:
        from sigctl.store.maintenance import exclusive

        return exclusive(self.root)

    def check(self, fix: bool = False) -> list[base.Finding]:
        from sigctl.store.maintenance import check_files

        return check_files(self, fix)

    def unfinished(self) -> bool:
        return bool(journal.pending(self.root))

    def key_of(self, rel: str) -> Key:
        """The key of the file at `rel` (below the root); a shortened name is read back."""
        parts = Path(rel).with_suffix("").parts
        if any(_shortened(p) for p in parts):
            recorded = files.recorded_key(self.root / rel)
            if recorded is None:
                raise state_file_error(
                    str(self.root / rel), "its name is shortened but it does not record its key"
                )
            return tuple(recorded)
        return tuple(_unpart(p) for p in parts)

    def settings(self) -> dict[str, Any]:
        """The namespace's own settings; refuses a namespace that does not exist."""
        if self.meta is None:
            return {}
        from sigctl.store import namespaces

        return namespaces.settings_of(self)


class Transaction(base.Transaction):
    store: Store

    def __init__(self, store: Store, write: bool) -> None:
        super().__init__(store, write)
        self.lock: StateLock | None = None
        self._settings: dict[str, Any] | None = None
        # The folders listed so far (the lock keeps them as they are until the transaction
        # ends): a document missing from its folder's listing is not looked for again.
        self._listed: dict[Key, set[str]] = {}

    # -- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> Transaction:
        root = self.store.root
        self._settings = self.store.settings()  # the namespace must exist (before any mkdir)
        if self.write_mode:
            from sigctl.home import ensure_private_dir

            ensure_private_dir(root.parent)
            ensure_private_dir(root)
        elif not root.is_dir():
            return self  # nothing stored yet: every read sees the embedded defaults
        self.lock = StateLock(root / LOCK)
        self.lock.acquire(exclusive=self.write_mode)
        try:
            if self.store.namespace != base.DEFAULT_NAMESPACE and not self.lock.joined:
                self._settings = self.store.settings()  # deleted while this one waited?
            if journal.pending(root):
                if not self.lock.exclusive:
                    self.lock.release()
                    self.lock.acquire(exclusive=True)
                journal.recover(root)  # another process may have done it meanwhile: a no-op then
            elif self.write_mode and not self.lock.joined:
                journal.empty_scratch(root)
        except BaseException:
            self.lock.release()
            raise
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            super().__exit__(exc_type, exc, tb)
        finally:
            if self.lock is not None:
                self.lock.release()

    @property
    def settings(self) -> dict[str, Any]:
        return self._settings if self._settings is not None else self.store.settings()

    # -- the stored side -------------------------------------------------------------------

    def _stored(self, key: Key) -> Any | None:
        listed = self._listed.get(key[:-1])
        if listed is not None and key[-1] not in listed:
            return None
        return files.read_document(self.store.path_of(key))

    def _stored_children(self, key: Key) -> set[str]:
        names = self._listed.get(key)
        if names is None:
            names = self._listed[key] = self._list(key)
        return set(names)

    def _list(self, key: Key) -> set[str]:
        names: set[str] = set()
        directory = self.store.dir_of(key)
        try:
            entries = os.listdir(directory)
        except (FileNotFoundError, NotADirectoryError):
            return names
        root = self.store.root
        for entry in entries:
            if entry.endswith(".json") and entry[0] != ".":
                rel = str((directory / entry).relative_to(root))
                names.add(self.store.key_of(rel)[-1])
        return names

    def _stored_keys(self, below: Key) -> Iterator[Key]:
        root = self.store.root
        for rel in _files_under(root, self.store.dir_of(below)):
            yield self.store.key_of(rel)

    # -- commit ----------------------------------------------------------------------------

    def _commit(self) -> None:
        root = self.store.root
        entries = self._entries()
        if not entries:
            return
        try:
            files.write_atomically(root / JOURNAL, journal.pieces(entries), root / SCRATCH)
            files.fsync_dir(root)
        except OSError as exc:
            raise state_write_failed(
                f"The change was not saved: its journal could not be written "
                f"({journal.describe(exc)}). The state is as it was before the command."
            ) from None
        try:
            journal.apply(root, entries)
        except BaseException as failure:  # a full disk, a folder it may not write, Ctrl-C
            self._roll_back(entries, failure)
            raise
        journal.finish(root, JOURNAL)

    def _entries(self) -> list[Entry]:
        """Every file the commit writes, as its final bytes and the bytes it replaces. Whatever
        cannot be stored is refused here, before the journal exists."""
        root = self.store.root
        final: dict[str, bytes | None] = {}
        absent: set[str] = set()  # files this transaction already knows are not there
        for tree in self.pending_trees:
            for rel in _files_under(root, self.store.dir_of(tree)):
                final[rel] = None
        for key, value in self.pending.items():
            path = self.store.path_of(key)
            self._check_path(key, path)
            rel = str(path.relative_to(root))
            if self._known_absent(key):
                absent.add(rel)
            if value is _DELETED:
                final[rel] = None
                continue
            shortened = any(_shortened(p) for p in Path(rel).parts)
            try:
                final[rel] = files.encode(value, list(key) if shortened else None)
            except files.Unstorable as exc:
                raise unstorable(f"the document '{'/'.join(key)}' {exc}") from None
        entries = []
        for rel, new in final.items():
            try:
                old = None if rel in absent else (root / rel).read_bytes()
            except FileNotFoundError:
                old = None
            except OSError as exc:
                raise state_write_failed(
                    f"The change was not saved: {journal.describe(exc)}. "
                    "The state is as it was before the command."
                ) from None
            if old != new:
                entries.append(Entry(rel, new, old))
        return entries

    def _known_absent(self, key: Key) -> bool:
        """Whether the document was found missing by a read or its folder's listing (the lock
        has kept the folder as it was since)."""
        if key in self.cache:
            return self.cache[key] is None
        listed = self._listed.get(key[:-1])
        return listed is not None and key[-1] not in listed

    def _check_path(self, key: Key, path: Path) -> None:
        size = len(os.fsencode(path))
        limit = _path_max(str(self.store.root.parent))
        if size >= limit:
            raise unstorable(
                f"the document '{'/'.join(key)}' would need a file path of {size} bytes, and "
                f"this file system allows {limit - 1}"
            )

    def _roll_back(self, entries: list[Entry], failure: BaseException) -> None:
        """Undo a commit that failed in this process, so the command's failure stays true."""
        root = self.store.root
        why = journal.describe(failure) if isinstance(failure, OSError) else "it was interrupted"
        try:
            os.replace(root / JOURNAL, root / ROLLBACK)
        except OSError:
            raise state_write_failed(
                f"The change could not be saved completely ({why}). It is recorded in "
                f"'{root / JOURNAL}'; the next sigctl command completes it once the cause is fixed."
            ) from None
        try:
            journal.apply(root, entries, undo=True)
        except OSError as second:
            raise state_write_failed(
                f"The change was not saved ({why}), and undoing its partial writes failed too "
                f"({journal.describe(second)}). The next sigctl command finishes undoing it "
                f"(from '{root / ROLLBACK}') once the cause is fixed."
            ) from None
        journal.finish(root, ROLLBACK)
        if isinstance(failure, OSError):
            raise state_write_failed(
                f"The change was not saved: {why}. The state is as it was before the command."
            ) from None


def _files_under(root: Path, directory: Path) -> Iterator[str]:
    """Document files below `directory` (hidden files and folders are sigctl's own: skipped)."""
    if not directory.is_dir():
        return
    for dirpath, dirs, names in os.walk(directory):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if name.endswith(".json") and not name.startswith("."):
                yield str((Path(dirpath) / name).relative_to(root))
