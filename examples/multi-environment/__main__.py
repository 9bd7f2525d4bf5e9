"""One program for every environment; the stacks' config says how they differ.

Each stack (``Pulumi.dev.yaml``, ``Pulumi.staging.yaml``, ``Pulumi.prod.yaml``) points at its own Omni
instance with its own encrypted API key and warehouse password. What differs between environments is
data in those files, never an ``if stack == "prod"`` in the code: the warehouse database and schemas,
the connection's base role, the team folders, whether content is certified, and whether the weekly
revenue report is delivered.

`pulumi up` runs this file; tests run :func:`define` as an inline program.
"""

from __future__ import annotations

import pulumi

import omni_pulumi as omni


def define() -> None:
    config = pulumi.Config()
    environment = pulumi.get_stack()
    warehouse = config.require_object("warehouse")

    connection = omni.Connection(
        "warehouse",
        name=f"Snowflake ({environment})",
        dialect="snowflake",
        host=warehouse["account"],
        warehouse=warehouse["warehouse"],
        database=warehouse["database"],
        username=warehouse["username"],
        password=config.require_secret("warehousePassword"),
        include_schemas=warehouse["schemas"],
        base_role=warehouse.get("baseRole", "VIEWER"),
    )
    schema = omni.Model("schema", connection_id=connection.id, model_kind="SCHEMA")
    shared = omni.Model(
        "shared",
        connection_id=connection.id,
        model_kind="SHARED",
        model_name="Analytics",
        opts=pulumi.ResourceOptions(depends_on=[schema]),
    )

    teams = omni.Folder("teams", name="Teams")
    for team in config.get_object("teamFolders") or []:
        omni.Folder(f"team-{team.lower()}", name=team, parent_folder_id=teams.id)

    if config.get_bool("certifyContent"):
        status = omni.Label("certified", name="Certified", verified=True, color="#1a7f37")
    else:
        status = omni.Label(
            "unreviewed",
            name="Unreviewed",
            color="#9a6700",
            description=f"Content in {environment} is not reviewed by the data team",
        )

    report = config.get_object("weeklyReport")
    if report:
        weekly = omni.Schedule(
            "weekly-revenue",
            identifier=report["dashboard"],
            name="Weekly revenue",
            schedule="00 08 ? * MON *",
            timezone=report.get("timezone", "UTC"),
            format="pdf",
            destination_type="email",
            recipients=report["recipients"],
        )
        pulumi.export("weekly_report_id", weekly.id)

    pulumi.export("environment", environment)
    pulumi.export("connection_id", connection.id)
    pulumi.export("shared_model_id", shared.id)
    pulumi.export("status_label", status.name)


if __name__ == "__main__":
    define()
