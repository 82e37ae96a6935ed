"""Results as az prints them: resourceGroup injection, --query, then json/table/tsv/yaml/none.

These are az's (knack's) rules: JSON sorted with 2-space indent; the automatic table takes the
scalar top-level keys (sorted unless a query chose them) minus id/type/etag; TSV writes dict
values in key order (an OrderedDict's in its own order), lists as their length; a null result
prints nothing.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

from sigctl.cli.errors import CliError, usage_error

TABLE_SKIP = ("id", "type", "etag")


# -- the global result transform ---------------------------------------------------------------


def add_resource_group(obj: Any) -> None:
    """Add `resourceGroup` (parsed from `id`) to every dict holding a nested-resource id."""
    if isinstance(obj, list):
        for item in obj:
            add_resource_group(item)
    elif isinstance(obj, dict):
        resource_id = obj.get("id")
        if "resourceGroup" not in obj and isinstance(resource_id, str) and resource_id:
            parts = resource_id.split("/")
            if len(parts) > 8 and parts[3].lower() == "resourcegroups":
                obj["resourceGroup"] = parts[4]
        for key, value in list(obj.items()):
            if key != "sourceVault":
                add_resource_group(value)


def flatten(body: dict[str, Any]) -> dict[str, Any]:
    """Lift ARM `properties` to the top level, as az's generated commands print resources."""
    out = {k: v for k, v in body.items() if k != "properties"}
    out.update(body.get("properties") or {})
    return out


def prune(value: Any, schema: dict[str, Any] | None) -> Any:
    """Keep only what a generated command's schema knows ({"key": sub-schema or None for any}).

    az reads a response through the command's own schema, so a field the service returns but
    the schema lacks is never printed; a list is read element by element.
    """
    if schema is None:
        return value
    if isinstance(value, list):
        return [prune(item, schema) for item in value]
    if isinstance(value, dict):
        return {k: prune(v, schema[k]) for k, v in value.items() if k in schema}
    return value


# -- --query -----------------------------------------------------------------------------------


def compile_query(expression: str, option: str = "--query") -> Any:
    """A JMESPath expression (`--query`, `wait --custom`), or az's refusal of it. An expression
    nested too deeply for the parser is refused the same way."""
    import jmespath
    from jmespath.exceptions import JMESPathError

    try:
        return jmespath.compile(expression)
    except (JMESPathError, RecursionError):
        error = usage_error(f"argument {option}: invalid jmespath_type value: '{expression}'")
        if option == "--query":
            error.recommendations.append(
                "To learn more about --query, please visit: "
                "'https://learn.microsoft.com/cli/azure/query-azure-cli'"
            )
            error.usage = False
        raise error from None


def apply_query(compiled: Any, result: Any) -> Any:
    import jmespath
    from jmespath.exceptions import JMESPathError

    try:
        return compiled.search(result, jmespath.Options(dict_cls=dict))
    except (JMESPathError, RecursionError) as exc:
        reason = exc if isinstance(exc, JMESPathError) else "it is nested too deeply"
        raise CliError(f"Invalid jmespath query supplied for `--query`: {reason}") from None


# -- formats -----------------------------------------------------------------------------------


def format_json(result: Any) -> str:
    return (
        json.dumps(result, ensure_ascii=False, indent=2, sort_keys=True, separators=(",", ": "))
        + "\n"
    )


def _colour_console() -> Any:
    # The caller's `colour` already weighs the terminal, NO_COLOR and core.no_color, so rich must
    # not decide again (nor fall back to no colour on TERM=dumb).
    from rich.console import Console

    return Console(
        file=None, force_terminal=True, no_color=False, color_system="standard", width=10_000
    )


def format_jsonc(result: Any, colour: bool) -> str:
    if not colour:
        return format_json(result)
    from rich.json import JSON

    console = _colour_console()
    with console.capture() as capture:
        console.print(JSON(format_json(result), indent=2, sort_keys=True))
    return capture.get()


def format_yaml(result: Any) -> str:
    import yaml

    return yaml.safe_dump(
        json.loads(json.dumps(result)), default_flow_style=False, allow_unicode=True
    )


def format_yamlc(result: Any, colour: bool) -> str:
    text = format_yaml(result)
    if not colour:
        return text
    from rich.syntax import Syntax

    console = _colour_console()
    with console.capture() as capture:
        console.print(Syntax(text.rstrip("\n"), "yaml", background_color="default"), end="")
    return capture.get()


def _table_row(item: Any, sort_keys: bool) -> dict[str, Any]:
    row: dict[str, Any] = {}
    if isinstance(item, dict):
        keys = sorted(item) if sort_keys else list(item)
        for key in keys:
            value = item[key]
            if key in TABLE_SKIP or value is None or isinstance(value, (list, dict, set)):
                continue
            row[key[:1].upper() + key[1:]] = value
    elif isinstance(item, list):
        for column, value in enumerate(item):
            row[f"Column{column + 1}"] = value
    else:
        row["Result"] = item
    return row


def _import_tabulate() -> Any:
    """tabulate's module, imported without what it does at import that `-o table` rarely needs
    and that takes longer than everything else it does:

    - the lookup of its own installed version: importing `importlib.metadata` and searching the
      installed packages. sigctl never reads that version, so the lookup is answered "not found"
      (tabulate's own fallback);
    - importing wcwidth, its optional support for wide characters (some 20 modules). A table
      whose text is printable ASCII measures the same with it and without it; `_wide_characters`
      hands it over before any other table is made;
    - importing `html` (with its table of 2,000 entities) for the escaping of its HTML formats:
      it gets an `escape` that imports `html` when first called.

    Stand-ins answer these imports only while tabulate is imported; the real modules are left
    untouched.
    """
    if "tabulate" in sys.modules or "importlib.metadata" in sys.modules:
        import tabulate

        return tabulate
    import types

    class NotLookedUp(Exception):
        pass

    def version(name: str) -> str:
        raise NotLookedUp(name)

    def escape(text: str, quote: bool = True) -> str:
        import html

        return html.escape(text, quote)

    metadata = types.ModuleType("importlib.metadata")
    metadata.__dict__.update(version=version, PackageNotFoundError=NotLookedUp)
    html = types.ModuleType("html")
    html.__dict__.update(escape=escape)
    stand_ins: dict[str, Any] = {"importlib.metadata": metadata, "wcwidth": None, "html": html}
    stand_ins = {name: module for name, module in stand_ins.items() if name not in sys.modules}
    sys.modules.update(stand_ins)  # a None entry makes importing that module fail
    try:
        import tabulate
    finally:
        for name in stand_ins:
            del sys.modules[name]
    return tabulate


def _wide_characters(tabulate: Any) -> None:
    """Give tabulate the wide-character support its import was spared (if installed), as if it
    had been imported with it."""
    if tabulate.wcwidth is not None:
        return
    try:
        import wcwidth
    except ImportError:
        return
    tabulate.wcwidth, tabulate.WIDE_CHARS_MODE = wcwidth, True


def _plain(rows: list[dict[str, Any]]) -> bool:
    """Whether every header and cell, as tabulate prints it, is printable ASCII: one column a
    character, whether or not wide characters are measured."""
    return all(
        text.isascii() and text.isprintable()
        for row in rows
        for key, value in row.items()
        for text in (str(key), str(value))
    )


def format_table(result: Any, sort_keys: bool) -> str:
    tabulate = _import_tabulate()
    rows = [
        _table_row(item, sort_keys) for item in (result if isinstance(result, list) else [result])
    ]
    if not _plain(rows):
        _wide_characters(tabulate)
    text = (
        tabulate.tabulate(rows, headers="keys", tablefmt="simple", disable_numparse=True)
        if rows
        else ""
    )
    if text == "\n":
        raise CliError(
            "Table output unavailable. Use the --query option to specify an appropriate query. "
            "Use --debug for more info."
        )
    return text + "\n"


def _tsv_value(value: Any) -> str:
    if isinstance(value, list):
        return str(len(value))
    if isinstance(value, dict) or value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def format_tsv(result: Any, sort_keys: bool) -> str:
    """knack's TSV: one line per item; a dict's values by key, except an OrderedDict's, which
    keep their order (sigctl's own commands declare their columns that way)."""
    from collections import OrderedDict

    rows = result if isinstance(result, list) else [result]
    lines: list[str] = []
    for row in rows:
        if isinstance(row, dict):
            ordered = not sort_keys or isinstance(row, OrderedDict)
            items = list(row.items()) if ordered else sorted(row.items())
            lines.append("\t".join(_tsv_value(v) for _, v in items))
        elif isinstance(row, list):
            lines.append("\t".join(_tsv_value(v) for v in row))
        elif isinstance(row, bool):
            lines.append(str(row).lower())
        else:
            lines.append(_tsv_value(row))
    return "".join(line + "\n" for line in lines)


def render(
    result: Any,
    fmt: str,
    *,
    query: Any = None,
    table: Callable[[Any], Any] | None = None,
    colour: bool = False,
) -> str:
    """The text az prints on stdout for `result` (already flattened by the command)."""
    add_resource_group(result)
    query_active = query is not None
    if query_active:
        result = apply_query(query, result)
    if result is None or fmt == "none":
        return ""
    if fmt == "json":
        return format_json(result)
    if fmt == "jsonc":
        return format_jsonc(result, colour)
    if fmt == "yaml":
        return format_yaml(result)
    if fmt == "yamlc":
        return format_yamlc(result, colour)
    if fmt == "table":
        if table is not None and not query_active:
            result = table(result)
        return format_table(result, sort_keys=not query_active and table is None)
    if fmt == "tsv":
        return format_tsv(result, sort_keys=not query_active)
    raise CliError(f"unknown output format '{fmt}'")


def emit(text: str) -> None:
    if text:
        sys.stdout.write(text)
        sys.stdout.flush()
