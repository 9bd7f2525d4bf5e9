"""Every registered resource is whole: served by the emulator, run by the lifecycle suite, known to
export, described by a reference page and a public class. Adding a resource without one of them
fails here, naming what is missing (CONTRIBUTING.md says how to add each)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import omni_pulumi
from omni_pulumi.docsgen import snake
from omni_pulumi.emulator.routes import all_routes
from omni_pulumi.export.kinds import KINDS
from omni_pulumi.spec import registered
from tests.lifecycle.scenarios import SCENARIOS

DOCS = Path(__file__).resolve().parents[2] / "docs" / "resources"
SPECS = registered()


def _shape(template: str) -> str:
    """A path template with its placeholders' names left out: `/a/{x}/b` -> `/a/{}/b`."""
    return re.sub(r"\{[^}]*\}", "{}", template)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.type_name)
def test_the_emulator_serves_the_resource_s_collection(spec):
    served = {(route.method, _shape(route.template)) for route in all_routes()}
    assert spec.path, f"{spec.type_name} declares no path"
    assert any(shape == _shape(spec.path) for _, shape in served), (
        f"the emulator has no route for {spec.type_name}'s {spec.path}: add one under "
        "omni_pulumi/emulator/routes/"
    )


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.type_name)
def test_the_lifecycle_suite_has_a_scenario(spec):
    assert spec.type_name in {s.kind for s in SCENARIOS}, (
        f"tests/lifecycle has no scenario for {spec.type_name}"
    )


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.type_name)
def test_export_can_find_the_resource(spec):
    assert spec.type_name in {kind.name for kind in KINDS}
    one_per_parent = spec.id_api is None and bool(spec.parents())
    assert spec.listing is not None or one_per_parent, (
        f"{spec.type_name} declares no listing, so export cannot find its objects"
    )


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.type_name)
def test_the_resource_has_a_reference_page_and_a_public_class(spec):
    assert (DOCS / f"{snake(spec.type_name)}.md").exists()
    assert spec.type_name in omni_pulumi.__all__
    assert getattr(omni_pulumi, spec.type_name)._spec.__class__ is spec


def test_every_reference_is_to_a_registered_kind():
    kinds = {spec.type_name for spec in SPECS}
    for spec in SPECS:
        for name, target in spec.refs().items():
            assert target in kinds, f"{spec.type_name}.{name} references unknown kind {target}"
