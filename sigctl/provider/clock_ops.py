"""Moving the emulated clock: what `sigctl replication clock` does to the state."""

from __future__ import annotations

import os
import re
from typing import Any

from sigctl.errors import ArmError
from sigctl.provider import clock, replication
from sigctl.provider.clock import NOW_ENV, iso_precise, parse_instant, save_clock

_DURATION = re.compile(r"([0-9]+(?:\.[0-9]+)?)([smhd]?)")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> float:
    """'90', '90s', '5m', '1h30m', '2d' -> seconds."""
    cleaned = text.strip().lower().replace(" ", "")
    if cleaned.startswith("-"):
        raise ArmError(
            "InvalidDuration",
            f"'{text}' is negative: the clock only moves forward. "
            "To go back, freeze it at an earlier time.",
        )
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
    current = clock.load(tx)
    rate = replication.speed(config)
    if os.environ.get(NOW_ENV):
        source = f"{NOW_ENV} + stored offset"
    elif current.stored.get("frozenAt") is not None:
        source = "stored frozen instant + offset"
    else:
        source = "wall clock + stored offset"
    # instant replication wins over a frozen clock
    mode = "instant" if rate is None else "frozen" if current.frozen else "running"
    return {
        "now": iso_precise(current.now()),
        "mode": mode,
        "source": source,
        "offsetSeconds": current.stored.get("offsetSeconds", 0.0),
        "replicationSpeed": "instant" if rate is None else rate,
    }


def set_(tx: Any, config: Any, text: str) -> None:
    current = clock.load(tx)
    current.set(parse_instant(text), replication.speed(config))
    save_clock(tx, current)


def advance(tx: Any, config: Any, text: str) -> float:
    seconds = parse_duration(text)
    current = clock.load(tx)
    current.advance(seconds, replication.speed(config))
    save_clock(tx, current)
    return seconds


def reset(tx: Any, config: Any) -> None:
    current = clock.load(tx)
    current.reset(replication.speed(config))
    save_clock(tx, current)


def sync(tx: Any, config: Any) -> bool:
    """Re-anchor the progress clock if the speed or mode changed; True if it did.

    Nothing to do before any replication has started (no anchor yet).
    """
    current = clock.load(tx)
    if "progress" not in current.stored or not current.sync(replication.speed(config)):
        return False
    save_clock(tx, current)
    return True


def wait(store: Any, settings_of: Any, seconds: float) -> dict[str, float]:
    """Let `seconds` of modelled time pass for a polling client (POST /sigctl/clock/wait).

    On a running clock that takes seconds / replication.speed of real time, which the client
    sleeps itself (nothing in instant mode). A frozen clock would never move, so waiting advances
    it instead, by `advancedSeconds`. A changed speed or clock mode is applied first (the
    progress clock is re-anchored). `settings_of(tx)` gives the settings in force; the whole
    step runs again after a conflict with another writer.
    """

    def step() -> dict[str, float]:
        with store.transaction() as tx:
            rate = replication.speed(settings_of(tx))
            current = clock.load(tx)
        stale = "progress" in current.stored and current.sync(rate)
        if current.frozen or stale:
            with store.transaction(write=True) as tx:
                if current.frozen:
                    current = clock.load(tx)
                    current.advance(seconds, rate)
                    save_clock(tx, current)
                    return {"advancedSeconds": seconds, "sleepSeconds": 0.0}
                sync(tx, settings_of(tx))
        return {"advancedSeconds": 0.0, "sleepSeconds": 0.0 if rate is None else seconds / rate}

    return store.retrying(step)
