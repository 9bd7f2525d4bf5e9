"""Property values as they travel between the engine, the program and the provider host.

The engine works on protobuf ``Struct`` values in which two sentinels carry meaning: a secret is
an object ``{SIG_KEY: SECRET_SIG, "value": ...}`` and a value not known yet (preview) is the
string :data:`UNKNOWN`. The harness keeps properties as plain JSON-like dicts in that same
encoding, so what it stores and compares is exactly what crossed the wire.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping
from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi.runtime import rpc

UNKNOWN: str = rpc.UNKNOWN
SIG_KEY: str = rpc._special_sig_key
SECRET_SIG: str = rpc._special_secret_sig
PROVIDER_KEY = "__provider"

Props = dict[str, Any]


def _normalize(value: Any) -> Any:
    """Struct numbers are doubles; give integral ones back as ints, as Pulumi's JSON state does."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_normalize(v) for v in value]
    if isinstance(value, dict):
        return {k: _normalize(v) for k, v in value.items()}
    return value


def from_struct(struct: struct_pb2.Struct | None) -> Props:
    if struct is None:
        return {}
    return _normalize(json_format.MessageToDict(struct))


def to_struct(props: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    json_format.ParseDict(dict(props), struct)
    return struct


def is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SIG_KEY) == SECRET_SIG


def make_secret(value: Any) -> Any:
    return value if is_secret(value) else {SIG_KEY: SECRET_SIG, "value": value}


def contains_secret(value: Any) -> bool:
    if is_secret(value):
        return True
    if isinstance(value, list):
        return any(contains_secret(v) for v in value)
    if isinstance(value, dict):
        return any(contains_secret(v) for v in value.values())
    return False


def contains_unknown(value: Any) -> bool:
    if value == UNKNOWN:
        return True
    if isinstance(value, list):
        return any(contains_unknown(v) for v in value)
    if isinstance(value, dict):
        return any(contains_unknown(v) for v in value.values())
    return False


def reveal(value: Any) -> Any:
    """The value with every secret wrapper removed, at any depth (what a host without secrets gets)."""
    if is_secret(value):
        return reveal(value["value"])
    if isinstance(value, list):
        return [reveal(v) for v in value]
    if isinstance(value, dict):
        return {k: reveal(v) for k, v in value.items()}
    return value


def strip_secrets(props: Mapping[str, Any]) -> tuple[Props, set[str]]:
    """Plain properties for the host, and the top-level names that held a secret anywhere."""
    secret_names = {k for k, v in props.items() if contains_secret(v)}
    return {k: reveal(v) for k, v in props.items()}, secret_names


def mark_secrets(props: Mapping[str, Any], names: Iterable[str]) -> Props:
    """Re-mark outputs by property name, as the engine does after a call to the provider."""
    names = set(names)
    return {k: make_secret(v) if k in names else v for k, v in props.items()}


def top_level_diff(olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
    """Names whose (revealed) values differ, sorted; the engine's object diff at the top level."""
    keys = set(olds) | set(news)
    return sorted(k for k in keys if reveal(olds.get(k)) != reveal(news.get(k)))


# --- checkpoint encoding -------------------------------------------------------------------------

_CIPHER_PREFIX = "harness:v1:"


def _obscure(text: str) -> str:
    """Not encryption: enough that a secret never appears as plain text in a state file."""
    return _CIPHER_PREFIX + base64.b64encode(text.encode()).decode()


def _unobscure(text: str) -> str:
    if not text.startswith(_CIPHER_PREFIX):
        raise ValueError("state file holds a ciphertext the harness did not write")
    return base64.b64decode(text[len(_CIPHER_PREFIX) :]).decode()


def to_checkpoint(value: Any, *, show_secrets: bool) -> Any:
    """Encode secrets the way ``pulumi stack export`` shows them (plaintext is JSON text)."""
    if is_secret(value):
        text = json.dumps(reveal(value["value"]))
        if show_secrets:
            return {SIG_KEY: SECRET_SIG, "plaintext": text}
        return {SIG_KEY: SECRET_SIG, "ciphertext": _obscure(text)}
    if isinstance(value, list):
        return [to_checkpoint(v, show_secrets=show_secrets) for v in value]
    if isinstance(value, dict):
        return {k: to_checkpoint(v, show_secrets=show_secrets) for k, v in value.items()}
    return value


def from_checkpoint(value: Any) -> Any:
    if isinstance(value, dict) and value.get(SIG_KEY) == SECRET_SIG:
        if "plaintext" in value:
            return make_secret(json.loads(value["plaintext"]))
        return make_secret(json.loads(_unobscure(value["ciphertext"])))
    if isinstance(value, list):
        return [from_checkpoint(v) for v in value]
    if isinstance(value, dict):
        return {k: from_checkpoint(v) for k, v in value.items()}
    return value
