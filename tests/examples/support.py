"""Run the projects under examples/ against the emulator, through either engine.

Each example's program is its own ``__main__.py`` (the file ``pulumi up`` runs), loaded for its
``define()``, and each stack's config is its own ``Pulumi.<stack>.yaml``. The real engine reads that
file as it is, decrypting its ``secure:`` values with the examples' passphrase; the engine-protocol
harness cannot decrypt, so it takes the file's plain values and the placeholders the secrets were
made from (listed in :data:`EXAMPLE_SECRETS`, and in each example's README).
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

import yaml

from omni_pulumi.testing.results import OperationResult

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
#: The passphrase the examples' stack files were encrypted with (their READMEs say so).
PASSPHRASE = "omni-pulumi-example"
#: What each example stack file's ``secure:`` values decrypt to: ``{example: {stack: {key: value}}}``.
EXAMPLE_SECRETS: dict[str, dict[str, dict[str, str]]] = {
    "multi-environment": {
        stack: {
            "omni:apiKey": f"replace-with-the-{stack}-instance-api-key",
            "omni-environments:warehousePassword": f"{stack}-warehouse-password",
        }
        for stack in ("dev", "staging", "prod")
    },
}
API_KEY = "examples-org-key"


@dataclass(frozen=True)
class Example:
    """One project under examples/."""

    name: str

    @property
    def directory(self) -> Path:
        return EXAMPLES / self.name

    @cached_property
    def project(self) -> str:
        return yaml.safe_load((self.directory / "Pulumi.yaml").read_text())["name"]

    def stack_file(self, stack: str) -> Path:
        return self.directory / f"Pulumi.{stack}.yaml"

    def stack_config(self, stack: str) -> tuple[dict[str, str], set[str]]:
        """The stack file's plain values as the engine passes them (text), and its secret keys."""
        path = self.stack_file(stack)
        if not path.exists():
            return {}, set()
        config = yaml.safe_load(path.read_text()).get("config") or {}
        secret = {k for k, v in config.items() if isinstance(v, dict) and set(v) == {"secure"}}
        plain = {k: _config_text(v) for k, v in config.items() if k not in secret}
        return plain, secret

    def program(self) -> Callable[[], None]:
        """``define`` from the example's ``__main__.py``: the same file ``pulumi up`` runs."""
        spec = importlib.util.spec_from_file_location(
            f"example_{self.name.replace('-', '_')}", self.directory / "__main__.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.define


def _config_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(
        value
    )  # Booleans, numbers and structured values, as `pulumi config` keeps them.


class Stack(Protocol):
    def preview(self, *, expect_no_changes: bool = False) -> OperationResult: ...
    def up(self) -> OperationResult: ...
    def destroy(self) -> OperationResult: ...
    def outputs(self) -> dict[str, Any]: ...
    def set_config(self, key: str, value: Any, *, secret: bool = False) -> None: ...


StackFactory = Callable[..., Stack]
