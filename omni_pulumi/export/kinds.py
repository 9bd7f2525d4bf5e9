"""The per-kind table: how to list each kind, and what export adds to what ``read()`` returns.

Everything else (argument names, which are secret or write-only, the adoption id, the class to
write) comes from the resource specs, so a kind here is a few functions, not an emitter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from omni_pulumi.errors import OmniApiError, OmniAuthError, OmniNotFound
from omni_pulumi.export.reader import ReadOnlyClient
from omni_pulumi.export.values import Lookup, Ref
from omni_pulumi.resources import (
    ConnectionEnvironmentSpec,
    ConnectionSpec,
    DbtConfigSpec,
    DbtEnvironmentSpec,
    FolderSpec,
    GitConfigSpec,
    LabelSpec,
    ModelSpec,
    ScheduleSpec,
    SchemaRefreshScheduleSpec,
    UserGroupSpec,
)
from omni_pulumi.resources._composite_id import join_id
from omni_pulumi.spec import ResourceSpec

CONNECTIONS = "/api/v1/connections"
MODELS = "/api/v1/models"


@dataclass(frozen=True)
class Candidate:
    """An object a kind's listing found: its adoption id, and what ``read()`` may start from."""

    id: str
    #: State handed to ``read()``: only hints that make the read cheaper (a folder's path), never
    #: settings, so the result is what adoption (``read(id, {})``) sees.
    state: Mapping[str, Any] = field(default_factory=dict)
    label: str = ""


@dataclass(frozen=True)
class Unexpressible:
    """An object export found but cannot write as a resource; it goes to the summary."""

    id: str
    label: str
    reason: str


Listed = Candidate | Unexpressible
#: Names another exported object (by kind and id) for variable names, or None if not exported.
LabelOf = Callable[[str, str], "str | None"]


@dataclass(frozen=True)
class Kind:
    spec: type[ResourceSpec]
    list: Callable[[ReadOnlyClient], Iterable[Listed]]
    #: What a variable is named after, from the settings and the labels of referenced objects.
    label: Callable[[Mapping[str, Any], LabelOf], str]
    #: Arguments whose value is the id of another kind's object.
    refs: Mapping[str, str] = field(default_factory=dict)
    #: Adds what ``read()`` leaves out (values from Omni's raw answer, optional secret lookups).
    finish: Callable[[dict[str, Any], Candidate, ReadOnlyClient], None] | None = None
    #: Order inside the kind, from what ``read()`` returned, so that objects come after those
    #: they reference.
    order: Callable[[Mapping[str, Any]], Any] = lambda observed: 0

    @property
    def name(self) -> str:
        return self.spec.type_name


def _ref_label(settings: Mapping[str, Any], arg: str, label_of: LabelOf, fallback: str) -> str:
    value = settings.get(arg)
    if isinstance(value, Ref):
        return label_of(value.kind, value.id) or f"{fallback} {value.id[:8]}"
    return fallback


# -- connections and what hangs off them ------------------------------------------------------------


def _live_connections(reader: ReadOnlyClient) -> list[dict[str, Any]]:
    answer = reader.get(CONNECTIONS) or {}
    return [c for c in answer.get("connections") or [] if not c.get("deletedAt")]


def _list_connections(reader: ReadOnlyClient) -> Iterator[Listed]:
    for connection in _live_connections(reader):
        yield Candidate(connection["id"], label=connection.get("name", ""))


def _finish_connection(settings: dict[str, Any], _c: Candidate, _r: ReadOnlyClient) -> None:
    # Omni never says which credential a connection uses; offering the password as an optional
    # lookup lets a user hand it to Pulumi without guessing (unset, Omni's stays as it is).
    settings["password"] = Lookup(
        "password",
        secret=True,
        required=False,
        why="optional: Omni keeps the current one; set it to manage it (the first up writes it)",
    )


def _list_connection_environments(reader: ReadOnlyClient) -> Iterator[Listed]:
    try:
        answer = reader.get(_CE_PATH)
    except OmniApiError as exc:
        if exc.status not in (404, 405):
            raise
        yield Unexpressible(
            "*",
            "every connection environment",
            f"this instance does not list connection environments (GET {_CE_PATH} answered "
            f"{exc.status}), so they cannot be read or adopted",
        )
        return
    for record in (answer or {}).get("connectionEnvironments") or []:
        yield Candidate(record["id"])


_CE_PATH = "/api/v1/connection-environments"


def _per_connection(
    reader: ReadOnlyClient, records: Callable[[str], Iterable[dict[str, Any]]]
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Records listed under each live connection; a connection whose dialect has none is skipped."""
    for connection in _live_connections(reader):
        try:
            for record in records(connection["id"]):
                yield connection["id"], record
        except (OmniAuthError, OmniNotFound):
            continue  # 403: the dialect has no dbt / no access; 404: gone meanwhile


def _list_dbt_environments(reader: ReadOnlyClient) -> Iterator[Listed]:
    def records(connection_id: str) -> Iterable[dict[str, Any]]:
        return reader.paginate_cursor(f"{CONNECTIONS}/{connection_id}/dbt/environments")

    for connection_id, record in _per_connection(reader, records):
        yield Candidate(join_id(connection_id, record["id"]), label=record.get("name", ""))


def _finish_dbt_environment(settings: dict[str, Any], _c: Candidate, _r: ReadOnlyClient) -> None:
    settings["variables"] = [
        {
            **variable,
            "value": Lookup(
                variable["name"],
                secret=True,
                why=f"the secret dbt variable {variable['name']}",
            ),
        }
        if variable.get("is_secret")
        else variable
        for variable in settings.get("variables") or []
    ]


def _list_dbt_configs(reader: ReadOnlyClient) -> Iterator[Listed]:
    """Connections with a dbt configuration (a dialect without dbt answers supportsDbt false)."""

    def records(connection_id: str) -> Iterable[dict[str, Any]]:
        answer = reader.get(f"{CONNECTIONS}/{connection_id}/dbt") or {}
        return [answer] if answer.get("supportsDbt") and answer.get("sshUrl") else []

    for connection_id, _record in _per_connection(reader, records):
        yield Candidate(connection_id)


def _list_refresh_schedules(reader: ReadOnlyClient) -> Iterator[Listed]:
    def records(connection_id: str) -> Iterable[dict[str, Any]]:
        return (reader.get(f"{CONNECTIONS}/{connection_id}/schedules") or {}).get("schedules") or []

    for connection_id, record in _per_connection(reader, records):
        yield Candidate(join_id(connection_id, record["scheduleId"]))


# -- models and git ---------------------------------------------------------------------------------

#: Model kinds that are working copies or query scratch space, not part of an instance's setup.
_TRANSIENT_MODELS = {
    "BRANCH": "a branch is a working copy of a model in Omni's IDE; merge or delete it in Omni",
    "QUERY": "a query model belongs to one workbook and is made by Omni for it",
}


def _models(reader: ReadOnlyClient) -> list[dict[str, Any]]:
    return [m for m in reader.paginate_cursor(MODELS) if not m.get("deletedAt")]


def _list_models(reader: ReadOnlyClient) -> Iterator[Listed]:
    for model in _models(reader):
        reason = _TRANSIENT_MODELS.get(model.get("modelKind"))
        if reason:
            yield Unexpressible(
                model["id"], f"{model.get('modelKind')} model {model.get('name')!r}", reason
            )
        else:
            yield Candidate(model["id"], label=model.get("name") or "")


def _list_git_configs(reader: ReadOnlyClient) -> Iterator[Listed]:
    for model in _models(reader):
        if model.get("modelKind") in _TRANSIENT_MODELS or model.get("modelKind") == "SCHEMA":
            continue
        try:
            reader.get(f"{MODELS}/{model['id']}/git", params={"include": "webhookSecret"})
        except OmniNotFound:
            continue  # this model has no git configuration
        yield Candidate(model["id"])


def _finish_git_config(settings: dict[str, Any], _c: Candidate, _r: ReadOnlyClient) -> None:
    # Omni answers with both spellings of the URL; `ssh_url` is deprecated in favour of `clone_url`.
    if settings.get("ssh_url") == settings.get("clone_url"):
        settings.pop("ssh_url", None)


_MODEL_ORDER = {"SCHEMA": 0, "SHARED": 1, "SHARED_EXTENSION": 2}


# -- schedules --------------------------------------------------------------------------------------


def _list_schedules(reader: ReadOnlyClient) -> Iterator[Listed]:
    for record in reader.paginate_pages("/api/v1/schedules"):
        yield Candidate(record["id"], label=record.get("name") or "")


# -- labels, folders, groups ------------------------------------------------------------------------


def _list_labels(reader: ReadOnlyClient) -> Iterator[Listed]:
    for label in (reader.get("/api/v1/labels") or {}).get("labels") or []:
        yield Candidate(label["name"], label=label["name"])


def _list_folders(reader: ReadOnlyClient) -> Iterator[Listed]:
    for folder in reader.paginate_cursor("/api/v1/folders", {"scope": "organization"}):
        state = {"path": folder.get("path"), "scope": "organization"}
        yield Candidate(folder["id"], state=state, label=folder.get("name", ""))
    # Restricted folders are listed per owner only, and adoption reads a folder without knowing
    # its owner, so they cannot be adopted: find them for the summary.
    for user in reader.paginate_scim("/api/scim/v2/Users"):
        params = {"scope": "restricted", "ownerId": user["id"]}
        try:
            folders = list(reader.paginate_cursor("/api/v1/folders", params))
        except OmniNotFound:
            continue
        for folder in folders:
            yield Unexpressible(
                folder["id"],
                f"restricted folder {folder.get('path')!r} of {user.get('userName') or user['id']}",
                "restricted (personal) folders are listed per owner only, so adoption cannot "
                "read them; manage them in Omni",
            )


def _list_groups(reader: ReadOnlyClient) -> Iterator[Listed]:
    for group in reader.paginate_scim("/api/scim/v2/Groups", {"excludedAttributes": "members"}):
        yield Candidate(group["id"], label=group.get("displayName", ""))


#: Every kind export knows, in the order the program declares them (referenced kinds first).
KINDS: tuple[Kind, ...] = (
    Kind(
        ConnectionSpec,
        _list_connections,
        label=lambda s, _: s.get("name") or "connection",
        finish=_finish_connection,
    ),
    Kind(
        ConnectionEnvironmentSpec,
        _list_connection_environments,
        label=lambda s, of: _ref_label(s, "environment_connection_id", of, "connection")
        + " environment",
        refs={"base_connection_id": "Connection", "environment_connection_id": "Connection"},
    ),
    Kind(
        DbtEnvironmentSpec,
        _list_dbt_environments,
        label=lambda s,
        of: f"{_ref_label(s, 'connection_id', of, 'connection')} dbt {s.get('name')}",
        refs={"connection_id": "Connection"},
        finish=_finish_dbt_environment,
    ),
    Kind(
        DbtConfigSpec,
        _list_dbt_configs,
        label=lambda s, of: f"{_ref_label(s, 'connection_id', of, 'connection')} dbt",
        refs={"connection_id": "Connection"},
    ),
    Kind(
        SchemaRefreshScheduleSpec,
        _list_refresh_schedules,
        label=lambda s, of: f"{_ref_label(s, 'connection_id', of, 'connection')} schema refresh",
        refs={"connection_id": "Connection"},
    ),
    Kind(
        ModelSpec,
        _list_models,
        label=lambda s, _: s.get("model_name") or "model",
        refs={"connection_id": "Connection", "base_model_id": "Model"},
        order=lambda s: _MODEL_ORDER.get(s.get("model_kind"), 9),
    ),
    Kind(
        GitConfigSpec,
        _list_git_configs,
        label=lambda s, of: f"{_ref_label(s, 'model_id', of, 'model')} git",
        refs={"model_id": "Model"},
        finish=_finish_git_config,
    ),
    Kind(
        ScheduleSpec,
        _list_schedules,
        label=lambda s, _: s.get("name") or "schedule",
    ),
    Kind(LabelSpec, _list_labels, label=lambda s, _: s.get("name") or "label"),
    Kind(
        FolderSpec,
        _list_folders,
        label=lambda s, _: s.get("name") or "folder",
        refs={"parent_folder_id": "Folder"},
        order=lambda s: str(s.get("path") or "").count("/"),
    ),
    Kind(UserGroupSpec, _list_groups, label=lambda s, _: s.get("display_name") or "group"),
)

BY_NAME = {kind.name.lower(): kind for kind in KINDS}
