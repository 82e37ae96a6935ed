"""The configuration keys the emulated service reads, declared in one place.

Importing this module registers them with `sigctl.config`, so `sigctl config set` validates
them and `sigctl config get` lists them with their defaults.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sigctl import config
from sigctl.config import ConfigError, KeySpec, non_negative_int
from sigctl.errors import ArmError
from sigctl.provider.clock import INSTANT

# Azure's documented limits; every one can be lowered or raised here so a
# script can be tested at the limit.
LIMITS = {
    "galleries": (100, "galleries per subscription per region"),
    "image_definitions": (1000, "image definitions per subscription per region"),
    "image_versions": (10000, "image versions per subscription per region"),
    "replicas": (100, "replicas of one image version in one region (the 2020 docs said 10)"),
    "disk_size_gb": (2048, "largest source disk of a Full-replication version, GB (formerly 1024)"),
    "shallow_disk_size_gb": (32768, "largest source disk of a Shallow-replication version, GB"),
    "share_subscriptions": (30, "subscriptions a gallery can be shared with directly"),
    "share_tenants": (5, "tenants a gallery can be shared with directly"),
    "vm_application_replicas": (3, "replicas of one VM application version in one region"),
}


def _speed(text: str) -> float | str:
    import math

    if text.strip().lower() == INSTANT:
        return INSTANT
    try:
        value = float(text)
    except ValueError:
        raise ConfigError(f"'{text}' is not a number or 'instant'") from None
    if not math.isfinite(value):  # nan would never compare, inf is 'instant' spelt wrongly
        raise ConfigError(f"'{text}' is not a finite number (or 'instant')")
    if value <= 0:
        raise ConfigError(f"'{text}' must be greater than 0 (or 'instant')")
    return value


def _at_least_one(text: str) -> int:
    value = non_negative_int(text)
    if value < 1:
        raise ConfigError(f"'{text}' must be 1 or more")
    return value


# A count limit of 0 forbids creating any; a replica or size limit of 0 would forbid everything.
_POSITIVE = {"replicas", "disk_size_gb", "shallow_disk_size_gb", "vm_application_replicas"}
for _name, (_default, _help) in LIMITS.items():
    _parser = _at_least_one if _name in _POSITIVE else non_negative_int
    config.register(f"limits.{_name}", KeySpec(_parser, _default, None, _help))
config.register(
    "limits.early_access_regions",
    KeySpec(
        config.parse_bool,
        True,
        None,
        "whether the early-access (EUAP) regions centraluseuap and eastus2euap may be used",
    ),
)
config.register(
    "replication.speed",
    KeySpec(_speed, 3600.0, None, "modelled replication seconds per real second, or 'instant'"),
)


def limits(settings: config.Config) -> dict[str, int]:
    """Every limit, each checked: one bad limit fails any command that reads a limit, not only
    the ones that happen to read that one (a bad limits.replicas is not hidden by a create
    without --replica-count)."""
    return {name: settings.value(f"limits.{name}") for name in LIMITS}


def limit(settings: config.Config, name: str) -> int:
    return limits(settings)[name]


def early_access(settings: config.Config) -> bool:
    """Whether the early-access regions are open (as to an enrolled subscription)."""
    return bool(settings.value("limits.early_access_regions"))


# -- the service's settings as /sigctl/config serves them ------------------------------------------


def entries(home: Path) -> list[dict[str, Any]]:
    """Every setting of the service's sections that has a value: name, source and value."""
    settings = config.load(home)
    keys = set(settings.stored_keys()) | set(config.KNOWN)
    out = []
    for key in sorted(k for k in keys if k.split(".", 1)[0] in config.SERVICE_SECTIONS):
        setting = settings.get(key)
        if setting.value is not None:
            out.append({"name": key, "source": setting.source, "value": setting.value})
    return out


def change(home: Path, changes: dict[str, Any]) -> None:
    """Set (a text value) or unset (null) settings of the service, all or none of them."""
    settings = config.load(home)
    for key, value in changes.items():
        try:
            if key.split(".", 1)[0] not in config.SERVICE_SECTIONS:
                raise ConfigError(
                    f"not a setting of the service (its sections: "
                    f"{', '.join(config.SERVICE_SECTIONS)})"
                )
            if value is None:
                settings.unset(key)
            elif isinstance(value, str):
                settings.set(key, value)
            else:
                raise ConfigError(f"{value!r} is not a text value")
        except ConfigError as exc:
            raise ArmError("InvalidConfiguration", f"{key}: {exc}", 400, key) from None
    settings.save()


# A namespace may hold its own values of the settings the service reads: limits and replication
# (its clock is its own, so is the speed it runs at). They win over the configuration.
NAMESPACE_SECTIONS = ("limits", "replication")


def namespace_settings(given: Any) -> dict[str, Any]:
    """Settings for a namespace's record, each checked by its key's parser; ArmError if not."""
    if not isinstance(given, dict):
        raise ArmError("InvalidRequestContent", "'settings' must be an object.", 400, "settings")
    checked: dict[str, Any] = {}
    for key, value in given.items():
        section = str(key).split(".", 1)[0]
        spec = config.KNOWN.get(key)
        if section not in NAMESPACE_SECTIONS or spec is None:
            keys = ", ".join(sorted(k for k in config.KNOWN if k.startswith(NAMESPACE_SECTIONS)))
            raise ArmError(
                "InvalidNamespaceSetting",
                f"'{key}' is not a setting a namespace holds; these are: {keys}.",
                400,
                f"settings.{key}",
            )
        try:
            checked[key] = spec.parse(config.as_text(value))
        except config.ConfigError as exc:
            raise ArmError(
                "InvalidNamespaceSetting", f"settings.{key}: {exc}.", 400, f"settings.{key}"
            ) from None
    return checked
