"""The engine-protocol harness: real Pulumi programs against the SDK's dynamic provider host, offline.

``HarnessStack`` is the entry point; see ``docs/testing.md``. The pieces: ``host`` (the provider
host process and its gRPC stub), ``engine`` (the engine's step rules), ``program`` (the program
run in-process against the engine), ``state`` (the checkpoint), ``wire`` (secret and unknown
encodings).
"""

from .engine import HarnessOperationError
from .host import ProviderCallError, ProviderHost, ProviderHostError
from .stack import HarnessStack
from .state import Checkpoint, ResourceState
from .wire import UNKNOWN

__all__ = [
    "UNKNOWN",
    "Checkpoint",
    "HarnessOperationError",
    "HarnessStack",
    "ProviderCallError",
    "ProviderHost",
    "ProviderHostError",
    "ResourceState",
]
