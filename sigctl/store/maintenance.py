"""Whole-state operations: wiping it under the writers' lock."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sigctl.store.lock import StateLock
from sigctl.store.transaction import LOCK


def wipe(root: Path) -> None:
    """Remove every document (and any half-finished journal), holding the exclusive lock."""
    if not root.is_dir():
        return
    lock = StateLock(root / LOCK)
    lock.acquire(exclusive=True)
    try:
        for entry in os.listdir(root):
            if entry == LOCK:
                continue
            target = root / entry
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            else:
                target.unlink()
    finally:
        lock.release()
