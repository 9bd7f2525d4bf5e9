"""One module per Omni object: its arguments, its outputs, and its API calls."""

from omni_pulumi.resources.connection import Connection, ConnectionSpec
from omni_pulumi.resources.connection_environment import (
    ConnectionEnvironment,
    ConnectionEnvironmentSpec,
)
from omni_pulumi.resources.dbt_config import DbtConfig, DbtConfigSpec
from omni_pulumi.resources.dbt_environment import DbtEnvironment, DbtEnvironmentSpec
from omni_pulumi.resources.folder import Folder, FolderSpec
from omni_pulumi.resources.git_config import GitConfig, GitConfigSpec
from omni_pulumi.resources.label import Label, LabelSpec
from omni_pulumi.resources.model import Model, ModelSpec
from omni_pulumi.resources.schedule import Schedule, ScheduleSpec
from omni_pulumi.resources.schema_refresh_schedule import (
    SchemaRefreshSchedule,
    SchemaRefreshScheduleSpec,
)
from omni_pulumi.resources.user_group import UserGroup, UserGroupSpec

#: Every resource description, for the docs generator, export and the tests.
SPECS = (
    ConnectionSpec,
    ConnectionEnvironmentSpec,
    DbtEnvironmentSpec,
    DbtConfigSpec,
    SchemaRefreshScheduleSpec,
    ModelSpec,
    GitConfigSpec,
    ScheduleSpec,
    LabelSpec,
    FolderSpec,
    UserGroupSpec,
)

#: The public resource classes.
RESOURCES = (
    Connection,
    ConnectionEnvironment,
    DbtEnvironment,
    DbtConfig,
    SchemaRefreshSchedule,
    Model,
    GitConfig,
    Schedule,
    Label,
    Folder,
    UserGroup,
)

__all__ = [
    "RESOURCES",
    "SPECS",
    "Connection",
    "ConnectionEnvironment",
    "ConnectionEnvironmentSpec",
    "ConnectionSpec",
    "DbtConfig",
    "DbtConfigSpec",
    "DbtEnvironment",
    "DbtEnvironmentSpec",
    "Folder",
    "FolderSpec",
    "GitConfig",
    "GitConfigSpec",
    "Label",
    "LabelSpec",
    "Model",
    "ModelSpec",
    "Schedule",
    "ScheduleSpec",
    "SchemaRefreshSchedule",
    "SchemaRefreshScheduleSpec",
    "UserGroup",
    "UserGroupSpec",
]
