"""The live web view of `sigctl serve`: the page and its files over real HTTPS, and the page
itself in headless Chromium (Debian's package), following the emulated clock live."""

from __future__ import annotations

import json
import re
import struct
import sys
import tomllib
from collections.abc import Iterator
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import pytest
import requests
from browser import Browser, chromium_or_fail
from served import SUB, TENANT, ServedCloud

from sigctl.cli import palette
from sigctl.cli.output import add_resource_group
from sigctl.provider.region_metadata import METADATA
from sigctl.server import web_view

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import web_view_image  # noqa: E402  (tools/ is not a package)

INVENTORY = f"/subscriptions/{SUB}/providers/Sigctl.Emulator/inventory"
AUTH = {"Authorization": "Bearer any-token"}

# What the page shows, read from its DOM: every tree node, the map's regions and the table.
PAGE_MODEL = """(() => {
  const data = (e, key) => (key in e.dataset ? e.dataset[key] : null);
  const number = (e, key) => (key in e.dataset ? Number(e.dataset[key]) : null);
  return {
    status: document.getElementById('status').dataset.status,
    statusText: document.getElementById('status').textContent,
    stale: document.body.classList.contains('stale'),
    clock: document.getElementById('clock').textContent,
    reader: document.getElementById('reader').textContent,
    caption: document.getElementById('map-caption').textContent,
    nodes: [...document.querySelectorAll('#tree li.node')].map((li) => ({
      kind: li.dataset.kind, name: li.dataset.name, state: data(li, 'state'),
      progress: number(li, 'progress'),
      text: li.querySelector(':scope > .row').textContent,
      details: li.querySelector(':scope > .details')?.textContent ?? null,
    })),
    sites: [...document.querySelectorAll('#map .site')].map((g) => ({
      region: g.dataset.region, state: g.dataset.state, progress: number(g, 'progress'),
      x: Number(g.querySelector('.ring').getAttribute('cx')),
      text: g.querySelector('.label')?.textContent ?? null,
    })),
    rows: [...document.querySelectorAll('#regions tbody tr')].map((tr) => ({
      region: tr.dataset.region, text: tr.textContent,
    })),
    markup: document.querySelectorAll('#tree *:not(li, ul, div, span, button, p)').length,
  };
})()"""


def walk(node: dict[str, Any]) -> list[dict[str, Any]]:
    return [node, *(n for child in node.get("children", []) for n in walk(child))]


def node(model: dict[str, Any], kind: str, name: str, nth: int = 0) -> dict[str, Any]:
    return [n for n in model["nodes"] if n["kind"] == kind and n["name"] == name][nth]


def region(model: dict[str, Any], name: str) -> dict[str, Any]:
    """A target region of the second version (1.1.0), as the tree shows it."""
    return node(model, "targetRegion", name, nth=1 if name != "westeurope" else 0)


@pytest.fixture
def chromium() -> str:
    return chromium_or_fail()


@pytest.fixture
def seeded(home: Path) -> Path:
    """The README's state (tools/readme_image.py) on a clock frozen in the state: 1.0.0
    replicated; 1.1.0 with East US 2 completed, West US 2 replicating, West Europe failed."""
    web_view_image.seed(home)
    return home


@pytest.fixture
def page(chromium: str) -> Iterator[Browser]:
    browser = Browser(chromium, *web_view_image.SIZE)
    yield browser
    browser.close()


@pytest.fixture
def served(seeded: Path) -> Iterator[ServedCloud]:
    cloud = ServedCloud(seeded)
    yield cloud
    cloud.stop()


# -- in the browser -------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_page_shows_the_tree_and_the_map_and_follows_the_clock(
    served: ServedCloud, page: Browser, tmp_path: Path
) -> None:
    web_view_image.open_live(page, served.endpoint)
    model = page.evaluate(PAGE_MODEL)

    # The same tree as `sigctl tree`, node for node, state for state.
    tree = json.loads(served.sigctl("tree", "-o", "json").stdout)
    assert [(n["kind"], n["name"], n["state"], n["progress"]) for n in model["nodes"]] == [
        (n["kind"], n["name"], n.get("state"), n.get("progress")) for n in walk(tree)
    ]
    gallery = node(model, "gallery", "DemoGallery")
    assert "✔ Succeeded" in gallery["text"] and "eastus2" in gallery["text"]
    assert "latest 1.0.0" in node(model, "imageDefinition", "ubuntu")["text"]
    old, new = node(model, "imageVersion", "1.0.0"), node(model, "imageVersion", "1.1.0")
    assert "★ latest" in old["text"] and "replicas 3/3" in old["text"]
    assert "end of life 2031-12-31" in old["text"]
    assert "✖ Failed" in new["text"] and "65%" in new["text"] and "replicas 1/4" in new["text"]
    shown = {n: region(model, n) for n in ("eastus2", "westus2", "westeurope")}
    assert {n: (r["state"], r["progress"]) for n, r in shown.items()} == {
        "eastus2": ("Completed", 100),
        "westus2": ("Replicating", 55),
        "westeurope": ("Failed", 40),
    }
    assert "East US 2✔ Completed" in shown["eastus2"]["text"].replace("  ", " ")
    assert "◐ Replicating" in shown["westus2"]["text"]
    assert "✖ Failed" in shown["westeurope"]["text"]
    assert "Storage account throttled" in shown["westeurope"]["details"]

    # The map shows the version still replicating, its regions placed west to east.
    assert model["caption"] == "DemoGallery / ubuntu / 1.1.0 from East US 2 to 3 regions"
    sites = {s["region"]: s for s in model["sites"]}
    assert {n: (s["state"], s["progress"]) for n, s in sites.items()} == {
        "eastus2": ("Completed", 100),
        "westus2": ("Replicating", 55),
        "westeurope": ("Failed", 40),
    }
    assert sites["westus2"]["x"] < sites["eastus2"]["x"] < sites["westeurope"]["x"]
    assert sites["westus2"]["text"] == "West US 2◐ Replicating 55%"
    assert [r["region"] for r in model["rows"]] == ["eastus2", "westus2", "westeurope"]
    assert model["clock"].startswith("Emulated clock 2030-01-01") and "frozen" in model["clock"]
    assert model["reader"] == "Reading as user@sigctl.onmicrosoft.com (the default account)"

    shot = page.screenshot(tmp_path / "web-view.png")
    assert png_size(shot) == web_view_image.SIZE

    # The clock moves: the page follows without being reloaded.
    assert served.sigctl("replication", "clock", "advance", "1m").returncode == 0
    moved = page.wait_for(PAGE_MODEL, lambda m: region(m, "westus2")["progress"] > 55)
    assert region(moved, "westus2")["state"] == "Replicating"
    assert {s["region"]: s["progress"] for s in moved["sites"]}["westus2"] > 55
    assert node(moved, "imageVersion", "1.1.0")["progress"] > 65
    assert served.sigctl("replication", "clock", "advance", "30m").returncode == 0
    done = page.wait_for(PAGE_MODEL, lambda m: region(m, "westus2")["state"] == "Completed")
    assert region(done, "westus2")["progress"] == 100
    assert "✔ Completed 100%" in {s["region"]: s["text"] for s in done["sites"]}["westus2"]
    assert region(done, "westeurope")["state"] == "Failed"  # a failure stays failed

    # A version clicked goes on the map and stays there, read after read.
    page.evaluate("document.querySelector('li[data-name=\"1.0.0\"] .pick').click()")
    picked = page.wait_for(PAGE_MODEL, lambda m: "1.0.0" in m["caption"])
    assert picked["caption"] == "DemoGallery / ubuntu / 1.0.0 from East US 2 to 2 regions"
    assert {s["region"]: s["state"] for s in picked["sites"]} == {
        "eastus2": "Completed",
        "westus2": "Completed",
    }
    assert page.evaluate("location.hash").startswith("#version=%2Fsubscriptions%2F")
    later = page.wait_for(PAGE_MODEL, lambda m: m["statusText"] != picked["statusText"])
    assert later["caption"] == picked["caption"]

    # Read-only, and nothing but its own server: every request a GET to the same origin.
    sent = page.requests()
    assert sent and all(r["method"] == "GET" for r in sent), sent
    assert all(r["url"].startswith(f"{served.endpoint}/") for r in sent), sent
    assert any("/providers/Sigctl.Emulator/inventory?api-version=" in r["url"] for r in sent)
    assert page.errors() == []


@pytest.mark.slow
def test_the_page_waits_out_a_restarted_server(
    served: ServedCloud, page: Browser, chromium: str
) -> None:
    web_view_image.open_live(page, served.endpoint)
    before = page.evaluate(PAGE_MODEL)
    port = int(served.endpoint.rsplit(":", 1)[1])
    served.stop()

    offline = page.wait_for(PAGE_MODEL, lambda m: m["status"] == "offline")
    assert "Server unreachable" in offline["statusText"] and "retrying" in offline["statusText"]
    assert offline["stale"] and offline["nodes"] == before["nodes"]  # the last read stays shown

    # The state moves on while no server is there (the CLI works on the same home).
    assert served.sigctl("replication", "clock", "advance", "30m").returncode == 0
    again = ServedCloud(served.home, port=port)
    try:
        back = page.wait_for(
            PAGE_MODEL, lambda m: m["status"] == "live" and not m["stale"], timeout=30
        )
        assert region(back, "westus2")["state"] == "Completed"
    finally:
        again.stop()
    assert page.errors() == []


@pytest.mark.slow
def test_a_token_in_the_address_reads_as_its_principal(
    ok: Any, home: Path, chromium: str, page: Browser
) -> None:
    """A server that accepts only its own tokens: the page says how to give one; with a
    Reader's token it shows only what that reader may read. Messages stay text."""
    ok("group create -n web-rg -l eastus2")
    ok("sig create -g web-rg -r Shown")
    ok("sig create -g web-rg -r Hidden")
    ok("sig image-definition create -g web-rg -r Shown -i app -p P -f O -s S --os-type linux")
    ok("source create managed-image -g web-rg -n img --os-type linux --size-gb 4")
    ok("replication clock set 2030-01-01T00:00:00Z")
    ok("replication fault add --region westeurope --at 20 --message '<b>disk</b> <img src=x>'")
    ok(
        "sig image-version create -g web-rg -r Shown -i app -e 1.0.0 --managed-image img "
        "--target-regions eastus2 westeurope --no-wait --only-show-errors"
    )
    ok("replication clock advance 30m")
    app_id = ok("ad sp create --display-name web-reader")["appId"]
    gallery = (
        f"/subscriptions/{SUB}/resourceGroups/web-rg/providers/Microsoft.Compute/galleries/Shown"
    )
    ok(f"role assignment create --assignee {app_id} --role Reader --scope {gallery}")
    cloud = ServedCloud(home, "--require-token")
    try:
        page.open(f"{cloud.endpoint}/")
        refused = page.wait_for(PAGE_MODEL, lambda m: m["status"] == "unauthorized")
        assert "#token=" in refused["statusText"] and refused["nodes"] == []
        assert "accepts only the tokens it issued" in refused["statusText"]
        page.open(f"{cloud.endpoint}/#token=not-one-of-its-tokens")
        wrong = page.wait_for(PAGE_MODEL, lambda m: "refused the token" in m["statusText"])
        assert "InvalidAuthenticationToken" in wrong["statusText"]

        token = requests.post(
            f"{cloud.endpoint}/{TENANT}/oauth2/v2.0/token",
            data={
                "grant_type": "client_credentials",
                "client_id": app_id,
                "client_secret": "anything",
                "scope": f"{cloud.endpoint}/.default",
            },
            verify=cloud.certificate,
            timeout=30,
        ).json()["access_token"]
        page.open(f"{cloud.endpoint}/#token={token}")
        model = page.wait_for(PAGE_MODEL, lambda m: m["status"] == "live" and m["reader"])
    finally:
        cloud.stop()
    names = [(n["kind"], n["name"], n["state"]) for n in model["nodes"]]
    assert ("resourceGroup", "web-rg", None) in names  # only the path to the gallery
    assert ("gallery", "Shown", "Succeeded") in names
    assert all(n["name"] != "Hidden" for n in model["nodes"])
    assert model["reader"].startswith("Reading as web-reader")
    failed = node(model, "targetRegion", "westeurope")
    assert failed["state"] == "Failed"
    assert "<b>disk</b> <img src=x>" in failed["details"]  # shown as text, never as markup
    assert model["markup"] == 0
    assert page.errors() == []


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


# -- over HTTPS, without a browser ----------------------------------------------------------------


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedCloud]:
    served = ServedCloud(tmp_path_factory.mktemp("served") / "home")
    for command in (
        "group create -n rg -l eastus2",
        "sig create -g rg -r gal",
        "sig image-definition create -g rg -r gal -i img -p P -f O -s S --os-type linux",
        "source create managed-image -g rg -n src --os-type linux --size-gb 4",
        "sig image-version create -g rg -r gal -i img -e 1.0.0 --managed-image src "
        "--target-regions eastus2 japaneast",
    ):
        assert served.sigctl(*command.split()).returncode == 0, command
    yield served
    served.stop()


def get(cloud: ServedCloud, verb: str, path: str, **headers: str) -> requests.Response:
    return requests.request(
        verb, f"{cloud.endpoint}{path}", headers=headers, verify=cloud.certificate, timeout=30
    )


@pytest.mark.slow
def test_the_page_and_its_files_are_served_without_credentials(cloud: ServedCloud) -> None:
    page = get(cloud, "GET", "/")
    assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy
    assert page.headers["cache-control"] == "no-cache"
    loaded = re.findall(r'(?:src|href)="(web/[^"]+)"', page.text)
    assert sorted(Path(p).name for p in loaded) == sorted(web_view.assets())
    types = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
    for path in loaded:
        answer = get(cloud, "GET", f"/{path}")
        assert answer.status_code == 200, path
        assert answer.headers["content-type"] == types[Path(path).suffix]
        assert answer.headers["content-security-policy"] == policy
    head = get(cloud, "HEAD", "/")
    assert head.status_code == 200 and head.content == b""


@pytest.mark.slow
def test_other_paths_and_verbs_stay_the_apis(cloud: ServedCloud) -> None:
    missing = get(cloud, "GET", "/web/missing.js")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "NotFound"
    assert get(cloud, "GET", "/web/index.html").status_code == 404  # the page lives at / only
    traversal = get(cloud, "GET", "/web/..%2fweb_view.py")
    assert traversal.status_code == 400
    assert traversal.json()["error"]["code"] == "InvalidRequestUri"
    put = get(cloud, "PUT", "/", **AUTH)  # as before the page existed
    assert put.status_code == 404 and put.json()["error"]["message"] == "No API matches PUT '/'."
    assert get(cloud, "TRACE", "/", **AUTH).json()["error"]["code"] == "MethodNotAllowed"
    assert get(cloud, "POST", "/web/view.js", **AUTH).json()["error"]["code"] == "NotFound"


@pytest.mark.slow
def test_the_inventory_read_has_an_api_version_and_region_coordinates(cloud: ServedCloud) -> None:
    without = get(cloud, "GET", INVENTORY, **AUTH)
    assert (without.status_code, without.json()["error"]["code"]) == (
        400,
        "MissingApiVersionParameter",
    )
    unknown = get(cloud, "GET", f"{INVENTORY}?api-version=2025-04-01", **AUTH)
    assert unknown.json()["error"]["code"] == "NoRegisteredProviderFound"
    assert "The supported api-versions are '2026-01-01'" in unknown.json()["error"]["message"]
    anonymous = get(cloud, "GET", f"{INVENTORY}?api-version=2026-01-01")
    assert anonymous.status_code == 401

    answer = get(cloud, "GET", f"{INVENTORY}?api-version=2026-01-01", **AUTH)
    assert answer.status_code == 200
    (root,) = answer.json()["value"]
    add_resource_group(root)  # what az's output adds to every nested resource
    assert root == json.loads(cloud.sigctl("tree", "-o", "json").stdout)
    regions = {n["name"]: n for n in walk(root) if n["kind"] == "targetRegion"}
    assert set(regions) == {"eastus2", "japaneast"}
    for name, found in regions.items():
        assert found["latitude"] == float(str(METADATA[name]["latitude"]))
        assert found["longitude"] == float(str(METADATA[name]["longitude"]))
    assert regions["japaneast"]["longitude"] > 135 > 0 > regions["eastus2"]["longitude"]


# -- the page's files -----------------------------------------------------------------------------


def test_the_page_uses_the_palette_of_sigctl_tree() -> None:
    source = (web_view.FILES / "palette.js").read_text()
    table = json.loads(source[source.index("{") : source.rindex("}") + 1])
    looks = {
        name: getattr(palette, name.upper()) for name in table["looks"]
    }  # done -> palette.DONE ...
    for name, look in looks.items():
        assert table["looks"][name] == {
            "colour": look.style.removeprefix("bold "),
            "symbol": look.symbol,
        }
    assert {k: looks[v] for k, v in table["states"].items()} == palette._BY_STATE
    symbols = [look["symbol"] for look in table["looks"].values()]
    assert len(set(symbols)) == len(symbols)  # told apart without colour
    css = (web_view.FILES / "view.css").read_text()
    for name, look in table["looks"].items():
        assert f".look-{name} {{ --look: var(--{look['colour'].replace('_', '-')}); }}" in css


def test_the_page_fetches_nothing_from_elsewhere_and_ships_in_the_package() -> None:
    files = sorted(web_view.FILES.iterdir())
    assert {p.name for p in files} == {*web_view.assets(), web_view.PAGE}
    for path in files:
        text = path.read_text().replace("http://www.w3.org/2000/svg", "")  # a namespace name
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.I), path.name
        assert "@import" not in text and "@font-face" not in text, path.name
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    patterns = data["package-data"]["sigctl"]
    for path in files:
        relative = path.relative_to(ROOT / "sigctl").as_posix()
        assert any(fnmatch(relative, p) for p in patterns), relative


def test_the_docs_show_the_screenshot_the_tool_makes() -> None:
    image = ROOT / "docs" / "images" / "web-view.png"
    assert png_size(image.read_bytes()) == web_view_image.SIZE
    assert "](images/web-view.png)" in (ROOT / "docs" / "serve.md").read_text()
    assert image == web_view_image.DEFAULT


def test_browser_tests_never_skip_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGCTL_CHROMIUM", "/nowhere/chromium")
    monkeypatch.setenv("SIGCTL_SKIP_BROWSER_TESTS", "1")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="apt-get install -y chromium"):
        chromium_or_fail()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="SIGCTL_SKIP_BROWSER_TESTS=1"):
        chromium_or_fail()
    monkeypatch.delenv("SIGCTL_SKIP_BROWSER_TESTS")
    with pytest.raises(pytest.fail.Exception, match="Chromium is not installed"):
        chromium_or_fail()


def test_ci_installs_chromium_then_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    command = re.search(r"Run the tests.*?```bash\n([^\n]+)\n```", readme, re.S)
    assert command is not None
    script = (ROOT / ".ci" / "run").read_text()
    assert script.rstrip().splitlines()[-1] == command.group(1)
    install = script.index("apt-get install -y chromium")
    assert "if ! command -v chromium" in script[:install]
    assert install < script.index(command.group(1))
    # The PostgreSQL backend's tests need Debian's server too (they fail without it).
    postgres = script.index("apt-get install -y postgresql")
    assert "/usr/lib/postgresql/*/bin/pg_ctl" in script[:postgres]
    assert postgres < script.index(command.group(1))
