"""The emulated service's notion of "now", and the clock replication progresses on.

Two clocks live in one stored document:

- **Timestamps** (`now()`): the wall clock, or `SIGCTL_NOW` (an ISO 8601 instant that freezes it
  for a whole process tree), or a frozen instant stored by `sigctl replication clock set`, plus a
  stored offset (`clock advance`). publishedDate, soft-delete times and end-of-life checks use it.
- **Replication progress** (`progress()`): a monotonic count of modelled seconds. A replication
  records where on it it started and how many modelled seconds it needs, so its progress is
  (progress() - start) / duration whatever happened to the timestamp clock in between. It is
  stored as an *anchor*: its value at one moment plus how it moves from there, either with the
  frozen timestamp clock (1 modelled second per emulated second, never backwards) or with the
  wall clock (replication.speed modelled seconds per real second). Every mode switch, advance,
  set, reset or speed change re-anchors it, so a change only affects time after it.
  In instant mode it stands at the end of every replication scheduled so far (the *horizon*).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import Any

from sigctl.errors import ArmError

NOW_ENV = "SIGCTL_NOW"
CLOCK_KEY = ("clock",)
INSTANT = "instant"


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant; a value without a zone is taken as UTC."""
    cleaned = text.strip()
    if cleaned.endswith(("Z", "z")):
        cleaned = cleaned[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(cleaned)
    except ValueError:
        raise ArmError(
            "InvalidClockValue",
            f"'{text}' is not an ISO 8601 date and time (for example 2030-01-01T12:00:00Z).",
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _seconds_between(earlier: datetime, later: datetime) -> float:
    return (later - earlier).total_seconds()


class Clock:
    """now = (SIGCTL_NOW, else a stored frozen instant, else the wall clock) + a stored offset.

    `speed` arguments are replication.speed: modelled seconds per real second, None for instant.
    """

    def __init__(self, stored: dict[str, Any] | None) -> None:
        self.stored = dict(stored or {})

    @property
    def frozen(self) -> bool:
        return bool(os.environ.get(NOW_ENV)) or self.stored.get("frozenAt") is not None

    def base(self) -> datetime:
        env = os.environ.get(NOW_ENV)
        if env:
            return parse_instant(env)
        frozen_at = self.stored.get("frozenAt")
        if frozen_at is not None:
            return parse_instant(frozen_at)
        return datetime.now(UTC)

    def now(self) -> datetime:
        return self.base() + timedelta(seconds=self.stored.get("offsetSeconds", 0.0))

    # -- the replication progress clock ----------------------------------------------------

    def progress(self) -> float:
        """Modelled seconds of replication so far: never decreases."""
        anchor = self.stored.get("progress")
        if anchor is None:
            return 0.0  # never anchored: no replication has started yet
        if anchor["speed"] == INSTANT:
            return max(anchor["seconds"], self.stored.get("horizon", 0.0))
        if "wallAt" in anchor:
            real = _seconds_between(parse_instant(anchor["wallAt"]), datetime.now(UTC))
            return anchor["seconds"] + max(real, 0.0) * anchor["speed"]
        emulated = _seconds_between(parse_instant(anchor["at"]), self.now())
        return anchor["seconds"] + max(emulated, 0.0)  # setting the clock back pauses it

    def reach(self, progress: float) -> None:
        """A replication scheduled to end at `progress`: instant mode jumps at least that far."""
        self.stored["horizon"] = max(self.stored.get("horizon", 0.0), progress)

    def sync(self, speed: float | None) -> bool:
        """Re-anchor if the clock's mode or the speed changed since the last anchor."""
        anchor = self.stored.get("progress")
        wanted = INSTANT if speed is None else speed
        if anchor is not None and anchor["speed"] == wanted and ("at" in anchor) == self.frozen:
            return False
        self._anchor(self.progress(), speed)
        return True

    def _anchor(self, progress: float, speed: float | None) -> None:
        anchor: dict[str, Any] = {"seconds": progress, "speed": INSTANT if speed is None else speed}
        if self.frozen:
            anchor["at"] = iso_precise(self.now())
        else:
            anchor["wallAt"] = iso_precise(datetime.now(UTC))
        self.stored["progress"] = anchor

    # -- changes (the caller stores `self.stored` under CLOCK_KEY) -------------------------

    def advance(self, seconds: float, speed: float | None) -> None:
        """Move both clocks forward by `seconds` (modelled seconds of replication, too)."""
        progress = self.progress() + seconds
        self.stored["offsetSeconds"] = self.stored.get("offsetSeconds", 0.0) + seconds
        self._anchor(progress, speed)

    def set(self, moment: datetime, speed: float | None) -> None:
        """Freeze the clock at `moment` (under SIGCTL_NOW, by offsetting from it).

        Replication gains the time moved forward; moving back does not undo progress.
        """
        progress = self.progress() + max(_seconds_between(self.now(), moment), 0.0)
        if os.environ.get(NOW_ENV):
            self.stored["offsetSeconds"] = _seconds_between(self.base(), moment)
        else:
            self.stored["frozenAt"] = iso_precise(moment)
            self.stored["offsetSeconds"] = 0.0
        self._anchor(progress, speed)

    def reset(self, speed: float | None) -> None:
        """Back to the wall clock with no offset; replication progress carries on from here."""
        progress = self.progress()
        self.stored.pop("frozenAt", None)
        self.stored.pop("offsetSeconds", None)
        self._anchor(progress, speed)


def load(tx: Any) -> Clock:
    return Clock(tx.read(CLOCK_KEY))


def save_clock(tx: Any, clock: Clock) -> None:
    tx.write(CLOCK_KEY, clock.stored)


def iso_precise(moment: datetime) -> str:
    """ARM's timestamp style with 7 fractional digits: 2026-04-24T02:09:13.0173102+00:00."""
    moment = moment.astimezone(UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond:06d}0+00:00"
