"""`sigctl state`: where the emulated cloud lives, and starting it over."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from sigctl.cli.arguments import confirm
from sigctl.cli.context import Invocation
from sigctl.cli.errors import CliError
from sigctl.cli.framework import CommandGroup
from sigctl.cli.params import Yes
from sigctl.errors import ArmError

commands = CommandGroup("Inspect, reset, export and import the emulator's state.")

SNAPSHOT_MARK = "sigctlState"  # what marks a snapshot (sigctl.provider.fixtures)


@commands.command(
    "path",
    examples=[
        ("Print the folder that holds the state and the configuration.", "{prefix} path -o tsv"),
        ("Use a throw-away state for one CI job.", "SIGCTL_HOME=$(mktemp -d) sigctl sig list"),
    ],
)
def path(inv: Invocation) -> Any:
    """Print the sigctl home folder (SIGCTL_HOME, else the platform's user data folder)."""
    return str(inv.home)


@commands.command(
    "reset",
    examples=[
        (
            "Delete every emulated resource and start from the embedded default state.",
            "{prefix} reset --yes",
        )
    ],
)
def reset(inv: Invocation, yes: Yes = False) -> None:
    """Delete the whole emulated state (configuration is kept)."""
    if not yes:
        confirm("Delete every emulated resource?")
    _state(inv, "DELETE")


def _state(inv: Invocation, verb: str, action: str = "", body: Any = None, **query: Any) -> Any:
    """The state's own paths; in-process they need no sign-in, so they work on a state whose
    directory cannot be read."""
    path = f"/sigctl/state/{action}" if action else "/sigctl/state"
    return inv.client.request(verb, path, body, as_emulator=True, **query).body


def _problems_table(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"Location": p["location"], "Problem": p["problem"], "Repair": p["repair"] or "-"}
        for p in result["problems"]
    ]


def _report(inv: Invocation, result: dict[str, Any]) -> None:
    """One line per problem on stderr (the result has them all), and exit 1 if there is any."""
    invocation = inv
    for fixed in result.get("repaired", []):
        invocation.warn(f"Repaired {fixed['location']}: {fixed['problem']} ({fixed['repair']}).")
    for problem in result["problems"]:
        remedy = (
            f"'sigctl state repair' will {problem['repair']}."
            if problem["repair"]
            else f"'sigctl state repair' leaves this alone (data would be lost): "
            f"{problem['advice'] or 'see docs/state.md, Recovery'}."
        )
        what = problem["problem"].rstrip(".")
        sys.stderr.write(f"ERROR: {problem['location']}: {what}. {remedy}\n")
    if not result["healthy"]:
        invocation.exit_code = 1


@commands.command(
    "check",
    table=_problems_table,
    examples=[
        ("Verify the whole state; exit 1 if anything is wrong.", "{prefix} check -o none"),
        ("List the problems as a table.", "{prefix} check -o table"),
    ],
)
def check(inv: Invocation) -> Any:
    """Verify the whole state and print what is wrong (exit 1 if anything is).

    Every document must be readable and sit where its id says, parents must exist, indexes and
    usage counts must match the documents, and no leftovers of interrupted commands may remain. Like every command, it first completes (or
    undoes) a change that an interrupted command left unfinished. See docs/state.md, Recovery.
    """
    result = _state(inv, "POST", "check")
    _report(inv, result)
    return result


@commands.command(
    "repair",
    table=_problems_table,
    examples=[("Rebuild indexes and counts, remove leftovers.", "{prefix} repair")],
)
def repair(inv: Invocation) -> Any:
    """Rebuild indexes and counts from the documents and remove leftovers; never lose data.

    What derives from documents (indexes, usage counts, identifier maps) is rebuilt; where a
    repair would lose data, it refuses and names the files. Prints what it repaired and what remains; exits 1 if anything remains. See docs/state.md,
    Recovery.
    """
    result = _state(inv, "POST", "repair")
    _report(inv, result)
    return result


def _strip_none(value: Any) -> Any:
    """TOML has no null: drop them (JSON exports keep them)."""
    if isinstance(value, dict):
        return {k: _strip_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_strip_none(v) for v in value if v is not None]
    return value


@commands.command(
    "export",
    examples=[
        ("Save the whole state to a file.", "{prefix} export --file state.json"),
        ("Save it as TOML.", "{prefix} export --file state.toml"),
        (
            "Carry a state from one CI job to the next.",
            "sigctl state export --file state.json && sigctl state import state.json --yes",
        ),
    ],
)
def export(
    inv: Invocation,
    file: Annotated[
        Path | None,
        typer.Option("--file", "-f", help="Write here (.json or .toml); default: print JSON."),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="json or toml. Default: from the file name, else json."),
    ] = None,
) -> Any:
    """Export every document of the emulated state (a snapshot `state import` restores exactly)."""
    snapshot = _state(inv, "GET")
    kind = (fmt or (file.suffix.lstrip(".") if file else "json")).lower()
    if kind not in ("json", "toml"):
        raise CliError(f"usage error: --format must be json or toml, not '{kind}'")
    if file is None:
        if kind == "toml":
            import tomli_w

            sys.stdout.write(tomli_w.dumps(_strip_none(snapshot)))
            return None
        return snapshot
    if kind == "toml":
        import tomli_w

        text = tomli_w.dumps(_strip_none(snapshot))
    else:
        import json

        text = json.dumps(snapshot, indent=2, sort_keys=True) + "\n"
    file.write_text(text)
    return None


@commands.command(
    "import",
    examples=[
        ("Restore a snapshot, replacing the current state.", "{prefix} import state.json --yes"),
        (
            "Seed resources from a declarative fixture (added to the current state).",
            "{prefix} import demo-fixture.toml",
        ),
    ],
)
def import_(
    inv: Invocation,
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", help="A snapshot from `state export`, or a fixture (JSON or TOML)."
        ),
    ],
    yes: Yes = False,
) -> Any:
    """Import a snapshot (replaces the state; needs --yes if it is not empty) or a fixture.

    A fixture (`sigctlFixture = 1`) lists groups, sources, galleries, definitions and versions
    the way az's arguments describe them; it is applied in one transaction, with every service
    rule checked, and its versions are already replicated. See docs/state.md.
    """
    from sigctl.cli import fixture as seeding

    data = _read(file)
    client = inv.client
    if SNAPSHOT_MARK in data:
        try:  # checked and replaced in one step
            count = _state(inv, "PUT", body=data, **({} if yes else {"ifEmpty": "true"}))[
                "documents"
            ]
        except ArmError as error:
            if error.code != "StateNotEmpty":
                raise
            raise CliError(
                "The current state is not empty; add --yes to replace it with the snapshot."
            ) from None
        return {"imported": "snapshot", "documents": count}
    if seeding.FIXTURE_MARK in data:
        fixture = seeding.parse_fixture(data)
        subscription = fixture.subscription or client.subscription
        seed = seeding.requests(fixture, subscription, inv.warn)
        del data, fixture  # a large fixture's parsed forms need not stay while it is applied
        created = client.call("POST", f"/sigctl/subscriptions/{subscription}/seed", seed)
        return {"imported": "fixture", **created}
    raise CliError(
        f"'{file}' is neither a sigctl snapshot (sigctlState) nor a fixture (sigctlFixture)."
    )


def _read(file: Path) -> dict[str, Any]:
    try:
        text = file.read_text()
    except OSError as exc:
        raise CliError(f"Cannot read '{file}': {exc.strerror}") from None
    if file.suffix.lower() == ".toml":
        import tomllib

        try:
            return tomllib.loads(text)
        except (tomllib.TOMLDecodeError, RecursionError) as exc:
            raise CliError(f"'{file}' is not valid TOML: {exc}") from None
    import json

    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise CliError(f"'{file}' is not valid JSON: {exc or 'it is nested too deeply'}") from None
    if not isinstance(data, dict):
        raise CliError(f"'{file}' must hold a JSON object.")
    return data
