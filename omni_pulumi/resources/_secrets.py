"""Keeping secret values out of errors where the client cannot tell they are secret.

The client redacts values under secret-looking keys (``passwordUnencrypted``...). A dbt variable's
secret sits under a plain ``value`` key, flagged by a sibling ``isSecret``, so the resource that
knows which values are secret redacts Omni's answer itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from omni_pulumi.client import redact
from omni_pulumi.errors import OmniAmbiguousWrite, OmniApiError


@contextmanager
def redacting(values: Iterable[str | None]) -> Iterator[None]:
    """Re-raise Omni's errors with any of ``values`` blanked out of Omni's message."""
    secrets = [value for value in values if value]
    try:
        yield
    except OmniApiError as exc:
        detail = redact(exc.detail or "", secrets)
        if detail == exc.detail:
            raise
        raise exc.with_hint(exc.hint, detail) from None
    except OmniAmbiguousWrite as exc:
        cause = redact(str(exc.cause), secrets)
        if cause == str(exc.cause):
            raise
        raise OmniAmbiguousWrite(exc.method, exc.path, ConnectionError(cause)) from None
