"""The state palette: states stay apart in 16 colours and without colour, in bars and in the tree."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from rich.console import Console
from rich.text import Text

from sigctl.cli import palette, tree_view
from sigctl.cli.progress import RegionProgress

# One state of each kind the palette tells apart.
KINDS = ["Succeeded", "Replicating", "Queued", "Failed", "Deleting", "Canceled", "Unknown"]
SGR = re.compile(r"\x1b\[([0-9;]*)m")
CONTROL = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")  # any escape sequence: colours, cursor moves


def console(colour: bool, width: int = 160) -> Console:
    """A terminal of TERM=xterm's kind (16 colours), or a NO_COLOR one."""
    return Console(
        file=io.StringIO(),
        force_terminal=True,
        color_system="standard" if colour else None,
        no_color=not colour,
        width=width,
        highlight=False,
    )


def colour_codes(state: str) -> str:
    out = console(True)
    out.print(Text(palette.label(state), style=palette.look(state).style))
    return "".join(SGR.findall(out.file.getvalue()))  # type: ignore[attr-defined]


def test_each_kind_of_state_has_its_own_symbol_and_word() -> None:
    for ascii_only in (False, True):
        labels = [palette.label(s, ascii_only) for s in KINDS]
        symbols = [label.split(" ", 1)[0] for label in labels]
        assert len(set(symbols)) == len(KINDS), labels
        assert [label.split(" ", 1)[1] for label in labels] == KINDS  # the word itself
    assert all(palette.label(s, ascii_only=True).isascii() for s in KINDS)


def test_each_kind_of_state_has_its_own_colour_in_16_colours() -> None:
    codes = {state: colour_codes(state) for state in KINDS}
    assert len(set(codes.values())) == len(KINDS), codes
    # The case that was wrong: replicating and failed were both red on TERM=xterm.
    assert "31" in codes["Failed"] and "31" not in codes["Replicating"]
    for code in codes.values():
        assert "38;" not in code  # standard colours only, never 256-colour or truecolor


@pytest.mark.parametrize(
    "same,as_",
    [
        ("Completed", "Succeeded"),
        ("InProgress", "Replicating"),
        ("Creating", "Replicating"),
        ("Updating", "Replicating"),
        ("failed", "Failed"),
    ],
)
def test_states_of_one_kind_look_alike(same: str, as_: str) -> None:
    assert palette.look(same) == palette.look(as_)


def body(*regions: tuple[str, str, int]) -> dict[str, Any]:
    summary = [{"region": r, "state": s, "progress": p, "details": ""} for r, s, p in regions]
    return {"properties": {"replicationStatus": {"summary": summary}}}


def bars(colour: bool) -> dict[str, str]:
    """The last drawn line of each region's bar, by region."""
    out = console(colour, width=100)
    with RegionProgress("Replicating 1.0.0", out, enabled=True) as progress:
        progress.update(body(("East US 2", "Replicating", 40), ("West US 2", "Failed", 40)))
    text = out.file.getvalue()  # type: ignore[attr-defined]
    lines = {}
    for line in re.split(r"[\r\n]", text):
        plain = CONTROL.sub("", line).strip()
        for region in ("East US 2", "West US 2"):
            if plain.startswith(region):
                lines[region] = line
    return lines


def test_bars_of_a_replicating_and_a_failed_region_differ_in_16_colours() -> None:
    lines = bars(colour=True)
    replicating, failed = lines["East US 2"], lines["West US 2"]
    assert "◐ Replicating" in SGR.sub("", replicating) and "✖ Failed" in SGR.sub("", failed)
    # The bar itself: yellow (33) while replicating, red (31) once failed.
    assert "\x1b[33m━" in replicating and "\x1b[31m" not in replicating
    assert "\x1b[1;31m━" in failed


def test_bars_without_colour_still_tell_the_states_apart() -> None:
    lines = bars(colour=False)
    replicating, failed = lines["East US 2"], lines["West US 2"]
    codes = [code for line in lines.values() for code in SGR.findall(line)]
    assert set(codes) <= {"", "0"}  # resets only: no colour, no bold
    assert replicating.rstrip().endswith("40% ◐ Replicating")
    assert failed.rstrip().endswith("40% ✖ Failed")


def test_bar_header_keeps_the_version_name_whole() -> None:
    out = console(True)
    title = "Replicating 1.0.0 (Microsoft.Compute/galleries/g/images/i/versions/1.0.0)"
    with RegionProgress(title, out, enabled=True):
        pass
    text = out.file.getvalue()  # type: ignore[attr-defined]
    assert title in text  # no escape code between "1.0" and ".0"


def test_tree_states_differ_in_16_colours() -> None:
    node = {
        "kind": "imageVersion",
        "name": "1.1.0",
        "state": "Failed",
        "progress": 60,
        "replicas": {"ready": 1, "total": 2},
        "children": [
            {
                "kind": "targetRegion",
                "name": "eastus2",
                "displayName": "East US 2",
                "state": s,
                "progress": p,
                "children": [],
            }
            for s, p in (("Replicating", 50), ("Failed", 40), ("Completed", 100))
        ],
    }
    out = console(True)
    out.print(tree_view.render(node))
    lines = out.file.getvalue().splitlines()  # type: ignore[attr-defined]
    assert "\x1b[33m◐ Replicating" in lines[1]
    assert "\x1b[1;31m✖ Failed" in lines[2]
    assert "\x1b[32m✔ Completed" in lines[3]
    plain = console(False)
    plain.print(tree_view.render(node))
    assert "\x1b[3" not in plain.file.getvalue()  # type: ignore[attr-defined]
    assert [
        SGR.sub("", line).split("  ")[1] for line in plain.file.getvalue().splitlines()[1:]
    ] == [  # type: ignore[attr-defined]
        "◐ Replicating",
        "✖ Failed",
        "✔ Completed",
    ]
