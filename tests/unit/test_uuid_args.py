"""Every uuid argument is lowercased at check, as Omni spells ids in its answers.

An uppercase uuid passes the pattern but would differ from what Omni returns on every read, and on a
replace-only argument it would replace the object; so the one shared type lowercases it.
"""

from __future__ import annotations

import pytest

from omni_pulumi.provider import OmniProvider
from omni_pulumi.resources.connection_environment import ConnectionEnvironmentSpec
from omni_pulumi.resources.dbt_environment import DbtEnvironmentSpec
from omni_pulumi.resources.folder import FolderSpec
from omni_pulumi.resources.git_config import GitConfigSpec
from omni_pulumi.resources.model import ModelSpec
from omni_pulumi.resources.schedule import ScheduleSpec
from omni_pulumi.resources.schema_refresh_schedule import SchemaRefreshScheduleSpec
from omni_pulumi.resources.user_group import UserGroupSpec

UPPER = "ABCDEF12-3456-7890-ABCD-EF1234567890"
LOWER = UPPER.lower()
OTHER = "11111111-2222-3333-4444-555555555555"

CASES = [
    (ConnectionEnvironmentSpec, {"environment_connection_id": OTHER, "user_attribute_values": ["dev"]}, "base_connection_id"),
    (ConnectionEnvironmentSpec, {"base_connection_id": OTHER, "user_attribute_values": ["dev"]}, "environment_connection_id"),
    (DbtEnvironmentSpec, {"name": "prod", "target_schema": "analytics"}, "connection_id"),
    (DbtEnvironmentSpec, {"connection_id": OTHER, "name": "prod", "target_schema": "analytics"}, "owner_id"),
    (FolderSpec, {"name": "Finance"}, "parent_folder_id"),
    (FolderSpec, {"name": "Finance"}, "user_id"),
    (GitConfigSpec, {"clone_url": "git@github.com:acme/models.git"}, "model_id"),
    (ModelSpec, {}, "connection_id"),
    (ModelSpec, {"connection_id": OTHER, "model_kind": "SHARED_EXTENSION"}, "base_model_id"),
    (
        ScheduleSpec,
        {
            "identifier": "dash", "name": "Weekly", "schedule": "0 9 ? * MON *",
            "timezone": "UTC", "format": "pdf", "destination_type": "email",
            "recipients": ["a@acme.com"],
        },
        "user_id",
    ),
    (SchemaRefreshScheduleSpec, {"schedule": "0 9 * * ? *", "timezone": "UTC"}, "connection_id"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("spec", "args", "name"), CASES, ids=[f"{s.type_name}.{n}" for s, _, n in CASES]
)
def test_an_uppercase_uuid_is_checked_and_lowercased(spec, args, name):
    result = OmniProvider(spec()).check({}, {**args, name: UPPER})
    assert result.failures == [], [f.reason for f in result.failures]
    assert result.inputs[name] == LOWER


@pytest.mark.parametrize(
    ("spec", "args", "name"), CASES, ids=[f"{s.type_name}.{n}" for s, _, n in CASES]
)
def test_something_else_than_a_uuid_is_refused_naming_the_argument(spec, args, name):
    result = OmniProvider(spec()).check({}, {**args, name: "not-a-uuid"})
    assert [f.property for f in result.failures] == [name]


def test_user_group_members_are_lowercased():
    result = OmniProvider(UserGroupSpec()).check({}, {"display_name": "Ops", "members": [UPPER]})
    assert result.failures == []
    assert result.inputs["members"] == [LOWER]


def test_an_uppercase_replace_only_uuid_is_no_change_against_omnis_spelling():
    # The recorded outputs hold Omni's lowercase id: the program's uppercase one must not replace.
    provider = OmniProvider(FolderSpec())
    olds = provider.check({}, {"name": "Finance", "parent_folder_id": LOWER}).inputs
    news = provider.check(olds, {"name": "Finance", "parent_folder_id": UPPER}).inputs
    assert provider.diff("f1", olds, news).changes is False
