"""`sigctl config set|get|unset`: az's dotted keys, stored as TOML under SIGCTL_HOME."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli.context import Invocation
from sigctl.cli.errors import CliError
from sigctl.cli.framework import CommandGroup

commands = CommandGroup("Manage sigctl configuration.")


def _config(inv: Invocation) -> Any:
    return inv.config


def _entry(name: str, source: str, value: Any) -> dict[str, Any]:
    return {"name": name.split(".", 1)[1], "source": source, "value": value}


def _service(key: str) -> bool:
    """Whether a key is the emulated service's (limits, replication): the cloud keeps those."""
    from sigctl.config import SERVICE_SECTIONS

    return key.split(".", 1)[0] in SERVICE_SECTIONS


def _change_service(inv: Invocation, changes: dict[str, str | None]) -> None:
    """Set or unset the service's keys where the service reads them (a served cloud's own)."""
    if changes:
        inv.client.call("PATCH", "/sigctl/config", changes)


@commands.command(
    "set",
    examples=[
        (
            "Set the default resource group and output format.",
            "{prefix} set defaults.group=MyResourceGroup core.output=table",
        ),
        (
            "Let at most two galleries exist per region, to test a script at the limit.",
            "{prefix} set limits.galleries=2",
        ),
    ],
)
def set_(
    inv: Invocation,
    pairs: Annotated[
        list[str],
        typer.Argument(
            metavar="KEY=VALUE", help="Space-separated key=value pairs, e.g. defaults.group=MyRG."
        ),
    ],
) -> None:
    """Set one or more configuration values."""
    from sigctl.config import ConfigError

    config = _config(inv)
    local: dict[str, str] = {}
    service: dict[str, str | None] = {}
    for pair in pairs:
        key, eq, value = pair.partition("=")
        if not eq or not key.strip():
            raise CliError(f"usage error: '{pair}' is not KEY=VALUE")
        if _service(key.strip()):
            service[key.strip()] = value
            continue
        try:
            config.set(key.strip(), value)  # checked before anything is saved
        except ConfigError as exc:
            raise CliError(f"{key}: {exc}") from None
        local[key.strip()] = value
    _change_service(inv, service)
    if local:
        _save(inv, lambda fresh: [fresh.set(k, v) for k, v in local.items()])


@commands.command(
    "get",
    examples=[
        ("Show every configured value and where it comes from.", "{prefix} get"),
        ("Show one value.", "{prefix} get defaults.group"),
        ("Show a section.", "{prefix} get core"),
    ],
)
def get(
    inv: Invocation,
    key: Annotated[
        str | None, typer.Argument(metavar="KEY", help="A section (core) or a key (core.output).")
    ] = None,
) -> Any:
    """Show configuration values, with the source of each (env, file or default)."""
    from sigctl import config as config_module

    config = _config(inv)
    if key is not None and "." in key and not _service(key):
        setting = config.get(key)
        if setting.value is None:
            raise CliError(f"Configuration '{key}' is not set.")
        return _entry(key, setting.source, setting.value)
    keys = sorted(
        k for k in set(config.stored_keys()) | set(config_module.KNOWN) if not _service(k)
    )
    settings = {k: config.get(k) for k in keys if key is None or k.split(".", 1)[0] == key}
    found = [(k, s.source, s.value) for k, s in settings.items() if s.value is not None]
    if key is None or _service(key):
        served = inv.client.call("GET", "/sigctl/config")["value"]
        found += [(e["name"], e["source"], e["value"]) for e in served]
    found.sort(key=lambda entry: entry[0])
    if key is None:
        out: dict[str, list[dict[str, Any]]] = {}
        for name, source, value in found:
            out.setdefault(name.split(".", 1)[0], []).append(_entry(name, source, value))
        return out
    entries = [_entry(*e) for e in found if e[0] == key or e[0].split(".", 1)[0] == key]
    if not entries:
        raise CliError(f"Configuration '{key}' is not set.")
    return entries[0] if "." in key else entries


@commands.command(
    "unset",
    examples=[("Forget the default resource group.", "{prefix} unset defaults.group")],
)
def unset(
    inv: Invocation,
    keys: Annotated[
        list[str], typer.Argument(metavar="KEY", help="Space-separated keys, e.g. defaults.group.")
    ],
) -> None:
    """Remove configuration values from the file (environment variables still apply)."""
    _change_service(inv, {key: None for key in keys if _service(key)})
    local = [key for key in keys if not _service(key)]
    if local:
        _save(inv, lambda fresh: [fresh.unset(key) for key in local])


def _save(inv: Invocation, change: Any) -> None:
    """Apply `change` to the configuration as it is now on disk (the service may just have
    written its own keys there), and save it."""
    from sigctl import config

    fresh = config.load(inv.home)
    change(fresh)
    fresh.save()
