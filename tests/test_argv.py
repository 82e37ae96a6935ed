"""az's argument grammar on top of Typer: list options, three-state flags, globals anywhere."""

from __future__ import annotations

import json
from typing import Annotated, Any

import pytest
import typer
from hypothesis import given
from hypothesis import strategies as st

from sigctl.cli.argv import NO_VALUES, normalise, split_globals
from sigctl.cli.context import GlobalOptions
from sigctl.cli.errors import CliError
from sigctl.cli.framework import CommandGroup, invoke, typer_command
from sigctl.cli.params import AddArg, BoolValue, RemoveArg, SetArg, three_state
from tests.conftest import Runner

group = CommandGroup("test")


@group.command("probe", examples=[])
def probe(
    name: Annotated[str, typer.Option("--name", "-n")],
    regions: Annotated[list[str] | None, typer.Option("--target-regions")] = None,
    exclude: Annotated[
        BoolValue | None,
        typer.Option("--exclude-from-latest", parser=three_state("--exclude-from-latest")),
    ] = None,
    flag: Annotated[bool, typer.Option("--no-wait")] = False,
    set_: SetArg = None,
    add: AddArg = None,
    remove: RemoveArg = None,
) -> Any:
    return locals()


COMMAND = typer_command(group.commands["probe"])


def parse(*tokens: str, defaults: dict[str, str] | None = None) -> dict[str, Any]:
    args = normalise(COMMAND, list(tokens), lambda key: (defaults or {}).get(key))
    return invoke(COMMAND, args, "probe")


def test_list_option_takes_values_up_to_the_next_option() -> None:
    parsed = parse("--target-regions", "westus=2", "eastus2", "--name", "x")
    assert parsed["regions"] == ["westus=2", "eastus2"] and parsed["name"] == "x"


def test_list_option_given_bare_is_an_empty_list() -> None:
    assert parse("-n", "x", "--target-regions")["regions"] == [NO_VALUES]


def test_three_state_flag_bare_or_with_a_value() -> None:
    assert parse("-n", "x", "--exclude-from-latest")["exclude"] is True
    assert parse("-n", "x", "--exclude-from-latest", "FALSE")["exclude"] is False
    assert parse("-n", "x", "--exclude-from-latest", "--no-wait")["exclude"] is True
    assert parse("-n", "x")["exclude"] is None


def test_a_repeated_list_option_keeps_its_last_occurrence() -> None:
    # az's nargs='+'/'*' options use argparse's store action: the last occurrence wins
    parsed = parse("-n", "x", "--target-regions", "a", "b", "--target-regions", "c")
    assert parsed["regions"] == ["c"]
    assert parse("-n", "x", "--target-regions", "a", "--target-regions")["regions"] == [NO_VALUES]
    # --set/--add/--remove keep every occurrence (az appends them)
    both = parse("-n", "x", "--set", "a=1", "--set", "b=2")["set_"]
    assert sorted(json.loads(v)[1] for v in both) == [["a=1"], ["b=2"]]


def test_repeated_options_on_real_commands(sigctl: Runner, ok: Any) -> None:
    ok("group create -n rg1 -l eastus2 --tags a=1 --tags b=2")
    assert ok("group show -n rg1")["tags"] == {"b": "2"}
    # sigctl's own --data-disk is documented as "space-separated or repeated": it adds up
    made = ok(
        "source create managed-image -g rg1 -n img --os-type linux --data-disk 10 --data-disk 20 30"
    )
    assert [d["sizeGB"] for d in made["properties"]["dataDisks"]] == [10, 20, 30]


def test_option_equals_value_form() -> None:
    assert parse("--name=x", "--target-regions=a")["regions"] == ["a"]


def test_generic_update_occurrences_keep_their_values_and_order() -> None:
    parsed = parse(
        "-n", "x", "--add", "list", "a=1", "b=2", "--set", "k=v", "k2=v2", "--remove", "tags"
    )
    ops = sorted(json.loads(v) for v in parsed["set_"] + parsed["add"] + parsed["remove"])
    assert ops == [[0, ["list", "a=1", "b=2"]], [1, ["k=v", "k2=v2"]], [2, ["tags"]]]


def test_unrecognised_arguments_are_listed_with_their_values() -> None:
    with pytest.raises(CliError) as raised:
        parse("-n", "x", "--description", "updated", "desc")
    assert raised.value.message == "unrecognized arguments: --description updated desc"
    assert raised.value.exit_code == 2


def test_missing_required_and_missing_value() -> None:
    with pytest.raises(CliError) as raised:
        parse("--no-wait")
    assert raised.value.message == "the following arguments are required: --name/-n"
    with pytest.raises(CliError) as raised:
        parse("--name")
    assert raised.value.message == "argument --name/-n: expected one argument"


def test_configured_defaults_fill_omitted_options() -> None:
    grp = CommandGroup("t")

    @grp.command("c", examples=[])
    def c(rg: Annotated[str, typer.Option("--resource-group", "-g")]) -> str:
        return rg

    command = typer_command(grp.commands["c"])
    args = normalise(command, [], {"defaults.group": "fromconfig"}.get)
    assert invoke(command, args, "c") == "fromconfig"
    args = normalise(command, ["-g", "explicit"], {"defaults.group": "fromconfig"}.get)
    assert invoke(command, args, "c") == "explicit"


def test_globals_are_taken_from_anywhere() -> None:
    options = GlobalOptions()
    rest = split_globals(
        ["-g", "rg", "-o", "TABLE", "--only-show-errors", "--query", "[].name"], set(), options, "p"
    )
    assert rest == ["-g", "rg"]
    assert (options.output, options.query, options.only_show_errors) == ("table", "[].name", True)


def test_a_command_keeps_its_own_option_named_like_a_global() -> None:
    options = GlobalOptions()
    assert split_globals(["--subscription", "x"], {"--subscription"}, options, "p") == [
        "--subscription",
        "x",
    ]
    assert options.subscription is None


def test_bad_output_format(sigctl: Runner) -> None:
    result = sigctl("sig list -o foo")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "ERROR: sigctl sig list: 'foo' is not a valid value for '--output'. "
        "Allowed values: json, jsonc, yaml, yamlc, table, tsv, none.\n"
    )


def test_bad_query_fails_before_the_command_runs(sigctl: Runner, unchanged: Any) -> None:
    with unchanged():
        result = sigctl("group create -n rg1 -l eastus2 --query name[")
    assert result.exit_code == 2
    assert result.stderr == (
        "ERROR: argument --query: invalid jmespath_type value: 'name['\n"
        "To learn more about --query, please visit: 'https://learn.microsoft.com/cli/azure/query-azure-cli'\n"
    )


def test_globals_before_the_command(sigctl: Runner) -> None:
    assert sigctl("-o tsv group exists -n x").stdout == "false\n"


def test_unknown_command_suggests_the_closest(sigctl: Runner) -> None:
    result = sigctl("sig image-versions")
    assert result.exit_code == 2
    result = sigctl("sig craete")
    assert result.stderr.splitlines()[:2] == [
        "ERROR: 'craete' is misspelled or not recognized by the system.",
        "Did you mean 'create' ?",
    ]


_word = st.text(
    st.characters(categories=["L", "N"], include_characters="=._"), min_size=1, max_size=8
)


@given(st.lists(_word, min_size=1, max_size=6), st.lists(_word, min_size=0, max_size=3))
def test_any_region_list_survives_normalisation(regions: list[str], sets: list[str]) -> None:
    tokens = ["-n", "x", "--target-regions", *regions]
    if sets:
        tokens += ["--set", *[f"k{i}={s}" for i, s in enumerate(sets)]]
    parsed = parse(*tokens)
    assert parsed["regions"] == regions
    if sets:
        assert json.loads(parsed["set_"][0])[1] == [f"k{i}={s}" for i, s in enumerate(sets)]
