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
#: Named instances: ``{"staging": {"baseUrl": ..., "apiKey": ...}, ...}``, one JSON string as the
#: engine sends structured config set with ``pulumi config set --path``.
INSTANCES = _Setting("omni:instances", ())
ADOPT_EXISTING = _Setting("omni:adoptExisting", ("OMNI_ADOPT_EXISTING",))

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
    ADOPT_EXISTING,
)
#: What the provider keeps of the stack config: the settings, and the named instances.
CONFIG_KEYS = (*(setting.key for setting in SETTINGS), INSTANCES.key)


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
    #: The name under ``omni:instances``, or ``None`` for the stack's own ``omni:*`` settings.
    instance: str | None = None
    #: A create that finds its natural key taken in Omni (an interrupted run's object) takes the
    #: object over when its settings match the program, instead of failing with its id.
    adopt_existing: bool = False

    @property
    def api_key(self) -> str | None:
        """The first (or only) key; ``None`` when no key is set."""
        return self.api_keys[0] if self.api_keys else None

    def __repr__(self) -> str:
        keys = f"<{len(self.api_keys)} hidden>"
        named = f"instance={self.instance!r}, " if self.instance else ""
        return (
            f"OmniSettings({named}base_url={self.base_url!r}, api_keys={keys}, "
            f"requests_per_minute={self.requests_per_minute:g}, "
            f"timeout_seconds={self.timeout_seconds:g}, "
            f"max_retry_wait_seconds={self.max_retry_wait_seconds:g}, "
            f"connect_timeout_seconds={self.connect_timeout_seconds:g}, "
            f"schema_refresh_wait_seconds={self.schema_refresh_wait_seconds:g}, "
            f"adopt_existing={self.adopt_existing})"
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


def _api_keys(
    stack: Mapping[str, Any],
    environ: Mapping[str, str],
    many: _Setting = API_KEYS,
    one: _Setting = API_KEY,
) -> tuple[str, ...]:
    """The first of ``omni:apiKeys``, ``omni:apiKey`` (stack config), then ``OMNI_API_KEYS``,
    ``OMNI_API_KEY``, ``OMNI_API_TOKEN``: stack config wins over the environment, as for every
    setting, and within each the list form wins over the single key."""
    many_stack = stack.get(many.key)
    if isinstance(many_stack, (list, tuple)):  # a caller passing Python values, not strings
        many_stack = json.dumps(list(many_stack))
    sources = [
        (many.key, many_stack, True),
        (one.key, stack.get(one.key), False),
        *((name, environ.get(name), True) for name in many.env),
        *((name, environ.get(name), False) for name in one.env),
    ]
    for source, value, several in sources:
        text = "" if value is None else str(value).strip()
        if text:
            return _split_keys(text, source) if several else (text,)
    return ()


def settings_from(
    stack_config: Mapping[str, Any] | None, environ: Mapping[str, str] = os.environ
) -> OmniSettings:
    """Resolve the stack's own settings from stack config (strings, as the engine sends them) and
    the environment: the default instance, used by resources without ``instance``.

    Raises :class:`OmniConfigError` for malformed values, naming the key or variable that held them
    and never echoing the API key.
    """
    return _resolve(stack_config or {}, environ, _TABLE, OmniSettings(base_url=None))


#: The settings by their name in ``omni:instances.<name>`` (the stack key without ``omni:``).
_TABLE = {setting.key.split(":", 1)[1]: setting for setting in SETTINGS}


def _resolve(
    stack: Mapping[str, Any],
    environ: Mapping[str, str],
    table: Mapping[str, _Setting],
    defaults: OmniSettings,
    instance: str | None = None,
) -> OmniSettings:
    base = _lookup(table["baseUrl"], stack, environ)
    base_url = None
    if base is not None:
        try:
            base_url = normalize_base_url(base[0])
        except OmniConfigError as exc:
            raise OmniConfigError(f"{base[1]}: {exc}") from None
    api_keys = _api_keys(stack, environ, table["apiKeys"], table["apiKey"])

    def number(name: str, default: float, meaning: str, minimum: float, **kw: Any) -> float:
        return _number(table[name], stack, environ, default, meaning=meaning, minimum=minimum, **kw)

    return OmniSettings(
        base_url=base_url,
        api_keys=api_keys,
        requests_per_minute=number(
            "requestsPerMinute",
            defaults.requests_per_minute,
            "requests a minute per API key; 0 turns the limit off",
            1,
            allow_zero=True,
        ),
        timeout_seconds=number(
            "timeoutSeconds", defaults.timeout_seconds, "seconds to wait for Omni's answer", 1
        ),
        max_retry_wait_seconds=number(
            "maxRetryWaitSeconds",
            defaults.max_retry_wait_seconds,
            "total seconds a request may spend waiting between retries",
            0,
        ),
        connect_timeout_seconds=number(
            "connectTimeoutSeconds",
            defaults.connect_timeout_seconds,
            "seconds to wait for a connection to Omni",
            1,
        ),
        schema_refresh_wait_seconds=number(
            "schemaRefreshWaitSeconds",
            defaults.schema_refresh_wait_seconds,
            "seconds a shared model waits for its connection's schema to be built",
            0,
        ),
        adopt_existing=_flag(table["adoptExisting"], stack, environ, defaults.adopt_existing),
        instance=instance,
    )


def instances_from(stack_config: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    """``omni:instances`` as ``{name: {setting: value}}``; ``{}`` when it is not set.

    The engine sends it as one JSON string (nested secrets decrypted); a Python caller may pass
    the mapping itself. Errors name the key and never quote a value: it holds API keys.
    """
    raw = (stack_config or {}).get(INSTANCES.key)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise OmniConfigError(
                f"{INSTANCES.key} is not valid JSON (its value is not shown); set it with "
                f"`pulumi config set --path '{INSTANCES.key}.<name>.baseUrl' <url>`"
            ) from None
    if not isinstance(raw, Mapping):
        raise OmniConfigError(
            f"{INSTANCES.key} must map instance names to their settings, e.g. "
            f"`pulumi config set --path '{INSTANCES.key}.staging.baseUrl' <url>`"
        )
    instances: dict[str, dict[str, Any]] = {}
    for name, entry in raw.items():
        where = f"{INSTANCES.key}.{name}"
        if not isinstance(entry, Mapping):
            raise OmniConfigError(f"{where} must hold settings (baseUrl, apiKey, ...)")
        unknown = sorted(set(entry) - set(_TABLE))
        if unknown:
            raise OmniConfigError(
                f"{where} has unknown settings {', '.join(unknown)}; known: {', '.join(_TABLE)}"
            )
        instances[str(name)] = dict(entry)
    return instances


def instance_names(stack_config: Mapping[str, Any] | None) -> list[str]:
    """The names under ``omni:instances``, sorted (for messages that list them)."""
    return sorted(instances_from(stack_config))


def settings_for(
    stack_config: Mapping[str, Any] | None,
    instance: str | None = None,
    environ: Mapping[str, str] = os.environ,
) -> OmniSettings:
    """The settings one resource talks to Omni with: the one function that resolves an instance.

    ``instance=None`` is the stack's own ``omni:*`` settings (and the environment), as
    :func:`settings_from`. A name is looked up in ``omni:instances``: its ``baseUrl`` and keys come
    from there only (never from another instance, the top-level settings or the environment),
    while tuning it leaves unset (rate, timeouts, waits) follows the stack's own settings.
    """
    default = settings_from(stack_config, environ)
    if instance is None:
        return default
    instances = instances_from(stack_config)
    if instance not in instances:
        raise OmniConfigError(unknown_instance(instance, sorted(instances)))
    entry = instances[instance]
    prefix = f"{INSTANCES.key}.{instance}."
    table = {name: _Setting(prefix + name, ()) for name in _TABLE}
    flat = {
        prefix + name: json.dumps(value) if isinstance(value, (list, bool)) else value
        for name, value in entry.items()
        if value is not None
    }
    return _resolve(flat, {}, table, default, instance)


def unknown_instance(instance: str, names: list[str]) -> str:
    """Why a resource's ``instance`` is refused: the names that exist, or how to add one."""
    if names:
        known = f"the instances configured are {', '.join(repr(n) for n in names)}"
    else:
        known = f"{INSTANCES.key} names none"
    return (
        f"no Omni instance named {instance!r}: {known}. Add it with `pulumi config set --path "
        f"'{INSTANCES.key}.{instance}.baseUrl' <url>` and `pulumi config set --path --secret "
        f"'{INSTANCES.key}.{instance}.apiKey' <key>`"
    )


def missing_for(settings: OmniSettings) -> str | None:
    """What a named instance lacks to reach Omni (its base URL, its key), or ``None``.

    A named instance has no environment to fall back on, so preview refuses it at once.
    """
    if settings.instance is None:
        return None
    where = f"{INSTANCES.key}.{settings.instance}"
    if not settings.base_url:
        return (
            f"instance {settings.instance!r} has no base URL: run `pulumi config set --path "
            f"'{where}.baseUrl' https://<instance>.omniapp.co`"
        )
    if not settings.api_keys:
        return (
            f"instance {settings.instance!r} has no API key: run `pulumi config set --path "
            f"--secret '{where}.apiKey' <key>` (or '{where}.apiKeys' for several)"
        )
    return None


def _flag(
    setting: _Setting, stack: Mapping[str, Any], environ: Mapping[str, str], default: bool
) -> bool:
    found = _lookup(setting, stack, environ)
    if found is None:
        return default
    text, source = found
    if text.lower() in ("true", "1", "yes"):
        return True
    if text.lower() in ("false", "0", "no"):
        return False
    raise OmniConfigError(f"{source} must be true or false; got {text!r}")


_clients: dict[tuple[Any, ...], OmniClient] = {}
_clients_lock = threading.Lock()


def client_from(settings: OmniSettings) -> OmniClient:
    """The process's client for these settings, created on first use.

    The provider host serves many resources; one client per settings keeps one connection pool,
    and its cache key holds a fingerprint of the API key, not the key.
    """
    missing = missing_for(settings)
    if missing:
        raise OmniConfigError(missing)
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
