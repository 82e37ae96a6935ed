"""az's generic update: `--set`, `--add`, `--remove` and `--force-string` on the printed shape.

az applies the operations in command-line order to the resource as it prints it (properties
flattened), then sends the result back with a PUT. Paths are dotted (`recommended.vCPUs.max`),
with list indexes (`targetRegions[0].name`); keys match in camelCase or snake_case. Values are
JSON when they parse as JSON (`--set tags={}`, `--set x=16`), else strings, unless
`--force-string`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from sigctl.cli.errors import CliError

ARM_TOP_LEVEL = (
    "id",
    "name",
    "type",
    "location",
    "tags",
    "identity",
    "systemData",
    "extendedLocation",
)

_SEGMENT = re.compile(r"^(?P<key>[^\[\]]*)(?P<indexes>(\[-?\d+\])*)$")


def decode(
    set_: list[str] | None, add: list[str] | None, remove: list[str] | None
) -> list[tuple[str, list[str]]]:
    """The operations in command-line order (the argument parser tagged each with its position)."""
    ops: list[tuple[int, str, list[str]]] = []
    for kind, encoded in (("set", set_), ("add", add), ("remove", remove)):
        for item in encoded or []:
            sequence, values = json.loads(item)
            ops.append((sequence, kind, values))
    return [(kind, values) for _, kind, values in sorted(ops)]


def unflatten(instance: dict[str, Any]) -> dict[str, Any]:
    """The ARM body for a flattened resource: non-envelope keys go back under `properties`."""
    body: dict[str, Any] = {}
    props: dict[str, Any] = {}
    for key, value in instance.items():
        if key == "resourceGroup":
            continue
        if key in ARM_TOP_LEVEL:
            body[key] = value
        else:
            props[key] = value
    body["properties"] = props
    return body


def snake(name: str) -> str:
    """The SDK's attribute names: hyperVGeneration -> hyper_v_generation, vCPUs -> v_cp_us."""
    first = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", first).lower()


def _same_key(a: str, b: str) -> bool:
    """A property of the schema, spelt in camelCase or snake_case."""
    return a == b or a.replace("_", "").lower() == b.replace("_", "").lower()


# Mappings whose keys are the user's own names, not properties: tags. Their names match
# case-insensitively, as Azure compares tag names; '_' is a character like any other.
USER_KEYED = ("tags",)


def _same_name(a: str, b: str) -> bool:
    return a.lower() == b.lower()


def _split_path(path: str) -> list[str | int]:
    """'a.b[0].c' -> ['a', 'b', 0, 'c'], honouring quoted keys ('tags."a.b"')."""
    parts: list[str] = []
    current = ""
    quote = None
    for char in path:
        if quote:
            if char == quote:
                quote = None
            else:
                current += char
        elif char in "\"'":
            quote = char
        elif char == ".":
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    out: list[str | int] = []
    for part in parts:
        match = _SEGMENT.match(part)
        if not match:
            out.append(part)
            continue
        if match.group("key"):
            out.append(match.group("key"))
        out += [int(i) for i in re.findall(r"-?\d+", match.group("indexes"))]
    if any(p == "" for p in out):
        raise CliError(f"usage error: invalid property path '{path}'")
    return out


def _value(text: str, force_string: bool) -> Any:
    if force_string:
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text
    except RecursionError:
        raise CliError(
            f"usage error: the JSON value '{text[:40]}...' is nested too deeply to read"
        ) from None


class Updater:
    """Applies operations to one flattened resource.

    `known` lists the top-level keys the command's schema has; an unknown top-level key is an
    error listing them (az's generated commands), unless `lenient` (az's image-version update
    sets it, and the service ignores it).
    """

    def __init__(
        self,
        instance: dict[str, Any],
        known: list[str],
        warn: Callable[[str], None],
        *,
        lenient: bool = False,
        strings: tuple[str, ...] = ("tags.*",),
        objects: dict[str, Any] | None = None,
    ) -> None:
        self.instance = instance
        self.known = known
        self.lenient = lenient
        # The keys of the schema's nested objects ({"recommended": {"vCPUs": {"min": None}}}):
        # az finds a typo in the middle of a path, and warns about one at its end.
        self.objects = objects or {}
        # Paths (fnmatch patterns) the schema types as strings: az serialises `--set tags.n=2`
        # through the model, so the service receives "2", not 2.
        self.strings = strings
        self.warn = warn

    def _typed(self, path: list[str | int], value: Any) -> Any:
        from fnmatch import fnmatchcase

        dotted = ".".join(p if isinstance(p, str) else "*" for p in path)
        if any(fnmatchcase(dotted, pattern) for pattern in self.strings):
            if isinstance(value, bool):
                return str(value).lower()
            if isinstance(value, (int, float)):
                return str(value)
        return value

    def apply(self, ops: list[tuple[str, list[str]]], force_string: bool) -> dict[str, Any]:
        for kind, values in ops:
            if kind == "set":
                for expression in values:
                    self._set(expression, force_string)
            elif kind == "add":
                self._add(values, force_string)
            else:
                self._remove(values)
        return self.instance

    # -- path resolution -------------------------------------------------------------------

    def _key_in(self, container: dict[str, Any], key: str, top: bool, where: str = "") -> str:
        same = _same_name if where in USER_KEYED else _same_key
        for existing in container:
            if same(existing, key):
                return existing
        if top:
            for known in self.known:
                if _same_key(known, key):
                    return known
            if not self.lenient:
                options = sorted({snake(k) for k in (*self.known, *container)})
                raise CliError(f"Couldn't find '{key}' in ''. Available options: {options}")
        return key

    def _walk(self, path: list[str | int], create: bool) -> tuple[Any, str | int]:
        """The container holding the last path element (creating dicts on the way if asked)."""
        node: Any = self.instance
        walked = ""
        schema: Any = self.objects
        for depth, part in enumerate(path[:-1]):
            part, schema = self._in_schema(node, part, schema, walked, depth == 0)
            node, walked = self._step(node, part, depth == 0, create, walked)
        last = path[-1]
        if isinstance(node, dict) and isinstance(last, str):
            if len(path) > 1 and isinstance(schema, dict):
                last = self._last_in_schema(node, last, schema, walked)
            last = self._key_in(node, last, len(path) == 1, walked)
        return node, last

    @staticmethod
    def _in_schema(
        node: Any, part: str | int, schema: Any, walked: str, top: bool
    ) -> tuple[str | int, Any]:
        """The schema's spelling of `part` and the schema below it (None: not described)."""
        if isinstance(part, int) or not isinstance(schema, dict):
            return part, None
        for key, below in schema.items():
            if _same_key(key, part):
                return key, below
        if top or (isinstance(node, dict) and any(_same_key(k, part) for k in node)):
            return part, None
        options = sorted(snake(k) for k in schema)
        raise CliError(f"Couldn't find '{part}' in '{walked}'. Available options: {options}")

    def _last_in_schema(
        self, node: dict[str, Any], last: str, schema: dict[str, Any], walked: str
    ) -> str:
        for key in schema:
            if _same_key(key, last):
                return key
        if not any(_same_key(k, last) for k in node):
            self.warn(
                f"Property '{last}' not found on {walked}. Send it as an additional property ."
            )
        return last

    def _step(
        self, node: Any, part: str | int, top: bool, create: bool, walked: str
    ) -> tuple[Any, str]:
        if isinstance(part, int):
            if not isinstance(node, list) or not -len(node) <= part < len(node):
                raise CliError(f"index {part} doesn't exist on {walked or 'the resource'}")
            return node[part], f"{walked}[{part}]"
        if not isinstance(node, dict):
            raise CliError(f"Couldn't find '{part}' in '{walked}'.")
        key = self._key_in(node, part, top, walked)
        if node.get(key) is None:
            if not create:
                options = sorted(snake(k) for k in node)
                raise CliError(
                    f"Couldn't find '{part}' in '{walked}'. Available options: {options}"
                )
            node[key] = {}
        return node[key], f"{walked}.{key}" if walked else key

    # -- operations ------------------------------------------------------------------------

    def _set(self, expression: str, force_string: bool) -> None:
        key, eq, text = expression.partition("=")
        if not eq or not key.strip():
            raise CliError(
                "usage error: Empty key in --set. Correct syntax: --set KEY=VALUE [KEY=VALUE ...]"
            )
        path = _split_path(key.strip())
        container, last = self._walk(path, create=True)
        value = self._typed([*path[:-1], last], _value(text, force_string))
        if isinstance(last, int):
            if not isinstance(container, list) or not -len(container) <= last < len(container):
                raise CliError(f"index {last} doesn't exist on {key}")
            container[last] = value
        elif isinstance(container, dict):
            container[last] = value
        else:
            raise CliError(f"Couldn't find '{last}' in '{key}'.")

    def _add(self, values: list[str], force_string: bool) -> None:
        path = _split_path(values[0])
        container, last = self._walk(path, create=True)
        target = (
            container[last]
            if isinstance(container, (dict, list)) and (isinstance(last, int) or last in container)
            else None
        )
        if target is None:
            target = []
            container[last] = target
        if not isinstance(target, list):
            raise CliError(f"'{values[0]}' is not a list; --add appends to lists")
        entry: dict[str, Any] = {}
        for argument in values[1:]:
            name, eq, text = argument.partition("=")
            if eq:
                entry[name] = self._typed([*path, 0, name], _value(text, force_string))
                continue
            if entry:
                target.append(entry)
                entry = {}
            target.append(self._typed([*path, 0], _value(argument, force_string)))
        if entry:
            target.append(entry)

    def _remove(self, values: list[str]) -> None:
        path = _split_path(values[0])
        container, last = self._walk(path, create=False)
        if len(values) > 1:
            target = container.get(last) if isinstance(container, dict) else container[last]
            try:
                index = int(values[1])
                target.pop(index)
            except (ValueError, IndexError, AttributeError, TypeError):
                raise CliError(f"index {values[1]} doesn't exist on {path[-1]}") from None
            return
        if isinstance(container, dict):
            container.pop(last, None)
        elif isinstance(container, list) and isinstance(last, int):
            container.pop(last)
