"""az's client-side validators as a unit: each check's text, without a command line."""

from __future__ import annotations

from typing import Any

import pytest

from sigctl.cli import validators
from sigctl.cli.errors import CliError
from sigctl.cli.version_sources import VersionSources

VM = "/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/virtualMachines/vm"
DEFINITION = "/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/galleries/r/images/i"


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            {"managed_image": "a", "virtual_machine": VM},
            "usage error: please specify only one of the --managed-image\\--virtual-machine\\--image-version arguments",
        ),
        ({}, "usage error: Please provide --managed-image or --os-snapshot or --vhd"),
        (
            {"os_snapshot": "s", "data_snapshot_luns": ["0"]},
            "usage error: --data-snapshot-luns must be used together with --data-snapshots",
        ),
        (
            {"os_snapshot": "s", "data_snapshots": ["a", "b"], "data_snapshot_luns": ["0"]},
            "usage error: Length of --data-snapshots and --data-snapshot-luns should be equal.",
        ),
        (
            {"os_vhd_uri": "https://a/b.vhd"},
            "--os-vhd-uri and --os-vhd-storage-account should be used together.",
        ),
        (
            {"os_snapshot": "s", "data_vhds_uris": ["u"]},
            "--data-vhds-uris and --data-vhds-storage-accounts should be used together.",
        ),
        (
            {"os_snapshot": "s", "data_vhds_luns": ["1"]},
            "--data-vhds-luns must be used together with --data-vhds-uris",
        ),
        (
            {"os_snapshot": "s", "data_vhds_uris": ["u", "v"], "data_vhds_storage_accounts": ["a"]},
            "Length of --data-vhds-uris, --data-vhds-luns, --data-vhds-storage-accounts must be same.",
        ),
        ({"virtual_machine": "notanid"}, "usage error: notanid is an invalid VM resource id"),
        ({"image_version": VM}, f"usage error: {VM} is an invalid gallery image version id"),
    ],
)
def test_version_sources_are_checked_with_az_texts(given: dict[str, Any], message: str) -> None:
    with pytest.raises(CliError) as raised:
        validators.check_version_sources(VersionSources(**given))
    assert str(raised.value) == message


def test_valid_sources_pass() -> None:
    validators.check_version_sources(VersionSources(virtual_machine=VM))
    validators.check_version_sources(VersionSources(os_snapshot="s", data_snapshots=["d"]))


def test_sources_are_read_by_name_and_bare_list_options_are_empty() -> None:
    arguments = {f: None for f in VersionSources.__dataclass_fields__} | {
        "managed_image": "img",
        "data_snapshots": ["a", "b"],
        "unrelated": 1,
    }
    assert VersionSources.given(arguments) == VersionSources(
        managed_image="img", data_snapshots=["a", "b"]
    )


def test_a_lun_is_a_whole_number() -> None:
    assert validators.lun("3") == 3
    with pytest.raises(CliError, match=r"^usage error: 'x' is not a valid LUN \(a whole number\)$"):
        validators.lun("x")


@pytest.mark.parametrize(
    ("text", "expected"),
    [(DEFINITION, DEFINITION), (DEFINITION + "/versions/LATEST", DEFINITION)],
)
def test_resolve_takes_a_definition_or_its_latest(text: str, expected: str) -> None:
    assert str(validators.definition_from_id(text)).lower() == expected.lower()


def test_resolve_refuses_a_version_id() -> None:
    text = DEFINITION + "/versions/1.0.0"
    with pytest.raises(CliError) as raised:
        validators.definition_from_id(text)
    assert str(raised.value) == (
        f"usage error: '{text}' is neither an image definition id nor a .../versions/latest id"
    )


def test_features_are_key_value_items() -> None:
    assert validators.parse_features(None) is None
    assert validators.parse_features("A=1 B=") == [
        {"name": "A", "value": "1"},
        {"name": "B", "value": ""},
    ]
    with pytest.raises(CliError, match=r"^usage error: --features KEY=VALUE \[KEY=VALUE \.\.\.\]$"):
        validators.parse_features("A")


def test_a_community_gallery_needs_every_publisher_detail() -> None:
    full = {"publisherUri": "u", "publisherContact": "c", "eula": "e", "publicNamePrefix": "p"}
    validators.check_community("Community", full)
    validators.check_community("Groups", {**full, "eula": None})
    with pytest.raises(CliError, match=r"^If you want to share to the community"):
        validators.check_community("Community", {**full, "eula": None})
