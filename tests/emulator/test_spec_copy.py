"""The vendored OpenAPI document (spec/omni-api/openapi.json) is the project's shared one."""

from __future__ import annotations

import pytest

from tests.support.spec import SHARED_SPEC_PATH, SPEC_PATH


def test_the_vendored_spec_is_the_shared_one():
    if not SHARED_SPEC_PATH.is_file():
        pytest.skip(f"nothing to compare the vendored spec with: {SHARED_SPEC_PATH} is absent")
    assert SPEC_PATH.read_bytes() == SHARED_SPEC_PATH.read_bytes(), (
        f"{SPEC_PATH} differs from {SHARED_SPEC_PATH}: copy the shared one over it "
        "(see spec/README.md)"
    )
