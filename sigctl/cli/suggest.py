"""sigctl's own hints after az's usage errors: the option or command a user probably meant.

az's text stays first and unchanged; these lines follow it. Imported only when an error is
being reported, so a command that parses cleanly never pays for difflib.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from sigctl.cli import tree

# Enough to catch a dropped, doubled or swapped letter (`--resource-grop`, `--verison`) or a
# shortened word (`--managed-img`), without proposing unrelated options.
_CUTOFF = 0.6
# Among the candidates of an ambiguous abbreviation, only an obvious one is proposed
# (`--target-region` for `--target-regions`, not `--o` for `--output`).
_AMBIGUOUS_CUTOFF = 0.85


def closest_option(token: str, known: Iterable[str], cutoff: float = _CUTOFF) -> str | None:
    """The long option nearest to a mistyped one (`--resource-grop=rg` -> --resource-group)."""
    name = token.split("=", 1)[0]
    if len(name) < 3:
        return None  # a short option has no spelling to compare
    if not name.startswith("--"):
        name = "-" + name  # `-resource-group`: a dash was dropped
    longs = [s for s in dict.fromkeys(known) if s.startswith("--")]
    close = difflib.get_close_matches(name, longs, n=1, cutoff=cutoff)
    return close[0] if close else None


def options_meant(tokens: Iterable[str], known: Iterable[str]) -> list[str]:
    """One `Did you mean --x?` line for each mistyped option that has a close match."""
    known = list(known)
    lines = []
    for token in tokens:
        found = closest_option(token, known)
        if found is not None:
            lines.append(f"Did you mean {found}?")
        elif "completion" in token:  # Typer's --install-completion / --show-completion
            lines.append(
                "Shell completion is a command: sigctl completion bash|zsh|fish|powershell."
            )
    return lines


def ambiguity_meant(token: str, candidates: list[str]) -> list[str]:
    found = closest_option(token, candidates, _AMBIGUOUS_CUTOFF)
    return [f"Did you mean {found}?"] if found else []


def other_tree(path: tuple[str, ...], name: str) -> list[str]:
    """Where `name` exists if not under `path`: the same command module in the other tree
    (`sig image-version resolve` is `image-version resolve`), or a group of that name."""
    here = tree.TREE.get(path)
    found: list[tuple[str, ...]] = []
    for other, node in tree.TREE.items():
        if other == path:
            continue
        if other[-1:] == (name,):
            found.append(other)
        elif (
            here is not None
            and node.module == here.module
            and name in here.exclude  # the same commands, of which this tree leaves `name` out
            and name not in node.exclude
        ):
            found.append((*other, name))
    if not found:
        return []
    named = " and ".join(f"'sigctl {' '.join(p)}'" for p in sorted(found, key=len)[:2])
    line = f"{named} {'exists' if len(found) == 1 else 'exist'}"
    if path[:1] == ("sig",) and all(p[:1] != ("sig",) for p in found):
        line += ": sigctl's own commands are not in the az tree (sigctl sig ...)"
    return [line + "."]
