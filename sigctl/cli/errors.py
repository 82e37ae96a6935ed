"""Client-side errors and how every error reaches the user: az's `ERROR:` lines and exit codes.

Exit codes, as az: 0 ok, 1 error, 2 usage (argument parsing), 3 not found (any HTTP 404).
"""

from __future__ import annotations

import sys

from sigctl.errors import ArmError
from sigctl.record import Record

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_NOT_FOUND = 3
EXIT_INTERRUPTED = 130


class CliError(Record, Exception):
    """An error found by the emulated client before or after calling the service.

    `usage` errors are argparse-level in az: exit 2 and the command's examples are shown.
    """

    _fields = ("message", "exit_code", "usage", "recommendations")

    def __init__(
        self,
        message: str,
        exit_code: int = EXIT_ERROR,
        usage: bool = False,
        recommendations: list[str] | None = None,
    ) -> None:
        self.message, self.exit_code, self.usage = message, exit_code, usage
        self.recommendations: list[str] = [] if recommendations is None else recommendations

    def __str__(self) -> str:
        return self.message


def usage_error(message: str) -> CliError:
    return CliError(message, EXIT_USAGE, usage=True)


def arm_exit_code(error: ArmError) -> int:
    return EXIT_NOT_FOUND if error.status == 404 else EXIT_ERROR


# Details that answer "what did you mean?": on a terminal they are worth reading first.
SUGGESTIONS = ("LocationSuggestion",)


def render_arm(error: ArmError, terminal: bool = False) -> str:
    """azure-core's OData rendering of a service error, as az prints it.

    On a terminal a suggestion detail is also printed first, above the error whose message may
    list every region (about 1,800 characters); scripts and logs get az's text unchanged.
    """
    first = [d.message for d in error.details if terminal and d.code in SUGGESTIONS]
    lines = [
        *first,
        f"ERROR: ({error.code}) {error.message}",
        f"Code: {error.code}",
        f"Message: {error.message}",
    ]
    if error.target:
        lines.append(f"Target: {error.target}")
    for detail in error.details:
        lines += [
            f"Exception Details:\t({detail.code}) {detail.message}",
            f"\tCode: {detail.code}",
            f"\tMessage: {detail.message}",
        ]
    return "\n".join(lines) + "\n"


def render_cli(error: CliError, examples: list[tuple[str, str]]) -> str:
    lines = [f"ERROR: {error.message}"]
    lines += error.recommendations
    if error.usage:
        if examples:
            lines += ["", "Examples from command's help:"]
            for description, command in examples[:3]:
                lines += [command, description, ""]
        else:
            lines.append("")
        lines += ["https://aka.ms/cli_ref", "Read more about the command in reference docs"]
    return "\n".join(lines) + "\n"


def write_stderr(text: str) -> None:
    sys.stderr.write(text)
    sys.stderr.flush()
