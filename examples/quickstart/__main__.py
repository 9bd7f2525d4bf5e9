"""The smallest useful Omni stack: a folder tree for a team and a label to certify content.

`pulumi up` runs this file; tests run :func:`define` as an inline program.
"""

from __future__ import annotations

import pulumi

import omni_pulumi as omni


def define() -> None:
    analytics = omni.Folder("analytics", name="Analytics")
    finance = omni.Folder("finance", name="Finance", parent_folder_id=analytics.id)
    certified = omni.Label(
        "certified",
        name="Certified",
        verified=True,
        color="#1a7f37",
        description="Reviewed by the data team",
    )

    pulumi.export("finance_folder_path", finance.path)
    pulumi.export("certified_label", certified.name)


if __name__ == "__main__":
    define()
