"""az's argument grammar, applied before Typer sees the arguments.

Typer options take a fixed number of values and must follow their command; az's do not. This
module rewrites one command's arguments into what Typer can parse, and reports what argparse
would report, with argparse's words:

- global options (`-o`, `--query`, `--only-show-errors`, `--verbose`, `--debug`,
  `--subscription`) may appear anywhere;
- a list option takes every value up to the next option (`--target-regions a b=2 c`) and is
  passed on as a repeated option; given twice, the last occurrence wins (argparse's store
  action), except for the options in APPEND_OPTIONS;
- a three-state flag takes an optional value (`--exclude-from-latest` = `... true`);
- `--set/--add/--remove` keep each occurrence's values together, in command-line order;
- configured defaults (`defaults.group`, `defaults.location`) fill -g and -l when omitted;
- missing required and unrecognised arguments are reported all at once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from sigctl.cli.context import GlobalOptions
from sigctl.cli.errors import usage_error

OUTPUT_FORMATS = ("json", "jsonc", "yaml", "yamlc", "table", "tsv", "none")
GLOBAL_FLAGS = {
    "--only-show-errors": "only_show_errors",
    "--verbose": "verbose",
    "--debug": "debug",
}
GLOBAL_VALUES = {
    "--output": "output",
    "-o": "output",
    "--query": "query",
    "--subscription": "subscription",
    "--as": "principal",  # sigctl's own: the principal to act as
}
GLOBAL_NAMES = {
    "output": "--output/-o",
    "query": "--query",
    "subscription": "--subscription",
    "principal": "--as",
}

# Marks a parser whose option takes zero or one value (argparse nargs='?').
OPTIONAL_VALUE = "_sigctl_optional_value"
# Stands for "this list option was given with no values" (argparse nargs='*').
NO_VALUES = "\x00"
# Options whose occurrences are kept whole and in order (az's generic update arguments).
ORDERED_GROUPS = ("--set", "--add", "--remove")
# List options whose occurrences add up (sigctl's own, documented as "space-separated or repeated").
APPEND_OPTIONS = ("--data-disk",)
# Configured defaults az applies to these options when they are omitted.
CONFIGURED_DEFAULTS = {"--resource-group": "defaults.group", "--location": "defaults.location"}

END_OF_OPTIONS = "--"
_NEGATIVE_NUMBER = re.compile(r"^-\d+(\.\d+)?$")


def is_option(token: str) -> bool:
    return token.startswith("-") and len(token) > 1 and not _NEGATIVE_NUMBER.match(token)


def split_globals(tokens: list[str], own: set[str], options: GlobalOptions, prog: str) -> list[str]:
    """Take the global options out of `tokens` into `options`; return the rest.

    Options the command declares itself (`own`, e.g. `account set --subscription`) stay.
    """
    rest: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token == END_OF_OPTIONS:
            return rest + tokens[i:]
        name, eq, inline = token.partition("=") if token.startswith("--") else (token, "", "")
        if name in own or not is_option(token):
            rest.append(token)
        elif name in GLOBAL_FLAGS and not eq:
            setattr(options, GLOBAL_FLAGS[name], True)
        elif name in GLOBAL_VALUES:
            attr = GLOBAL_VALUES[name]
            if eq:
                value = inline
            elif i + 1 < len(tokens):
                i += 1
                value = tokens[i]
            else:
                raise usage_error(f"argument {GLOBAL_NAMES[attr]}: expected one argument")
            if attr == "output":
                value = value.lower()
                if value not in OUTPUT_FORMATS:
                    raise usage_error(
                        f"{prog}: '{value}' is not a valid value for '--output'. "
                        f"Allowed values: {', '.join(OUTPUT_FORMATS)}."
                    )
            setattr(options, attr, value)
        else:
            rest.append(token)
        i += 1
    return rest


def option_names(command: Any) -> set[str]:
    return {o for p in command.params for o in (*p.opts, *p.secondary_opts) if is_option(o)}


def _arity(param: Any) -> str:
    if param.is_flag:
        return "flag"
    func = getattr(param.type, "func", None)
    if func is not None and getattr(func, OPTIONAL_VALUE, False):
        return "optional"
    if param.opts[0] in ORDERED_GROUPS:
        return "ordered"
    return "list" if param.multiple else "single"


def _display(param: Any) -> str:
    return "/".join(param.opts)


def normalise(
    command: Any, tokens: list[str], default_for: Callable[[str], Any], command_name: str = ""
) -> list[str]:
    """Rewrite `tokens` for `command` (a click command built by Typer), or raise a usage error."""
    by_name: dict[str, Any] = {}
    for param in command.params:
        if param.param_type_name == "option":
            for name in (*param.opts, *param.secondary_opts):
                by_name[name] = param
    positional_slots = sum(
        (1 if p.nargs == 1 else len(tokens))
        for p in command.params
        if p.param_type_name == "argument"
    )

    out: list[str] = []
    lists: dict[str, tuple[str, list[str]]] = {}  # list options: canonical name, values so far
    seen: set[str] = set()
    unrecognised: list[str] = []
    positionals: list[str] = []
    sequence = 0
    after_end = False
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if token == END_OF_OPTIONS and not after_end:
            after_end = True  # as argparse: what follows is positional, even "-5m"
            continue
        if after_end or not is_option(token):
            if len(positionals) < positional_slots and not unrecognised:
                positionals.append(token)
            else:
                unrecognised.append(token)
            continue
        name, eq, inline = token.partition("=") if token.startswith("--") else (token, "", "")
        param = by_name.get(name)
        if param is None:
            unrecognised.append(token)
            while i < len(tokens) and not is_option(tokens[i]):
                unrecognised.append(tokens[i])
                i += 1
            continue
        seen.add(param.name)
        canonical = param.opts[0]
        arity = _arity(param)
        if arity == "flag":
            if eq:
                raise usage_error(
                    f"argument {_display(param)}: ignored explicit argument '{inline}'"
                )
            out.append(canonical)
        elif arity == "single":
            if eq:
                value = inline
            elif i < len(tokens) and not is_option(tokens[i]):
                value = tokens[i]
                i += 1
            else:
                raise usage_error(f"argument {_display(param)}: expected one argument")
            out += [canonical, value]
        elif arity == "optional":
            if eq:
                value = inline
            elif i < len(tokens) and not is_option(tokens[i]):
                value = tokens[i]
                i += 1
            else:
                value = "true"
            out += [canonical, value]
        else:
            values = [inline] if eq else []
            while not eq and i < len(tokens) and not is_option(tokens[i]):
                values.append(tokens[i])
                i += 1
            if arity == "ordered":
                if not values:
                    raise usage_error(f"argument {_display(param)}: expected at least one argument")
                out += [canonical, json.dumps([sequence, values])]
                sequence += 1
            elif canonical in APPEND_OPTIONS and param.name in lists:
                lists[param.name][1].extend(values)
            else:
                lists[param.name] = (canonical, values)  # a repeat replaces, as argparse's store
    for canonical, values in lists.values():
        out += [x for value in values or [NO_VALUES] for x in (canonical, value)]

    if unrecognised:
        message = f"unrecognized arguments: {' '.join(unrecognised)}"
        dashed = next((t for t in unrecognised if re.match(r"^-\d", t)), None)
        if dashed and positional_slots:
            message += f" (a value starting with '-' goes after '--': -- {dashed})"
        raise usage_error(message)

    for param in command.params:
        if param.param_type_name != "option" or param.name in seen:
            continue
        setting = next(
            (CONFIGURED_DEFAULTS[o] for o in param.opts if o in CONFIGURED_DEFAULTS), None
        )
        if setting == "defaults.location" and command_name == "update":
            continue  # an update sends the resource's own location back; a default would move it
        value = default_for(setting) if setting else None
        if value:
            out += [param.opts[0], str(value)]
            seen.add(param.name)

    missing = [
        _display(p)
        for p in command.params
        if p.param_type_name == "option" and p.required and p.name not in seen
    ]
    required_args = [p for p in command.params if p.param_type_name == "argument" and p.required]
    missing += [p.name.upper() for p in required_args[len(positionals) :]]
    if missing:
        raise usage_error(f"the following arguments are required: {', '.join(missing)}")
    # Positionals after "--", so click never takes a value like "-5" for an option.
    return [*out, END_OF_OPTIONS, *positionals] if positionals else out
