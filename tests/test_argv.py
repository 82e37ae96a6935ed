"""az's argument grammar on top of Typer: list options, three-state flags, globals anywhere."""

from __future__ import annotations

import argparse
import json
from typing import Annotated, Any, NoReturn

import jmespath
import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st

from sigctl.cli import params
from sigctl.cli.argv import (
    NO_VALUES,
    OPTIONAL_VALUE,
    OUTPUT_FORMATS,
    OptionTable,
    _arity,
    normalise,
    option_table,
    split_globals,
)
from sigctl.cli.context import GlobalOptions, Invocation
from sigctl.cli.errors import CliError
from sigctl.cli.framework import CommandGroup, invoke, typer_command
from sigctl.cli.params import AddArg, BoolValue, RemoveArg, SetArg, three_state
from tests.conftest import Runner

group = CommandGroup("test")


@group.command("probe", examples=[])
def probe(
    inv: Invocation,
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
    return {k: v for k, v in locals().items() if k != "inv"}


COMMAND = typer_command(group.commands["probe"])


def parse(*tokens: str, defaults: dict[str, str] | None = None) -> dict[str, Any]:
    args = normalise(COMMAND, list(tokens), lambda key: (defaults or {}).get(key))
    return invoke(COMMAND, args, Invocation(GlobalOptions()))


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
    def c(inv: Invocation, rg: Annotated[str, typer.Option("--resource-group", "-g")]) -> str:
        return rg

    command = typer_command(grp.commands["c"])
    args = normalise(command, [], {"defaults.group": "fromconfig"}.get)
    assert invoke(command, args, Invocation(GlobalOptions())) == "fromconfig"
    args = normalise(command, ["-g", "explicit"], {"defaults.group": "fromconfig"}.get)
    assert invoke(command, args, Invocation(GlobalOptions())) == "explicit"


def test_globals_are_taken_from_anywhere() -> None:
    options = GlobalOptions()
    rest = split_globals(
        ["-g", "rg", "-o", "TABLE", "--only-show-errors", "--query", "[].name"],
        option_table(),
        options,
        "p",
    )
    assert rest == ["-g", "rg"]
    assert (options.output, options.query, options.only_show_errors) == ("table", "[].name", True)


def test_a_command_keeps_its_own_option_named_like_a_global() -> None:
    options = GlobalOptions()
    own = OptionTable(["--subscription"], frozenset({"--subscription"}))
    assert split_globals(["--subscription", "x"], own, options, "p") == [
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


# -- az's grammar against argparse itself ---------------------------------------------------
#
# az parses a command line with argparse (knack's and azure-cli's parsers add no grammar of
# their own), so the normaliser must read every line as an argparse parser holding the same
# options reads it: the same values, or the same error text.


def _as_text(value: str) -> str:
    return value


setattr(_as_text, OPTIONAL_VALUE, True)  # nargs='?': bare means "true"

oracle_group = CommandGroup("oracle")


@oracle_group.command("probe", examples=[])
def oracle_probe(
    inv: Invocation,
    name: Annotated[str, typer.Option("--name", "-n")],
    group_: Annotated[str | None, typer.Option("--resource-group", "-g")] = None,
    gallery: Annotated[str | None, typer.Option("--gallery-name", "-r")] = None,
    version: Annotated[
        str | None,
        typer.Option("--gallery-image-version", "--gallery-image-version-name", "-e"),
    ] = None,
    regions: Annotated[list[str] | None, typer.Option("--target-regions")] = None,
    exclude: Annotated[str | None, typer.Option("--exclude-from-latest", parser=_as_text)] = None,
    no_wait: Annotated[bool, typer.Option("--no-wait")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y")] = False,
    set_: SetArg = None,
) -> Any:
    return {k: v for k, v in locals().items() if k != "inv"}


ORACLE_COMMAND = typer_command(oracle_group.commands["probe"])


class _Refused(Exception):
    pass


class _Argparse(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # az prints it as "ERROR: <message>", exit 2
        raise _Refused(message)

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        # azure-cli's own override: its wording for a value outside the choices
        if action.choices is not None and value not in action.choices:
            raise _Refused(
                f"{self.prog}: '{value}' is not a valid value for '{action.option_strings[0]}'. "
                f"Allowed values: {', '.join(action.choices)}."
            )


def jmespath_type(text: str) -> Any:  # az's converter, by name: argparse quotes its name
    jmespath.compile(text)  # refuses what az refuses; the value stays the text
    return text


def _argparse_for(command: Any) -> argparse.ArgumentParser:
    """The parser az would build: -h/--help, knack's globals, the command's own, --subscription."""
    parser = _Argparse(prog="p")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--debug", action="store_true")
    parser.add_argument("--only-show-errors", action="store_true")
    parser.add_argument("--output", "-o", type=str.lower, choices=OUTPUT_FORMATS)
    parser.add_argument("--query", type=jmespath_type)
    for param in command.params:
        names = [*param.opts, *param.secondary_opts]
        kind = _arity(param)
        if kind == "flag":
            parser.add_argument(*names, dest=param.name, action="store_true")
        elif kind == "optional":
            parser.add_argument(*names, dest=param.name, nargs="?", const="true")
        elif kind == "list":
            parser.add_argument(*names, dest=param.name, nargs="*")
        elif kind == "ordered":
            parser.add_argument(*names, dest=param.name, nargs="+", action="append")
        else:
            parser.add_argument(*names, dest=param.name, required=param.required)
    parser.add_argument("--subscription")
    parser.add_argument("--as", dest="principal")
    return parser


ORACLE = _argparse_for(ORACLE_COMMAND)
GLOBALS = ("verbose", "debug", "only_show_errors", "output", "query", "subscription", "principal")


def _ours(tokens: list[str]) -> dict[str, Any] | str:
    options = GlobalOptions()
    try:
        args = normalise(ORACLE_COMMAND, list(tokens), lambda key: None, "probe", options, "p")
    except CliError as error:
        return error.message
    got = invoke(ORACLE_COMMAND, args, Invocation(GlobalOptions()))
    got["regions"] = params.values(got["regions"])
    got["set_"] = [json.loads(v)[1] for v in sorted(got["set_"] or [])] or None
    got["group_"] = got.pop("group_")
    return {**got, **{g: getattr(options, g) for g in GLOBALS}}


def _theirs(tokens: list[str]) -> dict[str, Any] | str:
    try:
        return vars(ORACLE.parse_args(tokens))
    except _Refused as refused:
        return str(refused)


_OPTION_STRINGS = [s for s in ORACLE._option_string_actions if s not in ("-h", "--help")]
_values = st.sampled_from(["x", "rg", "1.0.0", "a=b", "-1", "-2.5", "a b", "-q z", "", "TABLE"])


@st.composite
def _option_token(draw: st.DrawFn) -> str:
    option = draw(st.sampled_from(_OPTION_STRINGS))
    if option.startswith("--"):
        option = option[: draw(st.integers(min_value=3, max_value=len(option)))]  # abbreviated
    else:
        option += draw(st.sampled_from(["", "", "x", "yq", "n"]))  # -gVALUE, clusters
    if draw(st.booleans()):
        return option
    return f"{option}={draw(_values)}"


_tokens = st.lists(
    st.one_of(_option_token(), _values, st.just("--"), st.just("-y")), min_size=0, max_size=7
)


@given(_tokens)
@settings(max_examples=400, deadline=None)
def test_the_grammar_is_argparse_s(tokens: list[str]) -> None:
    assert _ours(tokens) == _theirs(tokens)


@pytest.mark.parametrize(
    "tokens,expected",
    [
        (["-nx", "-grg"], {"name": "x", "group_": "rg"}),
        (["--na", "x", "--resource-gr=rg"], {"name": "x", "group_": "rg"}),
        (["-n=x", "-g=rg"], {"name": "x", "group_": "rg"}),
        (["-yn", "x"], {"name": "x", "yes": True}),
        (["-n", "x", "--out", "TSV"], {"name": "x", "output": "tsv"}),
    ],
)
def test_attached_values_and_abbreviations(tokens: list[str], expected: dict[str, Any]) -> None:
    got = _ours(tokens)
    assert isinstance(got, dict) and {k: got[k] for k in expected} == expected
    assert got == _theirs(tokens)


@pytest.mark.parametrize(
    "tokens,message",
    [
        (
            ["-n", "x", "--gallery-image-v", "1"],
            "ambiguous option: --gallery-image-v could match --gallery-image-version, "
            "--gallery-image-version-name",
        ),
        (
            ["-n", "x", "--o", "tsv"],
            "ambiguous option: --o could match --only-show-errors, --output",
        ),
        (["-n", "x", "--no-wait=1"], "argument --no-wait: ignored explicit argument '1'"),
        (["-n", "x", "-yq"], "argument --yes/-y: ignored explicit argument 'q'"),
        (["-n", "x", "--debug=yes"], "argument --debug: ignored explicit argument 'yes'"),
        (["-n", "x", "--target-regions=a", "b"], "unrecognized arguments: b"),
        (["--", "-n", "x"], "the following arguments are required: --name/-n"),
        (["-n", "x", "--", "y"], "unrecognized arguments: -- y"),
        (["--bogus", "-n"], "argument --name/-n: expected one argument"),
    ],
)
def test_what_argparse_refuses(tokens: list[str], message: str) -> None:
    assert _ours(tokens) == message == _theirs(tokens)


def test_abbreviations_through_the_cli(sigctl: Runner, ok: Any) -> None:
    ok("group create -n rg1 -l eastus2")
    assert ok("sig create -grg1 -rgal1")["name"] == "gal1"
    assert ok("sig show --resource-gr rg1 --gallery-n=gal1")["name"] == "gal1"
    assert sigctl("sig show -g=rg1 -r gal1 --qu name --out tsv").stdout == "gal1\n"
    shown = sigctl("sig list --he")
    assert shown.exit_code == 0 and "sigctl sig list" in shown.stdout
    ambiguous = sigctl("sig image-definition create -g rg1 -r gal1 -i d -p P --o x -s S")
    assert ambiguous.exit_code == 2
    assert ambiguous.stderr.startswith(
        "ERROR: ambiguous option: --o could match --only-show-errors, --output, --offer, "
        "--os-type, --os-state\n"
    )


def test_a_command_is_built_once_per_process() -> None:
    """Building reads every annotation; a process running many commands (tests) reuses it."""
    spec = group.commands["probe"]
    assert typer_command(spec) is typer_command(spec) is COMMAND
