"""What a newcomer copies from the docs works: the install commands install what exists (the package
is not on PyPI yet), getting-started leaves nothing to guess, and the numbers the docs announce are
the ones Pulumi shows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [
    ROOT / "README.md",
    *(ROOT / "docs").glob("*.md"),
    *(ROOT / "examples").glob("*/README.md"),
]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_page_installs_from_pypi_what_is_not_there(page: Path):
    for line in page.read_text().splitlines():
        if "finds nothing" in line:
            continue
        assert not re.search(r"pip install ['\"]?omni-pulumi\b(?!\[emulator\] @)", line), line


@pytest.mark.parametrize(
    "requirements",
    sorted((ROOT / "examples").glob("*/requirements.txt")),
    ids=lambda p: p.parent.name,
)
def test_each_example_installs_omni_pulumi_from_the_checkout(requirements: Path):
    lines = [
        line for line in requirements.read_text().splitlines() if line and not line.startswith("#")
    ]
    assert "../..[emulator]" in lines
    assert not [line for line in lines if line.startswith("omni-pulumi")]


def test_getting_started_says_the_virtualenv_the_backend_and_the_background_emulator():
    page = (ROOT / "docs" / "getting-started.md").read_text()
    assert "virtualenv: venv" in page
    assert "pulumi login --local" in page
    assert "PULUMI_CONFIG_PASSPHRASE" in page
    assert re.search(r"omni-pulumi emulator .*&\n", page)
    assert "../omni-pulumi[emulator]" in page


@pytest.mark.parametrize("example", ["quickstart", "adopt-existing"])
def test_to_create_counts_the_stack_as_pulumi_does(example: str):
    program = (ROOT / "examples" / example / "__main__.py").read_text()
    resources = len(re.findall(r"\bomni\.[A-Z]\w*\(", program))
    readme = (ROOT / "examples" / example / "README.md").read_text()
    assert f"# {resources + 1} to create" in readme
    if example == "quickstart":
        assert f"# {resources + 1} to create" in (ROOT / "docs" / "getting-started.md").read_text()


def test_the_readme_program_names_no_made_up_user_id():
    readme = (ROOT / "README.md").read_text()
    program = readme.split("## A minimal program", 1)[1].split("```", 2)[1]
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", program)
