"""State files' JSON layout (`json.dumps(..., ensure_ascii=False, sort_keys=True, indent=1)`),
made faster than the standard library makes it.

With an indent, `json` encodes in Python, one generator per nesting level, and every piece of
text passes up through all of them: encoding took about a quarter of a large fixture import.
This writes the same text by appending pieces to one list. It knows JSON's own types only (str
keys; str, int, float, bool, None, list, tuple, dict values); anything else raises Unusual, and
the caller falls back to `json.dumps`, which then also gives its own errors.
"""

from __future__ import annotations

from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any


class Unusual(Exception):
    """A value outside what `indented` writes (the caller lets `json` handle it)."""


class TooDeep(Exception):
    """A value nested deeper than `indented` was allowed to go."""


_INFINITY = float("inf")


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == _INFINITY:
        return "Infinity"
    if value == -_INFINITY:
        return "-Infinity"
    return float.__repr__(value)


def indented(value: Any, deepest: int) -> str:
    """`json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1)`, or Unusual; TooDeep
    when something is nested more than `deepest` levels below `value`."""
    parts: list[str] = []
    _write(value, "\n", parts.append, deepest + 1)
    return "".join(parts)


def _scalar(value: Any) -> str | None:
    """A value that is not a container as JSON text; None for a container."""
    kind = type(value)
    if kind is str:
        return encode_basestring(value)  # type: ignore[no-any-return]
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        return _float(value)
    if kind is dict or kind is list or kind is tuple:
        return None
    raise Unusual


def _write(value: Any, newline: str, append: Any, limit: int) -> None:
    """Append a container's text (a scalar's, at the top); `newline` holds the indent of its
    level, and `limit` is one more than the deepest level allowed."""
    kind = type(value)
    if kind is dict:
        if not value:
            append("{}")
            return
        inner = newline + " "
        if len(inner) > limit:
            raise TooDeep
        separator = "{" + inner
        try:
            keys = sorted(value)  # str keys are unique: the order of sorted(items())
        except TypeError:  # keys of several types
            raise Unusual from None
        for key in keys:
            if type(key) is not str:
                raise Unusual
            item = value[key]
            text = encode_basestring(item) if type(item) is str else _scalar(item)
            if text is None:
                append(separator + encode_basestring(key) + ": ")
                _write(item, inner, append, limit)
            else:
                append(separator + encode_basestring(key) + ": " + text)
            separator = "," + inner
        append(newline + "}")
    elif kind is list or kind is tuple:
        if not value:
            append("[]")
            return
        inner = newline + " "
        if len(inner) > limit:
            raise TooDeep
        separator = "[" + inner
        for item in value:
            text = encode_basestring(item) if type(item) is str else _scalar(item)
            if text is None:
                append(separator)
                _write(item, inner, append, limit)
            else:
                append(separator + text)
            separator = "," + inner
        append(newline + "]")
    else:
        text = _scalar(value)
        if text is None:  # pragma: no cover - every container is handled above
            raise Unusual
        append(text)
