"""How a state looks on a terminal: one colour, one symbol and the state's own word.

The colours are among the 16 standard ANSI ones, so they stay apart on TERM=xterm (a truecolor
pink downgrades to the same red as a failure there). The symbol and the word carry the meaning
on their own, so NO_COLOR, a monochrome terminal or a screen reader loses nothing. Both the tree
(`sigctl tree`) and the replication progress bars use these looks.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Look:
    style: str  # a rich style made of standard colours only
    symbol: str
    ascii: str  # the symbol where the output cannot encode Unicode

    def mark(self, ascii_only: bool = False) -> str:
        return self.ascii if ascii_only else self.symbol


DONE = Look("green", "✔", "+")
WORKING = Look("yellow", "◐", "~")
QUEUED = Look("cyan", "○", ".")
FAILED = Look("bold red", "✖", "x")
DELETING = Look("magenta", "⊘", "-")
STOPPED = Look("bright_black", "■", "#")  # canceled: ended without succeeding or failing
UNKNOWN = Look("blue", "?", "?")

# Provisioning states (ARM), replication states (per region) and aggregated replication states.
_BY_STATE = {
    "succeeded": DONE,
    "completed": DONE,
    "enabled": DONE,
    "replicating": WORKING,
    "inprogress": WORKING,
    "creating": WORKING,
    "updating": WORKING,
    "migrating": WORKING,
    "queued": QUEUED,
    "pending": QUEUED,
    "accepted": QUEUED,
    "notstarted": QUEUED,
    "failed": FAILED,
    "deleting": DELETING,
    "canceled": STOPPED,
}


def look(state: str | None) -> Look:
    return _BY_STATE.get((state or "").lower(), UNKNOWN)


def label(state: str | None, ascii_only: bool = False) -> str:
    """'✔ Succeeded': the symbol and the word, readable without any colour."""
    return f"{look(state).mark(ascii_only)} {state or 'Unknown'}"
