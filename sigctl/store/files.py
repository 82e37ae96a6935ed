"""Reading and writing one state file: versioned JSON, private to its owner, replaced atomically."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sigctl.errors import state_file_error
from sigctl.text import hex_bytes, raw

SCHEMA_VERSION = 2  # 2: replication records are timed on the progress clock
FILE_MODE = 0o600
# Far above what a request may nest (ARM refuses 64 levels), far below what the JSON reader
# can read back: a document nested deeper could be written but never read again.
MAX_DEPTH = 256


class Unstorable(ValueError):
    """A document that cannot become a state file (and so must never reach a journal)."""


def encode(document: Any, key: list[str] | None = None) -> bytes:
    """The file for `document`; `key` is recorded when the file name alone cannot give it back."""
    wrapped: dict[str, Any] = {"schemaVersion": SCHEMA_VERSION, "document": document}
    if key is not None:
        wrapped["key"] = key
    from sigctl.store import layout  # writes only: a read never encodes

    try:
        text = layout.indented(wrapped, deepest=MAX_DEPTH)  # the document is one level down
    except layout.TooDeep:
        raise _too_deep() from None
    except layout.Unusual:
        check_depth(document)
        text = dumps(wrapped, indent=1)  # the same text, or json's own error
    return utf8(text) + b"\n"


def _too_deep() -> Unstorable:
    return Unstorable(f"is nested more than {MAX_DEPTH} levels deep")


def dumps(value: Any, **layout: Any) -> str:
    """`value` as JSON text, keys sorted (so every backend stores and returns the same text)."""
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, **layout)
    except (TypeError, ValueError, RecursionError) as exc:
        raise Unstorable(f"is not JSON data ({exc})") from None


def utf8(text: str) -> bytes:
    try:
        return text.encode()
    except UnicodeEncodeError as exc:
        bad = hex_bytes(raw(exc.object[exc.start : exc.end]))
        raise Unstorable(f"holds text that is not valid UTF-8 (bytes {bad})") from None


def check_depth(document: Any) -> None:
    """Refuse nesting deeper than MAX_DEPTH, without recursing (so any depth is safe to check)."""
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _too_deep()
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


def unwrap(path: Path, raw: bytes) -> dict[str, Any]:
    """The wrapper of a state file, refusing anything this version cannot safely read or rewrite."""
    try:
        wrapped = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise state_file_error(str(path), f"it is not valid JSON ({exc})") from None
    except RecursionError:
        raise state_file_error(str(path), "it is nested too deeply to read") from None
    if not isinstance(wrapped, dict) or "schemaVersion" not in wrapped or "document" not in wrapped:
        raise state_file_error(str(path), "it is not a sigctl state file")
    version = wrapped["schemaVersion"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise state_file_error(str(path), f"its schema version {version!r} is not valid")
    if version > SCHEMA_VERSION:
        raise state_file_error(
            str(path),
            f"it was written by a newer sigctl (schema {version}; this sigctl reads up to "
            f"{SCHEMA_VERSION})",
        )
    key = wrapped.get("key")
    if key is not None and not (isinstance(key, list) and all(isinstance(p, str) for p in key)):
        raise state_file_error(str(path), "its recorded key is not a list of names")
    return wrapped


def decode(path: Path, raw: bytes) -> Any:
    return unwrap(path, raw)["document"]


def read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise state_file_error(str(path), exc.strerror or str(exc)) from None


def read_document(path: Path) -> Any | None:
    raw = read_bytes(path)
    return None if raw is None else decode(path, raw)


def recorded_key(path: Path) -> list[str] | None:
    """The key a state file records for itself (only files with shortened names have one)."""
    raw = read_bytes(path)
    return None if raw is None else unwrap(path, raw).get("key")


def write_atomically(
    path: Path,
    data: bytes | Iterable[bytes],
    scratch: Path | None = None,
    flush: bool = True,
    make_dirs: bool = True,
) -> None:
    """Write a private temporary file, flush it to disk, then rename it over `path`.

    The temporary file goes to `scratch` when given (one folder a later writer can empty of
    what a killed process left), else beside `path`; a failed write removes it. `data` may
    come in pieces (a large journal). With `flush` False the caller flushes later (a journal's
    many files, with one sync). `make_dirs` False: the caller has made both folders.
    """
    folder = scratch or path.parent
    if make_dirs:
        make_private_dirs(path.parent)
        if scratch is not None:
            make_private_dirs(scratch)
    tmp = folder / f".{path.name[:64]}.{os.getpid()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        try:
            for piece in [data] if isinstance(data, bytes) else data:
                view = memoryview(piece)
                while view:  # os.write may write less than asked
                    view = view[os.write(fd, view) :]
            if flush:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


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
