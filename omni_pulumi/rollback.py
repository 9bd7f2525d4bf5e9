"""Creates that take two calls: finish the object, or remove the half-made one.

Some objects need a second call after the POST (a connection's user attribute, an environment's
values). If that call fails, Pulumi records nothing, so an object left in Omni would be unmanaged and
block the next try. The first step is undone instead, and the error says what happened.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from omni_pulumi.errors import OmniApiError, OmniError

T = TypeVar("T")


def finish_or_undo(what: str, finish: Callable[[], T], undo: Callable[[], object]) -> T:
    """Run ``finish``; when Omni refuses it, run ``undo`` and re-raise with what was left behind.

    ``what`` names the new object (``Connection 550e...``) in the hint.
    """
    try:
        return finish()
    except OmniApiError as exc:
        try:
            undo()
        except OmniError as undo_error:
            hint = (
                f"{what} was created, but removing it again failed ({undo_error}); remove it in "
                "Omni or adopt it with adopt_id"
            )
        else:
            hint = (
                f"{what} was removed again, so nothing is left half made; fix the cause and retry"
            )
        hint = f"{exc.hint}; {hint}" if exc.hint else hint
        raise exc.with_hint(hint) from None
