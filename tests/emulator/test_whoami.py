"""GET /api/v1/whoami: the key's scope (organization or user) and its owner, checked against the spec."""

from __future__ import annotations

from .conftest import Api


def test_whoami_says_an_organization_key_from_a_personal_one(api, emu):
    org = api.ok("GET", "/api/v1/whoami")
    assert org["keyScope"] == "organization"
    # The membership id is the SCIM user's id (Omni's docs); the person's user id is another.
    assert org["user"]["membershipId"] == emu.admin_user_id
    assert org["user"]["id"] != emu.admin_user_id

    emu.add_api_key("personal-token", org=False)
    personal = Api(emu, "personal-token").ok("GET", "/api/v1/whoami")
    assert personal["keyScope"] == "user"


def test_whoami_with_a_wrong_key_is_401(emu):
    Api(emu, "wrong-key").error("GET", "/api/v1/whoami", 401)
