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
    "properties.publishingProfile.targetRegions.encryption": "disk encryption sets are not emulated",
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
# Examples sigctl answers with an error instead, and why.
REFUSED: dict[str, tuple[int, str, str]] = {
    name: (400, "InvalidParameter", "disk encryption sets (targetRegions[].encryption)")
    for name in (
        "GalleryImageVersion_Create",
        "GalleryImageVersion_Create_WithVHD",
        "GalleryImageVersion_Create_WithVmAsSource",
    )
}
DIFFERENCES: dict[str, set[str]] = {
    # Managed identities of galleries are not emulated: `identity` is not kept or returned.
    "Gallery_Create_WithManagedIdentity": {"identity", "properties.softDeletePolicy"},
    "Gallery_Get_WithManagedIdentity": {"identity"},
}


def substitute(value: Any) -> Any:
    text = json.dumps(value)
    text = text.replace("{subscription-id}", SUB).replace("{subscriptionId}", SUB)
    text = re.sub(r"\{(resourceGroup|rgName|resourceGroupName)\}", GROUP, text)
    text = text.replace("{imageName}", "myImage").replace("{tenantId}", TENANT)
    text = text.replace("{vmName}", "myVM").replace("{storageAccount}", "gallerysourcencus")
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
    verb, path, body, query = prepare(replay, example.stem, params)
    answer = replay.call(verb, path, body, **query)
    responses = data["responses"]
    if example.stem in REFUSED:
        status, code, _why = REFUSED[example.stem]
        assert (answer.status_code, answer.json()["error"]["code"]) == (status, code)
        return
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
    replay: Replay, name: str, params: dict[str, Any]
) -> tuple[str, str, Any, dict[str, str]]:
    """Make what the request needs; answer (verb, path, body, query)."""
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
        make_sources(replay, body)
        if action != "Create":
            make_version(replay, version)
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
    replay.ok("PUT", gallery_path(), {"location": "westus", "properties": properties})
    if "Expand" in name or "Select" in name:  # groups to show
        groups = [{"type": "Subscriptions", "ids": [SUB]}, {"type": "AADTenants", "ids": [TENANT]}]
        replay.ok("POST", f"{gallery_path()}/share", {"operationType": "Add", "groups": groups})
    if name == "CommunityGallery_Get":
        replay.ok("POST", f"{gallery_path()}/share", {"operationType": "EnableCommunity"})


def make_version(replay: Replay, version: str) -> None:
    source = SOURCE.format(sub=SUB, group=GROUP)
    make_sources(replay, {"id": source})
    body = {
        "location": "westus",
        "properties": {
            "publishingProfile": {
                "targetRegions": [{"name": "westus"}],
                "endOfLifeDate": "2040-01-01T00:00:00Z",
            },
            "storageProfile": {"source": {"id": source}},
        },
    }
    replay.ok("PUT", version, body)


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
            name = text.rsplit("/", 1)[-1].removesuffix(".vhd")
            spec = {
                "location": "westus",
                "osType": "Windows",
                "hyperVGeneration": "V1",
                "storageAccount": account,
            }
            replay.ok(
                "PUT",
                f"/sigctl/subscriptions/{SUB}/resourceGroups/{GROUP}/sources/vhd/{name}",
                spec,
            )


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
