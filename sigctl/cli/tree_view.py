"""`sigctl tree`: the emulated cloud drawn as a tree, from the service's inventory read.

One line per subscription, group, gallery, definition, version and target region, each with its
state in the palette's colour, symbol and word (sigctl.cli.palette), and what its kind adds:
progress as a small bar, ready/total replicas, a star on what "latest" resolves to, and end of
life. Without colour (a pipe, NO_COLOR) the symbols and words carry everything.
"""

from __future__ import annotations

from typing import Any

from sigctl.cli import palette
from sigctl.cli.context import Invocation
from sigctl.cli.errors import usage_error
from sigctl.provider import ids

BAR_CELLS = 10
API_VERSION = "2026-01-01"  # sigctl's own inventory read (docs/serve.md)


def fetch(
    inv: Invocation, group: str | None, gallery: str | None, image: str | None
) -> dict[str, Any]:
    """The subscription's node, scoped to a group, gallery or definition (as az addresses them)."""
    if gallery is not None and group is None:
        raise usage_error("usage error: -r needs -g")
    if image is not None and gallery is None:
        raise usage_error("usage error: -i needs -r")
    client = inv.client
    query = {k: v for k, v in (("gallery", gallery), ("image", image)) if v is not None}
    query["api-version"] = API_VERSION
    (node,) = client.list(ids.inventory_id(client.subscription, group), **query)
    return node


def draw(inv: Invocation, node: dict[str, Any]) -> None:
    """Print the tree on stdout: coloured on a terminal, plain (never wrapped) otherwise."""
    import sys

    console = inv.console()
    if not sys.stdout.isatty():
        console.width = 10_000  # a pipe gets whole lines, as grep and the docs expect
    ascii_only = not console.encoding.lower().startswith("utf")
    console.print(render(node, ascii_only), soft_wrap=True)


def render(node: dict[str, Any], ascii_only: bool = False) -> Any:
    """The rich Tree for a node and everything beneath it."""
    from rich.tree import Tree

    tree = Tree(_label(node, ascii_only, 0), guide_style="dim")
    _grow(tree, node, ascii_only)
    return tree


def _grow(branch: Any, node: dict[str, Any], ascii_only: bool) -> None:
    children = node.get("children") or []
    # Siblings line up: region names, then states, so their bars start in one column.
    names = max((len(_name(c)) for c in children), default=0)
    states = max((len(c.get("state", "")) for c in children), default=0)
    for child in children:
        _grow(branch.add(_label(child, ascii_only, names, states)), child, ascii_only)


def _name(node: dict[str, Any]) -> str:
    return node.get("displayName") or node["name"]


def _label(node: dict[str, Any], ascii_only: bool, names: int = 0, states: int = 0) -> Any:
    from rich.text import Text

    kind = node["kind"]
    text = Text(no_wrap=True)
    if kind == "targetRegion":
        text.append(_name(node).ljust(names), style="bold")
    else:
        text.append(node["name"], style="bold")
        text.append(f" {_KIND_WORDS[kind]}", style="dim")
    if "state" not in node:
        return text  # a path to something readable: the caller may not read this node itself
    for part in _facts(node, ascii_only, states):
        text.append("  ")
        text.append_text(part)
    if node.get("details"):  # a failure's reason, on a line of its own under the region
        text.append(f"\n{node['details']}", style=palette.look(node["state"]).style)
    return text


_KIND_WORDS = {
    "subscription": "subscription",
    "resourceGroup": "resource group",
    "gallery": "gallery",
    "imageDefinition": "image definition",
    "imageVersion": "version",
}


def _facts(node: dict[str, Any], ascii_only: bool, states: int) -> list[Any]:
    from rich.text import Text

    kind = node["kind"]
    facts = []
    if kind == "subscription":
        facts.append(Text(node["subscriptionId"], style="dim"))
    elif kind not in ("imageVersion", "targetRegion") and node.get("location"):
        facts.append(Text(node["location"], style="dim"))
    if kind == "imageDefinition":
        identifier = node.get("identifier") or {}
        triple = "/".join(identifier.get(k, "") for k in ("publisher", "offer", "sku"))
        facts.append(Text(f"{node.get('osType')} {triple}", style="dim"))
    facts.append(_state(node["state"], ascii_only, states))
    if "progress" in node:
        facts.append(_bar(node["state"], node["progress"], ascii_only))
    if "replicas" in node:
        replicas = node["replicas"]
        facts.append(Text(f"replicas {replicas['ready']}/{replicas['total']}"))
    if node.get("storageAccountType"):
        facts.append(Text(node["storageAccountType"], style="dim"))
    if kind == "imageDefinition":
        found = node.get("latestVersion")
        facts.append(Text(f"latest {found}" if found else "no latest", style="bold"))
    if node.get("isLatest"):
        facts.append(Text(f"{'*' if ascii_only else '★'} latest", style="bold"))
    if node.get("excludeFromLatest"):
        facts.append(Text("excluded from latest", style="dim"))
    if node.get("endOfLifeDate"):
        date = node["endOfLifeDate"][:10]
        passed = node.get("endOfLifePassed")
        facts.append(
            Text(f"end of life {'passed ' if passed else ''}{date}", style="red" if passed else "")
        )
    return facts


def _state(state: str, ascii_only: bool, width: int = 0) -> Any:
    from rich.text import Text

    label = palette.label(state, ascii_only)
    return Text(label.ljust(width + 2), style=palette.look(state).style)


def _bar(state: str, progress: int, ascii_only: bool) -> Any:
    """A ten-cell bar and the percentage: filled cells differ from empty ones without colour."""
    from rich.text import Text

    full, empty = ("#", "-") if ascii_only else ("█", "░")
    filled = min(max(progress, 0), 100) * BAR_CELLS // 100
    return Text.assemble(
        (full * filled, palette.look(state).style),
        (empty * (BAR_CELLS - filled), "dim"),
        f" {progress:>3}%",
    )
