"""Properties of ARM resource ids (sigctl.provider.ids): round trips, case, refusals."""

from __future__ import annotations

import re
from pathlib import Path
from random import Random

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from sigctl.errors import ArmError
from sigctl.provider import ids
from sigctl.provider.ids import ResourceId
from sigctl.provider.service import Provider
from tests import arm

KNOWN_NAMESPACES = (ids.COMPUTE, ids.RESOURCES, ids.STORAGE, ids.MANAGED_IDENTITY, ids.SIGCTL)
KNOWN_TYPES = (
    "galleries",
    "images",
    "versions",
    "snapshots",
    "disks",
    "virtualMachines",
    "storageAccounts",
    "locations",
    "sharedGalleries",
    "communityGalleries",
    "diskEncryptionSets",
    "inVMAccessControlProfiles",
    "userAssignedIdentities",
    "applications",
)

# A segment is any text without '/'. A pasted id is trimmed, so a segment that ends the id
# does not end in whitespace here (the parser's documented leniency, not a round-trip loss).
segment = (
    st.text(st.characters(exclude_characters="/"), min_size=1, max_size=12)
    .map(str.strip)
    .filter(bool)
)
# Names that are not keywords or known types, so their casing is the caller's to keep.
other_type = segment.filter(
    lambda s: s.lower() not in {t.lower() for t in (*KNOWN_TYPES, "resourceGroups", "providers")}
)
other_namespace = segment.filter(lambda s: s.lower() not in {n.lower() for n in KNOWN_NAMESPACES})
namespace = st.one_of(st.sampled_from(KNOWN_NAMESPACES), other_namespace)
types = st.lists(st.one_of(st.sampled_from(KNOWN_TYPES), other_type), min_size=1, max_size=4)


@st.composite
def resource_ids(draw: st.DrawFn) -> ResourceId:
    """Any id sigctl builds: a (list of) resource group(s), or a resource or collection below a
    provider namespace, with or without a resource group."""
    subscription = draw(segment)
    if draw(st.booleans()):
        return ids.resource_group_id(subscription, draw(st.none() | segment))
    group = draw(st.none() | segment)
    ns = draw(namespace)
    kinds = tuple(draw(types))
    collection = draw(st.booleans())
    names = tuple(draw(segment) for _ in range(len(kinds) - collection))
    return ResourceId(subscription, group, ns, kinds, names)


@given(resource_ids())
def test_parse_reads_back_what_str_writes(rid: ResourceId) -> None:
    assert ids.parse(str(rid)) == rid
    assert ids.parse(str(rid) + "/") == rid  # one trailing slash is tolerated


@given(resource_ids(), st.randoms(use_true_random=False))
def test_keywords_namespaces_and_known_types_ignore_case(rid: ResourceId, random: Random) -> None:
    """Re-casing the ASCII letters of everything but the names (and the subscription and
    group) reads the same id."""
    kept = {rid.subscription, rid.resource_group, *rid.names} - {None}

    def recase(part: str) -> str:
        """Some of its ASCII letters in the other case (ARM's keywords and types are ASCII)."""
        if part in kept:
            return part
        return "".join(c.swapcase() if c.isascii() and random.random() < 0.5 else c for c in part)

    recased = [recase(part) for part in str(rid).split("/")]
    parsed = ids.parse("/".join(recased))
    canonical_ns = rid.namespace in KNOWN_NAMESPACES
    known = all(t in (*KNOWN_TYPES, "resourceGroups") for t in rid.types)
    if canonical_ns and known:
        assert parsed == rid  # back to the canonical casing
    assert parsed.route == rid.route  # what a handler is chosen by
    assert (parsed.subscription, parsed.resource_group, parsed.names) == (
        rid.subscription,
        rid.resource_group,
        rid.names,
    )


@given(resource_ids(), st.data())
def test_an_empty_segment_is_refused(rid: ResourceId, data: st.DataObject) -> None:
    text = str(rid)
    slashes = [m.start() for m in re.finditer("/", text)][1:]  # not the leading one
    at = data.draw(st.sampled_from(slashes))
    broken = text[:at] + "/" + text[at:]
    with pytest.raises(ArmError) as refused:
        ids.parse(broken)
    assert (refused.value.code, refused.value.status) == ("InvalidResourceId", 400)


@given(st.text(max_size=60))
@example("/subscriptions/")
@example("/subscriptions/s/resourceGroups/g/providers")
@example("/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute")
@example("/subscriptions/s/resourceGroups/g/extra")
@example("subscriptions/s")
@example("/Subscriptions/s/providers/ns/t")
@example("/subscriptions/s/resourceGroups//providers/providers/ns/t")
@example("/subscriptions/s/providers/Microsoft.Resources/resourceGroups/g")
def test_any_text_is_an_id_or_a_clear_refusal(text: str) -> None:
    """Never another exception; and what parses is in its canonical form already."""
    try:
        parsed = ids.parse(text)
    except ArmError as refused:
        assert (refused.code, refused.status) == ("InvalidResourceId", 400)
        assert refused.message.startswith(f"Resource id '{text}' is invalid.")
        return
    assert ids.parse(str(parsed)) == parsed
    assert len(parsed.types) - len(parsed.names) in (0, 1)
    assert parsed.is_collection == (len(parsed.names) < len(parsed.types))


# -- every resource type the provider serves ------------------------------------------------------

# Each (namespace, types) sigctl's provider answers, canonically cased.
SERVED = [
    (ids.RESOURCES, ("resourceGroups",)),
    (ids.COMPUTE, ("galleries",)),
    (ids.COMPUTE, ("galleries", "images")),
    (ids.COMPUTE, ("galleries", "images", "versions")),
    (ids.COMPUTE, ("galleries", "applications")),
    (ids.COMPUTE, ("galleries", "applications", "versions")),
    (ids.COMPUTE, ("galleries", "inVMAccessControlProfiles")),
    (ids.COMPUTE, ("galleries", "inVMAccessControlProfiles", "versions")),
    (ids.COMPUTE, ("galleries", "softDeletedArtifactTypes", "artifacts", "versions")),
    (ids.COMPUTE, ("locations", "sharedGalleries")),
    (ids.COMPUTE, ("locations", "sharedGalleries", "images")),
    (ids.COMPUTE, ("locations", "sharedGalleries", "images", "versions")),
    (ids.COMPUTE, ("locations", "communityGalleries")),
    (ids.COMPUTE, ("locations", "communityGalleries", "images")),
    (ids.COMPUTE, ("locations", "communityGalleries", "images", "versions")),
    (ids.COMPUTE, ("locations", "usages")),
    (ids.COMPUTE, ("locations", "capsOperations")),
    (ids.COMPUTE, ("images",)),
    (ids.COMPUTE, ("snapshots",)),
    (ids.COMPUTE, ("disks",)),
    (ids.COMPUTE, ("virtualMachines",)),
    (ids.COMPUTE, ("diskEncryptionSets",)),
    (ids.STORAGE, ("storageAccounts",)),
    (ids.MANAGED_IDENTITY, ("userAssignedIdentities",)),
    (ids.SIGCTL, ("inventory",)),
]


@st.composite
def served_ids(draw: st.DrawFn) -> ResourceId:
    """An id of a resource (or a collection) of one of the served types, any names."""
    namespace, types = draw(st.sampled_from(SERVED))
    collection = draw(st.booleans())
    names = tuple(draw(segment) for _ in range(len(types) - collection))
    if namespace == ids.RESOURCES:
        return ids.resource_group_id(draw(segment), names[0] if names else None)
    return ResourceId(draw(segment), draw(st.none() | segment), namespace, types, names)


@given(served_ids(), st.randoms(use_true_random=False))
def test_every_served_type_round_trips_and_routes_in_any_case(
    rid: ResourceId, random: Random
) -> None:
    """parse(str(id)) is the id; and however the keywords, namespace and types are cased, the
    id reaches the same handler with the same names."""
    assert ids.parse(str(rid)) == rid
    kept = {rid.subscription, rid.resource_group, *rid.names} - {None}
    recased = "/".join(
        part
        if part in kept
        else "".join(c.upper() if random.random() < 0.5 else c.lower() for c in part)
        for part in str(rid).split("/")
    )
    parsed = ids.parse(recased)
    assert parsed.route == rid.route
    assert (parsed.subscription, parsed.resource_group, parsed.names) == (
        rid.subscription,
        rid.resource_group,
        rid.names,
    )
    assert parsed.is_collection == rid.is_collection


names_ = segment.filter(lambda s: s.lower() not in {"resourcegroups", "providers"})


@given(names_, names_, names_, names_, names_)
def test_the_builders_write_what_parse_reads(
    sub: str, group: str, gallery: str, child: str, version: str
) -> None:
    """The ids sigctl builds for its resources are the ids their text parses to."""
    base = f"/subscriptions/{sub}/resourceGroups/{group}/providers/Microsoft.Compute/galleries"
    built = {
        f"/subscriptions/{sub}/resourceGroups/{group}": ids.resource_group_id(sub, group),
        f"{base}/{gallery}": ids.gallery_id(sub, group, gallery),
        f"{base}/{gallery}/images/{child}": ids.image_id(sub, group, gallery, child),
        f"{base}/{gallery}/images/{child}/versions/{version}": ids.version_id(
            sub, group, gallery, child, version
        ),
        f"{base}/{gallery}/applications/{child}": ids.application_id(sub, group, gallery, child),
        f"{base}/{gallery}/applications/{child}/versions/{version}": ids.application_version_id(
            sub, group, gallery, child, version
        ),
    }
    for text, rid in built.items():
        assert str(rid) == text
        assert ids.parse(text) == rid


@pytest.mark.parametrize(
    "namespace,types", SERVED, ids=lambda v: "/".join(v) if isinstance(v, tuple) else v
)
def test_the_provider_serves_each_type_and_no_other(
    home: Path, monkeypatch: pytest.MonkeyPatch, namespace: str, types: tuple[str, ...]
) -> None:
    """So that SERVED above is the provider's list: an id of each type reaches a handler (which
    may well find nothing there), and a type next to it is refused as unknown."""
    provider = arm.cloud(Provider(home))
    rid = ResourceId(arm.SUB, "rg1", namespace, types, ("eastus2",) + ("x",) * (len(types) - 1))
    collection = ResourceId(arm.SUB, "rg1", namespace, types, rid.names[:-1])
    if namespace == ids.RESOURCES:  # a group is its own resource group; the list has none
        rid, collection = (
            ids.resource_group_id(arm.SUB, "rg1"),
            ids.resource_group_id(arm.SUB, None),
        )
    for each in (rid, collection):  # each type, whatever the property above happened to draw
        assert ids.parse(str(each)) == each
        assert ids.parse(str(each).upper()).route == ids.parse(str(each).lower()).route
        assert ids.parse(str(each).lower()).route == each.route
    try:
        provider.get(rid)
    except ArmError as error:
        assert error.code != "InvalidResourceType", error.message
    unknown = ResourceId(arm.SUB, "rg1", namespace, (*types[:-1], "nosuchType"), rid.names)
    refused = arm.error_of(provider.get, unknown)
    assert (refused.code, refused.status) == ("InvalidResourceType", 404)
    assert refused.message == (
        f"The resource type '{unknown.resource_type()}' could not be found in the namespace "
        f"'{namespace}'."
    )
