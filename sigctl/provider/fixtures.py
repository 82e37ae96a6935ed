"""Moving whole states: snapshots, and marking a seeded version as already replicated.

A *snapshot* (`sigctl state export`) is every document of the state, verbatim; importing it
replaces the state, so a CI job can start from exactly where another one ended. Fixtures (what a
person writes to seed a demo, in az's terms) are read by sigctl.cli.fixture.
"""

from __future__ import annotations

from typing import Any

from sigctl.errors import ArmError
from sigctl.provider import consistency, ids, shapes
from sigctl.provider.context import Request
from sigctl.store.files import SCHEMA_VERSION

SNAPSHOT_MARK = "sigctlState"


# -- snapshots ----------------------------------------------------------------------------------


def export(tx: Any) -> dict[str, Any]:
    return {
        SNAPSHOT_MARK: SCHEMA_VERSION,
        "documents": {"/".join(key): tx.read(key) for key in tx.all_keys()},
    }


def replace(tx: Any, snapshot: dict[str, Any]) -> int:
    version = snapshot.get(SNAPSHOT_MARK)
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise ArmError(
            "InvalidSnapshot",
            f"This snapshot has schema {version!r}; this sigctl reads snapshots up to schema {SCHEMA_VERSION}.",
        )
    documents = snapshot.get("documents")
    if not isinstance(documents, dict):
        raise ArmError(
            "InvalidSnapshot", "A snapshot needs a 'documents' table of key -> document."
        )
    tx.delete_tree(())
    for key, document in documents.items():
        parts = tuple(p for p in str(key).split("/") if p)
        if not parts or any(p in (".", "..") for p in parts):
            raise ArmError("InvalidSnapshot", f"'{key}' is not a document key.")
        shape = shapes.for_key(parts)
        if shape is None or not shape(document):
            raise ArmError(
                "InvalidSnapshot", f"'{key}' is not a document sigctl stores, or not of its shape."
            )
        tx.write(parts, document)
    # A snapshot whose documents disagree (a missing index, orphaned versions) would leave a
    # state every later command refuses: it is refused as a whole instead.
    problems = consistency.check(tx)
    if problems:
        root = tx.store.location((), below=True)
        listed = "; ".join(f"{p.location.removeprefix(root)}: {p.problem}" for p in problems[:5])
        raise ArmError("InvalidSnapshot", f"The snapshot's documents do not agree: {listed}.")
    return len(documents)


def mark_replicated(ctx: Request, rid: ids.ResourceId) -> None:
    """A fixture describes a published version: its replication is already complete."""
    key = ctx.key("galleries", rid.names[0], "images", rid.names[1], "versions", rid.names[2])
    doc = ctx.tx.read(key)
    for entry in doc["replication"]["regions"].values():
        entry["seconds"] = 0.0
    ctx.tx.write(key, doc)
