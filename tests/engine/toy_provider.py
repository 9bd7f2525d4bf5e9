"""A toy dynamic provider that keeps its objects in a JSON file, to test the engine loop itself.

It stands in for omni-pulumi's resources until they exist: the engine drives it exactly as it
will drive them (check, diff, create, update, read, delete in the provider host), and the tests
can change or delete its objects behind Pulumi's back by editing the file.

The provider host unpickles providers by reference, so this module must be importable there: the
runner passes the program's ``sys.path`` on as ``PYTHONPATH``. The store's path comes from the
environment at call time (``TOY_STORE``), never from the pickle, as omni-pulumi's credentials do.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import uuid
from pathlib import Path
from typing import Any

import pulumi
from pulumi.dynamic import (
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)

STORE_ENV = "TOY_STORE"

#: Settings Widget can change in place; every other input forces a replacement.
UPDATABLE = ("label", "size", "password")
REPLACE_ONLY = ("kind",)
INPUTS = UPDATABLE + REPLACE_ONLY

_lock = threading.Lock()


class Store:
    """The toy's "cloud": a JSON object of widgets by id."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        path = path or os.environ.get(STORE_ENV)
        if not path:
            raise RuntimeError(f"toy provider: set {STORE_ENV} to the path of its JSON store")
        self.path = Path(path)

    def load(self) -> dict[str, dict[str, Any]]:
        return json.loads(self.path.read_text()) if self.path.exists() else {}

    def save(self, objects: dict[str, dict[str, Any]]) -> None:
        partial = self.path.with_suffix(".partial")
        partial.write_text(json.dumps(objects, indent=1, sort_keys=True))
        partial.replace(self.path)

    def put(self, id_: str, obj: dict[str, Any]) -> None:
        with _lock:
            objects = self.load()
            objects[id_] = obj
            self.save(objects)

    def pop(self, id_: str) -> None:
        with _lock:
            objects = self.load()
            objects.pop(id_, None)
            self.save(objects)


def _warn(message: str) -> None:
    """Provider-side messages go to stderr: stdout carries the host's gRPC port."""
    print(f"toy: {message}", file=sys.stderr, flush=True)


class WidgetProvider(ResourceProvider):
    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [key for key in INPUTS if olds.get(key) != news.get(key)]
        replaces = [key for key in changed if key in REPLACE_ONLY]
        return DiffResult(
            changes=bool(changed), replaces=replaces, delete_before_replace=bool(replaces)
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        id_ = uuid.uuid4().hex[:12]
        obj = {key: props.get(key) for key in INPUTS}
        obj["revision"] = 1
        obj["token"] = f"tok-{uuid.uuid4().hex}"
        Store().put(id_, obj)
        _warn(f"created widget {id_} ({obj['label']})")
        return CreateResult(id_, obj)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        obj = {key: news.get(key) for key in INPUTS}
        obj["revision"] = int(olds.get("revision", 0)) + 1
        obj["token"] = olds.get("token")
        Store().put(id_, obj)
        return UpdateResult(obj)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        obj = Store().load().get(id_)
        if obj is None:
            return ReadResult(None, {})
        return ReadResult(id_, obj, inputs={key: obj.get(key) for key in INPUTS})

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        Store().pop(id_)


class Widget(Resource, module="toy", name="Widget"):
    """A toy object: ``label``/``size``/``password`` update in place, ``kind`` replaces."""

    revision: pulumi.Output[int]
    token: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        label: pulumi.Input[str],
        kind: pulumi.Input[str] = "plain",
        size: pulumi.Input[int] = 1,
        password: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        opts = pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(additional_secret_outputs=["token"])
        )
        props = {
            "label": label,
            "kind": kind,
            "size": size,
            "password": password,
            "revision": None,
            "token": None,
        }
        super().__init__(WidgetProvider(), resource_name, props, opts)
