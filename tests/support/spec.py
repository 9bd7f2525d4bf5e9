"""Where the test suite finds Omni's OpenAPI document.

The contract tests use the copy vendored in ``spec/omni-api/openapi.json``, so a clone without
``../shared`` beside it runs them all. That copy must stay equal to ``../shared/omni-api/openapi.json``
(the project's source for Omni's API): ``tests/emulator/test_contract.py`` compares the two wherever
``../shared`` is present.
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
#: The vendored copy the tests read.
SPEC_PATH = REPO_ROOT / "spec" / "omni-api" / "openapi.json"
#: Its source, beside the repository where the project's shared material is checked out.
SHARED_SPEC_PATH = REPO_ROOT.parent / "shared" / "omni-api" / "openapi.json"
#: Why the spec checks cannot run, and how to make them run.
MISSING = (
    f"Omni's openapi.json is missing at {SPEC_PATH}: restore it "
    "(git checkout -- spec/omni-api/openapi.json, or copy ../shared/omni-api/openapi.json there)"
)


def spec_available() -> bool:
    return SPEC_PATH.is_file()
