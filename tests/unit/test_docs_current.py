"""The reference pages and the public classes are generated from the specs: a stale file fails here
(`omni-pulumi generate --check` is the same check on the command line)."""

from __future__ import annotations

import inspect
from pathlib import Path

import omni_pulumi
from omni_pulumi import docsgen

ROOT = Path(__file__).resolve().parents[2]


def test_every_generated_file_matches_the_resource_descriptions():
    stale = [
        str(path)
        for path, text in docsgen.generated().items()
        if not (ROOT / path).exists() or (ROOT / path).read_text() != text
    ]
    assert not stale, f"run `omni-pulumi generate` to rewrite: {stale}"


def test_a_page_says_which_changes_replace_and_which_update():
    from omni_pulumi.resources import FolderSpec

    text = docsgen.page(FolderSpec)
    assert "| `name` | str | yes | — |  | update in place |" in text
    assert "| `parent_folder_id` | str |  | unset |  | **replace** |" in text
    assert "the folder's uuid" in text


def test_a_public_class_takes_exactly_the_spec_s_arguments():
    from omni_pulumi.resources import ScheduleSpec

    parameters = list(inspect.signature(omni_pulumi.Schedule.__init__).parameters)
    expected = [f.name for f in ScheduleSpec.fields()]
    assert sorted(parameters[2:-3]) == sorted(expected)
    assert parameters[-3:] == ["adopt_id", "instance", "opts"]
    assert omni_pulumi.Schedule.__annotations__["paused"] == "pulumi.Output[bool]"
