"""The reference pages are generated from the specs: a stale page fails here."""

from __future__ import annotations

from pathlib import Path

from omni_pulumi import docsgen

DOCS = Path(__file__).resolve().parents[2] / "docs" / "resources"


def test_every_reference_page_matches_its_resource_description():
    stale = [
        name
        for name, text in docsgen.pages().items()
        if not (DOCS / name).exists() or (DOCS / name).read_text() != text
    ]
    assert not stale, f"run `omni-pulumi docs` to rewrite: {stale}"


def test_a_page_says_which_changes_replace_and_which_update():
    from omni_pulumi.resources import FolderSpec

    text = docsgen.page(FolderSpec)
    assert "| `name` | str | yes | — |  | update in place |" in text
    assert "| `parent_folder_id` | str |  | unset |  | **replace** |" in text
    assert "the folder's uuid" in text
