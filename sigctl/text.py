"""Text that is not valid UTF-8: finding it, and showing it safely.

Python hands undecodable bytes of arguments, environment variables and file names on as lone
surrogates (surrogateescape). Such a string cannot be written as UTF-8, so every layer that
accepts text refuses it with a message naming the bytes, instead of failing later.
"""

from __future__ import annotations


def invalid_utf8(text: str) -> tuple[int, str] | None:
    """Where `text` stops being UTF-8 and the bytes there, as [FF] (None: it is UTF-8)."""
    try:
        text.encode()
    except UnicodeEncodeError as exc:
        return exc.start, hex_bytes(raw(exc.object[exc.start : exc.end]))
    return None


def raw(chars: str) -> bytes:
    """The bytes lone surrogates stand for (surrogateescape), else their own encoding."""
    try:
        return chars.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return chars.encode("utf-8", "surrogatepass")


def hex_bytes(data: bytes) -> str:
    return "[" + " ".join(f"{b:02X}" for b in data) + "]"


def printable(text: str) -> str:
    """`text` with every byte that is not valid UTF-8 shown as \\xNN: safe to print and send."""
    return raw(text).decode("utf-8", "backslashreplace")
