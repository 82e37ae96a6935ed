"""Every group and command has help with az-style examples, and a docs page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from sigctl.cli import tree
from tests.conftest import Runner

DOCS = Path(__file__).parent.parent / "docs"

GROUPS = [path for path in tree.TREE]
COMMANDS = [
    (path, name)
    for path, node in tree.TREE.items()
    for name in sorted(node.load().commands if node.load() else [])
]


@pytest.mark.parametrize("path", GROUPS, ids=lambda p: " ".join(p) or "root")
def test_every_group_has_help(sigctl: Runner, path: tuple[str, ...]) -> None:
    result = sigctl(*path, "-h")
    assert result.exit_code == 0 and result.stderr == ""
    assert tree.TREE[path].summary in " ".join(result.stdout.split())
    examples = result.stdout.split("\nExamples\n")[1]
    commands = [line.strip() for line in examples.splitlines() if line.startswith(" " * 8)]
    assert commands and all(c.startswith(" ".join(["sigctl", *path])) for c in commands)


@pytest.mark.parametrize(
    "path,name", COMMANDS, ids=lambda x: " ".join(x) if isinstance(x, tuple) else x
)
def test_every_command_has_help_and_examples(
    sigctl: Runner, path: tuple[str, ...], name: str
) -> None:
    spec = tree.TREE[path].load().commands[name]
    assert spec.summary, f"{name} has no summary"
    assert spec.examples, f"{' '.join(path)} {name} has no example"
    result = sigctl(*path, name, "-h")
    assert result.exit_code == 0 and result.stderr == ""
    prefix = " ".join(["sigctl", *path])
    assert f"{prefix} {name} : {spec.summary}" in " ".join(result.stdout.split())
    # knack's 100 columns; only example command lines stay whole, to be copied as they are
    wide = [line for line in result.stdout.splitlines() if len(line) > 100]
    assert all(line.startswith(" " * 8 + "sigctl ") for line in wide), wide
    assert "Examples" in result.stdout and "Global Arguments" in result.stdout


def test_examples_name_the_tree_they_are_shown_in(sigctl: Runner) -> None:
    assert "sigctl gallery create --resource-group" in sigctl("gallery create -h").stdout
    assert "sigctl sig create --resource-group" in sigctl("sig create -h").stdout


@pytest.mark.parametrize(
    "page",
    [
        "emulation.md",
        "groups.md",
        "galleries.md",
        "output.md",
        "config.md",
        "image-definitions.md",
        "image-versions.md",
        "gallery-applications.md",
        "replication.md",
        "limits.md",
        "sharing.md",
        "identity.md",
        "in-vm-access-control.md",
        "state.md",
        "tree.md",
        "demo.md",
        "completion.md",
        "testing.md",
        "az-coverage.md",
        "shared-cloud.md",
        "architecture.md",
    ],
)
def test_docs_pages_exist(page: str) -> None:
    assert (DOCS / page).is_file()


# -- the arguments every command shares with az ------------------------------------------------

AZ_HELP = Path(__file__).resolve().parent / "az_help"  # az 2.91.0's -h of each az sig command


def arguments_of(text: str) -> dict[str, tuple[str, bool, str | None, str | None]]:
    """knack's argument rows: names -> (group, required, allowed values, default)."""
    rows: dict[str, list[Any]] = {}
    group, current = "", None
    for line in text.split("\nExamples\n")[0].splitlines():
        if line and not line.startswith(" "):
            group, current = line.strip(), None
            continue
        match = re.match(r"^    (-[^:]*?)\s*(\[Required\])?\s+:\s(.*)$", line)
        if match:
            current = [group, bool(match.group(2)), match.group(3)]
            names = re.sub(
                r"\[(Breaking Change|Deprecated|Preview|Experimental)\]", "", match.group(1)
            )
            rows[" ".join(names.split())] = current
        elif current is not None and line.strip():
            current[2] += " " + line.strip()
    out = {}
    for names, (grp, required, summary) in rows.items():
        summary = " ".join(summary.split())
        allowed = re.search(r"Allowed values: (.*?)\.(?: |$)", summary)
        default = re.search(r"Default: (.*?)\.(?: |$)", summary)
        out[names] = (
            grp,
            required,
            allowed.group(1) if allowed else None,
            default.group(1) if default else None,
        )
    return out


def _az_pages(kind: str) -> dict[str, Path]:
    """az's help pages of one kind ("Group" or "Command"), by the command line they describe."""
    pages = {}
    for page in sorted(AZ_HELP.glob("az-sig*.txt")):
        text = page.read_text()
        if text.split()[0] == kind:
            words = text.splitlines()[2].split(" : ")[0].split()[1:]
            pages[" ".join(words)] = page
    return pages


AZ_GROUPS = _az_pages("Group")
AZ_COMMANDS = sorted(_az_pages("Command").items())


def _listed(page: Path, heading: str) -> list[str]:
    """The names a group page lists under "Subgroups:" or "Commands:"."""
    section = page.read_text().split(f"\n{heading}\n")
    if len(section) == 1:
        return []
    names = []
    for line in section[1].split("\n\n")[0].splitlines():
        match = re.match(r"^    (\S+)\s+:", line)
        if match:
            names.append(match.group(1))
    return names


def test_the_reference_help_is_there() -> None:
    assert len(AZ_GROUPS) == 9 and len(AZ_COMMANDS) == 65, "az 2.91's sig help pages"


@pytest.mark.parametrize("group", sorted(AZ_GROUPS))
def test_the_az_tree_has_every_az_sig_group_and_command(group: str) -> None:
    """`sigctl sig ...` has exactly az's subgroups and commands, no fewer and no more."""
    path = tuple(group.split())
    assert path in tree.TREE, f"sigctl has no {group}"
    node = tree.TREE[path].load()
    assert tree.children(path) == sorted(_listed(AZ_GROUPS[group], "Subgroups:"))
    assert sorted(node.commands if node else []) == sorted(_listed(AZ_GROUPS[group], "Commands:"))


def test_every_az_sig_group_has_a_reference_page() -> None:
    ours = {" ".join(path) for path in tree.TREE if path[:1] == ("sig",)}
    assert ours == set(AZ_GROUPS)


@pytest.mark.parametrize("command,page", AZ_COMMANDS, ids=[c for c, _ in AZ_COMMANDS])
def test_arguments_match_az(sigctl: Runner, command: str, page: Path) -> None:
    """Names and short forms, [Required], allowed values, defaults and groups, as az lists them."""
    result = sigctl(*command.split(), "-h")
    assert result.exit_code == 0
    ours = arguments_of(result.stdout)
    assert ours.pop("--as")[0] == "Global Arguments"  # sigctl's own global argument
    assert ours == arguments_of(page.read_text())


def test_allowed_values_and_defaults_in_az_s_words(sigctl: Runner) -> None:
    shown = " ".join(sigctl("sig image-definition create -h").stdout.split())
    assert "Allowed values: Linux, Windows." in shown
    assert "Allowed values: V1, V2. Default: V2." in shown
    assert "Allowed values: Generalized, Specialized. Default: Generalized." in shown
    wait = " ".join(sigctl("sig image-version wait -h").stdout.split())
    assert "Default: 30." in wait and "Default: 3600." in wait
    create = sigctl("sig image-version create -h").stdout
    assert "Allowed values: false, true." in " ".join(create.split())
    # knack's layout: one column for every group, [Required] right-aligned in it
    required = next(line for line in create.splitlines() if "--gallery-image-version -e" in line)
    assert re.match(r"^    --gallery-image-version -e +\[Required\] : ", required)


# az groups outside `az sig` that sigctl has, with no help page in the reference: the help groups
# and policy arguments of their arguments as az 2.91's generated commands declare them (id parts
# in Resource Id Arguments; policy arguments on every command but show and list).
_RESOURCE_ID, _POLICY = "Resource Id Arguments", "Global Policy Arguments"
_DES_NAME = "--disk-encryption-set-name --name -n"
OTHER_AZ_GROUPS = {
    "disk-encryption-set create": {
        _DES_NAME: "Arguments",
        "--mi-system-assigned": "Managed Identity Arguments",
        "--mi-user-assigned": "Managed Identity Arguments",
        "--tags": "Arguments",
        "--acquire-policy-token": _POLICY,
    },
    "disk-encryption-set update": {_DES_NAME: _RESOURCE_ID, "--acquire-policy-token": _POLICY},
    "disk-encryption-set show": {_DES_NAME: _RESOURCE_ID, "--acquire-policy-token": None},
    "disk-encryption-set list": {
        "--resource-group -g": "Arguments",
        "--acquire-policy-token": None,
    },
    "disk-encryption-set delete": {_DES_NAME: _RESOURCE_ID, "--acquire-policy-token": _POLICY},
    "disk-encryption-set wait": {_DES_NAME: _RESOURCE_ID, "--acquire-policy-token": _POLICY},
    "identity create": {
        "--name -n": "Arguments",
        "--location -l": "Parameters Arguments",
        "--tags": "Parameters Arguments",
        "--acquire-policy-token": _POLICY,
    },
    "identity show": {"--name -n": _RESOURCE_ID, "--acquire-policy-token": None},
    "identity list": {"--resource-group -g": "Arguments", "--acquire-policy-token": None},
    "identity delete": {"--name -n": _RESOURCE_ID, "--acquire-policy-token": _POLICY},
}


@pytest.mark.parametrize("command", sorted(OTHER_AZ_GROUPS))
def test_other_az_groups_keep_az_s_argument_groups(sigctl: Runner, command: str) -> None:
    ours = arguments_of(sigctl(f"{command} -h").stdout)
    for names, group in OTHER_AZ_GROUPS[command].items():
        assert (ours[names][0] if names in ours else None) == group, names
