"""One cheap call per operation that proves the base URL and the API key: Omni's ``GET /api/v1/whoami``.

``pulumi preview`` runs only ``check`` and ``diff``, which need no call to Omni, so without this a
wrong key or a base URL that is not an Omni instance would pass every pull-request preview and fail
only at ``up``. The provider calls :func:`ensure_credentials` at the first ``check`` of each resolved
settings (a provider process serves one operation, so that is once per operation and instance); the
answer, or the failure, is remembered per fingerprint of the settings, never per key.

whoami also says whether the key is an organization key: SCIM (``User``, ``UserGroup``) refuses a
personal access token, so those kinds fail the preview with a personal key, and nothing else does.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass
from typing import Any

from omni_pulumi.config import API_KEY, BASE_URL, OmniSettings, client_from
from omni_pulumi.errors import (
    OmniApiError,
    OmniAuthError,
    OmniConfigError,
    OmniError,
    OmniNotFound,
    OmniTransportError,
)
from omni_pulumi.ratelimit import key_fingerprint

WHOAMI = "/api/v1/whoami"


class OmniCredentialsError(OmniConfigError):
    """The base URL or the API key does not work, or the key cannot do what the program needs."""


@dataclass(frozen=True)
class KeyInfo:
    """What whoami said about the key (no secret in it)."""

    base_url: str
    #: ``organization`` or ``user`` (a personal access token or an OAuth token).
    scope: str
    #: ``ORG_ADMIN`` or ``MEMBER``; empty when Omni did not say.
    role: str = ""
    user_id: str = ""
    #: How many keys the settings hold; each was asked about.
    keys: int = 1
    #: Which of several keys (1-based) is a personal access token, the first such; 0 for none.
    personal_key: int = 0

    @property
    def organization(self) -> bool:
        return self.scope == "organization"


def _fingerprint(settings: OmniSettings) -> tuple[Any, ...]:
    return (settings.base_url, tuple(key_fingerprint(k) for k in settings.api_keys))


_known: dict[tuple[Any, ...], KeyInfo | OmniError] = {}
_locks: dict[tuple[Any, ...], threading.Lock] = {}
_lock = threading.Lock()


def forget() -> None:
    """Drop every remembered answer (tests; a new operation starts a new process anyway)."""
    with _lock:
        _known.clear()
        _locks.clear()


def whoami(settings: OmniSettings) -> dict[str, Any]:
    """Omni's answer to whoami with these settings (raises the client's errors)."""
    answer = client_from(settings).get(WHOAMI)
    return answer if isinstance(answer, dict) else {}


def _ask(settings: OmniSettings) -> KeyInfo:
    """Whoami with each key of ``settings`` (one call per key, on that key's own budget).

    With ``omni:apiKeys`` every key is asked: requests spread over the keys, so one revoked key
    would otherwise fail a share of the operation's requests halfway through an ``up``. The key
    counts as an organization key only if every key is one (SCIM may get any of them).
    """
    keys = settings.api_keys
    # The pool's client first, so each key's limiter and budget carry the pool's name for the key
    # ("API key 2 of 3") in their warnings rather than the per-key clients' "the API key".
    client_from(settings)
    infos = []
    for index, key in enumerate(keys):
        one = dataclasses.replace(settings, api_keys=(key,))
        try:
            answer = whoami(one)
        except OmniError as exc:
            which = "" if len(keys) == 1 else f" (API key {index + 1} of {len(keys)})"
            raise _explain(settings, exc, which) from exc
        infos.append(
            KeyInfo(
                base_url=str(settings.base_url),
                scope=str(answer.get("keyScope") or "organization"),
                role=str(answer.get("orgRole") or ""),
                user_id=str((answer.get("user") or {}).get("id") or ""),
                keys=len(keys),
            )
        )
    personal = next((n for n, info in enumerate(infos, 1) if not info.organization), 0)
    return dataclasses.replace(infos[personal - 1], personal_key=personal) if personal else infos[0]


def _explain(settings: OmniSettings, exc: OmniError, which: str = "") -> OmniError:
    """The one line that says what to fix, for a whoami that failed (``which`` names the key)."""
    url = settings.base_url
    if isinstance(exc, OmniConfigError):
        return exc
    if isinstance(exc, OmniAuthError):
        return OmniCredentialsError(
            f"Omni at {url} refused the API key{which} ({exc.status}: {exc.detail or 'no message'}): set "
            f"a valid key with `pulumi config set --secret {API_KEY.key} <key>` or OMNI_API_KEY; it "
            f"may be mistyped, expired or revoked"
        )
    if isinstance(exc, OmniNotFound) or (
        isinstance(exc, OmniApiError) and 300 <= exc.status < 500 and exc.status != 429
    ):
        return OmniCredentialsError(
            f"{url} does not answer like an Omni instance (GET {WHOAMI}: {exc.status} "
            f"{exc.detail or ''}".rstrip()
            + f"): check {BASE_URL.key} (or OMNI_BASE_URL); it should be the instance's address, "
            "like https://<instance>.omniapp.co"
        )
    if isinstance(exc, OmniApiError) and 200 <= exc.status < 300:  # not JSON
        return OmniCredentialsError(
            f"{url} answered GET {WHOAMI} with something other than JSON: check {BASE_URL.key} "
            "(or OMNI_BASE_URL); it should be the instance's address, like "
            "https://<instance>.omniapp.co"
        )
    if isinstance(exc, OmniTransportError):
        return OmniCredentialsError(f"Cannot check the API key: {exc}")
    return OmniCredentialsError(f"Cannot check the API key at {url}: {exc}")


def ensure_credentials(settings: OmniSettings) -> KeyInfo:
    """Prove ``settings`` work, once per process: the answer (or the failure) is remembered.

    Raises :class:`OmniConfigError` (an :class:`OmniCredentialsError` for a key or URL Omni refused)
    whose message is one line saying what to fix.
    """
    if not settings.base_url or not settings.api_keys:
        client_from(settings)  # raises the "is not set" error that names the setting
    fingerprint = _fingerprint(settings)
    with _lock:
        lock = _locks.setdefault(fingerprint, threading.Lock())
    with lock:  # resources are checked in parallel threads: one call, not ten
        known = _known.get(fingerprint)
        if known is None:
            try:
                known = _ask(settings)
            except OmniError as exc:
                known = exc
            _known[fingerprint] = known
    if isinstance(known, OmniError):
        raise known
    return known


def require_organization_key(info: KeyInfo, kind: str) -> None:
    """Refuse a personal key for a kind Omni serves only to organization keys (SCIM)."""
    if not info.organization:
        which = (
            f"API key {info.personal_key} of {info.keys} in omni:apiKeys"
            if info.keys > 1
            else f"the key set in {API_KEY.key} (or OMNI_API_KEY)"
        )
        raise OmniCredentialsError(
            f"{kind} is managed through Omni's SCIM API, which needs an organization API key, but "
            f"{which} is a personal access token: create an organization key in Omni "
            f"(Settings > API keys) and set it instead"
        )
