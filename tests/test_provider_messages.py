"""The provider speaks ARM: the texts it can send (error messages, details) name ARM properties,
never az's command-line flags. The CLI words flag-naming advice itself (sigctl.cli.service_errors).

Every string literal of sigctl/provider and sigctl/server is scanned, docstrings aside (they may
say which az flag a rule serves), and comments are not strings.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import sigctl

PACKAGE = Path(sigctl.__file__).parent
FLAG = re.compile(r"(?<![\w-])--[a-z]")


def _docstrings(tree: ast.AST) -> set[int]:
    kinds = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, kinds)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def flags_in(source: str) -> list[str]:
    tree = ast.parse(source)
    docs = _docstrings(tree)
    return [
        f"line {node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docs
        and FLAG.search(node.value)
    ]


@pytest.mark.parametrize("package", ["provider", "server"])
def test_no_text_the_service_sends_names_a_cli_flag(package: str) -> None:
    found = {
        str(path.relative_to(PACKAGE)): flags_in(path.read_text())
        for path in sorted((PACKAGE / package).rglob("*.py"))
    }
    assert {path: lines for path, lines in found.items() if lines} == {}


def test_the_scan_finds_a_flag_in_a_message_but_not_in_a_docstring() -> None:
    source = (
        '"""Serves --target-regions."""\n'
        'def f():\n    """--location too."""\n'
        '    raise ArmError("InvalidParameter", f"Use --target-regions {x}.", 400)\n'
    )
    assert flags_in(source) == ["line 4: 'Use --target-regions '"]
    assert flags_in('message = "properties.publishingProfile.targetRegions is a-b--c"') == []
