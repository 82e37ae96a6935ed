"""The served cloud at the HTTP level: api-version checks, long-running operations on the
emulated clock, the /sigctl namespace, bad input, and sharing one SIGCTL_HOME with the CLI."""

from __future__ import annotations

import http.client
import json
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from served import SUB, ServedCloud

pytestmark = pytest.mark.slow  # it starts processes (tests/slow_guard.py)

AUTH = {"Authorization": "Bearer any-token"}
GALLERY_API = "api-version=2026-03-03"


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedCloud]:
    served = ServedCloud(tmp_path_factory.mktemp("served") / "home")
    assert served.sigctl("group", "create", "-n", "rg", "-l", "eastus2").returncode == 0
    yield served
    served.stop()


def call(cloud: ServedCloud, verb: str, path: str, **kwargs: Any) -> requests.Response:
    headers = {**AUTH, **kwargs.pop("headers", {})}
    return requests.request(
        verb, f"{cloud.endpoint}{path}", headers=headers, verify=cloud.certificate, **kwargs
    )


def raw(
    cloud: ServedCloud, verb: str, path: str, body: bytes = b"", **headers: str
) -> tuple[int, str]:
    """A request whose path goes out byte for byte (no client normalises '..' away)."""
    host, port = cloud.endpoint.removeprefix("https://").rsplit(":", 1)
    context = ssl.create_default_context(cafile=cloud.certificate)
    connection = http.client.HTTPSConnection(host, int(port), context=context, timeout=30)
    connection.request(verb, path, body=body or None, headers={**AUTH, **headers})
    answer = connection.getresponse()
    text = answer.read().decode()
    connection.close()
    return answer.status, text


def state_files(home: Path) -> dict[str, bytes]:
    state = home / "state"
    return {
        str(p.relative_to(state)): p.read_bytes()
        for p in sorted(state.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


GALLERY = f"/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Compute/galleries"


# -- api-version ------------------------------------------------------------------------------


def test_api_version_is_checked_as_arm_checks_it(cloud: ServedCloud) -> None:
    missing = call(cloud, "GET", f"{GALLERY}/g1")
    assert missing.status_code == 400
    assert missing.json()["error"] == {
        "code": "MissingApiVersionParameter",
        "message": "The api-version query parameter (?api-version=) is required for all requests.",
    }
    unsupported = call(cloud, "GET", f"{GALLERY}/g1?api-version=2099-01-01").json()["error"]
    assert unsupported["code"] == "NoRegisteredProviderFound"
    assert unsupported["message"].startswith(
        "No registered resource provider found for location 'eastus2' and API version "
        "'2099-01-01' for type 'galleries'. The supported api-versions are '2018-06-01, "
    )
    assert "2025-03-03, 2026-03-03'. The supported locations are '" in unsupported["message"]
    groups = call(cloud, "GET", f"/subscriptions/{SUB}/resourcegroups?api-version=1999-01-01")
    assert groups.json()["error"]["code"] == "InvalidApiVersionParameter"
    assert call(cloud, "GET", f"{GALLERY}?api-version=2022-03-03").status_code == 200


def test_every_request_needs_credentials(cloud: ServedCloud) -> None:
    answer = requests.get(
        f"{cloud.endpoint}/subscriptions/{SUB}?api-version=2022-12-01", verify=cloud.certificate
    )
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "AuthenticationFailed"
    assert answer.headers["WWW-Authenticate"].startswith('Bearer authorization_uri="https://')


# -- long-running operations ------------------------------------------------------------------


def test_a_version_put_is_an_operation_that_follows_the_emulated_clock(cloud: ServedCloud) -> None:
    assert call(cloud, "POST", "/sigctl/clock/set", json={"time": "2030-01-01T00:00:00Z"}).ok
    assert cloud.sigctl("sig", "create", "-g", "rg", "-r", "lro").returncode == 0
    assert (
        cloud.sigctl(
            "sig",
            "image-definition",
            "create",
            "-g",
            "rg",
            "-r",
            "lro",
            "-i",
            "img",
            "-p",
            "p",
            "-f",
            "f",
            "-s",
            "s",
            "--os-type",
            "Linux",
        ).returncode
        == 0
    )
    assert (
        cloud.sigctl(
            "source", "create", "managed-image", "-g", "rg", "-n", "src", "--os-type", "Linux"
        ).returncode
        == 0
    )
    source = f"/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Compute/images/src"
    body = {
        "location": "eastus2",
        "properties": {
            "publishingProfile": {"targetRegions": [{"name": "eastus2"}]},
            "storageProfile": {"source": {"id": source}},
        },
    }
    version = f"{GALLERY}/lro/images/img/versions/1.0.0"
    created = call(cloud, "PUT", f"{version}?{GALLERY_API}", json=body)
    assert created.status_code == 201
    assert created.json()["properties"]["provisioningState"] == "Creating"
    assert created.headers["Retry-After"] == "1"
    status_url = created.headers["Azure-AsyncOperation"]
    monitor_url = created.headers["Location"]
    assert status_url.startswith(
        f"{cloud.endpoint}/subscriptions/{SUB}/providers/Microsoft.Compute/locations/eastus2/capsOperations/"
    )
    status = requests.get(status_url, headers=AUTH, verify=cloud.certificate)
    assert status.json()["status"] == "InProgress" and status.headers["Retry-After"] == "1"
    assert requests.get(monitor_url, headers=AUTH, verify=cloud.certificate).status_code == 202

    assert call(cloud, "POST", "/sigctl/clock/advance", json={"by": "1h"}).ok
    done = requests.get(status_url, headers=AUTH, verify=cloud.certificate).json()
    assert done["status"] == "Succeeded" and "endTime" in done
    final = requests.get(monitor_url, headers=AUTH, verify=cloud.certificate)
    assert final.status_code == 200 and final.json()["name"] == "1.0.0"
    assert call(cloud, "POST", "/sigctl/clock/reset").ok

    replaced = call(cloud, "PUT", f"{version}?{GALLERY_API}", json=body)
    assert replaced.status_code == 200
    assert call(cloud, "DELETE", f"{version}?{GALLERY_API}").status_code == 200
    assert call(cloud, "DELETE", f"{version}?{GALLERY_API}").status_code == 204


def test_head_answers_204_or_404(cloud: ServedCloud) -> None:
    group = f"/subscriptions/{SUB}/resourcegroups"
    assert call(cloud, "HEAD", f"{group}/rg?api-version=2025-04-01").status_code == 204
    assert call(cloud, "HEAD", f"{group}/nope?api-version=2025-04-01").status_code == 404


# -- the sigctl namespace ---------------------------------------------------------------------


def test_the_sigctl_namespace(cloud: ServedCloud) -> None:
    clock = call(cloud, "GET", "/sigctl/clock").json()
    assert clock["mode"] in ("running", "instant", "frozen")
    fault = call(cloud, "POST", "/sigctl/faults", json={"region": "westus2", "at": 50})
    assert fault.status_code == 201 and fault.json()["region"] == "westus2"
    assert [f["id"] for f in call(cloud, "GET", "/sigctl/faults").json()["value"]] == [
        fault.json()["id"]
    ]
    assert call(cloud, "DELETE", f"/sigctl/faults/{fault.json()['id']}").json() == {"cleared": 1}
    exported = call(cloud, "GET", "/sigctl/state").json()
    assert "sigctlState" in exported and exported["documents"]
    vhd = call(
        cloud,
        "PUT",
        f"/sigctl/subscriptions/{SUB}/resourceGroups/rg/sources/vhd/os",
        json={"location": "eastus2", "osType": "Linux", "sizeGB": 30, "usedGB": 5},
    )
    assert vhd.json()["properties"]["uri"] == "https://sigctlvhds.blob.core.windows.net/vhds/os.vhd"
    billing = call(cloud, "GET", f"/sigctl/subscriptions/{SUB}/billing").json()
    assert billing["scope"] == f"/subscriptions/{SUB}"
    metadata = requests.get(
        f"{cloud.endpoint}/metadata/endpoints?api-version=2022-09-01", verify=cloud.certificate
    ).json()
    assert metadata["name"] == "sigctl"
    assert (
        metadata["resourceManager"]
        == metadata["authentication"]["loginEndpoint"]
        == f"{cloud.endpoint}/"
    )


# -- bad input --------------------------------------------------------------------------------


def arm_error(status: int, text: str) -> str:
    assert "Traceback" not in text
    error = json.loads(text)["error"]
    assert set(error) <= {"code", "message", "target", "details"} and error["message"]
    return str(error["code"])


def test_bad_input_gets_an_arm_error_and_changes_nothing(cloud: ServedCloud) -> None:
    before = state_files(cloud.home)
    path = f"{GALLERY}/bad?{GALLERY_API}"
    json_type = {"Content-Type": "application/json"}
    cases = [
        (raw(cloud, "PUT", path, b"{not json", **json_type), 400, "InvalidRequestContent"),
        (
            raw(cloud, "PUT", path, b"\xff\xfe\x00garbage", **json_type),
            400,
            "InvalidRequestContent",
        ),
        (raw(cloud, "PUT", path, b"[1, 2]", **json_type), 400, "InvalidRequestContent"),
        (
            raw(cloud, "PUT", path, b'{"location": "eastus2"}', **{"Content-Type": "text/plain"}),
            415,
            "UnsupportedMediaType",
        ),
        (
            raw(
                cloud,
                "PUT",
                path,
                b'{"location": "' + b"x" * (5 * 1024 * 1024) + b'"}',
                **json_type,
            ),
            413,
            "RequestEntityTooLarge",
        ),
        (
            raw(
                cloud, "GET", f"/subscriptions/{SUB}/resourceGroups/../../etc/passwd?{GALLERY_API}"
            ),
            400,
            "InvalidRequestUri",
        ),
        (
            raw(
                cloud,
                "GET",
                f"/subscriptions/{SUB}/resourceGroups/%2e%2e/%2E%2E/state?{GALLERY_API}",
            ),
            400,
            "InvalidRequestUri",
        ),
        (
            raw(cloud, "GET", f"/subscriptions/{SUB}/resourceGroups/rg%2F..%2F..?{GALLERY_API}"),
            400,
            "InvalidRequestUri",
        ),
        (raw(cloud, "GET", "/no/such/api"), 404, "NotFound"),
        (
            raw(
                cloud,
                "GET",
                f"/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Compute/widgets/w?{GALLERY_API}",
            ),
            404,
            "InvalidResourceType",
        ),
        (raw(cloud, "OPTIONS", f"{GALLERY}?{GALLERY_API}"), 405, "MethodNotAllowed"),
        (raw(cloud, "TRACE", "/"), 405, "MethodNotAllowed"),
        (
            raw(cloud, "POST", f"{GALLERY}?{GALLERY_API}", b"{}", **json_type),
            405,
            "MethodNotAllowed",
        ),
        (
            raw(cloud, "PUT", path, b'{"location": "eastus2", "properties": "nope"}', **json_type),
            400,
            "InvalidRequestContent",
        ),
    ]
    for (status, text), expected_status, expected_code in cases:
        assert (status, arm_error(status, text)) == (expected_status, expected_code), text
    assert state_files(cloud.home) == before


# -- one SIGCTL_HOME, a server and CLI processes at once ---------------------------------------


def test_cli_processes_and_the_server_lose_no_update(cloud: ServedCloud) -> None:
    import subprocess

    from served import sigctl_command

    served_names = [f"web{t}x{i}" for t in range(4) for i in range(5)]
    cli_names = [f"cli{p}x{i}" for p in range(3) for i in range(4)]

    def web(names: list[str]) -> None:
        for name in names:
            answer = call(
                cloud, "PUT", f"{GALLERY}/{name}?{GALLERY_API}", json={"location": "eastus2"}
            )
            assert answer.status_code == 201, answer.text

    processes = [
        subprocess.Popen(
            [
                "bash",
                "-c",
                " && ".join(
                    f"{' '.join(sigctl_command())} sig create -g rg -r {n} >/dev/null"
                    for n in cli_names[p * 4 : p * 4 + 4]
                ),
            ],
            env=cloud.env,
        )
        for p in range(3)
    ]
    threads = [
        threading.Thread(target=web, args=(served_names[t * 5 : t * 5 + 5],)) for t in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(p.wait(timeout=120) == 0 for p in processes)
    listed = {g["name"] for g in call(cloud, "GET", f"{GALLERY}?{GALLERY_API}").json()["value"]}
    assert set(served_names + cli_names) <= listed
    usage = call(
        cloud,
        "GET",
        f"/subscriptions/{SUB}/providers/Microsoft.Compute/locations/eastus2/usages?api-version=2026-04-01",
    )
    counted = {u["name"]["value"]: u["currentValue"] for u in usage.json()["value"]}
    assert counted["galleries"] == len(listed)


def test_worker_processes_share_the_port_and_the_state(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    served = ServedCloud(tmp_path_factory.mktemp("workers") / "home", "--workers", "2")
    try:
        group = f"/subscriptions/{SUB}/resourcegroups/rg?api-version=2025-04-01"
        assert call(served, "PUT", group, json={"location": "eastus2"}).status_code == 201
        names = [f"w{i}" for i in range(12)]

        def create(name: str) -> None:
            answer = call(
                served, "PUT", f"{GALLERY}/{name}?{GALLERY_API}", json={"location": "eastus2"}
            )
            assert answer.status_code == 201, answer.text

        threads = [threading.Thread(target=create, args=(n,)) for n in names]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        listed = call(served, "GET", f"{GALLERY}?{GALLERY_API}").json()["value"]
        assert sorted(g["name"] for g in listed) == sorted(names)
    finally:
        served.stop()
