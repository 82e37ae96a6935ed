"""az's client-side date handling for --end-of-life-date."""

from __future__ import annotations

from datetime import UTC

from sigctl.cli.errors import CliError


def end_of_life(text: str, option: str = "--end-of-life-date") -> str:
    """The hand-written commands' rule: a date alone gets T12:59:59Z, then as `aaz_datetime`."""
    raw = text.strip()
    if "T" not in raw and "t" not in raw:
        raw += "T12:59:59Z"
    return aaz_datetime(raw, option, shown=text)


def aaz_datetime(text: str, option: str, shown: str | None = None) -> str:
    """az's generated commands' date-time: sent as UTC `YYYY-MM-DDTHH:MM:SS.fffZ`.

    A value without a zone is taken in the local time zone, as az's parser (dateutil) does; a
    date alone is midnight. The fraction keeps at least three digits, as msrest writes it.
    """
    from dateutil import parser  # az parses with dateutil; only these options need it

    try:
        moment = parser.parse(text)
    except (ValueError, OverflowError):
        raise CliError(
            f"InvalidArgumentValue: {option}: Unable to parse: '{shown or text}'. Expected format: "
            "Format: date (yyyy-mm-dd) time (hh:mm:ss.xxxxxx) timezone (+/-hh:mm)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.astimezone()
    moment = moment.astimezone(UTC)
    fraction = str(moment.microsecond).rjust(6, "0").rstrip("0").ljust(3, "0")
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{fraction}Z"
