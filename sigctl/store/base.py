"""What every state backend gives the service: all-or-nothing transactions over keyed documents.

A document is a JSON value stored under a key (a tuple of names, see sigctl.provider.context for
the layout). A transaction reads documents as it needs them and collects its changes in memory;
they reach the backend together when it ends without an error, or not at all. What a transaction
has written, it reads back before the commit; other transactions see it only after.

Two backends implement it: sharded JSON files under SIGCTL_HOME (sigctl.store.transaction) and
PostgreSQL (sigctl.store.postgres). Each keeps namespaces, isolated clouds of their own
documents and settings, side by side (sigctl.store.namespaces).
"""

from __future__ import annotations

import abc
import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, TypeVar

from sigctl.errors import ArmError, state_file_error
from sigctl.record import Record

Key = tuple[str, ...]
Shape = Callable[[Any], bool]
T = TypeVar("T")

DEFAULT_NAMESPACE = "default"
DELETED = object()  # a pending delete


class Conflict(ArmError):
    """The backend refused a commit because a concurrent change touched what it read; running
    the same work again (a fresh transaction) is safe (Store.retrying does)."""


class Finding(Record):
    """A problem `state check` reports (and `state repair` may fix)."""

    _fields = ("location", "problem", "repair", "advice", "repaired")

    def __init__(
        self,
        location: str,  # a file, folder or document (or "the state")
        problem: str,
        repair: str | None,  # what `sigctl state repair` does about it; None: it would lose data
        advice: str = "",  # what a person can do when repair will not
        repaired: bool = False,
    ) -> None:
        self.location, self.problem, self.repair = location, problem, repair
        self.advice, self.repaired = advice, repaired

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._fields}


class Namespace(Record):
    """One isolated cloud of a backend: its name, when it was made and last changed, and its
    own settings (service settings such as limits.galleries, which override the configuration)."""

    _fields = ("name", "created", "settings", "changed")

    def __init__(
        self,
        name: str,
        created: float | None = None,  # seconds since the epoch; None: not recorded (the default)
        settings: dict[str, Any] | None = None,
        changed: float | None = None,  # the last commit that changed its documents (else created)
    ) -> None:
        self.name, self.created, self.changed = name, created, changed
        self.settings: dict[str, Any] = {} if settings is None else settings


# A DNS label: fits a URL path segment, a file name and a CI job's name alike.
NAME_RULE = (
    "1 to 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit"
)
_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


def valid_name(name: str) -> bool:
    return _NAME.fullmatch(name) is not None


def checked_name(name: str) -> str:
    """A namespace name, lower-cased (names are case-insensitive, like ARM's), or ArmError 400."""
    lowered = name.lower()
    if not valid_name(lowered):
        raise ArmError(
            "InvalidNamespaceName",
            f"'{name}' is not a valid namespace name: use {NAME_RULE}.",
            400,
            "name",
        )
    return lowered


def refuse_deleting_default(name: str) -> None:
    if name == DEFAULT_NAMESPACE:
        raise ArmError(
            "CannotDeleteDefaultNamespace",
            "The default namespace cannot be deleted; reset it instead.",
            409,
        )


def namespace_not_found(name: str) -> ArmError:
    return ArmError("NamespaceNotFound", f"The namespace '{name}' does not exist.", 404)


class Store(abc.ABC):
    """The documents of one namespace of one backend."""

    namespace: str = DEFAULT_NAMESPACE
    shape_of: Callable[[Key], Shape | None] | None = None
    home: Path  # where this process's configuration lives

    @abc.abstractmethod
    def transaction(self, write: bool = False, likely: Iterable[Key] = ()) -> Transaction:
        """A transaction; `likely` names documents it will probably read, which a backend
        that pays a round trip per read may fetch together at the start (a guess: a key that
        is not read, or holds nothing, costs nothing more)."""

    @abc.abstractmethod
    def exists(self) -> bool:
        """Whether anything was ever stored (a fresh state reads as the embedded defaults)."""

    @abc.abstractmethod
    def location(self, key: Key, below: bool = False) -> str:
        """Where a document lives (with `below`: the documents under it), for messages."""

    @abc.abstractmethod
    def wipe(self) -> None:
        """Remove every document of the namespace, holding the writers' lock."""

    @abc.abstractmethod
    def exclusive(self) -> AbstractContextManager[None]:
        """Hold the writers' lock; transactions this thread opens meanwhile join it."""

    def check(self, fix: bool = False) -> list[Finding]:
        """Problems of the backend itself (with `fix`: repaired where nothing is lost)."""
        return []

    def unfinished(self) -> bool:
        """Whether a change an interrupted command left behind still waits to be resolved."""
        return False

    def retrying(self, work: Callable[[], T]) -> T:
        """Run `work` (which opens its own transactions); again when the backend reports a
        Conflict and no transaction of this thread is open around it."""
        return work()


class Transaction(abc.ABC):
    """The pending changes of one transaction, over what the backend has stored.

    A backend supplies the stored side: `_stored` (one document), `_stored_children`,
    `_stored_keys` (every key, or those below a key) and `_commit`.
    """

    def __init__(self, store: Store, write: bool) -> None:
        self.store = store
        self.write_mode = write
        self.cache: dict[Key, Any] = {}
        self.pending: dict[Key, Any] = {}
        self.pending_trees: list[Key] = []
        # The names of pending keys by parent: a listing in a big transaction (a fixture's
        # thousands of creates) looks at its own folder's changes, not at every change.
        self.pending_names: dict[Key, set[str]] = {}

    def __enter__(self) -> Transaction:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None and self.write_mode and self.changed:
            self._commit()

    @property
    def changed(self) -> bool:
        return bool(self.pending or self.pending_trees)

    @property
    def settings(self) -> dict[str, Any]:
        """The namespace's own settings (overriding the configuration's)."""
        return {}

    # -- reads -----------------------------------------------------------------------------

    def read(self, key: Key, shape: Shape | None = None) -> Any | None:
        """The document at `key`, or None. `shape` (else the store's shape for the key) tells a
        document sigctl wrote from one edited into something else; such a document is refused
        (naming it), never rewritten."""
        if key in self.pending:
            value = self.pending[key]
            return None if value is DELETED else value
        if self._in_deleted_tree(key):
            return None
        if key not in self.cache:
            document = self._stored(key)
            stored_shape = self.store.shape_of(key) if self.store.shape_of else None
            if document is not None and not all(
                check(document) for check in (shape, stored_shape) if check is not None
            ):
                raise state_file_error(
                    self.store.location(key), "it does not hold what sigctl stores there"
                )
            self.cache[key] = document
        return self.cache[key]

    def children(self, key: Key) -> list[str]:
        """Names of the documents stored directly under `key`, sorted."""
        names = set() if self._in_deleted_tree(key) else self._stored_children(key)
        for name in self.pending_names.get(key, ()):
            if self.pending[(*key, name)] is DELETED:
                names.discard(name)
            else:
                names.add(name)
        return sorted(names)

    def all_keys(self) -> list[Key]:
        """Every document key in the state (as this transaction would leave it), sorted."""
        found: set[Key] = set()
        if () not in self.pending_trees:
            found = {k for k in self._stored_keys(()) if not self._in_deleted_tree(k)}
        for key, value in self.pending.items():
            if value is DELETED:
                found.discard(key)
            else:
                found.add(key)
        return sorted(found)

    def any_below(self, key: Key) -> bool:
        """Whether any document is stored below `key` (a resource's children), the document at
        `key` itself not counted."""
        for pkey, value in self.pending.items():
            if len(pkey) > len(key) and pkey[: len(key)] == key and value is not DELETED:
                return True
        if self._in_deleted_tree(key):
            return False
        return any(
            self.pending.get(below) is not DELETED and not self._in_deleted_tree(below)
            for below in self._stored_keys(key)
        )

    def _in_deleted_tree(self, key: Key) -> bool:
        return any(key[: len(tree)] == tree for tree in self.pending_trees)

    # -- writes ----------------------------------------------------------------------------

    def write(self, key: Key, document: Any) -> None:
        self._require_write()
        self._set_pending(key, document)

    def delete(self, key: Key) -> None:
        self._require_write()
        self._set_pending(key, DELETED)

    def _set_pending(self, key: Key, value: Any) -> None:
        self.pending[key] = value
        if key:
            self.pending_names.setdefault(key[:-1], set()).add(key[-1])

    def delete_tree(self, key: Key) -> None:
        """Delete the document at `key` and every document below it."""
        self._require_write()
        for pkey in list(self.pending):
            if pkey[: len(key)] == key:
                del self.pending[pkey]
                if pkey:
                    self.pending_names[pkey[:-1]].discard(pkey[-1])
        if key:  # () is the whole state, which has no document of its own
            self._set_pending(key, DELETED)
        self.pending_trees.append(key)

    def _require_write(self) -> None:
        if not self.write_mode:
            raise RuntimeError("write in a read-only state transaction")

    # -- the backend's side ----------------------------------------------------------------

    @abc.abstractmethod
    def _stored(self, key: Key) -> Any | None:
        """The committed document at `key`, or None."""

    @abc.abstractmethod
    def _stored_children(self, key: Key) -> set[str]:
        """Names of the committed documents directly under `key`."""

    @abc.abstractmethod
    def _stored_keys(self, below: Key) -> Iterable[Key]:
        """Keys of the committed documents strictly below `below` (every key for ())."""

    @abc.abstractmethod
    def _commit(self) -> None:
        """Make every pending change durable, all of them or none."""


def older_than(namespaces: Iterable[Namespace], seconds: float) -> Iterator[Namespace]:
    """The namespaces neither created nor changed in the last `seconds`: abandoned ones (the
    default one never: it always exists)."""
    cutoff = time.time() - seconds
    for namespace in namespaces:
        if namespace.created is None:
            continue
        if max(namespace.created, namespace.changed or namespace.created) < cutoff:
            yield namespace


class Backend(abc.ABC):
    """Where the state lives (a home folder, a database), holding every namespace."""

    @abc.abstractmethod
    def store(self, namespace: str, shape_of: Callable[[Key], Shape | None] | None) -> Store: ...

    @abc.abstractmethod
    def describe(self) -> str:
        """Where the state lives, for people (a folder, or a database URL without password)."""

    @abc.abstractmethod
    def namespaces(self) -> list[Namespace]: ...

    @abc.abstractmethod
    def namespace(self, name: str) -> Namespace | None: ...

    @abc.abstractmethod
    def create_namespace(self, name: str, settings: dict[str, Any]) -> Namespace:
        """A new, empty namespace; ArmError 409 if it exists."""

    @abc.abstractmethod
    def update_namespace(self, name: str, settings: dict[str, Any]) -> Namespace:
        """Replace a namespace's settings."""

    @abc.abstractmethod
    def delete_namespace(self, name: str) -> None:
        """Remove a namespace and everything in it, waiting for its writers to finish."""

    @abc.abstractmethod
    def signing_key(self) -> bytes:
        """The secret the token service signs with, shared by every server of this backend."""
