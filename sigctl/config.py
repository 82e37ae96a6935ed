"""Configuration: az-style dotted keys in `<home>/config.toml`, with environment overrides.

Precedence, highest first: `SIGCTL_<SECTION>_<KEY>`, then az's own variable for the keys az
knows (`AZURE_DEFAULTS_GROUP`, ...) so az scripts run unchanged, then the file, then the built-in
default. Both the emulated client (defaults, output) and the emulated service (limits, replication
speed) read it, so it lives outside both.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sigctl.home import home_dir
from sigctl.record import FrozenRecord

CONFIG_FILE = "config.toml"

OUTPUT_FORMATS = ("json", "jsonc", "yaml", "yamlc", "table", "tsv", "none")
_TRUE = {"1", "t", "true", "y", "yes", "on"}
_FALSE = {"0", "f", "false", "n", "no", "off"}


class ConfigError(ValueError):
    """A value that does not fit its key; the message is shown to the user as is."""


def parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigError(f"'{text}' is not a boolean; use true or false")


def _choice(*allowed: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text.lower() not in allowed:
            raise ConfigError(f"'{text}' is not one of: {', '.join(allowed)}")
        return text.lower()

    return parse


def positive_number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ConfigError(f"'{text}' is not a number") from None
    if value <= 0:
        raise ConfigError(f"'{text}' must be greater than 0")
    return value


def non_negative_int(text: str) -> int:
    import re

    # ASCII digits only: int() would also take "1_000" and other scripts' digits.
    if not re.fullmatch(r"\s*[+-]?[0-9]+\s*", text):
        raise ConfigError(f"'{text}' is not a whole number")
    value = int(text)
    if value < 0:
        raise ConfigError(f"'{text}' must not be negative")
    return value


def _database_url(text: str) -> str | None:
    """A PostgreSQL URL; empty means none. Never echoed: it may hold a password."""
    if not text.strip():
        return None
    if not text.strip().lower().startswith(("postgresql://", "postgres://")):
        raise ConfigError("not a PostgreSQL URL; use postgresql://USER:PASSWORD@HOST:PORT/DATABASE")
    return text.strip()


def _namespace(text: str) -> str | None:
    from sigctl.store.base import NAME_RULE, valid_name

    if not text.strip():
        return None
    if not valid_name(text.strip().lower()):
        raise ConfigError(f"'{text}' is not a namespace name: use {NAME_RULE}")
    return text.strip().lower()


class KeySpec(FrozenRecord):
    _fields = ("parse", "default", "azure_env", "help")

    def __init__(
        self,
        parse: Callable[[str], Any],
        default: Any = None,
        azure_env: str | None = None,
        help: str = "",
    ) -> None:
        self.parse, self.default, self.azure_env, self.help = parse, default, azure_env, help


KNOWN: dict[str, KeySpec] = {
    "defaults.group": KeySpec(
        str, None, "AZURE_DEFAULTS_GROUP", "resource group used when -g is omitted"
    ),
    "defaults.location": KeySpec(
        str, None, "AZURE_DEFAULTS_LOCATION", "location used when -l is omitted"
    ),
    "core.output": KeySpec(
        _choice(*OUTPUT_FORMATS), "json", "AZURE_CORE_OUTPUT", "default -o format"
    ),
    "core.only_show_errors": KeySpec(
        parse_bool, False, "AZURE_CORE_ONLY_SHOW_ERRORS", "hide warnings"
    ),
    "core.no_color": KeySpec(parse_bool, False, "AZURE_CORE_NO_COLOR", "never colour output"),
    # Remote mode (docs/serve.md): a served cloud to send every request to, and the CA to trust.
    "core.endpoint": KeySpec(
        str, None, "SIGCTL_ENDPOINT", "https:// address of a served cloud (else in-process)"
    ),
    "core.ca_bundle": KeySpec(
        str, None, "SIGCTL_CA_BUNDLE", "CA certificate(s) to trust for core.endpoint"
    ),
    # sigctl's own keys with short variables of their own (the third field: an alternative name)
    "core.database_url": KeySpec(
        _database_url,
        None,
        "SIGCTL_DATABASE_URL",
        "PostgreSQL URL holding the state (unset: the files in SIGCTL_HOME)",
    ),
    "core.namespace": KeySpec(
        _namespace,
        None,
        "SIGCTL_NAMESPACE",
        "the namespace (isolated cloud) commands use (unset: default)",
    ),
}

# The sections the emulated service reads (sigctl.provider.settings registers their keys); a
# client of a served cloud changes them there, through /sigctl/config.
SERVICE_SECTIONS = ("limits", "replication")

# Families of keys whose names are open-ended (e.g. limits.galleries); the value parser per family.
FAMILIES: dict[str, KeySpec] = {}
# Sections that are sigctl's own (limits, replication): every key in them is registered, so an
# unknown one is a typo. az's sections (core, defaults) stay open, as `az config set` keeps any key.
CLOSED: set[str] = set()


def register(key: str, spec: KeySpec) -> None:
    """Let a service module declare the keys it reads (limits, replication, ...)."""
    KNOWN[key] = spec
    CLOSED.add(key.split(".", 1)[0])


def check_known(key: str) -> None:
    """Refuse an unknown key in one of sigctl's own sections, listing the keys it has."""
    section = key.split(".", 1)[0]
    if section in CLOSED and key not in KNOWN:
        known = ", ".join(sorted(k for k in KNOWN if k.startswith(section + ".")))
        raise ConfigError(f"unknown key; the {section} keys are: {known}")


def as_text(value: Any) -> str:
    """A TOML value as the text a variable would hold, so one parser checks both strictly
    (`true` is not a whole number, `2.7` is not truncated to 2)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise ConfigError(f"{value!r} is not a single value")


def spec_for(key: str) -> KeySpec | None:
    if key in KNOWN:
        return KNOWN[key]
    return FAMILIES.get(key.split(".", 1)[0]) if "." in key else None


def env_name(key: str) -> str:
    return "SIGCTL_" + key.replace(".", "_").upper()


def _check_variables(section: str) -> None:
    """A misspelt SIGCTL_LIMITS_... variable is refused, as a misspelt key in the file is."""
    if section not in CLOSED:
        return
    prefix = env_name(section) + "_"
    for variable in os.environ:
        if variable.upper().startswith(prefix):
            key = f"{section}.{variable[len(prefix) :].lower()}"
            try:
                check_known(key)
                if variable != env_name(key):  # the names are case-sensitive: it would not apply
                    raise ConfigError(f"did you mean {env_name(key)}?")
            except ConfigError as exc:
                raise ConfigError(f"environment variable {variable}: {exc}") from None


class Setting(FrozenRecord):
    _fields = ("key", "value", "source")

    def __init__(self, key: str, value: Any, source: str) -> None:
        self.key, self.value, self.source = key, value, source


class Config:
    def __init__(self, path: Path, data: dict[str, dict[str, Any]]) -> None:
        self.path = path
        self.data = data
        # Settings stored with a namespace (already checked): they win over everything else.
        self.overrides: dict[str, Any] = {}
        self.overrides_source = ""
        # What get() found, per key: a configuration is read for one command or request, and
        # a big one (a fixture's thousands of creates) reads every limit thousands of times.
        self._found: dict[str, Setting] = {}

    def overlaid(self, overrides: dict[str, Any], source: str) -> Config:
        """The same configuration with a namespace's own settings on top."""
        if not overrides:
            return self
        layered = Config(self.path, self.data)
        layered.overrides, layered.overrides_source = overrides, source
        return layered

    # -- reading ---------------------------------------------------------------------------

    def get(self, key: str) -> Setting:
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = self._get(key)
        return found

    def _get(self, key: str) -> Setting:
        if key in self.overrides:
            return Setting(key, self.overrides[key], self.overrides_source)
        _check_variables(key.split(".", 1)[0])
        spec = spec_for(key)
        parse = spec.parse if spec else str
        env = os.environ.get(env_name(key))
        if env is not None and env != "":
            return Setting(key, self._parse_env(parse, env, env_name(key)), f"env {env_name(key)}")
        if spec and spec.azure_env:
            az_env = os.environ.get(spec.azure_env)
            if az_env:
                return Setting(
                    key, self._parse_env(parse, az_env, spec.azure_env), f"env {spec.azure_env}"
                )
        section, _, option = key.partition(".")
        stored = self.data.get(section, {})
        for name in stored if section in CLOSED else ():  # a misspelt key is not ignored
            self._from_file(f"{section}.{name}", check_known)
        if option not in stored:
            return Setting(key, spec.default if spec else None, "default")
        raw = stored[option]
        value = self._from_file(key, lambda _: spec.parse(as_text(raw))) if spec else raw
        return Setting(key, value, str(self.path))

    def value(self, key: str) -> Any:
        return self.get(key).value

    def stored_keys(self) -> list[str]:
        return sorted(f"{s}.{o}" for s, opts in self.data.items() for o in opts)

    @staticmethod
    def _parse_env(parse: Callable[[str], Any], text: str, variable: str) -> Any:
        try:
            return parse(text)
        except ConfigError as exc:
            raise ConfigError(f"environment variable {variable}: {exc}") from None

    def _from_file(self, key: str, check: Callable[[str], Any]) -> Any:
        """check(key), its ConfigError naming the file and the key."""
        try:
            return check(key)
        except ConfigError as exc:
            raise ConfigError(f"config file '{self.path}', key {key}: {exc}") from None

    # -- writing ---------------------------------------------------------------------------

    def set(self, key: str, text: str) -> Any:
        section, dot, option = key.partition(".")
        if not dot or not section or not option or "." in option:
            raise ConfigError(
                f"'{key}' is not a key; keys look like section.name, e.g. defaults.group"
            )
        check_known(key)
        spec = spec_for(key)
        value = spec.parse(text) if spec else text
        self.data.setdefault(section, {})[option] = value
        self._found.clear()
        return value

    def unset(self, key: str) -> bool:
        self._found.clear()
        section, _, option = key.partition(".")
        if option in self.data.get(section, {}):
            del self.data[section][option]
            if not self.data[section]:
                del self.data[section]
            return True
        return False

    def save(self) -> None:
        import tomli_w

        from sigctl.home import ensure_private_dir
        from sigctl.store.files import write_atomically

        ensure_private_dir(self.path.parent)
        write_atomically(self.path, tomli_w.dumps(self.data).encode())


def load(home: Path | None = None) -> Config:
    path = (home or home_dir()) / CONFIG_FILE
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config(path, {})
    except OSError as exc:  # e.g. SIGCTL_HOME names a file
        raise ConfigError(f"the config file '{path}' cannot be read: {exc.strerror}") from None
    import tomllib

    try:
        data = tomllib.loads(raw.decode())
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as exc:
        raise ConfigError(
            f"the config file '{path}' is not valid TOML ({exc}); it was left untouched"
        ) from None
    sections = {k: v for k, v in data.items() if isinstance(v, dict)}
    return Config(path, sections)
