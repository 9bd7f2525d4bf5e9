"""omni-pulumi: manage an Omni Analytics instance as code with Pulumi.

Each Omni object is a resource class here; the Omni client and errors are public too::

    import omni_pulumi as omni
    omni.Label("certified", name="Certified", verified=True)
"""

from omni_pulumi import classes
from omni_pulumi.classes import *  # noqa: F403  (one class per registered resource)
from omni_pulumi.errors import (
    OmniApiError,
    OmniAuthError,
    OmniConfigError,
    OmniConflict,
    OmniError,
    OmniNotFound,
    OmniRateLimited,
)
from omni_pulumi.version import __version__

__all__ = [
    *classes.__all__,
    "OmniApiError",
    "OmniAuthError",
    "OmniConfigError",
    "OmniConflict",
    "OmniError",
    "OmniNotFound",
    "OmniRateLimited",
    "__version__",
]
