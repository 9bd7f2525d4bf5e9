"""omni-pulumi's errors reach ``pulumi up`` as their message, not as a Python traceback.

The SDK's dynamic provider host (``python -m pulumi.dynamic``, module ``pulumi.dynamic.__main__``)
wraps every provider call in ``_abort_with_traceback``, which answers the engine with
``traceback.format_exc()``: 30-40 lines of frames and chained exceptions before the one line a user
needs. For the errors omni-pulumi raises on purpose (:class:`~omni_pulumi.errors.OmniError`: every
answer Omni refused, every configuration problem), the frames say nothing a user can act on, so the
host is given a ``traceback`` whose ``format_exc`` returns the message alone. Any other exception (a
bug) keeps its full traceback.

Installed from :meth:`OmniProvider.configure`, which runs only inside the host, before its first call.
"""

from __future__ import annotations

import sys
import traceback as _traceback
import types
from typing import Any

from omni_pulumi.errors import OmniError

#: The host's module names: ``__main__`` when run with ``-m``, its own name when imported.
_HOST_MODULES = ("__main__", "pulumi.dynamic.__main__")


def short_message(exc: BaseException) -> str:
    """What the user sees for one of omni-pulumi's errors: its message, one paragraph."""
    return " ".join(str(exc).split()) or type(exc).__name__


class _ShortTraceback(types.ModuleType):
    """``traceback``, except that ``format_exc`` of an :class:`OmniError` is its message."""

    def __init__(self) -> None:
        super().__init__("traceback")
        self.__dict__.update({k: v for k, v in vars(_traceback).items() if not k.startswith("__")})
        self.format_exc = _format_exc  # after the copy, which holds the original


def _format_exc(limit: Any = None, chain: bool = True) -> str:
    exc = sys.exc_info()[1]
    if isinstance(exc, OmniError):
        return short_message(exc)
    return _traceback.format_exc(limit, chain)


def install() -> bool:
    """Make the running provider host report omni-pulumi's errors without a traceback.

    Returns whether a host was found (outside a host, e.g. in unit tests, nothing changes).
    """
    found = False
    for name in _HOST_MODULES:
        module = sys.modules.get(name)
        if module is None or not hasattr(module, "_abort_with_traceback"):
            continue
        if getattr(module, "traceback", None) is _traceback:
            module.traceback = _ShortTraceback()
        found = True
    return found
