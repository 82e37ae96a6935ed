"""Options shared by many commands, and az's value parsers with az's error texts.

Parsers raise `typer.BadParameter` with the exact az message; the dispatcher prints it as an
argparse-level usage error (exit 2, with the command's examples).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

from sigctl.cli.argv import ALLOWED_VALUES, NO_VALUES, OPTIONAL_VALUE


class BoolValue:
    """Annotation for a bool given as a value (`--x true`); Typer would turn `bool` into a flag."""


def _optional_value(parser: Callable[[str], Any]) -> Callable[[str], Any]:
    setattr(parser, OPTIONAL_VALUE, True)
    return parser


def _allowing(parser: Callable[[str], Any], allowed: tuple[str, ...]) -> Callable[[str], Any]:
    """Record the values a parser accepts, for help to list them."""
    setattr(parser, ALLOWED_VALUES, allowed)
    return parser


class NotAllowed(typer.BadParameter):
    """A value outside an option's choices. az starts this message with the command's prog,
    which the dispatcher adds (a parser does not know which command it serves)."""

    names_the_command = True


def choice(option: str, *allowed: str) -> Callable[[str], str]:
    """Case-insensitive choice; the canonical spelling is what is sent (as az does)."""

    def parse(value: str) -> str:
        for candidate in allowed:
            if candidate.lower() == value.lower():
                return candidate
        raise NotAllowed(
            f"'{value}' is not a valid value for '{option}'. Allowed values: {', '.join(allowed)}."
        )

    return _allowing(parse, allowed)


def integer(option: str) -> Callable[[str], int]:
    def parse(value: str) -> int:
        try:
            return int(value)
        except ValueError:
            raise typer.BadParameter(f"argument {option}: invalid int value: '{value}'") from None

    return parse


def three_state(option: str) -> Callable[[str], bool]:
    """az's custom three-state flag: bare = true, or true/false in any case."""

    def parse(value: str) -> bool:
        if value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise typer.BadParameter(
            f"'{value}' is not a valid value for '{option}'. Allowed values: true, false."
        )

    return _allowing(_optional_value(parse), ("true", "false"))


AAZ_TRUE = ("1", "t", "true", "y", "yes")
AAZ_FALSE = ("0", "f", "false", "n", "no")


def aaz_bool(option: str) -> Callable[[str], bool]:
    """az's generated-command bool: bare = true, or one of 0 1 f false n no t true y yes."""

    def parse(value: str) -> bool:
        lowered = value.lower()
        if lowered in AAZ_TRUE:
            return True
        if lowered in AAZ_FALSE:
            return False
        allowed = ", ".join(sorted(AAZ_TRUE + AAZ_FALSE))
        raise typer.BadParameter(
            f"'{value}' is not a valid value for '{option}'. Allowed values: {allowed}."
        )

    return _allowing(_optional_value(parse), AAZ_TRUE + AAZ_FALSE)


def choice_option(
    *flags: str, allowed: tuple[str, ...], help: str, default: str | None = None, **extra: Any
) -> Any:
    """An option taking one of `allowed` (any case); help lists them, and `default` (the value
    az's parser holds when the option is omitted) as az does."""
    return typer.Option(
        *flags,
        parser=choice(flags[0], *allowed),
        help=help,
        show_default=default if default is not None else False,
        **extra,
    )


def aaz_bool_option(*flags: str, help: str, **extra: Any) -> Any:
    """An option with az's generated-command bool value (bare, or 0 1 f false n no t true y yes)."""
    return typer.Option(*flags, parser=aaz_bool(flags[0]), help=help, **extra)


def values(given: list[str] | None) -> list[str] | None:
    """A list option's values: None when omitted, [] when given bare."""
    if given is None:
        return None
    return [v for v in given if v != NO_VALUES]


# -- resource addressing -----------------------------------------------------------------------

# az's help group for the arguments --ids stands for, on commands that take --ids. The options
# of that group are named `...OrIds`: optional, since an --ids entry may stand for them.
RESOURCE_ID_GROUP = "Resource Id Arguments"

_GROUP_HELP = (
    "Name of resource group. You can configure the default group using "
    "`sigctl config set defaults.group=<name>`."
)

ResourceGroup = Annotated[
    str, typer.Option("--resource-group", "-g", metavar="NAME", help=_GROUP_HELP)
]
ResourceGroupOrIds = Annotated[
    str | None,
    typer.Option(
        "--resource-group",
        "-g",
        metavar="NAME",
        help=_GROUP_HELP,
        rich_help_panel=RESOURCE_ID_GROUP,
    ),
]
ListGroup = Annotated[
    str | None,
    typer.Option(
        "--resource-group",
        "-g",
        metavar="NAME",
        help="Name of resource group. Omit it to list the whole subscription.",
    ),
]
GalleryName = Annotated[
    str, typer.Option("--gallery-name", "-r", metavar="NAME", help="Gallery name.")
]
GalleryNameOrIds = Annotated[
    str | None,
    typer.Option(
        "--gallery-name",
        "-r",
        metavar="NAME",
        help="Gallery name.",
        rich_help_panel=RESOURCE_ID_GROUP,
    ),
]


def location_option(group: str | None = None) -> Any:
    """-l/--location; `group` is the help group az shows it in, where it has one."""
    return typer.Option(
        "--location",
        "-l",
        metavar="LOCATION",
        help="Location. Values from `sigctl account list-locations`. You can configure the "
        "default location using `sigctl config set defaults.location=<location>`.",
        rich_help_panel=group,
    )


Location = Annotated[str | None, location_option()]
Ids = Annotated[
    list[str] | None,
    typer.Option(
        "--ids",
        metavar="ID",
        rich_help_panel=RESOURCE_ID_GROUP,
        help="One or more resource IDs (space-delimited). If provided, no other 'Resource Id' "
        "arguments should be specified.",
    ),
]


VersionName = Annotated[
    str,
    typer.Option(
        "--gallery-image-version",
        "--gallery-image-version-name",
        "-e",
        metavar="VERSION",
        help="Gallery image version in semantic version pattern. The allowed characters are digit "
        "and period. Digits must be within the range of a 32-bit integer, e.g. <MajorVersion>.<MinorVersion>.<Patch>.",
    ),
]
VersionNameOrIds = Annotated[
    str | None,
    typer.Option(
        "--gallery-image-version",
        "--gallery-image-version-name",
        "-e",
        metavar="VERSION",
        help="Gallery image version.",
        rich_help_panel=RESOURCE_ID_GROUP,
    ),
]
# az's custom version commands (create, update, undelete) have no --gallery-image-version-name.
VersionNameOnly = Annotated[
    str,
    typer.Option(
        "--gallery-image-version",
        "-e",
        metavar="VERSION",
        help="Gallery image version in semantic version pattern. The allowed characters are digit "
        "and period. Digits must be within the range of a 32-bit integer, e.g. <MajorVersion>.<MinorVersion>.<Patch>.",
    ),
]


# -- common switches ---------------------------------------------------------------------------

AazNoWait = Annotated[
    BoolValue | None,
    aaz_bool_option(
        "--no-wait",
        help="Do not wait for the long-running operation to finish.",
    ),
]
StoreTrueNoWait = Annotated[
    bool, typer.Option("--no-wait", help="Do not wait for the long-running operation to finish.")
]


def aaz_tags_option(group: str | None = None) -> Any:
    """Tags on az's generated commands (`key=value` items); `group` is the help group az shows
    them in (the gallery commands' "Gallery Arguments"), none for most commands."""
    return typer.Option(
        "--tags",
        metavar="KEY=VALUE",
        help="Space-separated tags: key=value [key=value ...]; every tag needs a non-empty value.",
        rich_help_panel=group,
    )


AazTags = Annotated[list[str] | None, aaz_tags_option()]
CustomTags = Annotated[
    list[str] | None,
    typer.Option(
        "--tags",
        metavar="KEY[=VALUE]",
        help='Space-separated tags: key[=value] [key[=value] ...]. Use "" to clear existing tags.',
    ),
]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not prompt for confirmation.")]


# -- generic update (az's --set/--add/--remove) ------------------------------------------------

SetArg = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="KEY=VALUE",
        help="Update an object by specifying a property path and value to set. "
        "Example: --set property1.property2=<value>.",
    ),
]
AddArg = Annotated[
    list[str] | None,
    typer.Option(
        "--add",
        metavar="LIST KEY=VALUE",
        help="Add an object to a list of objects by specifying a path and key value pairs. "
        "Example: --add property.listProperty <key=value, string or JSON string>.",
    ),
]
RemoveArg = Annotated[
    list[str] | None,
    typer.Option(
        "--remove",
        metavar="LIST INDEX",
        help="Remove a property or an element from a list. "
        "Example: --remove property.list <indexToRemove> OR --remove propertyToRemove.",
    ),
]
_FORCE_STRING_HELP = (
    "When using 'set' or 'add', preserve string literals instead of attempting to convert to JSON."
)
ForceString = Annotated[
    BoolValue | None, aaz_bool_option("--force-string", help=_FORCE_STRING_HELP)
]
# az's hand-written generic updates (image-version update) take it as a plain flag.
ForceStringFlag = Annotated[bool, typer.Option("--force-string", help=_FORCE_STRING_HELP)]


# -- wait --------------------------------------------------------------------------------------

WAIT_GROUP = "Wait Condition Arguments"
Created = Annotated[
    bool,
    typer.Option(
        "--created",
        help="Wait until created with 'provisioningState' at 'Succeeded'.",
        rich_help_panel=WAIT_GROUP,
    ),
]
Updated = Annotated[
    bool,
    typer.Option(
        "--updated",
        help="Wait until updated with provisioningState at 'Succeeded'.",
        rich_help_panel=WAIT_GROUP,
    ),
]
Deleted = Annotated[
    bool, typer.Option("--deleted", help="Wait until deleted.", rich_help_panel=WAIT_GROUP)
]
Exists = Annotated[
    bool,
    typer.Option("--exists", help="Wait until the resource exists.", rich_help_panel=WAIT_GROUP),
]
Custom = Annotated[
    str | None,
    typer.Option(
        "--custom",
        metavar="JMESPATH",
        help="Wait until the condition satisfies a custom JMESPath query. "
        "E.g. provisioningState!='InProgress', instanceView.statuses[?code=='PowerState/running'].",
        rich_help_panel=WAIT_GROUP,
    ),
]
Interval = Annotated[
    int,
    typer.Option(
        "--interval",
        parser=integer("--interval"),
        metavar="SECONDS",
        help="Polling interval in seconds (modelled seconds: see docs/replication.md).",
        rich_help_panel=WAIT_GROUP,
    ),
]
Timeout = Annotated[
    int,
    typer.Option(
        "--timeout",
        parser=integer("--timeout"),
        metavar="SECONDS",
        help="Maximum wait in seconds.",
        rich_help_panel=WAIT_GROUP,
    ),
]


# -- image definitions and versions ------------------------------------------------------------

_DEFINITION_HELP = "Gallery image definition."
ImageDefinitionCreate = Annotated[
    str, typer.Option("--gallery-image-definition", "-i", metavar="NAME", help=_DEFINITION_HELP)
]
ImageDefinition = Annotated[
    str,
    typer.Option(
        "--gallery-image-definition",
        "--gallery-image-name",
        "-i",
        metavar="NAME",
        help=_DEFINITION_HELP,
    ),
]
ImageDefinitionOrIds = Annotated[
    str | None,
    typer.Option(
        "--gallery-image-definition",
        "--gallery-image-name",
        "-i",
        metavar="NAME",
        help=_DEFINITION_HELP,
        rich_help_panel=RESOURCE_ID_GROUP,
    ),
]
# Some of az's commands name the definition without the --gallery-image-name spelling.
ImageDefinitionOnlyOrIds = Annotated[
    str | None,
    typer.Option(
        "--gallery-image-definition",
        "-i",
        metavar="NAME",
        help=_DEFINITION_HELP,
        rich_help_panel=RESOURCE_ID_GROUP,
    ),
]
AllowUpdateImage = Annotated[
    BoolValue | None,
    aaz_bool_option(
        "--allow-update-image",
        help="Must be set to true if the gallery image features are being updated.",
        rich_help_panel="Properties Arguments",
    ),
]


# -- az's "Global Policy Arguments" on generated create/update/delete commands -------------------

AcquirePolicyToken = Annotated[
    bool,
    typer.Option(
        "--acquire-policy-token",
        help="Acquiring an Azure Policy token automatically for this resource operation. "
        "Accepted as az accepts it; the emulator has no Azure Policy.",
        rich_help_panel="Global Policy Arguments",
    ),
]
ChangeReference = Annotated[
    str | None,
    typer.Option(
        "--change-reference",
        help="The related change reference ID for this resource operation. Accepted and ignored.",
        rich_help_panel="Global Policy Arguments",
    ),
]


def disk_size(text: str, option: str) -> dict[str, int]:
    """A disk given as SIZE[:USED] in GB (`127:10`): provisioned and occupied size."""
    size, _, used = text.partition(":")
    try:
        disk = {"sizeGB": int(size)}
        if used:
            disk["usedGB"] = int(used)
    except ValueError:
        raise typer.BadParameter(
            f"usage error: {option} {text}: use SIZE[:USED] in GB, e.g. 127:10"
        ) from None
    return disk
