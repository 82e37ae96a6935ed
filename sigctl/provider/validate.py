"""Shape checks on request bodies, with ARM's error for content it cannot deserialize."""

from __future__ import annotations

from typing import Any

from sigctl.errors import ArmError, invalid_parameter
from sigctl.provider.clock import parse_instant
from sigctl.text import invalid_utf8, printable


def bad_content(path: str, value: Any, expected: str) -> ArmError:
    return ArmError(
        "InvalidRequestContent",
        "The request content was invalid and could not be deserialized: "
        f"'Error converting value {value!r} to type '{expected}'. Path '{path}'.'",
        400,
        path,
    )


def expect_str(value: Any, path: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise bad_content(path, value, "String")


def expect_choice(
    value: Any, allowed: tuple[str, ...], path: str, parameter: str | None = None
) -> str | None:
    """One of `allowed`, in any case, returned in its canonical spelling (None when absent).

    `parameter` is how the service names the field in its refusal, when not the body path.
    """
    text = expect_str(value, path)
    if text is None:
        return None
    for candidate in allowed:
        if candidate.lower() == text.lower():
            return candidate
    name = parameter or path
    raise invalid_parameter(
        f"The value '{text}' of parameter '{name}' is not valid. "
        f"Allowed values are: {', '.join(allowed)}.",
        name,
    )


def expect_bool(value: Any, path: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise bad_content(path, value, "Boolean")


def expect_int(value: Any, path: str) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise bad_content(path, value, "Int32")


def expect_dict(value: Any, path: str) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    raise bad_content(path, value, "Object")


# ARM's limits on tags (docs/emulation.md, Tags).
MAX_TAGS = 50
MAX_TAG_NAME = 512
MAX_TAG_VALUE = 256


def expect_tags(value: Any, path: str) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise bad_content(path, value, "Dictionary`2[String,String]")
    out: dict[str, str] = {}
    for key, item in value.items():
        if not isinstance(item, str):
            raise bad_content(f"{path}.{key}", item, "String")
        out[key] = item
    _check_tag_limits(out, path)
    return out


def _check_tag_limits(tags: dict[str, str], path: str) -> None:
    if len(tags) > MAX_TAGS:
        raise ArmError(
            "InvalidTags",
            f"Too many tags specified. Requested tag count - '{len(tags)}'. Maximum number of "
            f"tags allowed - '{MAX_TAGS}'.",
            400,
            path,
        )
    for name, text in tags.items():
        if not name.strip():
            raise ArmError(
                "InvalidTagName",
                "The tag name must be non-null, non-empty and non-whitespace only. Please "
                "provide an actual value.",
                400,
                path,
            )
        if len(name) > MAX_TAG_NAME:
            raise ArmError(
                "InvalidTagNameLength",
                f"Tag name too large. Following tag name '{name}' exceeded the maximum length. "
                f"Maximum allowed length for tag name - '{MAX_TAG_NAME}' characters.",
                400,
                path,
            )
        if len(text) > MAX_TAG_VALUE:
            raise ArmError(
                "InvalidTagValueLength",
                f"Tag value too large. Following tag value '{text}' exceeded the maximum length. "
                f"Maximum allowed length for tag value - '{MAX_TAG_VALUE}' characters.",
                400,
                path,
            )


# -- what ARM can read at all ---------------------------------------------------------------------

MAX_DEPTH = 64  # Json.NET's default MaxDepth, which ARM's deserializer keeps


def check_request(rid: str, query: dict[str, Any], body: Any) -> None:
    """Refuse what ARM could not read, before any handler sees it: text that is not valid UTF-8
    (a byte string an argument or a file carried in; Python hands such bytes on as lone
    surrogates) and bodies nested deeper than MAX_DEPTH."""
    bad = invalid_utf8(rid)
    if bad is not None:
        raise ArmError(
            "InvalidResourceId",
            f"Resource id '{printable(rid)}' is invalid: it is not valid UTF-8 (bytes {bad[1]}).",
            400,
        )
    for name, value in query.items():
        bad = invalid_utf8(value) if isinstance(value, str) else None
        if bad is not None:
            raise ArmError(
                "InvalidQueryParameterValue",
                f"The value '{printable(value)}' of query parameter '{name}' is not valid UTF-8 "
                f"(bytes {bad[1]}).",
                400,
                name,
            )
    _check_content(body)


def _check_content(body: Any) -> None:
    stack: list[tuple[Any, str, int]] = [(body, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, str):
            _check_text(value, path)
            continue
        if not isinstance(value, (dict, list)):
            continue
        if depth >= MAX_DEPTH:
            raise _unreadable(f"The reader's MaxDepth of {MAX_DEPTH} has been exceeded.", path)
        if isinstance(value, dict):
            for key, item in value.items():
                inner = f"{path}.{key}" if path else str(key)
                if isinstance(key, str):
                    _check_text(key, inner)
                stack.append((item, inner, depth + 1))
        else:
            stack.extend((item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value))


def _check_text(text: str, path: str) -> None:
    bad = invalid_utf8(text)
    if bad is not None:
        raise _unreadable(
            f"Unable to translate bytes {bad[1]} at index {bad[0]} from specified code page to "
            "Unicode.",
            path,
        )


def _unreadable(reason: str, path: str) -> ArmError:
    return ArmError(
        "InvalidRequestContent",
        f"The request content was invalid and could not be deserialized: '{reason}"
        + (f" Path '{printable(path)}'." if path else "")
        + "'",
        400,
        printable(path) or None,
    )


def expect_datetime(value: Any, path: str) -> str | None:
    """An ISO 8601 instant, echoed the way the service serialises it (UTC, +00:00)."""
    if value is None:
        return None
    try:
        parsed = parse_instant(value) if isinstance(value, str) and value.strip() else None
    except ArmError:
        parsed = None
    if parsed is None:
        raise ArmError(
            "InvalidRequestContent",
            f"Could not convert string to DateTimeOffset: {value}. Path '{path}'.",
            400,
            path,
        )
    return format_datetime(parsed)


def format_datetime(moment: Any) -> str:
    from datetime import UTC

    moment = moment.astimezone(UTC)
    fraction = f".{moment.microsecond:06d}".rstrip("0") if moment.microsecond else ""
    return f"{moment:%Y-%m-%dT%H:%M:%S}{fraction}+00:00"


def expect_list(value: Any, path: str) -> list[Any] | None:
    if value is None or isinstance(value, list):
        return value
    raise bad_content(path, value, "List")
