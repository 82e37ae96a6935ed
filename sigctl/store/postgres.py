"""The PostgreSQL backend: every namespace's documents in one database, for any number of processes.

CLI commands and `sigctl serve` processes on one or several machines share the database named
by SIGCTL_DATABASE_URL (config core.database_url). One row per document:

    sigctl_documents(namespace, path, parent, schema_version, document)
    sigctl_namespaces(name, created, settings)      sigctl_secrets(name, value)
    sigctl_schema(version, description, applied)    the migrations applied (postgres_schema)

`path` is the document's key, each part percent-escaped, joined by '/'; `parent` the same for
the key without its last part, so a listing is one index lookup. `document` is the JSON text
with sorted keys, exactly what the file backend returns, so both give the same outputs.

How transactions keep every update:

- A writer first takes its namespace's advisory lock (a session lock, so it is held before the
  transaction's snapshot is taken), then runs SERIALIZABLE. The lock queues writers of one
  namespace like the file backend's lock does: the documents every command touches (accounts,
  a subscription's index) would otherwise make concurrent writers conflict and retry most of the
  time. SERIALIZABLE is the guarantee that does not depend on every writer taking that lock: a
  writer that did not (another tool, a hand-run SQL session) makes ours fail with a
  serialisation failure instead of losing an update; that failure is a Conflict, and the
  service runs the whole request again on a fresh snapshot (Store.retrying).
- A reader runs REPEATABLE READ, READ ONLY: one consistent snapshot, no lock, never blocked and
  never blocking a writer.
- A commit is one database transaction: every change lands, or none does. A connection lost
  mid-command leaves nothing half-applied; the command reports it.

Connections are kept per thread (a server's worker threads each hold one), and transactions a
thread opens inside one it holds join it, as on the file backend.
"""

from __future__ import annotations

import contextlib
import json
import random
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar, TypeVar
from urllib.parse import quote, unquote

import psycopg
from psycopg import errors as pgerrors
from psycopg import sql

from sigctl.errors import ArmError, state_file_error, unstorable
from sigctl.store import base, files
from sigctl.store.base import DELETED, Key, Namespace, Shape
from sigctl.store.postgres_schema import lock_key, migrate

T = TypeVar("T")

ATTEMPTS = 8  # runs of one request that meets conflicts, before giving up
_TOKEN_KEY = "token-key"
_PAGE = 500
_RETRYABLE = (pgerrors.SerializationFailure, pgerrors.DeadlockDetected)


# -- keys as rows ---------------------------------------------------------------------------


def _quote(part: str) -> str:
    return quote(part, safe="", errors="surrogatepass") if part else "%"


def _unquote(text: str) -> str:
    return "" if text == "%" else unquote(text, errors="surrogatepass")


def path_of(key: Key) -> str:
    return "/".join(_quote(p) for p in key)


def key_of(path: str) -> Key:
    return tuple(_unquote(p) for p in path.split("/")) if path else ()


def _encode(key: Key, document: Any) -> str:
    try:
        files.check_depth(document)
        text = files.dumps(document, separators=(",", ":"))
        files.utf8(text)
    except files.Unstorable as exc:
        raise unstorable(f"the document '{'/'.join(key)}' {exc}") from None
    return text


# -- errors ---------------------------------------------------------------------------------


def _reason(error: BaseException) -> str:
    """psycopg's message as one line, without libpq's hints and the FATAL prefix."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    text = re.sub(r"^connection failed: ", "", text)
    return re.sub(r"\s*(FATAL|ERROR):\s+", " ", text).strip()


def redacted(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)


class Database:
    """One database URL in this process: per-thread connections, the schema checked once."""

    _opened: ClassVar[dict[tuple[str, str], Database]] = {}
    _opening = threading.Lock()

    def __init__(self, url: str, setting: str) -> None:
        self.url = url
        self.setting = setting  # SIGCTL_DATABASE_URL or core.database_url: named in errors
        self.local = threading.local()
        self.schema_checked = False

    @classmethod
    def for_url(cls, url: str, setting: str) -> Database:
        with cls._opening:
            found = cls._opened.get((url, setting))
            if found is None:
                found = cls._opened[url, setting] = cls(url, setting)
            return found

    # -- errors naming the setting -------------------------------------------------------------

    def unavailable(self, error: BaseException, during: str = "") -> ArmError:
        return ArmError(
            "StateDatabaseUnavailable",
            f"The state database ({self.setting}) cannot be used: {_reason(error)}.{during}",
            503,
        )

    def failed(self, error: BaseException, committing: bool) -> ArmError:
        """A failure inside a transaction, as the command's error."""
        if isinstance(error, _RETRYABLE):
            return base.Conflict(
                "Conflict",
                "The change conflicted with a concurrent change to the state and was not "
                "saved. Run it again.",
                409,
            )
        if committing and isinstance(error, psycopg.OperationalError):
            return self.unavailable(
                error,
                " The connection was lost while the change was being committed: it was saved "
                "completely or not at all; look before running it again.",
            )
        if isinstance(error, psycopg.OperationalError):
            return self.unavailable(error, " Nothing was changed.")
        return ArmError(
            "StateDatabaseError",
            f"The state database ({self.setting}) refused a request: {_reason(error)}. "
            "Nothing was changed.",
            500,
        )

    # -- connections ---------------------------------------------------------------------------

    def connection(self) -> psycopg.Connection[Any]:
        """This thread's connection (made, and the schema migrated, on first use)."""
        conn = getattr(self.local, "conn", None)
        if conn is not None and not conn.closed and not conn.broken:
            return conn
        self.local.conn = None
        conn = self._connect()
        self.local.conn = conn
        if not self.schema_checked:
            try:
                migrate(conn, self.setting)
            except BaseException:
                self.discard()
                raise
            self.schema_checked = True
        return conn

    def _connect(self) -> psycopg.Connection[Any]:
        from psycopg.conninfo import conninfo_to_dict

        try:
            params = conninfo_to_dict(self.url)
        except psycopg.Error as error:
            raise ArmError(
                "InvalidStateDatabaseUrl",
                f"{self.setting} is not a usable PostgreSQL URL: {_reason(error)}. Use "
                "postgresql://USER:PASSWORD@HOST:PORT/DATABASE.",
                400,
            ) from None
        params.setdefault("connect_timeout", 10)
        params.setdefault("application_name", "sigctl")
        try:
            return psycopg.connect(autocommit=True, **params)
        except psycopg.Error as error:
            raise self.unavailable(error) from None

    def discard(self) -> None:
        """Close this thread's connection (a broken one, or one whose state is unknown)."""
        conn = getattr(self.local, "conn", None)
        self.local.conn = None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()

    def run(self, query: Any, params: Any = None) -> psycopg.Cursor[Any]:
        """One statement outside any transaction (autocommit), errors as ArmErrors."""
        if getattr(self.local, "active", None) is not None:
            raise RuntimeError("a namespace operation inside an open state transaction")
        return self._on_live_connection(lambda conn: conn.execute(query, params))

    def _on_live_connection(self, work: Callable[[psycopg.Connection[Any]], T]) -> T:
        """`work` on this thread's connection, errors as ArmErrors; once more on a new
        connection when a kept one turns out dead (the database restarted meanwhile)."""
        for attempt in (1, 2):
            kept = getattr(self.local, "conn", None) is not None
            try:
                return work(self.connection())
            except psycopg.OperationalError as error:
                self.discard()
                if attempt == 2 or not kept:
                    raise self.failed(error, committing=False) from None
            except psycopg.Error as error:
                self.discard()
                raise self.failed(error, committing=False) from None
        raise AssertionError("unreachable")

    @contextlib.contextmanager
    def locked(self, name: str) -> Iterator[psycopg.Connection[Any]]:
        """Hold namespace `name`'s writers' lock (its commands finish first, new ones wait)."""
        lock = sql.SQL("SELECT pg_advisory_lock({})").format(lock_key(name))
        conn = self._on_live_connection(lambda conn: conn.execute(lock).connection)
        try:
            yield conn
        finally:
            try:
                conn.execute(sql.SQL("SELECT pg_advisory_unlock({})").format(lock_key(name)))
            except psycopg.Error:
                self.discard()  # closing the session releases its locks


class PostgresStore(base.Store):
    def __init__(
        self,
        database: Database,
        namespace: str,
        shape_of: Callable[[Key], Shape | None] | None,
        home: Path,
    ) -> None:
        self.database = database
        self.namespace = namespace
        self.shape_of = shape_of
        self.home = home

    def transaction(self, write: bool = False, likely: Iterable[Key] = ()) -> PostgresTransaction:
        return PostgresTransaction(self, write, likely)

    def exists(self) -> bool:
        found = self.database.run(
            "SELECT EXISTS (SELECT 1 FROM sigctl_documents WHERE namespace = %s)",
            (self.namespace,),
        ).fetchone()
        return bool(found and found[0])

    def location(self, key: Key, below: bool = False) -> str:
        """`URL (namespace N): documents/key`; below () it is the prefix of every location."""
        where = f"{redacted(self.database.url)} (namespace {self.namespace}): "
        return where + path_of(key) + ("/" if below and key else "")

    def wipe(self) -> None:
        with self.transaction(write=True) as tx:
            tx.delete_tree(())

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        with self.transaction(write=True):
            yield

    def retrying(self, work: Callable[[], T]) -> T:
        local = self.database.local
        if getattr(local, "active", None) is not None or getattr(local, "retrying", False):
            return work()  # the transaction or retry loop around it decides
        local.retrying = True
        try:
            for attempt in range(ATTEMPTS):
                try:
                    return work()
                except base.Conflict:
                    if attempt == ATTEMPTS - 1:
                        raise
                    time.sleep(random.uniform(0, 0.002 * 2**attempt))  # let the other finish
        finally:
            local.retrying = False
        raise AssertionError("unreachable")


class PostgresTransaction(base.Transaction):
    store: PostgresStore

    def __init__(self, store: PostgresStore, write: bool, likely: Iterable[Key] = ()) -> None:
        super().__init__(store, write)
        self.likely = list(likely)
        # What the first round trip fetched of `likely`: (schema_version, text) or None.
        self.fetched: dict[Key, tuple[int, str] | None] = {}
        # The stored names under each folder listed so far: the snapshot does not change, so a
        # folder is asked once, and a document not among its names needs no query at all.
        self.listed: dict[Key, set[str]] = {}
        self.wrote = False  # whether the database transaction changed a document
        self.database = store.database
        self.conn: psycopg.Connection[Any] | None = None
        self.outer: PostgresTransaction | None = None  # the transaction this one joined
        self.locked = False
        self.raw: dict[Key, str | None] = {}  # stored text of what was read, to skip no-ops
        self._settings: dict[str, Any] = {}

    # -- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> PostgresTransaction:
        local = self.database.local
        outer: PostgresTransaction | None = getattr(local, "active", None)
        if outer is not None:
            if outer.store.namespace != self.store.namespace:
                raise RuntimeError("a state transaction of another namespace inside an open one")
            if self.write_mode and not outer.write_mode:
                raise RuntimeError("a state write was started inside a read of the same thread")
            self.outer, self.conn, self._settings = outer, outer.conn, outer._settings
            local.depth += 1
            return self
        for attempt in (1, 2):  # a kept connection may have died meanwhile: one fresh try
            conn = self.database.connection()
            try:
                self._begin(conn)
                break
            except psycopg.OperationalError as error:
                self.database.discard()  # the server rolls back and releases the lock
                self.conn, self.locked = None, False
                if attempt == 2:
                    raise self.database.unavailable(error) from None
            except psycopg.Error as error:
                self._abandon()
                raise self.database.failed(error, committing=False) from None
            except BaseException:
                self._abandon()
                raise
        local.active, local.depth = self, 1
        return self

    def _begin(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn
        namespace = sql.Literal(self.store.namespace)
        if self.write_mode:
            conn.execute(
                sql.SQL("SELECT pg_advisory_lock({})").format(lock_key(self.store.namespace))
            )
            self.locked = True
            begin = "BEGIN ISOLATION LEVEL SERIALIZABLE"
        else:
            begin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
        # One round trip: begin, the namespace's settings, and the documents likely read.
        paths = [path_of(key) for key in self.likely]
        cursor = conn.execute(
            sql.SQL(
                "{}; SELECT settings::text FROM sigctl_namespaces WHERE name = {}; "
                "SELECT path, schema_version, document FROM sigctl_documents "
                "WHERE namespace = {} AND path = ANY({})"
            ).format(sql.SQL(begin), namespace, namespace, sql.Literal(paths))
        )
        cursor.nextset()
        row = cursor.fetchone()
        if row is None:
            self._abandon()
            raise base.namespace_not_found(self.store.namespace)
        self._settings = json.loads(row[0])
        cursor.nextset()
        self.fetched = dict.fromkeys(self.likely)
        for path, version, text in cursor.fetchall():
            self.fetched[key_of(path)] = (version, text)

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        local = self.database.local
        if self.outer is not None:
            local.depth -= 1
            if exc_type is None and self.write_mode and self.changed:
                self._run(self._write_changes)
            return
        try:
            if exc_type is None:
                if self.write_mode and self.changed:
                    self._run(self._write_changes)
                self._finish("COMMIT")
            else:
                self._abandon()
        except BaseException:
            self._abandon()
            raise
        finally:
            local.active = None

    def _finish(self, end: str) -> None:
        """End the transaction (and release the lock), errors as the command's errors."""
        assert self.conn is not None
        statement = sql.SQL(end)
        if end == "COMMIT" and self.wrote:  # in the same round trip as the commit
            changed = sql.SQL("UPDATE sigctl_namespaces SET changed = now() WHERE name = {}")
            statement = sql.SQL("{}; {}").format(
                changed.format(sql.Literal(self.store.namespace)), statement
            )
        if self.locked:
            unlock = sql.SQL("SELECT pg_advisory_unlock({})").format(lock_key(self.store.namespace))
            statement = sql.SQL("{}; {}").format(statement, unlock)
        try:
            self.conn.execute(statement)
            self.locked = False
        except psycopg.Error as error:
            self._abandon()
            raise self.database.failed(error, committing=end == "COMMIT") from None

    def _abandon(self) -> None:
        """Roll back and release the lock; if the connection cannot, close it (the server then
        rolls back and releases)."""
        conn, self.conn = self.conn, None
        if conn is None:
            return
        if conn.closed or conn.broken:
            self.database.discard()
            self.locked = False
            return
        try:
            if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                conn.execute("ROLLBACK")
            if self.locked:
                conn.execute(
                    sql.SQL("SELECT pg_advisory_unlock({})").format(lock_key(self.store.namespace))
                )
        except BaseException:
            self.database.discard()
        self.locked = False

    def _run(self, work: Callable[[], T]) -> T:
        """A step inside the transaction; a database error ends it and becomes an ArmError."""
        try:
            return work()
        except psycopg.Error as error:
            if self.outer is None:
                self._abandon()
            raise self.database.failed(error, committing=False) from None

    @property
    def settings(self) -> dict[str, Any]:
        return self._settings

    # -- the stored side -------------------------------------------------------------------

    def _query(self, query: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        assert self.conn is not None
        conn = self.conn
        return self._run(lambda: conn.execute(query, params).fetchall())

    def _stored(self, key: Key) -> Any | None:
        if key in self.fetched:
            found = self.fetched.pop(key)
            rows = [] if found is None else [found]
        elif key and key[-1] not in self.listed.get(key[:-1], (key[-1],)):
            rows = []
        else:
            rows = self._query(
                "SELECT schema_version, document FROM sigctl_documents "
                "WHERE namespace = %s AND path = %s",
                (self.store.namespace, path_of(key)),
            )
        if not rows:
            self.raw[key] = None
            return None
        version, text = rows[0]
        if version > files.SCHEMA_VERSION:
            raise state_file_error(
                self.store.location(key),
                f"it was written by a newer sigctl (schema {version}; this sigctl reads up to "
                f"{files.SCHEMA_VERSION})",
            )
        self.raw[key] = text
        try:
            return json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise state_file_error(
                self.store.location(key), f"it is not valid JSON ({exc})"
            ) from None

    def _stored_children(self, key: Key) -> set[str]:
        if key not in self.listed:
            rows = self._query(
                "SELECT path FROM sigctl_documents WHERE namespace = %s AND parent = %s",
                (self.store.namespace, path_of(key)),
            )
            self.listed[key] = {key_of(row[0])[-1] for row in rows}
        return set(self.listed[key])

    def _stored_keys(self, below: Key) -> Iterator[Key]:
        """Lazily, a page at a time (whether anything is below a key needs the first only)."""
        query = "SELECT path FROM sigctl_documents WHERE namespace = %s AND path {} %s"
        params: tuple[Any, ...] = (self.store.namespace,)
        if below:  # with the "C" collation, the paths below 'p' are those in ['p/', 'p0')
            prefix = path_of(below)
            query += " AND path < %s"
            params += (f"{prefix}0",)
            start = f"{prefix}/"
        else:
            start = ""
        comparison = ">="
        while True:
            page = self._query(
                query.format(comparison) + f" ORDER BY path LIMIT {_PAGE}",
                (params[0], start, *params[1:]),
            )
            for row in page:
                yield key_of(row[0])
            if len(page) < _PAGE:
                return
            start, comparison = page[-1][0], ">"

    # -- commit ----------------------------------------------------------------------------

    def _write_changes(self) -> None:
        assert self.conn is not None
        namespace = self.store.namespace
        upserts: list[tuple[str, str, str]] = []
        deletes: list[str] = []
        for key, value in self.pending.items():
            path = path_of(key)
            if value is DELETED:
                deletes.append(path)
                continue
            text = _encode(key, value)
            if key in self.raw and self.raw[key] == text:
                continue  # read and written back unchanged
            upserts.append((path, path_of(key[:-1]), text))
        conn = self.conn
        for tree in self.pending_trees:
            if tree:
                prefix = path_of(tree)
                conn.execute(
                    "DELETE FROM sigctl_documents WHERE namespace = %s "
                    "AND path >= %s AND path < %s",
                    (namespace, f"{prefix}/", f"{prefix}0"),
                )
            else:
                conn.execute("DELETE FROM sigctl_documents WHERE namespace = %s", (namespace,))
        if upserts or deletes or self.pending_trees:
            (self.outer or self).wrote = True
        if deletes:
            conn.execute(
                "DELETE FROM sigctl_documents WHERE namespace = %s AND path = ANY(%s)",
                (namespace, deletes),
            )
        if upserts:
            paths, parents, texts = (list(column) for column in zip(*upserts, strict=True))
            conn.execute(
                "INSERT INTO sigctl_documents (namespace, path, parent, schema_version, document) "
                "SELECT %s, path, parent, %s, document "
                # %b: arrays of text sent in binary, as they are (the text format escapes each)
                "FROM unnest(%b::text[], %b::text[], %b::text[]) AS t(path, parent, document) "
                "ON CONFLICT (namespace, path) DO UPDATE "
                "SET schema_version = EXCLUDED.schema_version, document = EXCLUDED.document",
                (namespace, files.SCHEMA_VERSION, paths, parents, texts),
            )

    def _commit(self) -> None:  # the base class's hook; __exit__ writes and commits itself
        self._write_changes()


class PostgresBackend(base.Backend):
    def __init__(self, database: Database, home: Path) -> None:
        self.database = database
        self.home = home

    def describe(self) -> str:
        return redacted(self.database.url)

    def store(
        self, namespace: str, shape_of: Callable[[Key], Shape | None] | None
    ) -> PostgresStore:
        return PostgresStore(self.database, namespace, shape_of, self.home)

    def namespaces(self) -> list[Namespace]:
        rows = self.database.run(
            "SELECT name, extract(epoch FROM created)::float8, settings::text, extract(epoch FROM changed)::float8 "
            "FROM sigctl_namespaces ORDER BY name"
        ).fetchall()
        return [_namespace(row) for row in rows]

    def namespace(self, name: str) -> Namespace | None:
        row = self.database.run(
            "SELECT name, extract(epoch FROM created)::float8, settings::text, extract(epoch FROM changed)::float8 "
            "FROM sigctl_namespaces WHERE name = %s",
            (name,),
        ).fetchone()
        return None if row is None else _namespace(row)

    def create_namespace(self, name: str, settings: dict[str, Any]) -> Namespace:
        row = self.database.run(
            "INSERT INTO sigctl_namespaces (name, created, changed, settings) "
            "VALUES (%s, now(), now(), %s) "
            "ON CONFLICT (name) DO NOTHING "
            "RETURNING name, extract(epoch FROM created)::float8, settings::text, extract(epoch FROM changed)::float8",
            (name, json.dumps(settings)),
        ).fetchone()
        if row is None:
            raise ArmError("NamespaceAlreadyExists", f"The namespace '{name}' already exists.", 409)
        return _namespace(row)

    def update_namespace(self, name: str, settings: dict[str, Any]) -> Namespace:
        with self.database.locked(name):
            self.database.run(
                "UPDATE sigctl_namespaces SET settings = %s WHERE name = %s",
                (json.dumps(settings), name),
            )
        found = self.namespace(name)
        if found is None:
            raise base.namespace_not_found(name)
        return found

    def delete_namespace(self, name: str) -> None:
        base.refuse_deleting_default(name)
        with self.database.locked(name):
            deleted = self.database.run(
                "DELETE FROM sigctl_namespaces WHERE name = %s", (name,)
            ).rowcount
        if not deleted:
            raise base.namespace_not_found(name)

    def signing_key(self) -> bytes:
        import secrets

        self.database.run(
            "INSERT INTO sigctl_secrets (name, value) VALUES (%s, %s) ON CONFLICT DO NOTHING",
            (_TOKEN_KEY, secrets.token_bytes(32)),
        )
        row = self.database.run(
            "SELECT value FROM sigctl_secrets WHERE name = %s", (_TOKEN_KEY,)
        ).fetchone()
        return bytes(row[0])


def _namespace(row: tuple[Any, ...]) -> Namespace:
    return Namespace(row[0], row[1], json.loads(row[2]), row[3])
