"""One module per Omni object: its arguments, its outputs, and its API calls."""

from omni_pulumi.resources.folder import Folder, FolderSpec
from omni_pulumi.resources.label import Label, LabelSpec
from omni_pulumi.resources.user_group import UserGroup, UserGroupSpec

#: Every resource description, for the docs generator, export and the tests.
SPECS = (LabelSpec, FolderSpec, UserGroupSpec)

__all__ = ["SPECS", "Folder", "FolderSpec", "Label", "LabelSpec", "UserGroup", "UserGroupSpec"]
