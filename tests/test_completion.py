"""Shell completion: `sigctl completion SHELL` and the candidates `sigctl __complete` offers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sigctl.cli.completion import candidates, main, split_line
from tests.conftest import Runner

SIGCTL = shutil.which("sigctl")


def offered(line: str) -> list[str]:
    words = split_line(line)
    return candidates(words[:-1], words[-1])


@pytest.fixture
def cloud(ok: Callable[..., Any]) -> None:
    """rg1 holds gal1 (def1 with 1.0.0 and 1.1.0) and gal2; rg2 holds gal3."""
    ok("group create -n rg1 -l eastus2 -o none")
    ok("group create -n rg2 -l westus2 -o none")
    for group, gallery in (("rg1", "gal1"), ("rg1", "gal2"), ("rg2", "gal3")):
        ok(f"sig create -g {group} -r {gallery} -o none")
    ok(
        "sig image-definition create -g rg1 -r gal1 -i def1 -p P -f O -s S --os-type linux "
        "--only-show-errors -o none"
    )
    ok("source create managed-image -g rg1 -n img --os-type linux --size-gb 30 -o none")
    for version in ("1.0.0", "1.1.0"):
        ok(
            f"sig image-version create -g rg1 -r gal1 -i def1 -e {version} --managed-image img "
            "--only-show-errors -o none"
        )
    ok("ad user create --display-name Ada --user-principal-name ada@sigctl.onmicrosoft.com -o none")


def test_the_scripts(sigctl: Runner) -> None:
    for shell in ("bash", "zsh", "fish", "powershell"):
        result = sigctl(f"completion {shell}")
        assert result.exit_code == 0 and "sigctl __complete --shell " + shell in result.stdout
    bad = sigctl("completion csh")
    assert bad.exit_code == 2
    assert bad.stderr.startswith(
        "ERROR: sigctl completion: 'csh' is not a valid value for 'SHELL'. "
        "Allowed values: bash, zsh, fish, powershell.\n"
    )


def test_commands_options_and_allowed_values(home: Path) -> None:
    assert {"sig", "gallery", "completion", "replication"} <= set(offered("sigctl "))
    assert offered("sigctl sig image-v") == ["image-version"]
    assert offered("sigctl sig image-version cr") == ["create"]
    # sigctl's own command is not in the az tree
    assert "resolve" in offered("sigctl image-version ")
    assert "resolve" not in offered("sigctl sig image-version ")
    options = offered("sigctl sig image-version create --target-r")
    assert options == [
        "--target-regions",
        "--target-region-encryption",
        "--target-region-cvm-encryption",
    ]
    assert "--resource-group" in offered("sigctl sig show --")
    assert offered("sigctl sig create -g rg -r g --permissions ") == [
        "Community",
        "Groups",
        "Private",
    ]
    assert offered("sigctl sig create -g rg -r g --permissions=G") == ["--permissions=Groups"]
    assert offered("sigctl sig image-definition create --os-type l") == ["Linux"]
    assert offered("sigctl -o t") == ["table", "tsv"]
    assert offered("sigctl sig list -o y") == ["yaml", "yamlc"]
    assert offered("sigctl completion ") == ["bash", "zsh", "fish", "powershell"]
    assert offered("sigctl nosuch ") == [] and offered("sigctl sig nosuch -") == []


def test_names_from_the_state_in_context(home: Path, cloud: None) -> None:
    assert offered("sigctl sig show -g ") == ["rg1", "rg2"]
    assert offered("sigctl sig show -g rg1 -r ") == ["gal1", "gal2"]
    assert offered("sigctl sig show -g rg2 -r ") == ["gal3"]
    assert offered("sigctl sig show --resource-group=rg1 --gallery-name ") == ["gal1", "gal2"]
    assert offered("sigctl sig list -r ") == []  # sig list has no -r
    assert offered("sigctl sig show -r ") == ["gal1", "gal2", "gal3"]  # no group: all of them
    assert offered("sigctl sig image-definition show -g rg1 -r gal1 -i ") == ["def1"]
    assert offered("sigctl sig image-version show -g rg1 -r gal1 -i def1 -e ") == [
        "1.0.0",
        "1.1.0",
    ]
    assert offered("sigctl sig image-version show -g rg1 -r gal1 -i def1 -e 1.1") == ["1.1.0"]
    assert offered("sigctl group show -n r") == ["rg1", "rg2"]
    assert "westus2" in offered("sigctl sig create -g rg1 -r x -l ")
    assert offered("sigctl sig image-version create --target-regions eastus2=2 westu") == [
        "westus",
        "westus2",
        "westus3",
    ]
    assert offered("sigctl replication fault add --region uks") == ["uksouth"]
    assert offered("sigctl sig image-version create -g rg1 --managed-image ") == ["img"]
    assert "ada@sigctl.onmicrosoft.com" in offered("sigctl sig list --as ")
    assert "sigctl-subscription" in offered("sigctl sig list --subscription ")


def test_the_configured_default_group_gives_the_context(
    home: Path, cloud: None, ok: Callable[..., Any]
) -> None:
    ok("config set defaults.group=rg2")
    assert offered("sigctl sig show -r ") == ["gal3"]


def test_bash_trims_what_bash_splits_off(
    home: Path, cloud: None, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["--shell", "bash", "--line", "sigctl sig show --resource-group=r"])
    assert capsys.readouterr().out == "rg1\nrg2\n"  # bash replaces only what follows '='
    main(["--shell", "zsh", "--", "sig", "show", "--resource-group=r"])
    assert capsys.readouterr().out == "--resource-group=rg1\n--resource-group=rg2\n"


def test_nothing_goes_wrong_loudly(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (home / "state").mkdir(parents=True)
    (home / "state" / "index.json").write_text("not json")
    assert main(["--line", "sigctl sig show -g "]) == 0
    assert capsys.readouterr() == ("", "")
    assert main([]) == 0 and main(["--line", 'sigctl sig show -g "unfinished']) == 0


@pytest.mark.slow
def test_normal_commands_do_not_load_completion(home: Path) -> None:
    code = (
        "import sys\n"
        "from sigctl.cli.main import run\n"
        "assert run(['sig', 'list']) == 0\n"
        "print('loaded:', [m for m in sys.modules if m.startswith('sigctl.cli.completion')])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[-1] == "loaded: []"


def _bash_complete(line: str, env: dict[str, str]) -> list[str]:
    """Source the script in a real bash, then call the function it registered for sigctl the
    way bash does on Tab: with COMP_LINE, COMP_POINT, COMP_WORDS and COMP_CWORD set."""
    script = (
        "source <(sigctl completion bash)\n"
        'function=$(complete -p sigctl | sed -E "s/.*-F ([^ ]+).*/\\1/")\n'
        f"COMP_LINE={line!r}\n"
        "COMP_POINT=${#COMP_LINE}\n"
        'read -r -a COMP_WORDS <<< "$COMP_LINE"\n'
        '[[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")\n'
        "COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n"
        '"$function" sigctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"\n'
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    done = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return [c for c in done.stdout.splitlines() if c]


def _env(home: Path) -> dict[str, str]:
    assert SIGCTL, "the completion scripts call the installed sigctl command"
    env = dict(os.environ)
    env["PATH"] = f"{Path(SIGCTL).parent}{os.pathsep}{env.get('PATH', '')}"
    env["SIGCTL_HOME"] = str(home)
    return env


@pytest.mark.slow
def test_bash_offers_the_galleries_of_the_group_on_the_line(home: Path, cloud: None) -> None:
    env = _env(home)
    assert _bash_complete("sigctl sig show -g rg1 -r ", env) == ["gal1", "gal2"]
    assert _bash_complete("sigctl sig show -g rg2 -r g", env) == ["gal3"]
    assert _bash_complete("sigctl sig sh", env) == [
        "share",
        "show",
        "show-community",
        "show-shared",
    ]
    assert _bash_complete("sigctl sig show --resource-group=rg", env) == ["rg1", "rg2"]


@pytest.mark.slow
def test_completion_reads_under_the_readers_lock(home: Path, cloud: None) -> None:
    """With another reader holding the state's lock, completion still answers (a writer
    waits: it needs the lock alone)."""
    import fcntl

    env = _env(home)
    with open(home / "state" / ".lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_SH)
        answered = subprocess.run(
            [SIGCTL or "sigctl", "__complete", "--line", "sigctl sig show -g rg1 -r "],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert answered.stdout == "gal1\ngal2\n"
        with pytest.raises(subprocess.TimeoutExpired):
            subprocess.run(
                [SIGCTL or "sigctl", "group", "create", "-n", "rg3", "-l", "eastus2"],
                env=env,
                capture_output=True,
                timeout=3,
            )
