"""Shell completion: what can follow the words before the cursor.

The scripts of `sigctl completion SHELL` call `sigctl __complete`, which the entry point hands
to `main` below before anything else is imported, so ordinary commands never load this module.
Commands, options and allowed values come from the command tree; resource names (groups,
galleries, definitions, versions, regions, principals, subscriptions) from the emulated cloud,
read through the client's ARM calls and the provider's request interface: reads share the
state's lock with other readers and never take the write lock.

Completion is best effort: anything that goes wrong yields no candidates, never an error.
"""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Callable, Iterable
from functools import cached_property
from typing import Any

from sigctl.cli import tree
from sigctl.cli.argv import ALLOWED_VALUES, GLOBAL_VALUES, OUTPUT_FORMATS, option_table

SHELLS = ("bash", "zsh", "fish", "powershell")
# bash splits the word under the cursor at these (COMP_WORDBREAKS), so `--opt=va<TAB>` and
# `eastus2=2` replace only what follows the last one.
_BASH_BREAKS = "=:"
# The location listing the regions are read from (any api-version ARM accepts for it).
_LOCATIONS_API = "2022-12-01"


def main(args: list[str]) -> int:
    """`sigctl __complete --shell SHELL (--line TEXT | -- WORD... CURRENT)`: one candidate a
    line on stdout."""
    try:
        shell, words = _request(args)
        found = candidates(words[:-1], words[-1])
        if shell == "bash":
            cut = max(words[-1].rfind(c) for c in _BASH_BREAKS) + 1
            found = [c[cut:] for c in found]
        sys.stdout.write("".join(f"{c}\n" for c in found))
    except Exception:  # a completion never fails loudly: the shell shows nothing instead
        pass
    return 0


def _request(args: list[str]) -> tuple[str, list[str]]:
    shell = "bash"
    if args[:1] == ["--shell"]:
        shell, args = args[1], args[2:]
    if args[:1] == ["--line"]:
        return shell, split_line(args[1])
    if args[:1] == ["--"]:
        args = args[1:]
    return shell, args or [""]


def split_line(line: str) -> list[str]:
    """The words after the program name, the last being the one under the cursor ("" after a
    space). An unfinished quote is closed, as the word is still being typed."""
    for closing in ("", '"', "'"):
        try:
            words = shlex.split(line + closing)
        except ValueError:
            continue
        if not closing and (not line or line[-1].isspace()):
            words.append("")
        return words[1:] or [""]
    return [""]


def candidates(words: list[str], current: str) -> list[str]:
    """Everything that may replace `current`, given the complete words before it."""
    index = Index()
    path, rest = _walk(words)
    if words and words[-1] in GLOBAL_VALUES and not rest:
        return _matching(current, _global_values(words[-1], Lookup(words)))
    if not rest:
        if current.startswith("-"):
            return _matching(current, _long(option_table().strings))
        return _matching(current, index.group(path))
    command = index.command(path, rest[0])
    if command is None:
        return []
    return _for_command(command, path, rest[1:], current)


def _walk(words: list[str]) -> tuple[tuple[str, ...], list[str]]:
    """The group the words name (options among them skipped) and the words after it."""
    path: tuple[str, ...] = ()
    i = 0
    while i < len(words):
        word = words[i]
        if (*path, word) in tree.TREE:
            path = (*path, word)
        elif word in GLOBAL_VALUES:
            i += 1  # its value
        elif not word.startswith("-"):
            return path, words[i:]
        i += 1
    return path, []


def _for_command(
    command: dict[str, Any], path: tuple[str, ...], args: list[str], current: str
) -> list[str]:
    """`command` is the index's entry: each option string's parameter name, arity (as
    sigctl.cli.argv reads it) and allowed values, and the allowed values of its positional."""
    options = command["options"]
    given: dict[str, str] = {}  # parameter name -> the last value typed for it
    pending: str | None = None  # the option whose values are being typed
    for word in args:
        name, eq, value = word.partition("=") if word.startswith("--") else (word, "", "")
        if name in options or name in GLOBAL_VALUES:
            option = options.get(name)
            if option is None or option["arity"] != "flag":
                pending = name
            if eq and option is not None:
                given[option["name"]] = value
                pending = None
            continue
        option = options.get(pending or "")
        if option is not None:
            given[option["name"]] = word
        if option is None or option["arity"] not in ("list", "ordered"):
            pending = None
    lookup = Lookup(args, given, path)
    if current.startswith("--") and "=" in current:
        name, typed = current.split("=", 1)
        values = _values(options[name], lookup) if name in options else []
        return [f"{name}={v}" for v in _matching(typed, values)]
    if current.startswith("-") and not current[1:2].isdigit():
        return _matching(current, _long(command["order"]) if len(current) < 3 else command["order"])
    if pending in options:
        return _matching(current, _values(options[pending], lookup))
    if pending is not None:
        return _matching(current, _global_values(pending, lookup))
    return _matching(current, command["positional"])


class Index:
    """What completion needs of the command tree, so that a Tab need not import typer and the
    command modules: each group's children and commands, each command's options. Kept in
    SIGCTL_HOME/cache/, rebuilt entry by entry when sigctl's command modules change."""

    def __init__(self) -> None:
        from sigctl.home import home_dir

        self.path = home_dir() / "cache" / "completion.json"
        self.stamp = _stamp()
        self.data: dict[str, Any] = {"stamp": self.stamp, "groups": {}, "commands": {}}
        try:
            stored = json.loads(self.path.read_text())
            if stored.get("stamp") == self.stamp:
                self.data = stored
        except (OSError, ValueError):
            pass

    def group(self, path: tuple[str, ...]) -> list[str]:
        key = " ".join(path)
        if key not in self.data["groups"]:
            loaded = tree.TREE[path].load()
            commands = sorted(loaded.commands) if loaded else []
            self._save("groups", key, tree.children(path) + commands)
        return list(self.data["groups"][key])

    def command(self, path: tuple[str, ...], name: str) -> dict[str, Any] | None:
        key = " ".join((*path, name))
        if key not in self.data["commands"]:
            loaded = tree.TREE[path].load()
            if loaded is None or name not in loaded.commands:
                return None
            self._save("commands", key, _describe(loaded.commands[name]))
        entry: dict[str, Any] = self.data["commands"][key]
        return entry

    def _save(self, kind: str, key: str, value: Any) -> None:
        import os

        self.data[kind][key] = value
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_name(f".{self.path.name}.{os.getpid()}")
            partial.write_text(json.dumps(self.data))
            partial.replace(self.path)  # whole or not at all, whoever else completes meanwhile
        except OSError:
            pass  # a read-only home: complete without a cache


def _stamp() -> str:
    """Changes whenever the command modules do (an edited checkout, an upgrade)."""
    from pathlib import Path

    from sigctl import __version__

    here = Path(__file__).parent
    parts = [__version__]
    for module in sorted([*here.glob("*.py"), *(here / "commands").glob("*.py")]):
        stat = module.stat()
        parts.append(f"{module.name}:{stat.st_mtime_ns}:{stat.st_size}")
    import hashlib

    return hashlib.blake2b("|".join(parts).encode(), digest_size=8).hexdigest()


def _describe(spec: Any) -> dict[str, Any]:
    from sigctl.cli.argv import _arity
    from sigctl.cli.framework import typer_command

    command = typer_command(spec)
    options: dict[str, dict[str, Any]] = {}
    positional: list[str] = []
    for param in command.params:
        if param.param_type_name != "option":
            positional = positional or _allowed(param)
            continue
        entry = {"name": param.name, "arity": _arity(param), "allowed": _allowed(param)}
        for name in (*param.opts, *param.secondary_opts):
            options[name] = entry
    return {"options": options, "order": option_table(command).strings, "positional": positional}


def _long(options: Iterable[str]) -> list[str]:
    """Long options only: a list of `-g -r -i` adds nothing to `--resource-group`."""
    return [o for o in options if o.startswith("--")]


def _matching(prefix: str, values: Iterable[str]) -> list[str]:
    """az's completion test: a case-insensitive prefix; no value with spaces (one word each)."""
    lowered = prefix.lower()
    return [v for v in dict.fromkeys(values) if v.lower().startswith(lowered) and " " not in v]


def _allowed(param: Any) -> list[str]:
    func = getattr(param.type, "func", None)
    allowed = getattr(func, ALLOWED_VALUES, None) or getattr(param.type, "choices", None)
    return list(allowed or [])


def _global_values(option: str, lookup: Lookup) -> list[str]:
    if GLOBAL_VALUES[option] == "output":
        return list(OUTPUT_FORMATS)
    if GLOBAL_VALUES[option] == "subscription":
        return lookup.subscriptions()
    if GLOBAL_VALUES[option] == "principal":
        return lookup.principals()
    return []


def _values(option: dict[str, Any], lookup: Lookup) -> list[str]:
    if option["allowed"]:
        return list(option["allowed"])
    kind = _KINDS.get(option["name"])
    if option["name"] == "name" and lookup.path[-1:] == ("group",):
        kind = Lookup.groups  # `group show -n`
    return kind(lookup) if kind is not None else []


class Lookup:
    """Names from the emulated cloud, in the context of what the line already names."""

    def __init__(
        self, words: list[str], given: dict[str, str] | None = None, path: tuple[str, ...] = ()
    ) -> None:
        self.words = words
        self.given = given or {}
        self.path = path

    @cached_property
    def client(self) -> Any:
        """The CLI's client, for the subscription and principal the line names (--subscription,
        --as), else the current ones."""
        from sigctl.cli.context import GlobalOptions, Invocation

        options = GlobalOptions()
        for i, word in enumerate(self.words[:-1]):
            if GLOBAL_VALUES.get(word) in ("subscription", "principal"):
                setattr(options, GLOBAL_VALUES[word], self.words[i + 1])
        return Invocation(options).client

    def _group(self) -> str | None:
        group = self.given.get("resource_group")
        if group is None:
            group = self.client.invocation.setting("defaults.group")
        return group or None

    def _names(self, *pairs: str, group: str | None = None) -> list[str]:
        from sigctl.provider import ids

        client = self.client
        found = client.list(ids.compute_id(client.subscription, group, *pairs))
        return sorted(item["name"] for item in found)

    def groups(self) -> list[str]:
        from sigctl.provider import ids

        client = self.client
        found = client.list(ids.resource_group_id(client.subscription, None))
        return sorted(item["name"] for item in found)

    def galleries(self) -> list[str]:
        return self._names("galleries", group=self._group())

    def definitions(self) -> list[str]:
        gallery, group = self._gallery(), self._group()
        if gallery is None or group is None:
            return []
        return self._names("galleries", gallery, "images", group=group)

    def versions(self) -> list[str]:
        gallery, group = self._gallery(), self._group()
        image = self.given.get("gallery_image_definition") or self.given.get("definition")
        if gallery is None or group is None or image is None:
            return []
        return self._names("galleries", gallery, "images", image, "versions", group=group)

    def _gallery(self) -> str | None:
        return self.given.get("gallery_name") or self.given.get("gallery")

    def sources(self, kind: str) -> Callable[[], list[str]]:
        def names() -> list[str]:
            group = self._group()
            return self._names(kind, group=group) if group else []

        return names

    def _request(self, path: str, **query: str) -> list[dict[str, Any]]:
        return list(self.client.call("GET", path, **query).get("value") or [])

    def regions(self) -> list[str]:
        sub = self.client.subscription
        found = self._request(f"/subscriptions/{sub}/locations", **{"api-version": _LOCATIONS_API})
        return [region["name"] for region in found]

    def principals(self) -> list[str]:
        users = self._request("/v1.0/users")
        apps = self._request("/v1.0/servicePrincipals")
        return [u["userPrincipalName"] for u in users] + [a["displayName"] for a in apps]

    def subscriptions(self) -> list[str]:
        found = self._request("/subscriptions", **{"api-version": _LOCATIONS_API})
        return [s["displayName"] for s in found] + [s["subscriptionId"] for s in found]


_KINDS: dict[str, Callable[[Lookup], list[str]]] = {
    "resource_group": Lookup.groups,
    "destination_group": Lookup.groups,
    "gallery_name": Lookup.galleries,
    "gallery": Lookup.galleries,
    "gallery_image_definition": Lookup.definitions,
    "definition": Lookup.definitions,
    "gallery_image_version": Lookup.versions,
    "version": Lookup.versions,
    "location": Lookup.regions,
    "region": Lookup.regions,
    "target_regions": Lookup.regions,
    "as_": Lookup.principals,
    "assignee": Lookup.principals,
    "member_id": Lookup.principals,
    "subscription": Lookup.subscriptions,
    "subscription_ids": lambda lookup: [
        s for s in lookup.subscriptions() if s.count("-") == 4
    ],  # ids only
    "managed_image": lambda lookup: lookup.sources("images")(),
    "os_snapshot": lambda lookup: lookup.sources("snapshots")(),
    "data_snapshots": lambda lookup: lookup.sources("snapshots")(),
    "virtual_machine": lambda lookup: lookup.sources("virtualMachines")(),
}
