"""The invocation being run: its global options, configuration, and the client it talks through.

The dispatcher makes one per command line and hands it to the command function as its first
parameter (`inv`); nothing reads it from a global.
"""

from __future__ import annotations

import sys
from functools import cached_property
from pathlib import Path
from typing import Any

from sigctl.cli.errors import CliError
from sigctl.record import Record


class GlobalOptions(Record):
    _fields = (
        "output",
        "query",
        "only_show_errors",
        "verbose",
        "debug",
        "subscription",
        "principal",
    )

    def __init__(
        self,
        output: str | None = None,
        query: str | None = None,
        only_show_errors: bool = False,
        verbose: bool = False,
        debug: bool = False,
        subscription: str | None = None,
        principal: str | None = None,  # --as
    ) -> None:
        self.output, self.query, self.only_show_errors = output, query, only_show_errors
        self.verbose, self.debug = verbose, debug
        self.subscription, self.principal = subscription, principal


class Invocation:
    def __init__(self, options: GlobalOptions, path: tuple[str, ...] = ()) -> None:
        self.options = options
        self.path = path
        self.command: str | None = None
        self.examples: list[tuple[str, str]] = []
        self.invoked_at: float | None = None  # when the command's own code started
        self.exit_code = 0  # a command that prints its result and still fails sets it

    @property
    def prog(self) -> str:
        return " ".join(["sigctl", *self.path, *([self.command] if self.command else [])])

    @cached_property
    def home(self) -> Path:
        from sigctl.home import home_dir

        return home_dir()

    @cached_property
    def config(self) -> Any:
        from sigctl import config

        try:
            return config.load(self.home)
        except config.ConfigError as exc:
            raise CliError(str(exc)) from None

    def setting(self, key: str) -> Any:
        from sigctl.config import ConfigError

        try:
            return self.config.value(key)
        except ConfigError as exc:
            raise CliError(str(exc)) from None

    @property
    def output_format(self) -> str:
        return self.options.output or self.setting("core.output")

    @property
    def quiet_warnings(self) -> bool:
        return self.options.only_show_errors or bool(self.setting("core.only_show_errors"))

    @property
    def colour_allowed(self) -> bool:
        """Colour unless NO_COLOR or core.no_color forbids it (whether the output is a terminal
        is the caller's question)."""
        import os

        return not os.environ.get("NO_COLOR") and not self.setting("core.no_color")

    def console(self, stderr: bool = False) -> Any:
        """A rich console for drawing (bars, trees) that honours the colour settings."""
        from rich.console import Console

        return Console(stderr=stderr, no_color=not self.colour_allowed, highlight=False)

    @cached_property
    def client(self) -> Any:
        from sigctl.cli.client import Client

        return Client(self)

    # -- diagnostics on stderr -------------------------------------------------------------

    def warn(self, message: str) -> None:
        if not self.quiet_warnings:
            sys.stderr.write(f"WARNING: {message}\n")

    def info(self, message: str) -> None:
        if self.options.verbose or self.options.debug:
            sys.stderr.write(f"INFO: {message}\n")

    def debug(self, message: str) -> None:
        if self.options.debug:
            sys.stderr.write(f"DEBUG: {message}\n")
