"""Every omni-pulumi resource through the real Pulumi engine, against the emulator.

The lifecycle suite runs the same scenarios through the engine-protocol harness; here the
``pulumi`` CLI makes the calls, so what users see in ``pulumi preview``/``up`` (the engine's own
step kinds, its diagnostics, the state it stores) is pinned. Each CLI operation costs a second or
two, so each resource tells one story on one stack.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest
from omni_scenarios import (
    API_KEY,
    SCENARIOS,
    SUBJECT,
    Scenario,
    World,
    find_resource,
    omni_world,
    program,
)

from omni_pulumi.testing.pulumi_cli import CliStack
from omni_pulumi.testing.results import OperationResult
from tests.support.calls import checks, omni_calls

pytestmark = pytest.mark.engine

by_kind = pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.kind)

#: The emulator enforces no rate limit here, so the provider need not pace itself (pacing is
#: tested in the unit tests and measured by the benchmark).
UNPACED = {"omni:requestsPerMinute": "0"}


@pytest.fixture
def world() -> Iterator[World]:
    with omni_world() as made:
        yield made


@pytest.fixture
def omni_stack(pulumi_cli: Path, world: World, tmp_path: Path) -> Iterator[Callable[..., CliStack]]:
    """Make real-engine stacks pointed at the world's emulator, removed after the test."""
    stacks: list[CliStack] = []

    def make(run: Callable[[], None], **kwargs: Any) -> CliStack:
        stacks.append(
            CliStack(
                run,
                cli=pulumi_cli,
                config={"omni:baseUrl": world.emulator.base_url, **UNPACED},
                secret_config={"omni:apiKey": API_KEY, **kwargs.pop("secret_config", {})},
                work_dir=tmp_path / f"stack-{len(stacks)}",
                **kwargs,
            )
        )
        return stacks[-1]

    yield make
    for stack in stacks:
        stack.close()


def subject(stack: CliStack) -> dict[str, Any]:
    found = find_resource(stack.state())
    assert found is not None, f"{SUBJECT} is not in the stack"
    return found


def op_of(result: OperationResult) -> str:
    return result.ops_by_name()[SUBJECT]


def calls(world: World, method: str | None = None) -> int:
    """Calls to Omni, the one credential check per operation aside."""
    return omni_calls(world.emulator.calls, method)


def assert_deleted_or_left(
    scenario: Scenario, world: World, gone: dict[str, Any], result: OperationResult
) -> None:
    """Pulumi deleted ``gone``: Omni no longer has it, or, where Omni cannot delete it, it stays
    and the engine's diagnostics tell the user so with its id."""
    id_, outputs = gone["id"], gone["outputs"]
    if scenario.destroy_leaves:
        assert scenario.exists(world, id_, outputs), f"{scenario.kind} {id_} should stay in Omni"
        said = [line for line in result.diagnostics if id_ in line and "still exists" in line]
        assert said, result.diagnostics
        return
    assert not scenario.exists(world, id_, outputs), f"{scenario.kind} {id_} is still in Omni"
    if scenario.deleted_as is not None:
        scenario.deleted_as(world, id_, outputs)


@by_kind
def test_the_engine_drives_the_whole_lifecycle(scenario: Scenario, world: World, omni_stack):
    """create, clean preview, drift, update, replace, delete by hand, destroy: one stack."""
    stack = omni_stack(program(scenario, world))
    assert op_of(stack.up()) == "create"
    created = subject(stack)
    assert scenario.exists(world, created["id"], created["outputs"])
    world.emulator.reset_calls()
    stack.preview(expect_no_changes=True)
    assert calls(world) == 0, f"a no-op preview called Omni: {dict(world.emulator.calls)}"
    assert checks(world.emulator.calls) == 1, "each operation checks the key once"

    # A change made in Omni (relative to the scenario's arguments, so before the update): refresh
    # shows it as an update of the subject, up reverts it.
    field, value = scenario.drift(world, created["id"], created["outputs"])
    refreshed = stack.refresh()
    (step,) = [s for s in refreshed.steps if s.name == SUBJECT]
    assert step.op == "update" and field in step.diffs, step
    assert subject(stack)["outputs"][field] == value
    assert op_of(stack.up()) == "update"
    stack.preview(expect_no_changes=True)

    # An updatable argument: the engine's own preview says update, and up keeps the id.
    changes: list[Callable[..., dict[str, Any]]] = [scenario.update]
    stack.program = program(scenario, world, *changes)
    assert op_of(stack.preview()) == "update"
    assert op_of(stack.up()) == "update"
    assert subject(stack)["id"] == created["id"]
    stack.preview(expect_no_changes=True)

    if scenario.replace is not None:
        changes.append(scenario.replace)
        stack.program = program(scenario, world, *changes)
        assert op_of(stack.preview()) == "replace"
        replaced = stack.up()
        assert op_of(replaced) == "replace"
        new = subject(stack)
        assert new["id"] != created["id"]
        assert scenario.exists(world, new["id"], new["outputs"])
        assert_deleted_or_left(scenario, world, created, replaced)
        stack.preview(expect_no_changes=True)

    # Deleted in Omni: refresh drops it from the stack, up makes it again.
    current = subject(stack)
    scenario.delete_outside(world, current["id"], current["outputs"])
    assert op_of(stack.refresh()) == "delete"
    assert find_resource(stack.state()) is None
    assert op_of(stack.up()) == "create"
    stack.preview(expect_no_changes=True)

    last = subject(stack)
    destroyed = stack.destroy()
    assert_deleted_or_left(scenario, world, last, destroyed)
    assert not stack.state()["deployment"].get("resources")


@pytest.mark.parametrize("marker", ["import_", "adopt_id"])
def test_adoption_through_the_resource_classes(marker: str, world: World, omni_stack):
    """``import_`` (which the engine cannot do for a dynamic resource: the classes turn it into
    ``adopt_id``) and ``adopt_id`` take objects made by hand over without creating any.

    Every resource adopts in one stack (one ``up`` instead of ten): each scenario's arguments are
    taken right after its object is made, since some name what ``make_by_hand`` just recorded.
    """
    adopted: dict[str, tuple[Scenario, str, dict[str, Any]]] = {}
    for scenario in SCENARIOS:
        id_ = scenario.make_by_hand(world)
        adopted[scenario.kind.lower()] = (scenario, id_, scenario.adopt_args(world))

    def adopting(with_marker: str | None) -> Callable[[], None]:
        def run() -> None:
            for name, (scenario, id_, args) in adopted.items():
                args = {**args, **({"adopt_id": id_} if with_marker == "adopt_id" else {})}
                opts = pulumi.ResourceOptions(import_=id_ if with_marker == "import_" else None)
                scenario.resource(name, **args, opts=opts)

        return run

    stack = omni_stack(adopting(marker))
    world.emulator.reset_calls()
    done = stack.up()
    assert done.ops_by_name() == dict.fromkeys(adopted, "create")
    assert calls(world, "POST") == 0, f"adoption created: {dict(world.emulator.calls)}"
    state = stack.state()
    for name, (scenario, id_, _) in adopted.items():
        said = [line for line in done.diagnostics if f"adopted existing {scenario.kind} " in line]
        assert said, (scenario.kind, done.diagnostics)
        # A Label's id is its name; the others keep the id adopted.
        found = find_resource(state, name)
        assert found is not None and (found["id"] == id_ or scenario.kind == "Label"), found
    stack.preview(expect_no_changes=True)

    stack.program = adopting(None)
    stack.preview(expect_no_changes=True)


# -- secrets ---------------------------------------------------------------------------------------

#: The property Pulumi's state uses to mark an encrypted value.
SECRET_SIG = "4dabf18193072939515e22adb298388d"
GIT_TOKEN = "ghp_engine-test-token-1"


def is_ciphertext(value: Any) -> bool:
    return isinstance(value, dict) and SECRET_SIG in value and "ciphertext" in value


def revealed(value: Any) -> Any:
    """An export made with ``--show-secrets``, its secrets' JSON text decoded in place."""
    if isinstance(value, dict) and SECRET_SIG in value and "plaintext" in value:
        return revealed(json.loads(value["plaintext"]))
    if isinstance(value, dict):
        return {k: revealed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [revealed(v) for v in value]
    return value


def secrets_program(world: World) -> Callable[[], None]:
    """A connection's credentials, a git token, a secret dbt variable, all in one stack (the API
    key comes from the stack's secret config)."""
    by_kind = {s.kind: s for s in SCENARIOS}
    connection, git, dbt = by_kind["Connection"], by_kind["GitConfig"], by_kind["DbtEnvironment"]

    def run() -> None:
        import pulumi

        connection.resource("warehouse", **connection.args(world, {}))
        models = git.deps(world)
        repo = git.resource(
            "repo",
            model_id=models["shared"].id,
            clone_url="https://github.com/acme/models.git",
            auth_method="https_token",
            token=GIT_TOKEN,
            base_branch="main",
        )
        dbt_deps = dbt.deps(world)
        dbt.resource("ci", **dbt.args(world, dbt_deps))
        pulumi.export("webhook_secret", repo.webhook_secret)

    return run


def test_secrets_are_ciphertext_in_the_stored_state(world: World, omni_stack):
    stack = omni_stack(secrets_program(world))
    done = stack.up()
    assert done.secret_outputs == ["webhook_secret"]
    webhook_secret = done.outputs["webhook_secret"]
    assert webhook_secret

    state = stack.state()["deployment"]
    resources = {r["urn"].rsplit("::", 1)[-1]: r for r in state["resources"]}
    secret_inputs = {
        "warehouse": ("password", "private_key", "oauth_client_secret"),
        "repo": ("token",),
        "ci": ("variables",),
    }
    for name, keys in secret_inputs.items():
        for key in keys:
            assert is_ciphertext(resources[name]["inputs"][key]), (name, "input", key)
            assert is_ciphertext(resources[name]["outputs"][key]), (name, "output", key)
    assert is_ciphertext(resources["repo"]["outputs"]["webhook_secret"])
    (root,) = [r for r in state["resources"] if r["type"] == "pulumi:pulumi:Stack"]
    assert is_ciphertext(root["outputs"]["webhook_secret"])

    connection_args = next(s for s in SCENARIOS if s.kind == "Connection").args(world, {})
    values = [connection_args[key] for key in secret_inputs["warehouse"]]
    values += [GIT_TOKEN, API_KEY, webhook_secret, "dbt-secret-one"]
    exported = json.dumps(state)
    for value in values:
        # As stored, and as it would appear inside the JSON text (a key file has quotes/newlines).
        assert value not in exported and json.dumps(value)[1:-1] not in exported, value[:12]
    # Every value looked for is one state holds, encrypted.
    held = json.dumps(revealed(stack.state(show_secrets=True)))
    assert [v[:12] for v in values if json.dumps(v)[1:-1] not in held] == []
    # docs/secrets.md: the API key is in the state, as the default provider's input (ciphertext
    # when set with --secret), and `__provider` is a plain pickle, not a secret.
    (provider,) = [r for r in state["resources"] if r["type"].startswith("pulumi:providers:")]
    assert is_ciphertext(provider["inputs"]["omni:apiKey"])
    assert not is_ciphertext(resources["warehouse"]["inputs"]["__provider"])


# -- the harness against the real engine -----------------------------------------------------------


def state_shape(state: dict[str, Any]) -> list[tuple[Any, ...]]:
    """What both engines must store alike, ids and values aside: each resource's name and type,
    its output keys, and which inputs and outputs are secret."""
    shape = []
    for resource in state["deployment"].get("resources") or []:
        if resource["type"] == "pulumi:pulumi:Stack" or resource["type"].startswith(
            "pulumi:providers:"
        ):
            continue
        inputs, outputs = resource.get("inputs") or {}, resource.get("outputs") or {}
        shape.append(
            (
                resource["urn"].rsplit("::", 1)[-1],
                resource["type"],
                tuple(sorted(outputs)),
                tuple(sorted(k for k, v in inputs.items() if is_ciphertext(v))),
                tuple(sorted(k for k, v in outputs.items() if is_ciphertext(v))),
            )
        )
    return sorted(shape)


def agreement_story(scenario: Scenario, world: World, stack: Any) -> list[Any]:
    """Create, update, replace, drift, destroy; each operation's steps, and the state after."""
    answers: list[Any] = []

    def record(result: OperationResult) -> None:
        steps = sorted((s.name, s.type, s.op, s.diffs) for s in result.steps)
        answers.append((result.kind, steps, state_shape(stack.state())))

    record(stack.up())
    record(stack.preview())
    changes = [scenario.update] + ([scenario.replace] if scenario.replace else [])
    for count in range(1, len(changes) + 1):
        stack.program = program(scenario, world, *changes[:count])
        record(stack.preview())
        record(stack.up())
    current = find_resource(stack.state())
    assert current is not None
    scenario.drift(world, current["id"], current["outputs"])
    record(stack.refresh())
    record(stack.destroy())
    return answers


AGREEMENT = next(s for s in SCENARIOS if s.kind == "Folder")


def test_the_harness_and_the_real_engine_tell_the_same_story(pulumi_cli, tmp_path):
    from omni_pulumi.testing.harness import HarnessStack

    def run(make_stack: Callable[[World], Any]) -> list[Any]:
        with omni_world() as world, make_stack(world) as stack:
            return agreement_story(AGREEMENT, world, stack)

    real = run(
        lambda w: CliStack(
            program(AGREEMENT, w),
            cli=pulumi_cli,
            config={"omni:baseUrl": w.emulator.base_url, **UNPACED},
            secret_config={"omni:apiKey": API_KEY},
            work_dir=tmp_path / "cli",
        )
    )
    replayed = run(
        lambda w: HarnessStack(
            program(AGREEMENT, w),
            config={"omni:baseUrl": w.emulator.base_url, **UNPACED},
            secret_config={"omni:apiKey": API_KEY},
            state_file=tmp_path / "harness-state.json",
        )
    )
    for step, (theirs, ours) in enumerate(zip(real, replayed, strict=True)):
        assert ours == theirs, f"operation {step} ({theirs[0]}) differs"
