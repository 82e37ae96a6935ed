"""az's --max-items/--next-token on list commands: a plain array, the next token on stderr."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from sigctl.cli.context import Invocation
from sigctl.cli.errors import CliError
from sigctl.cli.params import integer

MaxItems = Annotated[
    int | None,
    typer.Option(
        "--max-items",
        parser=integer("--max-items"),
        help="Total number of items to return in the command's output. If the total number of "
        "items available is more than the value specified, a token is provided in the command's "
        "output. To resume pagination, provide the token value in `--next-token` argument of a "
        "subsequent command.",
    ),
]
NextToken = Annotated[
    str | None,
    typer.Option(
        "--next-token",
        help="Token to specify where to start paginating. This is the token value from a "
        "previously truncated response.",
    ),
]


# base64 is imported where a token is made or read: a list without --max-items needs neither.


def _encode(offset: int) -> str:
    import base64

    return base64.b64encode(json.dumps({"next_link": None, "offset": offset}).encode()).decode()


def _decode(token: str) -> int:
    import base64

    try:
        offset = json.loads(base64.b64decode(token, validate=True))["offset"]
    except (ValueError, KeyError, TypeError, RecursionError):
        offset = None
    if type(offset) is not int:  # only what _encode writes: not true, 1.5 or a string
        raise CliError(f"usage error: '{token}' is not a valid --next-token value")
    return offset


def paginate(
    inv: Invocation, items: list[Any], max_items: int | None, next_token: str | None
) -> list[Any]:
    start = _decode(next_token) if next_token else 0
    if max_items is not None and max_items < 1:
        raise CliError("usage error: --max-items must be 1 or more")
    if start < 0:
        raise CliError(f"usage error: '{next_token}' is not a valid --next-token value")
    if max_items is None:
        return items[start:]
    end = start + max_items
    if end < len(items):
        inv.warn(f"Token of next page: {_encode(end)}")
    return items[start:end]
