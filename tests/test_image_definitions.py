"""Image definitions: az's create arguments and defaults, the service's rules, update limits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Runner

CREATE = "sig image-definition create -g rg1 -r gal1 --only-show-errors"
GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def gallery(ok: Any) -> None:
    ok("group create -n rg1 -l eastus2")
    ok("sig create -g rg1 -r gal1")


def test_defaults_match_az_and_the_service(sigctl: Runner, gallery: None) -> None:
    result = sigctl(
        "sig image-definition create -g rg1 -r gal1 -i def1 -p P -f O -s S --os-type linux"
    )
    assert result.exit_code == 0
    assert result.stdout == (GOLDEN / "image_definition_create.json").read_text()
    assert result.stderr == (
        'WARNING: Starting Build (May) 2024, "az sig image-definition create" command will use the '
        "new default values Hyper-V Generation: V2 and SecurityType: TrustedLaunchSupported.\n"
    )


def test_warning_is_hidden_by_only_show_errors(sigctl: Runner, gallery: None) -> None:
    assert sigctl(f"{CREATE} -i d -p P -f O -s S --os-type linux").stderr == ""


def test_the_docs_seed_table_and_a_duplicate_identifier(
    sigctl: Runner, ok: Any, gallery: None, unchanged: Any
) -> None:
    for name, publisher, offer, sku in [
        ("myImage1", "Contoso", "Finance", "Backend"),
        ("myImage2", "Contoso", "Finance", "Frontend"),
        ("myImage3", "Testing", "Finance", "Frontend"),
    ]:
        ok(f"{CREATE} -i {name} -p {publisher} -f {offer} -s {sku} --os-type linux")
    with unchanged():
        clash = sigctl(f"{CREATE} -i myImage4 -p Contoso -f Finance -s Backend --os-type linux")
    assert clash.exit_code == 1
    assert (
        "Gallery image: myImage1 identified by (publisher:Contoso, offer:Finance, sku:Backend) "
        "already exists. Choose a different publisher, offer, sku combination." in clash.stderr
    )
    # the comparison ignores case
    assert (
        sigctl(f"{CREATE} -i myImage5 -p contoso -f FINANCE -s backend --os-type linux").exit_code
        == 1
    )
    # and the triple is free again once its definition is deleted
    ok("sig image-definition delete -g rg1 -r gal1 -i myImage1")
    ok(f"{CREATE} -i myImage4 -p Contoso -f Finance -s Backend --os-type linux")


def test_the_same_triple_in_another_gallery_is_fine(ok: Any, gallery: None) -> None:
    ok("sig create -g rg1 -r gal2")
    ok(f"{CREATE} -i a -p P -f O -s S --os-type linux")
    ok(
        "sig image-definition create -g rg1 -r gal2 -i a -p P -f O -s S --os-type linux --only-show-errors"
    )


def test_recommended_minimum_above_maximum_is_refused(
    sigctl: Runner, gallery: None, unchanged: Any
) -> None:
    with unchanged():
        result = sigctl(
            f"{CREATE} -i d -p P -f O -s S --os-type linux --minimum-cpu-core 8 --maximum-cpu-core 4"
        )
    assert result.exit_code == 1
    assert (
        "The minimum value of recommended.vCPUs must not be greater than the maximum value"
        in result.stderr
    )


def test_every_create_argument_reaches_the_resource(ok: Any, gallery: None) -> None:
    made = ok(
        f"{CREATE} -i full -p P -f O -s S --os-type WINDOWS --os-state specialized --hyper-v-generation v1 "
        '--features "IsAcceleratedNetworkSupported=true DiskControllerTypes=SCSI,NVMe" --architecture X64 '
        "-l westus2 --description d --eula e --privacy-statement-uri https://p --release-note-uri https://r "
        "--end-of-life-date 2031-01-02 --disallowed-disk-types Standard_LRS Premium_LRS "
        "--minimum-cpu-core 2 --maximum-cpu-core 8 --minimum-memory 1024 --maximum-memory 4096 "
        "--plan-name n --plan-product pr --plan-publisher pu --tags team=x bare"
    )
    assert made["osType"] == "Windows" and made["osState"] == "Specialized"
    assert made["hyperVGeneration"] == "V1" and made["architecture"] == "x64"
    assert made["features"] == [
        {"name": "IsAcceleratedNetworkSupported", "value": "true"},
        {"name": "DiskControllerTypes", "value": "SCSI,NVMe"},
    ]
    assert made["location"] == "westus2"
    assert made["endOfLifeDate"] == "2031-01-02T12:59:59+00:00"
    assert made["disallowed"] == {"diskTypes": ["Standard_LRS", "Premium_LRS"]}
    assert made["recommended"] == {
        "vCPUs": {"min": 2, "max": 8},
        "memory": {"min": 1024, "max": 4096},
    }
    assert made["purchasePlan"] == {"name": "n", "product": "pr", "publisher": "pu"}
    assert made["tags"] == {"team": "x", "bare": ""}
    for key in ("description", "eula", "privacyStatementUri", "releaseNoteUri"):
        assert made[key]


def test_security_type_handling(sigctl: Runner, ok: Any, gallery: None) -> None:
    v2 = ok(f'{CREATE} -i a -p P -f O -s A --os-type linux --features "IsHibernateSupported=true"')
    assert v2["features"][-1] == {"name": "SecurityType", "value": "TrustedLaunchSupported"}
    given = ok(
        f'{CREATE} -i b -p P -f O -s B --os-type linux --features "SecurityType=ConfidentialVmSupported"'
    )
    assert given["features"] == [{"name": "SecurityType", "value": "ConfidentialVmSupported"}]
    standard = sigctl(
        'sig image-definition create -g rg1 -r gal1 -i c -p P -f O -s C --os-type linux --features "SecurityType=Standard"'
    )
    assert standard.json["features"] == []
    assert (
        "WARNING: Consider upgrading security for your workloads using Azure Trusted Launch VMs."
        in standard.stderr
    )
    v1 = ok(f"{CREATE} -i d -p P -f O -s D --os-type linux --hyper-v-generation V1")
    assert "features" not in v1


@pytest.mark.parametrize("spelling", ["2030-12-31", "31/12/2030", "Dec 31 2030", "20301231"])
def test_end_of_life_dates_parse_as_dateutil_does(ok: Any, gallery: None, spelling: str) -> None:
    made = ok(f'{CREATE} -i e -p P -f O -s E --os-type linux --end-of-life-date "{spelling}"')
    assert made["endOfLifeDate"] == "2030-12-31T12:59:59+00:00"


def test_end_of_life_fraction_reaches_the_service(ok: Any, gallery: None) -> None:
    # az hands the date to its generated command, which keeps fractions (msrest's .fffZ)
    made = ok(
        f"{CREATE} -i e -p P -f O -s E --os-type linux --end-of-life-date 2030-12-31T01:02:03.25Z"
    )
    assert made["endOfLifeDate"] == "2030-12-31T01:02:03.25+00:00"


@pytest.mark.parametrize(
    "args,message,code",
    [
        ('--features "novalue"', "ERROR: usage error: --features KEY=VALUE [KEY=VALUE ...]", 1),
        ("--features A=1 B=2", "ERROR: unrecognized arguments: B=2", 2),
        (
            "--os-type Foo",
            "ERROR: sigctl sig image-definition create: 'Foo' is not a valid value for '--os-type'. Allowed values: Windows, Linux.",
            2,
        ),
        (
            "--end-of-life-date notadate",
            "ERROR: InvalidArgumentValue: --end-of-life-date: Unable to parse: 'notadate'. Expected format: "
            "Format: date (yyyy-mm-dd) time (hh:mm:ss.xxxxxx) timezone (+/-hh:mm)",
            1,
        ),
        (
            "--minimum-cpu-core two",
            "ERROR: argument --minimum-cpu-core: invalid int value: 'two'",
            2,
        ),
    ],
)
def test_client_side_errors(
    sigctl: Runner, gallery: None, unchanged: Any, args: str, message: str, code: int
) -> None:
    base = "" if "--os-type" in args else "--os-type linux"
    with unchanged():
        result = sigctl(f"{CREATE} -i d -p P -f O -s S {base} {args}")
    assert result.exit_code == code
    assert result.stderr.splitlines()[0] == message


@pytest.mark.parametrize("features", ["=x", "a="])
def test_a_feature_needs_both_name_and_value(
    sigctl: Runner, gallery: None, unchanged: Any, features: str
) -> None:
    with unchanged():
        result = sigctl(f'{CREATE} -i d -p P -f O -s S --os-type linux --features "{features}"')
    assert result.exit_code == 1
    assert "'features[0].name' and 'features[0].value' must be set." in result.stderr


def test_required_arguments(sigctl: Runner, gallery: None) -> None:
    result = sigctl(f"{CREATE} -i d -p P")
    assert result.exit_code == 2
    assert (
        result.stderr.splitlines()[0]
        == "ERROR: the following arguments are required: --offer/-f, --sku/-s, --os-type"
    )


@pytest.mark.parametrize(
    "field,value,fragment",
    [
        ("-i", "bad.", "has these invalid trailing characters: '.'"),
        ("-i", "trail-", "is invalid according to its validation rule"),
        ("-p", "pub.", "Asset name galleryImage.properties.identifier.publisher is not valid."),
        ("-f", "o" * 65, "The length of the name cannot exceed 64 characters."),
        ("-s", "s/s", "Asset name galleryImage.properties.identifier.sku is not valid."),
    ],
)
def test_service_name_rules(
    sigctl: Runner, gallery: None, unchanged: Any, field: str, value: str, fragment: str
) -> None:
    values = {"-i": "d", "-p": "P", "-f": "O", "-s": "S", field: value}
    args = " ".join(f"{k} {v}" for k, v in values.items())
    with unchanged():
        result = sigctl(f"{CREATE} {args} --os-type linux")
    assert result.exit_code == 1, result.stderr
    assert fragment in result.stderr


def test_missing_gallery_is_parent_not_found(sigctl: Runner, gallery: None) -> None:
    result = sigctl(
        "sig image-definition create -g rg1 -r nogal -i d -p P -f O -s S --os-type linux"
    )
    assert result.exit_code == 3
    assert (
        "(ParentResourceNotFound) Can not perform requested operation on nested resource. Parent resource 'nogal' not found."
        in result.stderr
    )


def test_end_of_life_must_be_in_the_future(sigctl: Runner, gallery: None) -> None:
    result = sigctl(f"{CREATE} -i d -p P -f O -s S --os-type linux --end-of-life-date 2001-01-01")
    assert result.exit_code == 1 and "EndOfLifeDate must be set to a future date." in result.stderr


def test_create_again_is_an_update(sigctl: Runner, ok: Any, gallery: None, unchanged: Any) -> None:
    first = ok(f"{CREATE} -i d -p P -f O -s S --os-type linux --description one")
    assert ok(f"{CREATE} -i d -p P -f O -s S --os-type linux --description one") == first
    changed = ok(f"{CREATE} -i d -p P -f O -s S --os-type linux --description two")
    assert changed["description"] == "two"
    with unchanged():
        result = sigctl(f"{CREATE} -i d -p P -f O -s S --os-type windows")
    assert result.exit_code == 1
    assert "Changing property 'galleryImage.properties.osType' is not allowed." in result.stderr


class TestUpdate:
    @pytest.fixture(autouse=True)
    def definition(self, ok: Any, gallery: None) -> None:
        ok(f"{CREATE} -i def1 -p P -f O -s S --os-type linux")

    def test_allowed_changes(self, ok: Any) -> None:
        ok(
            "sig image-definition update -g rg1 -r gal1 -i def1 --set description=x --set recommended.vCPUs.max=16"
        )
        shown = ok("sig image-definition show -g rg1 -r gal1 -i def1")
        assert shown["description"] == "x" and shown["recommended"] == {"vCPUs": {"max": 16}}
        eol = ok(
            "sig image-definition update -g rg1 -r gal1 -i def1 --set endOfLifeDate=2035-06-01T00:00:00Z"
        )
        assert eol["endOfLifeDate"] == "2035-06-01T00:00:00+00:00"
        tagged = ok(
            "sig image-definition update -g rg1 -r gal1 -i def1 --set tags.n=2 --set releaseNoteUri=https://r"
        )
        assert tagged["tags"] == {"n": "2"} and tagged["releaseNoteUri"] == "https://r"

    @pytest.mark.parametrize(
        "expression,path",
        [
            ("osType=Windows", "galleryImage.properties.osType"),
            ("osState=Specialized", "galleryImage.properties.osState"),
            ("hyperVGeneration=V1", "galleryImage.properties.hyperVGeneration"),
            ("identifier.sku=other", "galleryImage.properties.identifier.sku"),
            ("architecture=Arm64", "galleryImage.properties.architecture"),
            ("eula=changed", "galleryImage.properties.eula"),
        ],
    )
    def test_immutable_properties(
        self, sigctl: Runner, unchanged: Any, expression: str, path: str
    ) -> None:
        with unchanged():
            result = sigctl(
                f"sig image-definition update -g rg1 -r gal1 -i def1 --set {expression}"
            )
        assert result.exit_code == 1
        assert (
            f"(PropertyChangeNotAllowed) Changing property '{path}' is not allowed."
            in result.stderr
        )

    def test_features_need_allow_update_image(
        self, sigctl: Runner, ok: Any, unchanged: Any
    ) -> None:
        add = "sig image-definition update -g rg1 -r gal1 -i def1 --add features name=IsHibernateSupported value=true"
        with unchanged():
            refused = sigctl(add)
        assert refused.exit_code == 1 and "galleryImage.properties.features" in refused.stderr
        allowed = ok(f"{add} --allow-update-image")
        assert {"name": "IsHibernateSupported", "value": "true"} in allowed["features"]
        assert "allowUpdateImage" not in ok("sig image-definition show -g rg1 -r gal1 -i def1")

    def test_paths_use_the_flattened_shape(self, sigctl: Runner) -> None:
        result = sigctl(
            "sig image-definition update -g rg1 -r gal1 -i def1 --set properties.description=x"
        )
        assert result.exit_code == 1
        assert result.stderr.startswith(
            "ERROR: Couldn't find 'properties' in ''. Available options: ['allow_update_image', 'architecture', "
            "'description', 'disallowed', 'end_of_life_date', 'eula', 'features', 'hyper_v_generation', 'id', "
            "'identifier', 'location', 'name', 'os_state', 'os_type', 'privacy_statement_uri', "
            "'provisioning_state', 'purchase_plan', 'recommended', 'release_note_uri', 'system_data', 'tags', 'type']"
        )

    def test_nested_paths_are_checked_as_az_does(self, sigctl: Runner, ok: Any) -> None:
        update = "sig image-definition update -g rg1 -r gal1 -i def1 --set "
        before = ok("state export")
        typo = sigctl(update + "recommended.cpus.max=16")
        assert (typo.exit_code, typo.stderr) == (
            1,
            "ERROR: Couldn't find 'cpus' in 'recommended'. Available options: ['memory', 'v_cp_us']\n",
        )
        assert ok("state export") == before
        extra = sigctl(update + "recommended.vCPUs.mx=16")
        assert extra.exit_code == 0
        assert (
            "WARNING: Property 'mx' not found on recommended.vCPUs. Send it as an additional property ."
            in extra.stderr
        )
        assert ok(update + "recommended.vcpus.max=16")["recommended"] == {"vCPUs": {"max": 16}}

    def test_remove_a_key(self, ok: Any) -> None:
        ok("sig image-definition update -g rg1 -r gal1 -i def1 --set description=x")
        assert "description" not in ok(
            "sig image-definition update -g rg1 -r gal1 -i def1 --remove description"
        )


def test_show_list_table_tsv(sigctl: Runner, ok: Any, gallery: None) -> None:
    ok(f"{CREATE} -i a -p P -f O -s A --os-type linux")
    ok(f"{CREATE} -i b -p P -f O -s B --os-type windows --description later")
    table = sigctl("sig image-definition list -g rg1 -r gal1 -o table").stdout.splitlines()
    assert table[0].split() == [
        "Architecture",
        "HyperVGeneration",
        "Location",
        "Name",
        "OsState",
        "OsType",
        "ProvisioningState",
        "ResourceGroup",
        "Description",
    ]
    assert (
        sigctl("sig image-definition list -g rg1 -r gal1 --query [].name -o tsv").stdout == "a\nb\n"
    )
    tsv = (
        sigctl("sig image-definition show -g rg1 -r gal1 -i a -o tsv")
        .stdout.rstrip("\n")
        .split("\t")
    )
    # architecture, features(list->1), hyperVGeneration, id, identifier{}, location, name, osState, osType,
    # provisioningState, resourceGroup, tags{}, type
    assert (
        tsv[:3] == ["x64", "1", "V2"]
        and tsv[4] == ""
        and tsv[-1] == "Microsoft.Compute/galleries/images"
    )


def test_not_found_paths(sigctl: Runner, gallery: None) -> None:
    shown = sigctl("sig image-definition show -g rg1 -r gal1 -i nope")
    assert shown.exit_code == 3
    assert (
        "The Resource 'Microsoft.Compute/galleries/gal1/images/nope' under resource group 'rg1' was not found."
        in shown.stderr
    )
    listed = sigctl("sig image-definition list -g rg1 -r nogal")
    assert listed.exit_code == 3 and "'Microsoft.Compute/galleries/nogal'" in listed.stderr
    assert sigctl("sig image-definition list -g rg1").exit_code == 2


def test_delete(sigctl: Runner, ok: Any, gallery: None) -> None:
    ok(f"{CREATE} -i a -p P -f O -s A --os-type linux")
    assert sigctl("sig image-definition delete -g rg1 -r gal1 -i a").stdout == ""
    again = sigctl("sig image-definition delete -g rg1 -r gal1 -i a")
    assert (again.exit_code, again.stdout, again.stderr) == (0, "", "")
    ok("sig delete -g rg1 -r gal1")  # the gallery is empty again


def test_design_tree_is_the_same_command(ok: Any, gallery: None) -> None:
    made = ok(
        "image-definition create -g rg1 -r gal1 -i a -p P -f O -s A --os-type linux --only-show-errors"
    )
    assert ok("sig image-definition show -g rg1 -r gal1 -i a") == made


def test_wait(sigctl: Runner, ok: Any, gallery: None) -> None:
    ok(f"{CREATE} -i a -p P -f O -s A --os-type linux")
    assert sigctl("sig image-definition wait -g rg1 -r gal1 -i a --created").exit_code == 0
    assert sigctl("sig image-definition wait -g rg1 -r gal1 -i gone --deleted").exit_code == 0


def test_arm64_needs_generation_2(sigctl: Runner, ok: Any, gallery: None) -> None:
    refused = sigctl(
        f"{CREATE} -i a -p P -f O -s A --os-type linux --architecture Arm64 --hyper-v-generation V1"
    )
    assert (
        refused.exit_code == 1
        and "Arm64 images are supported only with hyperVGeneration V2." in refused.stderr
    )
    assert (
        ok(f"{CREATE} -i b -p P -f O -s B --os-type linux --architecture arm64")["architecture"]
        == "Arm64"
    )


def test_identifier_case_is_not_a_change(ok: Any, gallery: None) -> None:
    ok(f"{CREATE} -i a -p Contoso -f Finance -s Backend --os-type linux")
    again = ok(f"{CREATE} -i a -p contoso -f finance -s BACKEND --os-type linux --description d")
    assert again["identifier"] == {"publisher": "Contoso", "offer": "Finance", "sku": "Backend"}


def test_clash_message_shows_the_existing_spelling(sigctl: Runner, ok: Any, gallery: None) -> None:
    ok(f"{CREATE} -i a -p Contoso -f Finance -s Backend --os-type linux")
    clash = sigctl(f"{CREATE} -i b -p contoso -f finance -s BACKEND --os-type linux")
    assert "identified by (publisher:Contoso, offer:Finance, sku:Backend)" in clash.stderr
