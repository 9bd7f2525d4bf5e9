"""The exceptions a user of omni-pulumi can meet.

Every error carries what a user needs to act on it: which Omni call failed (method and path), the
HTTP status, and Omni's own words (``detail``). None of them ever holds a credential or a secret value:
messages are built from paths and Omni's answers, never from request bodies or headers.
"""

from __future__ import annotations


class OmniError(Exception):
    """Base class of every error raised by omni-pulumi."""


class OmniConfigError(OmniError):
    """Settings are missing or malformed (base URL, API key, numbers in stack config)."""


class OmniResourceError(OmniError):
    """Managing one resource failed; the message names the resource and what to do."""


class OmniApiError(OmniError):
    """Omni answered a request with an error status.

    ``detail`` is Omni's own message: Omni answers ``{"detail", "status"}`` on most endpoints and
    ``{"error", "message"}`` on some, and both are read.
    """

    #: Extra advice appended to the message for this class of error.
    hint: str = ""

    def __init__(self, status: int, method: str, path: str, detail: str, hint: str = "") -> None:
        self.status = status
        self.method = method
        self.path = path
        self.detail = detail
        if hint:
            self.hint = hint
        message = f"Omni answered {status} to {method} {path}: {detail or '(no message)'}"
        if self.hint:
            message = f"{message}. {self.hint}"
        super().__init__(message)

    def with_hint(self, hint: str, detail: str | None = None) -> OmniApiError:
        """The same error (same class, call and status) with the fix a resource knows to give.

        ``detail`` replaces Omni's message where it had to be cleaned (a secret blanked out).
        """
        return type(self)(
            self.status, self.method, self.path, self.detail if detail is None else detail, hint
        )


class OmniBadRequest(OmniApiError):
    """400: Omni refused the request body or query (its validation message is in ``detail``)."""


class OmniAuthError(OmniApiError):
    """401 or 403: the key is missing, wrong, or lacks the permission or key type the call needs."""


class OmniNotFound(OmniApiError):
    """404: the object does not exist (or is not visible to this key)."""


class OmniGone(OmniNotFound):
    """410: the object was archived already (connections)."""


class OmniConflict(OmniApiError):
    """409: the object already exists, or is still in use."""


class OmniRateLimited(OmniApiError):
    """429 that outlasted the client's bounded wait."""


class OmniServerError(OmniApiError):
    """5xx that outlasted the client's retries."""


class OmniTransportError(OmniError):
    """The request never got an HTTP answer (refused, dropped, timed out) after all retries."""

    def __init__(self, method: str, path: str, reason: str) -> None:
        self.method = method
        self.path = path
        self.reason = reason
        super().__init__(f"{method} {path} got no answer from Omni: {reason}")


class OmniAmbiguousWrite(OmniError):
    """A POST failed in a way that leaves it unknown whether Omni acted on it.

    A timeout, a dropped connection or a 5xx after the request was sent: retrying blindly could make
    a duplicate, so the lifecycle engine looks the object up by its natural key instead.
    """

    def __init__(self, method: str, path: str, cause: Exception) -> None:
        self.method = method
        self.path = path
        self.cause = cause
        super().__init__(f"{method} {path} may or may not have reached Omni: {cause}")
