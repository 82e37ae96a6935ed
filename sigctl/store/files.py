"""Reading and writing one state file: versioned JSON, private to its owner, replaced atomically."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

from sigctl.errors import state_file_error

SCHEMA_VERSION = 2  # 2: replication records are timed on the progress clock
FILE_MODE = 0o600


def encode(document: Any) -> bytes:
    wrapped = {"schemaVersion": SCHEMA_VERSION, "document": document}
    return json.dumps(wrapped, ensure_ascii=False, sort_keys=True, indent=1).encode() + b"\n"


def decode(path: Path, raw: bytes) -> Any:
    """Unwrap a state file, refusing anything this version cannot safely read or rewrite."""
    try:
        wrapped = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise state_file_error(str(path), f"it is not valid JSON ({exc})") from None
    if not isinstance(wrapped, dict) or "schemaVersion" not in wrapped or "document" not in wrapped:
        raise state_file_error(str(path), "it is not a sigctl state file")
    version = wrapped["schemaVersion"]
    if not isinstance(version, int) or version < 1:
        raise state_file_error(str(path), f"its schema version {version!r} is not valid")
    if version > SCHEMA_VERSION:
        raise state_file_error(
            str(path),
            f"it was written by a newer sigctl (schema {version}; this sigctl reads up to "
            f"{SCHEMA_VERSION})",
        )
    return wrapped["document"]


def read_document(path: Path) -> Any | None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise state_file_error(str(path), exc.strerror or str(exc)) from None
    return decode(path, raw)


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a private temporary file, flush it to disk, then rename it over `path`."""
    make_private_dirs(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def make_private_dirs(directory: Path) -> None:
    """mkdir -p where every created level is 0700 (mkdir's mode covers only the last one)."""
    if directory.is_dir():
        return
    make_private_dirs(directory.parent)
    with contextlib.suppress(FileExistsError):
        directory.mkdir(mode=0o700)
    os.chmod(directory, 0o700)


def fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems refuse fsync on directories; the rename is still atomic
    finally:
        os.close(fd)
