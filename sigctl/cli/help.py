"""`-h` in az's (knack's) layout: Group/Command, arguments in groups, examples; 100 columns."""

from __future__ import annotations

import textwrap
from typing import Any

from sigctl.cli import tree
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


def _param_row(param: Any) -> tuple[str, str, str]:
    names = sorted((*param.opts, *param.secondary_opts), key=lambda n: (-len(n), n))
    label = " ".join(names)
    if param.param_type_name == "argument":
        label = param.metavar or param.name.upper()
    text = param.help or ""
    group = next((_ARG_GROUPS[n] for n in param.opts if n in _ARG_GROUPS), "Arguments")
    return group, label, text


def command_help(prefix: str, spec: CommandSpec, command: Any) -> str:
    lines = ["", "Command", *_header(f"{prefix} {spec.name} : {spec.summary}")]
    if spec.description:
        for paragraph in spec.description.split("\n\n"):
            lines += textwrap.wrap(
                " ".join(paragraph.split()),
                WIDTH - 8,
                initial_indent=" " * 8,
                subsequent_indent=" " * 8,
            )
    lines.append("")
    grouped: dict[str, list[tuple[str, str, bool]]] = {}
    for param in command.params:
        group, label, text = _param_row(param)
        grouped.setdefault(group, []).append((label, text, bool(param.required)))
    # One column for every group; names longer than the cap get a line of their own.
    lengths = [
        len(label) + (11 if req else 0) for rows in grouped.values() for label, _, req in rows
    ]
    lengths += [len(n) for n, _ in GLOBAL_ARGUMENTS]
    width = max(n for n in lengths if n <= NAME_CAP)
    order = [
        "Arguments",
        "Resource Id Arguments",
        "Generic Update Arguments",
        "Global Policy Arguments",
    ]
    for group in order:
        rows = grouped.get(group)
        if not rows:
            continue
        rows.sort(key=lambda r: (not r[2], r[0]))
        lines.append(group)
        lines += _rows(
            [
                ((label + (" [Required]" if req else "")).ljust(width), text)
                for label, text, req in rows
            ],
            width=width,
        )
        lines.append("")
    lines.append("Global Arguments")
    lines += _rows(list(GLOBAL_ARGUMENTS), width=width)
    lines.append("")
    lines += _example_lines(spec.examples_for(prefix))
    return "\n".join(lines) + "\n"
