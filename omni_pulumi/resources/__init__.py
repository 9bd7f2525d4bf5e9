"""One module per Omni object: its arguments, its outputs, and its API calls.

Importing a module registers its spec (``ResourceSpec``'s ``register=True``); the order here is the
order of the reference pages and of export (objects another kind references come first).
"""

from omni_pulumi.resources.connection import ConnectionSpec
from omni_pulumi.resources.connection_environment import ConnectionEnvironmentSpec
from omni_pulumi.resources.dbt_config import DbtConfigSpec
from omni_pulumi.resources.dbt_environment import DbtEnvironmentSpec
from omni_pulumi.resources.folder import FolderSpec
from omni_pulumi.resources.folder_permission import FolderPermissionSpec, FolderPermissionsSpec
from omni_pulumi.resources.git_config import GitConfigSpec
from omni_pulumi.resources.label import LabelSpec
from omni_pulumi.resources.model import ModelSpec
from omni_pulumi.resources.model_role import ModelRoleSpec
from omni_pulumi.resources.schedule import ScheduleSpec
from omni_pulumi.resources.schema_refresh_schedule import SchemaRefreshScheduleSpec
from omni_pulumi.resources.user import UserSpec
from omni_pulumi.resources.user_attribute import UserAttributeSpec
from omni_pulumi.resources.user_group import UserGroupSpec
from omni_pulumi.spec import REGISTRY

#: Every resource description, for the docs, the public classes, export and the tests.
SPECS = tuple(REGISTRY.values())

__all__ = [
    "SPECS",
    "ConnectionEnvironmentSpec",
    "ConnectionSpec",
    "DbtConfigSpec",
    "DbtEnvironmentSpec",
    "FolderPermissionSpec",
    "FolderPermissionsSpec",
    "FolderSpec",
    "GitConfigSpec",
    "LabelSpec",
    "ModelRoleSpec",
    "ModelSpec",
    "ScheduleSpec",
    "SchemaRefreshScheduleSpec",
    "UserAttributeSpec",
    "UserGroupSpec",
    "UserSpec",
]
