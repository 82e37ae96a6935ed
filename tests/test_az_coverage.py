"""docs/az-coverage.md is what tools/az_coverage.py makes of the command tree and az's help."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import az_coverage  # noqa: E402

from tests.test_help import AZ_HELP  # noqa: E402


def test_the_committed_page_is_up_to_date() -> None:
    made = az_coverage.page(AZ_HELP)
    assert az_coverage.PAGE.read_text() == made, "run: python tools/az_coverage.py write"
    assert "- Commands: 65 of 65 covered." in made


def _anchors(page: Path) -> set[str]:
    """GitHub's anchors of a page's headings."""
    out = set()
    for line in page.read_text().splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            out.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    return out


def test_every_difference_links_to_where_it_is_documented() -> None:
    for difference in az_coverage.DIFFERENCES:
        name, _, anchor = difference.link.partition("#")
        page = ROOT / "docs" / name
        assert page.is_file(), difference.link
        assert anchor in _anchors(page), difference.link


def test_what_is_not_covered_is_said() -> None:
    row = az_coverage.Row("--gallery-name -r", "Arguments", True, False)
    assert az_coverage.status("sig show", row, {"--gallery-name", "-r"}) == "covered"
    assert az_coverage.status("sig show", row, {"--gallery-name"}) == "not covered"
    assert az_coverage.status("sig show", row, None) == "not covered"
    assert az_coverage.sigctl_options("sig no-such-command") is None
    assert "--resource-group" in (az_coverage.sigctl_options("sig show") or set())
    tags = az_coverage.Row("--tags", "Gallery Arguments", False, True)
    assert az_coverage.status("sig create", tags, {"--tags"}).startswith("covered, differs: ")
