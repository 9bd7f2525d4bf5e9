"""One program, two Omni instances: the same labels and folder tree on staging and production.

Each resource names its instance (``instance="staging"``); the instances' addresses and keys live
in stack config under ``omni:instances``. Change the tree or a label here, and `pulumi preview`
shows the change on both instances at once: what staging has, production gets in the same run.

`pulumi up` runs this file; tests run :func:`define` as an inline program.
"""

from __future__ import annotations

import pulumi

import omni_pulumi as omni

#: The instances to keep alike: names under ``omni:instances`` in the stack config.
INSTANCES = ("staging", "production")

#: Labels every instance has.
LABELS = {
    "certified": {"name": "Certified", "color": "#1a7f37", "description": "Reviewed by data"},
    "deprecated": {"name": "Deprecated", "color": "#cf222e", "description": "Do not build on"},
}

#: The folder tree every instance has: each folder and the folder it sits in.
FOLDERS = {
    "analytics": ("Analytics", None),
    "finance": ("Finance", "analytics"),
    "marketing": ("Marketing", "analytics"),
}


def define() -> None:
    for instance in INSTANCES:
        made: dict[str, omni.Folder] = {}
        for key, (name, parent) in FOLDERS.items():
            made[key] = omni.Folder(
                f"{instance}-{key}",
                name=name,
                parent_folder_id=made[parent].id if parent else None,
                instance=instance,
            )
        for key, label in LABELS.items():
            omni.Label(f"{instance}-{key}", **label, instance=instance)
        pulumi.export(f"{instance}_finance_path", made["finance"].path)


if __name__ == "__main__":
    define()
