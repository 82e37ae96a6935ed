"""`... wait`: az's polling loop, with its exact semantics.

Per poll: GET the resource. `--exists` is met by any answer; provisioningState Failed stops with
"The operation failed" (exit 1); `--created`/`--updated` are met at Succeeded; `--custom` when
its JMESPath over the *un-flattened* ARM body is truthy. A 404 meets `--deleted`, is polled
through by `--created`/`--exists`/`--custom`, and is an error otherwise. When the time is up az
prints `{}` and exits 0.

`--interval` is in modelled seconds: the emulator lets that much time pass between polls (on a
running clock it takes interval / replication.speed of real time; a frozen clock is advanced,
and the waiter says by how much, so waiting never hangs on a clock that cannot move).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sigctl.cli.context import Invocation
from sigctl.cli.errors import CliError
from sigctl.errors import ArmError

TIMED_OUT: dict[str, Any] = {}


def wait_for(
    inv: Invocation,
    fetch: Callable[[], dict[str, Any]],
    *,
    created: bool,
    updated: bool,
    deleted: bool,
    exists: bool,
    custom: str | None,
    interval: int,
    timeout: int,
    sleep: Callable[[float], float],
) -> dict[str, Any] | None:
    if not (created or updated or deleted or exists or custom):
        raise CliError(
            "incorrect usage: --created | --updated | --deleted | --exists | --custom JMESPATH"
        )
    if interval <= 0:
        raise CliError("usage error: --interval must be a positive number of seconds")
    condition = _custom_condition(custom) if custom else None
    advanced = 0.0
    try:
        for _ in range(0, max(timeout, 0), interval):
            try:
                instance = fetch()
            except ArmError as error:
                if error.status != 404:
                    raise
                if deleted:
                    return None
                if not (created or exists or custom):
                    raise
            else:
                if exists:
                    return None
                state = str(instance.get("properties", {}).get("provisioningState") or "").lower()
                if state == "failed":
                    raise CliError("The operation failed")
                if (created or updated) and state == "succeeded":
                    return None
                if condition is not None and _holds(condition, custom, instance):
                    return None
            advanced += sleep(interval) or 0.0
        return TIMED_OUT
    finally:
        from sigctl.cli.lro import say_clock_advanced

        say_clock_advanced(inv, advanced)


def _custom_condition(custom: str) -> Any:
    """--custom compiled as --query is, with the same refusal of an expression that is not one."""
    from sigctl.cli.output import compile_query

    return compile_query(custom, "--custom")


def _holds(condition: Any, custom: str | None, instance: dict[str, Any]) -> bool:
    from jmespath.exceptions import JMESPathError

    try:
        return bool(condition.search(instance))
    except (JMESPathError, RecursionError) as exc:  # a function given the wrong types, say
        raise CliError(f"--custom '{custom}' cannot be evaluated: {exc}") from None


def poll(
    inv: Invocation, target: Any, query: dict[str, Any], **conditions: Any
) -> dict[str, Any] | None:
    """A `wait` command's body: poll GET `target` with `query` until `conditions` hold."""
    client = inv.client
    return wait_for(inv, lambda: client.get(target, **query), sleep=client.sleep, **conditions)
