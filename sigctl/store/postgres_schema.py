"""The PostgreSQL backend's schema: versioned migrations, applied in order, once, by whichever
process first opens a database that lacks them (sigctl.store.postgres describes the tables)."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import errors as pgerrors
from psycopg import sql

from sigctl.errors import ArmError

# Versioned schema changes, applied in order, each in its own transaction, once.
MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "namespaces, documents and secrets",
        """
        CREATE TABLE sigctl_namespaces (
            name text COLLATE "C" PRIMARY KEY,
            created timestamptz,
            settings jsonb NOT NULL DEFAULT '{}'
        );
        INSERT INTO sigctl_namespaces (name, created) VALUES ('default', NULL);
        CREATE TABLE sigctl_documents (
            namespace text COLLATE "C" NOT NULL
                REFERENCES sigctl_namespaces (name) ON DELETE CASCADE,
            path text COLLATE "C" NOT NULL,
            parent text COLLATE "C" NOT NULL,
            schema_version smallint NOT NULL,
            document text NOT NULL,
            PRIMARY KEY (namespace, path)
        );
        CREATE INDEX sigctl_documents_parent ON sigctl_documents (namespace, parent);
        CREATE TABLE sigctl_secrets (name text PRIMARY KEY, value bytea NOT NULL);
        """,
    ),
    (
        2,
        "when each namespace last changed",
        """
        ALTER TABLE sigctl_namespaces ADD COLUMN changed timestamptz;
        UPDATE sigctl_namespaces SET changed = created;
        """,
    ),
]
SCHEMA = MIGRATIONS[-1][0]


def lock_key(name: str) -> sql.Composable:
    """An advisory lock's key, computed by the server from a name (no collision in practice)."""
    return sql.SQL("hashtextextended({}, 0)").format(sql.Literal(f"sigctl:{name}"))


def migrate(conn: psycopg.Connection[Any], setting: str) -> None:
    """Bring the schema to SCHEMA, or refuse a database a newer sigctl migrated."""
    try:
        version = conn.execute("SELECT max(version) FROM sigctl_schema").fetchone()[0]
    except pgerrors.UndefinedTable:
        version = 0
    if version == SCHEMA:
        return
    if version is not None and version > SCHEMA:
        raise ArmError(
            "StateDatabaseTooNew",
            f"The state database ({setting}) was migrated by a newer sigctl (schema version "
            f"{version}; this sigctl knows up to {SCHEMA}). Upgrade sigctl.",
            500,
        )
    key = lock_key("migrations")
    conn.execute(sql.SQL("SELECT pg_advisory_lock({})").format(key))
    try:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS sigctl_schema (version integer PRIMARY KEY, "
            "description text NOT NULL, applied timestamptz NOT NULL DEFAULT now())"
        )
        done = conn.execute("SELECT coalesce(max(version), 0) FROM sigctl_schema").fetchone()[0]
        for number, description, statements in MIGRATIONS:
            if number > done:  # another process may have applied some meanwhile
                with conn.transaction():
                    conn.execute(statements)  # type: ignore[arg-type]
                    conn.execute(
                        "INSERT INTO sigctl_schema (version, description) VALUES (%s, %s)",
                        (number, description),
                    )
    finally:
        conn.execute(sql.SQL("SELECT pg_advisory_unlock({})").format(key))
