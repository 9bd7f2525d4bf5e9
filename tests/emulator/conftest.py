"""Fixtures for the emulator's own tests: a recording emulator and a small HTTP helper.

Every exchange an emulator test makes is checked against Omni's openapi.json when the test ends
(see contract.py), so the whole suite doubles as a contract test. Without the spec that check is
off: under CI the test fails at once; elsewhere it runs unchecked and the run's coverage line says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from omni_pulumi.emulator import Emulator
from omni_pulumi.emulator.pytest_fixtures import omni_emulator  # noqa: F401 (the public fixture)
from tests.support import gate

from . import contract, messages


class Api:
    """``requests`` bound to one emulator and key; paths are relative to the base URL."""

    def __init__(self, emu: Emulator, key: str) -> None:
        self.emu = emu
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {key}"

    def __getattr__(self, method: str) -> Any:
        if method not in ("get", "post", "put", "patch", "delete"):
            raise AttributeError(method)

        def call(path: str, **kwargs: Any) -> requests.Response:
            return self.session.request(
                method.upper(), self.emu.base_url + path, timeout=10, **kwargs
            )

        return call

    def ok(self, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
        """Send and insist on ``status``; returns the JSON body (or None)."""
        response = getattr(self, method.lower())(path, **kwargs)
        assert response.status_code == status, (response.status_code, response.text)
        return response.json() if response.content else None

    def error(self, method: str, path: str, status: int, **kwargs: Any) -> str:
        """Send and insist on an error ``status``; returns Omni's ``detail``."""
        response = getattr(self, method.lower())(path, **kwargs)
        assert response.status_code == status, (response.status_code, response.text)
        body = response.json()
        assert body["status"] == status
        return body["detail"]


def _checked_emulator(item: pytest.Item, **options: Any) -> Iterator[Emulator]:
    checked = contract.spec_available()
    if not checked:
        gate.spec_off(item, contract.MISSING)
        if gate.on_ci():
            pytest.fail(f"CI=true and the spec check is off: {contract.MISSING}", pytrace=False)
    with Emulator(record=True, **options) as emulator:
        yield emulator
    unsourced = [
        f"{exchange.method} {exchange.path} -> {exchange.status}: {part!r}"
        for exchange in emulator.exchanges
        if exchange.status >= 400
        for part in messages.unexplained(str((exchange.response_json or {}).get("detail", "")))
    ]
    assert not unsourced, (
        "emulator messages with no source in tests/emulator/messages.py:\n" + "\n".join(unsourced)
    )
    if checked:
        live = not emulator.spec_only
        found = [p for e in emulator.exchanges for p in contract.problems(e, live=live)]
        gate.spec_checked(item, len(emulator.exchanges))
        assert not found, "exchanges break openapi.json:\n" + "\n".join(found)


@pytest.fixture
def emu(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    """An emulator answering as a live Omni does (the default)."""
    yield from _checked_emulator(request.node)


@pytest.fixture
def api(emu: Emulator) -> Api:
    return Api(emu, emu.api_key)


def refresh_schema(api: Api, model_id: str) -> None:
    """Run a schema model's refresh to its end, as Omni's UI does after building a schema: a live
    Omni refuses shared models on the connection until then (finding 33)."""
    job = api.ok("POST", f"/api/v1/models/{model_id}/refresh")["jobId"]
    while api.ok("GET", f"/api/v1/jobs/{job}/status")["status"] == "IN_PROGRESS":
        pass  # the emulator's job ends after a fixed number of polls


@pytest.fixture
def spec_emu(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    """An emulator keeping the spec's reading where a live Omni differs (``spec_only=True``)."""
    yield from _checked_emulator(request.node, spec_only=True)


@pytest.fixture
def spec_api(spec_emu: Emulator) -> Api:
    return Api(spec_emu, spec_emu.api_key)


@pytest.fixture
def connection(api: Api) -> str:
    """A live postgres connection with its SCHEMA model, refreshed."""
    body = {"dialect": "postgres", "name": "Warehouse", "passwordUnencrypted": "pw", "host": "db"}
    connection_id = api.ok("POST", "/api/v1/connections", 201, json=body)["data"]
    schema = {"connectionId": connection_id, "modelKind": "SCHEMA"}
    refresh_schema(api, api.ok("POST", "/api/v1/models", json=schema)["model"]["id"])
    return connection_id


@pytest.fixture
def shared_model(api: Api, connection: str) -> str:
    body = {"connectionId": connection, "modelKind": "SHARED", "modelName": "Analytics"}
    return api.ok("POST", "/api/v1/models", json=body)["model"]["id"]
