"""`sigctl resource move`: as in Azure, galleries and what is in them cannot move."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sigctl.cli.context import Invocation
from sigctl.cli.errors import CliError, usage_error
from sigctl.cli.framework import CommandGroup
from sigctl.cli.params import Ids, values
from sigctl.errors import ArmError

commands = CommandGroup("Move resources (az resource move): galleries cannot move.")


@commands.command(
    "move",
    examples=[
        (
            "Try to move a gallery to another subscription (Azure does not support it).",
            "{prefix} move --ids GALLERY_ID --destination-group OtherGroup --destination-subscription-id SUB_ID",
        ),
    ],
)
def move(
    inv: Invocation,
    destination_group: Annotated[
        str, typer.Option("--destination-group", help="The destination resource group name.")
    ],
    destination_subscription_id: Annotated[
        str | None,
        typer.Option(
            "--destination-subscription-id", help="The destination subscription identifier."
        ),
    ] = None,
    ids_: Ids = None,
) -> Any:
    """Move resources from one resource group to another (can be under different subscription).

    Azure Compute Gallery resources cannot be moved, to another resource group or to another
    subscription; share the gallery instead. sigctl refuses those moves as Azure does and does
    not emulate moving anything else.
    """
    from sigctl.provider import ids

    given = values(ids_)
    if not given:
        raise usage_error("the following arguments are required: --ids")
    types = sorted({ids.parse(text).resource_type() for text in given})
    gallery_types = [t for t in types if t.lower().startswith("microsoft.compute/galleries")]
    if gallery_types:
        # ARM validates a move first: the resources must exist and the caller may read them.
        client = inv.client
        for text in given:
            client.get(text)
        raise ArmError(
            "ResourceMoveNotSupported",
            f"Resource move is not supported for resource types '{', '.join(gallery_types)}'.",
            400,
        )
    raise CliError(f"sigctl does not emulate moving '{', '.join(types)}' resources.")
