"""Moving the emulated clock: what `sigctl replication clock` does to the state."""

from __future__ import annotations

import re
from typing import Any

from sigctl.errors import ArmError
from sigctl.provider import clock, replication
from sigctl.provider.clock import CLOCK_KEY, NOW_ENV, iso_precise, parse_instant

_DURATION = re.compile(r"(\d+(?:\.\d+)?)([smhd]?)")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> float:
    """'90', '90s', '5m', '1h30m', '2d' -> seconds."""
    cleaned = text.strip().lower().replace(" ", "")
    pos = 0
    total = 0.0
    for match in _DURATION.finditer(cleaned):
        if match.start() != pos:
            break
        total += float(match.group(1)) * _UNITS[match.group(2)]
        pos = match.end()
    if not cleaned or pos != len(cleaned):
        raise ArmError(
            "InvalidDuration",
            f"'{text}' is not a duration; use seconds or units, e.g. 90, 90s, 5m, 1h30m, 2d.",
        )
    return total


def describe(tx: Any, config: Any) -> dict[str, Any]:
    import os

    current = clock.load(tx)
    rate = replication.speed(config)
    if os.environ.get(NOW_ENV):
        source = f"{NOW_ENV} + stored offset"
    elif current.stored.get("frozenAt") is not None:
        source = "stored frozen instant + offset"
    else:
        source = "wall clock + stored offset"
    return {
        "now": iso_precise(current.now()),
        "mode": "frozen" if current.frozen else "running",
        "source": source,
        "offsetSeconds": current.stored.get("offsetSeconds", 0.0),
        "replicationSpeed": "instant" if rate is None else rate,
    }


def set_(tx: Any, text: str) -> None:
    current = clock.load(tx)
    current.set(parse_instant(text))
    tx.write(CLOCK_KEY, current.stored)


def advance(tx: Any, text: str) -> float:
    seconds = parse_duration(text)
    current = clock.load(tx)
    current.advance(seconds)
    tx.write(CLOCK_KEY, current.stored)
    return seconds


def reset(tx: Any) -> None:
    tx.delete(CLOCK_KEY)
