"""Connection.environment_user_attribute through `pulumi up`: removing it converges, and its
default values are a set (a reordering is no change)."""

from __future__ import annotations

from .scenarios_connections import postgres

C = "/api/v1/connections"


def program(attribute):
    def run() -> None:
        postgres("Base", environment_user_attribute=attribute)

    return run


def in_omni(world, s) -> dict:
    base = next(r for r in s.state()["deployment"]["resources"] if r["urn"].endswith("::base"))
    return world.client.get(f"{C}/{base['id']}")["connection"]


def test_removing_the_user_attribute_clears_it_in_omni_and_converges(world, stack):
    s = stack(program({"attribute_name": "env", "default_values": ["prod"]}))
    s.up()
    assert in_omni(world, s)["userAttributeNameForConnectionEnvironments"] == "env"

    s.program = program(None)
    assert s.up().ops_by_name()["base"] == "update"
    assert in_omni(world, s)["userAttributeNameForConnectionEnvironments"] is None
    s.refresh()
    s.preview(expect_no_changes=True)


def test_reordering_the_default_values_is_no_change(world, stack):
    s = stack(program({"attribute_name": "env", "default_values": ["prod", "eu"]}))
    s.up()
    s.refresh()  # Omni answers in its own order
    s.program = program({"attribute_name": "env", "default_values": ["eu", "prod"]})
    s.preview(expect_no_changes=True)
