"""`sigctl config set|get|unset`: az's dotted keys, stored as TOML under SIGCTL_HOME."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli import context
from sigctl.cli.errors import CliError
from sigctl.cli.framework import CommandGroup

commands = CommandGroup("Manage sigctl configuration.")


def _config() -> Any:
    import sigctl.provider.settings  # noqa: F401 - registers the service's own keys

    return context.current().config


def _entry(setting: Any) -> dict[str, Any]:
    return {"name": setting.key.split(".", 1)[1], "source": setting.source, "value": setting.value}


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
    pairs: Annotated[
        list[str],
        typer.Argument(
            metavar="KEY=VALUE", help="Space-separated key=value pairs, e.g. defaults.group=MyRG."
        ),
    ],
) -> None:
    """Set one or more configuration values."""
    from sigctl.config import ConfigError

    config = _config()
    for pair in pairs:
        key, eq, value = pair.partition("=")
        if not eq or not key.strip():
            raise CliError(f"usage error: '{pair}' is not KEY=VALUE")
        try:
            config.set(key.strip(), value)
        except ConfigError as exc:
            raise CliError(f"{key}: {exc}") from None
    config.save()
    _speed_changed([pair.partition("=")[0].strip() for pair in pairs])


@commands.command(
    "get",
    examples=[
        ("Show every configured value and where it comes from.", "{prefix} get"),
        ("Show one value.", "{prefix} get defaults.group"),
        ("Show a section.", "{prefix} get core"),
    ],
)
def get(
    key: Annotated[
        str | None, typer.Argument(metavar="KEY", help="A section (core) or a key (core.output).")
    ] = None,
) -> Any:
    """Show configuration values, with the source of each (env, file or default)."""
    from sigctl import config as config_module

    config = _config()
    keys = sorted(set(config.stored_keys()) | set(config_module.KNOWN))
    if key is None:
        out: dict[str, list[dict[str, Any]]] = {}
        for name in keys:
            setting = config.get(name)
            if setting.value is not None:
                out.setdefault(name.split(".", 1)[0], []).append(_entry(setting))
        return out
    if "." not in key:
        entries = [_entry(config.get(k)) for k in keys if k.split(".", 1)[0] == key]
        entries = [e for e in entries if e["value"] is not None]
        if not entries:
            raise CliError(f"Configuration '{key}' is not set.")
        return entries
    setting = config.get(key)
    if setting.value is None:
        raise CliError(f"Configuration '{key}' is not set.")
    return _entry(setting)


@commands.command(
    "unset",
    examples=[("Forget the default resource group.", "{prefix} unset defaults.group")],
)
def unset(
    keys: Annotated[
        list[str], typer.Argument(metavar="KEY", help="Space-separated keys, e.g. defaults.group.")
    ],
) -> None:
    """Remove configuration values from the file (environment variables still apply)."""
    config = _config()
    for key in keys:
        config.unset(key)
    config.save()
    _speed_changed(keys)


def _speed_changed(keys: list[str]) -> None:
    """Running replications go on at the new speed from now, not retroactively."""
    if "replication.speed" in keys:
        context.current().client.emulator.sync_clock()
