"""Access for a finance team: who may query the finance model and who may see its folders.

Two groups (analysts and admins) get model roles on the finance model and its connection, and
permissions on the team's folders: the team folder's whole set of grants is declared here
(``FolderPermissions``, authoritative, with no organization-wide access), and the month-end close
folder gets single grants (``FolderPermission``), one of them to the controller if configured.

`pulumi up` runs this file; tests run :func:`define` as an inline program.
"""

from __future__ import annotations

import pulumi

import omni_pulumi as omni


def define() -> None:
    config = pulumi.Config()

    warehouse = omni.Connection(
        "warehouse",
        name="Finance warehouse",
        dialect="snowflake",
        host="acme-xy12345",
        warehouse="FINANCE_WH",
        database="FINANCE",
        username="OMNI_SVC",
        password=config.require_secret("warehousePassword"),
    )
    schema = omni.Model("schema", connection_id=warehouse.id, model_kind="SCHEMA")
    finance_model = omni.Model(
        "finance-model",
        connection_id=schema.connection_id,
        model_kind="SHARED",
        model_name="Finance",
    )

    # -- users with attributes ---------------------------------------------------------------
    # Row-level security keys on the cost center; the groups' members are the users declared here.
    cost_center = omni.UserAttribute(
        "cost-center", name="cost_center", label="Cost center", description="Finance cost center"
    )
    after_attribute = pulumi.ResourceOptions(depends_on=[cost_center])
    ana = omni.User(
        "ana",
        user_name="ana@acme.com",
        display_name="Ana (analyst)",
        attributes={"cost_center": "FIN-100"},
        opts=after_attribute,
    )
    ben = omni.User(
        "ben",
        user_name="ben@acme.com",
        display_name="Ben (finance admin)",
        attributes={"cost_center": "FIN-200"},
        opts=after_attribute,
    )
    analyst_members: list[pulumi.Input[str]] = [ana.id]
    admin_members: list[pulumi.Input[str]] = [ben.id]

    analysts = omni.UserGroup(
        "finance-analysts", display_name="Finance analysts", members=analyst_members
    )
    admins = omni.UserGroup("finance-admins", display_name="Finance admins", members=admin_members)

    # Model roles: analysts query the finance model, admins model it and run its connection.
    omni.ModelRole(
        "analysts-query-finance",
        role="QUERIER",
        user_group_id=analysts.id,
        model_id=finance_model.id,
    )
    omni.ModelRole(
        "admins-model-finance", role="MODELER", user_group_id=admins.id, model_id=finance_model.id
    )
    omni.ModelRole(
        "admins-run-the-connection",
        role="CONNECTION_ADMIN",
        user_group_id=admins.id,
        connection_id=warehouse.id,
    )

    # The team folder: every direct grant is listed (any other is revoked), and the rest of the
    # organization has no access.
    team = omni.Folder("finance", name="Finance")
    omni.FolderPermissions(
        "finance-access",
        folder_id=team.id,
        permits=[
            {"user_group_id": analysts.id, "role": "VIEWER"},
            {"user_group_id": admins.id, "role": "MANAGER", "access_boost": True},
        ],
        organization_role="NO_ACCESS",
    )

    # The month-end close folder: single grants, leaving any other grant made in Omni alone.
    close = omni.Folder("month-end-close", name="Month-end close", parent_folder_id=team.id)
    omni.FolderPermission(
        "analysts-edit-close", folder_id=close.id, role="EDITOR", user_group_id=analysts.id
    )
    controller = config.get("controllerMembershipId")
    if controller:
        omni.FolderPermission(
            "controller-manages-close", folder_id=close.id, role="MANAGER", user_id=controller
        )

    pulumi.export("analysts_group_id", analysts.id)
    pulumi.export("admins_group_id", admins.id)
    pulumi.export("finance_folder_path", team.path)


if __name__ == "__main__":
    define()
