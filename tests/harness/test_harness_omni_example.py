"""The example of docs/testing.md, run: an Omni program against the emulator through the harness."""

from __future__ import annotations

import pytest

pytest.importorskip("werkzeug", reason="the emulator needs the 'emulator' extra")

import pulumi

import omni_pulumi as omni
from omni_pulumi.emulator import Emulator


def program():
    label = omni.Label("certified", name="Certified", verified=True, color="#1a7f37")
    pulumi.export("label", label.name)


def test_docs_example_converges_against_the_emulator(omni_stack_factory):
    with Emulator(api_key="test-key", rate_limit=0) as emu:
        stack = omni_stack_factory(
            program, project="omni-infra", base_url=emu.base_url, api_key="test-key"
        )
        assert stack.preview().ops_by_name() == {"certified": "create"}
        assert stack.up().outputs == {"label": "Certified"}
        stack.preview(expect_no_changes=True)
        assert stack.destroy().ops_by_name() == {"certified": "delete"}
        assert "test-key" not in stack.host_stderr()
