"""Make the README's picture: `sigctl tree` on a seeded state, as an SVG terminal screenshot.

    python tools/readme_image.py                  # writes docs/images/tree.svg
    python tools/readme_image.py OTHER.svg

The state is built with sigctl commands (run in-process) in a throw-away SIGCTL_HOME on a
frozen clock (SIGCTL_NOW), so every run draws the same tree: one version replicated, the next
caught with a region completed, one replicating and one failed. The drawing is sigctl's own (sigctl.cli
.tree_view), coloured with the state palette and exported with rich's SVG export.
"""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).parent.parent
DEFAULT = ROOT / "docs" / "images" / "tree.svg"
SCOPE = "-g demo-rg -r DemoGallery -i ubuntu"
WIDTH = 118  # columns: the longest line, a failed region's reason, fits

SETUP = [
    "group create -n demo-rg -l eastus2",
    "sig create -g demo-rg -r DemoGallery",
    f"sig image-definition create {SCOPE} -p Contoso -f Ubuntu -s 24_04 --os-type linux",
    "source create managed-image -g demo-rg -n build-img --os-type linux --size-gb 30 --used-gb 8",
    f"sig image-version create {SCOPE} -e 1.0.0 --managed-image build-img "
    "--target-regions eastus2 westus2=2 --end-of-life-date 2031-12-31",
    "replication fault add --region westeurope --at 40 --message 'Storage account throttled'",
    f"sig image-version create {SCOPE} -e 1.1.0 --managed-image build-img "
    "--target-regions eastus2 westus2 westeurope=2 --no-wait",
    "replication clock advance 4m",
]


def seeded_tree() -> dict:
    """Build the state in a throw-away home and read `sigctl tree` as data."""
    from contextlib import redirect_stdout

    from sigctl.cli.main import run

    saved = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="sigctl-readme-") as home:
        for key in [k for k in os.environ if k.startswith(("SIGCTL_", "AZURE_"))]:
            del os.environ[key]
        os.environ.update(SIGCTL_HOME=home, SIGCTL_NOW="2030-01-01T00:00:00Z", NO_COLOR="1")
        try:
            for line in [*SETUP, "tree"]:
                out = io.StringIO()
                with redirect_stdout(out):
                    code = run([*shlex.split(line), "--only-show-errors", "-o", "json"])
                if code:
                    raise SystemExit(f"'sigctl {line}' failed with exit code {code}")
            return json.loads(out.getvalue())
        finally:
            os.environ.clear()
            os.environ.update(saved)


def main(target: Path) -> None:
    from rich.console import Console
    from rich.text import Text

    from sigctl.cli.tree_view import render

    console = Console(
        record=True, file=io.StringIO(), width=WIDTH, force_terminal=True, color_system="standard"
    )
    console.print(Text.assemble(("$ ", "bold green"), ("sigctl tree", "bold")))
    console.print(render(seeded_tree()))
    svg = console.export_svg(title="sigctl tree")
    # No web fonts: the picture must not make network requests (a local monospace font is used).
    svg = re.sub(r"\s*@font-face \{[^}]*\}", "", svg)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(svg)
    print(f"wrote {target}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
