"""The served cloud's directory: its token service, who a token acts as, role assignments and
definitions on Microsoft.Authorization, subscriptions and tenants, Microsoft Graph."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest
import requests
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError
from azure.identity import ClientSecretCredential
from azure.mgmt.authorization import AuthorizationManagementClient
from azure.mgmt.compute import ComputeManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient
from azure.mgmt.resource.subscriptions import SubscriptionClient
from served import SUB, TENANT, ServedCloud, StaticToken

pytestmark = pytest.mark.slow  # it starts processes (tests/slow_guard.py)

OWNER = "3d2c1b0a-9f8e-4d7c-8b6a-5f4e3d2c1b0a"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedCloud]:
    served = ServedCloud(tmp_path_factory.mktemp("served") / "home")
    yield served
    served.stop()


def service_principal(cloud: ServedCloud) -> dict[str, str]:
    made = cloud.sigctl("ad", "sp", "create", "--display-name", f"ci-{uuid.uuid4().hex[:6]}")
    assert made.returncode == 0, made.stderr
    return json.loads(made.stdout)


def credential(cloud: ServedCloud, app_id: str) -> ClientSecretCredential:
    return ClientSecretCredential(
        TENANT,
        app_id,
        "any secret: it is accepted, not checked",
        authority=cloud.endpoint.removeprefix("https://"),
        disable_instance_discovery=True,
        connection_verify=cloud.certificate,
    )


def test_a_service_principal_signs_in_and_acts_as_itself(cloud: ServedCloud) -> None:
    sp = service_principal(cloud)
    token = credential(cloud, sp["appId"]).get_token(f"{cloud.endpoint}/.default")
    claims = json.loads(__import__("base64").urlsafe_b64decode(token.token.split(".")[1] + "=="))
    assert (claims["oid"], claims["appid"], claims["tid"]) == (sp["id"], sp["appId"], TENANT)

    owner = ResourceManagementClient(StaticToken(), SUB, **cloud.client_options())
    owner.resource_groups.create_or_update("rg-sp", {"location": "eastus2"})
    as_sp = ResourceManagementClient(credential(cloud, sp["appId"]), SUB, **cloud.client_options())
    with pytest.raises(HttpResponseError) as denied:
        as_sp.resource_groups.get("rg-sp")
    assert denied.value.status_code == 403 and denied.value.error.code == "AuthorizationFailed"

    auth = AuthorizationManagementClient(StaticToken(), SUB, **cloud.client_options())
    scope = f"/subscriptions/{SUB}/resourceGroups/rg-sp"
    role_id = f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{READER}"
    name = str(uuid.uuid4())
    created = auth.role_assignments.create(
        scope, name, {"properties": {"roleDefinitionId": role_id, "principalId": sp["id"]}}
    )
    assert (created.name, created.principal_id, created.scope) == (name, sp["id"], scope)
    assert as_sp.resource_groups.get("rg-sp").name == "rg-sp"
    with pytest.raises(HttpResponseError) as write:
        as_sp.resource_groups.create_or_update("rg-sp2", {"location": "eastus2"})
    assert write.value.error.code == "AuthorizationFailed"


def test_role_assignments_through_every_sdk_operation(cloud: ServedCloud) -> None:
    sp = service_principal(cloud)
    owner = ResourceManagementClient(StaticToken(), SUB, **cloud.client_options())
    owner.resource_groups.create_or_update("rg-ra", {"location": "eastus2"})
    compute = ComputeManagementClient(StaticToken(), SUB, **cloud.client_options())
    gallery = compute.galleries.begin_create_or_update(
        "rg-ra", f"g{uuid.uuid4().hex[:8]}", {"location": "eastus2"}
    ).result()
    auth = AuthorizationManagementClient(StaticToken(), SUB, **cloud.client_options())
    assignments = auth.role_assignments
    role_id = f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{READER}"
    body = {"properties": {"roleDefinitionId": role_id, "principalId": sp["id"]}}
    at_group = assignments.create(
        f"/subscriptions/{SUB}/resourceGroups/rg-ra", str(uuid.uuid4()), body
    )
    on_gallery_id = f"{gallery.id}/providers/Microsoft.Authorization/roleAssignments/{uuid.uuid4()}"
    on_gallery = assignments.create_by_id(on_gallery_id, {"properties": {**body["properties"]}})
    assert on_gallery.id == on_gallery_id
    with pytest.raises(HttpResponseError) as again:
        assignments.create(f"/subscriptions/{SUB}/resourceGroups/rg-ra", str(uuid.uuid4()), body)
    assert again.value.error.code == "RoleAssignmentExists"

    assert assignments.get(at_group.scope, at_group.name).principal_id == sp["id"]
    assert assignments.get_by_id(on_gallery.id).scope == gallery.id
    mine = f"principalId eq '{sp['id']}'"
    assert {a.name for a in assignments.list_for_subscription(filter=mine)} == {
        at_group.name,
        on_gallery.name,
    }
    assert at_group.name in {a.name for a in assignments.list_for_resource_group("rg-ra")}
    at_gallery = assignments.list_for_resource(
        "rg-ra", "Microsoft.Compute", "galleries", gallery.name, filter="atScope()"
    )
    assert {a.name for a in at_gallery} >= {at_group.name, on_gallery.name}
    assert on_gallery.name in {a.name for a in assignments.list_for_scope(gallery.id)}

    assignments.delete_by_id(on_gallery.id)
    assignments.delete(at_group.scope, at_group.name)
    assert list(assignments.list_for_subscription(filter=mine)) == []
    with pytest.raises(HttpResponseError) as gone:
        assignments.get(at_group.scope, at_group.name)
    assert gone.value.error.code == "RoleAssignmentNotFound"

    with pytest.raises(HttpResponseError) as nobody:
        assignments.create(
            f"/subscriptions/{SUB}",
            str(uuid.uuid4()),
            {"properties": {"roleDefinitionId": role_id, "principalId": str(uuid.uuid4())}},
        )
    assert nobody.value.error.code == "PrincipalNotFound"


def test_role_definitions(cloud: ServedCloud) -> None:
    auth = AuthorizationManagementClient(StaticToken(), SUB, **cloud.client_options())
    scope = f"/subscriptions/{SUB}"
    names = {d.role_name for d in auth.role_definitions.list(scope)}
    assert {"Owner", "Contributor", "Reader", "Compute Gallery Sharing Admin"} <= names
    reader = list(auth.role_definitions.list(scope, filter="roleName eq 'Reader'"))
    assert [d.name for d in reader] == [READER]
    assert auth.role_definitions.get(scope, READER).role_name == "Reader"
    assert auth.role_definitions.get_by_id(reader[0].id).permissions[0].actions == ["*/read"]


def test_subscriptions_and_tenants(cloud: ServedCloud) -> None:
    client = SubscriptionClient(StaticToken(), **cloud.client_options())
    assert SUB in [s.subscription_id for s in client.subscriptions.list()]
    assert client.subscriptions.get(SUB).display_name == "sigctl-subscription"
    assert "eastus2" in [loc.name for loc in client.subscriptions.list_locations(SUB)]
    assert TENANT in [t.tenant_id for t in client.tenants.list()]


def test_a_user_signs_in_with_username_and_password(cloud: ServedCloud) -> None:
    answer = requests.post(
        f"{cloud.endpoint}/{TENANT}/oauth2/v2.0/token",
        data={
            "grant_type": "password",
            "client_id": "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
            "username": "user@sigctl.onmicrosoft.com",
            "password": "anything",
            "scope": f"{cloud.endpoint}/.default offline_access openid",
        },
        verify=cloud.certificate,
    )
    assert answer.status_code == 200
    tokens = answer.json()
    assert {"access_token", "refresh_token", "id_token", "client_info"} <= tokens.keys()
    me = requests.get(
        f"{cloud.endpoint}/v1.0/me",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        verify=cloud.certificate,
    )
    assert me.json()["id"] == OWNER
    unknown = requests.post(
        f"{cloud.endpoint}/{TENANT}/oauth2/v2.0/token",
        data={"grant_type": "password", "username": "nobody@sigctl.onmicrosoft.com"},
        verify=cloud.certificate,
    )
    assert unknown.status_code == 400 and unknown.json()["error"] == "invalid_grant"


def test_require_token_refuses_tokens_this_cloud_did_not_issue(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    strict = ServedCloud(tmp_path_factory.mktemp("strict") / "home", "--require-token")
    try:
        client = ResourceManagementClient(StaticToken(), SUB, **strict.client_options())
        with pytest.raises(ClientAuthenticationError) as refused:
            list(client.resource_groups.list())
        assert refused.value.status_code == 401
        assert refused.value.error.code == "InvalidAuthenticationToken"
        issued = requests.post(
            f"{strict.endpoint}/{TENANT}/oauth2/token",
            data={"grant_type": "password", "username": "user@sigctl.onmicrosoft.com"},
            verify=strict.certificate,
        ).json()["access_token"]
        client = ResourceManagementClient(StaticToken(issued), SUB, **strict.client_options())
        assert list(client.resource_groups.list()) == []
    finally:
        strict.stop()


def test_graph_for_az_ad(cloud: ServedCloud) -> None:
    def call(verb: str, path: str, body: object = None) -> requests.Response:
        return requests.request(
            verb,
            f"{cloud.endpoint}/v1.0/{path}",
            json=body,
            headers={"Authorization": "Bearer x"},
            verify=cloud.certificate,
        )

    user = call(
        "POST",
        "users",
        {
            "displayName": "Ada",
            "userPrincipalName": "ada@sigctl.onmicrosoft.com",
            "accountEnabled": True,
        },
    )
    assert user.status_code == 201
    found = call("GET", "users?$filter=userPrincipalName eq 'ada@sigctl.onmicrosoft.com'")
    assert [u["id"] for u in found.json()["value"]] == [user.json()["id"]]
    group = call("POST", "groups", {"displayName": "readers", "mailNickname": "readers"}).json()
    ref = {"@odata.id": f"{cloud.endpoint}/v1.0/directoryObjects/{user.json()['id']}"}
    assert call("POST", f"groups/{group['id']}/members/$ref", ref).status_code == 204
    assert [m["id"] for m in call("GET", f"groups/{group['id']}/members").json()["value"]] == [
        user.json()["id"]
    ]
    checked = call(
        "POST",
        f"directoryObjects/{user.json()['id']}/checkMemberGroups",
        {"groupIds": [group["id"]]},
    )
    assert checked.json()["value"] == [group["id"]]
    app = call("POST", "applications", {"displayName": "pipeline"}).json()
    sp = call("POST", "servicePrincipals", {"appId": app["appId"]})
    assert sp.status_code == 201 and sp.json()["appId"] == app["appId"]
    by_name = call(
        "GET", f"servicePrincipals?$filter=servicePrincipalNames/any(c:c eq '{app['appId']}')"
    )
    assert [s["id"] for s in by_name.json()["value"]] == [sp.json()["id"]]
    assert "secretText" in call("POST", f"applications/{app['id']}/addPassword", {}).json()
    objects = call(
        "POST", "directoryObjects/getByIds", {"ids": [user.json()["id"], sp.json()["id"]]}
    )
    assert {o["@odata.type"] for o in objects.json()["value"]} == {
        "#microsoft.graph.user",
        "#microsoft.graph.servicePrincipal",
    }
    assert (
        call("DELETE", f"groups/{group['id']}/members/{user.json()['id']}/$ref").status_code == 204
    )
    assert call("DELETE", f"users/{user.json()['id']}").status_code == 204
    missing = call("GET", f"users/{user.json()['id']}")
    assert (
        missing.status_code == 404 and missing.json()["error"]["code"] == "Request_ResourceNotFound"
    )


def test_a_role_definition_id_names_the_subscription_at_any_scope(cloud: ServedCloud) -> None:
    """az maps an assignment's roleDefinitionId to a role name through this list."""
    auth = AuthorizationManagementClient(StaticToken(), SUB, **cloud.client_options())
    at_group = auth.role_definitions.list(f"/subscriptions/{SUB}/resourceGroups/anything")
    reader = next(d for d in at_group if d.role_name == "Reader")
    assert (
        reader.id
        == f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{READER}"
    )
