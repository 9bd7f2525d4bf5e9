"""OmniClient: the one way omni-pulumi talks to Omni's REST API.

It owns everything a single HTTP call to Omni needs: the base URL, bearer auth, the process-wide
rate limit, retries with backoff, timeouts, turning Omni's error bodies into
:mod:`omni_pulumi.errors`, and the three pagination styles. Resource code passes paths and JSON
and gets JSON back.

A client holds an API key, so it lives only in the provider host process: it refuses to be pickled,
and the provider creates it lazily from stack config (:func:`omni_pulumi.config.client_from`).
"""

from __future__ import annotations

import contextlib
import ipaddress
import json as jsonlib
import logging
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, NoReturn
from urllib.parse import quote, urlsplit

import requests
from requests.adapters import HTTPAdapter

from omni_pulumi import pagination
from omni_pulumi.clock import SYSTEM_CLOCK, Clock
from omni_pulumi.diagnostics import warn
from omni_pulumi.errors import (
    OmniAmbiguousWrite,
    OmniApiError,
    OmniAuthError,
    OmniBadRequest,
    OmniConfigError,
    OmniConflict,
    OmniGone,
    OmniNotFound,
    OmniRateLimited,
    OmniServerError,
    OmniTransportError,
)
from omni_pulumi.keypool import KeyPool
from omni_pulumi.retry import (
    ANNOUNCE_WAIT_SECONDS,
    IDEMPOTENT_METHODS,
    RETRYABLE_STATUSES,
    UNREACHABLE_ATTEMPTS,
    backoff_delay,
    classify_transport_error,
    default_uniform,
    retry_after_seconds,
)
from omni_pulumi.version import __version__

__all__ = ["Clock", "OmniClient", "normalize_base_url", "quote_segment"]

logger = logging.getLogger("omni_pulumi")

USER_AGENT = f"omni-pulumi/{__version__} (+python-requests)"

HINT_401 = (
    "Check the API key: `pulumi config set --secret omni:apiKey <key>` or OMNI_API_KEY; "
    "it may be mistyped, expired or revoked"
)
HINT_SCIM_403 = (
    "SCIM endpoints (user groups, users) need an organization API key, not a personal access token"
)

_STATUS_ERRORS: dict[int, type[OmniApiError]] = {
    400: OmniBadRequest,
    401: OmniAuthError,
    403: OmniAuthError,
    404: OmniNotFound,
    409: OmniConflict,
    410: OmniGone,
    429: OmniRateLimited,
}

#: A backstop: request-body fields whose values are kept out of error messages even if Omni echoes
#: them and the caller did not hand them to :meth:`OmniClient.redacting` (the engine hands every
#: argument its spec declares secret).
_SECRET_FIELD = re.compile(
    r"password|secret|token|private_?key|passphrase|api_?key|credential|webhook_?url", re.I
)
_MAX_DETAIL = 500


def quote_segment(segment: object) -> str:
    """Percent-encode one path segment (a label name may hold ``/``, spaces or ``?``)."""
    return quote(str(segment), safe="")


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalize_base_url(value: str) -> str:
    """``https://acme.omniapp.co/api/`` -> ``https://acme.omniapp.co``, refusing what cannot work.

    Paths given to the client start with ``/api``, so a base URL copied with ``/api`` from Omni's
    docs is trimmed. Plain ``http://`` would send the key in clear text, so it is refused except for
    loopback hosts, where the local emulator runs.
    """
    raw = (value or "").strip()
    example = "https://<instance>.omniapp.co"
    if not raw:
        raise OmniConfigError(f"Omni base URL is empty; expected something like {example}")
    if "://" not in raw:
        raise OmniConfigError(
            f"Omni base URL {raw!r} has no scheme; write it in full, e.g. https://{raw.rstrip('/')}"
        )
    parts = urlsplit(raw)
    if parts.username is not None or parts.password is not None:
        raise OmniConfigError(
            "Omni base URL must not contain a user name or password; "
            "give the API key in omni:apiKey or OMNI_API_KEY"
        )
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in {"http", "https"} or not host:
        raise OmniConfigError(f"Omni base URL {raw!r} is not an http(s) URL; expected {example}")
    if scheme == "http" and not _is_loopback(host):
        raise OmniConfigError(
            f"Omni base URL {raw!r} uses plain http://, which would send the API key unencrypted; "
            f"use https:// (http:// is accepted only for a local emulator on 127.0.0.1, "
            f"localhost or ::1)"
        )
    if parts.path.rstrip("/") not in {"", "/api"} or parts.query or parts.fragment:
        raise OmniConfigError(
            f"Omni base URL {raw!r} should be the instance's address only, like {example} "
            f"(an optional trailing /api is accepted)"
        )
    netloc = f"[{host}]" if ":" in host else host
    try:
        port = parts.port
    except ValueError as exc:
        raise OmniConfigError(f"Omni base URL {raw!r} has an invalid port") from exc
    if port is not None:
        netloc = f"{netloc}:{port}"
    return f"{scheme}://{netloc}"


def _secret_values(body: Any) -> set[str]:
    """Values of secret-looking fields anywhere in a JSON request body."""
    found: set[str] = set()

    def walk(node: Any, secret: bool) -> None:
        if isinstance(node, Mapping):
            # A dbt variable marks its own value secret: {"name", "value", "isSecret": true}.
            flagged = node.get("isSecret") is True
            for key, value in node.items():
                named = bool(_SECRET_FIELD.search(str(key))) or (flagged and key == "value")
                walk(value, secret or named)
        elif isinstance(node, (list, tuple)):
            for item in node:
                walk(item, secret)
        elif secret and isinstance(node, str) and node:
            found.add(node)

    walk(body, False)
    return found


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret value of four characters or more blanked out."""
    for secret in sorted(set(secrets), key=len, reverse=True):
        if len(secret) >= 4:
            text = text.replace(secret, "[redacted]")
    return text


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return jsonlib.dumps(value, separators=(", ", ": "), default=str)


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_DETAIL else text[: _MAX_DETAIL - 1] + "…"


def omni_detail(response: requests.Response) -> str:
    """Omni's own words from an error answer: ``{detail}``, ``{error, message}`` or plain text."""
    text = response.text or ""
    if not text.strip():
        return response.reason or ""
    try:
        body = jsonlib.loads(text)
    except ValueError:
        body = None
    if isinstance(body, Mapping):
        detail, message, error = body.get("detail"), body.get("message"), body.get("error")
        if detail:
            return _shorten(_as_text(detail))
        if message:
            message = _as_text(message)
            if error and not message.lower().startswith(_as_text(error).lower()):
                return _shorten(f"{_as_text(error)}: {message}")
            return _shorten(message)
        if error:
            return _shorten(_as_text(error))
        return _shorten(_as_text(body))
    if body is not None:
        return _shorten(_as_text(body))
    if "html" in response.headers.get("Content-Type", "").lower() or "<html" in text[:500].lower():
        title = re.search(r"<title[^>]*>(.*?)</title>", text, re.I | re.S)
        return f"an HTML page ({_shorten(title.group(1))})" if title else "an HTML page"
    return _shorten(text)


class OmniClient(pagination.Paginating):
    """A thread-safe client of one Omni instance with one API key, or several of one organization.

    ``api_key`` is a key or a sequence of keys; with several, each request goes out with the key
    whose rate-limit window frees first (:mod:`omni_pulumi.keypool`).
    """

    def __init__(
        self,
        base_url: str,
        api_key: str | Sequence[str],
        *,
        requests_per_minute: float = 60,
        timeout: float = 30.0,
        connect_timeout: float = 10.0,
        max_retry_wait: float = 300.0,
        session: requests.Session | None = None,
        clock: Clock | None = None,
        uniform: Callable[[float, float], float] | None = None,
    ) -> None:
        keys = [api_key] if isinstance(api_key, str) else list(api_key)
        if not keys or not all(isinstance(k, str) and k for k in keys):
            raise OmniConfigError("Omni API key is empty")
        self.base_url = normalize_base_url(base_url)
        self._api_keys = frozenset(keys)
        self._clock = clock or SYSTEM_CLOCK
        self._timeout = (min(connect_timeout, timeout), timeout)
        self._max_retry_wait = max_retry_wait
        self._uniform = uniform or default_uniform()
        self._keys = KeyPool(self.base_url, keys, requests_per_minute, self._clock)
        if session is None:
            session = requests.Session()
            # Pulumi runs about ten operations at once; room for all of them avoids "pool is full".
            adapter = HTTPAdapter(pool_connections=2, pool_maxsize=32, max_retries=0)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
        self._session = session
        self._local = threading.local()

    @contextlib.contextmanager
    def redacting(self, secrets: Iterable[str]) -> Iterator[OmniClient]:
        """Keep ``secrets`` out of every error of the requests this thread sends meanwhile.

        The lifecycle engine knows which argument values are secret (the spec's ``Arg(secret)``)
        and hands them here, so Omni's message is cleaned even when it echoes a value under a key
        that does not look secret. Per thread: Pulumi runs resources in parallel threads.
        """
        previous = getattr(self._local, "secrets", frozenset())
        self._local.secrets = previous | {s for s in secrets if s}
        try:
            yield self
        finally:
            self._local.secrets = previous

    def __repr__(self) -> str:
        return f"OmniClient({self.base_url!r})"

    def __reduce_ex__(self, protocol: object) -> NoReturn:
        raise TypeError(
            "OmniClient holds an API key and must never be pickled into Pulumi state; "
            "create it inside the provider (omni_pulumi.config.client_from)"
        )

    # -- requests ------------------------------------------------------------------------------

    def get(self, path: str, **kw: Any) -> Any:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Any:
        return self.request("POST", path, **kw)

    def put(self, path: str, **kw: Any) -> Any:
        return self.request("PUT", path, **kw)

    def patch(self, path: str, **kw: Any) -> Any:
        return self.request("PATCH", path, **kw)

    def delete(self, path: str, **kw: Any) -> Any:
        return self.request("DELETE", path, **kw)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
    ) -> Any:
        """Send one logical request, retrying where that is safe; parsed JSON or ``None``.

        Raises an :class:`~omni_pulumi.errors.OmniApiError` subclass for an error answer,
        :class:`~omni_pulumi.errors.OmniTransportError` when Omni could not be reached, and
        :class:`~omni_pulumi.errors.OmniAmbiguousWrite` when a POST may have been acted on.
        """
        method = method.upper()
        if not path.startswith("/"):
            raise ValueError(f"path must start with '/': {path!r}")
        shown = path.split("?", 1)[0]
        idempotent = method in IDEMPOTENT_METHODS
        secrets = _secret_values(json) | self._api_keys | getattr(self._local, "secrets", set())
        attempts = 0
        unreachable = 0  # consecutive attempts that could not reach the host at all
        waited = 0.0

        while True:
            attempts += 1
            turn = self._keys.acquire()
            slot = turn.slot
            started = self._clock.monotonic()
            try:
                response = self._session.request(
                    method,
                    self.base_url + path,
                    params=params,
                    json=json,
                    auth=slot.auth,
                    headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
                    timeout=self._timeout,
                    allow_redirects=False,
                )
            except requests.RequestException as exc:
                self._keys.settle(turn)
                failure = classify_transport_error(exc, self._timeout[1])
                logger.debug("%s %s -> %s", method, shown, failure.reason)
                if failure.maybe_sent and not idempotent:
                    raise OmniAmbiguousWrite(
                        method, shown, ConnectionError(failure.reason)
                    ) from exc
                delay = backoff_delay(attempts, self._uniform) if failure.transient else None
                unreachable = unreachable + 1 if failure.unreachable else 0
                if unreachable >= UNREACHABLE_ATTEMPTS:
                    delay = None
                if delay is None or waited + delay > self._max_retry_wait:
                    reason = failure.reason
                    if failure.transient:
                        reason += f" (gave up after {attempts} attempts, {waited:g} s of waiting)"
                    if failure.unreachable:
                        reason += (
                            f": Omni is unreachable at {self.base_url}; check omni:baseUrl "
                            "(host and port) and that the instance (or the emulator) is running"
                        )
                    raise OmniTransportError(method, shown, reason) from exc
                waited += self._pause(delay, method, shown, failure.reason)
                continue

            self._keys.settle(turn)
            status = response.status_code
            logger.debug(
                "%s %s -> %s in %.3f s", method, shown, status, self._clock.monotonic() - started
            )
            if 200 <= status < 300:
                return self._parse(response, method, shown)
            retryable = status == 429 or (status in RETRYABLE_STATUSES and idempotent)
            if not retryable:
                error = self._error(response, method, shown, secrets)
                if not idempotent and status >= 500:
                    raise OmniAmbiguousWrite(method, shown, error) from error
                raise error

            asked = retry_after_seconds(response.headers.get("Retry-After"), self._clock)
            delay = asked if asked is not None else backoff_delay(attempts, self._uniform)
            # Omni's wait is honoured to the letter, but the budget is charged at least the
            # backoff's lower bound, so a `Retry-After: 0` answered forever still ends.
            charged = max(delay, backoff_delay(attempts, lambda low, _high: low))
            if waited + charged > self._max_retry_wait:
                if asked is not None and asked > self._max_retry_wait - waited:
                    hint = f"Omni asked to wait {asked:g} s, more than the retry budget left"
                else:
                    hint = f"gave up after {attempts} attempts and {waited:g} s of waiting"
                if status == 429:
                    hint += (
                        "; lower omni:requestsPerMinute if other tools share this key, "
                        "or raise omni:maxRetryWaitSeconds"
                    )
                raise self._error(response, method, shown, secrets, hint)
            if status == 429:
                # Every thread (and process) using this key pauses, not only the one refused,
                # and the key is paced from now on; other keys take the retry if they are freer.
                self._keys.refused(slot, delay)
            if status != 429 or len(self._keys.slots) == 1 or slot.limiter is None:
                # (With several limited keys the refused key's hold is enough: the retry waits
                # only if no other key is free sooner.)
                self._pause(delay, method, shown, str(status))
            waited += charged

    def _pause(self, delay: float, method: str, shown: str, why: str) -> float:
        logger.debug("%s %s: retrying in %.1f s after %s", method, shown, delay, why)
        if delay > ANNOUNCE_WAIT_SECONDS:
            # A silent minute looks like a hang: say what the wait is for.
            what = "Omni's rate limit (429)" if why == "429" else f"Omni ({why})"
            warn(f"waiting {delay:.0f} s for {what} before retrying {method} {shown}")
        self._clock.sleep(delay)
        return delay

    def _parse(self, response: requests.Response, method: str, shown: str) -> Any:
        if response.status_code == 204 or not response.content.strip():
            return None
        try:
            return response.json()
        except ValueError:
            kind = response.headers.get("Content-Type") or "no content type"
            raise OmniApiError(
                response.status_code,
                method,
                shown,
                f"expected JSON, got {kind}",
                "check that omni:baseUrl is the instance's address, "
                "like https://<instance>.omniapp.co",
            ) from None

    def _error(
        self,
        response: requests.Response,
        method: str,
        shown: str,
        secrets: set[str],
        extra_hint: str = "",
    ) -> OmniApiError:
        status = response.status_code
        detail = redact(omni_detail(response), secrets)
        hints = []
        if status == 401:
            hints.append(HINT_401)
        elif status == 403 and shown.startswith("/api/scim/"):
            hints.append(HINT_SCIM_403)
        elif 300 <= status < 400:
            where = urlsplit(response.headers.get("Location", ""))
            target = f"{where.scheme}://{where.netloc}{where.path}" if where.netloc else where.path
            hints.append(
                f"Omni redirected to {target or 'another address'}; "
                "check that omni:baseUrl is the instance's address"
            )
        if extra_hint:
            hints.append(extra_hint)
        if status >= 500:
            cls: type[OmniApiError] = OmniServerError
        else:
            cls = _STATUS_ERRORS.get(status, OmniApiError)
        return cls(status, method, shown, detail, "; ".join(hints))

    # -- pagination ----------------------------------------------------------------------------
