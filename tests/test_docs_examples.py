"""Every console example in docs/ runs, in a fresh state, and prints what the page shows."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import docs_examples  # noqa: E402

pytestmark = pytest.mark.slow  # it starts processes (tests/slow_guard.py)

PAGES = sorted(p for p in (ROOT / "docs").glob("*.md") if docs_examples.examples(p.read_text()))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_docs_examples(page: Path) -> None:
    sigctl = shutil.which("sigctl")
    assert sigctl, "the docs examples run the installed sigctl command"
    problems = docs_examples.check(page, str(Path(sigctl).parent))
    assert not problems, (
        f"{page.name}: run `python tools/docs_examples.py fill docs/{page.name}` after checking:\n"
        + "\n".join(problems)
    )


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_a_page_starts_with_a_throw_away_home(page: Path) -> None:
    """Copied top to bottom, a page must not change the reader's own state (or clock)."""
    first = docs_examples.examples(page.read_text())[0][2][0].command
    assert first == "export SIGCTL_HOME=$(mktemp -d)", f"{page.name} starts with `{first}`"
