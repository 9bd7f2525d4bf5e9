"""Checks recorded emulator exchanges against Omni's openapi.json with openapi-core.

Used by the ``emu`` fixture (every exchange of every emulator test is checked when the test ends)
and by test_contract.py. The spec lives in ``../shared`` beside the repository and may be absent:
callers skip with :data:`SKIP_REASON` then.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = REPO_ROOT.parent / "shared" / "omni-api" / "openapi.json"
SKIP_REASON = f"Omni's openapi.json not found at {SPEC_PATH} (../shared is absent)"

#: Statuses the emulator sends that the spec does not declare on every operation: the rate limit
#: (Omni's docs page, not the spec), injected faults, 405 for a method Omni lacks, and others.
#: Their bodies are still checked for Omni's error shape.
UNDECLARED_OK = {400, 403, 404, 405, 409, 410, 422, 429, 500, 502, 503, 504}

#: Known spec quirks, each handled on purpose:
#: - Connection.dialect's read enum lacks exasol, oracle, sap_hana and starrocks, which create
#:   accepts (and names mssql ``sqlserver``, which the emulator follows); a connection of those four
#:   dialects therefore reads back with a value outside the enum.
_READ_DIALECT_QUIRK = re.compile(r"'(exasol|oracle|sap_hana|starrocks)' is not one of")

#: 400 messages that come from schema validation (as opposed to Omni's business rules): a request
#: the emulator refuses this way must be refused by the spec too.
#: Unknown keys are left out: the spec never sets ``additionalProperties: false`` on a body or
#: forbids extra query parameters, while Omni refuses both (``formErrors: Unrecognized key(s)``).
_SCHEMA_MESSAGE = re.compile(
    r": (Required(,|$)|Expected \w+, received|Invalid enum value|String must contain"
    r"|Number must be|Invalid uuid)"
)
#: Where the emulator is knowingly stricter than the spec (the spec types these as free strings):
#: PATCH /connections baseRole (Omni's base roles).
_STRICTER = {("PATCH", "/api/v1/connections/{id}")}
#: Answers a live Omni gives against the spec, which the emulator copies unless ``spec_only``
#: (ashima-omni/terraform-provider-omni docs/TEST-CASES.md finding numbers), by operation and
#: status: a rename answered with empty fields (14); a shared model refused with a bare 404,
#: no body at all, until its connection's schema model is refreshed (33).
_LIVE_DEPARTURES = {
    ("PATCH", "/api/v1/models/{modelId}", 200): "empty model fields (finding 14)",
    ("POST", "/api/v1/models", 404): "a bare 404 (finding 33)",
}


def _live_departure(exchange: Any) -> bool:
    key = (exchange.method, exchange.template, exchange.status)
    if key not in _LIVE_DEPARTURES:
        return False
    if exchange.status == 404:
        return not exchange.response_body
    model = (exchange.response_json or {}).get("model") or {}
    return not model.get("id") and not model.get("name")


def spec_available() -> bool:
    return SPEC_PATH.exists()


@lru_cache(maxsize=1)
def load_spec() -> dict[str, Any]:
    return json.loads(SPEC_PATH.read_text())


@lru_cache(maxsize=1)
def openapi() -> Any:
    from openapi_core import Config, OpenAPI

    # The spec itself does not pass openapi-spec-validator (schedules' ``cursor`` declares an
    # integer default on a string), so only exchanges are validated, not the document.
    return OpenAPI.from_dict(
        _openapi_core_friendly(load_spec()), config=Config(spec_validator_cls=None)
    )


def _openapi_core_friendly(spec: dict[str, Any]) -> dict[str, Any]:
    """Two parameter quirks openapi-core 0.23 trips over, neither about the emulator:
    a parameter typed with a list (folders' ``pageSize: ["number", "null"]``) cannot be
    deserialised (a query string never carries null, so keep the other type); and a string
    parameter with a numeric default (SCIM ``count``/``startIndex``, schedules' ``cursor``) fails
    its own schema once the default is applied, so that default is dropped."""
    spec = json.loads(json.dumps(spec))
    for operations in spec["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                schema = parameter.get("schema", {})
                if isinstance(schema.get("type"), list):
                    schema["type"] = next(t for t in schema["type"] if t != "null")
                if schema.get("type") == "string" and not isinstance(
                    schema.get("default", ""), str
                ):
                    del schema["default"]
    return spec


def _wrap(exchange: Any, base_url: str = "http://127.0.0.1") -> tuple[Any, Any]:
    from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Response

    headers = {k: v for k, v in exchange.request_headers.items() if k.lower() != "content-length"}
    request = EnvironBuilder(
        method=exchange.method,
        path=exchange.path,
        query_string=exchange.query_string,
        base_url=base_url,
        headers=headers,
        data=exchange.request_body,
    ).get_request()
    response = Response(
        exchange.response_body, status=exchange.status, headers=exchange.response_headers
    )
    return WerkzeugOpenAPIRequest(request), WerkzeugOpenAPIResponse(response)


def _errors(exc: BaseException) -> str:
    inner = [str(e) for e in getattr(exc, "schema_errors", []) or []]
    cause = exc.__cause__
    if cause is not None:
        inner += [str(e) for e in getattr(cause, "schema_errors", []) or []] or [str(cause)]
    return f"{type(exc).__name__}: {exc} {' | '.join(i.splitlines()[0] for i in inner)}"


def problems(exchange: Any) -> list[str]:
    """What is wrong with one exchange, by the spec (empty when it conforms)."""
    from openapi_core.templating.responses.exceptions import ResponseNotFound

    if exchange.template is None:
        return []  # a path Omni does not have: 404 by design
    if _live_departure(exchange):
        return []
    api = openapi()
    request, response = _wrap(exchange)
    where = f"{exchange.method} {exchange.path}?{exchange.query_string} -> {exchange.status}"
    found: list[str] = []
    if 200 <= exchange.status < 300:
        try:
            api.validate_request(request)
        except Exception as exc:
            found.append(f"{where}: accepted a request the spec refuses: {_errors(exc)}")
    elif exchange.status == 400 and _is_schema_refusal(exchange):
        try:
            api.validate_request(request)
        except Exception:
            pass
        else:
            if (exchange.method, exchange.template) not in _STRICTER:
                found.append(
                    f"{where}: refused a request the spec accepts: {exchange.response_body!r}"
                )
    if exchange.status >= 400:
        body = exchange.response_json or {}
        if set(body) != {"detail", "status"} or body["status"] != exchange.status:
            found.append(f"{where}: error body is not {{detail, status}}: {body!r}")
    try:
        api.validate_response(request, response)
    except ResponseNotFound:
        if exchange.status not in UNDECLARED_OK:
            found.append(f"{where}: status not declared by the spec")
    except Exception as exc:
        text = _errors(exc)
        if not _READ_DIALECT_QUIRK.search(text):
            found.append(f"{where}: response does not match the spec: {text}")
    return found


def _is_schema_refusal(exchange: Any) -> bool:
    detail = (exchange.response_json or {}).get("detail", "")
    if not detail.startswith("Bad Request: "):
        return False
    parts = detail.removeprefix("Bad Request: ").split(", ")
    return bool(_SCHEMA_MESSAGE.search(", ".join(p for p in parts if "Unrecognized key" not in p)))
