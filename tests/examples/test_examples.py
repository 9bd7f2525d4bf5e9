"""Every project under examples/ runs against the emulator: up, a preview with no changes, destroy.

Each test runs once through the engine-protocol harness and once through the real Pulumi CLI
(marker ``engine``; skipped when no CLI can be found or built).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("werkzeug", reason="the emulator needs the 'emulator' extra")

from omni_pulumi.emulator import Emulator
from omni_pulumi.emulator.store import fingerprint

from .support import API_KEY, EXAMPLE_SECRETS, Example, StackFactory

QUICKSTART = Example("quickstart")
ENVIRONMENTS = Example("multi-environment")


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
