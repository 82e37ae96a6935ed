"""Galleries through the CLI, in both trees, checked against az's behaviour."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Runner

GOLDEN = Path(__file__).parent / "golden"
SUB = "6b1a9c4e-2f3d-4e5a-8b7c-9d0e1f2a3b4c"


def test_create_prints_exactly_what_az_prints(sigctl: Runner, ok: Any) -> None:
    ok("group create -n rg1 -l eastus2")
    result = sigctl('sig create -g rg1 -r gal1 --description "My gallery"')
    assert result.exit_code == 0
    assert result.stdout == (GOLDEN / "sig_create.json").read_text()
    assert result.stderr == ""


def test_both_trees_run_the_same_commands(ok: Any) -> None:
    ok("group create -n rg1 -l eastus2")
    made = ok("gallery create -g rg1 -r viaDesignTree")
    assert ok("sig show -g rg1 -r viaDesignTree") == made
    assert ok("gallery list -g rg1") == ok("sig list -g rg1")


def test_location_defaults_to_the_group(ok: Any) -> None:
    ok("group create -n rg1 -l westus2")
    assert ok("sig create -g rg1 -r g")["location"] == "westus2"
    assert ok("sig create -g rg1 -r g2 -l westus2")["location"] == "westus2"


def test_missing_group(sigctl: Runner, unchanged: Any) -> None:
    with unchanged():
        without_location = sigctl("sig create -g nogroup -r g")
        with_location = sigctl("sig create -g nogroup -r g -l eastus2")
    # az looks the group up for the location first, and reports that lookup's failure this way:
    assert without_location.exit_code == 1
    assert (
        without_location.stderr
        == "ERROR: InvalidArgumentValue: Missing required field: --location\n"
    )
    assert with_location.exit_code == 3
    assert (
        "(ResourceGroupNotFound) Resource group 'nogroup' could not be found."
        in with_location.stderr
    )


def test_show_missing_is_not_found_exit_3(sigctl: Runner, gallery: Any) -> None:
    result = sigctl("sig show -g rg1 -r nope")
    assert result.exit_code == 3 and result.stdout == ""
    message = (
        "The Resource 'Microsoft.Compute/galleries/nope' under resource group 'rg1' was not found. "
        "For more details please go to https://aka.ms/ARMResourceNotFoundFix"
    )
    assert (
        result.stderr
        == f"ERROR: (ResourceNotFound) {message}\nCode: ResourceNotFound\nMessage: {message}\n"
    )


def test_bad_name_exits_1_and_changes_nothing(sigctl: Runner, gallery: Any, unchanged: Any) -> None:
    with unchanged():
        result = sigctl("sig create -g rg1 -r bad-name")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("ERROR: (InvalidParameter) Gallery name is invalid.")


def test_missing_required_argument_is_a_usage_error(
    sigctl: Runner, gallery: Any, unchanged: Any
) -> None:
    with unchanged():
        result = sigctl("sig create -g rg1")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == "ERROR: the following arguments are required: --gallery-name/-r"
    assert lines[1:3] == ["", "Examples from command's help:"]
    assert lines[-2:] == ["https://aka.ms/cli_ref", "Read more about the command in reference docs"]


def test_show_without_name_reports_the_missing_field(sigctl: Runner, gallery: Any) -> None:
    result = sigctl("sig show -g rg1")
    assert (result.exit_code, result.stderr) == (
        1,
        "ERROR: InvalidArgumentValue: Missing required field: -r\n",
    )


def test_list_query_tsv_and_table(sigctl: Runner, gallery: Any, ok: Any) -> None:
    assert sigctl('sig list -g rg1 --query "[].name" -o tsv').stdout == "gal1\n"
    ok("sig create -g rg1 -r gal2")
    table = sigctl("sig list -g rg1 -o table").stdout
    assert table.splitlines() == [
        "Description    Location    Name    ProvisioningState    ResourceGroup",
        "-------------  ----------  ------  -------------------  ---------------",
        "My gallery     eastus2     gal1    Succeeded            rg1",
        "               eastus2     gal2    Succeeded            rg1",
    ]


def test_list_without_group_covers_the_subscription(gallery: Any, ok: Any) -> None:
    ok("group create -n rg2 -l westus2")
    ok("sig create -g rg2 -r other")
    assert [g["name"] for g in ok("sig list")] == ["gal1", "other"]


def test_max_items_and_next_token(sigctl: Runner, ok: Any) -> None:
    ok("group create -n rg1 -l eastus2")
    for name in ("a1", "a2", "a3"):
        ok(f"sig create -g rg1 -r {name}")
    first = sigctl("sig list -g rg1 --max-items 2 --query [].name")
    assert first.json == ["a1", "a2"]
    token = first.stderr.removeprefix("WARNING: Token of next page: ").strip()
    assert json.loads(base64.b64decode(token)) == {"next_link": None, "offset": 2}
    rest = sigctl(f"sig list -g rg1 --max-items 2 --next-token {token} --query [].name")
    assert rest.json == ["a3"] and rest.stderr == ""
    for forged in ({"offset": True}, {"offset": 1.5}, {"offset": "1"}):
        text = base64.b64encode(json.dumps(forged).encode()).decode()
        refused = sigctl(f"sig list -g rg1 --next-token {text}")
        assert refused.exit_code == 1 and "is not a valid --next-token value" in refused.stderr


def test_same_name_in_another_group_is_refused(
    sigctl: Runner, gallery: Any, ok: Any, unchanged: Any
) -> None:
    ok("group create -n rg2 -l eastus2")
    with unchanged():
        result = sigctl("sig create -g rg2 -r GAL1")
    assert result.exit_code == 1
    assert "is not unique within the subscription" in result.stderr


def test_create_again_is_an_update_not_an_error(gallery: Any, ok: Any) -> None:
    again = ok("sig create -g rg1 -r gal1 --tags env=dev")
    assert again["tags"] == {"env": "dev"} and "description" not in again


def test_update_with_set(ok: Any, gallery: Any) -> None:
    updated = ok("sig update -g rg1 -r gal1 --set description=x --set tags.env=ci")
    assert updated["description"] == "x" and updated["tags"] == {"env": "ci"}
    assert ok("sig show -g rg1 -r gal1")["tags"] == {"env": "ci"}
    assert "tags" not in ok("sig update -g rg1 -r gal1 --remove tags")


def test_update_has_no_description_option(sigctl: Runner, gallery: Any) -> None:
    result = sigctl("sig update -g rg1 -r gal1 --description updated desc")
    assert result.exit_code == 2
    assert result.stderr.startswith("ERROR: unrecognized arguments: --description updated desc\n")


def test_update_of_an_unknown_property_lists_the_options(
    sigctl: Runner, gallery: Any, unchanged: Any
) -> None:
    with unchanged():
        result = sigctl("sig update -g rg1 -r gal1 --set properties.description=x")
    assert result.exit_code == 1
    assert result.stderr.startswith("ERROR: Couldn't find 'properties' in ''. Available options: [")
    assert "'soft_delete_policy'" in result.stderr


def test_update_of_an_immutable_property(sigctl: Runner, gallery: Any, unchanged: Any) -> None:
    with unchanged():
        result = sigctl("sig update -g rg1 -r gal1 --permissions Groups")
    assert result.exit_code == 1 and "(PropertyChangeNotAllowed)" in result.stderr


def test_soft_delete_argument_forms(ok: Any, sigctl: Runner) -> None:
    ok("group create -n rg1 -l eastus2")
    assert ok("sig create -g rg1 -r a --soft-delete")["softDeletePolicy"] == {
        "isSoftDeleteEnabled": True
    }
    assert ok("sig create -g rg1 -r b --soft-delete no")["softDeletePolicy"] == {
        "isSoftDeleteEnabled": False
    }
    bad = sigctl("sig create -g rg1 -r c --soft-delete maybe")
    assert bad.exit_code == 2 and "'maybe' is not a valid value for '--soft-delete'" in bad.stderr


@pytest.mark.parametrize(
    "tags,message",
    [
        (
            "b",
            "Failed to parse '--tags' argument: dict type value expected, got 'b'(<class 'str'>)",
        ),
        ("c=", "Failed to parse '--tags' argument: argument value cannot be blank"),
        ('""', "Failed to parse '--tags' argument: argument value cannot be blank"),
    ],
)
def test_gallery_tags_need_key_and_value(
    sigctl: Runner, gallery: Any, tags: str, message: str
) -> None:
    result = sigctl(f"sig create -g rg1 -r t --tags {tags}")
    assert (result.exit_code, result.stderr) == (1, f"ERROR: {message}\n")


def test_community_gallery_needs_all_community_arguments(
    sigctl: Runner, gallery: Any, ok: Any
) -> None:
    result = sigctl("sig create -g rg1 -r comm --permissions Community --publisher-uri https://x")
    assert result.exit_code == 1
    assert result.stderr == (
        "ERROR: If you want to share to the community, you need to fill in all the following "
        "parameters: --publisher-uri, --publisher-email, --eula, --public-name-prefix.\n"
    )
    made = ok(
        "sig create -g rg1 -r comm --permissions community --publisher-uri https://x "
        "--publisher-email a@b.c --eula https://x/eula --public-name-prefix contoso"
    )
    assert made["sharingProfile"]["permissions"] == "Community"
    assert made["sharingProfile"]["communityGalleryInfo"]["publicNamePrefix"] == "contoso"


def test_delete(sigctl: Runner, gallery: Any) -> None:
    assert sigctl("sig delete -g rg1 -r gal1").stdout == ""
    assert sigctl("sig show -g rg1 -r gal1").exit_code == 3
    missing = sigctl("sig delete -g rg1 -r gal1")
    assert (missing.exit_code, missing.stdout, missing.stderr) == (0, "", "")
    assert sigctl("sig delete -g rg1 -r gal1 --yes").exit_code == 2


def test_delete_refuses_while_definitions_exist(
    sigctl: Runner, ok: Any, gallery: Any, unchanged: Any
) -> None:
    ok(
        "sig image-definition create -g rg1 -r gal1 -i def1 -p P -f O -s S --os-type linux "
        "--only-show-errors"
    )
    with unchanged():
        result = sigctl("sig delete -g rg1 -r gal1")
    assert result.exit_code == 1
    assert (
        "(CannotDeleteResource) Cannot delete resource while nested resources exist."
        in result.stderr
    )
    assert "'Microsoft.Compute/galleries/gal1/images/def1'" in result.stderr


def test_ids_address_one_or_several_galleries(ok: Any, gallery: Any) -> None:
    second = ok("sig create -g rg1 -r gal2")
    assert ok(f"sig show --ids {gallery['id']}")["name"] == "gal1"
    both = ok(f"sig show --ids {gallery['id']} {second['id']}")
    assert [g["name"] for g in both] == ["gal1", "gal2"]


class TestWait:
    def test_created_returns_at_once_for_a_succeeded_gallery(
        self, sigctl: Runner, gallery: Any
    ) -> None:
        result = sigctl("sig wait -g rg1 -r gal1 --created")
        assert (result.exit_code, result.stdout) == (0, "")

    def test_custom_sees_the_unflattened_body(self, sigctl: Runner, gallery: Any) -> None:
        good = sigctl(
            "sig wait -g rg1 -r gal1 --custom \"properties.provisioningState=='Succeeded'\""
        )
        assert (good.exit_code, good.stdout) == (0, "")
        never = sigctl(
            "sig wait -g rg1 -r gal1 --custom \"provisioningState=='Succeeded'\" --interval 1 --timeout 1"
        )
        assert (never.exit_code, never.stdout) == (0, "{}\n")

    def test_deleted_and_updated_on_a_missing_gallery(self, sigctl: Runner, gallery: Any) -> None:
        assert sigctl("sig wait -g rg1 -r nope --deleted").exit_code == 0
        assert sigctl("sig wait -g rg1 -r nope --updated").exit_code == 3

    def test_needs_a_condition(self, sigctl: Runner, gallery: Any) -> None:
        result = sigctl("sig wait -g rg1 -r gal1")
        assert result.exit_code == 1
        assert (
            result.stderr
            == "ERROR: incorrect usage: --created | --updated | --deleted | --exists | --custom JMESPATH\n"
        )


def test_ids_fill_the_arguments_by_position_and_never_act_on_another_type(
    sigctl: Runner, ok: Any, gallery: Any
) -> None:
    group_id = gallery["id"].split("/providers/")[0]
    before = ok("state export")
    for command in ("sig image-definition delete", "sig image-version delete", "sig delete"):
        shallow = sigctl(f"{command} --ids {group_id}")
        assert shallow.exit_code == 1
        assert shallow.stderr == "ERROR: InvalidArgumentValue: Missing required field: -r\n"
    too_short = sigctl(f"sig image-definition update --ids {gallery['id']} --set description=x")
    assert too_short.stderr == "ERROR: InvalidArgumentValue: Missing required field: -i\n"
    assert ok("state export") == before
    # As in az, a deeper id names its ancestors: a definition id given to `sig show` is the gallery.
    assert ok(f"sig show --ids {gallery['id']}/images/def9")["name"] == "gal1"


def test_ids_exclude_other_resource_arguments(sigctl: Runner, gallery: Any) -> None:
    result = sigctl(f"sig show --ids {gallery['id']} -g rg1")
    assert result.exit_code == 1 and "--ids cannot be combined" in result.stderr


def test_group_managed_by_is_kept(ok: Any) -> None:
    made = ok(
        "group create -n rgm -l eastus2 --managed-by /subscriptions/x/resourceGroups/y/providers/P/t/n"
    )
    assert made["managedBy"] == "/subscriptions/x/resourceGroups/y/providers/P/t/n"


@pytest.mark.parametrize(
    "document", [[], {"resourceGroups": []}, "text"], ids=["list", "bad-section", "string"]
)
def test_an_index_edited_into_another_shape_is_refused_not_rewritten(
    sigctl: Runner, gallery: Any, home: Path, document: Any
) -> None:
    index = next(home.glob("state/subscriptions/*/index.json"))
    edited = json.dumps({"schemaVersion": 1, "document": document})
    index.write_text(edited)
    for command in ("group create -n rg3 -l eastus2", "sig create -g rg1 -r gal3"):
        result = sigctl(command)
        assert result.exit_code == 1
        assert f"The state file '{index}' cannot be used" in result.stderr
    assert index.read_text() == edited


def test_a_gallery_file_edited_into_another_shape_is_refused(
    sigctl: Runner, gallery: Any, home: Path
) -> None:
    path = next(home.glob("state/subscriptions/*/galleries/gal1.json"))
    path.write_text(json.dumps({"schemaVersion": 1, "document": {"resource": 7}}))
    result = sigctl("sig show -g rg1 -r gal1")
    assert result.exit_code == 1 and f"'{path}' cannot be used" in result.stderr
