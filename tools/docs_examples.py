"""Run the console examples of the docs pages, so the docs cannot drift from the software.

    python tools/docs_examples.py check docs/*.md   # report differences (exit 1 if any)
    python tools/docs_examples.py fill docs/X.md    # rewrite the outputs from a fresh run

A console block is a fenced ```console block: a line starting with "$ " is a command (run by
bash, in one shell per page, from a fresh SIGCTL_HOME); the lines after it are its expected
stdout and stderr, merged. In an expected line, `<...>` stands for any text (for values such as
the wall-clock time).
"""

from __future__ import annotations

import difflib
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

FENCE = re.compile(r"^```console\n(.*?)^```\n", re.S | re.M)
ANY = "<...>"


@dataclass
class Example:
    command: str
    expected: list[str] = field(default_factory=list)


def examples(text: str) -> list[tuple[int, int, list[Example]]]:
    blocks = []
    for match in FENCE.finditer(text):
        items: list[Example] = []
        for line in match.group(1).splitlines():
            if line.startswith("$ "):
                items.append(Example(line[2:]))
            elif items:
                items[-1].expected.append(line)
            else:
                raise ValueError(
                    f"output before any command in a console block at offset {match.start()}"
                )
        blocks.append((match.start(1), match.end(1), items))
    return blocks


def run(commands: list[str], sigctl_bin: str | None = None) -> list[list[str]]:
    """Run the commands in one bash, each with its own output file; return their lines."""
    work = Path(tempfile.mkdtemp(prefix="sigctl-docs-"))
    script = [f"cd {work}"]
    for i, command in enumerate(commands):
        script += [f"{{ {command}\n}} > {work}/out.{i} 2>&1 < /dev/null"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SIGCTL_", "AZURE_"))}
    # The pages' own temporary folders (mktemp -d) as a reader's machine makes them, whatever
    # TMPDIR the test session chose: a path's length shows in the width of a table.
    env.update(
        {"NO_COLOR": "1", "SIGCTL_HOME": str(work / "home"), "COLUMNS": "100", "TMPDIR": "/tmp"}
    )
    if sigctl_bin:
        env["PATH"] = f"{sigctl_bin}{os.pathsep}{env.get('PATH', '')}"
    subprocess.run(["bash", "-c", "\n".join(script) + "\n"], env=env, check=False, timeout=600)
    outputs = []
    for i in range(len(commands)):
        path = work / f"out.{i}"
        text = path.read_text() if path.exists() else "<<not run>>\n"
        outputs.append(text.rstrip("\n").split("\n") if text.strip("\n") else [])
    return outputs


def matches(expected: list[str], got: list[str]) -> bool:
    if len(expected) != len(got):
        return False
    for want, have in zip(expected, got, strict=True):
        if ANY in want:
            pattern = ".*".join(re.escape(part) for part in want.split(ANY))
            if not re.fullmatch(pattern, have):
                return False
        elif want != have:
            return False
    return True


def check(page: Path, sigctl_bin: str | None = None) -> list[str]:
    """The differences between a page's examples and a fresh run (empty when it matches)."""
    blocks = examples(page.read_text())
    items = [item for _, _, block in blocks for item in block]
    problems = []
    for item, got in zip(items, run([i.command for i in items], sigctl_bin), strict=True):
        if not matches(item.expected, got):
            diff = difflib.unified_diff(item.expected, got, "docs", "run", lineterm="", n=1)
            problems.append(f"$ {item.command}\n" + "\n".join(diff))
    return problems


def fill(page: Path, sigctl_bin: str | None = None) -> None:
    text = page.read_text()
    blocks = examples(text)
    items = [item for _, _, block in blocks for item in block]
    outputs = iter(run([i.command for i in items], sigctl_bin))
    pieces, position = [], 0
    for start, end, block in blocks:
        pieces.append(text[position:start])
        for item in block:
            got = next(outputs)
            keep = item.expected if matches(item.expected, got) else got
            pieces.append("".join(f"{line}\n" for line in [f"$ {item.command}", *keep]))
        position = end
    pieces.append(text[position:])
    page.write_text("".join(pieces))


def main(argv: list[str]) -> int:
    mode, pages = argv[0], [Path(p) for p in argv[1:]]
    failed = 0
    for page in pages:
        if mode == "fill":
            fill(page)
            print(f"{page}: filled")
            continue
        problems = check(page)
        failed += bool(problems)
        for problem in problems:
            print(problem)
        print(f"{page}: {'OK' if not problems else f'{len(problems)} differ'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
