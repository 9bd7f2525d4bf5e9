"""The public resource classes: what a program registers with Pulumi, and what the state pickles.

Pulumi's mocks never call the provider, which suits these tests: they check the registration (type
token, inputs, secrets, options) and the pickled provider, not the lifecycle.
"""

from __future__ import annotations

import base64
import inspect

import dill
import pulumi
import pytest
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor

import omni_pulumi
from omni_pulumi import Folder, Label, UserGroup
from omni_pulumi.provider import OmniProvider
from omni_pulumi.resource import OmniResource, given
from omni_pulumi.resources import SPECS, LabelSpec
from tests.unit.conftest import API_KEY, BASE_URL, configured
from tests.unit.test_engine import WidgetSpec

SECRET_SIG = rpc._special_sig_key  # the wire marker of a secret value
PUBLIC_CLASSES = [
    obj
    for obj in vars(omni_pulumi).values()
    if inspect.isclass(obj) and issubclass(obj, OmniResource) and obj is not OmniResource
]


class Widget(OmniResource, spec=WidgetSpec):
    """A toy class with a secret input and a secret output (no public resource has both yet)."""

    def __init__(self, resource_name, *, name, kind, password=None, adopt_id=None, opts=None):
        super().__init__(resource_name, given(locals()), opts)


class Capture(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        return f"{args.name}-id", args.inputs

    def call(self, args: pulumi.runtime.MockCallArgs):
        return {}


class Recorder(MockMonitor):
    """The mock monitor, keeping every registration request as the engine would receive it."""

    def __init__(self) -> None:
        super().__init__(Capture())
        self.requests: dict[str, object] = {}

    def RegisterResource(self, request):
        self.requests[request.name] = request
        return super().RegisterResource(request)


@pytest.fixture
def engine():
    recorder = Recorder()
    pulumi.runtime.set_mocks(recorder.mocks, preview=False, monitor=recorder)
    return recorder


def register(program) -> None:
    """Run a program's registrations to completion under the mocks."""
    pulumi.runtime.test(program)()


def inputs(request) -> dict:
    return rpc.deserialize_properties(request.object)


def is_secret(request, name: str) -> bool:
    value = request.object.fields[name]
    return value.HasField("struct_value") and SECRET_SIG in value.struct_value.fields


@pytest.mark.parametrize("cls", PUBLIC_CLASSES, ids=lambda c: c.__name__)
def test_type_tokens_name_the_omni_type(engine, cls):
    args = {f.name: "x" for f in cls._spec.fields() if f.required}
    register(lambda: cls("r", **args))

    assert engine.requests["r"].type == f"pulumi-python:dynamic/omni:{cls._spec.type_name}"


def test_arguments_are_registered_and_outputs_exposed(engine):
    made = {}

    def program():
        made["folder"] = Folder("finance", name="Finance", force_destroy=True)

    register(program)

    props = inputs(engine.requests["finance"])
    assert {k: v for k, v in props.items() if k != "__provider"} == {
        "name": "Finance",
        "force_destroy": True,
    }  # unset arguments and the outputs travel as None, which Pulumi leaves out
    for name in ("path", "scope", "user_id", "parent_folder_id", "adopt_id"):
        assert isinstance(getattr(made["folder"], name), pulumi.Output)


def test_secret_inputs_are_wrapped_and_secret_outputs_declared(engine):
    register(lambda: Widget("w", name="W", kind="a", password="hunter2-plain-string"))

    request = engine.requests["w"]
    assert is_secret(request, "password")  # a plain string from the program, kept secret
    assert not is_secret(request, "name")
    assert set(request.additionalSecretOutputs) == {"password", "token"}


def test_public_resources_without_secrets_declare_none(engine):
    register(lambda: UserGroup("g", display_name="G", members=["a"]))

    assert list(engine.requests["g"].additionalSecretOutputs) == []


def test_import_option_becomes_adopt_id(engine):
    register(lambda: Label("l", name="Certified", opts=pulumi.ResourceOptions(import_="Certified")))

    request = engine.requests["l"]
    assert inputs(request)["adopt_id"] == "Certified"
    assert request.importId == ""  # the engine cannot import a dynamic resource (pulumi#16175)


def test_adopt_id_given_wins_over_import(engine):
    options = pulumi.ResourceOptions(import_="Other")
    register(lambda: Label("l", name="Certified", adopt_id="Certified", opts=options))

    assert inputs(engine.requests["l"])["adopt_id"] == "Certified"


def test_the_programs_options_object_is_left_alone(engine):
    options = pulumi.ResourceOptions(import_="Certified")
    register(lambda: Label("l", name="Certified", opts=options))

    assert options.import_ == "Certified"


def test_the_pickled_provider_is_small_by_reference_and_holds_no_credentials():
    provider = configured(LabelSpec())
    provider._client()  # a client was made and cached in the process

    blob = base64.b64decode(serialize_provider(provider))

    assert len(blob) < 400
    assert API_KEY.encode() not in blob
    assert BASE_URL.encode() not in blob
    assert b"omni_pulumi.resources.label" in blob and b"LabelSpec" in blob
    assert b"_create_type" not in blob  # dill's mark of a class pickled by value
    restored = dill.loads(blob)
    assert type(restored) is OmniProvider
    assert type(restored.spec) is LabelSpec


def test_the_registered_provider_is_the_same_small_pickle(engine):
    register(lambda: Label("l", name="Certified"))

    blob = base64.b64decode(inputs(engine.requests["l"])["__provider"])
    assert len(blob) < 400
    assert type(dill.loads(blob).spec) is LabelSpec


@pytest.mark.parametrize("cls", PUBLIC_CLASSES, ids=lambda c: c.__name__)
def test_keyword_arguments_match_the_spec(cls):
    """Guards against drift between a class's typed signature and its spec's arguments."""
    params = inspect.signature(cls.__init__).parameters
    keywords = {n for n, p in params.items() if p.kind is inspect.Parameter.KEYWORD_ONLY}
    required = {n for n in keywords if params[n].default is inspect.Parameter.empty}

    spec = cls._spec
    assert keywords == {f.name for f in spec.fields()} | {"adopt_id", "instance", "opts"}
    assert required == {f.name for f in spec.fields() if f.required}


def test_every_spec_has_a_public_class():
    assert {type(cls._spec) for cls in PUBLIC_CLASSES} >= set(SPECS)


def test_instance_travels_as_a_name_and_is_absent_when_unset(engine):
    register(lambda: Label("s", name="Certified", instance="staging"))
    register(lambda: Label("d", name="Certified"))

    assert inputs(engine.requests["s"])["instance"] == "staging"
    # Absent, not None: state written before `instance` existed reads the same as state without it.
    assert "instance" not in inputs(engine.requests["d"])
