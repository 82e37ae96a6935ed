"""Properties of image version names at the provider: Major.Minor.Patch, compared as numbers.

The oracle is the service's rule written out independently: three parts of ASCII digits, each
at most 2,147,483,647; versions equal as numbers are one version; lists and "latest" follow the
numeric order. Each example works on a definition of its own, so examples do not interfere.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sigctl.errors import ArmError
from sigctl.provider.service import Provider
from tests.arm import (
    NOW,
    cloud,
    definition_body,
    image,
    latest_of,
    managed_image,
    version,
    version_body,
)

INT32_MAX = 2_147_483_647
ASCII_DIGITS = set("0123456789")

# Hypothesis reuses one provider (and its SIGCTL_HOME) for every example of a test.
ONE_HOME = settings(
    deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60
)


def number(name: str) -> tuple[int, int, int] | None:
    """The service's rule, independently: None for a name that is not a version."""
    parts = name.split(".")
    if len(parts) != 3 or any(not p or not set(p) <= ASCII_DIGITS for p in parts):
        return None
    values = tuple(int(p) for p in parts)
    return values if max(values) <= INT32_MAX else None  # type: ignore[return-value]


@pytest.fixture
def provider(home: Path, monkeypatch: pytest.MonkeyPatch) -> Provider:
    monkeypatch.setenv("SIGCTL_NOW", NOW)
    monkeypatch.setenv("SIGCTL_REPLICATION_SPEED", "instant")
    return cloud(Provider(home), "gal1")


@pytest.fixture
def img(provider: Provider) -> str:
    return managed_image(provider)


@pytest.fixture
def definitions(provider: Provider) -> Iterator[str]:
    """A fresh definition for each example: d0, d1, ..."""
    counter = itertools.count()

    def fresh() -> str:
        name = f"d{next(counter)}"
        provider.put(image(name), definition_body(sku=name))
        return name

    return iter(fresh, None)


part = st.one_of(
    st.integers(0, 3),  # small numbers, so that lists of versions hold equal ones
    st.integers(0, INT32_MAX),
    st.integers(INT32_MAX + 1, 10**12),
).map(str)
# Leading zeros spell the same number another way.
spelt = st.tuples(st.integers(0, 2), part).map(lambda z: "0" * z[0] + z[1])
version_like = st.lists(spelt, min_size=3, max_size=3).map(".".join)
digit_text = st.text(st.characters(categories=["Nd"], include_characters="."), max_size=14)
names = st.one_of(version_like, digit_text, st.text(max_size=14))


@ONE_HOME
@given(name=names)
@example(name="1.0.2147483647")
@example(name="1.0.2147483648")
@example(name="２.０.٣")
@example(name="1.0.0 ")
@example(name="+1.0.0")
def test_a_name_is_a_version_exactly_when_the_rule_says(
    provider: Provider, img: str, definitions: Iterator[str], name: str
) -> None:
    definition = next(definitions)
    try:
        made = provider.put(version(name, definition), version_body(img))
    except ArmError as refused:
        assert number(name) is None, refused.message
        assert (refused.code, refused.target) == ("InvalidParameter", "galleryImageVersionName")
        return
    assert number(name) is not None
    assert made["name"] == name and made["properties"]["provisioningState"] == "Succeeded"


@settings(ONE_HOME, max_examples=30)
@given(spellings=st.lists(version_like.filter(lambda n: number(n) is not None), max_size=5))
@example(spellings=["1.10.0", "1.9.0", "01.9.0", "1.9.0", "0.0.2147483647"])
def test_lists_and_latest_follow_the_numeric_order(
    provider: Provider, img: str, definitions: Iterator[str], spellings: list[str]
) -> None:
    """Created in any order, with any spellings: another spelling of an existing number is
    refused, the rest are listed in numeric order, and "latest" is the highest."""
    definition = next(definitions)
    kept: dict[tuple[int, int, int], str] = {}
    for name in spellings:
        value = number(name)
        assert value is not None
        try:
            provider.put(version(name, definition), version_body(img))
        except ArmError as refused:
            assert kept.get(value, name) != name, refused.message
            assert refused.code == "Conflict"
            assert f"is the existing version '{kept[value]}'" in refused.message
            continue
        assert kept.setdefault(value, name) == name  # new, or a PUT on the same version
    listed = provider.list(image(definition).child("versions"))
    assert [v["name"] for v in listed] == [kept[k] for k in sorted(kept)]
    resolved = latest_of(provider, image(definition))
    assert resolved == (kept[max(kept)] if kept else None)


distinct_versions = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 12), st.integers(0, INT32_MAX)),
    unique=True,
    max_size=5,
)


@settings(ONE_HOME, max_examples=25)
@given(
    created=distinct_versions.flatmap(
        lambda numbers: st.permutations(numbers).flatmap(
            lambda order: st.lists(
                st.tuples(st.booleans(), st.booleans()), min_size=len(order), max_size=len(order)
            ).map(lambda flags: list(zip(order, flags, strict=True)))
        )
    )
)
def test_latest_is_the_highest_number_not_excluded(
    provider: Provider,
    img: str,
    definitions: Iterator[str],
    created: list[tuple[tuple[int, int, int], tuple[bool, bool]]],
) -> None:
    """Created in any order, each excluded from "latest" or not (for the version, and for
    West US 2 on its own): "latest" is the highest number not excluded where it is asked
    about, and the list is sorted as numbers whatever the order of creation."""
    definition = next(definitions)
    for number_, (excluded, excluded_west) in created:
        regions = [{"name": "eastus2"}, {"name": "westus2", "excludeFromLatest": excluded_west}]
        body = version_body(img, excludeFromLatest=excluded, targetRegions=regions)
        provider.put(version(".".join(map(str, number_)), definition), body)

    def highest(west: bool) -> str | None:
        kept = [n for n, (ex, ex_west) in created if not (ex_west if west else ex)]
        return ".".join(map(str, max(kept))) if kept else None

    assert latest_of(provider, image(definition)) == highest(west=False)
    assert latest_of(provider, image(definition), "eastus2") == highest(west=False)
    assert latest_of(provider, image(definition), "westus2") == highest(west=True)
    listed = [v["name"] for v in provider.list(image(definition).child("versions"))]
    assert listed == [".".join(map(str, n)) for n in sorted(n for n, _ in created)]
