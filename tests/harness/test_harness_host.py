"""The provider host process: start, config as the engine sends it, stderr, reuse, stop."""

from __future__ import annotations

import harness_toy as toy
import pytest
from pulumi.runtime.proto import plugin_pb2, provider_pb2

from omni_pulumi.testing.harness import ProviderCallError, ProviderHost
from omni_pulumi.testing.harness.wire import to_struct


def test_host_starts_answers_and_stops():
    host = ProviderHost().start()
    try:
        assert host.running and host.port
        assert host.call("GetPluginInfo", plugin_pb2.PluginInfo()).version == "0.1.0"
    finally:
        host.stop()
    assert not host.running
    host.stop()  # idempotent


def test_provider_exceptions_surface_with_the_host_traceback():
    with ProviderHost() as host:
        host.configure({})
        with pytest.raises(ProviderCallError) as info:
            host.call("Check", provider_pb2.CheckRequest(urn="u", news=to_struct({})))
    assert info.value.method == "Check"
    assert "KeyError: '__provider'" in info.value.details


def test_config_reaches_the_provider_as_strings(toy_stack):
    def program():
        toy.Thing("a", name="alpha")

    stack = toy_stack(program, config={"toy:limit": 60})
    stack.preview()
    assert "toy: limit '60'" in stack.host_stderr()


def test_each_operation_starts_its_own_host_as_the_engine_does(toy_stack):
    def program():
        toy.Thing("a", name="alpha")

    stack = toy_stack(program)
    stack.preview()
    stack.up()
    stack.refresh()
    stack.destroy()
    # A new process per operation, each configured afresh; none is left running.
    assert stack.host_stderr().count("toy: configured") == 4
    assert stack._host is None


def test_the_opt_out_keeps_one_host_until_the_config_changes(toy_stack):
    def program():
        toy.Thing("a", name="alpha")

    stack = toy_stack(program, fresh_host=False)
    stack.preview()
    stack.up()
    stack.preview()
    assert stack.host_stderr().count("toy: configured") == 1

    stack.set_config("toy:limit", "5")
    result = stack.preview()
    assert stack.host_stderr().count("toy: configured") == 2
    assert "toy: limit '5'" in result.diagnostics


def test_provider_code_never_wrote_to_stdout(toy_stack):
    def program():
        toy.Thing("a", name="alpha")

    stack = toy_stack(program)
    stack.up()
    stack.destroy()
    assert stack.host_stdout() == ""
