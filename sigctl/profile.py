"""The emulated client's login: the current subscription and the signed-in principal.

az keeps these client-side (~/.azure/azureProfile.json); sigctl keeps them in
`<home>/profile.json`, beside the configuration, so `sigctl account set` and `sigctl login`
last between commands like az's do.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

PROFILE_FILE = "profile.json"


def load(home: Path) -> dict[str, Any]:
    try:
        data = json.loads((home / PROFILE_FILE).read_text())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        return {}  # a damaged profile is as good as none: the defaults apply
    return data if isinstance(data, dict) else {}


def save(home: Path, data: dict[str, Any]) -> None:
    from sigctl.home import ensure_private_dir
    from sigctl.store.files import write_atomically

    ensure_private_dir(home)
    write_atomically(
        home / PROFILE_FILE, json.dumps(data, indent=2, sort_keys=True).encode() + b"\n"
    )
