"""Publish an image version to `sigctl serve` with the Azure SDK for Python, signed in as a
service principal through the emulated token service. Only base_url, the credential's
authority and the CA bundle differ from a script for real Azure.

    python examples/serve_sdk.py ENDPOINT CA_BUNDLE APP_ID
"""

from __future__ import annotations

import sys

from azure.identity import ClientSecretCredential
from azure.mgmt.compute import ComputeManagementClient

TENANT = "7f3c1b2a-0d4e-4f6a-9b8c-5d2e1f0a3b4c"  # the emulated cloud's default tenant
SUBSCRIPTION = "6b1a9c4e-2f3d-4e5a-8b7c-9d0e1f2a3b4c"
GROUP, GALLERY, LOCATION = "images-rg", "PipelineImages", "eastus2"


def main(endpoint: str, ca_bundle: str, app_id: str) -> None:
    credential = ClientSecretCredential(
        TENANT,
        app_id,
        "any secret",
        authority=endpoint.removeprefix("https://"),
        disable_instance_discovery=True,
        connection_verify=ca_bundle,
    )
    compute = ComputeManagementClient(
        credential,
        SUBSCRIPTION,
        base_url=endpoint,
        credential_scopes=[f"{endpoint}/.default"],
        connection_verify=ca_bundle,
    )
    compute.galleries.begin_create_or_update(GROUP, GALLERY, {"location": LOCATION}).result()
    compute.gallery_images.begin_create_or_update(
        GROUP,
        GALLERY,
        "ubuntu",
        {
            "location": LOCATION,
            "properties": {
                "osType": "Linux",
                "osState": "Generalized",
                "hyperVGeneration": "V2",
                "identifier": {"publisher": "contoso", "offer": "ubuntu", "sku": "24_04"},
            },
        },
    ).result()
    source = compute.images.begin_create_or_update(
        GROUP,
        "ubuntu-build-42",
        {
            "location": LOCATION,
            "properties": {
                "hyperVGeneration": "V2",
                "storageProfile": {"osDisk": {"osType": "Linux", "osState": "Generalized"}},
            },
        },
    ).result()
    poller = compute.gallery_image_versions.begin_create_or_update(
        GROUP,
        GALLERY,
        "ubuntu",
        "1.0.0",
        {
            "location": LOCATION,
            "properties": {
                "publishingProfile": {
                    "targetRegions": [{"name": LOCATION}, {"name": "westeurope"}]
                },
                "storageProfile": {"source": {"id": source.id}},
            },
        },
    )
    print("replicating:", poller.status())
    version = poller.result()  # polls the operation as the emulated clock moves
    shown = compute.gallery_image_versions.get(
        GROUP, GALLERY, "ubuntu", "1.0.0", expand="ReplicationStatus"
    )
    print(
        "version",
        version.name,
        version.provisioning_state,
        shown.replication_status.aggregated_state,
    )


if __name__ == "__main__":
    main(*sys.argv[1:4])
