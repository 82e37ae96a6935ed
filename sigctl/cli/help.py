"""`-h` in az's (knack's) layout: Group/Command, arguments in groups, examples; 100 columns."""

from __future__ import annotations

import textwrap
from typing import Any

from sigctl.cli import tree
from sigctl.cli.argv import ALLOWED_VALUES
from sigctl.cli.framework import CommandGroup, CommandSpec

WIDTH = 100
NAME_CAP = 32

GLOBAL_ARGUMENTS = [
    (
        "--as",
        "Act as this principal (object id, user principal name, app id or display name); "
        "sigctl's own. Default: SIGCTL_PRINCIPAL, else `sigctl login --as`, else the default "
        "subscription's owner.",
    ),
    ("--debug", "Increase logging verbosity to show all debug logs."),
    ("--help -h", "Show this help message and exit."),
    ("--only-show-errors", "Only show errors, suppressing warnings."),
    (
        "--output -o",
        "Output format.  Allowed values: json, jsonc, none, table, tsv, yaml, yamlc.  "
        "Default: json.",
    ),
    (
        "--query",
        "JMESPath query string. See http://jmespath.org/ for more information and examples.",
    ),
    (
        "--subscription",
        "Name or ID of subscription. You can configure the default subscription using "
        "`sigctl account set -s NAME_OR_ID`.",
    ),
    ("--verbose", "Increase logging verbosity. Use --debug for full debug logs."),
]

_ARG_GROUPS = {
    "--ids": "Resource Id Arguments",
    "--set": "Generic Update Arguments",
    "--add": "Generic Update Arguments",
    "--remove": "Generic Update Arguments",
    "--force-string": "Generic Update Arguments",
    "--acquire-policy-token": "Global Policy Arguments",
    "--change-reference": "Global Policy Arguments",
}


def _rows(rows: list[tuple[str, str]], indent: int = 4, width: int | None = None) -> list[str]:
    """`name : text` lines; names longer than NAME_CAP get a line of their own."""
    if width is None:
        width = max((len(name.rstrip()) for name, _ in rows), default=0)
    width = min(width, NAME_CAP)
    lines: list[str] = []
    for name, text in rows:
        name = name.rstrip()
        head = " " * indent + name.ljust(width) + " : "
        if len(name) > width:
            lines.append(" " * indent + name)
            head = " " * (indent + width) + " : "
        wrapped = textwrap.wrap(text, WIDTH - len(head)) or [""]
        lines.append(head + wrapped[0])
        lines += [" " * len(head) + more for more in wrapped[1:]]
    return lines


# What `sigctl -h` shows first: the az commands a new user starts with.
ROOT_EXAMPLES = [
    ("Run a short tour against the embedded default state.", "sigctl demo"),
    ("Create a resource group, as az group create does.", "sigctl group create -n rg1 -l eastus2"),
    ("Create a gallery in it, as az sig create does.", "sigctl sig create -g rg1 -r gal1"),
]
GROUP_EXAMPLES = 3
_FIRST = ("create", "list", "show")  # the commands whose examples a group shows first


def group_examples(path: tuple[str, ...], group: CommandGroup | None) -> list[tuple[str, str]]:
    """A group's examples: the first one of up to three of its commands, else of its subgroups."""
    if not path:
        return ROOT_EXAMPLES
    prefix = " ".join(["sigctl", *path])
    specs = sorted(
        group.commands.values() if group else [],
        key=lambda spec: (
            _FIRST.index(spec.name) if spec.name in _FIRST else len(_FIRST),
            spec.name,
        ),
    )
    picked = [spec.examples_for(prefix)[0] for spec in specs if spec.examples]
    for child in tree.children(path):
        if len(picked) >= GROUP_EXAMPLES:
            break  # a subgroup's module is imported only when its example is needed
        sub = (*path, child)
        picked += group_examples(sub, tree.TREE[sub].load())[:1]
    return picked[:GROUP_EXAMPLES]


def _header(text: str) -> list[str]:
    """knack's header: the name and summary wrapped at the help width, continued under the name."""
    return textwrap.wrap(text, WIDTH, initial_indent="    ", subsequent_indent="    ")


def _example_lines(examples: list[tuple[str, str]]) -> list[str]:
    lines = ["Examples"] if examples else []
    for description, example in examples:
        lines += textwrap.wrap(
            description, WIDTH - 4, initial_indent="    ", subsequent_indent="    "
        )
        lines.append("        " + example)
        lines.append("")
    return lines


def group_help(path: tuple[str, ...], group: CommandGroup | None) -> str:
    node = tree.TREE[path]
    prog = " ".join(["sigctl", *path])
    lines = ["", "Group" if path else "Program", *_header(f"{prog} : {node.summary}"), ""]
    subgroups = [(c, tree.TREE[(*path, c)].summary) for c in tree.children(path)]
    commands = sorted(
        (name, spec.summary) for name, spec in (group.commands.items() if group else [])
    )
    width = max((len(n) for n, _ in subgroups + commands), default=0)
    if subgroups:
        lines += ["Subgroups:", *_rows([(n.ljust(width), s) for n, s in subgroups]), ""]
    if commands:
        lines += ["Commands:", *_rows([(n.ljust(width), s) for n, s in commands]), ""]
    if not path:
        lines += [
            "Run 'sigctl GROUP -h' or 'sigctl GROUP COMMAND -h' for details; every command",
            "accepts the global arguments -o/--output, --query, --only-show-errors, --verbose,",
            "--debug and --subscription, and sigctl's own --as PRINCIPAL, before or after its",
            "own arguments.",
            "",
        ]
    lines += _example_lines(group_examples(path, group))
    return "\n".join(lines) + "\n"


# Where knack puts an argument whose declaration names no group, by option string.
_ARG_GROUPS.update(
    {
        "--max-items": "Pagination Arguments",
        "--next-token": "Pagination Arguments",
    }
)
GLOBAL_GROUP = "Global Arguments"
REQUIRED_TAG = "[Required]"


def allowed_values(param: Any) -> tuple[str, ...] | None:
    """The values an option accepts, when its parser names them (a choice, a bool)."""
    func = getattr(param.type, "func", None)
    return getattr(func, ALLOWED_VALUES, None)


def _default_text(param: Any) -> str | None:
    """What knack prints after "Default:": the default az's parser holds, when it has one."""
    shown = getattr(param, "show_default", None)
    if isinstance(shown, str):
        return shown
    if getattr(param, "is_flag", False) or param.multiple or shown is False:
        return None
    default = param.default
    return None if default in (None, "", False) or callable(default) else str(default)


def _summary(text: str, param: Any) -> str:
    """knack's short summary: the description made a sentence, then allowed values, default."""
    text = (text or "").strip()
    if len(text) > 1:
        text = text[0].upper() + text[1:] + ("" if text[-1] in ".!?" else ".")
    allowed = allowed_values(param)
    if allowed:
        text += "  Allowed values: {}.".format(", ".join(sorted(allowed)))
    default = _default_text(param)
    if default:
        text += f"  Default: {default}."
    return text.strip()


def _group_of(param: Any, has_ids: bool) -> str | None:
    names = (*param.opts, *param.secondary_opts)
    panel = getattr(param, "rich_help_panel", None)
    if panel == RESOURCE_ID and not has_ids:
        return None  # the id parts are plain arguments where --ids is not offered
    return panel or next((_ARG_GROUPS[n] for n in names if n in _ARG_GROUPS), None)


RESOURCE_ID = "Resource Id Arguments"


def _argument_rows(command: Any) -> list[tuple[str | None, str, bool, str]]:
    """(group, names, required, summary) for every argument, the global ones included."""
    has_ids = any("--ids" in p.opts for p in command.params)
    rows: list[tuple[str | None, str, bool, str]] = []
    for param in command.params:
        if param.param_type_name == "argument":
            label = param.metavar or param.name.upper()
            rows.append((None, label, bool(param.required), _summary(param.help or "", param)))
            continue
        names = " ".join(sorted((*param.opts, *param.secondary_opts)))
        rows.append(
            (
                _group_of(param, has_ids),
                names,
                bool(param.required),
                _summary(param.help or "", param),
            )
        )
    own = {name for p in command.params for name in (*p.opts, *p.secondary_opts)}
    for names, text in GLOBAL_ARGUMENTS:
        if set(names.split()) & own:
            continue  # the command's own option of that name (account set --subscription)
        group = RESOURCE_ID if names == "--subscription" and has_ids else GLOBAL_GROUP
        rows.append((group, names, False, text))
    return rows


def _group_order(group: str | None) -> tuple[int, str]:
    """knack's ArgumentGroupRegistry: ungrouped first, named groups A-Z, global last."""
    if group is None:
        return (0, "")
    return (2, "") if group == GLOBAL_GROUP else (1, group)


def _wrap(line: str, hanging: int) -> list[str]:
    wrapper = textwrap.TextWrapper(
        width=WIDTH,
        initial_indent="    ",
        subsequent_indent=" " * hanging,
        replace_whitespace=False,
    )
    return wrapper.wrap(line) or [""]


def command_help(prefix: str, spec: CommandSpec, command: Any) -> str:
    """knack's command help: header, long summary, arguments by group in one column, examples."""
    lines = ["", "Command", *_header(f"{prefix} {spec.name} : {spec.summary}")]
    if spec.description:
        for paragraph in spec.description.split("\n\n"):
            lines += textwrap.wrap(
                " ".join(paragraph.split()),
                WIDTH - 8,
                initial_indent=" " * 8,
                subsequent_indent=" " * 8,
            )
    lines += ["", "Arguments"]
    rows = _argument_rows(command)
    rows.sort(key=lambda r: (_group_order(r[0]), not r[2], r[1]))
    widths = [len(names) + (len(REQUIRED_TAG) + 2 if req else 1) for _, names, req, _ in rows]
    column = max(widths, default=0)
    hanging = column + 4 + 3 - 1
    last: str | None = None
    for (group, names, required, summary), width in zip(rows, widths, strict=True):
        if group != last:
            if group:
                lines += ["", group]
            last = group
        tag = REQUIRED_TAG if required else ""
        padding = " " * (column - width + (1 if tag else 0))
        separator = " : " if summary else ""
        lines += _wrap(f"{names}{padding}{tag}{separator}{summary}", hanging)
    lines.append("")
    lines += _example_lines(spec.examples_for(prefix))
    return "\n".join(lines) + "\n"
