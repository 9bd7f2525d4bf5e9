"""Every kind of secret a stack holds stays out of state, the provider's pickle, its stderr and its
error messages."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from typing import Any

import pulumi
import pytest

import omni_pulumi as omni
from omni_pulumi.testing.harness import HarnessOperationError

from .conftest import API_KEY
from .scenarios_connections import DbtEnvironment, pem_key, postgres, service_account_key

SERVICE_ACCOUNT_SECRET = "sa-key-Zq81"
SECRETS = {
    "connection password": "pg-password-Xy42",
    "new connection password": "pg-password-Rot8",
    "BigQuery service account key": SERVICE_ACCOUNT_SECRET,
    "private key": "private-key-Pk77",
    "OAuth client secret": "oauth-secret-Oc55",
    "git token": "git-token-Gt31",
    "deploy key": "deploy-key-Dk90",
    "deploy key passphrase": "deploy-pass-Dp12",
    "secret dbt variable": "dbt-secret-Dv64",
    "API key": API_KEY,
}


def program(password: str = SECRETS["connection password"]):
    def run() -> None:
        connection = postgres("Secretive", password=password)
        omni.Connection(
            "bigquery",
            dialect="bigquery",
            name="Secret warehouse",
            region="us",
            password=service_account_key("acme", SERVICE_ACCOUNT_SECRET),
            private_key=pem_key(SECRETS["private key"]),
            oauth_client_secret=SECRETS["OAuth client secret"],
        )
        schema = omni.Model("schema", connection_id=connection.id, model_kind="SCHEMA")
        shared = [
            omni.Model(
                name, connection_id=schema.connection_id, model_kind="SHARED", model_name=name
            )
            for name in ("token-model", "key-model")
        ]
        omni.GitConfig(
            "token-git",
            model_id=shared[0].id,
            clone_url="https://github.com/acme/models.git",
            auth_method="https_token",
            token=SECRETS["git token"],
        )
        omni.GitConfig(
            "key-git",
            model_id=shared[1].id,
            clone_url="git@github.com:acme/models.git",
            auth_method="ssh",
            deploy_private_key=pem_key(SECRETS["deploy key"]),
            deploy_key_passphrase=SECRETS["deploy key passphrase"],
        )
        DbtEnvironment(
            "dbt",
            connection_id=connection.id,
            name="production",
            target_schema="prod",
            variables=[
                {"name": "DBT_PASS", "value": SECRETS["secret dbt variable"], "is_secret": True}
            ],
        )
        pulumi.export("connection", connection.id)

    return run


def leaked(text: str) -> list[str]:
    return [kind for kind, value in SECRETS.items() if value in text]


def providers(node: Any) -> Iterator[str]:
    """Every ``__provider`` value in a state document (the pickled provider of a resource)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "__provider" and isinstance(value, str):
                yield value
            else:
                yield from providers(value)
    elif isinstance(node, list):
        for value in node:
            yield from providers(value)


def unpacked(value: str) -> str:
    try:
        return base64.b64decode(value, validate=True).decode("latin-1")
    except (binascii.Error, ValueError):
        return value


@pytest.fixture
def secret_stack(world, stack):
    s = stack(program())
    s.up()
    return s


def test_state_shows_no_secret_in_plain_text(secret_stack):
    assert leaked(json.dumps(secret_stack.state())) == []


def test_the_pickled_provider_carries_no_secret(secret_stack):
    pickles = list(providers(secret_stack.state(show_secrets=True)))
    assert pickles, "the state has no __provider values to check"
    for pickle in pickles:
        assert leaked(unpacked(pickle)) == []


def test_the_provider_host_prints_no_secret(world, secret_stack):
    secret_stack.refresh()
    secret_stack.preview(expect_no_changes=True)
    assert leaked(secret_stack.host_stderr()) == []


def test_an_error_while_rotating_a_password_names_no_secret(world, secret_stack):
    world.emulator.fail_next(1, 500, method="PATCH", path_prefix="/api/v1/connections")
    secret_stack.program = program(SECRETS["new connection password"])
    with pytest.raises(HarnessOperationError) as failure:
        secret_stack.up()
    assert world.emulator.calls[("PATCH", "/api/v1/connections/{id}")] == 1, "no rotation tried"
    assert "500" in str(failure.value)
    assert leaked(str(failure.value)) == []
    assert leaked(secret_stack.host_stderr()) == []
    assert leaked(json.dumps(secret_stack.state())) == []
