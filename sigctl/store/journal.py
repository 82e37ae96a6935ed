"""The commit journal: what a commit writes, and what it replaces, recorded before it starts.

A commit records every file it will write (its new bytes, or None to delete it) together with
each file's bytes before the commit (None: it did not exist), in one atomically renamed file.
Two names say what an unfinished journal means:

- `.journal.json`: the commit was under way when its process died. The next transaction
  finishes it (redo), so a killed command either happened as a whole or not at all.
- `.rollback.json`: the commit failed in a live process (a full disk, a folder it may not
  write), which renamed its journal before undoing its partial writes. If the undo was cut
  short, the next transaction finishes undoing: a command that reported failure never takes
  effect later.

Every path in a journal is checked before anything is applied: a journal planted or damaged
by hand cannot write or delete outside the state folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from sigctl.errors import state_file_error
from sigctl.record import FrozenRecord
from sigctl.store import files

JOURNAL = ".journal.json"  # hidden: no document key can be named like it
ROLLBACK = ".rollback.json"
SCRATCH = ".tmp"  # temporary files of writes in progress; emptied by the next writer
FORMAT = 2  # 2: file bytes and undo data; 1 (no "journal" field): documents only
# A name `Store.path_of` can produce: escaped characters, no hidden names.
_NAME = re.compile(r"[a-z0-9_%~-][a-z0-9_.%~-]*")


class Entry(FrozenRecord):
    _fields = ("rel", "new", "old")

    def __init__(
        self,
        rel: str,  # path below the state folder, '/'-separated
        new: bytes | None,  # the file after the commit (None: deleted)
        old: bytes | None,  # the file before it (None: absent)
    ) -> None:
        self.rel, self.new, self.old = rel, new, old


class Damaged(Exception):
    """A journal that cannot be trusted; the reason says why."""


# -- writing ------------------------------------------------------------------------------------


def encode(entries: list[Entry]) -> bytes:
    """The journal file. Bytes travel as text (surrogateescape), escaped to ASCII JSON."""
    return b"".join(pieces(entries))


def pieces(entries: list[Entry]) -> Iterator[bytes]:
    """The journal file an entry at a time: the same bytes as one `json.dumps` of it, without
    holding a fixture's tens of megabytes of journal in memory at once."""
    yield b'{"journal": %d' % FORMAT
    for name, undo in (("writes", False), ("undo", True)):
        yield b', "%s": [' % name.encode()
        for i, e in enumerate(entries):
            yield (b", " if i else b"") + json.dumps(
                [e.rel, _text(e.old if undo else e.new)]
            ).encode()
        yield b"]"
    yield b"}"


def _text(data: bytes | None) -> str | None:
    return None if data is None else data.decode("utf-8", "surrogateescape")


def _bytes(text: str | None) -> bytes | None:
    return None if text is None else text.encode("utf-8", "surrogateescape")


# -- reading ------------------------------------------------------------------------------------


def load(path: Path) -> list[Entry]:
    """The entries of a journal file, or Damaged naming what is wrong with it."""
    try:
        data = json.loads(path.read_bytes())
    except (ValueError, RecursionError) as exc:
        raise Damaged(f"it is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise Damaged("it is not a commit journal")
    if "journal" not in data:
        return _load_documents_only(data)
    version = data["journal"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise Damaged(f"its format {version!r} is not valid")
    if version > FORMAT:
        raise Damaged(f"it was written by a newer sigctl (journal format {version})")
    writes, undo = data.get("writes"), data.get("undo")
    if not _pairs(writes) or not _pairs(undo) or len(writes) != len(undo):
        raise Damaged("its 'writes' and 'undo' are not matching lists of [path, text or null]")
    entries = []
    for (rel, new), (undo_rel, old) in zip(writes, undo, strict=True):
        if rel != undo_rel:
            raise Damaged(f"its undo entry '{undo_rel}' does not match its write '{rel}'")
        entries.append(Entry(_checked(rel), _bytes(new), _bytes(old)))
    return entries


def _load_documents_only(data: dict[str, Any]) -> list[Entry]:
    """A journal of an earlier sigctl: documents to write, no undo data."""
    version = data.get("schemaVersion")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise Damaged(f"its schema version {version!r} is not valid")
    if version > files.SCHEMA_VERSION:
        raise Damaged(f"it was written by a newer sigctl (schema {version})")
    writes = data.get("writes")
    if not isinstance(writes, list) or not all(
        isinstance(w, list) and len(w) == 2 and isinstance(w[0], str) for w in writes
    ):
        raise Damaged("its 'writes' is not a list of [path, document]")
    entries = []
    for rel, document in writes:
        try:
            new = None if document is None else files.encode(document)
        except files.Unstorable as exc:
            raise Damaged(f"the document for '{rel}' {exc}") from None
        entries.append(Entry(_checked(rel), new, None))
    return entries


def _pairs(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(p, list)
        and len(p) == 2
        and isinstance(p[0], str)
        and (p[1] is None or isinstance(p[1], str))
        for p in value
    )


def _checked(rel: str) -> str:
    """A path a commit could have written: relative, inside the state, a document file."""
    parts = PurePosixPath(rel).parts
    if (
        not parts
        or rel.startswith("/")
        or "\\" in rel
        or not all(_NAME.fullmatch(p) for p in parts)
        or not parts[-1].endswith(".json")
    ):
        raise Damaged(f"it names '{rel}', which is not a document of the state folder")
    return rel


def within(root: Path, rel: str) -> Path:
    """`root/rel`, refusing a path that a symbolic link would lead out of the state folder."""
    path = root / rel
    real_root = os.path.realpath(root)
    if os.path.commonpath([real_root, os.path.realpath(path.parent)]) != real_root:
        raise Damaged(f"'{rel}' leads out of the state folder")
    return path


# -- applying -----------------------------------------------------------------------------------


# From this many files on, a commit flushes them with one sync of the file systems instead of an
# fsync per file and folder (a fixture's 11,000 files took more than half of its import in fsync).
# The journal stays until the sync has returned, so a crash before it is repaired as before.
_ONE_SYNC = 256


def apply(root: Path, entries: list[Entry], undo: bool = False) -> None:
    """Write (or delete) every file to its new content, or with `undo` back to its old one."""
    one_sync = len(entries) >= _ONE_SYNC and sys.platform == "linux"  # Linux's sync waits
    touched: set[Path] = set()
    made: set[Path] = set()  # a large commit's folders known to exist: each is made once
    scratch = root / SCRATCH
    for entry in reversed(entries) if undo else entries:
        path = root / entry.rel
        content = entry.old if undo else entry.new
        if content is None:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            _prune_empty_dirs(root, path.parent)
            made.clear()  # a folder left empty is gone
        elif one_sync:
            for folder in (path.parent, scratch):
                if folder not in made:
                    files.make_private_dirs(folder)
                    made.add(folder)
            files.write_atomically(path, content, scratch, flush=False, make_dirs=False)
        else:
            files.write_atomically(path, content, scratch)
        touched.add(path.parent)
    if one_sync:
        os.sync()
        return
    for directory in touched:
        files.fsync_dir(directory)


def _prune_empty_dirs(root: Path, directory: Path) -> None:
    while directory != root and directory.is_dir():
        try:
            directory.rmdir()
        except OSError:
            return
        directory = directory.parent


def finish(root: Path, name: str) -> None:
    """Remove a journal whose work is done. A journal left behind is harmless (applying it again
    writes the same bytes), so a failure to remove it does not undo the commit's success."""
    with contextlib.suppress(OSError):
        (root / name).unlink()
        files.fsync_dir(root)


def pending(root: Path) -> list[str]:
    """The unfinished journals in the state folder, in the order they must be resolved."""
    return [name for name in (ROLLBACK, JOURNAL) if (root / name).exists()]


def recover(root: Path) -> None:
    """Resolve what an earlier process left unfinished (holding the exclusive lock): finish
    undoing a failed commit, finish a commit cut short, empty the scratch folder."""
    for name in pending(root):
        resolve(root, name)
    empty_scratch(root)


def checked(root: Path, path: Path) -> list[Entry]:
    """The entries of a journal file, every path checked to stay inside the state folder."""
    entries = load(path)
    for entry in entries:
        within(root, entry.rel)
    return entries


def resolve(root: Path, name: str) -> None:
    """Apply one unfinished journal (undo for a rollback journal, redo otherwise), or say why
    it cannot be."""
    path = root / name
    try:
        entries = checked(root, path)
    except Damaged as damaged:
        raise state_file_error(
            str(path),
            f"it records an unfinished change, but {damaged}",
            "run 'sigctl state repair' to set it aside (docs/state.md, Recovery)",
        ) from None
    try:
        apply(root, entries, undo=name == ROLLBACK)
    except OSError as exc:
        raise state_file_error(
            str(path),
            "it records an unfinished change that could not be "
            f"{'undone' if name == ROLLBACK else 'completed'} ({describe(exc)})",
            "fix the cause (disk space, permissions) and run the command again",
        ) from None
    finish(root, name)


def empty_scratch(root: Path) -> None:
    scratch = root / SCRATCH
    with contextlib.suppress(OSError):
        for name in os.listdir(scratch):
            with contextlib.suppress(OSError):
                (scratch / name).unlink()


def describe(exc: OSError) -> str:
    where = f"'{exc.filename}': " if exc.filename else ""
    return f"{where}{exc.strerror or exc}"
