"""The engine's side of one operation: which provider calls a registered resource causes, in what
order, and what ends up in state.

The rules are the Pulumi engine's (``pkg/resource/deploy``), reduced to what a dynamic provider can
observe: Check then Diff for every resource; Create, Update or a replacement only outside preview;
create-before-delete replacement unless the provider or the resource asks to delete first; deletes
of replaced and removed resources at the end of an update, dependents first; an import is a Read
with the id alone. The host accepts no secrets, so every call gets plain values and the outputs are
marked secret again by property name.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping
from typing import Any

from pulumi.runtime.proto import provider_pb2, resource_pb2

from ..results import OperationResult, StepRecord
from . import wire
from .host import ProviderCallError, ProviderHost, ProviderHostError
from .state import (
    DEFAULT_PROVIDER_ID,
    PROVIDER_TYPE,
    STACK_TYPE,
    Checkpoint,
    ResourceState,
    delete_order,
    dependency_order,
    make_urn,
)


class HarnessOperationError(RuntimeError):
    """An operation failed the way ``pulumi`` would report it failing.

    The message holds the provider's own error text (for a provider exception, the host's
    traceback ends with it). ``result`` has the steps done before the failure.
    """

    def __init__(self, message: str, result: OperationResult | None = None) -> None:
        super().__init__(message)
        self.result = result


class _StepFailed(Exception):
    """Raised inside the program's RegisterResource call to stop the program like the engine does."""


def _secret_names(inputs: Mapping[str, Any], extra: Iterable[str]) -> set[str]:
    return {k for k, v in inputs.items() if wire.contains_secret(v)} | set(extra)


def _describe(value: Any) -> str:
    """A property value for an error message, as Pulumi prints it: secrets never shown."""
    if wire.contains_secret(value):
        return "[secret]"
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True)


class Deployment:
    """The engine for one ``preview``/``up``/``refresh``/``destroy`` against a checkpoint."""

    def __init__(
        self,
        *,
        kind: str,
        host: ProviderHost,
        checkpoint: Checkpoint,
        project: str,
        stack: str,
        preview: bool = False,
    ) -> None:
        self.kind = kind
        self.host = host
        self.checkpoint = checkpoint
        self.project = project
        self.stack = stack
        self.preview = preview
        live = [r for r in checkpoint.resources if not r.pending_delete]
        self.old: dict[str, ResourceState] = {r.urn: r for r in live}
        #: Replaced resources whose delete is owed at the end (create-before-delete).
        self.pending_deletes: list[ResourceState] = [
            r for r in checkpoint.resources if r.pending_delete
        ]
        self.new: list[ResourceState] = []
        self.registered: set[str] = set()
        self.deleted: set[int] = set()
        self.result = OperationResult(kind=kind)
        self.error: HarnessOperationError | None = None
        self._lock = threading.Lock()

    # --- helpers ---------------------------------------------------------------------------------

    def _fail(self, message: str) -> _StepFailed:
        self.error = HarnessOperationError(message, self.result)
        return _StepFailed(message)

    def _record(self, res: ResourceState, op: str, diffs: Iterable[str] = ()) -> None:
        self.result.steps.append(StepRecord(res.name, res.type, op, tuple(diffs)))

    def _call(self, method: str, urn: str, request):
        try:
            return self.host.call(method, request)
        except ProviderCallError as exc:
            raise self._fail(f"{urn}: {method} failed: {exc.details.strip()}") from exc
        except ProviderHostError as exc:
            raise self._fail(f"{urn}: {method} failed: {exc}") from exc

    def _provider_ref(self) -> str:
        urn = make_urn(self.stack, self.project, PROVIDER_TYPE, "default")
        if urn not in self.registered:
            old = self.old.get(urn)
            self.new.append(
                ResourceState(
                    urn=urn, type=PROVIDER_TYPE, id=old.id if old else DEFAULT_PROVIDER_ID
                )
            )
            self.registered.add(urn)
        return f"{urn}::{DEFAULT_PROVIDER_ID}"

    # --- update and preview: resources the program registers -------------------------------------

    def register(self, request: resource_pb2.RegisterResourceRequest):
        with self._lock:
            if self.error is not None:
                raise _StepFailed("an earlier step failed")
            urn = make_urn(self.stack, self.project, request.type, request.name, request.parent)
            if urn in self.registered:
                raise self._fail(f"Duplicate resource URN '{urn}'; try giving it a unique name")
            self.registered.add(urn)
            new = ResourceState(
                urn=urn,
                type=request.type,
                custom=request.custom,
                parent=request.parent if request.parent else "",
                dependencies=list(request.dependencies),
                property_dependencies={
                    k: list(v.urns) for k, v in request.propertyDependencies.items()
                },
                additional_secret_outputs=list(request.additionalSecretOutputs),
                delete_before_replace=request.deleteBeforeReplace,
                protect=request.protect,
                retain_on_delete=request.retainOnDelete,
            )
            if request.type == STACK_TYPE:
                old = self.old.get(urn)
                if old is not None:
                    new.outputs = dict(old.outputs)
                self.new.append(new)
                return resource_pb2.RegisterResourceResponse(urn=urn)
            news = wire.from_struct(request.object)
            if not request.custom:
                new.inputs = new.outputs = news
                self.new.append(new)
                return resource_pb2.RegisterResourceResponse(urn=urn, object=request.object)
            if not new.is_dynamic:
                raise self._fail(
                    f"{urn}: the harness drives dynamic providers only, not {request.type}"
                )
            new.provider = self._provider_ref()
            self._step(new, news, request)
            self.new.append(new)
            return resource_pb2.RegisterResourceResponse(
                urn=urn, id=new.id, object=wire.to_struct(new.outputs)
            )

    def register_outputs(self, request: resource_pb2.RegisterResourceOutputsRequest) -> None:
        with self._lock:
            for res in self.new:
                if res.urn == request.urn and res.type == STACK_TYPE:
                    res.outputs = wire.from_struct(request.outputs)
                    self.result.outputs = {k: wire.reveal(v) for k, v in res.outputs.items()}
                    self.result.secret_outputs = sorted(
                        k for k, v in res.outputs.items() if wire.contains_secret(v)
                    )

    def _check(self, new: ResourceState, olds: Mapping[str, Any], news: Mapping[str, Any]):
        plain_news, _ = wire.strip_secrets(news)
        plain_olds, _ = wire.strip_secrets(olds)
        resp = self._call(
            "Check",
            new.urn,
            provider_pb2.CheckRequest(
                urn=new.urn,
                name=new.name,
                type=new.type,
                olds=wire.to_struct(plain_olds),
                news=wire.to_struct(plain_news),
                randomSeed=new.urn.encode(),
            ),
        )
        if resp.failures:
            problems = []
            for failure in resp.failures:
                if failure.property:
                    problems.append(
                        f"{new.type} resource '{new.name}': property {failure.property} value "
                        f"{_describe(news.get(failure.property))} has a problem: {failure.reason}"
                    )
                else:
                    problems.append(
                        f"{new.type} resource '{new.name}' has a problem: {failure.reason}"
                    )
            raise self._fail("\n".join(problems))
        return wire.mark_secrets(wire.from_struct(resp.inputs), _secret_names(news, ()))

    def _diff(self, old: ResourceState, checked: Mapping[str, Any], ignore: Iterable[str] = ()):
        resp = self._call(
            "Diff",
            old.urn,
            provider_pb2.DiffRequest(
                id=old.id,
                urn=old.urn,
                name=old.name,
                type=old.type,
                olds=wire.to_struct(wire.reveal(old.outputs)),
                news=wire.to_struct(wire.reveal(dict(checked))),
                old_inputs=wire.to_struct(wire.reveal(old.inputs)),
                ignoreChanges=list(ignore),
            ),
        )
        diffs = list(resp.diffs) or wire.top_level_diff(old.inputs, checked)
        if resp.changes == provider_pb2.DiffResponse.DIFF_NONE:
            return "same", [], False
        if resp.changes == provider_pb2.DiffResponse.DIFF_UNKNOWN and not diffs:
            # A provider that does not decide leaves the engine to compare inputs itself.
            return "same", [], False
        replaces = list(resp.replaces)
        diffs = sorted(set(diffs) | set(replaces))
        return ("replace" if replaces else "update"), diffs, resp.deleteBeforeReplace

    def _outputs(self, new: ResourceState, inputs: Mapping[str, Any], outs) -> dict[str, Any]:
        names = _secret_names(inputs, new.additional_secret_outputs)
        return wire.mark_secrets(wire.from_struct(outs), names)

    def _step(self, new: ResourceState, news: dict[str, Any], request) -> None:
        old = self.old.get(new.urn)
        if old is not None:
            for key in request.ignoreChanges:  # top-level paths only
                if key in old.inputs:
                    news[key] = old.inputs[key]
                else:
                    news.pop(key, None)
        if old is None and request.importId:
            self._import(new, news, request.importId)
            return
        checked = self._check(new, old.inputs if old else {}, news)
        new.inputs = checked
        if old is None:
            self._create(new, checked)
            self._record(new, "create")
            return
        op, diffs, provider_dbr = self._diff(old, checked, request.ignoreChanges)
        if op == "update" and request.replaceOnChanges:
            wanted = set(request.replaceOnChanges)
            if "*" in wanted or wanted & set(diffs):
                op = "replace"
        if op == "same":
            new.id, new.outputs = old.id, dict(old.outputs)
        elif op == "update":
            new.id = old.id
            if self.preview:
                new.outputs = dict(checked)
            else:
                resp = self._call(
                    "Update",
                    new.urn,
                    provider_pb2.UpdateRequest(
                        id=old.id,
                        urn=new.urn,
                        name=new.name,
                        type=new.type,
                        olds=wire.to_struct(wire.reveal(old.outputs)),
                        news=wire.to_struct(wire.reveal(checked)),
                        old_inputs=wire.to_struct(wire.reveal(old.inputs)),
                    ),
                )
                new.outputs = self._outputs(new, checked, resp.properties)
        else:  # replace
            delete_first = provider_dbr or request.deleteBeforeReplace
            if delete_first and not self.preview:
                self._delete(old)
            self._create(new, checked)
            if not delete_first:
                self.pending_deletes.append(old)  # only once its replacement exists
        self._record(new, op, diffs)

    def _create(self, new: ResourceState, checked: Mapping[str, Any]) -> None:
        if self.preview:
            # The engine hands the checked inputs back; the SDK treats the rest as unknown.
            new.id, new.outputs = "", dict(checked)
            return
        resp = self._call(
            "Create",
            new.urn,
            provider_pb2.CreateRequest(
                urn=new.urn,
                name=new.name,
                type=new.type,
                properties=wire.to_struct(wire.reveal(dict(checked))),
            ),
        )
        new.id = resp.id
        new.outputs = self._outputs(new, checked, resp.properties)

    def _import(self, new: ResourceState, news: dict[str, Any], import_id: str) -> None:
        """Import as ``ImportStep.Apply`` does: Read with the id alone, then the program's inputs
        must check and diff clean against what was read."""
        resp = self._call(
            "Read",
            new.urn,
            provider_pb2.ReadRequest(id=import_id, urn=new.urn, name=new.name, type=new.type),
        )
        if not resp.id:
            raise self._fail(f"{new.urn}: resource '{import_id}' does not exist")
        read_inputs = wire.from_struct(resp.inputs)
        checked = self._check(new, read_inputs, news)
        old = ResourceState(
            urn=new.urn,
            type=new.type,
            id=resp.id,
            inputs=read_inputs,
            outputs=wire.from_struct(resp.properties),
        )
        op, diffs, _ = self._diff(old, checked)
        if op != "same":
            raise self._fail(
                f"{new.urn}: inputs to import do not match the existing resource: "
                + ", ".join(diffs)
            )
        new.id = resp.id
        new.inputs = checked
        new.outputs = self._outputs(new, checked, resp.properties)
        self._record(new, "import")

    # --- deletes -----------------------------------------------------------------------------------

    def _delete(self, old: ResourceState) -> None:
        if old.protect:
            raise self._fail(
                f"{old.urn}: resource is protected; set protect=False and run `up` before deleting"
            )
        if not old.retain_on_delete:
            self._call(
                "Delete",
                old.urn,
                provider_pb2.DeleteRequest(
                    id=old.id,
                    urn=old.urn,
                    name=old.name,
                    type=old.type,
                    properties=wire.to_struct(wire.reveal(old.outputs)),
                    old_inputs=wire.to_struct(wire.reveal(old.inputs)),
                ),
            )
        self.deleted.add(id(old))

    def finish_update(self, *, run_deletes: bool = True) -> None:
        """After the program: delete replaced and removed resources, dependents first.

        A failed program or step deletes nothing: the engine cannot tell a removed resource from
        one the program did not reach.
        """
        if self.error is None and run_deletes:
            removed = [r for urn, r in self.old.items() if urn not in self.registered]
            removed_ids = {id(r) for r in removed}
            doomed = delete_order([*self.pending_deletes, *removed])
            try:
                for res in doomed:
                    if id(res) in removed_ids and res.is_dynamic:
                        self._record(res, "delete")
                    if not self.preview and res.is_dynamic:
                        self._delete(res)
                    elif not self.preview:
                        self.deleted.add(id(res))
            except _StepFailed:
                pass
        if not self.preview:
            self.checkpoint.resources = self._final_resources()

    def _final_resources(self) -> list[ResourceState]:
        """The new snapshot: what the program registered, plus old entries not yet dealt with."""
        keep = list(self.new)
        stepped = {r.urn for r in self.new}
        for res in self.pending_deletes:
            if id(res) not in self.deleted:
                res.pending_delete = True
                keep.append(res)
        for urn, res in self.old.items():
            # Not re-registered, or its step failed: the old state stands unless it was deleted.
            if urn not in stepped and id(res) not in self.deleted:
                keep.append(res)
        return dependency_order(keep)

    # --- refresh and destroy -----------------------------------------------------------------------

    def refresh(self) -> None:
        """Read every resource with its id and old outputs; an empty id drops it from state."""
        resources: list[ResourceState] = []
        for res in self.checkpoint.resources:
            if not res.is_dynamic:
                resources.append(res)
                continue
            resp = self._call(
                "Read",
                res.urn,
                provider_pb2.ReadRequest(
                    id=res.id,
                    urn=res.urn,
                    name=res.name,
                    type=res.type,
                    properties=wire.to_struct(wire.reveal(res.outputs)),
                    inputs=wire.to_struct(wire.reveal(res.inputs)),
                ),
            )
            if not resp.id:
                self._record(res, "delete")
                continue
            names = _secret_names(res.inputs, res.additional_secret_outputs) | _secret_names(
                res.outputs, ()
            )
            outputs = wire.mark_secrets(wire.from_struct(resp.properties), names)
            inputs = res.inputs
            if resp.HasField("inputs"):
                inputs = wire.mark_secrets(wire.from_struct(resp.inputs), names)
            diffs = sorted(
                set(wire.top_level_diff(res.outputs, outputs))
                | set(wire.top_level_diff(res.inputs, inputs))
            )
            self._record(res, "update" if diffs or resp.id != res.id else "same", diffs)
            res.id, res.inputs, res.outputs = resp.id, inputs, outputs
            resources.append(res)
        self.checkpoint.resources = resources
        self.result.outputs = {
            k: wire.reveal(v) for k, v in self.checkpoint.stack_outputs().items()
        }

    def destroy(self) -> None:
        """Delete every resource, dependents first; the stack and provider entries go last."""
        remaining = list(self.checkpoint.resources)
        try:
            for res in delete_order(self.checkpoint.resources):
                if res.is_dynamic:
                    self._record(res, "delete")
                    self._delete(res)
                remaining.remove(res)
        finally:
            self.checkpoint.resources = remaining
