"""A local stand-in for Omni's REST API, for tests, demos and users' CI.

``from omni_pulumi.emulator import Emulator``. Werkzeug (the ``emulator`` extra) is imported only
when :class:`Emulator` is first used, so that ``omni_pulumi.emulator.cli`` and the pytest fixture
module can be imported without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import Emulator

__all__ = ["Emulator"]


def __getattr__(name: str) -> Any:
    if name == "Emulator":
        from .app import Emulator

        return Emulator
    raise AttributeError(name)
