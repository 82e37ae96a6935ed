"""The emulated service's notion of "now".

Time normally follows the wall clock. `SIGCTL_NOW` (an ISO 8601 instant) freezes it for a whole
process tree; `sigctl replication clock set/advance` store a frozen instant or an offset in the
state, so every later command sees the same moved clock.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import Any

from sigctl.errors import ArmError

NOW_ENV = "SIGCTL_NOW"
CLOCK_KEY = ("clock",)


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


class Clock:
    """now = (SIGCTL_NOW, else a stored frozen instant, else the wall clock) + a stored offset."""

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

    # -- changes (the caller stores `self.stored` under CLOCK_KEY) -------------------------

    def advance(self, seconds: float) -> None:
        self.stored["offsetSeconds"] = self.stored.get("offsetSeconds", 0.0) + seconds

    def set(self, moment: datetime) -> None:
        """Freeze the clock at `moment` (under SIGCTL_NOW, by offsetting from it)."""
        if os.environ.get(NOW_ENV):
            self.stored["offsetSeconds"] = (moment - self.base()).total_seconds()
        else:
            self.stored = {"frozenAt": iso_precise(moment), "offsetSeconds": 0.0}


def load(tx: Any) -> Clock:
    return Clock(tx.read(CLOCK_KEY))


def iso_precise(moment: datetime) -> str:
    """ARM's timestamp style with 7 fractional digits: 2026-04-24T02:09:13.0173102+00:00."""
    moment = moment.astimezone(UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond:06d}0+00:00"
