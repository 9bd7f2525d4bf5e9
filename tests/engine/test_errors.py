"""What a user sees through the real ``pulumi`` CLI when something is wrong: a few lines, no traceback.

A wrong key, a base URL that is not Omni, and a personal key for SCIM each fail the *preview* (one
whoami per operation makes that possible); an error Omni answers during ``up`` reaches the terminal
as its message, not as the SDK host's chained Python tracebacks.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from omni_scenarios import API_KEY, omni_world

import omni_pulumi as omni
from omni_pulumi.testing.pulumi_cli import CliStack, OperationFailed

pytestmark = pytest.mark.engine

#: The most lines an error may take in the engine's diagnostics (the engine adds a line or two of
#: its own around the provider's message).
FEW = 4


@pytest.fixture
def world():
    with omni_world() as made:
        yield made


@pytest.fixture
def not_omni() -> Iterator[str]:
    """An HTTP server on loopback that answers 404 to everything: a base URL that is not Omni."""

    class NotFound(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(404)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html><title>Not Found</title></html>")

        def log_message(self, *_args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), NotFound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def make(pulumi_cli: Path, tmp_path: Path, program, base_url: str, key: str) -> CliStack:
    return CliStack(
        program,
        cli=pulumi_cli,
        config={"omni:baseUrl": base_url, "omni:requestsPerMinute": "0"},
        secret_config={"omni:apiKey": key},
        work_dir=tmp_path / "stack",
    )


def failure(operation) -> list[str]:
    with pytest.raises(OperationFailed) as caught:
        operation()
    lines = caught.value.result.diagnostics
    text = "\n".join(lines) + "\n" + caught.value.cli_message
    assert "Traceback" not in text, text
    return lines


def error_lines(lines: list[str]) -> list[str]:
    """The diagnostics, without the engine's closing summary lines."""
    return [line for line in lines if "update failed" not in line and "preview failed" not in line]


def label(name: str = "Certified"):
    def run() -> None:
        omni.Label("certified", name=name)

    return run


def test_a_wrong_key_fails_the_preview_in_one_line(pulumi_cli, world, tmp_path):
    with make(pulumi_cli, tmp_path, label(), world.emulator.base_url, "not-the-key") as stack:
        lines = failure(stack.preview)
    said = error_lines(lines)
    assert len(said) <= FEW, said
    assert any("refused the API key" in line and "omni:apiKey" in line for line in said), said
    assert "not-the-key" not in "\n".join(lines)
    assert dict(world.emulator.calls) == {("GET", "/api/v1/whoami"): 1}, "one check, no more"


def test_a_base_url_that_is_not_omni_fails_the_preview(pulumi_cli, not_omni, tmp_path):
    with make(pulumi_cli, tmp_path, label(), not_omni, API_KEY) as stack:
        lines = failure(stack.preview)
    said = error_lines(lines)
    assert len(said) <= FEW, said
    assert any("does not answer like an Omni instance" in line for line in said), said
    assert any("omni:baseUrl" in line for line in said), said


def test_a_personal_key_fails_the_preview_of_scim_resources_only(pulumi_cli, world, tmp_path):
    world.emulator.add_api_key("personal-key", org=False)

    def run() -> None:
        omni.Label("certified", name="Certified")
        omni.UserGroup("analysts", display_name="Analysts")

    with make(pulumi_cli, tmp_path, run, world.emulator.base_url, "personal-key") as stack:
        lines = failure(stack.preview)
    said = error_lines(lines)
    assert len(said) <= FEW, said
    (line,) = [line for line in said if "organization API key" in line]
    assert "UserGroup" in line and "'analysts'" in line, line
    assert not any("'certified'" in line for line in said), said
    assert world.emulator.calls[("GET", "/api/v1/whoami")] == 1


def test_an_error_omni_answers_during_up_is_a_few_lines_without_traceback(
    pulumi_cli, world, tmp_path
):
    # A folder under a parent Omni does not have: the preview cannot know, the create fails.
    missing = "00000000-0000-4000-8000-000000000000"

    def run() -> None:
        omni.Folder("finance", name="Finance", parent_folder_id=missing)

    with make(pulumi_cli, tmp_path, run, world.emulator.base_url, API_KEY) as stack:
        stack.preview()
        lines = failure(stack.up)
    said = error_lines(lines)
    assert len(said) <= FEW, said
    assert any("Folder 'Finance'" in line and "Omni answered" in line for line in said), said


def test_a_malformed_setting_fails_the_preview_in_one_line(pulumi_cli, world, tmp_path):
    with make(pulumi_cli, tmp_path, label(), "acme.omniapp.co", API_KEY) as stack:
        lines = failure(stack.preview)
    said = error_lines(lines)
    assert len(said) <= FEW, said
    assert any("omni:baseUrl" in line and "no scheme" in line for line in said), said
