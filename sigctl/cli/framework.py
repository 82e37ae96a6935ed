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
from dataclasses import dataclass, field
from typing import Any

TableTransformer = Callable[[Any], Any]


@dataclass(eq=False)  # hashed by identity: its built command is cached (typer_command)
class CommandSpec:
    name: str
    func: Callable[..., Any]
    examples: list[tuple[str, str]]
    table: TableTransformer | None = None
    policy: bool = False  # takes az's "Global Policy Arguments" (accepted and ignored)

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


@dataclass
class CommandGroup:
    summary: str
    commands: dict[str, CommandSpec] = field(default_factory=dict)

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


@dataclass
class Shown:
    """A result whose `-o table` view is not derived from the value (e.g. adds columns)."""

    value: Any
    table: Any


@dataclass
class Done:
    """What a command returned; Typer's own return value can also be an exit code."""

    result: Any


@functools.cache
def typer_command(spec: CommandSpec) -> Any:
    """The click command Typer builds for one spec (help is rendered by sigctl itself).

    Built once per process: building reads every parameter's annotations, which costs more than
    running most commands, and a process that runs several commands (the test suite, an
    embedding program) reuses it.
    """
    import typer

    @functools.wraps(spec.func)
    def run(*args: Any, **kwargs: Any) -> Done:
        import time

        from sigctl.cli import context

        for name in POLICY_ARGUMENTS:
            kwargs.pop(name, None)
        context.current().invoked_at = time.perf_counter()  # az's --verbose splits init/invoke
        return Done(spec.func(*args, **kwargs))

    if spec.policy:
        run.__signature__ = _with_policy_arguments(spec.func)  # type: ignore[attr-defined]

    app = typer.Typer(
        add_completion=False,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": []},
    )
    app.command(spec.name, help=spec.summary)(run)
    return typer.main.get_command(app)


POLICY_ARGUMENTS = ("acquire_policy_token", "change_reference")


def _with_policy_arguments(func: Callable[..., Any]) -> inspect.Signature:
    """The command's signature plus az's --acquire-policy-token and --change-reference."""
    from sigctl.cli.params import AcquirePolicyToken, ChangeReference

    signature = inspect.signature(func, eval_str=True)
    extra = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=kind)
        for name, default, kind in (
            ("acquire_policy_token", False, AcquirePolicyToken),
            ("change_reference", None, ChangeReference),
        )
    ]
    return signature.replace(parameters=[*signature.parameters.values(), *extra])


def invoke(command: Any, args: list[str], prog: str) -> Any:
    """Run a built command; return the function's result (Ctrl-C comes back as an exit code)."""
    try:
        outcome = command.main(args=args, prog_name=prog, standalone_mode=False)
    except SystemExit as error:  # even when not standalone, click exits on a closed stdout
        raise BrokenPipeError("stdout was closed") from error
    if isinstance(outcome, Done):
        return outcome.result
    if outcome == 130:
        raise KeyboardInterrupt
    raise RuntimeError(f"the command ended without a result ({outcome!r})")
