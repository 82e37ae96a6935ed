"""`sigctl tree`: the emulated cloud as a tree, drawn and as data, read through the provider."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sigctl.cli.output import add_resource_group
from sigctl.provider import ids
from sigctl.provider.service import Provider
from tests.conftest import Runner

SUB = "6b1a9c4e-2f3d-4e5a-8b7c-9d0e1f2a3b4c"
FIXTURE = Path(__file__).parent.parent / "examples" / "fixtures" / "demo.toml"
SCOPE = "-g demo-rg -r DemoGallery -i ubuntu"


@pytest.fixture
def cloud(ok: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """1.0.0 replicated to two regions; 1.1.0 caught mid-way: one region done, one replicating,
    and West Europe failed at 40%."""
    monkeypatch.setenv("SIGCTL_NOW", "2030-01-01T00:00:00Z")
    ok(f"state import {FIXTURE}")
    ok('replication fault add --region westeurope --at 40 --message "Storage account throttled"')
    ok(
        f"sig image-version create {SCOPE} -e 1.1.0 --managed-image ubuntu-img --no-wait "
        "--target-regions eastus2 westus2 westeurope=2 --end-of-life-date 2029-12-31 "
        "--only-show-errors"
    )
    ok("replication clock advance 4m")


def walk(node: dict[str, Any]) -> list[dict[str, Any]]:
    return [node, *(n for child in node["children"] for n in walk(child))]


def find(node: dict[str, Any], kind: str, name: str) -> dict[str, Any]:
    (found,) = [n for n in walk(node) if n["kind"] == kind and n["name"] == name]
    return found


def test_json_has_one_node_per_resource_and_region(ok: Any, cloud: None) -> None:
    tree = ok("tree -o json")
    assert tree["kind"] == "subscription" and tree["subscriptionId"] == SUB
    kinds = [(n["kind"], n["name"]) for n in walk(tree)]
    assert kinds == [
        ("subscription", "sigctl-subscription"),
        ("resourceGroup", "demo-rg"),
        ("gallery", "DemoGallery"),
        ("imageDefinition", "ubuntu"),
        ("imageVersion", "1.0.0"),
        ("targetRegion", "eastus2"),
        ("targetRegion", "westus2"),
        ("imageVersion", "1.1.0"),
        ("targetRegion", "eastus2"),
        ("targetRegion", "westus2"),
        ("targetRegion", "westeurope"),
    ]
    definition = find(tree, "imageDefinition", "ubuntu")
    assert definition["latestVersion"] == "1.0.0"
    old, new = definition["children"]
    assert (old["state"], old["isLatest"], old["replicas"]) == (
        "Succeeded",
        True,
        {"ready": 3, "total": 3},
    )
    assert [r["isLatest"] for r in old["children"]] == [True, True]
    assert new["state"] == "Failed" and not new["isLatest"]
    assert (new["endOfLifeDate"][:10], new["endOfLifePassed"]) == ("2029-12-31", True)
    regions = {r["name"]: r for r in new["children"]}
    assert {n: (r["state"], r["progress"]) for n, r in regions.items()} == {
        "eastus2": ("Completed", 100),
        "westus2": ("Replicating", 55),
        "westeurope": ("Failed", 40),
    }
    assert regions["westeurope"]["displayName"] == "West Europe"
    assert regions["westeurope"]["replicas"] == {"ready": 0, "total": 2}
    assert "Storage account throttled" in regions["westeurope"]["details"]
    assert new["progress"] == (100 + 55 + 40) // 3
    assert new["replicas"] == {"ready": 1, "total": 4}


def test_json_is_what_a_version_show_says(ok: Any, cloud: None) -> None:
    """The tree restates the ARM resources; it never disagrees with them."""
    tree = ok("tree -o json")
    shown = ok(f"sig image-version show {SCOPE} -e 1.1.0 --expand ReplicationStatus")
    node = find(tree, "imageVersion", "1.1.0")
    assert node["id"] == shown["id"] and node["state"] == shown["provisioningState"]
    assert [(r["displayName"], r["state"], r["progress"]) for r in node["children"]] == [
        (s["region"], s["state"], s["progress"]) for s in shown["replicationStatus"]["summary"]
    ]


DRAWN = f"""\
sigctl-subscription subscription  {SUB}  ✔ Enabled
└── demo-rg resource group  eastus2  ✔ Succeeded
    └── DemoGallery gallery  eastus2  ✔ Succeeded
        └── ubuntu image definition  eastus2  Linux Contoso/Ubuntu/24_04  ✔ Succeeded  latest 1.0.0
            ├── 1.0.0 version  ✔ Succeeded  ██████████ 100%  replicas 3/3  ★ latest
            │   ├── East US 2  ✔ Completed  ██████████ 100%  replicas 1/1  Standard_LRS  ★ latest
            │   └── West US 2  ✔ Completed  ██████████ 100%  replicas 2/2  Standard_LRS  ★ latest
            └── 1.1.0 version  ✖ Failed     ██████░░░░  65%  replicas 1/4  end of life passed 2029-12-31
                ├── East US 2    ✔ Completed    ██████████ 100%  replicas 1/1  Standard_LRS
                ├── West US 2    ◐ Replicating  █████░░░░░  55%  replicas 0/1  Standard_LRS
                └── West Europe  ✖ Failed       ████░░░░░░  40%  replicas 0/2  Standard_LRS
                    Replication failed in this region due to 'ReplicationJobFailed: Storage account throttled'.
"""


def test_drawing_shows_states_progress_replicas_latest_and_end_of_life(
    sigctl: Runner, cloud: None
) -> None:
    result = sigctl("tree")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == DRAWN  # piped: plain text, whole lines, no escape codes


def test_scoping_with_group_gallery_and_definition(ok: Any, cloud: None) -> None:
    ok("group create -n other-rg -l westus2")
    ok("sig create -g other-rg -r OtherGallery")
    everything = [n["name"] for n in ok("tree -o json")["children"]]
    assert everything == ["demo-rg", "other-rg"]
    group = ok("tree -g other-rg -o json")
    assert [n["name"] for n in walk(group)] == ["sigctl-subscription", "other-rg", "OtherGallery"]
    ok(
        "sig image-definition create -g demo-rg -r DemoGallery -i windows -p Contoso -f Win -s 2022 "
        "--os-type windows --only-show-errors"
    )
    gallery = ok("tree -g demo-rg -r DemoGallery -o json")
    assert [n["name"] for n in walk(gallery) if n["kind"] == "imageDefinition"] == [
        "ubuntu",
        "windows",
    ]
    definition = ok("tree -g demo-rg -r DemoGallery -i windows -o json")
    assert [n["name"] for n in walk(definition)] == [
        "sigctl-subscription",
        "demo-rg",
        "DemoGallery",
        "windows",
    ]


@pytest.mark.parametrize(
    "args,code,message",
    [
        ("-r DemoGallery", 2, "ERROR: usage error: -r needs -g"),
        ("-g demo-rg -i ubuntu", 2, "ERROR: usage error: -i needs -r"),
        ("-g nope", 3, "ERROR: (ResourceGroupNotFound) Resource group 'nope' could not be found."),
        (
            "-g demo-rg -r Nope",
            3,
            "ERROR: (ResourceNotFound) The Resource 'Microsoft.Compute/galleries/Nope' under "
            "resource group 'demo-rg' was not found.",
        ),
        (
            "-g demo-rg -r DemoGallery -i nope",
            3,
            "ERROR: (ResourceNotFound) The Resource 'Microsoft.Compute/galleries/DemoGallery/images/nope' "
            "under resource group 'demo-rg' was not found.",
        ),
    ],
)
def test_bad_scopes_are_az_errors_and_change_nothing(
    sigctl: Runner, cloud: None, unchanged: Any, args: str, code: int, message: str
) -> None:
    with unchanged():
        result = sigctl(f"tree {args}")
    assert result.exit_code == code
    assert result.stderr.startswith(message)
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_other_output_formats_are_azs_for_the_same_data(
    sigctl: Runner, ok: Any, cloud: None
) -> None:
    table = sigctl("tree -o table").stdout.splitlines()
    assert table[0].split() == ["Kind", "Name", "State", "SubscriptionId"]
    assert table[2].split() == ["subscription", "sigctl-subscription", "Enabled", SUB]
    # az's TSV: values in key order, a list as its length.
    assert (
        sigctl("tree -o tsv").stdout
        == f"1\t/subscriptions/{SUB}\tsubscription\tsigctl-subscription\tEnabled\t{SUB}\n"
    )
    import yaml

    assert yaml.safe_load(sigctl("tree -o yaml").stdout) == ok("tree -o json")
    failed = ok(
        "tree --query \"children[].children[].children[].children[].children[?state=='Failed'][]"
        '.{region: name, version: null}"'
    )
    assert failed == [{"region": "westeurope", "version": None}]
    assert sigctl("tree -o none").stdout == ""


def test_an_empty_cloud_is_just_the_subscription(sigctl: Runner, ok: Any) -> None:
    assert ok("tree -o json")["children"] == []
    assert sigctl("tree").stdout == f"sigctl-subscription subscription  {SUB}  ✔ Enabled\n"


def test_a_caller_sees_only_what_it_may_read(sigctl: Runner, ok: Any, cloud: None) -> None:
    ok("sig create -g demo-rg -r HiddenGallery")
    ok("ad user create --display-name ada --user-principal-name ada@sigctl.onmicrosoft.com")
    image = f"/subscriptions/{SUB}/resourceGroups/demo-rg/providers/Microsoft.Compute/galleries/DemoGallery/images/ubuntu"
    ok(
        f"role assignment create --assignee ada@sigctl.onmicrosoft.com --role Reader --scope {image}"
    )
    seen = ok("tree -o json --as ada@sigctl.onmicrosoft.com")
    group = seen["children"][0]
    # The group and gallery are only the path to what ada may read: no state, no location.
    assert group == {
        "kind": "resourceGroup",
        "id": f"/subscriptions/{SUB}/resourceGroups/demo-rg",
        "name": "demo-rg",
        "children": group["children"],
    }
    assert [g["name"] for g in group["children"]] == ["DemoGallery"]  # HiddenGallery is not shown
    assert "state" not in group["children"][0]
    assert find(seen, "imageDefinition", "ubuntu")["state"] == "Succeeded"
    drawn = sigctl("tree --as ada@sigctl.onmicrosoft.com").stdout.splitlines()
    assert drawn[1] == "└── demo-rg resource group"
    assert drawn[2] == "    └── DemoGallery gallery"
    # Nobody's role: nothing beneath the subscription.
    ok("ad user create --display-name bob --user-principal-name bob@sigctl.onmicrosoft.com")
    assert ok("tree -o json --as bob@sigctl.onmicrosoft.com")["children"] == []


def test_the_tree_is_a_provider_call_through_the_one_door(ok: Any, cloud: None, home: Path) -> None:
    """GET .../providers/Sigctl.Emulator/inventory answers what `sigctl tree -o json` prints
    (plus the resourceGroup az's output adds to every nested resource)."""
    provider = Provider(home)
    (node,) = provider.list(
        f"/subscriptions/{SUB}/resourceGroups/demo-rg/providers/Sigctl.Emulator/inventory"
    )
    add_resource_group(node)
    assert node == ok("tree -g demo-rg -o json")
    assert (
        str(ids.inventory_id(SUB, None))
        == f"/subscriptions/{SUB}/providers/Sigctl.Emulator/inventory"
    )
    scoped = provider.list(ids.inventory_id(SUB, "demo-rg"), gallery="DemoGallery", image="ubuntu")
    add_resource_group(scoped)
    assert scoped[0] == ok(f"tree {SCOPE} -o json")


def test_the_tree_module_reads_only_through_the_client() -> None:
    """No store access or raw sessions in the tree's CLI code: it asks the provider."""
    source = (Path(__file__).parent.parent / "sigctl" / "cli" / "tree_view.py").read_text()
    for forbidden in ("sigctl.store", "session(", "operate("):
        assert forbidden not in source


def test_the_readme_picture_is_made_again_by_its_tool(tmp_path: Path) -> None:
    """tools/readme_image.py draws the committed picture: same text, same states."""
    import html
    import re
    import sys

    root = Path(__file__).parent.parent
    sys.path.insert(0, str(root / "tools"))
    import readme_image

    made = tmp_path / "tree.svg"
    readme_image.main(made)

    def texts(svg: Path) -> list[str]:
        return [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg.read_text())]

    drawn = "".join(texts(made)).replace("\xa0", " ")
    for expected in ("$ sigctl tree", "1.0.0", "◐ Replicating", "✖ Failed", "★ latest"):
        assert expected in drawn
    committed = root / "docs" / "images" / "tree.svg"
    assert texts(committed) == texts(made), "run `python tools/readme_image.py` and commit it"
    assert "](docs/images/tree.svg)" in (root / "README.md").read_text().split("\n## ", 1)[0]
