"""How identities print, as az's Microsoft Graph commands print them."""

from __future__ import annotations

from typing import Any


def graph_shape(record: dict[str, Any]) -> dict[str, Any]:
    kind = record["type"]
    if kind == "user":
        return {
            "businessPhones": [],
            "displayName": record["displayName"],
            "givenName": None,
            "id": record["id"],
            "jobTitle": None,
            "mail": None,
            "mobilePhone": None,
            "officeLocation": None,
            "preferredLanguage": None,
            "surname": None,
            "userPrincipalName": record["userPrincipalName"],
        }
    if kind == "servicePrincipal":
        return {
            "accountEnabled": True,
            "appDisplayName": record["displayName"],
            "appId": record["appId"],
            "appOwnerOrganizationId": record["tenantId"],
            "displayName": record["displayName"],
            "id": record["id"],
            "servicePrincipalNames": [record["appId"]],
            "servicePrincipalType": record.get("servicePrincipalType", "Application"),
        }
    return {
        "description": record.get("description"),
        "displayName": record["displayName"],
        "id": record["id"],
        "mailEnabled": False,
        "mailNickname": record["mailNickname"],
        "securityEnabled": True,
    }
