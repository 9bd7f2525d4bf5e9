"""The emulator's own tables against Omni's openapi.json.

Every exchange of every emulator test is validated by the ``emu`` fixture (see contract.py); this
module proves the declarations behind them: each route exists in the spec, and each body and query
schema accepts the same keys, requires the same fields and allows no enum value the spec lacks.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from omni_pulumi.emulator.routes import Route, all_routes
from omni_pulumi.emulator.server import Exchange
from omni_pulumi.emulator.validation import AnyOf, Array, Object, Schema, String
from tests.support import gate

from . import contract

pytestmark = pytest.mark.contract


@pytest.fixture(autouse=True)
def _spec() -> None:
    """No spec, no contract tests: a failure under CI, a skip saying how to restore it elsewhere."""
    if not contract.spec_available():
        gate.unavailable("the contract tests", contract.MISSING)


ROUTES = all_routes()
IDS = [f"{r.method} {r.template}" for r in ROUTES]


def _deref(node: Any) -> Any:
    spec = contract.load_spec()
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].split("/")[1:]:
            target = target[part]
        node = target
    return node


def _operation(route: Route) -> dict[str, Any]:
    return contract.load_spec()["paths"][route.template][route.method.lower()]


def _compare(ours: Schema, theirs: dict[str, Any], where: str, problems: list[str]) -> None:
    theirs = _deref(theirs)
    if isinstance(ours, AnyOf):
        options = theirs.get("anyOf") or theirs.get("oneOf") or []
        if len(options) != len(ours.options):
            problems.append(f"{where}: {len(ours.options)} alternatives, spec has {len(options)}")
        for index, (mine, spec_option) in enumerate(zip(ours.options, options, strict=False)):
            _compare(mine, spec_option, f"{where}|{index}", problems)
        return
    if isinstance(ours, Object) and not ours.free_form:
        props = theirs.get("properties", {})
        if set(ours.fields) != set(props):
            problems.append(f"{where}: keys {sorted(ours.fields)} != spec {sorted(props)}")
        if set(ours.required) != set(theirs.get("required", [])):
            problems.append(
                f"{where}: required {sorted(ours.required)} != spec {theirs.get('required')}"
            )
        for name, schema in ours.fields.items():
            if name in props:
                _compare(schema, props[name], f"{where}.{name}", problems)
    elif isinstance(ours, Array):
        _compare(ours.items, theirs.get("items", {}), f"{where}[]", problems)
    elif isinstance(ours, String) and ours.enum is not None:
        allowed = _enum(theirs)
        if allowed is not None and not set(ours.enum) <= allowed:
            problems.append(f"{where}: enum {sorted(set(ours.enum) - allowed)} not in spec")


def _enum(schema: dict[str, Any]) -> set[str] | None:
    if "enum" in schema:
        return set(schema["enum"])
    options = schema.get("anyOf") or schema.get("oneOf")
    if options and all("enum" in _deref(o) for o in options):
        return {v for o in options for v in _deref(o)["enum"]}
    return None


@pytest.mark.parametrize("route", ROUTES, ids=IDS)
def test_route_exists_in_spec(route):
    paths = contract.load_spec()["paths"]
    assert route.template in paths, f"{route.template} is not an Omni path"
    assert route.method.lower() in paths[route.template], f"Omni has no {route.method} there"


@pytest.mark.parametrize(
    "route", [r for r in ROUTES if r.body is not None], ids=lambda r: f"{r.method} {r.template}"
)
def test_body_schema_matches_spec(route):
    body = _operation(route).get("requestBody")
    if body is None:
        # PUT /api/v1/schedules/{scheduleId}: the spec declares no body; Omni's docs say it takes
        # create's fields, all optional. The emulator checks it against create's table.
        assert route.template == "/api/v1/schedules/{scheduleId}"
        body = contract.load_spec()["paths"]["/api/v1/schedules"]["post"]["requestBody"]
        spec_schema = dict(_deref(body["content"]["application/json"]["schema"]), required=[])
    else:
        spec_schema = body["content"]["application/json"]["schema"]
    problems: list[str] = []
    _compare(route.body, spec_schema, "body", problems)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("route", ROUTES, ids=IDS)
def test_query_and_path_parameters_match_spec(route):
    parameters = [_deref(p) for p in _operation(route).get("parameters", [])]
    query = {p["name"]: p for p in parameters if p["in"] == "query"}
    assert set(route.query.fields) == set(query), (
        f"query {sorted(route.query.fields)} != {sorted(query)}"
    )
    problems: list[str] = []
    for name, schema in route.query.fields.items():
        _compare(schema, query[name]["schema"], f"query.{name}", problems)
    assert not problems, "\n".join(problems)
    uuid_path = {
        p["name"] for p in parameters if p["in"] == "path" and p["schema"].get("format") == "uuid"
    }
    assert set(route.uuid_params) == uuid_path


def test_only_scim_routes_need_an_organization_key():
    assert {r.template.startswith("/api/scim/") for r in ROUTES if r.org_only} == {True}
    assert all(r.org_only for r in ROUTES if r.template.startswith("/api/scim/"))


def test_the_checker_reports_a_response_that_breaks_the_spec():
    bad = Exchange(
        method="GET",
        path="/api/v1/labels",
        query_string="",
        request_headers={"Authorization": "Bearer x"},
        request_body=b"",
        template="/api/v1/labels",
        status=200,
        response_headers={"Content-Type": "application/json"},
        response_body=b'{"labels": [{"name": "x"}]}',
    )
    found = contract.problems(bad)
    assert len(found) == 1 and "response does not match the spec" in found[0]


def test_the_checker_reports_a_request_accepted_against_the_spec():
    lax = Exchange(
        method="POST",
        path="/api/v1/labels",
        query_string="",
        request_headers={"Authorization": "Bearer x", "Content-Type": "application/json"},
        request_body=b'{"name": 5}',
        template="/api/v1/labels",
        status=201,
        response_headers={"Content-Type": "application/json"},
        response_body=b'{"name": "5", "verified": false, "homepage": false, "color": null, '
        b'"description": null, "usage_count": 0}',
    )
    assert any("accepted a request the spec refuses" in p for p in contract.problems(lax))


@pytest.mark.parametrize("dialect", ["oracle", "postgres"])
def test_the_dialect_quirk_forgives_only_its_own_error(api, emu, dialect):
    """An oracle connection reads back with a dialect outside the spec's read enum (a known quirk);
    any other fault in the same answer is still reported, as it is for postgres."""
    body = {"dialect": dialect, "name": "W", "passwordUnencrypted": "pw", "host": "db"}
    if dialect == "oracle":
        body["acceptsLicense"] = True
    connection_id = api.ok("POST", "/api/v1/connections", 201, json=body)["data"]
    api.ok("GET", f"/api/v1/connections/{connection_id}")
    read = emu.exchanges[-1]
    assert contract.problems(read) == []

    broken = json.loads(read.response_body)
    broken["connection"]["baseRole"] = 12345
    del broken["connection"]["name"]
    found = contract.problems(dataclasses.replace(read, response_body=json.dumps(broken).encode()))
    assert len(found) == 1 and "response does not match the spec" in found[0]
    assert "12345 is not of type" in found[0] and "'name' is a required property" in found[0]
    assert "is not one of" not in found[0]
