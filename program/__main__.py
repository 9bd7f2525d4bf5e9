"""The demo stack: an Omni instance the way a data team keeps it in code.

A Snowflake warehouse with dev and prod environment connections and a dbt environment, a schema
model and a shared model with its git configuration, labels, nested folders, user groups, a user
with a user attribute and a weekly delivery schedule.
`pulumi up` runs this file; `scripts/demo.py` runs :func:`define` as an inline program.
"""

from __future__ import annotations

import pulumi

import omni_pulumi as omni


def define() -> None:
    config = pulumi.Config()
    password = config.get_secret("warehousePassword") or pulumi.Output.secret("demo-placeholder")
    dbt_token = config.get_secret("dbtCloudToken") or pulumi.Output.secret("demo-dbt-token")

    def snowflake(name: str, database: str, **extra) -> omni.Connection:
        return omni.Connection(
            name,
            name=f"Snowflake ({name})",
            dialect="snowflake",
            host="acme-xy12345",
            warehouse="ANALYTICS_WH",
            database=database,
            username="OMNI_SVC",
            password=password,
            include_schemas=["MARTS", "STAGING"],
            **extra,
        )

    warehouse = snowflake(
        "warehouse",
        "ANALYTICS",
        base_role="QUERIER",
        environment_user_attribute={"attribute_name": "omni_env", "default_values": ["prod"]},
    )
    for env in ("dev", "prod"):
        omni.ConnectionEnvironment(
            f"{env}-environment",
            base_connection_id=warehouse.id,
            environment_connection_id=snowflake(f"warehouse-{env}", f"ANALYTICS_{env.upper()}").id,
            user_attribute_values=[env],
        )

    omni.DbtConfig(
        "dbt-repo",
        connection_id=warehouse.id,
        ssh_url="git@github.com:acme/dbt-project.git",
        branch="main",
        autogen_relationships=True,
        project_root_path="transform",
    )
    omni.DbtEnvironment(
        "dbt-production",
        connection_id=warehouse.id,
        name="Production",
        target_schema="ANALYTICS",
        target_database="ANALYTICS",
        variables=[
            {"name": "DBT_TARGET", "value": "prod", "is_secret": False},
            {"name": "DBT_CLOUD_TOKEN", "value": dbt_token, "is_secret": True},
        ],
    )

    # Omni names the SCHEMA model after its connection and builds its schema in a refresh the
    # provider runs at create. A refresh schedule needs the SCHEMA model first: taking the
    # connection id from it orders the two.
    schema = omni.Model("schema", connection_id=warehouse.id, model_kind="SCHEMA")
    omni.SchemaRefreshSchedule(
        "nightly-schema-refresh",
        connection_id=schema.connection_id,
        schedule="00 03 * * ? *",
        timezone="Europe/Amsterdam",
    )
    shared = omni.Model(
        "shared",
        connection_id=warehouse.id,
        model_kind="SHARED",
        model_name="Analytics",
        opts=pulumi.ResourceOptions(depends_on=[schema]),
    )
    git = omni.GitConfig(
        "shared-git",
        model_id=shared.id,
        ssh_url="git@github.com:acme/omni-model.git",
        require_pull_request="users-only",
    )

    omni.Label("certified", name="Certified", verified=True, color="#1a7f37")
    omni.Label("draft", name="Draft", color="#9a6700", description="Work in progress")
    finance = omni.Folder("finance", name="Finance")
    reports = omni.Folder("finance-reports", name="Reports", parent_folder_id=finance.id)

    analysts = omni.UserGroup(
        "analysts", display_name="Analysts", members=config.require_object("analystIds")
    )
    leads = omni.UserGroup(
        "finance-leads", display_name="Finance leads", members=[config.require("financeLeadId")]
    )
    omni.ModelRole("analysts-query", role="QUERIER", user_group_id=analysts.id, model_id=shared.id)
    # The finance folder's whole set of grants; the reports subfolder gets a single grant.
    omni.FolderPermissions(
        "finance-access",
        folder_id=finance.id,
        permits=[
            {"user_group_id": analysts.id, "role": "VIEWER"},
            {"user_group_id": leads.id, "role": "MANAGER", "access_boost": True},
        ],
    )
    omni.FolderPermission(
        "lead-edits-reports",
        folder_id=reports.id,
        role="EDITOR",
        user_id=config.require("financeLeadId"),
    )

    # Who sees what: a user attribute that row-level security can key on, and a user holding it.
    region = omni.UserAttribute(
        "region", name="sales_region", label="Sales region", description="The user's region"
    )
    omni.User(
        "dana",
        user_name="dana@example.com",
        display_name="Dana",
        attributes={"sales_region": "EMEA"},
        opts=pulumi.ResourceOptions(depends_on=[region]),
    )

    weekly = omni.Schedule(
        "weekly-revenue",
        identifier=config.require("revenueDashboard"),
        name="Weekly revenue",
        schedule="00 08 ? * MON *",
        timezone="Europe/Amsterdam",
        format="pdf",
        destination_type="email",
        recipients=["finance@example.com"],
    )

    pulumi.export("warehouse_id", warehouse.id)
    pulumi.export("shared_model_id", shared.id)
    pulumi.export("deploy_key", git.public_key)
    pulumi.export("webhook_url", git.webhook_url)
    pulumi.export("reports_path", reports.path)
    pulumi.export("analysts_group_id", analysts.id)
    pulumi.export("weekly_schedule_id", weekly.id)


if __name__ == "__main__":
    define()
