"""Checks recorded emulator exchanges against Omni's openapi.json with openapi-core.

Used by the ``emu`` fixture (every exchange of every emulator test is checked when the test ends)
and by test_contract.py. The spec is the copy vendored in ``spec/omni-api/openapi.json`` (see
``tests/support/spec.py``); the checks work from the spec's paths and the emulator's route tables, so
routes added later are checked without changes here.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from tests.support.spec import MISSING, SPEC_PATH, spec_available

__all__ = ["MISSING", "SPEC_PATH", "load_spec", "openapi", "problems", "spec_available"]

#: Statuses the emulator sends that the spec does not declare on every operation: the rate limit
#: (Omni's docs page, not the spec), injected faults, 405 for a method Omni lacks, and others.
#: Their bodies are still checked for Omni's error shape.
UNDECLARED_OK = {400, 403, 404, 405, 409, 410, 422, 429, 500, 502, 503, 504}

#: Known spec quirks, each handled on purpose:
#: - Connection.dialect's read enum lacks exasol, oracle, sap_hana and starrocks, which create
#:   accepts (and names mssql ``sqlserver``, which the emulator follows); a connection of those four
#:   dialects therefore reads back with a value outside the enum. Only that one schema error is
#:   forgiven: any other error in the same response is still reported.
_READ_DIALECT_QUIRK = frozenset({"exasol", "oracle", "sap_hana", "starrocks"})

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
#: Where the emulator, answering as a live Omni by default, knowingly departs from the spec: the
#: answers (or refusals) of these operations are not held to it unless the emulator runs with
#: ``spec_only=True``. Each names its source, as the emulator's code does.
LIVE_ANSWERS = {
    ("PUT", "/api/scim/v2/Groups/{miniUuid}"): "live finding 13: PUT refused, members: Required",
    ("POST", "/api/v1/folders"): "live finding 3: the create answer omits url and path",
    ("PATCH", "/api/v1/folders/{folderId}"): "live finding 4: the update answer omits path",
}
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


def _schema_errors(exc: BaseException) -> list[Any]:
    """The individual schema errors (jsonschema ``ValidationError``) behind openapi-core's one."""
    errors = list(getattr(exc, "schema_errors", None) or [])
    if exc.__cause__ is not None:
        errors += list(getattr(exc.__cause__, "schema_errors", None) or [])
    return errors


def _errors(exc: BaseException, schema_errors: list[Any] | None = None) -> str:
    if schema_errors is None:
        schema_errors = _schema_errors(exc)
    inner = [str(e) for e in schema_errors]
    if not inner and exc.__cause__ is not None:
        inner = [str(exc.__cause__)]
    return f"{type(exc).__name__}: {' | '.join(i.splitlines()[0] for i in inner) or exc}"


def _is_read_dialect_quirk(error: Any) -> bool:
    """One schema error that is exactly the read-enum quirk: a ``dialect`` outside the read enum,
    with one of the four values create accepts."""
    path = list(getattr(error, "path", ()))
    return (
        getattr(error, "validator", None) == "enum"
        and path[-1:] == ["dialect"]
        and getattr(error, "instance", None) in _READ_DIALECT_QUIRK
    )


def problems(exchange: Any, live: bool = False) -> list[str]:
    """What is wrong with one exchange, by the spec (empty when it conforms).

    ``live``: the emulator answered as a live Omni (not ``spec_only``), so the operations of
    :data:`LIVE_ANSWERS` are exempt from the spec (their error bodies are still checked).
    """
    from openapi_core.templating.responses.exceptions import ResponseNotFound

    if exchange.template is None:
        return []  # a path Omni does not have: 404 by design
    if live and (exchange.method, exchange.template) in LIVE_ANSWERS:
        return _error_body_problems(exchange)
    if live and _live_departure(exchange):
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
    found += _error_body_problems(exchange)
    try:
        api.validate_response(request, response)
    except ResponseNotFound:
        if exchange.status not in UNDECLARED_OK:
            found.append(f"{where}: status not declared by the spec")
    except Exception as exc:
        errors = _schema_errors(exc)
        left = [e for e in errors if not _is_read_dialect_quirk(e)]
        if left or not errors:
            found.append(f"{where}: response does not match the spec: {_errors(exc, left)}")
    return found


def _error_body_problems(exchange: Any) -> list[str]:
    if exchange.status < 400:
        return []
    body = exchange.response_json or {}
    if set(body) != {"detail", "status"} or body["status"] != exchange.status:
        where = f"{exchange.method} {exchange.path} -> {exchange.status}"
        return [f"{where}: error body is not {{detail, status}}: {body!r}"]
    return []


def _is_schema_refusal(exchange: Any) -> bool:
    detail = (exchange.response_json or {}).get("detail", "")
    if not detail.startswith("Bad Request: "):
        return False
    parts = detail.removeprefix("Bad Request: ").split(", ")
    return bool(_SCHEMA_MESSAGE.search(", ".join(p for p in parts if "Unrecognized key" not in p)))
