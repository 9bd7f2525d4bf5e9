"""Every project under examples/ runs against the emulator: up, a preview with no changes, destroy.

Each test runs once through the engine-protocol harness and once through the real Pulumi CLI
(marker ``engine``; skipped when no CLI can be found or built).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

pytest.importorskip("werkzeug", reason="the emulator needs the 'emulator' extra")

from omni_pulumi.client import OmniClient
from omni_pulumi.emulator import Emulator
from omni_pulumi.emulator.store import fingerprint

from .support import API_KEY, EXAMPLE_SECRETS, EXAMPLES, Example, StackFactory

QUICKSTART = Example("quickstart")
ENVIRONMENTS = Example("multi-environment")
GITOPS = Example("gitops-model")
ADOPT = Example("adopt-existing")
ACCESS = Example("access")


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(api_key=API_KEY, rate_limit=0) as made:
        made.job_polls_in_progress = 0  # schema refresh jobs finish at their first poll
        yield made


def creates(emulator: Emulator) -> int:
    return sum(n for (method, _), n in emulator.calls.items() if method == "POST")


def test_quickstart(example_stack: StackFactory, emulator: Emulator) -> None:
    stack = example_stack(QUICKSTART, "dev", emulator.base_url)
    up = stack.up()
    assert up.ops_by_name() == {"analytics": "create", "finance": "create", "certified": "create"}
    assert up.outputs == {
        "finance_folder_path": "analytics/finance",
        "certified_label": "Certified",
    }
    stack.preview(expect_no_changes=True)
    assert stack.destroy().counts() == {"delete": 3}
    assert not emulator.store.labels and not emulator.store.folders


@pytest.mark.parametrize("environment", ["dev", "staging", "prod"])
def test_multi_environment(
    example_stack: StackFactory, emulator: Emulator, environment: str
) -> None:
    emulator.seed_dashboard("Revenue", identifier="revenue-dashboard")
    stack = example_stack(ENVIRONMENTS, environment, emulator.base_url)
    up = stack.up()

    ops = up.ops_by_name()
    assert set(ops.values()) == {"create"}
    # The stack file decides what exists: the team folders, the status label, the report.
    expected_teams = {"dev": {"Sandbox"}, "staging": {"Finance", "Marketing"}}.get(
        environment, {"Finance", "Marketing", "Operations"}
    )
    folders = {f["name"] for f in emulator.store.folders.values()}
    assert folders == {"Teams", *expected_teams}
    assert ("certified" in ops) == (environment == "prod")
    assert ("unreviewed" in ops) == (environment != "prod")
    assert ("weekly-revenue" in ops) == (environment == "prod")
    assert up.outputs["environment"] == environment
    assert up.outputs["status_label"] == ("Certified" if environment == "prod" else "Unreviewed")

    # The connection got this stack's database, role and (decrypted) warehouse password.
    (connection,) = emulator.store.connections.values()
    database = {"dev": "ANALYTICS_DEV", "staging": "ANALYTICS_STAGING"}.get(
        environment, "ANALYTICS"
    )
    assert connection["settings"]["database"] == database
    assert connection["baseRole"] == {"dev": "MODELER", "staging": "QUERIER"}.get(
        environment, "VIEWER"
    )
    assert connection["name"] == f"Snowflake ({environment})"
    password = EXAMPLE_SECRETS["multi-environment"][environment][
        "omni-environments:warehousePassword"
    ]
    assert connection["secrets"]["passwordUnencrypted"] == fingerprint(password)

    stack.preview(expect_no_changes=True)
    stack.destroy()
    assert not emulator.store.folders and not emulator.store.labels


# The GitHub half of gitops-model (pulumi-github's deploy key and webhook) is not run here: the
# engine-protocol harness serves dynamic providers only, and the real engine would need the
# pulumi-github provider plugin, which cannot be downloaded in this sandbox. With `githubRepository`
# unset the program exports what GitHub needs instead, and that is what these tests check.
def test_gitops_model_exports_what_github_needs(
    example_stack: StackFactory, emulator: Emulator
) -> None:
    stack = example_stack(
        GITOPS,
        "dev",
        emulator.base_url,
        secret_config={"omni-gitops:warehousePassword": "gitops-warehouse-password"},
    )
    up = stack.up()
    assert up.ops_by_name() == {
        "warehouse": "create",
        "schema": "create",
        "nightly-schema-refresh": "create",
        "shared": "create",
        "shared-git": "create",
    }
    (shared_id,) = (
        m["id"] for m in emulator.store.models.values() if m.get("modelKind") == "SHARED"
    )
    client = OmniClient(emulator.base_url, API_KEY, requests_per_minute=0)
    git = client.get(f"/api/v1/models/{shared_id}/git", params={"include": "webhookSecret"})
    assert up.outputs["deploy_key"] == git["publicKey"]
    assert up.outputs["deploy_key"].startswith("ssh-")
    assert up.outputs["webhook_url"] == git["webhookUrl"]
    assert up.outputs["webhook_secret"] == git["webhookSecret"]
    assert up.secret_outputs == ["webhook_secret"]
    assert git["webhookSecret"] not in json.dumps(stack.state())

    stack.preview(expect_no_changes=True)
    stack.destroy()
    assert not emulator.store.git_configs


def test_adopt_existing_creates_nothing(
    example_stack: StackFactory, emulator: Emulator, tmp_path: Path
) -> None:
    # The instance as someone built it by hand, through Omni's API.
    client = OmniClient(emulator.base_url, API_KEY, requests_per_minute=0)
    connection_id = client.post(
        "/api/v1/connections",
        json={
            "dialect": "snowflake",
            "name": "Snowflake",
            "host": "acme-xy12345",
            "warehouse": "ANALYTICS_WH",
            "database": "ANALYTICS",
            "username": "OMNI_SVC",
            "passwordUnencrypted": "typed-in-by-hand",
        },
    )["data"]
    model = client.post(
        "/api/v1/models", json={"connectionId": connection_id, "modelKind": "SCHEMA"}
    )
    folder = client.post("/api/v1/folders", json={"name": "Finance"})
    client.post("/api/v1/labels", json={"name": "Certified", "color": "#cccccc"})
    emulator.reset_calls()

    stack = example_stack(
        ADOPT,
        "prod",
        emulator.base_url,
        config={
            "omni-adopt:warehouseConnectionId": connection_id,
            "omni-adopt:schemaModelId": model["model"]["id"],
            "omni-adopt:financeFolderId": folder["id"],
        },
        secret_config={"omni-adopt:warehousePassword": "from-the-stack"},
    )
    up = stack.up()

    assert creates(emulator) == 0, emulator.calls
    assert set(up.ops_by_name().values()) == {"create"}  # An adoption is a create to Pulumi.
    adopted = [line for line in up.diagnostics if "adopted existing" in line]
    assert len(adopted) == 4, up.diagnostics
    assert "from-the-stack" not in "\n".join(up.diagnostics)
    assert up.outputs == {
        "warehouse_id": connection_id,
        "finance_path": "finance",
        "certified_label": "Certified",
    }
    # The program's settings and its write-only password reached the adopted objects.
    label = emulator.store.labels["certified"]
    assert (label["color"], label["description"]) == ("#1a7f37", "Reviewed by the data team")
    secrets = emulator.store.connections[connection_id]["secrets"]
    assert secrets["passwordUnencrypted"] == fingerprint("from-the-stack")

    stack.preview(expect_no_changes=True)
    stack.destroy()
    # The connection was kept (retain_on_delete); the folder and the label are managed now.
    assert emulator.store.connections[connection_id]["deletedAt"] is None
    assert not emulator.store.folders and not emulator.store.labels


def test_ci_workflow_previews_pull_requests_and_deploys_only_main() -> None:
    workflow = yaml.safe_load((EXAMPLES / "ci" / "github-actions.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as a boolean.
    assert triggers == {"pull_request": {"branches": ["main"]}, "push": {"branches": ["main"]}}
    assert workflow["env"]["OMNI_API_KEY"] == "${{ secrets.OMNI_API_KEY }}"

    def pulumi_step(job: str) -> dict:
        (step,) = (
            s for s in workflow["jobs"][job]["steps"] if "pulumi/actions" in s.get("uses", "")
        )
        return step["with"]

    preview, up = workflow["jobs"]["preview"], workflow["jobs"]["up"]
    assert preview["if"] == "github.event_name == 'pull_request'"
    assert pulumi_step("preview")["command"] == "preview"
    assert pulumi_step("preview")["comment-on-pr"] is True
    assert preview["permissions"]["pull-requests"] == "write"
    assert "github.ref == 'refs/heads/main'" in up["if"]
    assert pulumi_step("up")["command"] == "up"


def test_access(example_stack: StackFactory, emulator: Emulator) -> None:
    controller = emulator.seed_user("controller@acme.com", "Controller")
    stack = example_stack(
        ACCESS,
        "dev",
        emulator.base_url,
        config={"omni-access:controllerMembershipId": controller},
        secret_config={"omni-access:warehousePassword": "finance-warehouse-password"},
    )
    up = stack.up()
    assert set(up.ops_by_name().values()) == {"create"}
    # The team: an attribute and two users, groups, models, roles, folders and their grants.
    assert len(up.ops_by_name()) == 16
    groups = {g["displayName"]: g["id"] for g in emulator.store.groups.values()}
    analysts, admins = groups["Finance analysts"], groups["Finance admins"]
    assert up.outputs["analysts_group_id"] == analysts
    roles = {
        (group, a["roleName"])
        for group, assigned in emulator.store.group_model_roles.items()
        for a in assigned.values()
    }
    assert roles == {
        (analysts, "QUERIER"),
        (admins, "MODELER"),
        (admins, "CONNECTION_ADMIN"),
    }
    folders = {f["name"]: f for f in emulator.store.folders.values()}
    team, close = folders["Finance"], folders["Month-end close"]
    assert emulator.store.folder_permits[team["id"]] == {
        f"group:{analysts}": {"role": "VIEWER", "accessBoost": False},
        f"group:{admins}": {"role": "MANAGER", "accessBoost": True},
    }
    assert team["organizationRole"] == "NO_ACCESS"
    assert emulator.store.folder_permits[close["id"]] == {
        f"group:{analysts}": {"role": "EDITOR", "accessBoost": False},
        f"user:{controller}": {"role": "MANAGER", "accessBoost": False},
    }
    stack.preview(expect_no_changes=True)
    assert stack.destroy().counts() == {"delete": 16}
    # Omni has no revoke: the model roles stay as NO_ACCESS.
    left = {a["roleName"] for r in emulator.store.group_model_roles.values() for a in r.values()}
    assert left <= {"NO_ACCESS"}
