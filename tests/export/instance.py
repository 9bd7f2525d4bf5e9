"""A varied Omni instance, made by hand through the API as a team would have built it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from omni_pulumi.client import OmniClient
from omni_pulumi.emulator import Emulator

API_KEY = "export-org-key"


@dataclass
class Instance:
    emulator: Emulator
    client: OmniClient
    users: list[str]
    ids: dict[str, str] = field(default_factory=dict)


def _connection(client: OmniClient, **body: Any) -> str:
    return client.post("/api/v1/connections", json=body)["data"]


def build(emulator: Emulator, *, secret_dbt_variable: bool = False) -> Instance:
    client = OmniClient(emulator.base_url, API_KEY, requests_per_minute=0)
    users = [emulator.seed_user(f"user{i}@example.com", f"User {i}") for i in range(3)]
    inst = Instance(emulator, client, users)
    ids = inst.ids
    pg = {"dialect": "postgres", "host": "db.internal", "port": 5432, "username": "omni"}
    ids["prod"] = _connection(
        client,
        name="Warehouse (prod)",
        database="analytics",
        passwordUnencrypted="p1",
        baseRole="QUERIER",
        **pg,
    )
    ids["dev"] = _connection(
        client, name="Warehouse (dev)", database="analytics_dev", passwordUnencrypted="p2", **pg
    )
    ids["staging"] = _connection(
        client, name="Warehouse (staging)", database="analytics_stg", passwordUnencrypted="p3", **pg
    )
    ids["snowflake"] = _connection(
        client,
        dialect="snowflake",
        name="Snowflake",
        host="acme-xy12345",
        warehouse="WH",
        database="RAW",
        username="OMNI",
        passwordUnencrypted="p4",
    )
    client.patch(
        f"/api/v1/connections/{ids['prod']}",
        json={"environmentUserAttribute": {"attributeName": "env", "defaultValues": ["prod"]}},
    )
    made = client.post(
        "/api/v1/connection-environments",
        json={
            "baseConnectionId": ids["prod"],
            "environmentConnectionIds": [ids["dev"], ids["staging"]],
        },
    )
    for record in made["connectionEnvironments"]:
        value = "dev" if record["connectionId"] == ids["dev"] else "staging"
        client.put(
            f"/api/v1/connection-environments/{record['id']}", json={"userAttributeValues": [value]}
        )
    variables = [{"name": "DBT_TARGET", "value": "prod", "isSecret": False}]
    if secret_dbt_variable:
        variables.append({"name": "API_TOKEN", "value": "s3cret-token", "isSecret": True})
    client.post(
        f"/api/v1/connections/{ids['snowflake']}/dbt/environments",
        json={"name": "Production", "targetSchema": "ANALYTICS", "variables": variables},
    )
    client.put(
        f"/api/v1/connections/{ids['snowflake']}/dbt",
        json={
            "sshUrl": "git@github.com:acme/dbt.git",
            "branch": "main",
            "autogenRelationships": True,
            "enableVirtualSchemas": False,
            "projectRootPath": "transform",
        },
    )
    schema = client.post(
        "/api/v1/models", json={"connectionId": ids["prod"], "modelKind": "SCHEMA"}
    )
    ids["schema"] = schema["model"]["id"]
    # As a live Omni needs: the schema built before shared models, and the schema model before a
    # refresh schedule (findings 33 and 25).
    job = client.post(f"/api/v1/models/{ids['schema']}/refresh")["jobId"]
    while client.get(f"/api/v1/jobs/{job}/status")["status"] == "IN_PROGRESS":
        pass
    client.post(
        f"/api/v1/connections/{ids['prod']}/schedules",
        json={"schedule": "0 6 * * ? *", "timezone": "Europe/Paris", "hardRefresh": False},
    )
    shared = client.post(
        "/api/v1/models",
        json={"connectionId": ids["prod"], "modelKind": "SHARED", "modelName": "Analytics"},
    )
    ids["shared"] = shared["model"]["id"]
    client.post(
        f"/api/v1/models/{ids['shared']}/git",
        json={
            "cloneUrl": "git@github.com:acme/omni-model.git",
            "requirePullRequest": "users-only",
            "baseBranch": "main",
        },
    )
    ext = client.post(
        "/api/v1/models",
        json={
            "connectionId": ids["prod"],
            "modelKind": "SHARED_EXTENSION",
            "modelName": "Finance extension",
            "baseModelId": ids["shared"],
        },
    )
    ids["extension"] = ext["model"]["id"]
    branch = client.post(
        "/api/v1/models",
        json={
            "connectionId": ids["prod"],
            "modelKind": "BRANCH",
            "modelName": "wip",
            "baseModelId": ids["shared"],
        },
    )
    ids["branch"] = branch["model"]["id"]
    finance = client.post("/api/v1/folders", json={"name": "Finance"})["id"]
    reports = client.post("/api/v1/folders", json={"name": "Reports", "parentFolderId": finance})[
        "id"
    ]
    client.post("/api/v1/folders", json={"name": "Quarterly", "parentFolderId": reports})
    client.post("/api/v1/folders", json={"name": "Marketing"})
    ids["personal"] = client.post(
        "/api/v1/folders", json={"name": "Scratch", "scope": "restricted", "userId": users[0]}
    )["id"]
    client.post("/api/v1/labels", json={"name": "Certified", "color": "#1a7f37", "verified": True})
    client.post("/api/v1/labels", json={"name": "Draft", "description": "Work in progress"})
    client.post(
        "/api/scim/v2/Groups",
        json={"displayName": "Analysts", "members": [{"value": users[0]}, {"value": users[1]}]},
    )
    client.post("/api/scim/v2/Groups", json={"displayName": "Admins", "members": []})
    region = client.post(
        "/api/v1/user-attributes", json={"name": "region", "label": "Region", "type": "String"}
    )["id"]
    client.put(
        f"/api/v1/user-attributes/{region}",
        json={"multiple_values": True, "default_value": ["emea"], "description": "Sales region"},
    )
    client.post(
        "/api/v1/user-attributes",
        json={"name": "level", "label": "Level", "type": "Number", "default_value": 1},
    )
    ext = "urn:omni:params:1.0:UserAttribute"
    client.put(
        f"/api/scim/v2/Users/{users[0]}",
        json={
            "userName": "user0@example.com",
            "displayName": "User 0",
            ext: {"region": ["emea", "apac"], "level": "3"},
        },
    )
    ids["ana"] = client.post(
        "/api/scim/v2/Users",
        json={"userName": "ana@example.com", "displayName": "Ana", ext: {"level": "2"}},
    )["id"]
    analysts = next(
        g["id"] for g in emulator.state.groups.values() if g["displayName"] == "Analysts"
    )
    # Model roles: a group's, a user's (who also inherits the group's and the connection's base
    # role), and a connection-level one.
    roles = [
        (f"/api/v1/user-groups/{analysts}", {"modelId": ids["shared"], "roleName": "QUERIER"}),
        (f"/api/v1/users/{users[1]}", {"modelId": ids["shared"], "roleName": "MODELER"}),
        (
            f"/api/v1/users/{users[2]}",
            {"connectionId": ids["prod"], "roleName": "CONNECTION_ADMIN"},
        ),
    ]
    for subject, body in roles:
        client.post(f"{subject}/model-roles", json=body)
    # Folder grants: a group's (read back under its full UUID) and a user's with AccessBoost.
    grants = [
        {"role": "VIEWER", "userGroupIds": [analysts]},
        {"role": "EDITOR", "accessBoost": True, "userIds": [users[1]]},
    ]
    for grant in grants:
        client.post(f"/api/v1/folders/{finance}/permissions", json=grant)
    board = emulator.seed_dashboard("Revenue", filter_keys=["region"], query_map_keys=["revenue"])
    common = {
        "identifier": board,
        "schedule": "0 9 ? * MON-FRI *",
        "timezone": "UTC",
        "testNow": False,
    }
    client.post(
        "/api/v1/schedules",
        json={
            **common,
            "name": "Revenue by email",
            "format": "pdf",
            "destinationType": "email",
            "recipients": [{"email": "b@example.com"}, {"email": "a@example.com"}],
            "hideTitle": True,
        },
    )
    client.post(
        "/api/v1/schedules",
        json={
            **common,
            "name": "Revenue webhook",
            "format": "json",
            "destinationType": "webhook",
            "webhookUrl": "https://hooks.example.com/omni",
        },
    )
    client.post(
        "/api/v1/schedules",
        json={
            **common,
            "name": "Revenue to S3",
            "format": "csv",
            "destinationType": "s3",
            "bucketName": "acme-exports",
            "region": "us-east-1",
            "roleArn": "arn:aws:iam::123456789012:role/omni-delivery",
            "keyPrefix": "revenue/",
        },
    )
    client.post(
        "/api/v1/schedules",
        json={
            **common,
            "name": "Revenue alert",
            "format": "link_only",
            "destinationType": "email",
            "recipients": [{"email": "a@example.com"}],
            "conditionType": "RESULTS_PRESENT",
            "conditionQueryMapKey": "revenue",
        },
    )
    return inst
