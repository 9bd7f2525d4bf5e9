"""A program with thousands of resources: the SDK's provider pickling must not pile up wrappers."""

from __future__ import annotations

import pickle

import pulumi
import pytest

import omni_pulumi as omni


class _Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        return f"{args.name}-id", args.inputs

    def call(self, args: pulumi.runtime.MockCallArgs):
        return {}


@pytest.fixture
def mocked_program():
    pulumi.runtime.set_mocks(_Mocks(), preview=False)


def test_creating_a_resource_leaves_the_pickler_as_it_was(mocked_program):
    before = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]
    omni.Label("one", name="One")
    assert pickle._Pickler._batch_setitems is before  # type: ignore[attr-defined]


def test_two_thousand_resources_in_one_process_can_all_be_declared(mocked_program):
    # Without the fix, the SDK's serializer nests one wrapper per resource and the ~1000th
    # resource fails with RecursionError.
    for index in range(2000):
        omni.Label(f"label-{index}", name=f"Label {index}")
