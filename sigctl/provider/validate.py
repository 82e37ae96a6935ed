"""Shape checks on request bodies, with ARM's error for content it cannot deserialize."""

from __future__ import annotations

from typing import Any

from sigctl.errors import ArmError


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
    from sigctl.errors import invalid_parameter

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
    return out


def expect_datetime(value: Any, path: str) -> str | None:
    """An ISO 8601 instant, echoed the way the service serialises it (UTC, +00:00)."""
    if value is None:
        return None
    from sigctl.provider.clock import parse_instant

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
