"""The entry point: find the command, parse az-style arguments, run it, print as az does.

Only the module of the command being run is imported, and typer only once a command is found,
so start-up stays close to a bare interpreter's. Every failure ends here as an `ERROR:` line and
az's exit code; a traceback is shown only with --debug.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from sigctl.cli import tree
from sigctl.cli.argv import HELP, is_option, take_leading_globals
from sigctl.cli.context import GlobalOptions, Invocation
from sigctl.cli.entry import start_collecting, version_text
from sigctl.cli.errors import (
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    CliError,
    arm_exit_code,
    render_arm,
    render_cli,
    usage_error,
    write_stderr,
)
from sigctl.errors import ArmError


def main() -> None:
    argv = sys.argv[1:]
    if argv[:1] == ["__complete"]:  # the shell asking for candidates (sigctl completion)
        from sigctl.cli.completion import main as complete

        sys.exit(complete(argv[1:]))
    code = run(argv)
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _stop_writing()
    sys.exit(code)


def stdout_gone() -> bool:
    """Whether the reader of stdout went away during this process (see _stop_writing)."""
    return _reader_gone


_reader_gone = False


def _stop_writing() -> None:
    """The reader of stdout went away (`sigctl ... | head`): what is left unprinted goes nowhere,
    without an error; the command itself ran (a change it made is committed)."""
    global _reader_gone
    _reader_gone = True
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def run(argv: list[str]) -> int:
    started = time.perf_counter()
    invocation = Invocation(GlobalOptions())
    try:
        _refuse_undecodable(argv)
        code = _dispatch(list(argv), invocation)
    except ArmError as error:
        write_stderr(render_arm(error, terminal=sys.stderr.isatty()))
        code = arm_exit_code(error)
    except CliError as error:
        write_stderr(render_cli(error, invocation.examples))
        code = error.exit_code
    except KeyboardInterrupt:
        write_stderr("ERROR: Operation cancelled.\n")
        code = EXIT_INTERRUPTED
    except BrokenPipeError:
        _stop_writing()
        code = 0
    except Exception as error:
        code = _unexpected(error, invocation)
    ended = time.perf_counter()
    invoked = invocation.invoked_at or ended
    invocation.info(
        f"Command ran in {ended - started:.3f} seconds "
        f"(init: {invoked - started:.3f}, invoke: {ended - invoked:.3f})"
    )
    return code


def _refuse_undecodable(argv: list[str]) -> None:
    """Arguments are UTF-8 text: bytes that are not (Python passes them on as lone surrogates)
    are refused before anything runs, wherever they would have ended up."""
    from sigctl.text import invalid_utf8, printable

    for arg in argv:
        bad = invalid_utf8(arg)
        if bad is not None:
            raise usage_error(
                f"argument '{printable(arg)}' is not valid UTF-8 (bytes {bad[1]} at character "
                f"{bad[0] + 1}); sigctl reads its arguments as UTF-8 text."
            )


def _unexpected(error: Exception, invocation: Invocation) -> int:
    from sigctl.config import ConfigError

    if isinstance(error, ConfigError):  # a bad setting the service read: it names the setting
        write_stderr(f"ERROR: {error}\n")
        return EXIT_ERROR
    message = getattr(error, "message", None)
    if getattr(error, "exit_code", None) == EXIT_USAGE and message is not None:
        if getattr(error, "names_the_command", False):
            message = f"{invocation.prog}: {message}"
        # A usage error raised while Typer parsed (our parsers raise az's exact message).
        write_stderr(render_cli(usage_error(message), invocation.examples))
        return EXIT_USAGE
    if invocation.options.debug:
        import traceback

        write_stderr(traceback.format_exc())
    hint = "" if invocation.options.debug else "Run it again with --debug to see the traceback.\n"
    write_stderr(
        f"ERROR: The command failed with an unexpected error: {type(error).__name__}: {error}\n"
        + hint
    )
    return EXIT_ERROR


def _dispatch(argv: list[str], invocation: Invocation) -> int:
    options = invocation.options
    argv = take_leading_globals(argv, options)

    path, rest, strays = _resolve(argv)
    invocation.path = path
    group = tree.TREE[path].load()
    if (not rest and not strays) or (rest and rest[0] in HELP):
        from sigctl.cli.help import group_help

        sys.stdout.write(group_help(path, group))
        return 0
    if path == () and rest[:1] == ["--version"] and not strays:
        sys.stdout.write(version_text())
        return 0
    if not rest:
        raise _no_command(path, strays)
    name = rest[0]
    if is_option(name) or group is None or name not in group.commands:
        return _unknown_command(path, group, name)

    spec = group.commands[name]
    invocation.command = name
    prefix = " ".join(["sigctl", *path])
    invocation.examples = spec.examples_for(prefix)

    from sigctl.cli.argv import asks_for_help, normalise, option_table
    from sigctl.cli.framework import WithTable, invoke, typer_command

    command = typer_command(spec)
    args = [*strays, *rest[1:]]  # argparse reports options met on the way as unrecognised
    table = option_table(command)
    if asks_for_help(args, table):
        from sigctl.cli.help import command_help

        sys.stdout.write(command_help(prefix, spec, command))
        return 0
    args = normalise(command, args, invocation.setting, name, options, invocation.prog)
    from sigctl.cli import output

    query = output.compile_query(options.query) if options.query is not None else None
    fmt = invocation.output_format
    start_collecting()
    result = invoke(command, args, invocation)
    table = spec.table
    if isinstance(result, WithTable):
        rows = result.table
        result, table = result.value, (lambda _: rows)
    output.emit(output.render(result, fmt, query=query, table=table, colour=_colour(invocation)))
    return invocation.exit_code


def _colour(invocation: Invocation) -> bool:
    return invocation.colour_allowed and sys.stdout.isatty()


def _resolve(argv: list[str]) -> tuple[tuple[str, ...], list[str], list[str]]:
    """The deepest group the leading words name, the tokens after it, and the options met
    among the words (argparse sets those aside, so `sigctl --verison sig list` still runs
    `sig list`, which reports them)."""
    path: tuple[str, ...] = ()
    strays: list[str] = []
    for i, token in enumerate(argv):
        if (*path, token) in tree.TREE:
            path = (*path, token)
        elif is_option(token) and token not in HELP and not (token == "--version" and i == 0):
            strays.append(token)
        else:
            return path, argv[i:], strays
    return path, [], strays


def _no_command(path: tuple[str, ...], strays: list[str]) -> CliError:
    """argparse's error for options without a command: the command is a required argument,
    named by the destination knack gives it (the top level's and a group's)."""
    from sigctl.cli.argv import option_table
    from sigctl.cli.suggest import options_meant

    dest = "_subcommand" if path else "_command_package"
    error = usage_error(f"the following arguments are required: {dest}")
    known = [*option_table().strings, "--version"] if not path else option_table().strings
    error.recommendations += options_meant(strays, known)
    return error


def _unknown_command(path: tuple[str, ...], group: Any, name: str) -> int:
    import difflib

    from sigctl.cli.suggest import other_tree

    candidates = tree.children(path) + (sorted(group.commands) if group else [])
    lines = [f"ERROR: '{name}' is misspelled or not recognized by the system."]
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.7)  # az's
    if close:
        lines.append(f"Did you mean '{close[0]}' ?")
    lines += other_tree(path, name)
    lines += ["", "https://aka.ms/cli_ref", "Read more about the command in reference docs"]
    write_stderr("\n".join(lines) + "\n")
    return EXIT_USAGE
