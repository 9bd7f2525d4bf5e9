"""What the export writes, without the engine: names, references, secrets, selection, summary."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from omni_pulumi import cli
from omni_pulumi.emulator import Emulator
from omni_pulumi.export.cli import export, report
from omni_pulumi.export.lister import select
from omni_pulumi.export.naming import Namer, config_key

from .instance import API_KEY, build


@pytest.fixture(scope="module")
def instance():
    with Emulator(api_key=API_KEY, rate_limit=0) as emulator:
        yield build(emulator, secret_dbt_variable=True)


def _export(instance, tmp_path: Path, **kw):
    project = export(
        instance.client, tmp_path, name="acme", instance=instance.emulator.base_url, **kw
    )
    return project, (tmp_path / "__main__.py").read_text()


def test_references_are_variables_and_ids_appear_only_in_import(instance, tmp_path):
    _, code = _export(instance, tmp_path)
    ast.parse(code)
    assert "base_connection_id=warehouse_prod.id" in code
    assert "environment_connection_id=warehouse_dev.id" in code
    assert "base_model_id=analytics.id" in code
    assert "model_id=analytics.id" in code
    assert "parent_folder_id=finance.id" in code and "parent_folder_id=reports.id" in code
    prod = instance.ids["prod"]
    assert code.count(f'"{prod}"') == 1  # only its own import_
    assert code.index("finance = omni.Folder") < code.index("reports = omni.Folder")


def test_secrets_become_config_lookups_and_commands(instance, tmp_path):
    project, code = _export(instance, tmp_path)
    assert 'config.require_secret("snowflakeDbtProductionApiToken")' in code
    assert "s3cret-token" not in code
    assert 'password=config.get_secret("warehouseProdPassword")' in code
    assert 'warehouse=config.require("snowflakeWarehouse")' in code
    text = report(project, tmp_path, instance.emulator.base_url)
    assert "pulumi config set --secret snowflakeDbtProductionApiToken <value>" in text
    assert "pulumi config set snowflakeWarehouse <value>" in text


def test_what_cannot_be_declared_is_summarized(instance, tmp_path):
    project, code = _export(instance, tmp_path)
    left = {(entry.kind, entry.id) for entry in project.left}
    assert ("Folder", instance.ids["personal"]) in left
    assert ("Model", instance.ids["branch"]) in left
    assert instance.ids["personal"] in code.split('"""')[1]  # listed in the program's docstring
    text = report(project, tmp_path, instance.emulator.base_url)
    assert "restricted (personal) folders" in text


def test_only_and_exclude_and_references_to_objects_left_out(instance, tmp_path):
    _, code = _export(instance, tmp_path, only=["model", "git_config"])
    assert "omni.Connection(" not in code and "omni.Label(" not in code
    assert f'connection_id="{instance.ids["prod"]}"' in code
    assert f"# Connection {instance.ids['prod']} is not part of this program" in code
    assert "model_id=analytics.id" in code
    _, code = _export(instance, tmp_path / "x", exclude=["Schedule", "UserGroup"])
    assert "omni.Schedule(" not in code and "omni.UserGroup(" not in code
    with pytest.raises(ValueError, match="unknown kind"):
        select(only=["dashboards"])


def test_names_are_readable_unique_python():
    namer = Namer()
    assert namer.variable("Snowflake (prod)", "Connection") == "snowflake_prod"
    assert namer.variable("Snowflake (prod)", "Model") == "snowflake_prod_model"
    assert namer.variable("Snowflake (prod)", "Model") == "snowflake_prod_model_2"
    assert namer.variable("2024 reports", "Folder") == "folder_2024_reports"
    assert namer.variable("class", "Label") == "class_label"
    assert namer.variable("config", "Label") == "config_label"
    assert config_key("snowflake_prod", "password") == "snowflakeProdPassword"


def test_the_subcommand_reads_the_environment_and_refuses_to_overwrite(instance, tmp_path, capsys):
    env = {"OMNI_BASE_URL": instance.emulator.base_url, "OMNI_API_KEY": API_KEY}
    args = cli.build_parser().parse_args(["export", "--out", str(tmp_path), "--only", "Label"])
    from omni_pulumi.export import cli as export_cli

    assert export_cli.run(args, environ=env) == 0
    out, err = capsys.readouterr()
    assert "2 resources to adopt" in out
    assert "Label" in err and "2/2" in err  # the progress bar is on stderr
    assert (tmp_path / "Pulumi.yaml").read_text().startswith("name: ")
    assert export_cli.run(args, environ=env) == 2
    assert "--force" in capsys.readouterr().err


def test_instance_is_written_on_every_resource_and_read_from_the_stack(
    instance, tmp_path, capsys, monkeypatch
):
    from omni_pulumi.export import cli as export_cli

    url = instance.emulator.base_url
    config = {
        "omni:baseUrl": "https://elsewhere.omniapp.co",
        "omni:instances": '{"staging": {"baseUrl": "' + url + '", "apiKey": "' + API_KEY + '"}}',
    }
    monkeypatch.setattr(export_cli, "stack_config", lambda stack: config)
    argv = ["export", "--out", str(tmp_path), "--only", "Label,Folder", "--stack", "dev"]
    args = cli.build_parser().parse_args([*argv, "--instance", "staging"])
    assert export_cli.run(args, environ={}) == 0
    out = capsys.readouterr().out
    assert f"pulumi config set --path 'omni:instances.staging.baseUrl' {url}" in out
    assert "pulumi config set --path --secret 'omni:instances.staging.apiKey'" in out
    assert "omni:baseUrl" not in out
    tree = ast.parse((tmp_path / "__main__.py").read_text())
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in ("Label", "Folder")
    ]
    assert calls
    for call in calls:
        given = {k.arg: k.value for k in call.keywords}
        assert ast.literal_eval(given["instance"]) == "staging"

    args = cli.build_parser().parse_args([*argv, "--instance", "prod", "--force"])
    assert export_cli.run(args, environ={}) == 1
    assert "no Omni instance named 'prod'" in capsys.readouterr().err
