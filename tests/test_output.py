"""az's output rules (knack): resourceGroup injection, --query, json/table/tsv/yaml."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from sigctl.cli import output
from sigctl.cli.errors import CliError

RECORDED = json.loads(
    (Path(__file__).parent / "golden" / "recorded_service_bodies.json").read_text()
)


def shown(body: dict[str, Any], fmt: str = "json", query: str | None = None) -> str:
    compiled = output.compile_query(query) if query else None
    return output.render(output.flatten(json.loads(json.dumps(body))), fmt, query=compiled)


def test_the_recorded_gallery_prints_as_the_reference_shows() -> None:
    assert json.loads(shown(RECORDED[0])) == {
        "id": RECORDED[0]["id"],
        "identifier": {"uniqueName": "88939486-3f56-4b35-bd43-5d6b34df022f-GALLERY_LTXIULCOH5AK"},
        "location": "eastus2",
        "name": "gallery_000003",
        "provisioningState": "Succeeded",
        "resourceGroup": "clitest.rg000001",
        "type": "Microsoft.Compute/galleries",
    }


def test_resource_group_is_injected_into_nested_ids_too() -> None:
    printed = json.loads(shown(RECORDED[2]))
    assert printed["resourceGroup"] == "clitest.rg000001"
    assert printed["storageProfile"]["source"]["resourceGroup"] == "clitest.rg000001"
    # a dict without an id, or with a resource-group id, gets nothing
    assert "resourceGroup" not in printed["storageProfile"]["osDiskImage"]
    group = {"id": "/subscriptions/s/resourceGroups/rg", "name": "rg"}
    output.add_resource_group(group)
    assert "resourceGroup" not in group


def test_json_is_sorted_indented_and_unescaped() -> None:
    assert output.format_json({"b": "é", "a": [1]}) == '{\n  "a": [\n    1\n  ],\n  "b": "é"\n}\n'


def test_null_result_prints_nothing() -> None:
    assert shown(RECORDED[0], query="tags") == ""
    assert output.render(None, "json") == ""


def test_auto_table_sorts_keys_skips_ids_and_nested_values() -> None:
    rows = [{"name": "b", "id": "x", "type": "t", "nested": {"a": 1}, "list": [1], "location": "l"}]
    assert (
        output.format_table(rows, sort_keys=True)
        == "Location    Name\n----------  ------\nl           b\n"
    )


def test_table_columns_follow_the_query_order() -> None:
    rows = [{"Zed": 1, "Alpha": "x"}]
    assert output.format_table(rows, sort_keys=False).splitlines()[0] == "Zed    Alpha"


def test_empty_table_is_one_empty_line() -> None:
    assert output.format_table([], sort_keys=True) == "\n"


def test_table_of_scalars() -> None:
    assert output.format_table(["a", "b"], sort_keys=True).splitlines() == [
        "Result",
        "--------",
        "a",
        "b",
    ]


def test_tsv_rules() -> None:
    row = {"b": True, "a": "x", "c": {"n": 1}, "d": [1, 2, 3], "e": None, "f": 5}
    assert output.format_tsv([row], sort_keys=True) == "x\tTrue\t\t3\t\t5\n"
    assert output.format_tsv(True, sort_keys=True) == "true\n"
    assert output.format_tsv(["a", "b"], sort_keys=True) == "a\nb\n"
    assert output.format_tsv([["a", 1], ["b", 2]], sort_keys=True) == "a\t1\nb\t2\n"
    # knack keeps an OrderedDict's own order: sigctl's own commands declare their columns so
    from collections import OrderedDict

    ordered = OrderedDict(z="first", a="second")
    assert output.format_tsv([ordered], sort_keys=True) == "first\tsecond\n"
    assert output.format_json(ordered) == '{\n  "a": "second",\n  "z": "first"\n}\n'


def test_tsv_of_the_recorded_gallery_matches_az() -> None:
    body = dict(RECORDED[0])
    body["properties"] = {**body["properties"], "description": "My gallery"}
    body["tags"] = {}
    text = shown(body, "tsv")
    assert (
        text
        == f"My gallery\t{RECORDED[0]['id']}\t\teastus2\tgallery_000003\tSucceeded\tclitest.rg000001\t\tMicrosoft.Compute/galleries\n"
    )


def test_yaml_quotes_timestamps_and_sorts() -> None:
    text = output.format_yaml({"publishedDate": "2026-04-24T02:09:13.0173102+00:00", "a": {}})
    assert text == "a: {}\npublishedDate: '2026-04-24T02:09:13.0173102+00:00'\n"


def test_jsonc_without_a_terminal_is_plain_json() -> None:
    assert output.render({"a": 1}, "jsonc") == output.format_json({"a": 1})


@pytest.mark.parametrize(
    "fmt,plain", [("jsonc", output.format_json), ("yamlc", output.format_yaml)]
)
def test_coloured_formats_on_a_terminal_are_the_plain_text_in_colour(fmt: str, plain: Any) -> None:
    result = {"name": "gal1", "tags": {"env": "ci"}, "ids": ["a", None, 3]}
    coloured = output.render(result, fmt, colour=True)
    assert "\x1b[" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain(result)
    assert output.render(result, fmt) == plain(result)  # no terminal, no colour


def test_bad_query_is_a_usage_error() -> None:
    with pytest.raises(CliError) as raised:
        output.compile_query("name[")
    assert raised.value.exit_code == 2
    assert raised.value.message == "argument --query: invalid jmespath_type value: 'name['"
