"""The ``omni_emulator`` pytest fixture: a started emulator per test, rate limit off.

Importing this module does not import Werkzeug; the fixture does, when a test asks for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .app import Emulator


@pytest.fixture
def omni_emulator() -> Iterator[Emulator]:
    from .app import Emulator

    with Emulator(rate_limit=0) as emulator:
        yield emulator
