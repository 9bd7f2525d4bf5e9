"""omni-pulumi: manage an Omni Analytics instance as code with Pulumi.

Each Omni object is a resource class here; the Omni client and errors are public too::

    import omni_pulumi as omni
    omni.Label("certified", name="Certified", verified=True)
"""

from omni_pulumi.errors import (
    OmniApiError,
    OmniAuthError,
    OmniConfigError,
    OmniConflict,
    OmniError,
    OmniNotFound,
    OmniRateLimited,
)
from omni_pulumi.resources import (
    Connection,
    ConnectionEnvironment,
    DbtConfig,
    DbtEnvironment,
    Folder,
    GitConfig,
    Label,
    Model,
    Schedule,
    SchemaRefreshSchedule,
    UserGroup,
)
from omni_pulumi.version import __version__

__all__ = [
    "Connection",
    "ConnectionEnvironment",
    "DbtConfig",
    "DbtEnvironment",
    "Folder",
    "GitConfig",
    "Label",
    "Model",
    "OmniApiError",
    "OmniAuthError",
    "OmniConfigError",
    "OmniConflict",
    "OmniError",
    "OmniNotFound",
    "OmniRateLimited",
    "Schedule",
    "SchemaRefreshSchedule",
    "UserGroup",
    "__version__",
]
