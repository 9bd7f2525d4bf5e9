"""``omni-pulumi doctor``: the preview's credential check, run by hand, against the emulator."""

from __future__ import annotations

import argparse

import pytest

from omni_pulumi import credentials
from omni_pulumi.cli import build_parser
from omni_pulumi.emulator import Emulator
from omni_pulumi.export import cli as export_cli

ORG_KEY = "doctor-org-key"
REAL_CHECK = credentials.ensure_credentials


@pytest.fixture
def omni(monkeypatch):
    monkeypatch.setattr(credentials, "ensure_credentials", REAL_CHECK)
    with Emulator(api_key=ORG_KEY, rate_limit=0) as emulator:
        yield emulator


def doctor(capsys, environ, *argv: str) -> tuple[int, str, str]:
    args = build_parser().parse_args(["doctor", *argv])
    code = args.run(args, environ=environ)
    out, err = capsys.readouterr()
    return code, out, err


def test_an_organization_key_may_manage_every_kind(omni, capsys):
    env = {"OMNI_BASE_URL": omni.base_url, "OMNI_API_KEY": ORG_KEY}
    code, out, err = doctor(capsys, env)
    assert (code, err) == (0, "")
    assert f"Instance:   {omni.base_url}  (from OMNI_BASE_URL)" in out
    assert "organization API key" in out and "(from OMNI_API_KEY)" in out
    assert "UserGroup" in out.split("May manage:")[1].splitlines()[0]
    assert "May not" not in out
    assert ORG_KEY not in out
    assert omni.calls[("GET", "/api/v1/whoami")] == 1


def test_a_personal_key_may_not_manage_scim_kinds(omni, capsys):
    omni.add_api_key("personal", org=False)
    code, out, _ = doctor(capsys, {"OMNI_BASE_URL": omni.base_url, "OMNI_API_TOKEN": "personal"})
    assert code == 0
    assert "personal access token" in out and "(from OMNI_API_TOKEN)" in out
    refused = out.split("May not:")[1].splitlines()[0]
    assert "User" in refused and "UserGroup" in refused and "Label" not in refused


def test_a_wrong_key_is_one_line_saying_what_to_fix(omni, capsys):
    code, out, err = doctor(capsys, {"OMNI_BASE_URL": omni.base_url, "OMNI_API_KEY": "wrong"})
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and "refused the API key" in err and "omni:apiKey" in err


def test_missing_settings_say_what_to_set(omni, capsys):
    code, _, err = doctor(capsys, {})
    assert code == 1 and "OMNI_BASE_URL" in err


def test_a_stack_s_config_wins_over_the_environment(omni, capsys, monkeypatch):
    asked = []

    def stack_config(stack: str) -> dict[str, str]:
        asked.append(stack)
        return {"omni:baseUrl": omni.base_url, "omni:apiKey": ORG_KEY}

    monkeypatch.setattr(export_cli, "stack_config", stack_config)
    env = {"OMNI_BASE_URL": "https://elsewhere.omniapp.co", "OMNI_API_KEY": "wrong"}
    code, out, _ = doctor(capsys, env, "--stack", "prod")
    assert asked == ["prod"] and code == 0
    assert "stack prod's config" in out and "(from omni:baseUrl)" in out


def test_doctor_is_a_subcommand():
    args = build_parser().parse_args(["doctor", "--stack", "dev"])
    assert isinstance(args, argparse.Namespace) and args.stack == "dev"
