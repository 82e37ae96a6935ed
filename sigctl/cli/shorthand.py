"""az's shorthand syntax for structured argument values (`--target-regions "[{name:eastus2}]"`).

A value is a list `[a,b]`, a dict `{key:value,key2:value2}` or a string. A string holding spaces
or `,:[]{}"` goes in single quotes, with `'/` for a quote inside (`'it'/s'`); `null` is None; a
key without `:value` is left blank. What is not shorthand is read as JSON, and a path to an
existing file is read as JSON, or YAML for `.yml`/`.yaml`, as az's generated commands do.
"""

from __future__ import annotations

from typing import Any

BLANK = object()  # a dict key given without a value: `{name}`
_STOP = ",:]}"


class ShorthandError(ValueError):
    """az's message: what is wrong, the text up to the fault, and a caret under it."""

    def __init__(self, text: str, at: int, length: int, message: str) -> None:
        super().__init__(
            f"Shorthand Syntax Error: {message}:\n\t{text[: at + length]}\n\t{' ' * at}{'^' * length}"
        )


def decode(text: str) -> Any:
    """A compound argument value: a file, else shorthand, else JSON (az's order)."""
    import json
    import os

    path = os.path.expanduser(text)
    if os.path.isfile(path):
        with open(path, encoding="utf-8") as stream:
            if path.endswith((".yml", ".yaml")):
                import yaml

                return yaml.safe_load(stream)
            return json.load(stream)
    try:
        value, end = _value(text, 0)
        if end != len(text):
            raise ShorthandError(text, end, len(text) - end, "Redundant tail")
        return value
    except ShorthandError as error:
        try:
            return json.loads(text)
        except ValueError:
            raise error from None


def _value(text: str, at: int) -> tuple[Any, int]:
    if text.startswith("{", at):
        return _dict(text, at)
    if text.startswith("[", at):
        return _list(text, at)
    return _string(text, at)


def _dict(text: str, at: int) -> tuple[dict[str, Any], int]:
    out: dict[str, Any] = {}
    at += 1
    if text.startswith("}", at):
        return out, at + 1
    while at < len(text):
        start = at
        key, at = _string(text, at)
        if not isinstance(key, str) or key in out:
            raise ShorthandError(text, start, at - start, f"Duplicate defined dict key '{key}'")
        if text.startswith(":", at):
            value, at = _value(text, at + 1)
        elif at < len(text) and text[at] in ",}":
            value = BLANK
        else:
            raise ShorthandError(text, at, 1, "Expect characters ':' or ','")
        out[key] = value
        if text.startswith(",}", at):
            return out, at + 2
        if text.startswith(",", at):
            at += 1
        elif text.startswith("}", at):
            return out, at + 1
        else:
            raise ShorthandError(text, at, 1, "Expect character ',' or '}'")
    raise ShorthandError(text, at, 1, "Expect character '}'")


def _list(text: str, at: int) -> tuple[list[Any], int]:
    out: list[Any] = []
    at += 1
    if text.startswith("]", at):
        return out, at + 1
    while at < len(text):
        value, at = _value(text, at)
        out.append(value)
        if text.startswith(",]", at):
            return out, at + 2
        if text.startswith(",", at):
            at += 1
        elif text.startswith("]", at):
            return out, at + 1
        else:
            raise ShorthandError(text, at, 1, "Expect character ',' or ']'")
    raise ShorthandError(text, at, 1, "Expect character ']'")


def _string(text: str, at: int) -> tuple[str | None, int]:
    if text.startswith("'", at):
        return _quoted(text, at)
    start = at
    while at < len(text) and text[at] not in _STOP:
        if text[at].isspace():
            raise ShorthandError(text, at, 1, "Please wrap whitespace character in single quotes")
        if text[at] in "\"'":
            raise ShorthandError(text, at, 1, f"Please wrap {text[at]} character in single quotes")
        at += 1
    if at == start:
        raise ShorthandError(text, at, 1, "Cannot parse empty")
    word = text[start:at]
    return (None if word == "null" else word), at


def _quoted(text: str, at: int) -> tuple[str, int]:
    out = ""
    at += 1
    while at < len(text):
        if text[at] == "'":
            if text.startswith("/", at + 1):  # '/ is a quote inside the string
                out += "'"
                at += 2
                continue
            return out, at + 1
        out += text[at]
        at += 1
    raise ShorthandError(text, at, 1, "Miss end quota character: '")


def object_value(text: str, option: str) -> Any:
    """`decode` for a free-form object argument, failing with az's message for `option`.

    A key given without a value has no declared blank value here, so it reads as null.
    """
    import yaml

    try:
        return _blank_to_none(decode(text))
    except (ValueError, OSError, yaml.YAMLError) as error:
        from sigctl.cli.errors import CliError

        raise CliError(f"Failed to parse '{option}' argument: {error}") from None


def _blank_to_none(value: Any) -> Any:
    if value is BLANK:
        return None
    if isinstance(value, dict):
        return {k: _blank_to_none(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_blank_to_none(v) for v in value]
    return value
