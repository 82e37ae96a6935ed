"""Make the web view's screenshot for docs/serve.md: `sigctl serve` on a seeded state, in
headless Chromium.

    python tools/web_view_image.py                # writes docs/images/web-view.png
    python tools/web_view_image.py OTHER.png

The state is the README picture's (tools/readme_image.py) on a clock frozen in the state, so
the page shows the same tree: 1.0.0 replicated, 1.1.0 caught with one region completed, one
replicating and one failed, and 1.1.0's regions on the map. Needs Chromium (Debian's
`chromium` package) and the test extra (`pip install -e '.[test]'`); tests/test_web_view.py
runs the same steps.
"""

from __future__ import annotations

import io
import os
import shlex
import sys
import tempfile
from contextlib import redirect_stdout
from pathlib import Path

ROOT = Path(__file__).parent.parent
DEFAULT = ROOT / "docs" / "images" / "web-view.png"
SIZE = (1280, 520)
FROZEN_AT = "2030-01-01T00:00:00Z"
sys.path[:0] = [str(ROOT / "tools"), str(ROOT / "tests")]

import readme_image  # noqa: E402  (tools/ and tests/ are not packages)
from browser import MISSING, Browser, find_chromium  # noqa: E402
from served import ServedCloud  # noqa: E402


def seed(home: Path) -> None:
    """The README's state, made with sigctl commands (in-process) in `home`."""
    from sigctl.cli.main import run

    saved = dict(os.environ)
    try:
        for key in [k for k in os.environ if k.startswith(("SIGCTL_", "AZURE_"))]:
            del os.environ[key]
        os.environ.update(SIGCTL_HOME=str(home), NO_COLOR="1")
        for line in [f"replication clock set {FROZEN_AT}", *readme_image.SETUP]:
            with redirect_stdout(io.StringIO()):
                code = run([*shlex.split(line), "--only-show-errors", "-o", "none"])
            if code:
                raise SystemExit(f"'sigctl {line}' failed with exit code {code}")
    finally:
        os.environ.clear()
        os.environ.update(saved)


def open_live(browser: Browser, endpoint: str) -> None:
    """Load the page and wait until it has drawn a read of the server."""
    browser.open(f"{endpoint}/")
    browser.wait_for("document.getElementById('status').dataset.status === 'live'")
    browser.wait_for("document.querySelectorAll('#map .site').length")
    browser.wait_for("document.getElementById('reader').textContent")


def main(target: Path) -> None:
    chromium = find_chromium()
    if chromium is None:
        raise SystemExit(MISSING)
    with tempfile.TemporaryDirectory(prefix="sigctl-web-view-") as folder:
        home = Path(folder) / "home"
        seed(home)
        cloud = ServedCloud(home)
        try:
            browser = Browser(chromium, *SIZE)
            try:
                open_live(browser, cloud.endpoint)
                browser.screenshot(target)
            finally:
                browser.close()
        finally:
            cloud.stop()
    print(f"wrote {target}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
