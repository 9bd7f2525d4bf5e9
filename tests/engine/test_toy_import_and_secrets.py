"""What the real engine does with imports and secrets of a dynamic provider."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest
import toy_provider as toy

from omni_pulumi.testing.pulumi_cli import OperationFailed

pytestmark = pytest.mark.engine

#: The property Pulumi's state uses to mark an encrypted value.
SECRET_SIG = "4dabf18193072939515e22adb298388d"


def is_ciphertext(value: Any) -> bool:
    return isinstance(value, dict) and SECRET_SIG in value and "ciphertext" in value


def test_engine_cannot_import_a_dynamic_resource(make_stack, toy_store):
    """pulumi/pulumi#16175: the import step calls Read with no state, so no ``__provider``.

    If this test fails because the import worked, Pulumi fixed the issue: revisit how omni-pulumi
    turns ``import_`` into ``adopt_id`` (docs/engine.md, DESIGN.md "Adopting objects made by hand").
    """

    def program() -> None:
        # Widget is a plain pulumi.dynamic.Resource subclass: nothing turns import_ into adoption.
        toy.Widget("adopted", label="by hand", opts=pulumi.ResourceOptions(import_="made-by-hand"))

    stack = make_stack(program)
    # Preview already reads the object to import, so a pull request's `pulumi preview` fails too.
    for operation in (stack.preview, stack.up):
        with pytest.raises(OperationFailed) as failed:
            operation()
        result = failed.value.result
        assert result.ops_by_name() == {"adopted": "import"}
        # The provider host's Read got no state, so it found no pickled provider to call.
        assert any("in Read" in line for line in result.diagnostics), result.diagnostics
        assert any("KeyError: '__provider'" in line for line in result.diagnostics)
        assert "'__provider'" in str(failed.value)
    assert not toy_store.exists()
    resources = stack.state()["deployment"].get("resources") or []
    assert not [r for r in resources if r["urn"].endswith("::adopted")]


def test_secrets_stay_ciphertext_in_the_exported_state(make_stack, toy_store):
    password = "correct-horse-battery-staple"

    def program() -> None:
        widget = toy.Widget(
            "vault",
            label="vault",
            password=pulumi.Config().require_secret("password"),
        )
        pulumi.export("token", widget.token)
        pulumi.export("password", widget.password)

    stack = make_stack(program, secret_config={"password": password})
    done = stack.up()

    # The provider's stderr reaches the engine as a diagnostic, so users see warnings in `pulumi up`.
    (stored,) = json.loads(toy_store.read_text()).items()
    widget_id, widget = stored
    assert f"toy: created widget {widget_id} (vault)" in done.diagnostics
    # The runner hands the test the plain outputs: these are the values that must not leak.
    assert done.outputs == {"token": widget["token"], "password": password}
    assert done.secret_outputs == ["password", "token"]

    state = stack.state()["deployment"]
    (resource,) = [r for r in state["resources"] if r["urn"].endswith("::vault")]
    assert is_ciphertext(resource["inputs"]["password"])
    assert is_ciphertext(resource["outputs"]["password"])
    assert is_ciphertext(resource["outputs"]["token"])  # additional_secret_outputs
    assert resource["outputs"]["label"] == "vault"
    (root,) = [r for r in state["resources"] if r["type"] == "pulumi:pulumi:Stack"]
    assert is_ciphertext(root["outputs"]["token"])
    assert is_ciphertext(root["outputs"]["password"])
    exported = json.dumps(state)
    assert password not in exported
    assert widget["token"] not in exported
