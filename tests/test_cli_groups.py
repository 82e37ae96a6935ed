"""Resource groups, as az group."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Runner

GOLDEN = Path(__file__).parent / "golden"


def test_create_and_show_print_the_sdk_shape(sigctl: Runner) -> None:
    created = sigctl("group create -n rg1 -l eastus2")
    assert created.exit_code == 0
    assert created.stdout == (GOLDEN / "group_show.json").read_text()
    assert sigctl("group show -n rg1").stdout == created.stdout
    assert sigctl("group show -g RG1").stdout == created.stdout  # case-insensitive, -g alias


def test_tags_custom_syntax(ok: Any) -> None:
    made = ok("group create -n rg1 -l eastus2 --tags env=ci bare k=a=b")
    assert made["tags"] == {"env": "ci", "bare": "", "k": "a=b"}


def test_display_name_locations_are_normalised(ok: Any) -> None:
    assert ok('group create -n rg1 -l "East US 2"')["location"] == "eastus2"


def test_unknown_location(sigctl: Runner, unchanged: Any) -> None:
    with unchanged():
        result = sigctl("group create -n rg1 -l moon")
    assert result.exit_code == 1
    assert "(LocationNotAvailableForResourceGroup) The provided location 'moon'" in result.stderr


def test_exists(sigctl: Runner, ok: Any) -> None:
    assert sigctl("group exists -n rg1").stdout == "false\n"
    ok("group create -n rg1 -l eastus2")
    assert sigctl("group exists -n rg1").stdout == "true\n"
    assert sigctl("group exists -n rg1 -o tsv").stdout == "true\n"


def test_list_table_uses_az_columns(sigctl: Runner, ok: Any) -> None:
    ok("group create -n rg1 -l eastus2")
    ok("group create -n rg2 -l westus2")
    assert sigctl("group list -o table").stdout.splitlines() == [
        "Name    Location    Status",
        "------  ----------  ---------",
        "rg1     eastus2     Succeeded",
        "rg2     westus2     Succeeded",
    ]


def test_delete_needs_yes_without_a_terminal(sigctl: Runner, ok: Any, unchanged: Any) -> None:
    ok("group create -n rg1 -l eastus2")
    with unchanged():
        result = sigctl("group delete -n rg1")
    assert result.exit_code == 1
    assert (
        result.stderr
        == "ERROR: Unable to prompt for confirmation as no tty available. Use --yes.\n"
    )


def test_delete_removes_everything_inside(sigctl: Runner, ok: Any) -> None:
    ok("group create -n rg1 -l eastus2")
    ok("sig create -g rg1 -r gal1")
    result = sigctl("group delete -n rg1 --yes --no-wait")
    assert (result.exit_code, result.stdout) == (0, "")
    assert sigctl("group exists -n rg1").stdout == "false\n"
    ok("group create -n rg1 -l eastus2")
    assert ok("sig list -g rg1") == []


def test_delete_missing_group_is_not_found(sigctl: Runner) -> None:
    result = sigctl("group delete -n nope --yes")
    assert result.exit_code == 3
    assert result.stderr.startswith(
        "ERROR: (ResourceGroupNotFound) Resource group 'nope' could not be found."
    )


def test_gallery_commands_against_a_missing_group(sigctl: Runner) -> None:
    for command in (
        "sig show -g nope -r g",
        "sig list -g nope",
        "sig create -g nope -r g -l eastus2",
    ):
        result = sigctl(command)
        assert result.exit_code == 3, command
        assert "(ResourceGroupNotFound)" in result.stderr


def test_update_tags(ok: Any) -> None:
    ok("group create -n rg1 -l eastus2 --tags a=1")
    assert ok("group update -n rg1 --set tags.b=2")["tags"] == {"a": "1", "b": "2"}
    assert ok("group update -n rg1 --tags c=3")["tags"] == {"c": "3"}


def test_verbose_reports_init_and_invoke_time_as_az_does(sigctl: Runner) -> None:
    import re

    result = sigctl("group list --verbose")
    assert result.exit_code == 0
    assert re.fullmatch(
        r"INFO: Command ran in \d+\.\d{3} seconds \(init: \d+\.\d{3}, invoke: \d+\.\d{3}\)\n",
        result.stderr,
    )


def test_a_home_that_is_a_file_is_named_in_a_clean_error(
    sigctl: Runner, tmp_path: Any, monkeypatch: Any
) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    monkeypatch.setenv("SIGCTL_HOME", str(not_a_folder))
    result = sigctl("group create -n rg1 -l eastus2")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"ERROR: the config file '{not_a_folder}/config.toml'")
    assert "unexpected error" not in result.stderr


@pytest.mark.parametrize("debug", [False, True])
def test_an_unexpected_error_is_one_line_and_the_hint_only_without_debug(
    sigctl: Runner, monkeypatch: Any, debug: bool
) -> None:
    from sigctl.provider.service import Provider

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(Provider, "dispatch", broken)
    result = sigctl("group list" + (" --debug" if debug else ""))
    assert result.exit_code == 1
    assert "ERROR: The command failed with an unexpected error: RuntimeError: boom" in result.stderr
    assert ("Traceback" in result.stderr) is debug
    assert ("Run it again with --debug" in result.stderr) is not debug
