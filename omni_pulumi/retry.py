"""When to try a request again, and how long to wait first.

The rules follow from one question: could Omni have acted on the request already? A GET, PUT, PATCH
or DELETE can be sent again without harm, so each is retried after a 429, a 502/503/504 or a network
failure. A POST creates something: it is sent again only when it surely never reached Omni (the
connection could not be opened, or Omni refused it with 429 before acting). Any other failure of a
POST leaves it unknown whether the object exists, and the caller must look before creating again.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timezone
from email.utils import parsedate_to_datetime

import requests
import urllib3.exceptions

from omni_pulumi.clock import Clock

#: Statuses that say "try again later" without Omni having done anything for a non-POST request.
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
#: Methods whose repetition cannot duplicate an object.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})

BACKOFF_BASE_SECONDS = 1.0
BACKOFF_CAP_SECONDS = 60.0
#: Attempts at a host that refuses the connection or whose name does not resolve: a wrong
#: omni:baseUrl (or an emulator not started) does not heal in minutes, so a few quick tries
#: (about 3 s of waiting) cover a restart or a DNS blip, then the user is told.
UNREACHABLE_ATTEMPTS = 3
#: A wait longer than this is announced on the terminal, saying what it waits for.
ANNOUNCE_WAIT_SECONDS = 10.0


def backoff_delay(retry_number: int, uniform: Callable[[float, float], float]) -> float:
    """Exponential backoff (1, 2, 4, ... capped at 60 s) with jitter in [half, full] of the step.

    The jitter keeps parallel Pulumi operations that failed together from retrying together.
    """
    step = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, retry_number - 1))
    return uniform(step / 2, step)


def default_uniform() -> Callable[[float, float], float]:
    return random.SystemRandom().uniform


def retry_after_seconds(value: str | None, clock: Clock) -> float | None:
    """Parse ``Retry-After``: delta-seconds or an HTTP date. ``None`` when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT; the parser leaves "-0000" naive
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - clock.now()).total_seconds())


@dataclass(frozen=True)
class TransportFailure:
    """A request that got no HTTP answer, as the retry loop sees it."""

    #: False when the request surely never left this machine (nothing was sent to Omni).
    maybe_sent: bool
    #: Worth trying again (False for TLS and URL problems, which do not heal by waiting).
    transient: bool
    #: Words for the user, free of URLs and query strings.
    reason: str
    #: The host refused the connection, could not be reached or its name did not resolve.
    unreachable: bool = False


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception, what it wraps (requests and urllib3 nest them in args and ``reason``)."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        nested = [current.__cause__, current.__context__, getattr(current, "reason", None)]
        nested += [arg for arg in getattr(current, "args", ()) if isinstance(arg, BaseException)]
        todo.extend(n for n in nested if isinstance(n, BaseException))


def classify_transport_error(
    exc: requests.RequestException, read_timeout: float
) -> TransportFailure:
    causes = list(_causes(exc))
    if isinstance(exc, requests.exceptions.SSLError):
        return TransportFailure(False, False, "TLS handshake failed (check omni:baseUrl)")
    if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.InvalidSchema)):
        return TransportFailure(False, False, "invalid URL (check omni:baseUrl)")
    if any(isinstance(c, urllib3.exceptions.NameResolutionError) for c in causes):
        return TransportFailure(False, True, "could not resolve the host name", unreachable=True)
    if isinstance(exc, requests.exceptions.ConnectTimeout) or any(
        isinstance(c, (urllib3.exceptions.ConnectTimeoutError, ConnectionRefusedError))
        for c in causes
    ):
        refused = any(
            isinstance(c, ConnectionRefusedError) or "refused" in str(c).lower() for c in causes
        )
        return TransportFailure(
            False,
            True,
            "connection refused" if refused else "could not connect",
            unreachable=True,
        )
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return TransportFailure(True, True, f"no answer within {read_timeout:g} s (read timeout)")
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return TransportFailure(True, True, "the connection broke while the answer was read")
    if isinstance(exc, requests.exceptions.ConnectionError):
        names = [type(c).__name__ for c in causes if not isinstance(c, requests.RequestException)]
        detail = next((n for n in names if n not in {"MaxRetryError", "ProtocolError"}), None)
        reason = "the connection was dropped"
        return TransportFailure(True, True, f"{reason} ({detail})" if detail else reason)
    return TransportFailure(True, False, type(exc).__name__)
