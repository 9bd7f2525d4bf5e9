"""Export a varied instance, run the exported program through the engine-protocol harness: the
first `up` adopts everything and changes nothing in Omni, and the next preview shows no changes."""

from __future__ import annotations

import copy
import runpy
from pathlib import Path

import pytest

from omni_pulumi.emulator import Emulator
from omni_pulumi.export.cli import export
from omni_pulumi.testing.harness import HarnessStack

from .instance import API_KEY, build

#: Omni's bookkeeping, which a write that changes nothing still moves.
VOLATILE = {"updatedAt"}


def _settled(data):
    if isinstance(data, dict):
        return {k: _settled(v) for k, v in data.items() if k not in VOLATILE}
    if isinstance(data, list):
        return [_settled(v) for v in data]
    return data


def _held(emulator: Emulator, client) -> dict:
    """What Omni holds, as its API shows it: schedules through their GET (the emulator's stored
    request bodies differ between an explicit `false` and an omitted default, which the answer
    shows too), the rest as stored. Unordered lists (recipients) are compared as sets."""
    data = _settled(copy.deepcopy(emulator.state.data))
    data["schedules"] = {}
    for id_ in emulator.state.data["schedules"]:
        detail = _settled(client.get(f"/api/v1/schedules/{id_}"))
        for destination in detail["destinations"]:
            destination.pop("recipients")  # members found by email, with a fresh id per answer
            meta = destination["metadata"]
            destination["metadata"] = {
                k: sorted(v) if isinstance(v, list) else v
                for k, v in meta.items()
                if v is not False
            }
        data["schedules"][id_] = detail
    return data


def _writes(emulator: Emulator) -> dict[tuple[str, str], int]:
    return {key: n for key, n in emulator.calls.items() if key[0] != "GET"}


@pytest.fixture
def exported(tmp_path: Path):
    with Emulator(api_key=API_KEY, rate_limit=0) as emulator:
        instance = build(emulator)
        emulator.reset_calls()
        project = export(
            instance.client, tmp_path / "omni", name="acme-omni", instance=emulator.base_url
        )
        yield emulator, instance, project, tmp_path / "omni"


def _stack(emulator: Emulator, out: Path, tmp_path: Path) -> HarnessStack:
    program = out / "__main__.py"
    stack = HarnessStack(
        lambda: runpy.run_path(str(program), run_name="__main__"),
        project="acme-omni",
        config={"omni:baseUrl": emulator.base_url},
        secret_config={"omni:apiKey": API_KEY},
        state_file=tmp_path / "state.json",
    )
    # The user runs the printed commands for the required values: one Omni never returns, and a
    # secret Omni returns but the program must not hold in plain text (copied from Omni).
    stack.set_config("snowflakeWarehouse", "WH")
    stack.set_config("revenueWebhookWebhookUrl", "https://hooks.example.com/omni", secret=True)
    return stack


def test_the_exported_program_adopts_everything_writing_nothing(exported, tmp_path):
    emulator, instance, project, out = exported
    assert _writes(emulator) == {}, "export must only read"
    required = {s.key: s.secret for s in project.settings if s.required}
    assert required == {"snowflakeWarehouse": False, "revenueWebhookWebhookUrl": True}
    assert "hooks.example.com" not in (out / "__main__.py").read_text()
    stack = _stack(emulator, out, tmp_path)
    before = _held(emulator, instance.client)
    try:
        emulator.reset_calls()
        result = stack.up()
        adopted = [d for d in result.diagnostics if "adopted existing" in d]
        # + attributes, users (not the key's own: destroy would delete it)
        assert len(adopted) == project.declared == 30 + 2 + 4
        assert {s.op for s in result.steps} == {"create"}  # adoption goes through create
        assert all("no setting needed a change" in d for d in adopted), adopted
        assert _writes(emulator) == {}, "adopting what Omni already holds must write nothing"
        assert _held(emulator, instance.client) == before, "adoption changed what Omni holds"
        stack.preview(expect_no_changes=True)
        assert stack.refresh().changes == {}
    finally:
        stack.close()


def test_the_user_the_key_acts_as_is_left_out_and_said_why(exported):
    emulator, _instance, project, out = exported
    (own,) = [left for left in project.left if left.kind == "User"]
    assert own.id == emulator.admin_user_id
    assert "the user this API key acts as" in own.reason and "pulumi destroy" in own.reason
    program = (out / "__main__.py").read_text()
    assert f'import_="{emulator.admin_user_id}"' not in program  # not adopted
    # What refers to the user (a folder permit, a model role) names it by its id instead.
    assert f'user_id="{emulator.admin_user_id}"' in program


def test_a_kind_the_key_cannot_list_is_skipped_with_a_warning(tmp_path, capsys):
    """A personal access token gets 403 on SCIM: users and groups are skipped, the rest exported."""
    from omni_pulumi.client import OmniClient

    with Emulator(api_key=API_KEY, rate_limit=0) as emulator:
        build(emulator)
        emulator.add_api_key("personal-token", org=False)
        personal = OmniClient(emulator.base_url, "personal-token", requests_per_minute=0)
        project = export(personal, tmp_path / "omni", name="acme", instance=emulator.base_url)

    err = capsys.readouterr().err
    assert "skipped every UserGroup" in err and "403" in err
    skipped = [left.kind for left in project.left if left.id == "*"]
    # Every User and UserGroup (SCIM), the restricted folders (listed per SCIM user) and the
    # model roles (listed per SCIM user and group).
    assert sorted(skipped) == ["Folder", "ModelRole", "User", "UserGroup"]
    program = (tmp_path / "omni" / "__main__.py").read_text()
    assert "omni.Label(" in program and "omni.Folder(" in program
    assert "omni.UserGroup(" not in program and "omni.User(" not in program


def test_export_says_omni_returns_the_webhook_url(exported):
    _, _, project, _ = exported
    why = {s.key: s.why for s in project.settings}["revenueWebhookWebhookUrl"]
    assert "Omni returns it" in why and "does not return" not in why
