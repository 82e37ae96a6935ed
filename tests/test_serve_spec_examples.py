"""The REST specification's examples for galleries (Microsoft.Compute, api-version 2025-03-03)
replayed against `sigctl serve`: each request is accepted with one of the example's status
codes, and the answer has every field the example's answer has, except the differences listed
in DIFFERENCES (and in docs/emulation.md, "Spec examples").

The examples are in tests/spec_examples/ (see its README for where they come from). Before each
one the state is reset and what the request presumes is made: the resource group, the gallery,
the definition, a version, and any source the body names.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from served import SUB, TENANT, ServedCloud

pytestmark = pytest.mark.slow  # it starts processes (tests/slow_guard.py)

API = "2025-03-03"
GROUP, GALLERY, IMAGE, VERSION = "myResourceGroup", "myGalleryName", "myGalleryImageName", "1.0.0"
FOLDER = Path(__file__).parent / "spec_examples" / API
EXAMPLES = sorted(FOLDER.glob("*/*.json"))
AUTH = {"Authorization": "Bearer spec-examples"}

# Fields of an example's answer that sigctl does not return, and why (docs/emulation.md).
NOT_EMULATED = {
    "nextLink": "one page: lists carry no nextLink",
    "properties.safetyProfile.reportedForPolicyViolation": "no policy scanning",
    "properties.safetyProfile.policyViolations": "no policy scanning",
    "properties.storageProfile.osDiskImage.hostCaching": "host caching is not modelled",
    "properties.storageProfile.dataDiskImages.hostCaching": "host caching is not modelled",
    "properties.disclaimer": "community views carry no disclaimer",
    "properties.communityMetadata.privacyStatementUri": "a community gallery has no privacy URI",
}
# Fields the service returns only when the request set them (as recorded service bodies show);
# the examples' earlier requests set them.
ONLY_WHEN_SET = {
    "properties.publishingProfile.targetRegions.excludeFromLatest",
    "properties.safetyProfile.blockDeletionBeforeEndOfLife",
}
# Fields whose keys are the example's data (tag names, identity ids), not the answer's shape.
DATA_KEYS = (
    "properties.artifactTags.",
    "value.properties.artifactTags.",
    "identity.userAssignedIdentities.",
)
# Examples sigctl answers with an error instead, and why; each is replayed again without what
# is refused, and that answer is compared.
REFUSED: dict[str, tuple[int, str, str]] = {
    "GalleryImageVersion_Create_WithVHD": (
        400,
        "InvalidParameter",
        "the service encrypts copies of VMs, images, disks and snapshots only, not of VHDs",
    ),
}
ENCRYPTION = "properties.publishingProfile.targetRegions.encryption"
DIFFERENCES: dict[str, set[str]] = {
    "GalleryImageVersion_Create_WithVHD": {ENCRYPTION},
    # The answer encrypts West US but not the added East US, which the service's consistency
    # rule refuses; the replayed version is not encrypted.
    "GalleryImageVersion_Update": {ENCRYPTION},
    # A gallery's soft delete is off unless its request turns it on; the example's answer shows it.
    "Gallery_Create_WithManagedIdentity": {"properties.softDeletePolicy"},
}


def substitute(value: Any) -> Any:
    text = json.dumps(value)
    text = text.replace("{subscription-id}", SUB).replace("{subscriptionId}", SUB)
    text = re.sub(r"\{(resourceGroup|rgName|resourceGroupName)\}", GROUP, text)
    text = text.replace("{imageName}", "myImage").replace("{tenantId}", TENANT)
    text = text.replace("{vmName}", "myVM").replace("{storageAccount}", "gallerysourcencus")
    # The examples spell the set's type in the singular; ARM's type is diskEncryptionSets.
    text = text.replace(
        "/Microsoft.Compute/diskEncryptionSet/", "/Microsoft.Compute/diskEncryptionSets/"
    )
    return json.loads(text)


class Replay:
    def __init__(self, cloud: ServedCloud) -> None:
        self.cloud = cloud

    def call(self, verb: str, path: str, body: Any = None, **query: str) -> requests.Response:
        return requests.request(
            verb,
            f"{self.cloud.endpoint}{path}",
            params={"api-version": API, **query},
            json=body,
            headers=AUTH,
            verify=self.cloud.certificate,
            timeout=60,
        )

    def ok(self, verb: str, path: str, body: Any = None, **query: str) -> Any:
        answer = self.call(verb, path, body, **query)
        assert answer.status_code < 300, f"{verb} {path}: {answer.text}"
        return answer.json() if answer.content else None


def gallery_path(name: str = GALLERY) -> str:
    return (
        f"/subscriptions/{SUB}/resourceGroups/{GROUP}/providers/Microsoft.Compute/galleries/{name}"
    )


def key_paths(value: Any, prefix: str = "") -> set[str]:
    """Every field path of a JSON value; list items merge under the list's path."""
    out: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else key
            out.add(path)
            out |= key_paths(item, path)
    elif isinstance(value, list):
        for item in value:
            out |= key_paths(item, prefix)
    return out


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedCloud]:
    served = ServedCloud(
        tmp_path_factory.mktemp("spec") / "home", env={"SIGCTL_REPLICATION_SPEED": "instant"}
    )
    yield served
    served.stop()


def test_the_examples_are_there() -> None:
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_spec_example_round_trips(cloud: ServedCloud, example: Path) -> None:
    data = json.loads(example.read_text())
    params = substitute(data["parameters"])
    replay = Replay(cloud)
    replay.ok("DELETE", "/sigctl/state")
    encrypted = "diskEncryptionSetId" in json.dumps(data["responses"])
    encrypted = encrypted and example.stem not in DIFFERENCES
    verb, path, body, query = prepare(replay, example.stem, params, encrypted)
    answer = replay.call(verb, path, body, **query)
    responses = data["responses"]
    if example.stem in REFUSED:
        status, code, _why = REFUSED[example.stem]
        assert (answer.status_code, answer.json()["error"]["code"]) == (status, code)
        for region in body["properties"]["publishingProfile"]["targetRegions"]:
            region.pop("encryption", None)
        answer = replay.call(verb, path, body, **query)
    assert str(answer.status_code) in responses, answer.text
    expected = responses[str(answer.status_code)]
    expected = responses[expected["sameAs"]] if "sameAs" in expected else expected
    if "body" not in expected:
        return
    ours = answer.json()
    missing = {
        m
        for m in key_paths(substitute(expected["body"])) - key_paths(ours)
        if not m.startswith(DATA_KEYS)
    }
    allowed = set(NOT_EMULATED) | ONLY_WHEN_SET | DIFFERENCES.get(example.stem, set())
    shown = {m.removeprefix("value.") for m in missing}
    assert not {m for m in shown if not any(m == a or m.startswith(a + ".") for a in allowed)}, (
        json.dumps(ours, indent=1)
    )


# -- what each example presumes -----------------------------------------------------------------

SOURCE = "/subscriptions/{sub}/resourceGroups/{group}/providers/Microsoft.Compute/images/myImage"
IDENTITY = (
    "/subscriptions/{sub}/resourceGroups/{group}/providers/Microsoft.ManagedIdentity/"
    "userAssignedIdentities/myIdentity"
)
DES = "/subscriptions/{sub}/resourceGroups/{group}/providers/Microsoft.Compute/diskEncryptionSets/myDES"
KEY_URL = "https://myvault.vault.azure.net/keys/myKey/0123456789abcdef0123456789abcdef"
DEFINITION = {
    "location": "westus",
    "properties": {
        "osType": "Windows",
        "osState": "Generalized",
        "hyperVGeneration": "V1",
        "identifier": {"publisher": "myPublisherName", "offer": "myOfferName", "sku": "mySkuName"},
        "eula": "https://example.com/eula",
        "privacyStatementUri": "https://example.com/privacy",
    },
}
COMMUNITY = {
    "permissions": "Community",
    "communityGalleryInfo": {
        "publisherUri": "https://example.com",
        "publisherContact": "me@example.com",
        "eula": "eula",
        "publicNamePrefix": "PirPublic",
    },
}
_SOURCE_ID = re.compile(
    r"^/subscriptions/[^/]+/resourceGroups/([^/]+)/providers/Microsoft\.Compute/"
    r"(images|snapshots|disks|virtualMachines)/([^/]+)$",
    re.I,
)
_KINDS = {
    "images": "managed-image",
    "snapshots": "snapshot",
    "disks": "disk",
    "virtualmachines": "vm",
}


def prepare(
    replay: Replay, name: str, params: dict[str, Any], encrypted: bool = False
) -> tuple[str, str, Any, dict[str, str]]:
    """Make what the request needs (an existing version encrypted as the example's answer shows
    one, when it does); answer (verb, path, body, query)."""
    replay.ok(
        "PUT",
        f"/subscriptions/{SUB}/resourcegroups/{GROUP}",
        {"location": "westus"},
        **{"api-version": "2025-04-01"},
    )
    kind, _, operation = name.partition("_")
    action = operation.split("_")[0]
    query = {k: str(v) for k, v in params.items() if k.startswith("$")}
    if "select" in params:
        query["$select"] = params["select"]
    body = next(
        (
            params[k]
            for k in ("gallery", "galleryImage", "galleryImageVersion", "sharingUpdate")
            if k in params
        ),
        None,
    )
    gallery = gallery_path()
    image = f"{gallery}/images/{IMAGE}"
    version = f"{image}/versions/{VERSION}"
    make_identities(replay, body)
    if kind in ("Gallery", "CommunityGallery") and "/" not in name and action != "Create":
        make_gallery(replay, name)
    if kind == "Gallery":
        if action == "ListByResourceGroup":
            return "GET", gallery.rsplit("/", 1)[0], None, query
        if action == "ListBySubscription":
            return "GET", f"/subscriptions/{SUB}/providers/Microsoft.Compute/galleries", None, query
        if action in ("AddToSharingProfile", "ResetSharingProfile", "EnableCommunityGallery"):
            return "POST", f"{gallery}/share", body, query
        return _crud(action), gallery, body, query
    if kind == "CommunityGallery" and action in ("Create", "Get") and "location" not in params:
        return _crud(action), gallery, body, query
    if kind == "GalleryImage":
        make_gallery(replay, name)
        if action != "Create":
            replay.ok("PUT", image, definition_like(body))
        if action == "ListByGallery":
            return "GET", f"{gallery}/images", None, query
        return _crud(action), image, body, query
    if kind == "GalleryImageVersion":
        make_gallery(replay, name)
        replay.ok("PUT", image, DEFINITION)
        body = distinct_vhds(body)
        make_sources(replay, body)
        make_encryption_sets(replay, body)
        if action != "Create":
            make_version(replay, version, encrypted)
        if name.endswith("RestoreSoftDeleted"):
            replay.ok("DELETE", version)
        if action == "ListByGalleryImage":
            return "GET", f"{image}/versions", None, query
        return _crud(action), version, body, query
    if kind == "GallerySoftDeletedResource":
        make_gallery(replay, "SoftDeletion")
        replay.ok("PUT", image, DEFINITION)
        make_version(replay, version)
        replay.ok("DELETE", version)
        artifacts = f"{gallery}/softDeletedArtifactTypes/Images/artifacts/{IMAGE}/versions"
        return "GET", artifacts, None, query
    return consumer_view(replay, kind, action, params, query)


def definition_like(body: Any) -> dict[str, Any]:
    """The definition an update presumes: as the request's generation says, if it says."""
    generation = (body or {}).get("properties", {}).get("hyperVGeneration")
    if generation is None:
        return DEFINITION
    return {
        **DEFINITION,
        "properties": {**DEFINITION["properties"], "hyperVGeneration": generation},
    }


def _crud(action: str) -> str:
    return {
        "Create": "PUT",
        "Get": "GET",
        "Update": "PATCH",
        "UpdateFeatures": "PATCH",
        "Delete": "DELETE",
    }[action]


def make_gallery(replay: Replay, name: str) -> None:
    properties: dict[str, Any] = {"description": "This is the gallery description."}
    if "Community" in name:
        properties["sharingProfile"] = COMMUNITY
    elif any(word in name for word in ("Sharing", "Groups", "Select", "Shared")):
        properties["sharingProfile"] = {"permissions": "Groups"}
    if "SoftDelet" in name:
        properties["softDeletePolicy"] = {"isSoftDeleteEnabled": True}
    body: dict[str, Any] = {"location": "westus", "properties": properties}
    if "ManagedIdentity" in name:
        body["identity"] = {"type": "SystemAssigned, UserAssigned", "userAssignedIdentities": {}}
        body["identity"]["userAssignedIdentities"][IDENTITY.format(sub=SUB, group=GROUP)] = {}
        make_identities(replay, body)
    replay.ok("PUT", gallery_path(), body)
    if "Expand" in name or "Select" in name:  # groups to show
        groups = [{"type": "Subscriptions", "ids": [SUB]}, {"type": "AADTenants", "ids": [TENANT]}]
        replay.ok("POST", f"{gallery_path()}/share", {"operationType": "Add", "groups": groups})
    if name == "CommunityGallery_Get":
        replay.ok("POST", f"{gallery_path()}/share", {"operationType": "EnableCommunity"})


def make_version(replay: Replay, version: str, encrypted: bool = False) -> None:
    source = SOURCE.format(sub=SUB, group=GROUP)
    make_sources(replay, {"id": source})
    target: dict[str, Any] = {"name": "westus"}
    if encrypted:  # the OS disk and both data disks (LUNs 0 and 1) with one set
        des = {"diskEncryptionSetId": DES.format(sub=SUB, group=GROUP)}
        disks = [{"lun": lun, **des} for lun in (0, 1)]
        target["encryption"] = {"osDiskImage": des, "dataDiskImages": disks}
    body = {
        "location": "westus",
        "properties": {
            "publishingProfile": {
                "targetRegions": [target],
                "endOfLifeDate": "2040-01-01T00:00:00Z",
            },
            "storageProfile": {"source": {"id": source}},
        },
    }
    make_encryption_sets(replay, body)
    replay.ok("PUT", version, body)


def distinct_vhds(body: Any) -> Any:
    """The VHD example names one blob for its OS disk and its data disk, which the service
    refuses (duplicated source ids): the data disk gets a blob of its own (docs/emulation.md)."""
    text = json.dumps(body)
    storage = (body or {}).get("properties", {}).get("storageProfile", {})
    os_uri = storage.get("osDiskImage", {}).get("source", {}).get("uri")
    if not os_uri or text.count(json.dumps(os_uri)) < 2:
        return body
    data = storage["dataDiskImages"]
    for disk in data:
        if disk.get("source", {}).get("uri") == os_uri:
            disk["source"]["uri"] = os_uri.removesuffix(".vhd") + f"-lun{disk['lun']}.vhd"
    return body


def make_sources(replay: Replay, body: Any) -> None:
    """Every managed image, snapshot, disk, VM or VHD the body names, made on /sigctl paths."""
    for text in strings(body):
        found = _SOURCE_ID.match(text)
        if found:
            group, kind, name = found.groups()
            spec: dict[str, Any] = {
                "location": "westus",
                "osType": "Windows",
                "hyperVGeneration": "V1",
            }
            if kind.lower() in ("images", "virtualmachines"):
                spec["dataDisks"] = [{"sizeGB": 10}, {"sizeGB": 10}]
            replay.ok(
                "PUT",
                f"/sigctl/subscriptions/{SUB}/resourceGroups/{group}/sources/{_KINDS[kind.lower()]}/{name}",
                spec,
            )
        elif text.startswith("https://") and text.endswith(".vhd"):
            account = text.removeprefix("https://").split(".", 1)[0]
            container, name = text.rsplit("/", 2)[-2:]
            spec = {
                "location": "westus",
                "osType": "Windows",
                "hyperVGeneration": "V1",
                "storageAccount": account,
                "container": container,
            }
            replay.ok(
                "PUT",
                f"/sigctl/subscriptions/{SUB}/resourceGroups/{GROUP}/sources/vhd/{name.removesuffix('.vhd')}",
                spec,
            )


def make_identities(replay: Replay, body: Any) -> None:
    """The user-assigned identities a gallery's `identity` names, made on ARM's path."""
    identity = body.get("identity") if isinstance(body, dict) else None
    for identity_id in (identity or {}).get("userAssignedIdentities") or {}:
        replay.ok("PUT", identity_id, {"location": "westus"}, **{"api-version": "2023-01-31"})


def make_encryption_sets(replay: Replay, body: Any) -> None:
    """Every disk encryption set a version's target regions name, in the region it encrypts."""
    regions = (body or {}).get("properties", {}).get("publishingProfile", {}).get("targetRegions")
    for region in regions or []:
        for set_id in sorted(set(strings(region.get("encryption") or {}))):
            vault = f"/subscriptions/{SUB}/resourceGroups/{GROUP}/providers/Microsoft.KeyVault/vaults/myVault"
            key = {"keyUrl": KEY_URL, "sourceVault": {"id": vault}}
            spec = {
                "location": region["name"],
                "identity": {"type": "SystemAssigned"},
                "properties": {"activeKey": key},
            }
            replay.ok("PUT", set_id, spec, **{"api-version": "2023-04-02"})


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def consumer_view(
    replay: Replay, kind: str, action: str, params: dict[str, Any], query: dict[str, str]
) -> tuple[str, str, Any, dict[str, str]]:
    """The shared and community views: a published version, shared with this subscription or
    the community, read through .../locations/{region}/sharedGalleries|communityGalleries."""
    community = kind.startswith("Community")
    make_gallery(replay, "Community" if community else "Shared")
    gallery = gallery_path()
    replay.ok("PUT", f"{gallery}/images/{IMAGE}", DEFINITION)
    make_version(replay, f"{gallery}/images/{IMAGE}/versions/{VERSION}")
    if community:
        replay.ok("POST", f"{gallery}/share", {"operationType": "EnableCommunity"})
        info = replay.ok("GET", gallery)["properties"]["sharingProfile"]["communityGalleryInfo"]
        root = f"/subscriptions/{SUB}/providers/Microsoft.Compute/locations/westus/communityGalleries/{info['publicNames'][0]}"
    else:
        share = {"operationType": "Add", "groups": [{"type": "Subscriptions", "ids": [SUB]}]}
        replay.ok("POST", f"{gallery}/share", share)
        unique = replay.ok("GET", gallery)["properties"]["identifier"]["uniqueName"]
        root = f"/subscriptions/{SUB}/providers/Microsoft.Compute/locations/westus/sharedGalleries"
        if kind == "SharedGallery" and action == "List":
            return "GET", root, None, query
        root = f"{root}/{unique}"
    if kind.endswith("Gallery"):
        return "GET", root, None, query
    if kind.endswith("GalleryImages") or (kind.endswith("GalleryImage") and action == "List"):
        return "GET", f"{root}/images", None, query
    if kind.endswith("GalleryImage"):
        return "GET", f"{root}/images/{IMAGE}", None, query
    if action == "List" or kind.endswith("Versions"):
        return "GET", f"{root}/images/{IMAGE}/versions", None, query
    return "GET", f"{root}/images/{IMAGE}/versions/{VERSION}", None, query
