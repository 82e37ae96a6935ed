"""az's shorthand syntax for structured argument values (sigctl.cli.shorthand)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sigctl.cli.shorthand import BLANK, ShorthandError, decode


@pytest.mark.parametrize(
    "text,value",
    [
        (
            "[{name:eastus2},{name:westus2,count:2}]",
            [{"name": "eastus2"}, {"name": "westus2", "count": "2"}],
        ),
        ("[]", []),
        ("{}", {}),
        ("[a,b,]", ["a", "b"]),  # a trailing comma is allowed
        ("{a:null,b:'x y',c:'it'/s'}", {"a": None, "b": "x y", "c": "it's"}),
        ("{a,b:1}", {"a": BLANK, "b": "1"}),
        ("{a:[1,{b:c}]}", {"a": ["1", {"b": "c"}]}),
        ('[{"name": "eastus2"}]', [{"name": "eastus2"}]),  # not shorthand: JSON
        ("word", "word"),
    ],
)
def test_decode(text: str, value: object) -> None:
    assert decode(text) == value


@pytest.mark.parametrize(
    "text,message",
    [
        ("[{name:east us}]", "Please wrap whitespace character in single quotes"),
        ("[a", "Expect character ',' or ']'"),
        ("{a:1,a:2}", "Duplicate defined dict key 'a'"),
        ("{a:'x}", "Miss end quota character: '"),
        ("[a]b", "Redundant tail"),
    ],
)
def test_errors_point_at_the_fault(text: str, message: str) -> None:
    with pytest.raises(ShorthandError) as raised:
        decode(text)
    assert str(raised.value).startswith(f"Shorthand Syntax Error: {message}:\n\t")
    assert str(raised.value).splitlines()[-1].strip().startswith("^")


def test_a_file_is_read_as_json_or_yaml(tmp_path: Path) -> None:
    (tmp_path / "r.json").write_text('[{"name": "eastus2"}]')
    (tmp_path / "r.yaml").write_text("- name: westus2\n  regional-replica-count: 2\n")
    assert decode(str(tmp_path / "r.json")) == [{"name": "eastus2"}]
    assert decode(str(tmp_path / "r.yaml")) == [{"name": "westus2", "regional-replica-count": 2}]


_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_.", min_size=1).filter(
    lambda w: w != "null"
)


@given(st.lists(st.dictionaries(_WORD, _WORD, max_size=4), max_size=4))
def test_written_lists_of_dicts_read_back(regions: list[dict[str, str]]) -> None:
    text = (
        "["
        + ",".join("{" + ",".join(f"{k}:{v}" for k, v in r.items()) + "}" for r in regions)
        + "]"
    )
    assert decode(text) == regions
