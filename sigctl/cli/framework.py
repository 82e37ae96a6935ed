"""How a command module declares its commands, and how one is turned into a Typer command.

A module holds one `CommandGroup`; each command is a plain function with Typer-annotated
parameters, its docstring's first line as summary, az-style examples and an optional table
transformer. The same group serves both command trees (`sigctl gallery ...` and `sigctl sig ...`):
examples are written with `{prefix}` and rendered with the tree actually used.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sigctl.record import Record

if TYPE_CHECKING:
    from sigctl.cli.context import Invocation

TableTransformer = Callable[[Any], Any]

# Every command function's first parameter has this name: it is given the running `Invocation`
# (its options, settings, client and diagnostics); every other parameter is a command option.
INVOCATION_PARAMETER = "inv"
# Typer hands its context (which carries the invocation as `obj`) to a parameter of this name.
CONTEXT_PARAMETER = "sigctl_typer_context"


class CommandSpec:
    """One command; hashed by identity: its built command is cached (typer_command)."""

    def __init__(
        self,
        name: str,
        func: Callable[..., Any],
        examples: list[tuple[str, str]],
        table: TableTransformer | None = None,
        policy: bool = False,  # takes az's "Global Policy Arguments" (accepted and ignored)
    ) -> None:
        self.name, self.func, self.examples, self.table = name, func, examples, table
        self.policy = policy

    def __repr__(self) -> str:
        return (
            f"CommandSpec(name={self.name!r}, func={self.func!r}, examples={self.examples!r}, "
            f"table={self.table!r}, policy={self.policy!r})"
        )

    @property
    def summary(self) -> str:
        doc = inspect.getdoc(self.func) or ""
        return doc.split("\n", 1)[0].strip()

    @property
    def description(self) -> str:
        doc = inspect.getdoc(self.func) or ""
        parts = doc.split("\n", 1)
        return parts[1].strip() if len(parts) > 1 else ""

    def examples_for(self, prefix: str) -> list[tuple[str, str]]:
        return [(d, c.replace("{prefix}", prefix)) for d, c in self.examples]


class CommandGroup(Record):
    _fields = ("summary", "commands")

    def __init__(self, summary: str, commands: dict[str, CommandSpec] | None = None) -> None:
        self.summary = summary
        self.commands: dict[str, CommandSpec] = {} if commands is None else commands

    def command(
        self,
        name: str,
        *,
        examples: list[tuple[str, str]],
        table: TableTransformer | None = None,
        policy: bool = False,
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def register(func: Callable[..., Any]) -> Callable[..., Any]:
            self.commands[name] = CommandSpec(name, func, examples, table, policy)
            return func

        return register

    def include(self, other: CommandGroup) -> None:
        """Serve `other`'s commands too: commands kept in a module of their own."""
        self.commands.update(other.commands)


class WithTable(Record):
    """A result that brings its own `-o table` rows (e.g. columns the value does not have)."""

    _fields = ("value", "table")

    def __init__(self, value: Any, table: Any) -> None:
        self.value, self.table = value, table


class CommandResult(Record):
    """What a command function returned (Typer's own return value can also be an exit code)."""

    _fields = ("result",)

    def __init__(self, result: Any) -> None:
        self.result = result


@functools.cache
def typer_command(spec: CommandSpec) -> Any:
    """The click command Typer builds for one spec (help is rendered by sigctl itself).

    Built once per process: building reads every parameter's annotations, which costs more than
    running most commands, and a process that runs several commands (the test suite, an
    embedding program) reuses it.
    """
    import typer

    @functools.wraps(spec.func)
    def run(*args: Any, **kwargs: Any) -> CommandResult:
        import time

        invocation = kwargs.pop(CONTEXT_PARAMETER).find_root().obj
        for name in POLICY_ARGUMENTS:
            kwargs.pop(name, None)
        invocation.invoked_at = time.perf_counter()  # az's --verbose splits init/invoke
        return CommandResult(spec.func(invocation, *args, **kwargs))

    # Typer sees the command's options only: the invocation is passed by the dispatcher.
    signature = _options_signature(spec.func, spec.policy)
    context = inspect.Parameter(
        CONTEXT_PARAMETER, inspect.Parameter.KEYWORD_ONLY, annotation=typer.Context
    )
    run.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*signature.parameters.values(), context]
    )
    # The evaluated annotations, not the module's strings: Typer would compile each string
    # again (typing.get_type_hints), which costs more than the rest of building the command.
    run.__annotations__ = {
        p.name: p.annotation for p in signature.parameters.values() if p.annotation is not p.empty
    }

    app = typer.Typer(
        add_completion=False,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": []},
    )
    app.command(spec.name, help=spec.summary)(run)
    return typer.main.get_command(app)


POLICY_ARGUMENTS = ("acquire_policy_token", "change_reference")


def _options_signature(func: Callable[..., Any], policy: bool) -> inspect.Signature:
    """The command's signature without its invocation, plus az's --acquire-policy-token and
    --change-reference where the command takes az's policy arguments."""
    from sigctl.cli.params import AcquirePolicyToken, ChangeReference

    signature = inspect.signature(func, eval_str=True)
    options = [p for p in signature.parameters.values() if p.name != INVOCATION_PARAMETER]
    if policy:
        options += [
            inspect.Parameter(
                name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=kind
            )
            for name, default, kind in (
                ("acquire_policy_token", False, AcquirePolicyToken),
                ("change_reference", None, ChangeReference),
            )
        ]
    return signature.replace(parameters=options)


def invoke(command: Any, args: list[str], invocation: Invocation) -> Any:
    """Run a built command for an invocation; return the function's result (Ctrl-C comes back
    as an exit code)."""
    try:
        outcome = command.main(
            args=args, prog_name=invocation.prog, standalone_mode=False, obj=invocation
        )
    except SystemExit as error:  # even when not standalone, click exits on a closed stdout
        raise BrokenPipeError("stdout was closed") from error
    if isinstance(outcome, CommandResult):
        return outcome.result
    if outcome == 130:
        raise KeyboardInterrupt
    raise RuntimeError(f"the command ended without a result ({outcome!r})")
