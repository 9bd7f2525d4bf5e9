"""ModelRole: one subject and one target checked at preview, only the direct assignment is state
(an inherited role never drifts), POST is the only write, destroy writes NO_ACCESS and says what
still grants access, connection-level roles, the composite id."""

from __future__ import annotations

import re

import pytest
import responses

from omni_pulumi.resources.model_role import ModelRoleSpec
from tests.unit.conftest import BASE_URL, configured
from tests.unit.omni_steps import PICKLED, create, program, sent

USER = "11111111-1111-1111-1111-111111111111"
MODEL = "22222222-2222-2222-2222-222222222222"
CONNECTION = "33333333-3333-3333-3333-333333333333"
SCHEMA = "44444444-4444-4444-4444-444444444444"
GROUP = "mEhXj6ZI"
USER_ROLES = f"{BASE_URL}/api/v1/users/{USER}/model-roles"
GROUP_ROLES = f"{BASE_URL}/api/v1/user-groups/{GROUP}/model-roles"


@pytest.fixture
def provider():
    return configured(ModelRoleSpec())


def failures(provider, **args) -> list[str]:
    return [f.reason for f in provider.check({}, program(provider, **args)).failures]


def entry(role: str, origin: dict | None, model: str = MODEL, resolved: bool = False) -> dict:
    found = {"roleName": role, "baseRole": role, "modelId": model, "connectionId": CONNECTION}
    if origin is not None:
        found["from"] = origin
    return {**found, "resolved": resolved}


def test_exactly_one_subject_and_one_target_are_refused_otherwise(provider):
    both = failures(provider, role="VIEWER", user_id=USER, user_group_id=GROUP, model_id=MODEL)
    assert both == [
        "ModelRole.user_group_id: cannot be set with `user_id`: set exactly one of `user_id` or "
        "`user_group_id` (the user or user group given the role)"
    ]
    (none,) = failures(provider, role="VIEWER", user_id=USER)
    assert none.startswith("ModelRole.model_id: is missing: set exactly one of `model_id`")


def test_roles_are_checked_at_preview_custom_roles_allowed(provider):
    (lower,) = failures(provider, role="viewer", user_id=USER, model_id=MODEL)
    assert lower.startswith("ModelRole.role: ") and "use 'VIEWER'" in lower
    assert failures(provider, role="Finance Reader", user_id=USER, model_id=MODEL) == []
    (needs_model,) = failures(provider, role="QUERIER", user_id=USER, connection_id=CONNECTION)
    assert "set `model_id` instead" in needs_model
    assert failures(provider, role="CONNECTION_ADMIN", user_id=USER, connection_id=CONNECTION) == []


def test_a_group_role_is_one_post_and_the_id_names_subject_and_target(api, provider):
    answer = {
        "userGroupId": GROUP,
        "connectionId": CONNECTION,
        "modelId": MODEL,
        "roleName": "QUERIER",
    }
    api.add(responses.POST, GROUP_ROLES, json=answer)
    id_, outs = create(provider, role="QUERIER", user_group_id=GROUP, model_id=MODEL)
    assert id_ == f"group/{GROUP}/model/{MODEL}"
    path = f"/api/v1/user-groups/{GROUP}/model-roles"
    assert sent(api) == [("POST", path, {"roleName": "QUERIER", "modelId": MODEL})]
    assert outs["recorded_model_id"] == MODEL and outs["__provider"] == PICKLED


def test_only_the_direct_assignment_is_read_inherited_roles_are_not_drift(api, provider):
    group_origin = {"type": "Group Role", "miniUuid": GROUP, "name": "Finance", "depth": 0}
    results = [
        entry("QUERIER", group_origin, resolved=True),
        entry("VIEWER", {"type": "Connection Base Role"}),
        entry("VIEWER", {"type": "User Role"}),
    ]
    api.add(responses.GET, USER_ROLES, json={"membershipId": USER, "results": results})
    id_ = f"user/{USER}/model/{MODEL}"
    read = provider.read(id_, {"role": "VIEWER", "user_id": USER, "model_id": MODEL})
    assert read.outs["role"] == "VIEWER"
    # Without a direct entry the assignment is gone, whatever the user inherits.
    api.replace(responses.GET, USER_ROLES, json={"membershipId": USER, "results": results[:2]})
    assert provider.read(id_, {"role": "VIEWER"}).id == ""


def test_a_group_read_takes_entries_without_from_and_not_a_parent_group_s(api, provider):
    parent = {"type": "Group Role", "miniUuid": "pArEnT00", "name": "All", "depth": 1}
    results = [entry("MODELER", parent), entry("QUERIER", None)]
    api.add(responses.GET, GROUP_ROLES, json={"userGroupId": GROUP, "results": results})
    read = provider.read(f"group/{GROUP}/model/{MODEL}", {})
    assert read.outs["role"] == "QUERIER"


def test_destroy_writes_no_access_and_says_what_still_grants_access(api, provider, capsys):
    api.add(responses.POST, USER_ROLES, json={})
    base = entry("QUERIER", {"type": "Connection Base Role"}, resolved=True)
    results = [entry("NO_ACCESS", {"type": "User Role"}), base]
    api.add(responses.GET, USER_ROLES, json={"membershipId": USER, "results": results})
    provider.delete(f"user/{USER}/model/{MODEL}", {"role": "VIEWER"})
    assert sent(api)[0][2] == {"roleName": "NO_ACCESS", "modelId": MODEL}
    said = capsys.readouterr().err
    assert "destroy wrote NO_ACCESS" in said
    assert "still has QUERIER there through the Connection Base Role" in said


def test_a_connection_level_role_reads_the_entry_of_the_model_omni_recorded(api, provider):
    results = [
        entry("QUERIER", {"type": "User Role"}, model=MODEL),
        entry("CONNECTION_ADMIN", {"type": "User Role"}, model=SCHEMA),
    ]
    api.add(responses.GET, USER_ROLES, json={"membershipId": USER, "results": results})
    id_ = f"user/{USER}/connection/{CONNECTION}"
    read = provider.read(id_, {"recorded_model_id": SCHEMA})
    assert read.outs["role"] == "CONNECTION_ADMIN"
    assert read.outs["connection_id"] == CONNECTION and read.outs.get("model_id") is None
    # Adopted (nothing recorded): the connection's schema model, from the models list.
    page = {"records": [{"id": SCHEMA}], "pageInfo": {"hasNextPage": False, "nextCursor": None}}
    api.add(responses.GET, f"{BASE_URL}/api/v1/models", json=page)
    assert provider.read(id_, {}).outs["role"] == "CONNECTION_ADMIN"


def test_a_malformed_id_names_the_form(provider):
    with pytest.raises(Exception, match=re.escape("is not of the form <user|group>/<subject id>")):
        ModelRoleSpec().id_parts("folder/x/model/y")
