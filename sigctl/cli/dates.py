"""az's client-side date handling for --end-of-life-date."""

from __future__ import annotations

from datetime import UTC

from sigctl.cli.errors import CliError


def end_of_life(text: str, option: str = "--end-of-life-date") -> str:
    """A date gets T12:59:59Z; the value is sent as UTC `YYYY-MM-DDTHH:MM:SS.000Z`.

    A value without a zone is taken in the local time zone, as az's parser does.
    """
    from dateutil import parser  # az parses with dateutil; only this option needs it

    raw = text.strip()
    if "T" not in raw and "t" not in raw:
        raw += "T12:59:59Z"
    try:
        moment = parser.parse(raw)
    except (ValueError, OverflowError):
        raise CliError(
            f"InvalidArgumentValue: {option}: Unable to parse: '{text}'. Expected format: Format: "
            "date (yyyy-mm-dd) time (hh:mm:ss.xxxxxx) timezone (+/-hh:mm)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
