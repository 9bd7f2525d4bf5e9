"""ConnectionEnvironment on an instance that does not list environments (Omni's 2026-07-22 spec has
no such list): refresh keeps state and says once that drift cannot be seen."""

from __future__ import annotations

import omni_pulumi as omni

from .scenarios_connections import ENVIRONMENTS, postgres


def program():
    attribute = {"attribute_name": "env", "default_values": ["prod"]}
    base = postgres("Base", environment_user_attribute=attribute)
    for name in ("dev", "qa"):
        omni.ConnectionEnvironment(
            f"env-{name}",
            base_connection_id=base.id,
            environment_connection_id=postgres(name.upper()).id,
            user_attribute_values=[name],
        )


def environment_ids(s) -> list[str]:
    resources = s.state()["deployment"]["resources"]
    return [r["id"] for r in resources if r["type"].endswith(":ConnectionEnvironment")]


def test_refresh_sees_drift_with_the_list(world, stack):
    s = stack(program)
    s.up()
    dev = next(r for r in s.state()["deployment"]["resources"] if r["urn"].endswith("::env-dev"))
    world.client.put(f"{ENVIRONMENTS}/{dev['id']}", json={"userAttributeValues": ["by-hand"]})
    ops = s.refresh().ops_by_name()
    assert (ops["env-dev"], ops["env-qa"]) == ("update", "same")
    dev = next(r for r in s.state()["deployment"]["resources"] if r["urn"].endswith("::env-dev"))
    assert dev["outputs"]["user_attribute_values"] == ["by-hand"]
    assert "cannot show drift" not in s.host_stderr()


def test_refresh_without_the_list_keeps_state_and_warns_once(world, stack):
    s = stack(program)
    s.up()
    before = s.state()["deployment"]["resources"]
    for n, id_ in enumerate(environment_ids(s)):
        world.client.put(f"{ENVIRONMENTS}/{id_}", json={"userAttributeValues": [f"by-hand-{n}"]})
    world.emulator.connection_environments_list_enabled = False

    assert s.refresh().changes == {}
    assert s.state()["deployment"]["resources"] == before
    warnings = [line for line in s.host_stderr().splitlines() if "cannot show drift" in line]
    assert len(warnings) == 1, s.host_stderr()
    s.preview(expect_no_changes=True)
