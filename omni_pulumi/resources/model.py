"""Model: a semantic model on a connection. Omni can rename a model but never delete one.

That shapes everything here. Only the name is updatable (``PATCH /api/v1/models/{id}``); every other
setting is fixed at create, so changing it replaces the model, and since there is no delete, destroy
and replace leave the old model in Omni and say so on stderr with its id and name, so nobody is
surprised by an orphan. A SCHEMA model is empty until its schema is refreshed, which is an
asynchronous job: ``refresh_schema`` starts it after create and waits for it, so resources that
depend on the model (shared models, git configurations) see a model with views.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal

from pydantic import Field

from omni_pulumi.client import OmniClient, quote_segment
from omni_pulumi.diagnostics import warn
from omni_pulumi.errors import OmniBadRequest, OmniError
from omni_pulumi.resources._jobs import FAILED, JobWait, job_status, wait_for_job
from omni_pulumi.resources._types import Uuid
from omni_pulumi.spec import Arg, Listing, OmniArgs, ResourceSpec

PATH = "/api/v1/models"
#: Model kinds that are working copies or query scratch space, with why export leaves them out.
_TRANSIENT_MODELS = {
    "BRANCH": "a branch is a working copy of a model in Omni's IDE; merge or delete it in Omni",
    "QUERY": "a query model belongs to one workbook and is made by Omni for it",
}

ModelKind = Literal["SCHEMA", "SHARED", "SHARED_EXTENSION", "BRANCH", "QUERY"]
#: Kinds that are built on another model and so need ``base_model_id``.
BASED_KINDS = ("SHARED_EXTENSION", "BRANCH", "QUERY")


class AccessGrant(OmniArgs):
    """One access grant of a model, in snake_case (sent to Omni in its camelCase spelling)."""

    name: Annotated[str, Field(min_length=1)]
    access_boostable: bool = False
    allowed_values: list[str] | None = None
    code_comments: dict[str, str] | None = None
    ignored: bool | None = None
    user_attribute: str | None = None


class ModelArgs(OmniArgs):
    connection_id: Annotated[
        Uuid,
        Arg(
            ref="Connection",
            hint="pass a Connection's `id` (a uuid)",
            doc="The connection the model is built on.",
        ),
    ]
    model_kind: Annotated[
        ModelKind,
        Arg(
            hint="use SCHEMA, SHARED, SHARED_EXTENSION, BRANCH or QUERY",
            doc="`SCHEMA` (one per connection, generated from the warehouse), `SHARED`, "
            "`SHARED_EXTENSION`, `BRANCH` or `QUERY` (an empty model under a workbook model, "
            "populated through the model YAML endpoint).",
        ),
    ] = "SCHEMA"
    model_name: Annotated[
        str | None,
        Field(min_length=1),
        Arg(
            updatable=True,
            computed=True,
            api="modelName",
            read_api="name",
            doc="The model's name. A rename is written in place (PATCH). Unset: the name Omni gives.",
        ),
    ] = None
    base_model_id: Annotated[
        Uuid | None,
        Arg(
            ref="Model",
            hint="pass another Model's `id` (a uuid)",
            doc="The model this one is based on; required for SHARED_EXTENSION, BRANCH and QUERY "
            "(a workbook model for QUERY).",
        ),
    ] = None
    access_grants: Annotated[
        list[AccessGrant],
        Arg(
            doc="Access grants: `{name, access_boostable, allowed_values, code_comments, ignored, "
            "user_attribute}`. Omni never returns them, so drift made in Omni is not seen."
        ),
    ] = []
    allow_as_workbook_base: Annotated[
        bool,
        Arg(
            doc="Let workbooks use this model as their base (for SHARED_EXTENSION models). Omni "
            "never returns it, so drift made in Omni is not seen."
        ),
    ] = False
    uses_isolated_branches: Annotated[
        bool | None,
        Arg(
            doc="For SHARED_EXTENSION models: show branches on the extension's page instead of the "
            "parent shared model's. Unset: Omni's default."
        ),
    ] = None
    refresh_schema: Annotated[
        bool,
        Arg(
            updatable=True,
            local=True,
            doc="SCHEMA models only: after create, run Omni's schema refresh and wait for it to "
            "finish (failing if it fails). Acts at create only; changing it later does nothing.",
        ),
    ] = False
    hard_refresh: Annotated[
        bool,
        Arg(
            updatable=True,
            local=True,
            doc="With `refresh_schema`: rebuild the schema model from scratch (`true`, Omni's "
            "default) or merge newly found views into it (`false`). Acts at create only.",
        ),
    ] = True


_NOTES = """\
- **Omni's API cannot delete a model.** `pulumi destroy`, and a replacement, remove the model from
  the stack but leave it in Omni; the provider says so on stderr with the model's id and name. Delete
  it in Omni if it is no longer wanted. Archiving its connection moves its models to the trash.
- Only `model_name` can be changed in place. Every other argument is fixed at create, so changing it
  replaces the model, and the old model stays in Omni (see above). A connection has at most one
  SCHEMA model, so a change that would replace a SCHEMA model on the same connection (its
  `access_grants`, `allow_as_workbook_base`...) is refused at preview, naming the argument: keep
  the deployed value and make the change in Omni. A second SCHEMA model created on a connection
  that has one fails, and Omni's answer is shown with the existing model's id to adopt.
- `access_grants` and `allow_as_workbook_base` are not returned by Omni: they are kept from the stack,
  and changes made in Omni to them are not seen.
- `refresh_schema` and `hard_refresh` act only when the model is created: the provider starts the
  schema refresh (`POST /api/v1/models/{id}/refresh?hard_refresh=...`) and polls the job every 5 s
  for at most 30 minutes. If the job fails, `pulumi up` fails and names the model's id: the model
  exists in Omni by then, so fix the cause and adopt it with `adopt_id`. Changing either flag later
  is an update that calls nothing; refresh an existing model in Omni or with a schema refresh
  schedule.
- Reads list the model by id including deleted models, so a model whose `deletedAt` is set (deleted
  in Omni, or trashed with its connection) is seen as gone and created again on the next `up`.
"""


class ModelSpec(ResourceSpec, register=True):
    """An Omni model. Destroy leaves it in Omni (no delete in Omni's API);"""

    type_name = "Model"
    title = "model_name"
    export_label = "{model_name}"
    path = PATH
    listing = Listing(PATH, style="cursor")

    def unexportable(self, record: Mapping[str, Any]) -> str | None:
        # Working copies and query scratch space are Omni's, not part of an instance's setup.
        return _TRANSIENT_MODELS.get(record.get("modelKind"))

    args_model = ModelArgs
    id_doc = "the model's uuid"
    notes = _NOTES
    #: How the schema refresh started by ``refresh_schema`` is awaited (tests pass a fake clock).
    refresh_wait = JobWait(interval=5.0, timeout=1800.0)

    def check_rules(self, args: dict[str, Any], unknown: set[str]) -> Any:
        kind = args.get("model_kind")
        if "model_kind" in unknown:
            return
        if "base_model_id" not in unknown:
            if kind in BASED_KINDS and not args.get("base_model_id"):
                yield "base_model_id", f"is required for {kind} models; pass the base Model's `id`"
            if kind == "SCHEMA" and args.get("base_model_id"):
                yield "base_model_id", "a SCHEMA model has no base model; leave it unset"
        if "refresh_schema" not in unknown and args.get("refresh_schema") and kind != "SCHEMA":
            yield "refresh_schema", "only SCHEMA models have a schema to refresh; leave it unset"
        if (
            "uses_isolated_branches" not in unknown
            and args.get("uses_isolated_branches") is not None
            and kind != "SHARED_EXTENSION"
        ):
            yield (
                "uses_isolated_branches",
                "applies to SHARED_EXTENSION models only; leave it unset",
            )

    def check_change(
        self, olds: dict[str, Any], news: dict[str, Any], replacing: set[str]
    ) -> Iterable[tuple[str, str]]:
        # The replacement's create would be a second SCHEMA model on the connection, which Omni
        # refuses, and the old one cannot be deleted first: `up` could only fail. (An unknown
        # kind or connection is not equal to the deployed one, so no rule fires before `up`.)
        if not (olds.get("model_kind") == news.get("model_kind") == "SCHEMA"):
            return
        if news.get("connection_id") != olds.get("connection_id"):
            return
        for name in sorted(replacing):
            yield (
                name,
                "cannot change on a deployed SCHEMA model: the change would replace the "
                "model, but a connection has only one SCHEMA model and Omni's API cannot "
                "delete the current one, so the new model could never be created. Keep "
                f"the deployed value ({olds.get(name, self.field(name).default)!r}) and make the "
                "change in Omni",
            )

    def create(self, client: OmniClient, args: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        try:
            made = client.post(PATH, json=_create_body(args)) or {}
        except OmniBadRequest as exc:
            raise self._explained(client, args, exc) from None
        record = made.get("model") if isinstance(made.get("model"), dict) else made
        id_ = record.get("id") if isinstance(record, dict) else None
        if not id_:
            raise OmniError(
                f"Model {args.get('model_name')!r}: Omni answered the create without a model id "
                f"({made.get('error') or made.get('message') or 'no message'})"
            )
        observed = {"model_name": record.get("name")}
        if args.get("refresh_schema") and args["model_kind"] == "SCHEMA":
            self._refresh(client, id_, args.get("model_name") or record.get("name"), args)
        return id_, observed

    def read(self, client: OmniClient, id_: str, state: Mapping[str, Any]) -> dict[str, Any] | None:
        page = client.get(PATH, params={"modelId": id_, "includeDeleted": "true"})
        for record in (page or {}).get("records") or []:
            if record.get("id") == id_:
                return None if record.get("deletedAt") else _observed(record)
        return None

    def update(
        self,
        client: OmniClient,
        id_: str,
        olds: Mapping[str, Any],
        news: dict[str, Any],
        changed: set[str],
    ) -> dict[str, Any]:
        # refresh_schema and hard_refresh act at create only: a change to them calls nothing.
        name = news.get("model_name")
        if name is None or name == olds.get("model_name"):
            return {}
        answer = client.patch(f"{PATH}/{quote_segment(id_)}", json={"name": name})
        renamed = (answer or {}).get("model") or {}
        return {"model_name": renamed.get("name") or name}

    def delete(self, client: OmniClient, id_: str, state: Mapping[str, Any]) -> None:
        warn(
            f"Model {state.get('model_name')!r} ({id_}) was removed from the stack but still "
            "exists in Omni: Omni's API cannot delete models. Delete it in Omni if it is no "
            "longer needed."
        )

    def find_existing(self, client: OmniClient, args: dict[str, Any]) -> str | None:
        params = {"connectionId": args["connection_id"], "modelKind": args["model_kind"]}
        if args.get("model_name"):
            params["name"] = args["model_name"]
        for record in client.paginate_cursor(PATH, params):
            if record.get("deletedAt") or record.get("modelKind") != args["model_kind"]:
                continue
            if args.get("model_name") and record.get("name") != args["model_name"]:
                continue
            if args.get("base_model_id") and record.get("baseModelId") != args["base_model_id"]:
                continue
            return record["id"]
        return None

    # -- helpers ---------------------------------------------------------------------------------

    def _refresh(
        self, client: OmniClient, id_: str, name: str | None, args: Mapping[str, Any]
    ) -> None:
        """Run the schema refresh the program asked for, and wait until Omni has finished it."""
        hard = "true" if args.get("hard_refresh", True) else "false"
        what = f"The schema refresh of Model {name!r} ({id_})"
        after = (
            f". The model was created and stays in Omni (Omni cannot delete models): fix the "
            f"cause (the connection's credentials or schemas), then set adopt_id={id_!r} on this "
            "resource and run `pulumi up` again"
        )
        try:
            started = client.post(
                f"{PATH}/{quote_segment(id_)}/refresh", params={"hard_refresh": hard}
            )
            if job_status(started) == FAILED:
                raise OmniError(f"{what} failed in Omni")
            job_id = (started or {}).get("jobId")
            if job_status(started) != "COMPLETED":
                if not job_id:
                    warn(f"{what} was started, but Omni gave no job id to wait for")
                    return
                wait_for_job(client, job_id, what, self.refresh_wait)
        except OmniError as exc:
            raise OmniError(f"{exc}{after}") from exc

    def _explained(
        self, client: OmniClient, args: Mapping[str, Any], exc: OmniBadRequest
    ) -> Exception:
        """Omni's 400, with the fix when the connection already has its one SCHEMA model."""
        if args["model_kind"] != "SCHEMA" or "already exists" not in (exc.detail or "").lower():
            return exc
        existing = self.find_existing(client, {**args, "model_name": None})
        where = f" ({existing})" if existing else ""
        hint = (
            f"Connection {args['connection_id']} already has its one SCHEMA model{where}, and "
            "Omni's API cannot delete models: manage the existing one with "
            f"adopt_id={existing or '<its id>'!r} instead of creating another"
        )
        return exc.with_hint(hint)


def _create_body(args: Mapping[str, Any]) -> dict[str, Any]:
    body = {
        "connectionId": args["connection_id"],
        "modelKind": args["model_kind"],
        "modelName": args.get("model_name"),
        "baseModelId": args.get("base_model_id"),
        "accessGrants": [_grant_body(g) for g in args.get("access_grants") or []],
        "allowAsWorkbookBase": bool(args.get("allow_as_workbook_base")),
        "usesIsolatedBranches": args.get("uses_isolated_branches"),
    }
    return {k: v for k, v in body.items() if v is not None}


def _grant_body(grant: Mapping[str, Any]) -> dict[str, Any]:
    body = {
        "name": grant["name"],
        "accessBoostable": bool(grant.get("access_boostable")),
        "allowedValues": grant.get("allowed_values"),
        "codeComments": grant.get("code_comments"),
        "ignored": grant.get("ignored"),
        "userAttribute": grant.get("user_attribute"),
    }
    return {k: v for k, v in body.items() if v is not None}


def _observed(record: Mapping[str, Any]) -> dict[str, Any]:
    """What a model record says; access grants and allowAsWorkbookBase are never in it."""
    return {
        "connection_id": record.get("connectionId"),
        "model_kind": record.get("modelKind"),
        "model_name": record.get("name"),
        "base_model_id": record.get("baseModelId"),
    }
