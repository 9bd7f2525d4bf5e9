"""Where the provider finds the Omni instance and key: stack config first, then the environment.

The Pulumi engine hands a dynamic provider its stack config in ``configure()``, namespaced
(``omni:baseUrl``) and with every value as a string (``"60"``), so numbers are parsed here. A
setting absent from stack config is taken from the environment, which is what CI jobs and local
runs with ``OMNI_API_KEY`` exported expect.

Missing settings are not an error here: they fail in :func:`client_from`, at the first call that
needs Omni, which is the credential check of the first ``check`` of an operation
(:mod:`omni_pulumi.credentials`), so a preview fails for them too.
"""

from __future__ import annotations

import json
import math
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from omni_pulumi.client import OmniClient, normalize_base_url
from omni_pulumi.errors import OmniConfigError
from omni_pulumi.ratelimit import key_fingerprint


@dataclass(frozen=True)
class _Setting:
    """One setting: its stack config key and the environment variables that stand in for it."""

    key: str
    env: tuple[str, ...]

    @property
    def names(self) -> str:
        return " or ".join((f"`{self.key}`", *self.env))


BASE_URL = _Setting("omni:baseUrl", ("OMNI_BASE_URL",))
API_KEY = _Setting("omni:apiKey", ("OMNI_API_KEY", "OMNI_API_TOKEN"))
API_KEYS = _Setting("omni:apiKeys", ("OMNI_API_KEYS",))
REQUESTS_PER_MINUTE = _Setting("omni:requestsPerMinute", ("OMNI_REQUESTS_PER_MINUTE",))
TIMEOUT = _Setting("omni:timeoutSeconds", ("OMNI_TIMEOUT_SECONDS",))
CONNECT_TIMEOUT = _Setting("omni:connectTimeoutSeconds", ("OMNI_CONNECT_TIMEOUT_SECONDS",))
MAX_RETRY_WAIT = _Setting("omni:maxRetryWaitSeconds", ("OMNI_MAX_RETRY_WAIT_SECONDS",))
SCHEMA_REFRESH_WAIT = _Setting(
    "omni:schemaRefreshWaitSeconds", ("OMNI_SCHEMA_REFRESH_WAIT_SECONDS",)
)

#: Every setting, for docs and for tests that check the docs name them all.
SETTINGS = (
    BASE_URL,
    API_KEY,
    API_KEYS,
    REQUESTS_PER_MINUTE,
    TIMEOUT,
    CONNECT_TIMEOUT,
    MAX_RETRY_WAIT,
    SCHEMA_REFRESH_WAIT,
)


@dataclass(frozen=True)
class OmniSettings:
    """The resolved settings. ``repr`` never shows a key.

    ``api_keys`` holds one key (``omni:apiKey``) or several of one organization (``omni:apiKeys``);
    each has its own rate-limit window, and requests go to the freest.
    """

    base_url: str | None
    api_keys: tuple[str, ...] = ()
    requests_per_minute: float = 60
    timeout_seconds: float = 30
    max_retry_wait_seconds: float = 300
    connect_timeout_seconds: float = 10
    #: How long a model built on a connection's schema model waits for that schema to be built.
    schema_refresh_wait_seconds: float = 600

    @property
    def api_key(self) -> str | None:
        """The first (or only) key; ``None`` when no key is set."""
        return self.api_keys[0] if self.api_keys else None

    def __repr__(self) -> str:
        keys = f"<{len(self.api_keys)} hidden>"
        return (
            f"OmniSettings(base_url={self.base_url!r}, api_keys={keys}, "
            f"requests_per_minute={self.requests_per_minute:g}, "
            f"timeout_seconds={self.timeout_seconds:g}, "
            f"max_retry_wait_seconds={self.max_retry_wait_seconds:g}, "
            f"connect_timeout_seconds={self.connect_timeout_seconds:g}, "
            f"schema_refresh_wait_seconds={self.schema_refresh_wait_seconds:g})"
        )

    __str__ = __repr__


def _lookup(
    setting: _Setting, stack: Mapping[str, Any], environ: Mapping[str, str]
) -> tuple[str, str] | None:
    """``(value, where it came from)`` of the first non-blank source, or ``None``."""
    candidates = [(setting.key, stack.get(setting.key))]
    candidates += [(name, environ.get(name)) for name in setting.env]
    for source, value in candidates:
        if value is None:
            continue
        text = str(value).strip()
        if text:
            return text, source
    return None


def _number(
    setting: _Setting,
    stack: Mapping[str, Any],
    environ: Mapping[str, str],
    default: float,
    *,
    meaning: str,
    minimum: float,
    allow_zero: bool = False,
) -> float:
    found = _lookup(setting, stack, environ)
    if found is None:
        return default
    text, source = found
    try:
        value = float(text)
    except ValueError:
        raise OmniConfigError(f"{source} must be a number ({meaning}); got {text!r}") from None
    if not (math.isfinite(value) and (value >= minimum or (allow_zero and value == 0))):
        rule = f"0 or at least {minimum:g}" if allow_zero else f"at least {minimum:g}"
        raise OmniConfigError(f"{source} must be {rule} ({meaning}); got {text!r}")
    return value


def _split_keys(text: str, source: str) -> tuple[str, ...]:
    """Keys from a JSON list (how the engine sends a list set with ``--path`` or as YAML) or from
    comma-separated text. Errors name the source and never quote the value."""
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except ValueError:
            raise OmniConfigError(
                f"{source} is not a valid JSON list of API keys (its value is not shown)"
            ) from None
        if not isinstance(parsed, list) or not all(isinstance(k, str) for k in parsed):
            raise OmniConfigError(f"{source} must be a list of API keys (strings)")
        items = parsed
    else:
        items = text.split(",")
    keys = tuple(dict.fromkeys(k.strip() for k in items if k.strip()))
    if not keys:
        raise OmniConfigError(f"{source} holds no API key")
    return keys


def _api_keys(stack: Mapping[str, Any], environ: Mapping[str, str]) -> tuple[str, ...]:
    """The first of ``omni:apiKeys``, ``omni:apiKey`` (stack config), then ``OMNI_API_KEYS``,
    ``OMNI_API_KEY``, ``OMNI_API_TOKEN``: stack config wins over the environment, as for every
    setting, and within each the list form wins over the single key."""
    many_stack = stack.get(API_KEYS.key)
    if isinstance(many_stack, (list, tuple)):  # a caller passing Python values, not strings
        many_stack = json.dumps(list(many_stack))
    sources = [
        (API_KEYS.key, many_stack, True),
        (API_KEY.key, stack.get(API_KEY.key), False),
        *((name, environ.get(name), True) for name in API_KEYS.env),
        *((name, environ.get(name), False) for name in API_KEY.env),
    ]
    for source, value, several in sources:
        text = "" if value is None else str(value).strip()
        if text:
            return _split_keys(text, source) if several else (text,)
    return ()


def settings_from(
    stack_config: Mapping[str, Any] | None, environ: Mapping[str, str] = os.environ
) -> OmniSettings:
    """Resolve settings from stack config (strings, as the engine sends them) and the environment.

    Raises :class:`OmniConfigError` for malformed values, naming the key or variable that held them
    and never echoing the API key.
    """
    stack = stack_config or {}
    base = _lookup(BASE_URL, stack, environ)
    base_url = None
    if base is not None:
        try:
            base_url = normalize_base_url(base[0])
        except OmniConfigError as exc:
            raise OmniConfigError(f"{base[1]}: {exc}") from None
    api_keys = _api_keys(stack, environ)

    rpm = _number(
        REQUESTS_PER_MINUTE,
        stack,
        environ,
        60,
        meaning="requests a minute per API key; 0 turns the limit off",
        minimum=1,
        allow_zero=True,
    )
    return OmniSettings(
        base_url=base_url,
        api_keys=api_keys,
        requests_per_minute=rpm,
        timeout_seconds=_number(
            TIMEOUT, stack, environ, 30, meaning="seconds to wait for Omni's answer", minimum=1
        ),
        max_retry_wait_seconds=_number(
            MAX_RETRY_WAIT,
            stack,
            environ,
            300,
            meaning="total seconds a request may spend waiting between retries",
            minimum=0,
        ),
        connect_timeout_seconds=_number(
            CONNECT_TIMEOUT,
            stack,
            environ,
            10,
            meaning="seconds to wait for a connection to Omni",
            minimum=1,
        ),
        schema_refresh_wait_seconds=_number(
            SCHEMA_REFRESH_WAIT,
            stack,
            environ,
            600,
            meaning="seconds a shared model waits for its connection's schema to be built",
            minimum=0,
        ),
    )


_clients: dict[tuple[Any, ...], OmniClient] = {}
_clients_lock = threading.Lock()


def client_from(settings: OmniSettings) -> OmniClient:
    """The process's client for these settings, created on first use.

    The provider host serves many resources; one client per settings keeps one connection pool,
    and its cache key holds a fingerprint of the API key, not the key.
    """
    if not settings.base_url:
        raise OmniConfigError(
            "Omni base URL is not set: run `pulumi config set omni:baseUrl "
            "https://<instance>.omniapp.co` or set OMNI_BASE_URL"
        )
    if not settings.api_keys:
        raise OmniConfigError(
            "Omni API key is not set: run `pulumi config set --secret omni:apiKey <key>` "
            "(or omni:apiKeys for several) or set OMNI_API_KEY (or OMNI_API_TOKEN)"
        )
    cache_key = (
        settings.base_url,
        tuple(key_fingerprint(k) for k in settings.api_keys),
        settings.requests_per_minute,
        settings.timeout_seconds,
        settings.max_retry_wait_seconds,
        settings.connect_timeout_seconds,
    )
    with _clients_lock:
        client = _clients.get(cache_key)
        if client is None:
            client = OmniClient(
                settings.base_url,
                settings.api_keys,
                requests_per_minute=settings.requests_per_minute,
                timeout=settings.timeout_seconds,
                connect_timeout=settings.connect_timeout_seconds,
                max_retry_wait=settings.max_retry_wait_seconds,
            )
            _clients[cache_key] = client
        return client
