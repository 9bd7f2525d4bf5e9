"""Model: a semantic model on a connection, and what a live Omni does with one.

Only the name is updatable (``PATCH /api/v1/models/{id}``); every other setting is fixed at create,
so changing it replaces the model. How each kind leaves Omni differs: a SHARED or SHARED_EXTENSION
model is archived (``DELETE``, to the trash); a SCHEMA model cannot be deleted and goes with its
connection; BRANCH and QUERY models stay.

A live Omni also departs from its spec here (ashima-omni/terraform-provider-omni docs/TEST-CASES.md,
findings 14, 29, 31, 33), and each departure shapes a rule below: write answers are never trusted
(a rename answers with empty fields), so the model is read back; a SCHEMA model is named after its
connection whatever the program asks, so its name is Omni's; a SCHEMA model is empty until an
asynchronous schema refresh builds it, so ``refresh_schema`` defaults to true for SCHEMA models;
and a shared model is refused with a bare 404 until that refresh has finished, so its create waits
(bounded by ``omni:schemaRefreshWaitSeconds``) and says on stderr what it waits for.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import Field

from omni_pulumi.argtypes import Uuid
from omni_pulumi.client import OmniClient, quote_segment
from omni_pulumi.diagnostics import archived, warn
from omni_pulumi.errors import OmniApiError, OmniBadRequest, OmniError, OmniNotFound
from omni_pulumi.jobs import FAILED, JobWait, job_status, wait_for_job
from omni_pulumi.resources.connection import ConnectionSpec
from omni_pulumi.spec import ABSENT, Arg, Listing, OmniArgs, ResourceSpec, When

PATH = "/api/v1/models"

ModelKind = Literal["SCHEMA", "SHARED", "SHARED_EXTENSION", "BRANCH", "QUERY"]
#: Kinds that are built on another model and so need ``base_model_id``.
BASED_KINDS = ("SHARED_EXTENSION", "BRANCH", "QUERY")
#: Kinds Omni's ``DELETE /api/v1/models/{id}`` archives (docs.omni.co "Archive shared or extension
#: model"); it refuses SCHEMA models (finding 32), and branches have a route of their own.
ARCHIVABLE_KINDS = ("SHARED", "SHARED_EXTENSION")
#: Model kinds that are working copies or query scratch space, with why export leaves them out.
_TRANSIENT_MODELS = {
    "BRANCH": "a branch is a working copy of a model in Omni's IDE; merge or delete it in Omni",
    "QUERY": "a query model belongs to one workbook and is made by Omni for it",
}


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
            kinds="models",
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
            # Empty is a partial answer (a live rename answers with empty fields, finding 14):
            # a model always has a name, so the stack's is kept.
            from_api=lambda name: name or ABSENT,
            hint="leave it unset for a SCHEMA model",
            doc="The model's name. A rename is written in place (PATCH) and read back. Unset: "
            "the name Omni gives. A SCHEMA model takes its connection's name whatever the create "
            "asks, so it is refused there: leave it unset (the name is in the output).",
        ),
    ] = None
    base_model_id: Annotated[
        Uuid | None,
        Arg(
            ref="Model",
            required_when=When("model_kind", *BASED_KINDS),
            only_when=When("model_kind", "SHARED", *BASED_KINDS),
            hint="pass another Model's `id` (a uuid)",
            doc="The model this one is based on (a workbook model for QUERY).",
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
            only_when=When("model_kind", "SHARED_EXTENSION"),
            doc="Show branches on the extension's page instead of the parent shared model's. "
            "Unset: Omni's default.",
        ),
    ] = None
    refresh_schema: Annotated[
        bool | None,
        Arg(
            updatable=True,
            local=True,
            computed=True,
            default_doc="`true` for SCHEMA models, else `false`",
            doc="SCHEMA models only: after create, run Omni's schema refresh and wait for it to "
            "finish (failing if it fails). Omni's create only registers a SCHEMA model and "
            "refuses shared models on the connection until the refresh has built it, so leave "
            "it on unless the schema is refreshed another way. Acts at create only; changing "
            "it later does nothing. `true` on another kind is refused.",
        ),
    ] = None
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
- **What destroy does depends on the kind.** A SHARED or SHARED_EXTENSION model is **archived**
  (`DELETE /api/v1/models/{id}`): Omni moves it to the trash with the extension models built on it,
  and a shared model loses its git configuration. It can be restored from the trash in Omni
  (restoring does not restore its content). A SCHEMA model cannot be deleted (Omni refuses: `Cannot
  delete a model with kind SCHEMA`): it leaves the stack and stays in Omni until its connection is
  archived, which trashes it; nothing is said when Omni had already trashed it. BRANCH and QUERY
  models leave the stack and stay in Omni, which says so with the model's id. The provider says on
  stderr which of these happened.
- Only `model_name` can be changed in place, and the rename is read back (Omni's answer to it is
  not dependable: a live instance answered with empty fields). Every other argument is fixed at
  create, so changing it replaces the model: a shared model's replacement archives the old one.
  A connection has at most one SCHEMA model and Omni cannot delete it, so a change that would
  replace a SCHEMA model on the same connection (its `access_grants`, `allow_as_workbook_base`...)
  is refused at preview, naming the argument: keep the deployed value and make the change in Omni.
  A second SCHEMA model created on a connection that has one fails, and Omni's answer is shown with
  the existing model's id to adopt.
- **Schema refresh.** Omni's create only registers a SCHEMA model; its schema is built by a
  separate, asynchronous schema refresh. So `refresh_schema` is on by default for SCHEMA models: the
  provider starts the refresh (`POST /api/v1/models/{id}/refresh?hard_refresh=...`) and polls the
  job every 5 s for at most 30 minutes. If the job fails, `pulumi up` fails and names the model's
  id: the model exists in Omni by then, so fix the cause and adopt it with `adopt_id`. Changing
  either flag later is an update that calls nothing; refresh an existing model in Omni or with a
  `SchemaRefreshSchedule`.
- **Models built on the schema wait for it.** Omni refuses SHARED and SHARED_EXTENSION models with
  a bare 404 until the connection's SCHEMA model has finished its first refresh, and refuses every
  other kind until the SCHEMA model exists. A model created at the same time as its SCHEMA model
  (no dependency between them) therefore waits: up to `omni:schemaRefreshWaitSeconds` (600 s by
  default; 0: no wait) for the refresh, and up to a minute for the SCHEMA model to appear, saying on
  stderr what it waits for. It fails with the cause and the fix when the connection is missing or
  archived, when the connection has no SCHEMA model, or when the wait runs out. Making shared
  models depend on the SCHEMA model (`connection_id=schema.connection_id`) avoids the wait.
- Reads list the model by id including deleted models, so a model whose `deletedAt` is set (archived
  in Omni, or trashed with its connection) is seen as gone and created again on the next `up`.
"""

#: What a 404 without Omni's words reads as (the client falls back to the HTTP reason phrase).
_BARE_404 = ("", "not found")


@dataclass(frozen=True)
class _NotReady:
    """Why Omni refused a model built on the connection's schema: no SCHEMA model yet, or one
    whose schema is not built yet (``schema_id`` set)."""

    connection_id: str
    schema_id: str | None

    def waiting_for(self) -> str:
        if self.schema_id is None:
            return f"connection {self.connection_id} to have its SCHEMA model"
        return (
            f"the first schema refresh of SCHEMA model {self.schema_id} (connection "
            f"{self.connection_id}) to finish: Omni refuses shared models with a bare 404 until then"
        )


class ModelSpec(ResourceSpec, register=True):
    """An Omni model. Destroy archives a shared or extension model, and leaves a SCHEMA model to
    its connection."""

    type_name = "Model"
    title = "model_name"
    export_label = "{model_name}"
    path = PATH
    listing = Listing(PATH, style="cursor")
    # A live model of the kind on the connection (the query's filter), with the name and base
    # where set, is the one a create whose answer was lost made (names are Omni's for SCHEMA
    # models, so not a key).
    matched_by = ("model_kind", "model_name", "base_model_id")
    lookup_params = {
        "connectionId": "connection_id",
        "modelKind": "model_kind",
        "name": "model_name",
    }
    args_model = ModelArgs
    id_doc = "the model's uuid"
    notes = _NOTES
    #: How the schema refresh started by ``refresh_schema`` is awaited (tests pass a fake clock).
    refresh_wait = JobWait(interval=5.0, timeout=1800.0)
    #: How a model built on the schema waits for it: polls grow from 1 s to ``interval``; the
    #: timeout comes from the instance's ``omni:schemaRefreshWaitSeconds``.
    schema_wait = JobWait(interval=15.0, timeout=600.0)
    #: How long a missing SCHEMA model is waited for: Pulumi starts a SCHEMA model and the models
    #: built on it together when nothing orders them, and the rate limiter may hold the SCHEMA
    #: model's create for some seconds; longer, it is surely not coming.
    schema_model_grace = 60.0

    def unexportable(self, record: Mapping[str, Any]) -> str | None:
        # Working copies and query scratch space are Omni's, not part of an instance's setup.
        return _TRANSIENT_MODELS.get(record.get("modelKind"))

    def check_rules(self, args: dict[str, Any], unknown: set[str]) -> Any:
        # base_model_id and uses_isolated_branches declare the kinds they go with.
        kind = args.get("model_kind")
        if "model_kind" in unknown:
            return
        if "model_name" not in unknown and kind == "SCHEMA" and args.get("model_name"):
            yield (
                "model_name",
                "Omni names a SCHEMA model after its connection, whatever the create asks, so "
                "this name could never hold; leave model_name unset (the `model_name` output "
                "gives Omni's name) and rename the connection to rename the model",
            )
        if "refresh_schema" not in unknown and args.get("refresh_schema") and kind != "SCHEMA":
            # Not declared: `false` is allowed on any kind (it is what they do anyway).
            yield "refresh_schema", "only SCHEMA models have a schema to refresh; leave it unset"

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
        if args["model_kind"] == "SCHEMA":
            try:
                made = client.post(PATH, json=self.body(args)) or {}
            except OmniBadRequest as exc:
                raise self._explained(client, args, exc) from None
        else:
            made = self._create_when_schema_ready(client, args)
        record = made.get("model") if isinstance(made.get("model"), dict) else made
        id_ = self.created_id(args, record, made)
        observed: dict[str, Any] = {"refresh_schema": _refreshes(args)}
        if args.get("model_name") is None:
            # The name is Omni's (a SCHEMA model's is its connection's): read it, since a write
            # answer is not to be trusted with it (finding 14).
            current = self.read(client, id_, args) or {}
            observed["model_name"] = current.get("model_name")
        if observed["refresh_schema"]:
            self._refresh(client, id_, args.get("model_name") or observed.get("model_name"), args)
        return id_, observed

    def read(self, client: OmniClient, id_: str, state: Mapping[str, Any]) -> dict[str, Any] | None:
        # No GET by id: the list filters by id (deleted ones included, so archived reads as gone).
        page = client.get(PATH, params={"modelId": id_, "includeDeleted": "true"})
        for record in (page or {}).get("records") or []:
            if record.get("id") == id_:
                return None if record.get("deletedAt") else self.observe(record)
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
        # The answer is ignored: a live Omni answered renames with empty fields (finding 14).
        client.patch(f"{PATH}/{quote_segment(id_)}", json={"name": name})
        current = self.read(client, id_, olds)
        if current is None:
            raise OmniError(
                f"Model {name!r} ({id_}): Omni accepted the rename, but no longer lists the "
                "model; run `pulumi refresh` to see what happened to it"
            )
        if current.get("model_name") != name:
            raise OmniError(
                f"Model ({id_}): Omni accepted the rename to {name!r}, but the model reads back "
                f"as {current.get('model_name')!r}; run `pulumi refresh`, then `pulumi up` again"
            )
        return {"model_name": name}

    def delete(self, client: OmniClient, id_: str, state: Mapping[str, Any]) -> None:
        kind = state.get("model_kind")
        what = f"Model {state.get('model_name')!r} ({id_})"
        if kind in ARCHIVABLE_KINDS:
            client.delete(f"{PATH}/{quote_segment(id_)}")
            archived(
                what,
                "Omni moved it to the trash"
                + (" with the extension models built on it" if kind == "SHARED" else "")
                + ", where it can be restored (its content is restored separately)"
                + ("; its git configuration was removed" if kind == "SHARED" else ""),
            )
        elif kind == "SCHEMA":
            if self.read(client, id_, state) is None:
                return  # Omni trashed it already (with its connection): nothing left to say
            warn(
                f"{what} left the stack but stays in Omni: Omni cannot delete a SCHEMA model; it "
                "goes to the trash when its connection is archived (destroying the Connection "
                "does that)."
            )
        else:
            warn(
                f"{what} was removed from the stack but still exists in Omni: Omni's model "
                f"DELETE archives only shared and extension models, not {kind} ones. Delete it "
                "in Omni if it is no longer needed."
            )

    # -- helpers ---------------------------------------------------------------------------------

    def schema_model_id(self, client: OmniClient, connection_id: str) -> str | None:
        """The id of the connection's live SCHEMA model, if it has one."""
        wanted = {"connection_id": connection_id, "model_kind": "SCHEMA", "model_name": None}
        return self.find_existing(client, {**wanted, "base_model_id": None})

    def _create_when_schema_ready(self, client: OmniClient, args: dict[str, Any]) -> dict:
        """POST a model built on the connection's schema, waiting while Omni is not ready for it.

        A POST Omni refused for want of a built schema made nothing, so sending it again is safe.
        """
        wait = self.schema_wait
        if self.settings is not None:  # the instance's omni:schemaRefreshWaitSeconds
            wait = dataclasses.replace(wait, timeout=self.settings.schema_refresh_wait_seconds)
        name = args.get("model_name")
        start = wait.clock.monotonic()
        announced: _NotReady | None = None
        pause = 1.0
        while True:
            try:
                return client.post(PATH, json=self.body(args)) or {}
            except (OmniBadRequest, OmniNotFound) as exc:
                pending = self._not_ready(client, args, exc, announced)
                refusal = exc
            limit = wait.timeout
            if pending.schema_id is None:
                limit = min(limit, self.schema_model_grace)
            remaining = limit - (wait.clock.monotonic() - start)
            if remaining <= 0:
                raise OmniError(_gave_up(args, pending, limit, refusal))
            if pending != announced:
                warn(f"Model {name!r}: waiting up to {limit:g} s for {pending.waiting_for()}")
                announced = pending
            wait.clock.sleep(min(pause, wait.interval, remaining))
            pause *= 2

    def _not_ready(
        self,
        client: OmniClient,
        args: dict[str, Any],
        exc: OmniApiError,
        known: _NotReady | None,
    ) -> _NotReady:
        """Whether Omni's refusal means "not ready yet"; raises, with the cause, when it does not.

        ``known`` is the last diagnosis: once the SCHEMA model is found, another bare 404 means
        the same, and is not looked into again (two more calls per poll).
        """
        connection_id = args["connection_id"]
        detail = (exc.detail or "").strip().lower()
        if isinstance(exc, OmniBadRequest):
            if "schema model does not exist" not in detail:
                raise exc
            return _NotReady(connection_id, None)
        if detail not in _BARE_404:
            raise exc  # Omni named what is missing (the connection, the base model)
        if known is not None and known.schema_id is not None:
            return known
        if ConnectionSpec().read(client, connection_id, {}) is None:
            raise exc.with_hint(
                f"connection_id {connection_id} names no live connection in Omni (it is missing "
                "or archived): pass the `id` of an existing Connection"
            )
        return _NotReady(connection_id, self.schema_model_id(client, connection_id))

    def _refresh(
        self, client: OmniClient, id_: str, name: str | None, args: Mapping[str, Any]
    ) -> None:
        """Run the schema refresh the program asked for, and wait until Omni has finished it."""
        hard = "true" if args.get("hard_refresh", True) else "false"
        what = f"The schema refresh of Model {name!r} ({id_})"
        after = (
            f". The model was created and stays in Omni (Omni cannot delete SCHEMA models): fix "
            f"the cause (the connection's credentials or schemas), then set adopt_id={id_!r} on "
            "this resource and run `pulumi up` again"
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


def _refreshes(args: Mapping[str, Any]) -> bool:
    """``refresh_schema`` as it acts: unset means on for SCHEMA models, off for the others."""
    wanted = args.get("refresh_schema")
    return args["model_kind"] == "SCHEMA" if wanted is None else bool(wanted)


def _gave_up(args: Mapping[str, Any], pending: _NotReady, waited: float, exc: Exception) -> str:
    """The error of a model whose connection's schema never became ready: the cause and the fix."""
    kind, name, connection_id = args["model_kind"], args.get("model_name"), pending.connection_id
    if pending.schema_id is None:
        return (
            f"Model {name!r}: connection {connection_id} has no SCHEMA model, and a {kind} model "
            "is built on it. Declare it, e.g. `omni.Model('schema', connection_id=<connection>.id, "
            "model_kind='SCHEMA')`, and make this model depend on it "
            f"(`connection_id=schema.connection_id`). Omni answered: {exc}"
        )
    return (
        f"Model {name!r}: Omni still refused the create after {waited:g} s ({exc}): the schema of "
        f"SCHEMA model {pending.schema_id} (connection {connection_id}) has not been built, and "
        f"Omni creates no {kind} model on the connection until its first schema refresh has "
        "finished. Leave `refresh_schema` on (the default) for that Model, or refresh it in Omni, "
        "then run `pulumi up` again; if the refresh just takes longer, raise "
        "`omni:schemaRefreshWaitSeconds`"
    )
