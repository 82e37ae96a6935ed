"""Identities, role assignments and their enforcement, direct and community sharing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Runner

SUB = "6b1a9c4e-2f3d-4e5a-8b7c-9d0e1f2a3b4c"
TENANT = "7f3c1b2a-0d4e-4f6a-9b8c-5d2e1f0a3b4c"
GALLERY_ID = f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Compute/galleries/gal1"


@pytest.fixture(autouse=True)
def instant(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGCTL_REPLICATION_SPEED", "instant")


@pytest.fixture
def published(ok: Any) -> None:
    """A gallery (shareable with groups) with two definitions, one with a version."""
    ok("group create -n rg1 -l eastus2")
    ok("sig create -g rg1 -r gal1 --permissions Groups")
    for name, sku in (("def1", "S1"), ("def2", "S2")):
        ok(
            f"sig image-definition create -g rg1 -r gal1 -i {name} -p P -f O -s {sku} --os-type linux --only-show-errors"
        )
    ok("source create managed-image -g rg1 -n img --os-type linux")
    ok(
        "sig image-version create -g rg1 -r gal1 -i def1 -e 1.0.0 --managed-image img --only-show-errors"
    )


def user(ok: Any, name: str, tenant: str | None = None) -> str:
    extra = f" --tenant-id {tenant}" if tenant else ""
    return ok(
        f"ad user create --display-name {name} --user-principal-name {name}@sigctl.onmicrosoft.com{extra}"
    )["id"]


SHOWS = {
    "gallery": "sig show -g rg1 -r gal1",
    "def1": "sig image-definition show -g rg1 -r gal1 -i def1",
    "def2": "sig image-definition show -g rg1 -r gal1 -i def2",
    "version": "sig image-version show -g rg1 -r gal1 -i def1 -e 1.0.0",
}


@pytest.mark.parametrize(
    "scope,allowed",
    [
        ("", {"gallery", "def1", "def2", "version"}),  # the subscription
        ("/resourceGroups/rg1", {"gallery", "def1", "def2", "version"}),
        (
            "/resourceGroups/rg1/providers/Microsoft.Compute/galleries/gal1",
            {"gallery", "def1", "def2", "version"},
        ),
        (
            "/resourceGroups/rg1/providers/Microsoft.Compute/galleries/gal1/images/def1",
            {"def1", "version"},
        ),
        (
            "/resourceGroups/rg1/providers/Microsoft.Compute/galleries/gal1/images/def1/versions/1.0.0",
            {"version"},
        ),
        (None, set()),  # no assignment at all
    ],
)
def test_the_documented_access_matrix(
    sigctl: Runner, ok: Any, published: None, scope: str | None, allowed: set[str]
) -> None:
    user(ok, "ada")
    if scope is not None:
        ok(
            f"role assignment create --assignee ada@sigctl.onmicrosoft.com --role Reader --scope /subscriptions/{SUB}{scope}"
        )
    for what, command in SHOWS.items():
        result = sigctl(f"{command} --as ada@sigctl.onmicrosoft.com")
        if what in allowed:
            assert result.exit_code == 0, (what, result.stderr)
        else:
            assert result.exit_code == 1, what
            assert result.stderr.startswith(
                "ERROR: (AuthorizationFailed) The client 'ada@sigctl.onmicrosoft.com' with object id "
            )
            assert (
                "does not have authorization to perform action 'Microsoft.Compute/galleries"
                in result.stderr
            )
    listed = ok("sig list --as ada@sigctl.onmicrosoft.com")
    assert [g["name"] for g in listed] == (["gal1"] if "gallery" in allowed else [])


def test_usage_needs_a_read_right_on_the_subscription(
    sigctl: Runner, ok: Any, published: None
) -> None:
    user(ok, "bob")
    denied = sigctl("usage -l eastus2 --as bob")
    assert denied.exit_code == 1 and "(AuthorizationFailed)" in denied.stderr
    assert "Microsoft.Compute/locations/usages/read" in denied.stderr
    # a role on the gallery alone is not enough; one on the subscription is
    ok(f"role assignment create --assignee bob --role Reader --scope {GALLERY_ID}")
    assert sigctl("usage -l eastus2 --as bob").exit_code == 1
    ok(f"role assignment create --assignee bob --role Reader --scope /subscriptions/{SUB}")
    galleries = next(
        u for u in ok("usage -l eastus2 --as bob") if u["name"]["value"] == "galleries"
    )
    assert galleries["currentValue"] == 1


def test_listing_shows_only_what_may_be_read(ok: Any, published: None) -> None:
    user(ok, "bob")
    ok(
        f"role assignment create --assignee bob@sigctl.onmicrosoft.com --role Reader --scope {GALLERY_ID}/images/def1"
    )
    ok(
        f"role assignment create --assignee bob@sigctl.onmicrosoft.com --role Reader --scope {GALLERY_ID}"
    )
    assert len(ok("sig image-definition list -g rg1 -r gal1 --as bob")) == 2
    ok(f"role assignment delete --assignee bob --scope {GALLERY_ID}")
    names = [d["name"] for d in ok("sig image-definition list -g rg1 -r gal1 --as bob")]
    assert names == ["def1"]


def test_reader_cannot_write_contributor_can(
    sigctl: Runner, ok: Any, published: None, unchanged: Any
) -> None:
    user(ok, "reader")
    user(ok, "writer")
    ok(f"role assignment create --assignee reader --role Reader --scope {GALLERY_ID}")
    ok(f"role assignment create --assignee writer --role Contributor --scope {GALLERY_ID}")
    # -l as well: without it az reads the resource group for its location, which a role on the
    # gallery alone does not allow (as in Azure)
    create = "sig image-version create -g rg1 -r gal1 -i def1 -e 2.0.0 --managed-image img -l eastus2 --only-show-errors"
    with unchanged():
        refused = sigctl(f"{create} --as reader")
    assert refused.exit_code == 1
    assert "action 'Microsoft.Compute/galleries/images/versions/write'" in refused.stderr
    # Publishing needs read on the source image too (as Azure documents per source), not only the gallery.
    with unchanged():
        no_source = sigctl(f"{create} --as writer")
    assert no_source.exit_code == 1
    assert "action 'Microsoft.Compute/images/read'" in no_source.stderr
    image = f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Compute/images/img"
    ok(f"role assignment create --assignee writer --role Reader --scope {image}")
    assert ok(f"{create} --as writer")["name"] == "2.0.0"
    lookup = sigctl(create.replace(" -l eastus2", "").replace("2.0.0", "2.0.1") + " --as writer")
    assert lookup.exit_code == 1
    assert "'Microsoft.Resources/subscriptions/resourceGroups/read'" in lookup.stderr
    # a Contributor may not hand out roles, nor share
    assert (
        sigctl(
            f"role assignment create --assignee reader --role Owner --scope {GALLERY_ID} --as writer"
        ).exit_code
        == 1
    )
    assert (
        sigctl(f"sig share add -g rg1 -r gal1 --subscription-ids {SUB} --as writer").exit_code == 1
    )


def test_a_source_in_another_subscription_needs_a_role_there(
    sigctl: Runner, ok: Any, published: None, unchanged: Any
) -> None:
    other = ok("account subscription create --name images")["subscriptionId"]
    ok("group create -n src -l eastus2 --subscription images")
    image = ok("source create managed-image -g src -n golden --os-type linux --subscription images")
    ok("sig create -g src -r central --subscription images")
    ok(
        "sig image-definition create -g src -r central -i base -p P -f O -s S --os-type linux "
        "--subscription images --only-show-errors"
    )
    upstream = ok(
        "sig image-version create -g src -r central -i base -e 5.0.0 --managed-image golden "
        "--subscription images --only-show-errors"
    )
    user(ok, "writer")
    ok(f"role assignment create --assignee writer --role Contributor --scope {GALLERY_ID}")
    create = (
        "sig image-version create -g rg1 -r gal1 -i def1 -l eastus2 --only-show-errors --as writer"
    )
    with unchanged():
        denied = sigctl(f"{create} -e 2.0.0 --managed-image {image['id']}")
    assert denied.exit_code == 1
    assert f"over scope '{image['id']}'" in denied.stderr
    # without the right, a missing source looks like an existing one: no probing for names
    absent = image["id"].replace("/golden", "/absent")
    with unchanged():
        probe = sigctl(f"{create} -e 2.0.0 --managed-image {absent}")
    assert probe.exit_code == 1 and f"over scope '{absent}'" in probe.stderr
    ok(f"role assignment create --assignee writer --role Reader --scope /subscriptions/{other}")
    made = ok(f"{create} -e 2.0.0 --managed-image {image['id']}")
    assert made["storageProfile"]["source"]["id"] == image["id"]
    copied = ok(f"{create} -e 3.0.0 --image-version {upstream['id']}")
    assert copied["storageProfile"]["source"]["id"] == upstream["id"]
    vhd = ok("source create vhd -g src -n disk0 --os-type linux --subscription images")
    from_vhd = ok(
        "sig image-version create -g rg1 -r gal1 -i def1 -e 6.0.0 --only-show-errors "
        f"--os-vhd-uri {vhd['properties']['uri']} "
        f"--os-vhd-storage-account {vhd['properties']['storageAccountId']}"
    )
    assert (
        from_vhd["storageProfile"]["osDiskImage"]["source"]["storageAccountId"]
        == (vhd["properties"]["storageAccountId"])
    )
    # a subscription that does not exist holds no source
    missing = image["id"].replace(other, "00000000-0000-0000-0000-000000000000")
    with unchanged():
        assert sigctl(f"{create} -e 4.0.0 --managed-image {missing}").exit_code == 3


def test_roles_through_group_membership(sigctl: Runner, ok: Any, published: None) -> None:
    member = user(ok, "member")
    group = ok("ad group create --display-name readers --mail-nickname readers")["id"]
    ok(f"role assignment create --assignee readers --role Reader --scope {GALLERY_ID}")
    assert sigctl("sig show -g rg1 -r gal1 --as member").exit_code == 1
    ok(f"ad group member add --group readers --member-id {member}")
    assert [m["id"] for m in ok("ad group member list --group readers")] == [member]
    assert sigctl("sig show -g rg1 -r gal1 --as member").exit_code == 0
    ok(f"ad group member remove --group {group} --member-id member")
    assert sigctl("sig show -g rg1 -r gal1 --as member").exit_code == 1


def test_acting_principal_sources(
    sigctl: Runner, ok: Any, published: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada = user(ok, "ada")
    assert ok("account show")["user"] == {"name": "user@sigctl.onmicrosoft.com", "type": "user"}
    ok("login --as ada@sigctl.onmicrosoft.com")
    assert ok("account show")["user"]["name"] == "ada@sigctl.onmicrosoft.com"
    assert sigctl("sig show -g rg1 -r gal1").exit_code == 1  # ada has no role
    assert sigctl("sig show -g rg1 -r gal1 --as user@sigctl.onmicrosoft.com").exit_code == 0
    ok("logout")
    monkeypatch.setenv("SIGCTL_PRINCIPAL", ada)
    assert ok("account show")["user"]["name"] == "ada@sigctl.onmicrosoft.com"
    unknown = sigctl("sig show -g rg1 -r gal1 --as nobody")
    assert unknown.exit_code == 1 and "Principal 'nobody' not found" in unknown.stderr
    sp = ok("ad sp create --display-name ci-publisher")
    assert ok(f"account show --as {sp['appId']}")["user"] == {
        "name": sp["appId"],
        "type": "servicePrincipal",
    }
    ok("ad group create --display-name readers --mail-nickname readers")
    for command in ("account show --as readers", "login --as readers"):
        group = sigctl(command)
        assert group.exit_code == 1 and "'readers' is a group" in group.stderr, command


def test_role_assignment_listing_and_definitions(sigctl: Runner, ok: Any, published: None) -> None:
    user(ok, "ada")
    ok(f"role assignment create --assignee ada --role Reader --scope {GALLERY_ID}")
    assert [a["roleDefinitionName"] for a in ok("role assignment list")] == [
        "Owner"
    ]  # subscription scope only
    # Like az, --assignee alone still looks at the subscription scope; --all looks everywhere.
    assert ok("role assignment list --assignee ada") == []
    mine = ok("role assignment list --assignee ada --all")
    assert [(a["principalName"], a["roleDefinitionName"], a["scope"]) for a in mine] == [
        ("ada@sigctl.onmicrosoft.com", "Reader", GALLERY_ID)
    ]
    inherited = ok(f"role assignment list --scope {GALLERY_ID}/images/def1 --include-inherited")
    assert {a["roleDefinitionName"] for a in inherited} == {"Owner", "Reader"}
    assert sigctl("role assignment list -o table").stdout.splitlines()[0].split() == [
        "Principal",
        "Role",
        "Scope",
    ]
    again = sigctl(f"role assignment create --assignee ada --role Reader --scope {GALLERY_ID}")
    assert again.exit_code == 1 and "RoleAssignmentExists" in again.stderr
    janitor = sigctl(f"role assignment create --assignee ada --role Janitor --scope {GALLERY_ID}")
    assert (janitor.exit_code, janitor.stderr) == (1, "ERROR: Role 'Janitor' doesn't exist.\n")
    nobody = sigctl(f"role assignment create --assignee nobody --role Reader --scope {GALLERY_ID}")
    assert nobody.exit_code == 1
    assert nobody.stderr.startswith(
        "ERROR: Cannot find user or service principal in graph database for 'nobody'."
    )
    mixed = sigctl(f"role assignment list --all --scope {GALLERY_ID}")
    assert mixed.exit_code == 1 and "not required when --all is used" in mixed.stderr
    roles = {r["roleName"] for r in ok("role definition list")}
    assert {"Owner", "Contributor", "Reader", "Compute Gallery Sharing Admin"} <= roles


def test_role_assignment_create_shape_and_delete_scope(
    sigctl: Runner, ok: Any, published: None
) -> None:
    sp = ok("ad sp create --display-name ci-publisher")
    created = ok(
        f"role assignment create --assignee ci-publisher --role Reader --scope {GALLERY_ID}"
    )
    # ARM's answer: no principalName/roleDefinitionName (those are az list's additions).
    assert "principalName" not in created and "roleDefinitionName" not in created
    assert (created["principalType"], created["scope"]) == ("ServicePrincipal", GALLERY_ID)
    listed = ok(f"role assignment list --scope {GALLERY_ID}")
    assert [a["principalName"] for a in listed] == [sp["appId"]]  # az shows an SP's app id
    before = ok("state export")
    # Without --scope, delete matches the subscription scope only: nothing there for the SP.
    missed = sigctl("role assignment delete --assignee ci-publisher --role Reader")
    assert (missed.exit_code, missed.stderr) == (
        1,
        "ERROR: No matched assignments were found to delete\n",
    )
    assert ok("state export") == before
    ok(f"role assignment delete --assignee ci-publisher --role Reader --scope {GALLERY_ID}")
    assert ok(f"role assignment list --scope {GALLERY_ID}") == []


class TestDirectSharing:
    def test_share_add_and_remove(self, sigctl: Runner, ok: Any, published: None) -> None:
        consumer = ok("account subscription create --name consumer")["subscriptionId"]
        assert ok("sig share add -g rg1 -r gal1 --subscription-ids " + consumer) == {
            "groups": [{"ids": [consumer], "type": "Subscriptions"}],
            "operationType": "Add",
        }
        shown = ok("sig show -g rg1 -r gal1 --sharing-groups")
        assert shown["sharingProfile"] == {
            "groups": [{"ids": [consumer], "type": "Subscriptions"}],
            "permissions": "Groups",
        }
        assert shown["sharingStatus"]["aggregatedState"] == "Succeeded"
        assert "groups" not in ok("sig show -g rg1 -r gal1")["sharingProfile"]
        selected = ok("sig show -g rg1 -r gal1 --select permissions")["sharingProfile"]
        assert selected["groups"] == [{"ids": [consumer], "type": "Subscriptions"}]
        galleries = ok("sig list-shared -l eastus2 --subscription consumer")
        unique = f"{SUB}-GAL1"
        assert [(g["name"], g["uniqueId"]) for g in galleries] == [
            (unique, f"/SharedGalleries/{unique}")
        ]
        images = ok(
            f"sig image-definition list-shared --gallery-unique-name {unique} -l eastus2 --subscription consumer"
        )
        assert [i["name"] for i in images] == ["def1", "def2"]
        assert images[0]["identifier"] == {"offer": "O", "publisher": "P", "sku": "S1"}
        versions = ok(
            f"sig image-version list-shared --gallery-unique-name {unique} -i def1 -l eastus2 --subscription consumer"
        )
        assert [
            (v["name"], v["storageProfile"]["osDiskImage"]["diskSizeGB"]) for v in versions
        ] == [("1.0.0", 30)]
        one = ok(
            f"sig image-version show-shared --gallery-unique-name {unique} -i def1 -e 1.0.0 -l eastus2 --subscription consumer"
        )
        assert one["uniqueId"] == f"/SharedGalleries/{unique}/Images/def1/Versions/1.0.0"
        # other subscriptions and other regions see nothing
        assert ok("sig list-shared -l eastus2") == []
        assert ok("sig list-shared -l westus2 --subscription consumer") == []
        ok(f"sig share remove -g rg1 -r gal1 --subscription-ids {consumer}")
        assert ok("sig list-shared -l eastus2 --subscription consumer") == []
        gone = sigctl(
            f"sig show-shared --gallery-unique-name {unique} -l eastus2 --subscription consumer"
        )
        assert gone.exit_code == 3

    def test_sharing_with_a_tenant_and_a_principal_there(
        self, sigctl: Runner, ok: Any, published: None
    ) -> None:
        tenant = ok("account tenant create --display-name Fabrikam --domain fabrikam.com")[
            "tenantId"
        ]
        ok(
            f"ad user create --display-name guest --user-principal-name guest@fabrikam.com --tenant-id {tenant}"
        )
        ok(
            f"account subscription create --name fabrikam-sub --tenant-id {tenant} --owner guest@fabrikam.com"
        )
        # Choosing a subscription does not change who acts: the signed-in user has no role there.
        denied = sigctl("group create -n theirs -l eastus2 --subscription fabrikam-sub")
        assert denied.exit_code == 1 and "AuthorizationFailed" in denied.stderr
        ok(f"sig share add -g rg1 -r gal1 --tenant-ids {tenant}")
        seen = ok(
            "sig list-shared -l eastus2 --shared-to tenant --subscription fabrikam-sub --as guest@fabrikam.com"
        )
        assert [g["name"] for g in seen] == [f"{SUB}-GAL1"]
        # A GET of one item finds a gallery shared with the tenant without --shared-to.
        as_guest = "--subscription fabrikam-sub --as guest@fabrikam.com"
        unique = f"{SUB}-GAL1"
        shown = ok(f"sig show-shared --gallery-unique-name {unique} -l eastus2 {as_guest}")
        assert shown["uniqueId"] == f"/SharedGalleries/{unique}"
        version = ok(
            f"sig image-version show-shared --gallery-unique-name {unique} -i def1 -e 1.0.0 -l eastus2 {as_guest}"
        )
        assert version["name"] == "1.0.0"
        # Without --shared-to tenant the list is what is shared with the subscription itself.
        assert (
            ok("sig list-shared -l eastus2 --subscription fabrikam-sub --as guest@fabrikam.com")
            == []
        )
        assert (
            ok("account show --subscription fabrikam-sub --as guest@fabrikam.com")["tenantId"]
            == tenant
        )

    def test_visible_where_a_replica_is(
        self, ok: Any, published: None, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        consumer = ok("account subscription create --name consumer")["subscriptionId"]
        ok(f"sig share add -g rg1 -r gal1 --subscription-ids {consumer}")
        listed = "sig list-shared --subscription consumer -l "
        assert ok(listed + "westus") == []  # no replica there yet
        ok(
            "sig image-version create -g rg1 -r gal1 -i def1 -e 1.0.1 --managed-image img "
            "--target-regions eastus2 westus --only-show-errors"
        )
        assert [g["name"] for g in ok(listed + "westus")] == [f"{SUB}-GAL1"]
        assert [g["name"] for g in ok(listed + "eastus2")] == [f"{SUB}-GAL1"]
        assert ok(listed + "northeurope") == []
        # A region copying extra replicas keeps serving the ones it has.
        monkeypatch.delenv("SIGCTL_REPLICATION_SPEED")
        ok("replication clock set 2030-01-01T00:00:00Z")
        ok(
            "sig image-version update -g rg1 -r gal1 -i def1 -e 1.0.1 "
            "--target-regions eastus2 westus=3 --no-wait"
        )
        state = ok("replication status -g rg1 -r gal1 -i def1 -e 1.0.1")
        assert "Replicating" in str(state)
        assert [g["name"] for g in ok(listed + "westus")] == [f"{SUB}-GAL1"]

    def test_consumer_show_commands_take_ids_as_az_s_do(
        self, sigctl: Runner, ok: Any, published: None
    ) -> None:
        ok("sig share add -g rg1 -r gal1 --subscription-ids " + SUB)
        view = f"/subscriptions/{SUB}/providers/Microsoft.Compute/locations/eastus2/sharedGalleries/{SUB}-GAL1"
        assert ok(f"sig show-shared --ids {view}")["name"] == f"{SUB}-GAL1"
        assert ok(f"sig show-shared -n {SUB}-GAL1 -l eastus2")["name"] == f"{SUB}-GAL1"
        assert ok(f"sig image-definition show-shared --ids {view}/images/def1")["name"] == "def1"
        both = ok(
            f"sig image-version show-shared --ids {view}/images/def1/versions/1.0.0 "
            f"{view}/images/def1/versions/1.0.0"
        )
        assert [v["name"] for v in both] == ["1.0.0", "1.0.0"]  # several ids: a list
        # a missing part is reported after parsing, as az's generated show commands do
        missing = sigctl(
            f"sig image-version show-shared --gallery-unique-name {SUB}-GAL1 -i def1 -l eastus2"
        )
        assert missing.exit_code == 1
        assert missing.stderr == "ERROR: InvalidArgumentValue: Missing required field: -e\n"
        no_location = sigctl(f"sig show-shared --gallery-unique-name {SUB}-GAL1")
        assert no_location.stderr == (
            "ERROR: InvalidArgumentValue: Missing required field: --location\n"
        )
        mixed = sigctl(f"sig show-shared --ids {view} -l eastus2")
        assert mixed.exit_code == 1 and "--ids cannot be combined" in mixed.stderr
        # the policy arguments of az's generated commands are accepted, and change nothing
        assert (
            ok(f"sig show-shared --ids {view} --acquire-policy-token --change-reference CR1")[
                "name"
            ]
            == f"{SUB}-GAL1"
        )
        flag = sigctl(f"sig show-shared --ids {view} --acquire-policy-token=yes")
        assert flag.exit_code == 2
        assert "argument --acquire-policy-token: ignored explicit argument 'yes'" in flag.stderr

    def test_consumer_views_take_azs_spellings_and_pages(
        self, sigctl: Runner, ok: Any, published: None
    ) -> None:
        ok("sig share add -g rg1 -r gal1 --subscription-ids " + SUB)
        unique = f"--gallery-unique-name {SUB}-GAL1 -l eastus2"
        for spelling in ("-i def1", "--gallery-image-name def1", "--gallery-image-definition def1"):
            assert ok(f"sig image-definition show-shared {unique} {spelling}")["name"] == "def1"
        version = ok(
            f"sig image-version show-shared {unique} --gallery-image-name def1 "
            "--gallery-image-version-name 1.0.0"
        )
        assert version["name"] == "1.0.0"
        # list commands take only -i/--gallery-image-definition, as az's do
        narrow = sigctl(f"sig image-version list-shared {unique} --gallery-image-name def1")
        assert narrow.exit_code == 2
        first = sigctl(f"sig image-definition list-shared {unique} --max-items 1")
        assert first.exit_code == 0
        assert [i["name"] for i in json.loads(first.stdout)] == ["def1"]
        token = first.stderr.split("Token of next page: ")[1].strip()
        rest = ok(f"sig image-definition list-shared {unique} --next-token {token}")
        assert [i["name"] for i in rest] == ["def2"]
        assert len(ok("sig list-shared -l eastus2 --max-items 1")) == 1
        unknown = sigctl("sig list-shared -l eastus2 --shared-to everyone")
        assert unknown.exit_code == 2 and unknown.stderr.startswith(
            "ERROR: sigctl sig list-shared: 'everyone' is not a valid value for '--shared-to'. "
            "Allowed values: tenant."
        )
        assert ok(f"sig image-version list-shared {unique} -i def1 --max-items 5")[0]["name"] == (
            "1.0.0"
        )

    def test_an_id_named_twice_is_shared_once(
        self, sigctl: Runner, ok: Any, published: None, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("SIGCTL_LIMITS_SHARE_SUBSCRIPTIONS", "1")
        twice = f"{SUB} {SUB.upper()}"
        ok(f"sig share add -g rg1 -r gal1 --subscription-ids {twice}")  # one, within the limit
        profile = ok("sig show -g rg1 -r gal1 --sharing-groups")["sharingProfile"]
        assert profile["groups"] == [{"ids": [SUB], "type": "Subscriptions"}]

    def test_ids_must_be_guids(self, sigctl: Runner, ok: Any, published: None) -> None:
        before = ok("sig show -g rg1 -r gal1 --sharing-groups")
        bad = sigctl("sig share add -g rg1 -r gal1 --subscription-ids not-a-guid")
        assert bad.exit_code == 1 and "'not-a-guid' is not a valid subscription id" in bad.stderr
        tenant = sigctl("sig share add -g rg1 -r gal1 --tenant-ids not-a-guid")
        assert "'not-a-guid' is not a valid tenant id" in tenant.stderr
        assert ok("sig show -g rg1 -r gal1 --sharing-groups") == before

    def test_rules(self, sigctl: Runner, ok: Any, published: None) -> None:
        ok("sig create -g rg1 -r private1")
        refused = sigctl(f"sig share add -g rg1 -r private1 --subscription-ids {SUB}")
        assert refused.exit_code == 1 and "--permissions Groups" in refused.stderr
        assert sigctl("sig share add -g rg1 -r gal1").exit_code == 1
        sigctl("config set limits.share_tenants=1")
        ok("sig share add -g rg1 -r gal1 --tenant-ids 11111111-1111-1111-1111-111111111111")
        over = sigctl(
            "sig share add -g rg1 -r gal1 --tenant-ids 22222222-2222-2222-2222-222222222222"
        )
        assert over.exit_code == 1 and "at most 1 tenants" in over.stderr
        assert sigctl("sig update -g rg1 -r gal1 --permissions Private").exit_code == 1
        assert ok("sig share reset -g rg1 -r gal1") == {"operationType": "Reset"}

    def test_reset_returns_the_gallery_to_private(
        self, sigctl: Runner, ok: Any, published: None
    ) -> None:
        ok(f"sig share add -g rg1 -r gal1 --subscription-ids {SUB}")
        ok("sig share reset -g rg1 -r gal1")
        shown = ok("sig show -g rg1 -r gal1 --sharing-groups")
        assert shown["sharingProfile"] == {"permissions": "Private"}
        assert "sharingStatus" not in shown
        selected = ok("sig show -g rg1 -r gal1 --select Permissions")
        assert selected["sharingProfile"] == {"permissions": "Private"}
        consumer = ok("account subscription create --name consumer-after-reset")["subscriptionId"]
        assert ok(f"sig list-shared -l eastus2 --subscription {consumer}") == []
        # A private gallery is shared through RBAC only, as one created private.
        again = sigctl(f"sig share add -g rg1 -r gal1 --subscription-ids {SUB}")
        assert again.exit_code == 1 and "'Private'" in again.stderr
        ok("sig share reset -g rg1 -r gal1")  # resetting a private gallery changes nothing
        assert ok("sig show -g rg1 -r gal1")["sharingProfile"] == {"permissions": "Private"}


class TestCommunity:
    CREATE = (
        "sig create -g rg1 -r comm --permissions Community --publisher-uri https://contoso.com "
        "--publisher-email pub@contoso.com --eula https://contoso.com/eula --public-name-prefix contoso"
    )

    def test_community_gallery_lifecycle(self, sigctl: Runner, ok: Any) -> None:
        ok("group create -n rg1 -l eastus2")
        ok(self.CREATE)
        ok(
            "sig image-definition create -g rg1 -r comm -i pub -p P -f O -s S --os-type linux --only-show-errors"
        )
        ok("source create managed-image -g rg1 -n img --os-type linux")
        ok(
            "sig image-version create -g rg1 -r comm -i pub -e 1.0.0 --managed-image img --only-show-errors"
        )
        assert ok("sig list-community -l eastus2") == []  # not public until enabled
        ok("sig share enable-community -g rg1 -r comm")
        info = ok("sig show -g rg1 -r comm")["sharingProfile"]["communityGalleryInfo"]
        assert info["communityGalleryEnabled"] is True
        public = info["publicNames"][0]
        assert public.startswith("contoso-") and len(public) == len("contoso-") + 36
        other = ok("account subscription create --name someone-else")["subscriptionId"]
        seen = ok(f"sig list-community -l eastus2 --subscription {other}")
        assert [(g["name"], g["type"]) for g in seen] == [
            (public, "Microsoft.Compute/locations/communityGallery")
        ]
        assert seen[0]["communityMetadata"]["publisherUri"] == "https://contoso.com"
        for spelling in ("-n", "--name", "--public-gallery-name"):
            assert ok(f"sig show-community {spelling} {public} -l eastus2")["name"] == public
        paged = ok(
            f"sig image-definition list-community --public-gallery-name {public} -l eastus2 --max-items 1"
        )
        assert [i["name"] for i in paged] == ["pub"]
        image = ok(
            f"sig image-definition show-community --public-gallery-name {public} -i pub -l eastus2"
        )
        assert image["uniqueId"] == f"/CommunityGalleries/{public}/Images/pub"
        versions = ok(
            f"sig image-version list-community --public-gallery-name {public} -i pub -l eastus2"
        )
        assert [v["name"] for v in versions] == ["1.0.0"]
        ok(
            "sig image-version create -g rg1 -r comm -i pub -e 1.1.0 --managed-image img --only-show-errors"
        )
        ok(
            "sig image-version create -g rg1 -r comm -i pub -e 1.2.0 --managed-image img "
            "--exclude-from-latest --only-show-errors"
        )
        # The community lists only each image's latest version (excluded ones never are).
        versions = ok(
            f"sig image-version list-community --public-gallery-name {public} -i pub -l eastus2"
        )
        assert [v["name"] for v in versions] == ["1.1.0"]
        for version in ("1.1.0", "1.2.0"):
            ok(f"sig image-version delete -g rg1 -r comm -i pub -e {version}")
        blocked = sigctl("sig delete -g rg1 -r comm")
        assert blocked.exit_code == 1 and "Reset its sharing" in blocked.stderr
        ok("sig share reset -g rg1 -r comm")
        assert ok("sig list-community -l eastus2") == []
        assert sigctl(f"sig show-community -n {public} -l eastus2").exit_code == 3
        # Reset unpublishes it and returns it to Private, as the service reports it.
        shown = ok("sig show -g rg1 -r comm")
        assert shown["sharingProfile"] == {"permissions": "Private"}
        assert "sharingStatus" not in shown
        again = sigctl("sig share enable-community -g rg1 -r comm")
        assert again.exit_code == 1 and "not a community gallery" in again.stderr
        nested = sigctl("sig delete -g rg1 -r comm")  # only its image definition is in the way
        assert nested.exit_code == 1 and "Reset its sharing" not in nested.stderr

    def test_list_community_markers_and_location(self, sigctl: Runner, ok: Any) -> None:
        ok("group create -n rg1 -l eastus2")
        ok(self.CREATE)
        ok("sig share enable-community -g rg1 -r comm")
        listed = ok("sig list-community -l eastus2 --show-next-marker")
        assert listed[-1] == {"nextMarker": None} and len(listed) == 2
        assert ok("sig list-community -l eastus2 --marker x") == listed[:-1]
        missing = sigctl("sig list-community")
        assert missing.exit_code == 1
        assert missing.stderr == "ERROR: InvalidArgumentValue: Missing required field: --location\n"
        ok("config set defaults.location=eastus2")
        assert ok("sig list-community") == listed[:-1]
        public = listed[0]["name"]
        view = f"/subscriptions/{SUB}/providers/Microsoft.Compute/locations/eastus2/communityGalleries/{public}"
        assert ok(f"sig show-community --ids {view}")["name"] == public
        ok("sig share reset -g rg1 -r comm")

    def test_community_arguments_are_required(self, sigctl: Runner, ok: Any) -> None:
        ok("group create -n rg1 -l eastus2")
        result = sigctl(
            "sig create -g rg1 -r comm --permissions Community --publisher-email a@b.c --eula e --public-name-prefix contoso"
        )
        assert result.exit_code == 1
        assert result.stderr == (
            "ERROR: If you want to share to the community, you need to fill in all the following parameters: "
            "--publisher-uri, --publisher-email, --eula, --public-name-prefix.\n"
        )

    def test_enable_community_takes_azs_group_arguments(self, ok: Any) -> None:
        ok("group create -n rg1 -l eastus2")
        ok(self.CREATE)
        tenant = "11111111-1111-1111-1111-111111111111"
        assert ok(f"sig share enable-community -g rg1 -r comm --tenant-ids {tenant}") == {
            "groups": [{"ids": [tenant], "type": "AADTenants"}],
            "operationType": "EnableCommunity",
        }
        profile = ok("sig show -g rg1 -r comm --sharing-groups")["sharingProfile"]
        assert "groups" not in profile  # public to everyone; no direct share is recorded
        assert profile["communityGalleryInfo"]["communityGalleryEnabled"] is True

    def test_only_a_community_gallery_goes_public(self, sigctl: Runner, ok: Any) -> None:
        ok("group create -n rg1 -l eastus2")
        ok("sig create -g rg1 -r private1")
        assert sigctl("sig share enable-community -g rg1 -r private1").exit_code == 1


def test_only_gallery_moves_are_refused_as_azure_does(sigctl: Runner) -> None:
    disk = "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/disks/d1"
    other = sigctl(f"resource move --ids {disk} --destination-group elsewhere")
    assert (other.exit_code, other.stderr) == (
        1,
        "ERROR: sigctl does not emulate moving 'Microsoft.Compute/disks' resources.\n",
    )


def test_account_list_table(sigctl: Runner) -> None:
    lines = sigctl("account list -o table").stdout.splitlines()
    assert lines[0].split() == [
        "Name",
        "CloudName",
        "SubscriptionId",
        "TenantId",
        "State",
        "IsDefault",
    ]
    assert lines[2].split() == ["sigctl-subscription", "AzureCloud", SUB, TENANT, "Enabled", "True"]


def test_a_gallery_cannot_move(sigctl: Runner, ok: Any, published: None) -> None:
    move = f"resource move --ids {GALLERY_ID} --destination-group other"
    result = sigctl(f"{move} --destination-subscription-id x")
    assert result.exit_code == 1
    assert (
        "(ResourceMoveNotSupported) Resource move is not supported for resource types 'Microsoft.Compute/galleries'."
        in result.stderr
    )
    # ARM checks the resources first: missing ones are 404, unreadable ones 403.
    assert sigctl(move.replace("gal1", "nope")).exit_code == 3
    user(ok, "nobody")
    denied = sigctl(f"{move} --as nobody@sigctl.onmicrosoft.com")
    assert denied.exit_code == 1 and "AuthorizationFailed" in denied.stderr
    assert sigctl("resource move --ids x").exit_code == 2  # --destination-group is required


def test_directory_rules(sigctl: Runner, ok: Any) -> None:
    before = ok("state export")
    for command, expected in (
        ("ad user show --id ''", 3),  # an empty name names nobody
        ("ad user delete --id ''", 3),
        ("sig list --as ''", 1),
        ("ad user create --display-name a --user-principal-name a", 1),
        ("ad user create --display-name a --user-principal-name a@elsewhere.com", 1),
        ("account subscription create --name x --subscription-id not-a-guid", 1),
        ("account tenant create --display-name T --domain t.com --tenant-id nope", 1),
        ("ad user delete --id user@sigctl.onmicrosoft.com", 1),  # owns the subscription
    ):
        result = sigctl(command)
        assert result.exit_code == expected, (command, result.stderr)
        assert result.stderr.startswith("ERROR: ") and "Traceback" not in result.stderr
    assert ok("state export") == before
    owned = sigctl("ad user delete --id user@sigctl.onmicrosoft.com")
    assert "owns the subscription(s) sigctl-subscription" in owned.stderr
    ok("ad group create --display-name team --mail-nickname team")
    user(ok, "ada")
    ok("ad group member add --group team --member-id ada@sigctl.onmicrosoft.com")
    again = sigctl("ad group member add --group team --member-id ada@sigctl.onmicrosoft.com")
    assert again.exit_code == 1 and "already exist" in again.stderr
    assert sigctl("ad group member add --group team --member-id team").exit_code == 1
    ok("ad group member remove --group team --member-id ada@sigctl.onmicrosoft.com")
    gone = sigctl("ad group member remove --group team --member-id ada@sigctl.onmicrosoft.com")
    assert gone.exit_code == 3
    both = sigctl("role assignment create --role Reader --assignee ada --assignee-object-id x")
    assert both.exit_code == 1 and "usage error" in both.stderr


def test_a_deleted_principal_does_not_hand_its_roles_to_a_namesake(
    sigctl: Runner, ok: Any, published: None
) -> None:
    user(ok, "temp")
    ok(
        f"role assignment create --assignee temp@sigctl.onmicrosoft.com --role Reader --scope {GALLERY_ID}"
    )
    ok("ad user delete --id temp@sigctl.onmicrosoft.com")
    user(ok, "temp")  # same name, so (ids being derived from names) the same object id
    denied = sigctl("sig show -g rg1 -r gal1 --as temp@sigctl.onmicrosoft.com")
    assert denied.exit_code == 1 and "AuthorizationFailed" in denied.stderr


def test_subscription_create_in_another_tenant_acts_as_the_caller(ok: Any) -> None:
    tenant = ok("account tenant create --display-name Fabrikam --domain fabrikam.com")["tenantId"]
    made = ok(f"account subscription create --name fab --tenant-id {tenant}")
    assert made["tenantId"] == tenant


def test_a_denied_service_principal_is_named_by_its_app_id(
    sigctl: Runner, ok: Any, published: None
) -> None:
    sp = ok("ad sp create --display-name robot")
    denied = sigctl(f"sig show -g rg1 -r gal1 --as {sp['appId']}")
    assert f"The client '{sp['appId']}' with object id '{sp['id']}'" in denied.stderr


def test_shared_and_community_galleries_keep_contents_in_their_region(
    sigctl: Runner, ok: Any, published: None
) -> None:
    other = sigctl(
        "sig image-definition create -g rg1 -r gal1 -i far -p P -f O -s FAR --os-type linux -l westus2"
    )
    assert other.exit_code == 1
    assert "must be in the gallery's region 'eastus2', not 'westus2'" in other.stderr
    version = sigctl(
        "sig image-version create -g rg1 -r gal1 -i def1 -e 2.0.0 --managed-image img -l westus2 "
        "--target-regions westus2"
    )
    assert version.exit_code == 1 and "gallery's region" in version.stderr
    ok("sig create -g rg1 -r private1")
    ok(
        "sig image-definition create -g rg1 -r private1 -i far -p P -f O -s FAR --os-type linux -l westus2"
    )


def test_account_set_and_subscriptions(sigctl: Runner, ok: Any) -> None:
    created = ok("account subscription create --name second")
    ok("account set --subscription second")
    assert ok("account show")["id"] == created["subscriptionId"]
    assert ok("group list") == []
    assert sigctl("account set --subscription nope").exit_code == 1
    assert {s["displayName"] for s in ok("account subscription list")} == {
        "sigctl-subscription",
        "second",
    }
