"""An inter-process lock on the state folder (shared for readers, exclusive for writers).

flock() locks belong to an open file, so a thread that opened the lock file twice would wait
on itself. A transaction opened while the same thread already holds the lock (an emulator
command reading the subscription inside its own write) therefore joins the held lock instead.
Other threads (a server's workers) open the file themselves, so flock() keeps them apart exactly
as it keeps processes apart.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


class _Held(threading.local):
    """lock path -> [fd, exclusive, holders] for the locks the current thread holds."""

    def __init__(self) -> None:
        self.locks: dict[Path, list[int | bool]] = {}


_HELD = _Held()


class StateLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None
        self.exclusive = False
        self.joined = False

    def acquire(self, exclusive: bool) -> None:
        held = _HELD.locks.get(self.path)
        if held is not None:
            if exclusive and not held[1]:
                # Waiting for an exclusive lock over our own shared one would never end.
                raise RuntimeError("a state write was started inside a read of the same thread")
            held[2] = int(held[2]) + 1
            self.joined, self.exclusive = True, bool(held[1])
            return
        if self.fd is None:
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        if fcntl is not None:
            fcntl.flock(self.fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        else:  # pragma: no cover - Windows: msvcrt only offers exclusive locks
            import msvcrt

            msvcrt.locking(self.fd, msvcrt.LK_LOCK, 1)
        self.exclusive = exclusive
        _HELD.locks[self.path] = [self.fd, exclusive, 1]

    def release(self) -> None:
        if self.joined:
            held = _HELD.locks[self.path]
            held[2] = int(held[2]) - 1
            self.joined = False
            return
        if self.fd is None:
            return
        _HELD.locks.pop(self.path, None)
        if fcntl is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)
        self.fd = None
