"""pytest fixtures for testing Omni stacks offline, registered when omni-pulumi is installed.

``omni_emulator`` (a running local Omni) needs the ``emulator`` extra; it is offered only where that
is installed, so installing omni-pulumi never breaks an unrelated test suite.
"""

from __future__ import annotations

from importlib.util import find_spec

if find_spec("werkzeug") is not None:
    from omni_pulumi.emulator.pytest_fixtures import *  # noqa: F403
