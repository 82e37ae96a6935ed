"""The scripted tour behind `sigctl demo`: real command lines against a throw-away state."""

from __future__ import annotations

import os
import shlex
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from sigctl.cli.errors import CliError

# (command line, expected exit code, what it shows)
STEPS: list[tuple[str, int, str]] = [
    (
        "sigctl group create -n demo-rg -l eastus2 -o table",
        0,
        "A resource group, as az group create.",
    ),
    (
        'sigctl sig create -g demo-rg -r DemoGallery --description "Images for the demo"',
        0,
        "A gallery: location from the group, uniqueName from the subscription.",
    ),
    (
        "sigctl sig create -g demo-rg -r TeamGallery -o none",
        0,
        "A second gallery, output suppressed.",
    ),
    ("sigctl sig list -g demo-rg -o table", 0, "az's automatic table."),
    (
        "sigctl sig list -g demo-rg --query [].name -o tsv",
        0,
        "--query and TSV, the way scripts read names.",
    ),
    (
        "sigctl sig update -g demo-rg -r DemoGallery --set tags.env=demo --query tags",
        0,
        "A generic update with --set.",
    ),
    (
        "sigctl sig show -g demo-rg -r NoSuchGallery",
        3,
        "Not found: az's error text and exit code 3.",
    ),
    (
        "sigctl sig create -g demo-rg -r bad-name",
        1,
        "The service's name rule: no dashes in gallery names.",
    ),
    ("sigctl sig delete -g demo-rg -r TeamGallery", 0, "Delete prints nothing, as az."),
    ("sigctl group delete -n demo-rg --yes", 0, "Deleting the group deletes everything in it."),
    ("sigctl group exists -n demo-rg", 0, "And it is gone."),
]


@contextmanager
def _isolated_home() -> Iterator[str]:
    """A fresh SIGCTL_HOME, with no configuration leaking in from the environment."""
    saved = {k: v for k, v in os.environ.items() if k.startswith(("SIGCTL_", "AZURE_"))}
    with tempfile.TemporaryDirectory(prefix="sigctl-demo-") as home:
        for key in saved:
            del os.environ[key]
        os.environ["SIGCTL_HOME"] = home
        try:
            yield home
        finally:
            del os.environ["SIGCTL_HOME"]
            os.environ.update(saved)


def run_demo() -> None:
    from sigctl.cli.main import run

    failures = []
    with _isolated_home():
        for line, expected, caption in STEPS:
            sys.stdout.write(f"\n# {caption}\n$ {line}\n")
            sys.stdout.flush()
            code = run(shlex.split(line)[1:])
            sys.stderr.flush()
            if code != expected:
                failures.append(f"'{line}' exited {code}, expected {expected}")
            elif expected:
                sys.stdout.write(f"(exit code {code}, as az)\n")
    if failures:
        raise CliError("The demo did not behave as expected: " + "; ".join(failures))
    sys.stdout.write("\nDone. Every step above is a plain sigctl (= az) command line.\n")
