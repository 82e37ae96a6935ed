"""The emulated client's login: the current subscription and the signed-in principal.

az keeps these client-side (~/.azure/azureProfile.json); sigctl keeps them in
`<home>/profile.json`, beside the configuration, so `sigctl account set` and `sigctl login`
last between commands like az's do.

A damaged profile is refused, never read as "no login": without it a command would act as the
subscription's owner, so a Reader whose profile got truncated could suddenly write. Only
`sigctl login` and `sigctl logout`, which say who acts next, may replace it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

PROFILE_FILE = "profile.json"
FIELDS = ("principal", "subscription")


def load(home: Path, replacing: bool = False) -> dict[str, Any]:
    """The saved login. `replacing`: the caller is about to overwrite it, so a damaged one
    counts as empty instead of stopping the command."""
    path = home / PROFILE_FILE
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        if replacing:
            return {}
        raise _damaged(path, exc.strerror or str(exc)) from None
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        if replacing:
            return {}
        raise _damaged(path, f"it is not valid JSON ({exc})") from None
    valid = isinstance(data, dict) and all(
        name not in data or (isinstance(data[name], str) and data[name]) for name in FIELDS
    )
    if not valid:
        if replacing:
            return {}
        raise _damaged(path, "it does not hold a login (a principal and a subscription id)")
    return data


def _damaged(path: Path, reason: str) -> Exception:
    from sigctl.errors import state_file_error

    return state_file_error(
        str(path),
        reason,
        "run 'sigctl login --as NAME' to sign in again, or 'sigctl logout' to act as the "
        "subscription's owner; either replaces it",
    )


def save(home: Path, data: dict[str, Any]) -> None:
    from sigctl.home import ensure_private_dir
    from sigctl.store.files import write_atomically

    ensure_private_dir(home)
    write_atomically(
        home / PROFILE_FILE, json.dumps(data, indent=2, sort_keys=True).encode() + b"\n"
    )
