"""A toy dynamic provider for the harness tests: objects live in a JSON file ("the toy store").

The store also keeps a log of every provider call that changed something, in order, so tests can
see what the engine asked for (create-before-delete vs delete-before-replace, destroy order).
The host imports this module by reference (``harness_toy.ToyProvider``), so the directory must
be on the host's ``PYTHONPATH``.

Config: ``toy:storePath`` (where the store lives), ``toy:apiKey`` (secret; must match the store's
key, proving secret config reaches the provider as plain text).
"""

from __future__ import annotations

import fcntl
import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown

#: The key the tests' stores accept (not a secret: a toy's).
API_KEY = "toy-key-1"
#: Fields whose change forces a replacement.
REPLACE_FIELDS = ("kind",)
FIELDS = ("name", "kind", "size", "password", "owner", "dbr")


def new_store(path: Path, api_key: str) -> Path:
    path.write_text(json.dumps({"api_key": api_key, "next": 1, "objects": {}, "log": []}))
    return path


def read_store(path: Path) -> dict[str, Any]:
    return json.loads(Path(path).read_text())


@contextmanager
def _open_store(path: str):
    with open(path + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        data = json.loads(Path(path).read_text())
        yield data
        Path(path).write_text(json.dumps(data))


def _plain(props: dict[str, Any]) -> dict[str, Any]:
    return {k: props[k] for k in FIELDS if props.get(k) is not None}


class ToyProvider(ResourceProvider):
    """Stores each object under a generated id; ``token`` is computed and secret."""

    def configure(self, req: ConfigureRequest) -> None:
        self.path = req.config.get("toy:storePath")
        self.api_key = req.config.get("toy:apiKey")
        print(f"toy: configured with store {self.path}", file=sys.stderr)
        if req.config.get("toy:limit") is not None:
            print(f"toy: limit {req.config.get('toy:limit')!r}", file=sys.stderr)

    @contextmanager
    def _store(self):
        with _open_store(self.path) as data:
            if data["api_key"] != self.api_key:
                raise RuntimeError("toy store refused the API key")
            yield data

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        unknown = sorted(k for k, v in news.items() if isinstance(v, Unknown))
        if unknown:
            print(f"toy: check {news.get('name')}: unknown {', '.join(unknown)}", file=sys.stderr)
        failures = []
        if not news.get("name"):
            failures.append(CheckFailure("name", "name must not be empty"))
        size = news.get("size")
        if isinstance(size, (int, float)) and size < 0:
            failures.append(CheckFailure("size", f"size must be at least 0, not {size}"))
        return CheckResult(news, failures)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [k for k in FIELDS if k != "dbr" and olds.get(k) != news.get(k)]
        replaces = [k for k in changed if k in REPLACE_FIELDS]
        return DiffResult(
            changes=bool(changed),
            replaces=replaces,
            delete_before_replace=bool(news.get("dbr")),
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        with self._store() as data:
            taken = [o for o in data["objects"].values() if o["name"] == props["name"]]
            if taken:
                raise RuntimeError(f"toy object named {props['name']!r} already exists")
            id_ = f"t{data['next']}"
            data["next"] += 1
            data["objects"][id_] = _plain(props)
            data["log"].append(["create", id_, props["name"]])
        print(f"toy: created {props['name']} as {id_}", file=sys.stderr)
        return CreateResult(id_, self._outs(id_, props))

    @staticmethod
    def _outs(id_: str, props: dict[str, Any]) -> dict[str, Any]:
        return {**_plain(props), "path": f"/things/{id_}", "token": f"tok-{id_}-s3cr3t"}

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with self._store() as data:
            obj = data["objects"].get(id_)
        if obj is None:
            return ReadResult("", {})
        return ReadResult(id_, self._outs(id_, obj), inputs=dict(obj))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        with self._store() as data:
            data["objects"][id_] = _plain(news)
            data["log"].append(["update", id_, news["name"]])
        return UpdateResult(self._outs(id_, news))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        with self._store() as data:
            if id_ not in data["objects"]:
                raise RuntimeError(f"toy object {id_} does not exist")
            if props.get("name") == "undeletable":
                raise RuntimeError("toy object 'undeletable' refuses to go")
            del data["objects"][id_]
            data["log"].append(["delete", id_, props.get("name")])


class Thing(Resource, module="toy", name="Thing"):
    """``pulumi-python:dynamic/toy:Thing``."""

    name: pulumi.Output[str]
    path: pulumi.Output[str]
    token: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        name: pulumi.Input[str],
        kind: pulumi.Input[str] = "plain",
        size: pulumi.Input[int] | None = None,
        password: pulumi.Input[str] | None = None,
        owner: pulumi.Input[str] | None = None,
        dbr: bool | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            "name": name,
            "kind": kind,
            "size": size,
            "password": password,
            "owner": owner,
            "dbr": dbr,
            "path": None,
            "token": None,
        }
        super().__init__(ToyProvider(), resource_name, props, opts)


class UndecidedProvider(ToyProvider):
    """Leaves ``diff`` to the base class (``changes=None``): the engine must compare inputs."""

    diff = ResourceProvider.diff


class Gadget(Resource, module="toy", name="Gadget"):
    """``pulumi-python:dynamic/toy:Gadget``, whose provider does not decide diffs."""

    def __init__(self, resource_name: str, *, name: pulumi.Input[str], size: int = 0) -> None:
        super().__init__(UndecidedProvider(), resource_name, {"name": name, "size": size})
