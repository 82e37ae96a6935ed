"""docs/az-coverage.md: every `az sig` command and argument, and what sigctl does with it.

    python tools/az_coverage.py write [--az-help DIR]   # rewrite docs/az-coverage.md
    python tools/az_coverage.py check [--az-help DIR]   # exit 1 if the page is out of date

az's side is read from az's own help pages (`az sig ... -h` of azure-cli 2.91, one text file
per group and command, in DIR); sigctl's from its command tree (`sigctl.cli.tree`): a command is
covered when the `sig` tree has it, an argument when the command takes every one of its option
strings. The arguments sigctl takes but treats differently are listed in DIFFERENCES below, each
with the page that documents the difference.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "az-coverage.md"
# az's help pages, kept with the tests; --az-help or SIGCTL_AZ_HELP say otherwise.
AZ_HELP_DEFAULTS = (ROOT / "tests" / "az_help",)

_DELIBERATE = "emulation.md#differences-from-az-that-are-deliberate"
_SOURCES = "image-versions.md#sources-sigctl-source"


@dataclass(frozen=True)
class Difference:
    """Arguments sigctl takes but treats otherwise: `names` (az's row, e.g. "--tags") on the
    commands whose name starts with one of `commands` ("" for all)."""

    names: tuple[str, ...]
    note: str
    link: str
    commands: tuple[str, ...] = ("",)
    shorthand_only: bool = False  # only where az's help offers its shorthand syntax

    def applies(self, command: str, row: Row) -> bool:
        return (
            row.names in self.names
            and any(command.startswith(c) for c in self.commands)
            and (row.shorthand or not self.shorthand_only)
        )


DIFFERENCES = (
    Difference(
        ("--acquire-policy-token", "--change-reference"),
        "accepted and ignored: no Azure Policy is emulated",
        _DELIBERATE,
    ),
    Difference(
        ("--debug",),
        "logs the emulated ARM calls instead of HTTP traffic",
        _DELIBERATE,
    ),
    Difference(
        (
            "--tags",
            "--subscription-ids",
            "--tenant-ids",
            "--mi-user-assigned --user-assigned",
            "--target-regions",
        ),
        "space-separated values only, not az's shorthand, JSON or file forms",
        _DELIBERATE,
        commands=(
            "sig create",
            "sig update",
            "sig share",
            "sig identity",
            "sig in-vm-access-control-profile-version",
        ),
        shorthand_only=True,
    ),
    Difference(
        (
            "--managed-image",
            "--virtual-machine",
            "--os-snapshot",
            "--data-snapshots",
            "--os-vhd-uri",
            "--data-vhds-uris",
            "--os-vhd-storage-account",
            "--data-vhds-storage-accounts --data-vhds-sa",
        ),
        "the source must exist in the emulated cloud (`sigctl source create`)",
        _SOURCES,
        commands=("sig image-version create",),
    ),
    Difference(
        (
            "--target-region-encryption",
            "--target-region-cvm-encryption",
            "--target-edge-zone-encryption --zone-encryption",
        ),
        "disk encryption sets are emulated; their Key Vault keys are never read",
        "emulation.md#encryption-and-edge-zones",
    ),
    Difference(
        ("--interval", "--timeout"),
        "modelled seconds of the emulated clock",
        "emulation.md#replication-the-clock-and-faults",
    ),
    Difference(
        ("--package-file-link", "--default-file-link"),
        "the blob is never read",
        "emulation.md#vm-applications",
    ),
    Difference(
        ("--marker", "--show-next-marker"),
        "every list is one page (`nextMarker` is null)",
        _DELIBERATE,
    ),
    Difference(
        ("--next-token",),
        "the token is an offset into the whole list",
        "emulation.md#choices-where-the-record-is-open",
    ),
)


@dataclass(frozen=True)
class Row:
    """One argument of an az help page."""

    names: str  # the option strings as az lists them: "--gallery-name -r"
    group: str
    required: bool
    shorthand: bool  # az offers its shorthand syntax, JSON and file forms

    @property
    def strings(self) -> list[str]:
        return self.names.split()


@dataclass(frozen=True)
class AzCommand:
    name: str  # "sig image-version create"
    summary: str
    rows: tuple[Row, ...]


def az_help(directory: Path) -> list[AzCommand]:
    """The command pages of az's help, in command order."""
    commands = []
    for page in sorted(directory.glob("az-sig*.txt")):
        text = page.read_text()
        if text.split()[0] != "Command":
            continue
        head = text.splitlines()[2].strip()
        name, summary = head.split(" : ", 1)
        commands.append(AzCommand(name.removeprefix("az "), summary, _rows(text)))
    return sorted(commands, key=lambda c: c.name)


def _rows(text: str) -> tuple[Row, ...]:
    rows: list[list[object]] = []
    group = ""
    for line in text.split("\nExamples\n")[0].splitlines()[4:]:
        if line and not line.startswith(" "):
            group = line.strip()
            continue
        match = re.match(r"^    (-[^:]*?)\s*(\[Required\])?\s+:\s(.*)$", line)
        if match:
            names = re.sub(r"\[[A-Za-z ]+\]", "", match.group(1))
            rows.append([" ".join(names.split()), group, bool(match.group(2)), match.group(3)])
        elif rows and line.strip():
            rows[-1][3] = f"{rows[-1][3]} {line.strip()}"
    return tuple(
        Row(str(n), str(g), bool(r), "shorthand- syntax" in str(d) or "shorthand-syntax" in str(d))
        for n, g, r, d in rows
    )


def sigctl_options(command: str) -> set[str] | None:
    """The option strings sigctl's `command` takes (its own and the global ones), or None when
    the `sig` tree has no such command."""
    from sigctl.cli import tree
    from sigctl.cli.argv import option_table
    from sigctl.cli.framework import typer_command

    *path, name = command.split()
    node = tree.TREE.get(tuple(path))
    group = node.load() if node is not None else None
    if group is None or name not in group.commands:
        return None
    return set(option_table(typer_command(group.commands[name])).strings)


def status(command: str, row: Row, taken: set[str] | None) -> str:
    if taken is None or not set(row.strings) <= taken:
        return "not covered"
    for difference in DIFFERENCES:
        if difference.applies(command, row):
            return f"covered, differs: {difference.note} ([why]({difference.link}))"
    return "covered"


def page(directory: Path) -> str:
    commands = az_help(directory)
    taken = {c.name: sigctl_options(c.name) for c in commands}
    counts = {"covered": 0, "differs": 0, "not covered": 0}
    globals_: dict[str, Row] = {}
    sections = []
    for command in commands:
        covered = taken[command.name] is not None
        lines = [
            f"### `az {command.name}`",
            "",
            f"{command.summary} sigctl: {'`sigctl ' + command.name + '`' if covered else '**not covered**'}.",
            "",
            "| Argument | Group | sigctl |",
            "|---|---|---|",
        ]
        for row in command.rows:
            if row.group == "Global Arguments":
                globals_.setdefault(row.names, row)
                continue
            verdict = status(command.name, row, taken[command.name])
            counts["differs" if "differs" in verdict else verdict] += 1
            required = " [Required]" if row.required else ""
            lines.append(f"| `{row.names}`{required} | {row.group} | {verdict} |")
        sections.append("\n".join(lines))
    everywhere = [
        f"| `{row.names}` | {status(commands[0].name, row, taken[commands[0].name])} |"
        for row in globals_.values()
    ]
    made = sum(1 for t in taken.values() if t is not None)
    return "\n".join(
        [
            "# az sig coverage",
            "",
            "<!-- Generated by `python tools/az_coverage.py write`; do not edit by hand. -->",
            "",
            "Every command and argument of `az sig` in azure-cli 2.91, and what sigctl does with",
            "it: **covered** (taken with az's names, short forms, required marks, allowed values",
            "and defaults, which `tests/test_help.py` compares with az's help), **covered, differs**",
            "(taken, but sigctl does something else, as the linked page explains), or **not",
            "covered**. The page is made from sigctl's command tree and az's help pages by",
            "`tools/az_coverage.py`, and `tests/test_az_coverage.py` fails when it is out of date.",
            "",
            f"- Commands: {made} of {len(commands)} covered.",
            f"- Arguments of those commands: {counts['covered']} covered, {counts['differs']} "
            f"covered with a documented difference, {counts['not covered']} not covered.",
            "",
            "sigctl's own commands (`replication`, `billing`, `source`, `state`, `image-version",
            "resolve`, ...) are in its own tree: see [tree of commands](../README.md#documentation).",
            "",
            "## Global arguments (every command)",
            "",
            "| Argument | sigctl |",
            "|---|---|",
            *everywhere,
            "| `--as` | sigctl's own: act as another principal of the emulated directory "
            "([sharing.md](sharing.md)) |",
            "",
            "## Commands",
            "",
            "\n\n".join(sections),
            "",
        ]
    )


def _directory(given: str | None) -> Path:
    for candidate in (given, os.environ.get("SIGCTL_AZ_HELP"), *AZ_HELP_DEFAULTS):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    raise SystemExit("az's help pages were not found: pass --az-help DIR")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("write", "check"))
    parser.add_argument("--az-help", help="the folder of az's help pages")
    args = parser.parse_args(argv)
    text = page(_directory(args.az_help))
    if args.mode == "write":
        PAGE.write_text(text)
        print(f"{PAGE.relative_to(ROOT)}: written")
        return 0
    if PAGE.read_text() != text:
        print(f"{PAGE.relative_to(ROOT)} is out of date: python tools/az_coverage.py write")
        return 1
    print(f"{PAGE.relative_to(ROOT)}: up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
