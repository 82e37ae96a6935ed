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
- missing required and unrecognised arguments are reported all at once;
- options are recognised as argparse (Python 3.11, which az runs on) recognises them: a long
  option by any unambiguous prefix (`--resource-gr`), with its value attached by `=`
  (`--resource-gr=rg`); a short option with its value attached (`-gMyGroup`, `-g=MyGroup`) and
  flags clustered (`-yg rg`); a prefix that fits several option strings is an error, listing
  them in the parser's order (az's help and global options first, then the command's own).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from sigctl.cli.context import GlobalOptions
from sigctl.cli.errors import CliError, usage_error
from sigctl.record import FrozenRecord

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
# A parser's accepted values (argparse choices), which help lists as az's does.
ALLOWED_VALUES = "_sigctl_allowed"
# Stands for "this list option was given with no values" (argparse nargs='*').
NO_VALUES = "\x00"
# Options whose occurrences are kept whole and in order (az's generic update arguments).
ORDERED_GROUPS = ("--set", "--add", "--remove")
# List options whose occurrences add up (sigctl's own, documented as "space-separated or repeated").
APPEND_OPTIONS = ("--data-disk",)
# Configured defaults az applies to these options when they are omitted.
CONFIGURED_DEFAULTS = {"--resource-group": "defaults.group", "--location": "defaults.location"}

END_OF_OPTIONS = "--"
HELP = ("-h", "--help")
# The option strings az's command parser holds before a command's own, in argparse's order:
# -h/--help (add_help), then knack's global group (logging, output, query).
_LEADING_STRINGS = (
    *HELP,
    "--verbose",
    "--debug",
    "--only-show-errors",
    "--output",
    "-o",
    "--query",
)
# Added to every command after its own arguments (sigctl's --as is its own).
_TRAILING_STRINGS = ("--subscription", "--as")
_NEGATIVE_NUMBER = re.compile(r"^-\d+$|^-\d*\.\d+$")  # argparse's negative-number look


class Found(FrozenRecord):
    """An option token as argparse reads it: the option string it names (None for an option
    the parser does not have) and the value attached to it, if any."""

    _fields = ("option", "explicit")

    def __init__(self, option: str | None, explicit: str | None = None) -> None:
        self.option, self.explicit = option, explicit


class OptionTable:
    """The option strings one parser knows, in the order argparse registered them."""

    def __init__(self, strings: list[str] | tuple[str, ...], own: frozenset[str] = frozenset()):
        self.strings = list(dict.fromkeys(strings))
        self.known = set(self.strings)
        self.own = own  # the command's own options (`account set --subscription` is not global)

    def parse(self, token: str) -> Found | None:
        """argparse's `_parse_optional`: None for a positional (a value), else the option."""
        if not token or token[0] != "-" or token == END_OF_OPTIONS:
            return None
        if token in self.known:
            return Found(token)
        if len(token) == 1:
            return None
        if "=" in token:
            name, explicit = token.split("=", 1)
            if name in self.known:
                return Found(name, explicit)
        matches = self._prefix_matches(token)
        if len(matches) > 1:
            names = ", ".join(m.option or "" for m in matches)
            error = usage_error(f"ambiguous option: {token} could match {names}")
            from sigctl.cli.suggest import ambiguity_meant

            error.recommendations += ambiguity_meant(token, [m.option or "" for m in matches])
            raise error
        if matches:
            return matches[0]
        if _NEGATIVE_NUMBER.match(token) or " " in token:
            return None
        return Found(None)

    def _prefix_matches(self, token: str) -> list[Found]:
        """argparse's `_get_option_tuples`: the option strings an abbreviation may stand for."""
        if token.startswith("--"):
            prefix, eq, explicit = token.partition("=")
            value = explicit if eq else None
            return [Found(s, value) for s in self.strings if s.startswith(prefix)]
        short, attached = token[:2], token[2:]
        return [
            Found(s, attached) if s == short else Found(s)
            for s in self.strings
            if s == short or s.startswith(token)
        ]


def is_option(token: str, table: OptionTable | None = None) -> bool:
    """Whether argparse would read `token` as an option (of any parser, without a table)."""
    if table is not None:
        return table.parse(token) is not None
    return (
        token.startswith("-")
        and len(token) > 1
        and not _NEGATIVE_NUMBER.match(token)
        and " " not in token
    )


def option_table(command: Any | None = None) -> OptionTable:
    """The options az's parser for `command` knows: help, the globals, the command's own."""
    own = [
        name
        for param in (command.params if command is not None else [])
        if param.param_type_name == "option"
        for name in (*param.opts, *param.secondary_opts)
    ]
    return OptionTable([*_LEADING_STRINGS, *own, *_TRAILING_STRINGS], frozenset(own))


def asks_for_help(tokens: list[str], table: OptionTable) -> bool:
    """Whether -h/--help (or an abbreviation of --help) is among the options."""
    for token in tokens:
        if token == END_OF_OPTIONS:
            return False
        found = table.parse(token)
        if found is not None and found.option in HELP:
            return True
    return False


def take_leading_globals(argv: list[str], options: GlobalOptions) -> list[str]:
    """The global options before the command's name (`sigctl -o tsv group list`), taken out.

    Unknown options among them stay, for the caller to report as argparse would.
    """
    table = OptionTable([*_LEADING_STRINGS, *_TRAILING_STRINGS, "--version"])
    end = 0
    while end < len(argv):
        found = table.parse(argv[end])
        if found is None or found.option in (*HELP, "--version"):
            break
        end += 1
        if found.option in GLOBAL_VALUES and found.explicit is None and end < len(argv):
            end += 1
    return split_globals(argv[:end], table, options, "sigctl") + argv[end:]


def split_globals(
    tokens: list[str], table: OptionTable, options: GlobalOptions, prog: str
) -> list[str]:
    """Take the global options out of `tokens` into `options`; return the rest.

    Options the command declares itself (in `table`, e.g. `account set --subscription`) stay.
    """
    classify(tokens, table)
    rest: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if token == END_OF_OPTIONS:
            return rest + tokens[i - 1 :]
        found = table.parse(token)
        if found is not None and is_global(found, table):
            i = take_global(found, tokens, i, table, options, prog)
        else:
            rest.append(token)
    return rest


def classify(tokens: list[str], table: OptionTable) -> None:
    """Read every token before "--" as argparse does first, so an ambiguous abbreviation is
    reported before anything else."""
    for token in tokens:
        if token == END_OF_OPTIONS:
            return
        table.parse(token)


def is_global(found: Found, table: OptionTable) -> bool:
    name = found.option or ""
    return name not in table.own and (name in GLOBAL_FLAGS or name in GLOBAL_VALUES)


def take_global(
    found: Found, tokens: list[str], i: int, table: OptionTable, options: GlobalOptions, prog: str
) -> int:
    """Store one global option (its value is tokens[i] unless attached); return the next index."""
    name = found.option or ""
    if name in GLOBAL_FLAGS:
        if found.explicit is not None:
            raise usage_error(f"argument {name}: ignored explicit argument '{found.explicit}'")
        setattr(options, GLOBAL_FLAGS[name], True)
        return i
    attr = GLOBAL_VALUES[name]
    if found.explicit is not None:
        value = found.explicit
    elif i < len(tokens) and tokens[i] != END_OF_OPTIONS and table.parse(tokens[i]) is None:
        value = tokens[i]
        i += 1
    else:
        raise usage_error(f"argument {GLOBAL_NAMES[attr]}: expected one argument")
    if attr == "output":
        value = value.lower()
        if value not in OUTPUT_FORMATS:
            raise usage_error(
                f"{prog}: '{value}' is not a valid value for '--output'. "
                f"Allowed values: {', '.join(OUTPUT_FORMATS)}."
            )
    if attr == "query":
        from sigctl.cli.output import compile_query

        compile_query(value)  # argparse converts (and refuses) the value as it takes it
    setattr(options, attr, value)
    return i


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
    command: Any,
    tokens: list[str],
    default_for: Callable[[str], Any],
    command_name: str = "",
    options: GlobalOptions | None = None,
    prog: str = "",
) -> list[str]:
    """Rewrite `tokens` for `command` (a click command built by Typer), or raise a usage error.

    Global options met on the way go into `options`. Errors come in argparse's order: an
    ambiguous abbreviation anywhere, then what taking each option in turn finds wrong, then
    missing required arguments, then unrecognised ones.
    """
    parse = _Parse(command, tokens, options if options is not None else GlobalOptions(), prog)
    parse.read()
    parse.fill_configured_defaults(default_for, command_name)
    parse.check()
    # Positionals after "--", so click never takes a value like "-5" for an option.
    if parse.positionals:
        return [*parse.out, END_OF_OPTIONS, *parse.positionals]
    return parse.out


class _Parse:
    """One command line read as argparse reads it, token by token, into Typer's arguments."""

    def __init__(self, command: Any, tokens: list[str], options: GlobalOptions, prog: str):
        self.command, self.tokens, self.options, self.prog = command, tokens, options, prog
        self.by_name: dict[str, Any] = {
            name: param
            for param in command.params
            if param.param_type_name == "option"
            for name in (*param.opts, *param.secondary_opts)
        }
        self.table = option_table(command)
        classify(tokens, self.table)
        self.positional_slots = sum(
            (1 if p.nargs == 1 else len(tokens))
            for p in command.params
            if p.param_type_name == "argument"
        )
        self.out: list[str] = []
        self.lists: dict[str, tuple[str, list[str]]] = {}  # canonical name, values so far
        self.seen: set[str] = set()
        self.unrecognised: list[str] = []
        self.mistyped: list[str] = []  # the unrecognised tokens that look like options
        self.positionals: list[str] = []
        self.sequence = 0  # the next --set/--add/--remove occurrence's place
        self.after_end = False
        self.i = 0  # the next token to read

    def read(self) -> None:
        """Take every token in turn, then pass the list options on as repeated options."""
        while self.i < len(self.tokens):
            token = self.tokens[self.i]
            self.i += 1
            if token == END_OF_OPTIONS and not self.after_end:
                self.after_end = True  # as argparse: what follows is positional, even "-5m"
                if not self.positional_slots:
                    self.unrecognised.append(token)  # argparse has nothing to give it to
                continue
            found = None if self.after_end else self.table.parse(token)
            if found is None:
                self._take_positional(token)
            elif is_global(found, self.table):
                self.i = take_global(
                    found, self.tokens, self.i, self.table, self.options, self.prog
                )
            elif (found.option or "") not in self.by_name:
                self._skip_unknown(token)
            else:
                self._take_option(found)
        for canonical, values in self.lists.values():
            self.out += [x for value in values or [NO_VALUES] for x in (canonical, value)]

    def _is_value(self, at: int) -> bool:
        if at >= len(self.tokens):
            return False
        token = self.tokens[at]
        return self.after_end or (token != END_OF_OPTIONS and self.table.parse(token) is None)

    def _next_values(self) -> list[str]:
        """The values that follow, up to the next option."""
        values: list[str] = []
        while self._is_value(self.i):
            values.append(self.tokens[self.i])
            self.i += 1
        return values

    def _take_positional(self, token: str) -> None:
        if len(self.positionals) < self.positional_slots and not self.unrecognised:
            self.positionals.append(token)
        else:
            self.unrecognised.append(token)

    def _skip_unknown(self, token: str) -> None:
        """An option this command does not have: it and its values are unrecognised."""
        self.unrecognised.append(token)
        self.mistyped.append(token)
        self.unrecognised += self._next_values()

    def _take_option(self, found: Found) -> None:
        param, explicit = self._unclustered(self.by_name[found.option or ""], found)
        self.seen.add(param.name)
        canonical, arity = param.opts[0], _arity(param)
        if arity == "flag":
            if explicit is not None:
                raise _ignored(param, explicit)
            self.out.append(canonical)
        elif arity in ("single", "optional"):
            self.out += [canonical, self._single_value(param, arity, explicit)]
        else:
            values = [explicit] if explicit is not None else self._next_values()
            self._take_list(param, arity, values)

    def _unclustered(self, param: Any, found: Found) -> tuple[Any, str | None]:
        """argparse reads "-yq" as -y -q: take each flag but the last, which is returned with
        what remains attached to it."""
        option, explicit = found.option or "", found.explicit
        while _arity(param) == "flag" and explicit and not option.startswith("--"):
            # the next letter must be a short option itself
            if "-" + explicit[0] not in self.by_name:
                raise _ignored(param, explicit)
            self.seen.add(param.name)
            self.out.append(param.opts[0])
            option, explicit = "-" + explicit[0], explicit[1:] or None
            param = self.by_name[option]
        return param, explicit

    def _single_value(self, param: Any, arity: str, explicit: str | None) -> str:
        if explicit is not None:
            return explicit
        if self._is_value(self.i):
            self.i += 1
            return self.tokens[self.i - 1]
        if arity == "optional":
            return "true"
        raise usage_error(f"argument {_display(param)}: expected one argument")

    def _take_list(self, param: Any, arity: str, values: list[str]) -> None:
        canonical = param.opts[0]
        if arity == "ordered":
            if not values:
                raise usage_error(f"argument {_display(param)}: expected at least one argument")
            self.out += [canonical, json.dumps([self.sequence, values])]
            self.sequence += 1
        elif canonical in APPEND_OPTIONS and param.name in self.lists:
            self.lists[param.name][1].extend(values)
        else:
            self.lists[param.name] = (canonical, values)  # a repeat replaces, as argparse's store

    def fill_configured_defaults(
        self, default_for: Callable[[str], Any], command_name: str
    ) -> None:
        params = self.command.params
        if any("--ids" in p.opts and p.name in self.seen for p in params):
            return  # --ids names the resources whole: no configured default joins them
        for param in params:
            if param.param_type_name != "option" or param.name in self.seen:
                continue
            setting = next(
                (CONFIGURED_DEFAULTS[o] for o in param.opts if o in CONFIGURED_DEFAULTS), None
            )
            if setting == "defaults.location" and command_name == "update":
                # an update sends the resource's own location back; a default would move it
                continue
            value = default_for(setting) if setting else None
            if value:
                self.out += [param.opts[0], str(value)]
                self.seen.add(param.name)

    def check(self) -> None:
        """Report what is wrong with the line as a whole, in argparse's order."""
        unrecognised = self.unrecognised
        dashed = next((t for t in unrecognised if re.match(r"^-\d", t)), None)
        if dashed and self.positional_slots:
            # sigctl's own positionals (a duration such as -5m) get a hint before anything else
            raise usage_error(
                f"unrecognized arguments: {' '.join(unrecognised)} "
                f"(a value starting with '-' goes after '--': -- {dashed})"
            )
        params = self.command.params
        missing = [
            _display(p)
            for p in params
            if p.param_type_name == "option" and p.required and p.name not in self.seen
        ]
        required_args = [p for p in params if p.param_type_name == "argument" and p.required]
        missing += [p.name.upper() for p in required_args[len(self.positionals) :]]
        if missing:
            raise usage_error(f"the following arguments are required: {', '.join(missing)}")
        if unrecognised:
            error = usage_error(f"unrecognized arguments: {' '.join(unrecognised)}")
            from sigctl.cli.suggest import options_meant

            error.recommendations += options_meant(self.mistyped, self.table.strings)
            raise error


def _ignored(param: Any, explicit: str) -> CliError:
    return usage_error(f"argument {_display(param)}: ignored explicit argument '{explicit}'")
