"""Every emulator message has a stated source (messages.py), and the sources say what is claimed."""

from __future__ import annotations

import json
import re

import pytest

from tests.support import gate
from tests.support.spec import MISSING, REPO_ROOT, SHARED_SPEC_PATH, SPEC_PATH, spec_available

from .messages import ENTRIES, unexplained

SEED_SPEC = SHARED_SPEC_PATH.parent / "seed-openapi.yaml"
EMULATOR_DOC = REPO_ROOT / "docs" / "emulator.md"


def _strings(node) -> list[str]:
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in [k, *_strings(v)]]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return [node] if isinstance(node, str) else []


def _ids(source: str) -> list:
    return [pytest.param(m, id=m.quote[:40]) for m in ENTRIES if m.source == source]


@pytest.mark.contract
@pytest.mark.parametrize("message", _ids("spec"))
def test_spec_messages_are_in_the_spec(message):
    if not spec_available():
        gate.unavailable("the contract tests", MISSING)
    text = "\n".join(_strings(json.loads(SPEC_PATH.read_text())))
    assert message.quote in text


@pytest.mark.parametrize("message", _ids("seed-spec"))
def test_older_spec_messages_are_in_that_spec(message):
    if not SEED_SPEC.is_file():
        pytest.skip(f"{SEED_SPEC} is absent (../shared): nothing to check the quotes against")
    assert message.quote in SEED_SPEC.read_text()


def _doc_section(title: str) -> str:
    text = EMULATOR_DOC.read_text()
    start = text.index(f"### {title}")
    end = text.find("\n#", start + 1)
    return text[start : end if end != -1 else None]


def test_the_docs_list_the_emulators_own_wording_and_claim_no_more():
    own = _doc_section("The emulator's own wording")
    listed = set(re.findall(r"`([^`]+)`", own))
    quotes = {m.quote for m in ENTRIES if m.source == "own"}
    assert quotes == listed


def test_a_message_without_a_source_is_reported():
    assert (
        unexplained("Bad Request: name: Required, formErrors: Unrecognized key(s) in object: 'a'")
        == []
    )
    assert unexplained("Bad Request: name: Required, name: Looks wrong") == ["name: Looks wrong"]
    assert unexplained("Model not found") == []
    assert unexplained("Model went away") == ["Model went away"]


def test_the_sources_are_known():
    assert {m.source for m in ENTRIES} <= {"spec", "seed-spec", "zod", "own"}
