"""Usage errors keep az's text and exit code 2; sigctl adds what the user probably meant."""

from __future__ import annotations

import pytest

from tests.conftest import Runner

EXIT_USAGE = 2


@pytest.mark.parametrize("option", ["--install-completion", "--show-completion", "--verison", "-x"])
def test_an_unknown_top_level_option_is_a_usage_error(sigctl: Runner, option: str) -> None:
    result = sigctl(option)
    assert result.exit_code == EXIT_USAGE
    assert result.stdout == ""
    # argparse's words: the command is a required argument, named by knack's destination
    assert result.stderr.startswith(
        "ERROR: the following arguments are required: _command_package\n"
    )


def test_top_level_hints(sigctl: Runner) -> None:
    assert sigctl("--verison").stderr.splitlines()[1] == "Did you mean --version?"
    assert "sigctl completion bash|zsh|fish|powershell" in sigctl("--install-completion").stderr
    assert "Did you mean" not in sigctl("-x").stderr
    # globals are still taken before the unknown option is reported
    assert sigctl("-o", "json", "--verison").exit_code == EXIT_USAGE


def test_an_unknown_option_before_the_command_is_reported_by_the_command(
    sigctl: Runner,
) -> None:
    result = sigctl("--bogus", "sig", "list")
    assert result.exit_code == EXIT_USAGE
    assert result.stderr.startswith("ERROR: unrecognized arguments: --bogus\n")


def test_an_option_without_a_subcommand(sigctl: Runner) -> None:
    result = sigctl("sig", "--bogus")
    assert result.exit_code == EXIT_USAGE
    assert result.stderr.startswith("ERROR: the following arguments are required: _subcommand\n")
    # help still wins, as argparse's -h acts when it is read
    assert sigctl("--bogus", "-h").exit_code == 0


@pytest.mark.parametrize(
    ("line", "error", "hint"),
    [
        (
            "sig list --resource-grop rg",
            "unrecognized arguments: --resource-grop rg",
            "Did you mean --resource-group?",
        ),
        (
            "sig list --resource-grop=rg",
            "unrecognized arguments: --resource-grop=rg",
            "Did you mean --resource-group?",
        ),
        (
            "sig image-version create -g rg -r gal -i def -e 1.0.0 --managed-img img",
            "unrecognized arguments: --managed-img img",
            "Did you mean --managed-image?",
        ),
        (
            # argparse reads it as an abbreviation that fits three options
            "sig image-version create -g rg -r gal -i def -e 1.0.0 --managed-image img "
            "--target-region a b",
            "ambiguous option: --target-region could match --target-regions, "
            "--target-region-encryption, --target-region-cvm-encryption",
            "Did you mean --target-regions?",
        ),
    ],
)
def test_a_mistyped_option_gets_a_suggestion_after_az_s_text(
    sigctl: Runner, line: str, error: str, hint: str
) -> None:
    result = sigctl(line)
    assert result.exit_code == EXIT_USAGE
    lines = result.stderr.splitlines()
    assert lines[:2] == [f"ERROR: {error}", hint]
    assert "Examples from command's help:" in lines  # az's examples still follow


def test_no_suggestion_for_an_unrelated_option(sigctl: Runner) -> None:
    lines = sigctl("sig list --colour red").stderr.splitlines()
    assert lines[0] == "ERROR: unrecognized arguments: --colour red"
    assert not any(line.startswith("Did you mean") for line in lines)


def test_a_command_of_the_other_tree_is_named(sigctl: Runner) -> None:
    result = sigctl("sig image-version resolve -g rg -r gal -i def")
    assert result.exit_code == EXIT_USAGE
    lines = result.stderr.splitlines()
    assert lines[0] == "ERROR: 'resolve' is misspelled or not recognized by the system."
    assert lines[1].startswith("'sigctl image-version resolve' exists: sigctl's own commands")
    group = sigctl("sig replication status").stderr.splitlines()
    assert group[1].startswith("'sigctl replication' exists")
    both = sigctl("share add").stderr.splitlines()
    assert both[1] == "'sigctl gallery share' and 'sigctl sig share' exist."


def test_a_misspelled_command_keeps_az_s_single_suggestion(sigctl: Runner) -> None:
    lines = sigctl("sig image-versions list").stderr.splitlines()
    assert lines[:2] == [
        "ERROR: 'image-versions' is misspelled or not recognized by the system.",
        "Did you mean 'image-version' ?",
    ]
    # az's cutoff (0.7): an unrelated group is not proposed
    assert "Did you mean" not in sigctl("sig replication status").stderr


def test_an_unknown_fault_region_gets_a_suggestion(sigctl: Runner) -> None:
    result = sigctl("replication fault add --region westus9")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        "ERROR: (InvalidParameter) Unknown region 'westus9'.",
        "Code: InvalidParameter",
    ]
    assert "Exception Details:\t(LocationSuggestion) Did you mean 'westus'" in result.stderr


def _stderr_on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    import os
    import pty
    import subprocess

    main, terminal = pty.openpty()
    try:
        subprocess.run(args, stderr=terminal, stdout=subprocess.DEVNULL, env=env, check=False)
    finally:
        os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the terminal is closed and drained
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    return b"".join(chunks).decode().replace("\r\n", "\n")


@pytest.mark.slow
def test_an_unknown_region_s_suggestion_comes_first_on_a_terminal_only(
    sigctl: Runner, home: object
) -> None:
    import os
    import shutil

    assert sigctl("group create -n rg1 -l eastus").exit_code == 0
    line = "sig create -g rg1 -r gal1 -l eastus9"
    piped = sigctl(line).stderr  # not a terminal: az's text, the suggestion last
    assert piped.startswith("ERROR: (LocationNotAvailableForResourceType) The provided location")
    assert piped.endswith("\tMessage: Did you mean 'eastus' or 'eastus2' or 'westus'?\n")
    binary = shutil.which("sigctl")
    assert binary
    shown = _stderr_on_a_terminal([binary, *line.split()], dict(os.environ))
    assert shown == "Did you mean 'eastus' or 'eastus2' or 'westus'?\n" + piped


def test_sig_create_help_says_which_permissions_exist_and_that_they_are_final(
    sigctl: Runner,
) -> None:
    shown = " ".join(sigctl("sig create -h").stdout.split())
    assert "Allowed values: Community, Groups, Private." in shown
    assert "only a Groups gallery can be shared with subscriptions and tenants" in shown
    assert "The permission cannot be changed later, except back to Private by sig share reset" in (
        shown
    )
    # the examples a usage error prints say it too, before the gallery exists
    usage = sigctl("sig create -g rg1").stderr
    assert "sigctl sig create -g MyResourceGroup -r MyGallery --permissions Groups" in usage
    assert "the permission cannot be changed later" in usage
    share = " ".join(sigctl("sig share add -h").stdout.split())
    assert "Only a gallery created with `--permissions Groups` can be shared this way" in share
