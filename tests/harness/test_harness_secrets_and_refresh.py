"""Secrets as Pulumi keeps them, refresh, and the errors a user would see."""

from __future__ import annotations

import json

import harness_toy as toy
import pulumi
import pytest

from omni_pulumi.testing.harness import HarnessOperationError
from omni_pulumi.testing.harness.wire import SECRET_SIG, SIG_KEY

PASSWORD = "hunter2-pw"


def resource(stack, name: str, *, show_secrets: bool = False) -> dict:
    for res in stack.state(show_secrets=show_secrets)["deployment"]["resources"]:
        if res["urn"].endswith("::" + name):
            return res
    raise KeyError(name)


def plain_occurrences(value, needle: str, inside_secret: bool = False) -> list[bool]:
    """For every string containing ``needle``: was it inside a secret-marked value?"""
    if isinstance(value, dict):
        secret = inside_secret or value.get(SIG_KEY) == SECRET_SIG
        return [o for v in value.values() for o in plain_occurrences(v, needle, secret)]
    if isinstance(value, list):
        return [o for v in value for o in plain_occurrences(v, needle, inside_secret)]
    return [inside_secret] if isinstance(value, str) and needle in value else []


def secret_program():
    cfg = pulumi.Config()
    a = toy.Thing("a", name="alpha", password=cfg.require_secret("password"))
    b = toy.Thing(
        "b", name="beta", opts=pulumi.ResourceOptions(additional_secret_outputs=["token"])
    )
    pulumi.export("a_password", a.password)
    pulumi.export("b_token", b.token)
    pulumi.export("a_token", a.token)


def test_secret_inputs_stay_secret_in_state_and_reach_the_provider_plain(toy_stack, toy_store):
    stack = toy_stack(secret_program, secret_config={"password": PASSWORD})
    result = stack.up()

    # The host accepts no secrets: the provider got (and stored) the plain value.
    assert toy.read_store(toy_store)["objects"]["t1"]["password"] == PASSWORD
    a = resource(stack, "a", show_secrets=True)
    for section in ("inputs", "outputs"):
        assert a[section]["password"] == {SIG_KEY: SECRET_SIG, "plaintext": json.dumps(PASSWORD)}
        assert a[section]["__provider"][SIG_KEY] == SECRET_SIG
    assert a["outputs"]["name"] == "alpha"
    # Everywhere the password appears, it is inside a secret-marked value.
    occurrences = plain_occurrences(stack.state(show_secrets=True), PASSWORD)
    assert occurrences and all(occurrences)
    assert PASSWORD not in json.dumps(stack.state())
    assert PASSWORD not in stack.host_stderr()
    assert PASSWORD not in "\n".join(result.diagnostics)
    assert sorted(result.secret_outputs) == ["a_password", "b_token"]
    assert result.outputs["a_password"] == PASSWORD


def test_state_file_holds_no_secret_in_plain_text(toy_stack, tmp_path):
    path = tmp_path / "state.json"
    stack = toy_stack(secret_program, secret_config={"password": PASSWORD}, state_file=path)
    stack.up()

    text = path.read_text()
    assert PASSWORD not in text
    assert "tok-t2-s3cr3t" not in text  # additional_secret_outputs
    assert "tok-t1-s3cr3t" in text  # not declared secret, so Pulumi stores it plain
    assert json.loads(text)["deployment"]["resources"][2]["inputs"]["password"]["ciphertext"]


def test_additional_secret_outputs_marks_a_computed_output(toy_stack):
    stack = toy_stack(secret_program, secret_config={"password": PASSWORD})
    stack.up()

    b = resource(stack, "b", show_secrets=True)
    assert b["outputs"]["token"] == {SIG_KEY: SECRET_SIG, "plaintext": '"tok-t2-s3cr3t"'}
    assert b["additionalSecretOutputs"] == ["token"]
    assert resource(stack, "a")["outputs"]["token"] == "tok-t1-s3cr3t"


def test_secret_config_reaches_configure_as_plain_text(toy_stack):
    def program():
        toy.Thing("a", name="alpha")

    stack = toy_stack(program, secret_config={"toy:apiKey": "wrong-key"})
    with pytest.raises(HarnessOperationError, match="toy store refused the API key"):
        stack.up()

    stack.set_config("toy:apiKey", toy.API_KEY, secret=True)  # new config: a fresh host
    assert stack.up().ops_by_name() == {"a": "create"}


def test_refresh_drops_a_resource_deleted_outside_pulumi(toy_stack, toy_store):
    def program():
        toy.Thing("a", name="alpha")
        toy.Thing("b", name="beta")

    stack = toy_stack(program)
    stack.up()
    data = toy.read_store(toy_store)
    del data["objects"]["t2"]
    toy_store.write_text(json.dumps(data))

    result = stack.refresh()

    assert result.ops_by_name() == {"a": "same", "b": "delete"}
    urns = [r["urn"] for r in stack.state()["deployment"]["resources"]]
    assert not any(u.endswith("::b") for u in urns)
    assert stack.preview().ops_by_name() == {"a": "same", "b": "create"}


def test_refresh_takes_inputs_read_back_so_the_program_diffs_against_reality(toy_stack, toy_store):
    def program():
        toy.Thing("a", name="alpha", size=1)

    stack = toy_stack(program)
    stack.up()
    data = toy.read_store(toy_store)
    data["objects"]["t1"]["size"] = 7
    toy_store.write_text(json.dumps(data))

    result = stack.refresh()

    assert result.steps[0].op == "update"
    assert "size" in result.steps[0].diffs
    assert resource(stack, "a")["inputs"]["size"] == 7
    preview = stack.preview()
    assert (preview.steps[0].op, preview.steps[0].diffs) == ("update", ("size",))


def test_refresh_keeps_secrets_secret(toy_stack):
    stack = toy_stack(secret_program, secret_config={"password": PASSWORD})
    stack.up()
    stack.refresh()

    a = resource(stack, "a", show_secrets=True)
    assert a["inputs"]["password"][SIG_KEY] == SECRET_SIG
    assert a["outputs"]["password"][SIG_KEY] == SECRET_SIG
    assert resource(stack, "b", show_secrets=True)["outputs"]["token"][SIG_KEY] == SECRET_SIG


@pytest.mark.parametrize("operation", ["preview", "up"])
def test_check_failures_are_reported_like_pulumi(toy_stack, toy_store, operation):
    def program():
        toy.Thing("a", name="", size=-2)

    stack = toy_stack(program)
    with pytest.raises(HarnessOperationError) as info:
        getattr(stack, operation)()

    message = str(info.value)
    assert (
        "pulumi-python:dynamic/toy:Thing resource 'a': property name value  has a problem: "
        "name must not be empty"
    ) in message
    assert "property size value -2 has a problem: size must be at least 0, not -2" in message
    assert toy.read_store(toy_store)["log"] == []


def test_check_failure_never_prints_a_secret_value(toy_stack):
    def program():
        toy.Thing("a", name=pulumi.Output.secret(""))

    with pytest.raises(HarnessOperationError, match=r"property name value \[secret\] has"):
        toy_stack(program).preview()


def test_provider_errors_carry_the_provider_message_and_keep_state(toy_stack, toy_store):
    names = {"value": ["undeletable", "fine"]}

    def program():
        for n in names["value"]:
            toy.Thing(n, name=n)

    stack = toy_stack(program)
    stack.up()
    names["value"] = []

    with pytest.raises(HarnessOperationError) as info:
        stack.up()

    assert "toy object 'undeletable' refuses to go" in str(info.value)
    assert "Delete failed" in str(info.value)
    left = [r["urn"] for r in stack.state()["deployment"]["resources"]]
    assert any(u.endswith("::undeletable") for u in left)
    assert not any(u.endswith("::fine") for u in left)  # deleted first: it came later


def test_import_of_a_raw_dynamic_resource_fails_like_pulumi(toy_stack, toy_store):
    """pulumi/pulumi#16175: the engine's import Read carries the id alone, so the SDK host finds
    no ``__provider``. The harness must fail exactly there, not be kinder than Pulumi."""

    def first():
        toy.Thing("made-by-hand", name="by-hand")

    toy_stack(first, state_file=None).up()  # an object exists in the store, as t1

    def program():
        toy.Thing("adopted", name="by-hand", opts=pulumi.ResourceOptions(import_="t1"))

    stack = toy_stack(program)
    with pytest.raises(HarnessOperationError) as info:
        stack.up()

    message = str(info.value)
    assert "Read failed" in message
    assert "'__provider'" in message
    assert [r for r in stack.state()["deployment"]["resources"] if "toy:Thing" in r["type"]] == []


def test_expect_no_changes_lists_the_changes(toy_stack):
    size = {"value": 1}

    def program():
        toy.Thing("a", name="alpha", size=size["value"])
        toy.Thing("b", name="beta")

    stack = toy_stack(program)
    with pytest.raises(AssertionError, match="create pulumi-python:dynamic/toy:Thing 'a'"):
        stack.preview(expect_no_changes=True)
    stack.up()
    stack.preview(expect_no_changes=True)
    size["value"] = 2
    with pytest.raises(AssertionError) as info:
        stack.preview(expect_no_changes=True)
    assert "update pulumi-python:dynamic/toy:Thing 'a' (size)" in str(info.value)
    assert "'b'" not in str(info.value)


def test_a_failing_program_deletes_nothing(toy_stack, toy_store):
    broken = {"value": False}

    def program():
        toy.Thing("a", name="alpha")
        if broken["value"]:
            raise ValueError("program bug")
        toy.Thing("b", name="beta")

    stack = toy_stack(program)
    stack.up()
    broken["value"] = True

    with pytest.raises(HarnessOperationError, match="program bug"):
        stack.up()
    assert sorted(toy.read_store(toy_store)["objects"]) == ["t1", "t2"]
