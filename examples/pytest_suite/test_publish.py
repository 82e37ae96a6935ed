"""Tests of publish.sh, each against its own emulated cloud (the `sigctl` fixture)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).parent
PUBLISH = dict(RG="images-rg", GALLERY="teamGallery", IMAGE="web", SOURCE_IMAGE="build-img")


@pytest.fixture
def cloud(sigctl):
    """The cloud the pipeline expects: a gallery with one definition and version 1.0.0."""
    sigctl.seed(HERE / "cloud.toml")
    return sigctl


def publish(cloud, version: str, **extra: str) -> subprocess.CompletedProcess[str]:
    """Run the pipeline step against the test's cloud, as CI runs it against Azure."""
    env = {**cloud.env, **PUBLISH, "VERSION": version, "AZ": "sigctl", **extra}
    return subprocess.run(
        [str(HERE / "publish.sh")], env=env, capture_output=True, text=True, check=False
    )


def test_publish_replicates_to_every_region_and_becomes_latest(cloud) -> None:
    done = publish(cloud, "1.1.0")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "published web 1.1.0\n"
    regions = cloud(
        "sig",
        "image-version",
        "show",
        "-g",
        "images-rg",
        "-r",
        "teamGallery",
        "-i",
        "web",
        "-e",
        "1.1.0",
        "--query",
        "publishingProfile.targetRegions[].[name, regionalReplicaCount]",
    )
    assert regions.json() == [["East US 2", 1], ["West US 2", 2]]
    latest = cloud("image-version resolve -g images-rg -r teamGallery -i web --query name -o tsv")
    assert latest.stdout == "1.1.0\n"


def test_a_failed_region_fails_the_step(cloud) -> None:
    cloud("replication", "fault", "add", "--region", "westus2", "--at", "40")
    done = publish(cloud, "1.1.0")
    assert done.returncode == 1
    assert "ReplicationFailed" in done.stderr
    # "latest" still means the version that was published before
    latest = cloud("image-version resolve -g images-rg -r teamGallery -i web --query name -o tsv")
    assert latest.stdout == "1.0.0\n"


def test_the_service_refuses_a_version_missing_its_own_region(cloud) -> None:
    refused = publish(cloud, "1.1.0", REGIONS="westus2")  # the image lives in East US 2
    assert refused.returncode == 1
    assert refused.stderr.startswith("ERROR: (InvalidParameter) Gallery image version publishing")
    listed = cloud("sig image-version list -g images-rg -r teamGallery -i web --query [].name")
    assert listed.json() == ["1.0.0"]  # nothing was created


def test_every_test_starts_from_an_empty_cloud(sigctl) -> None:
    assert sigctl("group", "list").json() == []
    assert sigctl("replication clock show --query now -o tsv").stdout.startswith("2030-01-01")
    assert sigctl("sig", "show", "-g", "images-rg", "-r", "teamGallery").exit_code == 3
