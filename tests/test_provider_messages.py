"""The provider speaks ARM: the texts it can send (error messages, details) name ARM properties,
never az's command-line flags. The CLI words flag-naming advice itself (sigctl.cli.service_errors).

Every string literal of sigctl/provider and sigctl/server is scanned, docstrings aside (they may
say which az flag a rule serves), and comments are not strings.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest

import sigctl

PACKAGE = Path(sigctl.__file__).parent
OTHER = "00000000-0000-0000-0000-00000000abcd"
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


def test_the_service_names_the_property_and_the_cli_names_the_flag(
    sigctl: Any, ok: Any, home: Path
) -> None:
    from sigctl.errors import ArmError
    from sigctl.provider.service import Provider

    ok("group create -n rg1 -l eastus2")
    ok("sig create -g rg1 -r gal1")
    gallery = ok("sig show -g rg1 -r gal1 --query id")
    share = {"operationType": "Add", "groups": [{"type": "Subscriptions", "ids": [OTHER]}]}
    with pytest.raises(ArmError) as served:
        Provider(home).request(
            "POST", f"{gallery}/share", {"api-version": "2024-03-03"}, body=share
        )
    assert "sharingProfile.permissions is Groups" in served.value.message
    assert not FLAG.search(served.value.message)
    shown = sigctl("sig share add -g rg1 -r gal1 --subscription-ids " + OTHER)
    assert shown.exit_code == 1
    assert "Direct sharing needs a gallery created with --permissions Groups." in shown.stderr
