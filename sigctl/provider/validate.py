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
