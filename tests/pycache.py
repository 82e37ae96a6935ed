"""Compiled modules of a test run are kept between runs, outside the source tree.

Where PYTHONDONTWRITEBYTECODE keeps bytecode out of the tree, every run would compile each sigctl
module and rewrite each test module's asserts again (about 5 s a run, per xdist worker), and
each `sigctl` process a test starts would compile every module it imports (about 0.15 s a
process). Importing this module (tests/conftest.py does, before sigctl and the test modules are
imported) sends bytecode to a private cache instead; the source tree is never written to.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest


def _bytecode_folder() -> Path | None:
    """Where compiled modules go when PYTHONDONTWRITEBYTECODE keeps them out of the tree: a
    private cache, kept between runs (None where bytecode is written as usual)."""
    if not os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return None
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "sigctl-tests" / "pycache"


# Set on import: the modules imported after this one are compiled once, into the cache.
BYTECODE = _bytecode_folder()
if BYTECODE is not None:
    sys.pycache_prefix = str(BYTECODE)
    sys.dont_write_bytecode = False


@pytest.fixture(scope="session", autouse=True)
def bytecode_cache() -> Iterator[None]:
    """The processes tests start use the same cache (BYTECODE above), so each compiles only
    what changed; without one, a `sigctl` process compiles every module it imports (about
    0.15 s a process)."""
    if BYTECODE is None:
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTHONPYCACHEPREFIX", str(BYTECODE))
        patch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
        yield
