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
        "sigctl sig image-definition create -g demo-rg -r DemoGallery -i ubuntu -p Contoso -f Ubuntu "
        "-s 24_04 --os-type linux --only-show-errors -o table",
        0,
        "An image definition; the client adds Gen2 and Trusted Launch, the service x64.",
    ),
    (
        "sigctl source create managed-image -g demo-rg -n build-img --os-type linux --size-gb 30 "
        "--used-gb 10 -o none",
        0,
        "The managed image a build produced (sigctl-only: sources are emulated too).",
    ),
    (
        "sigctl sig image-version create -g demo-rg -r DemoGallery -i ubuntu -e 1.0.0 "
        "--managed-image build-img --target-regions eastus2 westus2=2 --only-show-errors "
        "--query \"{name: name, state: provisioningState, regions: join(', ', publishingProfile.targetRegions[].name)}\"",
        0,
        "A version replicated to two regions: minutes of modelled replication, a fraction of a second here.",
    ),
    (
        "sigctl replication status -g demo-rg -r DemoGallery -i ubuntu -e 1.0.0 -o table",
        0,
        "Per-region replication state (sigctl-only view).",
    ),
    (
        "sigctl sig image-version create -g demo-rg -r DemoGallery -i ubuntu -e 1.10.0 "
        "--managed-image build-img --exclude-from-latest --only-show-errors -o none",
        0,
        "A newer version, kept out of 'latest'.",
    ),
    (
        "sigctl image-version resolve -g demo-rg -r DemoGallery -i ubuntu --explain "
        "--query \"candidates[].{version: name, eligible: eligible, why: join(', ', reasons)}\" -o table",
        0,
        "Which version 'latest' means, and why (sigctl-only).",
    ),
    (
        "sigctl billing estimate -g demo-rg -r DemoGallery -o table",
        0,
        "What the gallery costs under Azure's billing model (example prices).",
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
    (
        "sigctl sig delete -g demo-rg -r DemoGallery",
        1,
        "A gallery with definitions cannot be deleted, as in Azure.",
    ),
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
