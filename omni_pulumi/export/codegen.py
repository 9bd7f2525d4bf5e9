"""The one writer: turns an :class:`~omni_pulumi.export.lister.Export` into a Pulumi project.

Nothing here knows a kind. The class is ``omni.<spec.type_name>``, the arguments come in the
spec's order with their spec names, references become the referenced variable's ``.id`` and
values Omni never returns become stack config lookups, secret where the spec says so.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from omni_pulumi.export.lister import Export, Found, Left
from omni_pulumi.export.naming import Namer, config_key, resource_name, words
from omni_pulumi.export.values import Lookup, Ref
from omni_pulumi.version import __version__

WIDTH = 100
INDENT = "    "


@dataclass(frozen=True)
class Setting:
    """A stack config value the program reads: the command to set it and why."""

    key: str
    secret: bool
    required: bool
    why: str

    @property
    def command(self) -> str:
        flag = " --secret" if self.secret else ""
        return f"pulumi config set{flag} {self.key} <value>"


@dataclass
class Project:
    files: dict[str, str]
    settings: list[Setting] = field(default_factory=list)
    left: list[Left] = field(default_factory=list)
    declared: int = 0


class _Writer:
    def __init__(self, export: Export, instance_name: str | None = None) -> None:
        self.export = export
        self.instance_name = instance_name
        namer = Namer()
        self.variables = {id(f): namer.variable(f.label, f.kind.name) for f in export.found}
        self.by_ref = {(f.kind.name, f.id): self.variables[id(f)] for f in export.found}
        self.settings: list[Setting] = []

    # -- values ------------------------------------------------------------------------------------

    def value(self, found: Found, v: Any, depth: int) -> str:
        if isinstance(v, Ref):
            var = self.by_ref.get((v.kind, v.id))
            return f"{var}.id" if var else json.dumps(v.id)
        if isinstance(v, Lookup):
            return self.lookup(found, v)
        if isinstance(v, str):
            return json.dumps(v, ensure_ascii=False)
        if isinstance(v, (list, tuple)):
            return self.sequence("[", "]", [self.value(found, x, depth + 1) for x in v], depth)
        if isinstance(v, Mapping):
            items = [
                f"{json.dumps(str(k))}: {self.value(found, x, depth + 1)}" for k, x in v.items()
            ]
            return self.sequence("{", "}", items, depth)
        return repr(v)

    @staticmethod
    def sequence(open_: str, close: str, items: list[str], depth: int) -> str:
        flat = open_ + ", ".join(items) + close
        if len(flat) + len(INDENT) * (depth + 1) <= WIDTH and "\n" not in flat:
            return flat
        inner = INDENT * (depth + 1)
        return open_ + "\n" + "".join(f"{inner}{i},\n" for i in items) + INDENT * depth + close

    def lookup(self, found: Found, v: Lookup) -> str:
        key = config_key(self.variables[id(found)], v.words)
        self.settings.append(
            Setting(key, v.secret, v.required, f"{found.kind.name} {found.label!r}: {v.why}")
        )
        if not v.required:
            return f'config.get_secret("{key}")' if v.secret else f'config.get("{key}")'
        call = "require_secret" if v.secret else "require"
        return f'config.{call}{"_object" if v.structured else ""}("{key}")'

    # -- declarations ------------------------------------------------------------------------------

    def declaration(self, found: Found) -> str:
        var = self.variables[id(found)]
        lines = [f"{var} = omni.{found.kind.name}(", f"{INDENT}{json.dumps(resource_name(var))},"]
        for name, v in found.args.items():
            if isinstance(v, Ref) and (v.kind, v.id) not in self.by_ref:
                lines.append(f"{INDENT}# {v.kind} {v.id} is not part of this program")
            lines.append(f"{INDENT}{name}={self.value(found, v, 1)},")
        if self.instance_name:
            lines.append(f"{INDENT}instance={json.dumps(self.instance_name)},")
        lines.append(f"{INDENT}opts=pulumi.ResourceOptions(import_={json.dumps(found.id)}),")
        lines.append(")")
        return "\n".join(lines)

    def program(self, instance: str) -> str:
        body: list[str] = []
        for kind in self.export.kinds:
            found = [f for f in self.export.found if f.kind is kind]
            if not found:
                continue
            body.append(f"# -- {kind.name} " + "-" * max(0, WIDTH - 8 - len(kind.name)))
            body.extend(self.declaration(f) for f in found)
        head = [
            '"""The Omni instance ' + instance + ", as exported by `omni-pulumi export` "
            f"({__version__}).",
            "",
            "Every resource carries `ResourceOptions(import_=...)`: the first `pulumi up` adopts the",
            "objects that already exist in Omni instead of creating them. Values Omni never returns",
            "are read from stack config; set them first:",
            "",
        ]
        if not self.settings:
            head.append("    (none)")
        head += [f"    {s.command}{'' if s.required else '   # optional'}" for s in self.settings]
        if self.export.left:
            head += ["", "Left out (they cannot be declared here; see the reasons):", ""]
            head += [
                f"- {left.kind} {left.label} ({left.id}): {left.reason}"
                for left in self.export.left
            ]
        head += [
            '"""',
            "",
            "import pulumi",
            "",
            "import omni_pulumi as omni",
            "",
            "config = pulumi.Config()",
            "",
        ]
        return "\n".join(head) + "\n" + "\n\n".join(body) + "\n"


def pulumi_yaml(name: str, instance: str) -> str:
    return (
        f"name: {name}\n"
        f"description: Omni instance {instance}, exported by omni-pulumi\n"
        "runtime:\n"
        "  name: python\n"
        "  options:\n"
        "    toolchain: pip\n"
        "    virtualenv: venv\n"
    )


def render(
    export: Export, *, name: str, instance: str, instance_name: str | None = None
) -> Project:
    """The project's files (by name), the config it needs and what was left out.

    With ``instance_name`` every resource says ``instance="<name>"``: the program then manages
    that entry of ``omni:instances``, and can sit beside the exports of other instances.
    """
    writer = _Writer(export, instance_name)
    program = writer.program(instance)
    files = {
        "Pulumi.yaml": pulumi_yaml(words(name).replace("_", "-") or "omni", instance),
        "__main__.py": program,
        "requirements.txt": f"omni-pulumi>={__version__}\npulumi>=3.200,<4\n",
    }
    return Project(files, writer.settings, list(export.left), len(export.found))
