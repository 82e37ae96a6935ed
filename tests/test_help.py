"""Every group and command has help with az-style examples, and a docs page."""

from __future__ import annotations

from pathlib import Path

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
    ],
)
def test_docs_pages_exist(page: str) -> None:
    assert (DOCS / page).is_file()
