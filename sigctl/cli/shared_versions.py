"""The image versions consumers see: `sig image-version list-shared/show-shared` (shared with
them directly) and `list-community/show-community` (in community galleries)."""

from __future__ import annotations

from typing import Any

from sigctl.cli import shared_views
from sigctl.cli.context import Invocation
from sigctl.cli.framework import CommandGroup
from sigctl.cli.paging import MaxItems, NextToken, paginate

# Served by `sig image-version` (commands/image_version.py includes them).
commands = CommandGroup("Show the image versions shared with you or in community galleries.")


@commands.command(
    "list-shared",
    policy=True,
    examples=[
        (
            "The versions of a definition shared with you.",
            "{prefix} list-shared --gallery-unique-name UNIQUE_NAME -i MyImage -l eastus2",
        )
    ],
)
def list_shared(
    inv: Invocation,
    gallery_unique_name: shared_views.UniqueName,
    gallery_image_definition: shared_views.Definition,
    location: shared_views.Location,
    shared_to: shared_views.SharedTo = None,
    max_items: MaxItems = None,
    next_token: NextToken = None,
) -> Any:
    """List VM image versions in a gallery shared directly to your subscription or tenant."""
    versions = shared_views.fetch(
        inv,
        "sharedGalleries",
        location,
        gallery_unique_name,
        gallery_image_definition,
        shared_to=shared_to,
        many=True,
    )
    return paginate(inv, versions, max_items, next_token)


@commands.command(
    "show-shared",
    policy=True,
    examples=[
        (
            "Show a shared version.",
            "{prefix} show-shared --gallery-unique-name UNIQUE_NAME -i MyImage -e 1.0.0 -l eastus2",
        )
    ],
)
def show_shared(
    inv: Invocation,
    gallery_unique_name: shared_views.UniqueNameOrIds = None,
    gallery_image_definition: shared_views.DefinitionOrIds = None,
    gallery_image_version: shared_views.VersionOrIds = None,
    location: shared_views.LocationOrIds = None,
    ids_: shared_views.ViewIds = None,
) -> Any:
    """Get a shared gallery image version."""
    return shared_views.show(
        inv,
        "sharedGalleries",
        ids_,
        location,
        ("--gallery-unique-name", gallery_unique_name),
        ("-i", gallery_image_definition),
        ("-e", gallery_image_version),
    )


@commands.command(
    "list-community",
    policy=True,
    examples=[
        (
            "The versions of a community image.",
            "{prefix} list-community --public-gallery-name PUBLIC_NAME -i MyImage -l eastus2",
        )
    ],
)
def list_community(
    inv: Invocation,
    public_gallery_name: shared_views.PublicName,
    gallery_image_definition: shared_views.Definition,
    location: shared_views.Location,
    max_items: MaxItems = None,
    next_token: NextToken = None,
) -> Any:
    """List VM image versions in a community gallery."""
    versions = shared_views.fetch(
        inv,
        "communityGalleries",
        location,
        public_gallery_name,
        gallery_image_definition,
        many=True,
    )
    return paginate(inv, versions, max_items, next_token)


@commands.command(
    "show-community",
    policy=True,
    examples=[
        (
            "Show a community version.",
            "{prefix} show-community --public-gallery-name PUBLIC_NAME -i MyImage -e 1.0.0 -l eastus2",
        )
    ],
)
def show_community(
    inv: Invocation,
    public_gallery_name: shared_views.PublicNameOrIds = None,
    gallery_image_definition: shared_views.DefinitionOrIds = None,
    gallery_image_version: shared_views.VersionOrIds = None,
    location: shared_views.LocationOrIds = None,
    ids_: shared_views.ViewIds = None,
) -> Any:
    """Get a community gallery image version."""
    return shared_views.show(
        inv,
        "communityGalleries",
        ids_,
        location,
        ("--public-gallery-name", public_gallery_name),
        ("-i", gallery_image_definition),
        ("-e", gallery_image_version),
    )
