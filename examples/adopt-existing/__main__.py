"""An Omni instance built by hand, brought under management as it is.

Every resource names the object it stands for with ``import_`` (``adopt_id=`` is the same). The first
`pulumi up` reads each object instead of creating it, writes the settings where the program differs
from Omni (here the label's color and description) and the warehouse password the program gives, and
from then on the stack manages them like anything it created. Pulumi's own import cannot serve dynamic
resources (pulumi/pulumi#16175), so omni-pulumi's classes turn ``import_`` into an adoption; see
docs/import.md.

`pulumi up` runs this file; tests run :func:`define` as an inline program.
"""

from __future__ import annotations

import pulumi

import omni_pulumi as omni


def define() -> None:
    config = pulumi.Config()

    # Settings that only a replacement could change (dialect, host, database...) must be written as
    # Omni has them: adoption refuses to replace, and says which argument differs.
    warehouse = omni.Connection(
        "warehouse",
        name="Snowflake",
        dialect="snowflake",
        host="acme-xy12345",
        warehouse="ANALYTICS_WH",
        database="ANALYTICS",
        username="OMNI_SVC",
        password=config.require_secret("warehousePassword"),
        opts=pulumi.ResourceOptions(
            import_=config.require("warehouseConnectionId"),
            # `pulumi destroy` would archive the connection and trash its models: keep it instead.
            retain_on_delete=True,
        ),
    )
    omni.Model(
        "schema",
        connection_id=warehouse.id,
        model_kind="SCHEMA",
        opts=pulumi.ResourceOptions(import_=config.require("schemaModelId")),
    )
    finance = omni.Folder(
        "finance",
        name="Finance",
        opts=pulumi.ResourceOptions(import_=config.require("financeFolderId")),
    )
    # A label's id is its name.
    certified = omni.Label(
        "certified",
        name="Certified",
        color="#1a7f37",
        description="Reviewed by the data team",
        opts=pulumi.ResourceOptions(import_="Certified"),
    )

    pulumi.export("warehouse_id", warehouse.id)
    pulumi.export("finance_path", finance.path)
    pulumi.export("certified_label", certified.name)


if __name__ == "__main__":
    define()
