"""Properties of az's `--target-regions region[=count][=storage type]` grammar.

The parser (sigctl.cli.regions_arg) turns each item into a target region of the request body,
or fails with az's own usage error; the service then fills in display names and defaults.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sigctl.cli.errors import CliError
from sigctl.cli.regions_arg import parse_target_regions
from sigctl.errors import ArmError
from sigctl.provider import regions
from sigctl.provider.service import Provider
from tests import arm
from tests.conftest import Runner

STORAGE = ("Standard_LRS", "Standard_ZRS", "Premium_LRS")
TYPES_TEXT = "Storage account types must be one of standard_lrs, standard_zrs, premium_lrs."


def recased(words: tuple[str, ...]) -> st.SearchStrategy[str]:
    """One of `words` as written, in lower case, in upper case or with its case swapped."""
    return st.sampled_from([f(w) for w in words for f in (str, str.lower, str.upper, str.swapcase)])


region = st.text(
    st.characters(exclude_characters="=", exclude_categories=["Cs"]), min_size=1, max_size=12
)
storage = recased(STORAGE)
count = st.integers(-(10**6), 10**6)
# A part that is neither a whole number nor a storage type (no digits, so int() refuses it).
junk = st.text(
    st.characters(categories=["L", "P"], exclude_characters="="), min_size=1, max_size=12
).filter(lambda s: s.lower() not in {t.lower() for t in STORAGE})


@st.composite
def items(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A well-formed item and the target region it must become."""
    name, replicas, kind = draw(region), draw(st.none() | count), draw(st.none() | storage)
    expected: dict[str, Any] = {"name": name}
    if replicas is not None and kind is not None:
        return f"{name}={replicas}={kind}", {
            **expected,
            "regionalReplicaCount": replicas,
            "storageAccountType": kind,
        }
    if replicas is not None:
        return f"{name}={replicas}", {**expected, "regionalReplicaCount": replicas}
    if kind is not None:
        return f"{name}={kind}", {**expected, "storageAccountType": kind}
    return name, expected


@given(st.lists(items(), max_size=6))
def test_every_well_formed_item_becomes_its_target_region(
    pairs: list[tuple[str, dict[str, Any]]],
) -> None:
    """In order, one region per item; storage types keep the caller's casing (the service
    normalises them), and counts are not range-checked here (the service does that)."""
    assert parse_target_regions([text for text, _ in pairs]) == [body for _, body in pairs]


@given(st.lists(items(), max_size=3), region, junk, st.lists(items(), max_size=3))
@example([], "westus", "abc", [])
def test_a_second_part_that_is_neither_count_nor_type_is_refused(
    before: list[tuple[str, Any]], name: str, second: str, after: list[tuple[str, Any]]
) -> None:
    bad = f"{name}={second}"
    with pytest.raises(CliError) as refused:
        parse_target_regions([t for t, _ in before] + [bad] + [t for t, _ in after])
    assert str(refused.value) == (
        f"usage error: {bad} is an invalid target region argument. The second part is neither "
        f"an integer replica count or a valid storage account type. {TYPES_TEXT}"
    )


@given(region, st.one_of(junk, storage), st.one_of(junk, storage, count.map(str)))
@example("westus", "x", "standard_lrs")
def test_a_three_part_item_needs_a_count_then_a_type(name: str, second: str, third: str) -> None:
    bad = f"{name}={second}={third}"
    with pytest.raises(CliError) as refused:
        parse_target_regions([bad])
    assert str(refused.value) == (
        f"usage error: {bad} is an invalid target region argument. The second part must be a "
        "valid integer replica count."
    )


@given(region, count, junk)
@example("westus", 2, "standard")
def test_a_third_part_must_be_a_storage_type(name: str, replicas: int, third: str) -> None:
    bad = f"{name}={replicas}={third}"
    with pytest.raises(CliError) as refused:
        parse_target_regions([bad])
    assert str(refused.value) == (
        f"usage error: {bad} is an invalid target region argument. The third part is not a "
        f"valid storage account type. {TYPES_TEXT}"
    )


# -- through the command and the service ----------------------------------------------------------

# Regions with their display names; the version's home region (eastus2) is always a target.
REGIONS = {
    "eastus2": "East US 2",
    "westus2": "West US 2",
    "westus": "West US",
    "uksouth": "UK South",
    "westeurope": "West Europe",
}
SERVICE_TYPES = {"standard_lrs": "Standard_LRS", "premium_lrs": "Premium_LRS"}  # every region


@st.composite
def target_lists(draw: st.DrawFn) -> tuple[list[str], list[tuple[str, int, str]], int, str]:
    """--target-regions items naming distinct regions (any spelling), --replica-count and
    --storage-account-type, and the (display name, count, type) the service must keep."""
    others = draw(st.lists(st.sampled_from(list(REGIONS)[1:]), unique=True, max_size=4))
    chosen = draw(st.permutations(["eastus2", *others]))
    default_count = draw(st.integers(1, 3))
    default_type = draw(st.sampled_from(list(SERVICE_TYPES.values())))
    argv, expected = [], []
    for key in chosen:
        spelt = draw(recased((key, REGIONS[key])))
        replicas = draw(st.none() | st.integers(1, 5))
        kind = draw(st.none() | recased(tuple(SERVICE_TYPES)))
        text = "=".join(str(p) for p in (spelt, replicas, kind) if p is not None)
        argv.append(f'"{text}"')
        expected.append(
            (
                REGIONS[key],
                default_count if replicas is None else replicas,
                default_type if kind is None else SERVICE_TYPES[kind.lower()],
            )
        )
    return argv, expected, default_count, default_type


@pytest.fixture
def versions() -> Iterator[str]:
    """A new version name for each example."""
    return (f"1.0.{i}" for i in itertools.count())


@pytest.fixture
def definition(ok: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A definition with a source, made through the commands."""
    monkeypatch.setenv("SIGCTL_REPLICATION_SPEED", "instant")
    ok("group create -n rg1 -l eastus2")
    ok("sig create -g rg1 -r gal1")
    ok(
        "sig image-definition create -g rg1 -r gal1 -i def1 -p P -f O -s S --os-type linux --only-show-errors"
    )
    ok("source create managed-image -g rg1 -n img1 --os-type linux")


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=target_lists())
def test_the_published_version_keeps_what_the_arguments_say(
    sigctl: Runner, definition: None, versions: Iterator[str], case: Any
) -> None:
    argv, expected, default_count, default_type = case
    result = sigctl(
        f"sig image-version create -g rg1 -r gal1 -i def1 -e {next(versions)} --managed-image img1 "
        f"--target-regions {' '.join(argv)} --replica-count {default_count} "
        f"--storage-account-type {default_type} --only-show-errors"
    )
    assert result.exit_code == 0, result.stderr
    published = result.json["publishingProfile"]
    assert [
        (t["name"], t["regionalReplicaCount"], t["storageAccountType"])
        for t in published["targetRegions"]
    ] == expected
    assert (published["replicaCount"], published["storageAccountType"]) == (
        default_count,
        default_type,
    )


# -- the service's side: which lists of target regions it keeps ------------------------------------


@pytest.fixture
def provider(home: Path, monkeypatch: pytest.MonkeyPatch) -> Provider:
    """A definition with a managed image in East US 2, the versions' home region."""
    monkeypatch.setenv("SIGCTL_NOW", arm.NOW)
    monkeypatch.setenv("SIGCTL_REPLICATION_SPEED", "instant")
    made = arm.cloud(Provider(home), "gal1")
    made.put(arm.image(), arm.definition_body())
    arm.managed_image(made)
    return made


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    spelt=st.lists(
        st.sampled_from(list(REGIONS)).flatmap(lambda key: recased((key, REGIONS[key]))),
        max_size=5,
    )
)
def test_the_service_keeps_a_list_with_home_and_no_region_twice(
    provider: Provider, versions: Iterator[str], spelt: list[str]
) -> None:
    """Regions in any spelling: the list is kept (as display names, in order) exactly when it
    names the version's region and no region twice; else it is refused and nothing is made.
    An empty list publishes to the version's region, as no list does."""
    keys = [
        key
        for text in spelt
        for key, shown in REGIONS.items()
        if text.lower() in (key, shown.lower())
    ]
    name = next(versions)
    body = arm.version_body(
        str(arm.source("images", "img1")), targetRegions=[{"name": text} for text in spelt]
    )
    try:
        made = provider.put(arm.version(name), body)
    except ArmError as refused:
        assert refused.code == "InvalidParameter"
        if len(set(keys)) != len(keys):
            assert (
                refused.message == "Duplicate regions are not allowed in target publishing regions."
            )
        else:
            assert "eastus2" not in keys
            assert refused.message.endswith(
                "must contain the location of image version 'East US 2'."
            )
        assert arm.error_of(provider.get, arm.version(name)).code == "ResourceNotFound"
        return
    keys = keys or ["eastus2"]  # an empty list is no list: the home region alone
    assert "eastus2" in keys and len(set(keys)) == len(keys)
    kept = made["properties"]["publishingProfile"]["targetRegions"]
    assert [t["name"] for t in kept] == [REGIONS[key] for key in keys]


@given(st.sampled_from(regions.CATALOGUE))
def test_a_stored_region_name_reads_back_as_its_programmatic_name(region: regions.Region) -> None:
    for spelling in (region.name, region.display_name, region.display_name.upper()):
        assert regions.programmatic(spelling) == region.name
    assert regions.programmatic("Atlantis") == "Atlantis"  # no region's name: kept as given
