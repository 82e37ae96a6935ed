"""Where sigctl keeps everything: SIGCTL_HOME, else the platform's user data dir."""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "SIGCTL_HOME"


def home_dir() -> Path:
    configured = os.environ.get(HOME_ENV)
    if configured:
        return Path(configured).expanduser()
    import platformdirs  # only needed when SIGCTL_HOME is not set

    return Path(platformdirs.user_data_dir("sigctl", appauthor=False))


def ensure_private_dir(path: Path) -> None:
    """Create `path` readable by its owner only, and any missing parent the same way (mkdir -p
    would give the parents the process umask's mode: world-writable under umask 000)."""
    from sigctl.store.files import make_private_dirs

    try:
        make_private_dirs(path)
        os.chmod(path, 0o700)
    except OSError as exc:
        from sigctl.errors import state_file_error

        # A home that is a file, or a folder we may not write, is the user's to fix: say where.
        raise state_file_error(
            str(path),
            exc.strerror or str(exc),
            "make it a folder you may write, or point SIGCTL_HOME at another one",
        ) from None
