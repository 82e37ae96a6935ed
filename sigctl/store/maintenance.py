"""Whole-state operations on the files: wiping, and checking or repairing what is file-specific.

The rules that span documents (indexes, counters, parents) are the service's, in
sigctl.provider.consistency; here is only what belongs to the files themselves: unfinished
journals, temporary files a killed process left, empty folders, files whose names sigctl would
not write. Both run holding the writers' lock, so no command changes the state meanwhile.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from sigctl.errors import ArmError
from sigctl.store import journal
from sigctl.store.base import Finding
from sigctl.store.lock import StateLock
from sigctl.store.transaction import LOCK, Store

# What an earlier sigctl named its temporary files: beside the target, `.NAME.PID.tmp`.
_OLD_TEMPORARY = re.compile(r"\..+\.\d+\.tmp")
_OWN = {LOCK, journal.JOURNAL, journal.ROLLBACK, journal.SCRATCH}


@contextlib.contextmanager
def exclusive(root: Path) -> Iterator[None]:
    """Hold the writers' lock (a transaction opened meanwhile in this process joins it)."""
    if not root.is_dir():
        yield
        return
    lock = StateLock(root / LOCK)
    lock.acquire(exclusive=True)
    try:
        yield
    finally:
        lock.release()


def wipe(root: Path) -> None:
    """Remove every document (and any half-finished journal), holding the exclusive lock."""
    with exclusive(root):
        if not root.is_dir():
            return
        for entry in os.listdir(root):
            if entry == LOCK:
                continue
            target = root / entry
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            else:
                target.unlink()


def check_files(store: Store, fix: bool = False) -> list[Finding]:
    """File-level problems (with `fix`: repaired where nothing is lost). Like every command, it
    first finishes or undoes a change an interrupted command left in a journal."""
    root = store.root
    if not root.is_dir():
        return []
    findings = _journals(root, fix)
    folders: list[Path] = []
    for dirpath, dirs, names in os.walk(root):
        folder = Path(dirpath)
        for name in list(dirs):
            path = folder / name
            if path.is_symlink() or name.startswith("."):
                dirs.remove(name)
                if not (folder == root and name == journal.SCRATCH):
                    findings.append(_unknown(path))
        folders += [folder / d for d in dirs]
        for name in names:
            if not (folder == root and name in _OWN):
                findings += _file_findings(store, folder / name, fix)
    if fix:  # empty folders are harmless (deleting files by hand leaves them): tidied quietly
        for folder in reversed(folders):  # the deepest first, so emptied parents go too
            with contextlib.suppress(OSError):
                folder.rmdir()
    return findings


def _file_findings(store: Store, path: Path, fix: bool) -> list[Finding]:
    if _OLD_TEMPORARY.fullmatch(path.name):
        return [
            Finding(
                str(path),
                "a temporary file that a killed sigctl left behind",
                "remove it",
                repaired=fix and _remove(path),
            )
        ]
    if path.is_symlink() or path.name.startswith(".") or not path.name.endswith(".json"):
        return [_unknown(path)]
    return _name_findings(store, path)


def _journals(root: Path, fix: bool) -> list[Finding]:
    findings = []
    for name in journal.pending(root):
        path = root / name
        try:
            journal.checked(root, path)
        except journal.Damaged as damaged:
            aside = _aside(root, name)
            findings.append(
                Finding(
                    str(path),
                    f"it records an unfinished change, but {damaged}",
                    f"move it to '{aside}' (nothing is applied from it)",
                    "check the state again afterwards: a change it recorded may be half applied",
                    repaired=fix and _move(path, aside),
                )
            )
            continue
        try:
            journal.resolve(root, name)
        except ArmError as error:
            findings.append(Finding(str(path), error.message, None))
    journal.empty_scratch(root)
    return findings


def _name_findings(store: Store, path: Path) -> list[Finding]:
    rel = str(path.relative_to(store.root))
    try:
        key = store.key_of(rel)
    except ArmError as error:
        return [Finding(str(path), error.message, None, _MOVE_AWAY)]
    if store.path_of(key) != path:
        return [
            Finding(
                str(path),
                f"its name is not one sigctl writes (its key would be stored as "
                f"'{store.path_of(key)}')",
                None,
                _MOVE_AWAY,
            )
        ]
    return []


_MOVE_AWAY = "move it out of the state folder"


def _unknown(path: Path) -> Finding:
    return Finding(str(path), "it is not a file sigctl writes", None, _MOVE_AWAY)


def _aside(root: Path, name: str) -> Path:
    """Where a damaged journal is kept: beside the state folder, never overwriting anything."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    candidate = root.parent / f"{name.lstrip('.')}.{stamp}.damaged"
    number = 1
    while candidate.exists():
        number += 1
        candidate = root.parent / f"{name.lstrip('.')}.{stamp}-{number}.damaged"
    return candidate


def _move(source: Path, target: Path) -> bool:
    os.replace(source, target)
    return True


def _remove(path: Path) -> bool:
    path.unlink()
    return True
