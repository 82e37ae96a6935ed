"""The file backend: every namespace of one SIGCTL_HOME.

    SIGCTL_HOME/state/                          the default namespace's documents (as always)
    SIGCTL_HOME/namespaces/<name>/namespace.json   a namespace's record: created, settings
    SIGCTL_HOME/namespaces/<name>/state/        its documents

The default namespace always exists; its record is optional (it holds settings only when some
were set). Any other namespace exists exactly while its record does: creating one is one atomic
link of a complete record, and deleting one first takes its writers' lock, then moves its folder
aside in one rename, so a command either finds the namespace whole or not at all.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sigctl.errors import ArmError, state_file_error
from sigctl.store import base, files
from sigctl.store.base import DEFAULT_NAMESPACE, Key, Namespace, Shape
from sigctl.store.transaction import LOCK, Store

FOLDER = "namespaces"
RECORD = "namespace.json"
_KEY_FILE = ("tls", "token.key")


def settings_of(store: Store) -> dict[str, Any]:
    """The settings a namespace's record holds; NamespaceNotFound for a missing namespace."""
    assert store.meta is not None
    record = _read_record(store.meta)
    if record is None:
        if store.namespace != DEFAULT_NAMESPACE:
            raise base.namespace_not_found(store.namespace)
        return {}
    return record.settings


def _read_record(path: Path) -> Namespace | None:
    raw = files.read_bytes(path)
    if raw is None:
        return None
    try:
        data = json.loads(raw)
        return Namespace(
            str(data["name"]),
            None if data.get("created") is None else float(data["created"]),
            dict(data.get("settings") or {}),
        )
    except (ValueError, TypeError, KeyError, AttributeError):
        raise state_file_error(str(path), "it is not a namespace record") from None


class FileBackend(base.Backend):
    def __init__(self, home: Path) -> None:
        self.home = home

    def describe(self) -> str:
        return str(self.home)

    def _folder(self, name: str) -> Path:
        return self.home / FOLDER / name

    def store(self, namespace: str, shape_of: Callable[[Key], Shape | None] | None) -> Store:
        meta = self._folder(namespace) / RECORD
        if namespace == DEFAULT_NAMESPACE:
            return Store(self.home / "state", shape_of, namespace, meta, self.home)
        return Store(self._folder(namespace) / "state", shape_of, namespace, meta, self.home)

    # -- namespaces --------------------------------------------------------------------------

    def namespaces(self) -> list[Namespace]:
        found = [self.namespace(DEFAULT_NAMESPACE)]
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            for name in sorted(os.listdir(self.home / FOLDER)):
                if base.valid_name(name) and name != DEFAULT_NAMESPACE:
                    found.append(self.namespace(name))
        return [n for n in found if n is not None]

    def namespace(self, name: str) -> Namespace | None:
        record = _read_record(self._folder(name) / RECORD)
        if name == DEFAULT_NAMESPACE:
            return Namespace(DEFAULT_NAMESPACE, None, record.settings if record else {})
        if record is not None:
            # Every commit writes and removes its journal in the state folder, so the folder's
            # modification time is the last commit's.
            with contextlib.suppress(OSError):
                record.changed = round((self._folder(name) / "state").stat().st_mtime, 3)
        return record

    def create_namespace(self, name: str, settings: dict[str, Any]) -> Namespace:
        if name == DEFAULT_NAMESPACE:
            raise _exists(name)
        namespace = Namespace(name, round(time.time(), 3), settings)
        if not self._link_record(namespace, replace=False):
            raise _exists(name)
        return namespace

    def update_namespace(self, name: str, settings: dict[str, Any]) -> Namespace:
        current = self.namespace(name)
        if current is None:
            raise base.namespace_not_found(name)
        updated = Namespace(name, current.created, settings)
        with self.store(name, None).exclusive():  # not while it is being deleted
            if self.namespace(name) is None:
                raise base.namespace_not_found(name)
            self._link_record(updated, replace=True)
        return updated

    def _link_record(self, namespace: Namespace, replace: bool) -> bool:
        """Write the record whole; without `replace`, only if there is none (False then)."""
        from sigctl.home import ensure_private_dir

        folder = self._folder(namespace.name)
        ensure_private_dir(folder)
        body = {
            "name": namespace.name,
            "created": namespace.created,
            "settings": namespace.settings,
        }
        data = json.dumps(body, sort_keys=True, indent=1).encode() + b"\n"
        target = folder / RECORD
        if replace:
            files.write_atomically(target, data)
            return True
        scratch = folder / f".{RECORD}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
        try:
            files.write_atomically(scratch, data)
            try:
                os.link(scratch, target)  # atomic, and refuses to replace an existing record
            except FileExistsError:
                return False
            files.fsync_dir(folder)
            return True
        finally:
            with contextlib.suppress(OSError):
                scratch.unlink()

    def delete_namespace(self, name: str) -> None:
        base.refuse_deleting_default(name)
        folder = self._folder(name)
        if _read_record(folder / RECORD) is None:
            raise base.namespace_not_found(name)
        state = folder / "state"
        from sigctl.home import ensure_private_dir
        from sigctl.store.lock import StateLock

        ensure_private_dir(state)
        lock = StateLock(state / LOCK)
        lock.acquire(exclusive=True)  # waits for the namespace's running commands
        try:
            if _read_record(folder / RECORD) is None:
                raise base.namespace_not_found(name)  # deleted meanwhile
            aside = self.home / FOLDER / f".deleted-{name}-{os.urandom(4).hex()}"
            os.replace(folder, aside)  # from here on the namespace does not exist
            files.fsync_dir(self.home / FOLDER)
        finally:
            lock.release()
        shutil.rmtree(aside, ignore_errors=True)

    def signing_key(self) -> bytes:
        """The token key, made once (0600) beside the served certificate."""
        path = self.home.joinpath(*_KEY_FILE)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            pass
        from sigctl.home import ensure_private_dir

        ensure_private_dir(path.parent)
        key = os.urandom(32)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            return path.read_bytes()
        with os.fdopen(fd, "wb") as out:
            out.write(key)
        return key


def _exists(name: str) -> ArmError:
    return ArmError("NamespaceAlreadyExists", f"The namespace '{name}' already exists.", 409)
