"""Provider layer for image definitions: ARM bodies in, ARM bodies or ArmError out (no CLI)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sigctl.provider import ids
from sigctl.provider.service import Provider
from tests.arm import (
    NOW,
    SUB,
    cloud,
    definition_body,
    error_of,
    gallery,
    image,
    managed_image,
    version,
    version_body,
)

PATH = f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Compute/galleries/gal1/images"


@pytest.fixture
def provider(home: Path, monkeypatch: pytest.MonkeyPatch, backend: str) -> Provider:
    """On each store backend (tests/conftest.py: files, and PostgreSQL)."""
    monkeypatch.setenv("SIGCTL_NOW", NOW)
    monkeypatch.setenv("SIGCTL_REPLICATION_SPEED", "instant")
    return cloud(Provider(home), "gal1")


def test_put_returns_what_the_service_fills_in(provider: Provider) -> None:
    body = provider.put(
        image(),
        {
            "location": "East US 2",
            "properties": {
                "osType": "linux",
                "osState": "generalized",
                "identifier": {"publisher": "P", "offer": "O", "sku": "S"},
            },
        },
        **{"api-version": "2025-03-03"},
    )
    assert body == {
        "id": f"{PATH}/def1",
        "name": "def1",
        "type": "Microsoft.Compute/galleries/images",
        "location": "eastus2",
        "properties": {
            "osType": "Linux",
            "osState": "Generalized",
            "identifier": {"publisher": "P", "offer": "O", "sku": "S"},
            "hyperVGeneration": "V2",
            "architecture": "x64",
            "provisioningState": "Succeeded",
        },
    }
    assert provider.get(image("DEF1")) == body
    assert provider.list(ids.compute_id(SUB, "rg1", "galleries", "gal1", "images")) == [body]


@pytest.mark.parametrize("api_version,generation", [("2024-03-03", "V1"), ("2025-03-03", "V2")])
def test_the_default_generation_follows_the_api_version(
    provider: Provider, api_version: str, generation: str
) -> None:
    body = definition_body()
    del body["properties"]["hyperVGeneration"]
    made = provider.put(image(), body, **{"api-version": api_version})
    assert made["properties"]["hyperVGeneration"] == generation


@pytest.mark.parametrize("field", ["osType", "osState"])
def test_os_type_and_state_are_required(provider: Provider, field: str) -> None:
    body = definition_body()
    del body["properties"][field]
    error = error_of(provider.put, image(), body)
    assert (error.code, error.status) == ("InvalidParameter", 400)
    assert (
        error.message == f"Required parameter 'galleryImage.properties.{field}' is missing (null)."
    )


@pytest.mark.parametrize(
    "field,value", [("osType", "Solaris"), ("hyperVGeneration", "V3"), ("architecture", "Mips")]
)
def test_enumerations_are_checked(provider: Provider, field: str, value: str) -> None:
    error = error_of(provider.put, image(), definition_body(**{field: value}))
    assert error.code in ("InvalidParameter", "InvalidRequestContent") and error.status == 400
    assert value in error.message


@pytest.mark.parametrize(
    "name,code,fragment",
    [
        ("bad.", "InvalidResourceName", "has these invalid trailing characters: '.'"),
        ("trail-", "InvalidParameter", "is invalid according to its validation rule"),
        ("-lead", "InvalidParameter", "is invalid according to its validation rule"),
        ("x" * 81, "InvalidParameter", "is invalid according to its validation rule"),
    ],
)
def test_definition_name_rules(provider: Provider, name: str, code: str, fragment: str) -> None:
    error = error_of(provider.put, image(name), definition_body())
    assert error.code == code and fragment in error.message


@pytest.mark.parametrize("name", ["a", "def-1", "def_1.x", "x" * 80])
def test_valid_definition_names(provider: Provider, name: str) -> None:
    assert provider.put(image(name), definition_body())["name"] == name


@pytest.mark.parametrize(
    "part,value",
    [
        ("publisher", "pub."),
        ("publisher", ""),
        ("publisher", "p" * 129),
        ("offer", "o" * 65),
        ("sku", "s/s"),
        ("sku", "s s"),
    ],
)
def test_identifier_rules(provider: Provider, part: str, value: str) -> None:
    body = definition_body(**{"publisher": "P", "offer": "O", "sku": "S", part: value})
    error = error_of(provider.put, image(), body)
    assert error.code == "InvalidParameter"
    assert error.target == f"galleryImage.properties.identifier.{part}"
    assert error.message.startswith(
        f"Asset name galleryImage.properties.identifier.{part} is not valid."
    )


def test_the_longest_identifier_parts_are_valid(provider: Provider) -> None:
    made = provider.put(image(), definition_body("p" * 128, "o" * 64, "s" * 64))
    assert made["properties"]["identifier"]["publisher"] == "p" * 128


class TestIdentifierUniqueness:
    def test_a_triple_names_one_definition_of_a_gallery(self, provider: Provider) -> None:
        provider.put(image("myImage1"), definition_body("Contoso", "Finance", "Backend"))
        for spelling in (("Contoso", "Finance", "Backend"), ("contoso", "FINANCE", "backend")):
            error = error_of(provider.put, image("myImage2"), definition_body(*spelling))
            assert (error.code, error.status, error.target) == ("Conflict", 409, "identifier")
            assert error.message == (  # the holder's own spelling
                "Gallery image: myImage1 identified by (publisher:Contoso, offer:Finance, "
                "sku:Backend) already exists. Choose a different publisher, offer, sku combination."
            )
        assert error_of(provider.get, image("myImage2")).code == "ResourceNotFound"

    def test_other_galleries_and_deleted_definitions_do_not_count(self, provider: Provider) -> None:
        provider.put(gallery("gal2"), {"location": "eastus2"})
        provider.put(image("a"), definition_body())
        assert provider.put(image("a", "gal2"), definition_body())["name"] == "a"
        provider.delete(image("a"))
        assert provider.put(image("b"), definition_body())["name"] == "b"

    def test_a_put_on_the_holder_itself_is_an_update(self, provider: Provider) -> None:
        provider.put(image(), definition_body("Contoso", "Finance", "Backend"))
        again = provider.put(
            image("DEF1"), definition_body("contoso", "finance", "BACKEND", description="d")
        )
        # case is no change, and the stored spelling stays
        assert again["properties"]["identifier"] == {
            "publisher": "Contoso",
            "offer": "Finance",
            "sku": "Backend",
        }
        assert again["name"] == "def1" and again["properties"]["description"] == "d"


KEPT = {"eula": "e", "privacyStatementUri": "https://p"}  # immutable fields of TestUpdates


class TestUpdates:
    @pytest.fixture(autouse=True)
    def definition(self, provider: Provider) -> dict[str, Any]:
        return provider.put(image(), definition_body(**KEPT))

    def test_a_put_replaces_what_may_change(self, provider: Provider) -> None:
        changed = provider.put(
            image(),
            {
                **definition_body(
                    **KEPT,
                    description="x",
                    releaseNoteUri="https://r",
                    endOfLifeDate="2035-06-01T00:00:00Z",
                    recommended={"vCPUs": {"min": 2, "max": 16}, "memory": {"max": 64}},
                    disallowed={"diskTypes": ["Standard_LRS"]},
                ),
                "tags": {"team": "images"},
            },
        )
        props = changed["properties"]
        assert props["description"] == "x" and props["releaseNoteUri"] == "https://r"
        assert props["endOfLifeDate"] == "2035-06-01T00:00:00+00:00"
        assert props["recommended"] == {"vCPUs": {"min": 2, "max": 16}, "memory": {"max": 64}}
        assert props["disallowed"] == {"diskTypes": ["Standard_LRS"]}
        assert changed["tags"] == {"team": "images"}
        assert provider.get(image()) == changed

    @pytest.mark.parametrize(
        "field,value",
        [
            ("osType", "Windows"),
            ("osState", "Specialized"),
            ("hyperVGeneration", "V1"),
            ("architecture", "Arm64"),
            ("eula", "changed"),
            ("privacyStatementUri", "https://other"),
            ("purchasePlan", {"name": "n", "publisher": "p", "product": "x"}),
        ],
    )
    def test_immutable_properties(
        self, provider: Provider, definition: dict[str, Any], field: str, value: Any
    ) -> None:
        body = definition_body(**{**KEPT, field: value})
        error = error_of(provider.put, image(), body)
        assert (error.code, error.status) == ("PropertyChangeNotAllowed", 409)
        assert (
            error.message == f"Changing property 'galleryImage.properties.{field}' is not allowed."
        )
        assert provider.get(image()) == definition

    @pytest.mark.parametrize("part", ["publisher", "offer", "sku"])
    def test_the_identifier_is_immutable(self, provider: Provider, part: str) -> None:
        parts = {"publisher": "P", "offer": "O", "sku": "S", part: "Other"}
        body = definition_body(**parts, **KEPT)
        error = error_of(provider.put, image(), body)
        assert error.code == "PropertyChangeNotAllowed"
        assert f"'galleryImage.properties.identifier.{part}'" in error.message

    def test_features_change_only_with_allow_update_image(self, provider: Provider) -> None:
        feature = [{"name": "IsHibernateSupported", "value": "true"}]
        base = {**KEPT, "features": feature}
        error = error_of(provider.put, image(), definition_body(**base))
        assert (
            error.message == "Changing property 'galleryImage.properties.features' is not allowed."
        )
        made = provider.put(image(), definition_body(**base, allowUpdateImage=True))
        assert made["properties"]["features"] == feature
        assert "allowUpdateImage" not in made["properties"]  # a request flag, never stored

    def test_patch_merges_into_the_stored_definition(self, provider: Provider) -> None:
        patched = provider.patch(image(), {"properties": {"description": "patched"}})
        assert patched["properties"]["description"] == "patched"
        assert patched["properties"]["eula"] == "e"
        error = error_of(provider.patch, image(), {"properties": {"osType": "Windows"}})
        assert error.code == "PropertyChangeNotAllowed"

    def test_the_location_cannot_change(self, provider: Provider) -> None:
        body = definition_body(location="westus2", **KEPT)
        error = error_of(provider.put, image(), body)
        assert (error.code, error.status) == ("InvalidResourceLocation", 409)

    def test_an_expired_date_may_stay_but_not_be_set(
        self, provider: Provider, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        provider.put(image(), definition_body(**KEPT, endOfLifeDate="2027-01-01T00:00:00Z"))
        monkeypatch.setenv("SIGCTL_NOW", "2028-01-01T00:00:00Z")
        kept = definition_body(**KEPT, endOfLifeDate="2027-01-01T00:00:00Z", description="d")
        assert provider.put(image(), kept)["properties"]["description"] == "d"
        error = error_of(
            provider.put, image(), definition_body(**KEPT, endOfLifeDate="2027-06-01T00:00:00Z")
        )
        assert error.message == "EndOfLifeDate must be set to a future date."


def test_end_of_life_must_be_in_the_future(provider: Provider) -> None:
    error = error_of(provider.put, image(), definition_body(endOfLifeDate="2001-01-01T00:00:00Z"))
    assert (error.code, error.target) == ("InvalidParameter", "endOfLifeDate")


@pytest.mark.parametrize(
    "recommended,message",
    [
        (
            {"vCPUs": {"min": 8, "max": 4}},
            "The minimum value of recommended.vCPUs must not be greater than the maximum value "
            "of recommended.vCPUs.",
        ),
        (
            {"memory": {"min": 0}},
            "The value 0 of parameter recommended.memory.min is out of range. The value must be "
            "between 1 and 2147483647, inclusive.",
        ),
    ],
)
def test_recommended_bounds(provider: Provider, recommended: Any, message: str) -> None:
    error = error_of(provider.put, image(), definition_body(recommended=recommended))
    assert (error.code, error.message) == ("InvalidParameter", message)


def test_arm64_needs_generation_2(provider: Provider) -> None:
    error = error_of(
        provider.put, image(), definition_body(architecture="Arm64", hyperVGeneration="V1")
    )
    assert error.message == "Arm64 images are supported only with hyperVGeneration V2."
    made = provider.put(image(), definition_body(architecture="arm64"))
    assert made["properties"]["architecture"] == "Arm64"


@pytest.mark.parametrize(
    "feature,fragment",
    [
        ({"name": "", "value": "x"}, "'features[0].name' and 'features[0].value' must be set."),
        ({"name": "a"}, "'features[0].name' and 'features[0].value' must be set."),
        ({"name": "SecurityType", "value": "Insecure"}, "Insecure"),
    ],
)
def test_feature_rules(provider: Provider, feature: dict[str, str], fragment: str) -> None:
    error = error_of(provider.put, image(), definition_body(features=[feature]))
    assert error.status == 400 and fragment in error.message


def test_security_types_take_the_services_spelling(provider: Provider) -> None:
    feature = {"name": "SecurityType", "value": "trustedlaunchsupported"}
    made = provider.put(image(), definition_body(features=[feature]))
    assert made["properties"]["features"] == [
        {"name": "SecurityType", "value": "TrustedLaunchSupported"}
    ]


def test_a_missing_parent_or_definition(provider: Provider) -> None:
    error = error_of(provider.put, image(gallery="nogal"), definition_body())
    assert (error.code, error.status) == ("ParentResourceNotFound", 404)
    assert error.message == (
        "Can not perform requested operation on nested resource. Parent resource 'nogal' not found."
    )
    missing = error_of(provider.get, image("nope"))
    assert (missing.code, missing.status) == ("ResourceNotFound", 404)
    assert missing.message.startswith(
        "The Resource 'Microsoft.Compute/galleries/gal1/images/nope' under resource group 'rg1' "
        "was not found."
    )
    listed = error_of(provider.list, ids.compute_id(SUB, "rg1", "galleries", "nogal", "images"))
    assert "'Microsoft.Compute/galleries/nogal'" in listed.message


def test_a_shared_gallery_keeps_definitions_in_its_region(provider: Provider) -> None:
    provider.put(
        gallery("shared"),
        {"location": "eastus2", "properties": {"sharingProfile": {"permissions": "Groups"}}},
    )
    error = error_of(provider.put, image(gallery="shared"), definition_body(location="westus2"))
    assert (
        error.target == "location" and "must be in the gallery's region 'eastus2'" in error.message
    )
    assert provider.put(image(gallery="gal1"), definition_body(location="westus2"))


def test_the_definition_limit_per_region(
    provider: Provider, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIGCTL_LIMITS_IMAGE_DEFINITIONS", "1")
    provider.put(image("a"), definition_body(sku="A"))
    error = error_of(provider.put, image("b"), definition_body(sku="B"))
    assert (error.code, error.status, error.target) == ("QuotaExceeded", 409, "image_definitions")
    assert "Current Limit: 1, Current Usage: 1" in error.message
    assert provider.put(image("b"), definition_body(sku="B", location="westus2"))  # per region
    provider.put(image("a"), definition_body(sku="A", description="an update is no new one"))
    provider.delete(image("a"))
    assert provider.put(image("c"), definition_body(sku="C"))["name"] == "c"


class TestDelete:
    def test_a_missing_definition_deletes_silently(self, provider: Provider) -> None:
        assert provider.delete(image("never")) is None

    def test_versions_must_go_first(self, provider: Provider) -> None:
        provider.put(image(), definition_body())
        provider.put(version(), version_body(managed_image(provider)))
        error = error_of(provider.delete, image())
        assert (error.code, error.status) == ("CannotDeleteResource", 409)
        assert "'Microsoft.Compute/galleries/gal1/images/def1/versions/1.0.0'" in error.message
        provider.delete(version())
        provider.delete(image())
        assert error_of(provider.get, image()).code == "ResourceNotFound"
        # and the gallery, now empty, can go too
        provider.delete(gallery())


# -- features and the security type --------------------------------------------------------------


def test_features_are_kept_as_given_but_the_security_type_is_spelt_as_the_service_does(
    provider: Provider,
) -> None:
    features = [
        {"name": "IsAcceleratedNetworkSupported", "value": "true", "startsAtVersion": "2.0.0"},
        {"name": "securitytype", "value": "confidentialvm"},
    ]
    made = provider.put(image(), definition_body(features=features))
    assert made["properties"]["features"] == [
        {"name": "IsAcceleratedNetworkSupported", "value": "true", "startsAtVersion": "2.0.0"},
        {"name": "securitytype", "value": "ConfidentialVM"},
    ]


def test_features_must_be_a_list(provider: Provider) -> None:
    error = error_of(provider.put, image(), definition_body(features={"name": "x"}))
    assert (error.code, error.status, error.target) == (
        "InvalidRequestContent",
        400,
        "properties.features",
    )


def test_features_may_be_removed_with_allow_update_image(provider: Provider) -> None:
    feature = [{"name": "SecurityType", "value": "TrustedLaunchSupported"}]
    provider.put(image(), definition_body(features=feature))
    error = error_of(provider.put, image(), definition_body())
    assert (error.code, error.status) == ("PropertyChangeNotAllowed", 409)
    assert (
        "features"
        not in provider.put(image(), definition_body(allowUpdateImage=True))["properties"]
    )


def test_a_purchase_plan_keeps_the_parts_given(provider: Provider) -> None:
    plan = {"name": "n", "publisher": "p"}
    made = provider.put(image(), definition_body(purchasePlan=plan))
    assert made["properties"]["purchasePlan"] == plan


SETS = f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Compute/diskEncryptionSets"
KEY = "https://contosovault.vault.azure.net/keys/images/0123"
CVM_TYPES = "ConfidentialVM, ConfidentialVmSupported or TrustedLaunchAndConfidentialVmSupported"


class TestSecurityTypeOfVersions:
    """A definition's SecurityType feature decides how its versions may encrypt a confidential
    VM's disk (encryption.osDiskImage.securityProfile of each target region)."""

    @pytest.fixture
    def img(self, provider: Provider) -> str:
        return managed_image(provider)

    def define(self, provider: Provider, security_type: str | None) -> str:
        name = (security_type or "plain").lower()
        features = [{"name": "SecurityType", "value": security_type}] if security_type else None
        extra = {"features": features} if features else {}
        provider.put(image(name), definition_body(sku=name, **extra))
        return name

    def regions(self, *kinds: str, set_name: str | None = None) -> list[dict[str, Any]]:
        """eastus2, then westus2, each with the confidential VM encryption type given."""
        out = []
        for region, kind in zip(("eastus2", "westus2"), kinds, strict=False):
            security = {"confidentialVMEncryptionType": kind}
            if set_name:
                security["secureVMDiskEncryptionSetId"] = f"{SETS}/{set_name}"
            out.append(
                {"name": region, "encryption": {"osDiskImage": {"securityProfile": security}}}
            )
        return out

    @pytest.mark.parametrize(
        "security_type,allowed",
        [
            (None, False),
            ("Standard", False),
            ("TrustedLaunch", False),
            ("TrustedLaunchSupported", False),
            ("ConfidentialVmSupported", True),
            ("TrustedLaunchAndConfidentialVmSupported", True),
            ("ConfidentialVM", True),
        ],
    )
    def test_only_confidential_definitions_take_a_confidential_encryption(
        self, provider: Provider, img: str, security_type: str | None, allowed: bool
    ) -> None:
        name = self.define(provider, security_type)
        body = version_body(img, targetRegions=self.regions("EncryptedWithPmk"))
        if allowed:
            made = provider.put(version(image=name), body)
            region = made["properties"]["publishingProfile"]["targetRegions"][0]
            assert region["encryption"] == {
                "osDiskImage": {
                    "securityProfile": {"confidentialVMEncryptionType": "EncryptedWithPmk"}
                }
            }
            return
        error = error_of(provider.put, version(image=name), body)
        assert (error.code, error.status) == ("InvalidParameter", 400)
        assert error.target == (
            "targetRegions.encryption.osDiskImage.securityProfile.confidentialVMEncryptionType"
        )
        assert error.message == (
            "The regional encryption.osDiskImage.securityProfile.confidentialVMEncryptionType can "
            f"only be specified when the SecurityType of the image definition is {CVM_TYPES}; it "
            f"is '{security_type or 'Standard'}'."
        )

    def test_a_confidential_vm_definition_needs_the_type_in_every_region(
        self, provider: Provider, img: str
    ) -> None:
        name = self.define(provider, "ConfidentialVM")
        error = error_of(provider.put, version(image=name), version_body(img))
        assert error.target == "galleryImageVersion.properties.publishingProfile.targetRegions"
        assert error.message == (
            "The regional encryption.osDiskImage.securityProfile.type must be specified when the "
            "SecurityType of the image definition is ConfidentialVM."
        )

    def test_a_confidential_vm_leaves_home_only_without_a_persisted_tpm(
        self, provider: Provider, img: str
    ) -> None:
        name = self.define(provider, "ConfidentialVM")
        away = version_body(img, targetRegions=self.regions("EncryptedWithPmk", "EncryptedWithPmk"))
        error = error_of(provider.put, version(image=name), away)
        assert error.message == (
            "Only the home region 'eastus2' can be specified as a target region for Images with "
            "the ConfidentialVM feature unless the Confidential VM encryption type is set to "
            "'NonPersistedTPM'."
        )
        tpm = version_body(img, targetRegions=self.regions("EncryptedWithPmk", "NonPersistedTPM"))
        assert provider.put(version(image=name), tpm)["name"] == "1.0.0"

    def test_customer_keys_need_a_confidential_set(self, provider: Provider, img: str) -> None:
        for set_name, kind in (("des", None), ("cvm", "ConfidentialVmEncryptedWithCustomerKey")):
            properties: dict[str, Any] = {"activeKey": {"keyUrl": KEY}}
            if kind:
                properties["encryptionType"] = kind
            provider.put(
                ids.compute_id(SUB, "rg1", "diskEncryptionSets", set_name),
                {
                    "location": "eastus2",
                    "identity": {"type": "SystemAssigned"},
                    "properties": properties,
                },
            )
        name = self.define(provider, "ConfidentialVmSupported")
        without = error_of(
            provider.put,
            version(image=name),
            version_body(img, targetRegions=self.regions("EncryptedWithCmk")),
        )
        assert without.message == (
            "The confidential VM encryption type 'EncryptedWithCmk' needs a disk encryption set in "
            "encryption.osDiskImage.securityProfile.secureVMDiskEncryptionSetId."
        )
        plain_set = version_body(
            img, targetRegions=self.regions("EncryptedWithCmk", set_name="des")
        )
        wrong = error_of(provider.put, version(image=name), plain_set)
        assert wrong.message == (
            f"The disk encryption set '{SETS}/des' has encryption type "
            "'EncryptionAtRestWithCustomerKey'; the disk encryption set of a confidential VM image "
            "needs the type 'ConfidentialVmEncryptedWithCustomerKey'."
        )
        right = version_body(img, targetRegions=self.regions("EncryptedWithCmk", set_name="cvm"))
        made = provider.put(version(image=name), right)
        security = made["properties"]["publishingProfile"]["targetRegions"][0]["encryption"]
        assert security["osDiskImage"]["securityProfile"]["secureVMDiskEncryptionSetId"] == (
            f"{SETS}/cvm"
        )


# -- deleting what holds children ----------------------------------------------------------------


def test_a_gallery_names_each_definition_it_holds(provider: Provider) -> None:
    for name in ("a", "b"):
        provider.put(image(name), definition_body(sku=name))
    error = error_of(provider.delete, gallery())
    assert (error.code, error.status) == ("CannotDeleteResource", 409)
    assert error.message == (
        "Cannot delete resource while nested resources exist. Some existing nested resource IDs "
        "include: 'Microsoft.Compute/galleries/gal1/images/a', "
        "'Microsoft.Compute/galleries/gal1/images/b'. Please delete all nested resources before "
        "deleting this resource."
    )
    provider.delete(image("a"))
    assert "images/a'" not in error_of(provider.delete, gallery()).message


def test_deleting_a_definition_of_a_missing_gallery(provider: Provider) -> None:
    error = error_of(provider.delete, image(gallery="nogal"))
    assert (error.code, error.status) == ("ParentResourceNotFound", 404)
    assert error.message.endswith("Parent resource 'nogal' not found.")


def test_a_group_delete_takes_what_it_holds(provider: Provider) -> None:
    provider.put(image(), definition_body())
    provider.put(version(), version_body(managed_image(provider)))
    provider.delete(ids.resource_group_id(SUB, "rg1"))
    for gone in (version(), image(), gallery()):
        assert error_of(provider.get, gone).status == 404
