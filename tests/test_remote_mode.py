"""Remote mode: with SIGCTL_ENDPOINT naming a served cloud, every command prints what it prints
in-process, byte for byte, with the same exit code.

One script of commands runs twice from equal fresh states: in-process on a local SIGCTL_HOME, and
over HTTPS to `sigctl serve` from a client whose SIGCTL_HOME holds no state of its own. Both runs
use the same SIGCTL_HOME path for the client (so `state path` and the client's own files read
alike), a frozen clock and the default replication speed, so replication waits move the clock.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import pytest

from tests.served import SUB, ServedCloud, sigctl_command

pytestmark = pytest.mark.slow

GALLERY = f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Compute/galleries/gal1"
DEF = "-g rg1 -r gal1 -i def1"
OTHER_SUB = "00000000-0000-0000-0000-00000000abcd"
SCRIPT = [
    # resource groups, galleries, definitions (and their errors)
    "group create -n rg1 -l eastus2 --tags env=ci",
    "sig create -g rg1 -r gal1 --description demo",
    "sig create -g rg1 -r gal-1!",
    "sig list -o table",
    "sig show -g rg1 -r nope",
    "sig image-definition create {DEF} -p P -f O -s S --os-type linux --hyper-v-generation V2",
    "sig image-definition create {DEF} -p P -f O -s S --os-type linux",
    "sig image-definition list -g rg1 -r gal1 -o tsv",
    "sig image-definition show {DEF} --query identifier",
    "sig image-definition update {DEF} --set description=updated",
    # sources and versions, with replication waits on the emulated clock
    "source create managed-image -g rg1 -n img --os-type linux",
    "sig image-version create {DEF} -e 1.0.0 --managed-image img --target-regions eastus2 westus2=2",
    "sig image-version create {DEF} -e 1.0 --managed-image img",
    "sig image-version create {DEF} -e 1.1.0 --managed-image img --target-regions eastus2 westeurope --no-wait",
    "replication status {DEF} -e 1.1.0 -o table",
    "replication clock show",
    "replication clock advance 2m",
    "replication status {DEF} -e 1.1.0",
    "replication fault add --region westeurope --version 1.2.0 --at 40 --code InternalError --message broken",
    "replication fault add --region nowhere",
    "replication fault list -o table",
    "sig image-version wait {DEF} -e 1.1.0 --created",
    "sig image-version create {DEF} -e 1.2.0 --managed-image img --target-regions eastus2 westeurope",
    "replication wait {DEF} -e 1.2.0",
    "replication fault clear",
    "sig image-version list {DEF} -o table",
    "sig image-version show {DEF} -e 1.2.0 --query publishingProfile.targetRegions",
    "sig image-version update {DEF} -e 1.0.0 --set publishingProfile.excludeFromLatest=true",
    "image-version resolve {DEF} --explain -o table",
    "image-version resolve {DEF} -l westeurope",
    "sig image-version delete {DEF} -e 1.0",
    # sharing and roles
    "sig update -g rg1 -r gal1 --permissions groups",
    "sig create -g rg1 -r gal2 --permissions groups",
    f"sig share add -g rg1 -r gal2 --subscription-ids {OTHER_SUB}",
    "sig show -g rg1 -r gal2 --select Permissions",
    "ad user create --display-name Ada --user-principal-name ada@sigctl.onmicrosoft.com"
    " --password P@ssw0rd!",
    f"role assignment create --assignee ada@sigctl.onmicrosoft.com --role Reader --scope {GALLERY}",
    f"role assignment list --scope {GALLERY} -o table",
    "sig image-definition list -g rg1 -r gal1 --as ada@sigctl.onmicrosoft.com --query [].name",
    "sig update -g rg1 -r gal1 --set description=no --as ada@sigctl.onmicrosoft.com",
    "role assignment create --assignee nobody@nowhere --role Reader -g rg1",
    # sigctl's own reports and controls
    "replication recommend --concurrent-vms 120",
    "billing estimate -o table",
    "billing estimate -g rg1 -r gal1",
    "usage -l eastus2 -o table",
    "tree",
    "tree -o json",
    "state check",
    "state export",
    "replication clock set 2026-06-01T00:00:00Z",
    "replication clock reset",
    "group delete -n rg1 --yes",
    "state reset --yes",
    "sig list",
    # usage errors never reach the provider
    "sig create -g rg1",
    "sig image-version create {DEF} -e 2.0.0 --target-regions westus2=0",
]


def _run(home: Path, env: dict[str, str]) -> list[tuple[str, int, str, str]]:
    results = []
    for line in SCRIPT:
        argv = shlex.split(line.format(DEF=DEF, GALLERY=GALLERY))
        done = subprocess.run(
            [*sigctl_command(), *argv],
            env={**env, "SIGCTL_HOME": str(home)},
            capture_output=True,
            timeout=120,
        )
        results.append((line, done.returncode, done.stdout.decode(), done.stderr.decode()))
    return results


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SIGCTL_", "AZURE_"))}
    env.update(SIGCTL_NOW="2026-03-01T12:00:00Z", NO_COLOR="1")
    return env


def test_every_command_prints_the_same_bytes_in_process_and_over_https(tmp_path: Path) -> None:
    env = _environment()
    client_home = tmp_path / "home"
    local = _run(client_home, env)
    client_home.rename(tmp_path / "in-process")

    served = ServedCloud(tmp_path / "served", env=env)
    try:
        remote_env = {
            **env,
            "SIGCTL_ENDPOINT": served.endpoint,
            "SIGCTL_CA_BUNDLE": served.certificate,
        }
        remote = _run(client_home, remote_env)
    finally:
        served.stop()

    assert [r[1] for r in local].count(0) >= 40  # the script mostly succeeds...
    assert {r[1] for r in local} == {0, 1, 2, 3}  # ...and meets every kind of error
    for mine, theirs in zip(local, remote, strict=True):
        assert theirs == mine, f"remote mode differs for: sigctl {mine[0]}"
    # The client kept no state of its own: everything it changed lives in the served cloud.
    assert not (client_home / "state").exists()
    assert (tmp_path / "served" / "state").is_dir()


def test_a_namespace_setting_sends_a_remote_client_to_that_namespace(tmp_path: Path) -> None:
    """SIGCTL_NAMESPACE with SIGCTL_ENDPOINT: the client works in `/namespaces/NAME/` of the
    served cloud, as a namespace's own endpoint would."""
    env = _environment()
    served = ServedCloud(tmp_path / "served", env=env)

    def sigctl(*argv: str, **extra: str) -> subprocess.CompletedProcess[str]:
        remote = {**env, "SIGCTL_HOME": str(tmp_path / "client"), **extra}
        remote |= {"SIGCTL_ENDPOINT": served.endpoint, "SIGCTL_CA_BUNDLE": served.certificate}
        return subprocess.run(
            [*sigctl_command(), *argv], env=remote, capture_output=True, text=True, timeout=120
        )

    try:
        assert sigctl("namespace", "create", "job1", "-o", "none").returncode == 0
        made = sigctl("group", "create", "-n", "rg1", "-l", "eastus2", SIGCTL_NAMESPACE="job1")
        assert made.returncode == 0, made.stderr
        listed = sigctl("group", "list", "--query", "[].name", "-o", "tsv", SIGCTL_NAMESPACE="job1")
        assert listed.stdout == "rg1\n"
        assert sigctl("group", "list", "--query", "[].name", "-o", "tsv").stdout == ""
        missing = sigctl("group", "list", SIGCTL_NAMESPACE="nope")
        assert missing.returncode == 3 and "NamespaceNotFound" in missing.stderr
    finally:
        served.stop()
