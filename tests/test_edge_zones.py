"""Edge zones: az's --target-edge-zones grammar, targetExtendedLocations and their replication."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sigctl.errors import ArmError
from sigctl.provider import ids
from sigctl.provider.accounts import DEFAULT_SUBSCRIPTION_ID as SUB
from sigctl.provider.service import Provider
from tests.conftest import Prebuilt, Runner
from tests.test_disk_encryption_sets import request_body

V = "sig image-version create -g rg1 -r gal1 -i def1 --only-show-errors --managed-image img1"
U = "sig image-version update -g rg1 -r gal1 -i def1 -e 1.0.0 --only-show-errors"
SHOW = "sig image-version show -g rg1 -r gal1 -i def1 -e 1.0.0"
SETS = f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Compute/diskEncryptionSets"
LA = "microsoftlosangeles1"


@pytest.fixture
def setup(ok: Any, prebuilt: Prebuilt) -> None:
    def build() -> None:
        ok("group create -n rg1 -l westus")
        ok("sig create -g rg1 -r gal1")
        ok(
            "sig image-definition create -g rg1 -r gal1 -i def1 -p P -f O -s S --os-type linux --only-show-errors"
        )
        ok("source create managed-image -g rg1 -n img1 --os-type linux --size-gb 30 --data-disk 10")

    prebuilt("test_edge_zones.setup", build)


@pytest.fixture
def instant(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGCTL_REPLICATION_SPEED", "instant")


def zone(
    name: str, count: int = 1, storage: str = "StandardSSD_LRS", region: str = "West US"
) -> dict[str, Any]:
    return {
        "name": region,
        "extendedLocation": {"name": name, "type": "EdgeZone"},
        "extendedLocationReplicaCount": count,
        "storageAccountType": storage,
    }


class TestGrammar:
    def test_the_body_az_sends_and_what_the_service_fills(
        self, sigctl: Runner, setup: None, instant: None
    ) -> None:
        result = sigctl(
            f"{V} -e 1.0.0 --target-edge-zones westus={LA} westus=microsoftlosangeles2=2 "
            "westus=ez3=standard_zrs westus=ez4=3=premium_lrs --debug"
        )
        assert result.exit_code == 0, result.stderr
        sent = request_body(result.stderr)["properties"]["publishingProfile"]
        assert sent["targetExtendedLocations"] == [
            {"name": "westus", "extendedLocation": {"name": LA, "type": "EdgeZone"}},
            {
                "name": "westus",
                "extendedLocation": {"name": "microsoftlosangeles2", "type": "EdgeZone"},
                "extendedLocationReplicaCount": 2,
            },
            {
                "name": "westus",
                "extendedLocation": {"name": "ez3", "type": "EdgeZone"},
                "storageAccountType": "standard_zrs",
            },
            {
                "name": "westus",
                "extendedLocation": {"name": "ez4", "type": "EdgeZone"},
                "extendedLocationReplicaCount": 3,
                "storageAccountType": "premium_lrs",
            },
        ]
        import json

        assert json.loads(result.stdout)["publishingProfile"]["targetExtendedLocations"] == [
            zone(LA),
            zone("microsoftlosangeles2", 2),
            zone("ez3", storage="Standard_ZRS"),
            zone("ez4", 3, "Premium_LRS"),
        ]

    def test_none_and_items_without_a_zone(
        self, sigctl: Runner, ok: Any, setup: None, instant: None
    ) -> None:
        made = ok(f"{V} -e 1.0.0 --target-edge-zones None")
        assert "targetExtendedLocations" not in made["publishingProfile"]
        skipped = ok(f"{V} -e 1.0.1 --target-edge-zones westus westus={LA}")  # az skips `westus`
        assert skipped["publishingProfile"]["targetExtendedLocations"] == [zone(LA)]

    def test_zone_encryption(self, sigctl: Runner, ok: Any, setup: None, instant: None) -> None:
        ok("disk-encryption-set create -g rg1 -n des1 --key-url https://v/keys/k")
        result = sigctl(
            f"{V} -e 1.0.0 --target-edge-zones westus={LA} westus=ez2 "
            f"--target-edge-zone-encryption {LA},des1,0,des1 ez2,null --debug"
        )
        assert result.exit_code == 0, result.stderr
        sent = request_body(result.stderr)["properties"]["publishingProfile"][
            "targetExtendedLocations"
        ]
        assert sent[0]["encryption"] == {
            "osDiskImage": {"diskEncryptionSetId": f"{SETS}/des1"},
            "dataDiskImages": [{"lun": 0, "diskEncryptionSetId": f"{SETS}/des1"}],
        }
        assert "encryption" not in sent[1]
        # as in az, an item without an OS set drops its edge zone and the ones after it
        cut = ok(
            f"{V} -e 1.0.1 --target-edge-zones westus={LA} westus=ez2 --zone-encryption {LA},des1 ez2"
        )
        assert [
            z["extendedLocation"]["name"]
            for z in cut["publishingProfile"]["targetExtendedLocations"]
        ] == [LA]

    @pytest.mark.parametrize(
        "arguments,message",
        [
            (
                "--target-edge-zones westus=ez1=abc",
                "usage error: westus=ez1=abc is an invalid target edge zone argument. The third part is neither an integer replica count or a valid storage account type. Storage account types must be one of standard_lrs, standard_zrs, premium_lrs, standardssd_lrs.",
            ),
            (
                "--target-edge-zones westus=ez1=x=standard_lrs",
                "usage error: westus=ez1=x=standard_lrs is an invalid target edge zone argument. The third part must be a valid integer replica count.",
            ),
            (
                "--target-edge-zones westus=ez1=1=ssd",
                "usage error: westus=ez1=1=ssd is an invalid target edge zone argument. The fourth part is not a valid storage account type. Storage account types must be one of standard_lrs, standard_zrs, premium_lrs, standardssd_lrs.",
            ),
            (
                "--target-edge-zones westus=ez1 --target-edge-zone-encryption a,b c,d",
                "usage error: Length of --target-edge-zone-encryption should be as same as length of --target-edge-zones",
            ),
            (
                "--target-edge-zones westus=ez1 --target-edge-zone-encryption ez1,des1,0",
                "usage error: LUN and disk encryption set for data disk should appear in pair in --target-edge-zone-encryption. Example: 1,osdes,0,datades0,1,datades1",
            ),
            (
                "--target-edge-zones westus=ez1 --target-edge-zone-encryption ez1,des1,a,des1",
                "usage error: {} is an invalid target edge zone encryption. LUN and disk encryption set for data disk should appear in pair in --target-edge-zone-encryption. Example: 1,osdes,0,datades0,1,datades1",
            ),
        ],
    )
    def test_az_errors(
        self, sigctl: Runner, setup: None, unchanged: Any, arguments: str, message: str
    ) -> None:
        with unchanged():
            result = sigctl(f"{V} -e 1.0.0 {arguments}")
        assert (result.exit_code, result.stderr) == (1, f"ERROR: {message}\n")


class TestService:
    def test_show_table_and_replication_status(
        self, sigctl: Runner, ok: Any, setup: None, instant: None
    ) -> None:
        ok(f"{V} -e 1.0.0 --target-edge-zones westus={LA}=2")
        status = ok(f"{SHOW} --expand ReplicationStatus")["replicationStatus"]
        assert status == {
            "aggregatedState": "Completed",
            "summary": [
                {"details": "", "progress": 100, "region": "West US", "state": "Completed"},
                {"details": "", "progress": 100, "region": LA, "state": "Completed"},
            ],
        }
        table = sigctl(f"{SHOW} -o table").stdout.splitlines()
        assert table[0].split() == [
            "Name",
            "ResourceGroup",
            "ProvisioningState",
            "TargetRegions",
            "EdgeZones",
        ]
        # az's transformer joins the zones' `name`, which is their region
        assert table[2].split() == ["1.0.0", "rg1", "Succeeded", "West", "US", "West", "US"]

    def test_an_edge_zone_replicates_on_its_own_timeline(
        self, sigctl: Runner, ok: Any, setup: None
    ) -> None:
        ok("replication clock set 2026-01-01T00:00:00Z")
        ok(f"{V} -e 1.0.0 --target-edge-zones westus={LA}=3 --no-wait")
        states = {
            s["region"]: s
            for s in ok(f"{SHOW} --expand ReplicationStatus")["replicationStatus"]["summary"]
        }
        assert states["West US"]["state"] == states[LA]["state"] == "Replicating"
        ok("replication clock advance 25m")
        states = {
            s["region"]: s
            for s in ok(f"{SHOW} --expand ReplicationStatus")["replicationStatus"]["summary"]
        }
        # the region's single replica is done; three edge-zone replicas copied from afar are not
        assert states["West US"]["state"] == "Completed"
        assert states[LA]["state"] == "Replicating"
        assert ok(SHOW)["provisioningState"] == "Creating"
        rows = ok("replication status -g rg1 -r gal1 -i def1 -e 1.0.0 -o json")
        assert [r["region"] for r in rows] == ["West US", LA]
        table = sigctl("replication status -g rg1 -r gal1 -i def1 -e 1.0.0 -o table").stdout
        assert f"{LA}  Replicating" in table and "3           StandardSSD_LRS" in table
        ok("replication clock advance 2h")
        assert ok(SHOW)["provisioningState"] == "Succeeded"

    def test_a_fault_in_the_region_fails_its_edge_zones(
        self, sigctl: Runner, ok: Any, setup: None
    ) -> None:
        ok("replication fault add --region westus2 --at 50")
        ok(
            "sig image-version create -g rg1 -r gal1 -i def1 -e 1.0.0 --managed-image img1 --target-edge-zones westus2=ez1 --only-show-errors --no-wait"
        )
        ok("replication clock advance 3h")
        summary = ok(f"{SHOW} --expand ReplicationStatus")["replicationStatus"]
        assert summary["aggregatedState"] == "Failed"
        assert [s["state"] for s in summary["summary"]] == ["Completed", "Failed"]

    def test_update_adds_changes_and_clears_zones(
        self, sigctl: Runner, ok: Any, setup: None, instant: None
    ) -> None:
        ok(f"{V} -e 1.0.0 --target-edge-zones westus={LA} --allow-replicated-location-deletion")
        more = ok(f"{U} --target-edge-zones westus={LA}=2 westus=ez2")
        assert more["publishingProfile"]["targetExtendedLocations"] == [zone(LA, 2), zone("ez2")]
        kept = ok(f"{U} --set tags.a=b")  # az sends the zones back as it read them
        assert kept["publishingProfile"]["targetExtendedLocations"] == [zone(LA, 2), zone("ez2")]
        other_type = sigctl(f"{U} --target-edge-zones westus={LA}=2=premium_lrs westus=ez2")
        assert (
            "(PropertyChangeNotAllowed) Changing property 'galleryImageVersion.properties."
            "publishingProfile.targetExtendedLocations.storageAccountType' is not allowed."
        ) in other_type.stderr
        cleared = ok(f"{U} --target-edge-zones None")
        assert "targetExtendedLocations" not in cleared["publishingProfile"]
        assert len(ok(f"{SHOW} --expand ReplicationStatus")["replicationStatus"]["summary"]) == 1

    def test_removing_a_zone_with_replicas_needs_the_safety_flag(
        self, sigctl: Runner, ok: Any, setup: None, instant: None, unchanged: Any
    ) -> None:
        ok(f"{V} -e 1.0.0 --target-edge-zones westus={LA}")
        with unchanged():
            refused = sigctl(f"{U} --target-edge-zones None")
        assert refused.exit_code == 1
        assert (
            f"(OperationNotAllowed) Removing target regions that hold replicas ({LA})"
            in refused.stderr
        )

    def test_zone_encryption_follows_the_rules(
        self, sigctl: Runner, ok: Any, setup: None, instant: None
    ) -> None:
        ok("disk-encryption-set create -g rg1 -n far -l eastus --key-url https://v/keys/k")
        result = sigctl(
            f"{V} -e 1.0.0 --target-edge-zones westus={LA} --target-edge-zone-encryption {LA},far"
        )
        assert result.exit_code == 1
        assert f"cannot encrypt the replicas in '{LA}' (westus)" in result.stderr
        assert (
            "galleryArtifactVersion.properties.publishingProfile.targetExtendedLocations.encryption"
            in (result.stderr)
        )


class TestProvider:
    @pytest.fixture
    def provider(self, home: Path, setup: None, instant: None) -> Provider:
        return Provider(home)

    def put(self, provider: Provider, zones: Any) -> dict[str, Any]:
        image = f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.Compute/images/img1"
        body = {
            "location": "westus",
            "properties": {
                "publishingProfile": {"targetExtendedLocations": zones, "replicaCount": 2},
                "storageProfile": {"source": {"id": image}},
            },
        }
        return provider.put(ids.version_id(SUB, "rg1", "gal1", "def1", "1.0.0"), body)

    def test_defaults(self, provider: Provider) -> None:
        made = self.put(provider, [{"name": "West US", "extendedLocation": {"name": LA}}])
        assert made["properties"]["publishingProfile"]["targetExtendedLocations"] == [zone(LA, 2)]

    @pytest.mark.parametrize(
        "zones,code,message",
        [
            (
                [{"name": "mars", "extendedLocation": {"name": LA}}],
                "LocationNotAvailableForResourceType",
                "The provided location 'mars' is not available",
            ),
            (
                [{"name": "westus", "extendedLocation": {}}],
                "InvalidParameter",
                "Required parameter 'targetExtendedLocations[0].extendedLocation.name' is missing (null).",
            ),
            (
                [{"name": "westus", "extendedLocation": {"name": LA, "type": "Bogus"}}],
                "InvalidParameter",
                "The value 'Bogus' of parameter",
            ),
            (
                [
                    {
                        "name": "westus",
                        "extendedLocation": {"name": LA},
                        "storageAccountType": "Ultra",
                    }
                ],
                "InvalidParameter",
                "The value 'Ultra' of parameter 'targetExtendedLocations[0].storageAccountType' is not valid.",
            ),
            (
                [
                    {
                        "name": "westus",
                        "extendedLocation": {"name": LA},
                        "extendedLocationReplicaCount": 0,
                    }
                ],
                "InvalidParameter",
                "The value 0 of parameter targetExtendedLocations[0].extendedLocationReplicaCount is out of range.",
            ),
            (
                [
                    {"name": "westus", "extendedLocation": {"name": LA}},
                    {"name": "West US", "extendedLocation": {"name": LA.upper()}},
                ],
                "InvalidParameter",
                "Duplicate extended locations are not allowed in target extended locations",
            ),
            ({"name": "westus"}, "InvalidRequestContent", "could not be deserialized"),
        ],
    )
    def test_refusals(self, provider: Provider, zones: Any, code: str, message: str) -> None:
        with pytest.raises(ArmError) as raised:
            self.put(provider, zones)
        assert raised.value.code == code
        assert message in raised.value.message
