"""Model: what Omni receives and what Pulumi keeps, from create to destroy, as a live Omni answers."""

from __future__ import annotations

import pytest
from responses import matchers

from omni_pulumi.clock import FakeClock
from omni_pulumi.errors import OmniError
from omni_pulumi.jobs import JobWait
from omni_pulumi.provider import UNKNOWN, OmniResourceError
from omni_pulumi.resources.model import ModelSpec
from tests.unit.conftest import BASE_URL, checked, configured
from tests.unit.omni_steps import sent

MODELS = f"{BASE_URL}/api/v1/models"
CONN = "11111111-1111-1111-1111-111111111111"
MODEL = "22222222-2222-2222-2222-222222222222"
BASE = "33333333-3333-3333-3333-333333333333"
JOB = "44444444-4444-4444-4444-444444444444"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def provider(clock):
    spec = ModelSpec()
    spec.refresh_wait = JobWait(interval=3.0, timeout=60.0, clock=clock)
    spec.schema_wait = JobWait(interval=4.0, clock=clock)  # the timeout is the stack's setting
    return configured(spec)


def record(**overrides):
    return {
        "id": MODEL,
        "connectionId": CONN,
        "modelKind": "SCHEMA",
        "name": "warehouse",
        "baseModelId": None,
        "createdAt": "2026-07-22T00:00:00Z",
        "updatedAt": "2026-07-22T00:00:00Z",
        "deletedAt": None,
        **overrides,
    }


def listed(api, *records):
    api.get(
        MODELS,
        match=[matchers.query_param_matcher({"modelId": MODEL, "includeDeleted": "true"})],
        json={"records": list(records), "pageInfo": {"hasNextPage": False, "nextCursor": None}},
    )


def all_listed(api, *records):
    """The unfiltered model list a refresh reads (one page of 100)."""
    api.get(
        MODELS,
        match=[matchers.query_param_matcher({"pageSize": "100"})],
        json={"records": list(records), "pageInfo": {"hasNextPage": False, "nextCursor": None}},
    )


# -- create ----------------------------------------------------------------------------------------


def test_create_shared_model_sends_every_setting_in_omnis_spelling(api, provider):
    inputs = checked(
        provider,
        connection_id=CONN,
        model_kind="SHARED_EXTENSION",
        model_name="sales",
        base_model_id=BASE,
        access_grants=[{"name": "region", "access_boostable": True, "allowed_values": ["eu"]}],
        allow_as_workbook_base=True,
        uses_isolated_branches=True,
    )
    api.post(
        MODELS,
        match=[
            matchers.json_params_matcher(
                {
                    "connectionId": CONN,
                    "modelKind": "SHARED_EXTENSION",
                    "modelName": "sales",
                    "baseModelId": BASE,
                    "accessGrants": [
                        {"name": "region", "accessBoostable": True, "allowedValues": ["eu"]}
                    ],
                    "allowAsWorkbookBase": True,
                    "usesIsolatedBranches": True,
                }
            )
        ],
        json={
            "success": True,
            "model": {"id": MODEL, "modelKind": "SHARED_EXTENSION", "name": "sales"},
        },
    )
    result = provider.create(inputs)
    assert result.id == MODEL
    assert result.outs["model_name"] == "sales"
    assert result.outs["access_grants"][0]["allowed_values"] == ["eu"]


def test_create_reads_the_id_from_either_answer_shape(api, provider):
    inputs = checked(provider, connection_id=CONN, refresh_schema=False)
    api.post(MODELS, json={"id": MODEL, "modelKind": "SCHEMA", "name": "warehouse"})
    listed(api, record(name="warehouse"))
    result = provider.create(inputs)
    assert result.id == MODEL
    # The program left the name to Omni: Pulumi keeps the name Omni gave.
    assert result.outs["model_name"] == "warehouse"
    assert result.outs["refresh_schema"] is False


def test_a_schema_models_name_is_read_back_not_taken_from_the_answer(api, provider):
    # Omni names a SCHEMA model after its connection (finding 31), and its write answers are not
    # dependable (finding 14): the name in the outputs is the one Omni lists.
    inputs = checked(provider, connection_id=CONN, refresh_schema=False)
    api.post(MODELS, json={"success": True, "model": {"id": MODEL, "name": ""}})
    listed(api, record(name="Snowflake (prod)"))
    assert provider.create(inputs).outs["model_name"] == "Snowflake (prod)"


def test_schema_refresh_runs_after_create_by_default_and_is_awaited(api, provider, clock):
    inputs = checked(provider, connection_id=CONN)
    assert inputs["refresh_schema"] is None  # unset: the kind decides
    api.post(MODELS, json={"success": True, "model": {"id": MODEL, "name": "warehouse"}})
    listed(api, record(name="warehouse"))
    api.post(
        f"{MODELS}/{MODEL}/refresh",
        match=[matchers.query_param_matcher({"hard_refresh": "true"})],
        json={"jobId": JOB, "modelId": MODEL, "status": "running"},
    )
    status = f"{BASE_URL}/api/v1/jobs/{JOB}/status"
    api.get(status, json={"job_id": JOB, "job_type": "REFRESH_SCHEMA", "status": "IN_PROGRESS"})
    api.get(status, json={"job_id": JOB, "job_type": "REFRESH_SCHEMA", "status": "IN_PROGRESS"})
    api.get(status, json={"job_id": JOB, "job_type": "REFRESH_SCHEMA", "status": "COMPLETED"})
    result = provider.create(inputs)
    assert result.id == MODEL
    assert result.outs["refresh_schema"] is True
    assert clock.sleeps == [3.0, 3.0]


def test_soft_refresh_is_passed_explicitly(api, provider):
    inputs = checked(provider, connection_id=CONN, refresh_schema=True, hard_refresh=False)
    api.post(MODELS, json={"model": {"id": MODEL, "name": "w"}})
    listed(api, record(name="w"))
    api.post(
        f"{MODELS}/{MODEL}/refresh",
        match=[matchers.query_param_matcher({"hard_refresh": "false"})],
        json={"jobId": JOB, "modelId": MODEL, "status": "completed"},
    )
    assert provider.create(inputs).id == MODEL


def test_failed_refresh_fails_the_create_naming_the_model_to_adopt(api, provider):
    inputs = checked(provider, connection_id=CONN)
    api.post(MODELS, json={"model": {"id": MODEL, "name": "warehouse"}})
    listed(api, record(name="warehouse"))
    api.post(f"{MODELS}/{MODEL}/refresh", json={"jobId": JOB, "status": "running"})
    api.get(f"{BASE_URL}/api/v1/jobs/{JOB}/status", json={"job_id": JOB, "status": "FAILED"})
    with pytest.raises(OmniError) as err:
        provider.create(inputs)
    message = str(err.value)
    assert "schema refresh of Model 'warehouse'" in message
    assert "failed" in message
    assert f"adopt_id={MODEL!r}" in message


def test_refresh_that_outlasts_the_bound_fails_without_real_waiting(api, provider, clock):
    inputs = checked(provider, connection_id=CONN, refresh_schema=True)
    api.post(MODELS, json={"model": {"id": MODEL, "name": "w"}})
    listed(api, record(name="w"))
    api.post(f"{MODELS}/{MODEL}/refresh", json={"jobId": JOB, "status": "running"})
    api.get(f"{BASE_URL}/api/v1/jobs/{JOB}/status", json={"status": "IN_PROGRESS"})
    with pytest.raises(OmniError, match="still IN_PROGRESS after 60 s"):
        provider.create(inputs)
    assert sum(clock.sleeps) == pytest.approx(60.0)


def test_second_schema_model_on_a_connection_names_the_one_to_adopt(api, provider):
    inputs = checked(provider, connection_id=CONN)
    api.post(MODELS, status=400, json={"detail": "Schema model already exists for the connection"})
    api.get(
        MODELS,
        match=[
            matchers.query_param_matcher(
                {"connectionId": CONN, "modelKind": "SCHEMA", "pageSize": "100"}
            )
        ],
        json={"records": [record()], "pageInfo": {"hasNextPage": False}},
    )
    with pytest.raises(OmniResourceError) as err:
        provider.create(inputs)
    message = str(err.value)
    assert "Schema model already exists for the connection" in message
    assert f"adopt_id={MODEL!r}" in message


# -- check -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("news", "prop", "words"),
    [
        ({"model_kind": "QUERY"}, "base_model_id", "required for QUERY"),
        ({"model_kind": "BRANCH"}, "base_model_id", "required for BRANCH"),
        ({"base_model_id": BASE}, "base_model_id", "models only, not 'SCHEMA'"),
        ({"model_kind": "SHARED", "refresh_schema": True}, "refresh_schema", "only SCHEMA"),
        ({"model_name": "schema"}, "model_name", "after its connection"),
        ({"model_kind": "SCHEMA", "model_name": "x"}, "model_name", "leave model_name unset"),
        (
            {"model_kind": "SHARED", "uses_isolated_branches": True},
            "uses_isolated_branches",
            "SHARED_EXTENSION",
        ),
        ({"model_kind": "TOPIC"}, "model_kind", "use SCHEMA, SHARED"),
        ({"connection_id": "conn"}, "connection_id", "pass a Connection's `id`"),
    ],
)
def test_check_refuses_naming_the_argument_and_the_fix(provider, news, prop, words):
    result = provider.check({}, {"connection_id": CONN, **news})
    assert [f.property for f in result.failures] == [prop]
    assert f"Model.{prop}" in result.failures[0].reason
    assert words in result.failures[0].reason


def test_check_waits_for_unknown_kind_during_preview(provider):
    from omni_pulumi.provider import UNKNOWN

    result = provider.check({}, {"connection_id": CONN, "model_kind": UNKNOWN})
    assert result.failures == []


# -- diff ------------------------------------------------------------------------------------------

ALL = {
    "connection_id": CONN,
    "model_kind": "SHARED_EXTENSION",
    "model_name": "sales",
    "base_model_id": BASE,
    "access_grants": [{"name": "region", "access_boostable": True}],
    "allow_as_workbook_base": True,
    "uses_isolated_branches": False,
}


def test_no_diff_after_create_with_every_argument_set(api, provider):
    inputs = checked(provider, **ALL)
    api.post(MODELS, json={"model": {"id": MODEL, "name": "sales"}})
    outs = provider.create(inputs).outs
    diff = provider.diff(MODEL, outs, checked(provider, **ALL))
    assert diff.changes is False
    assert diff.replaces == []


@pytest.mark.parametrize(
    ("change", "replaces"),
    [
        ({"model_name": "renamed"}, []),
        ({"refresh_schema": False}, []),
        ({"hard_refresh": False}, []),
        ({"connection_id": BASE}, ["connection_id"]),
        (
            {"model_kind": "SHARED_EXTENSION", "base_model_id": BASE},
            ["model_kind", "base_model_id"],
        ),
        ({"access_grants": []}, ["access_grants"]),
        ({"allow_as_workbook_base": False}, ["allow_as_workbook_base"]),
    ],
)
def test_only_the_name_and_local_flags_update_in_place(provider, change, replaces):
    olds = checked(
        provider,
        connection_id=CONN,
        model_kind="SHARED",
        model_name="w",
        access_grants=[{"name": "g"}],
        allow_as_workbook_base=True,
    )
    news = checked(provider, **{**olds, **change, "adopt_id": None})
    diff = provider.diff(MODEL, olds, news)
    assert diff.changes is True
    assert diff.replaces == replaces


@pytest.mark.parametrize("recorded", [False, True, None])
def test_an_unset_refresh_flag_never_diffs(provider, recorded):
    # State written when refresh_schema defaulted to false, or holding the value it took at
    # create: unset now means "the kind's default", which is no change.
    olds = {**checked(provider, connection_id=CONN), "refresh_schema": recorded}
    olds["model_name"] = "Warehouse"  # Omni's name, in the outputs
    diff = provider.diff(MODEL, olds, checked(provider, connection_id=CONN))
    assert diff.changes is False


# -- update ----------------------------------------------------------------------------------------


def test_rename_is_a_patch_of_the_name_read_back(api, provider):
    olds = checked(provider, connection_id=CONN, model_kind="SHARED", model_name="old")
    news = checked(provider, connection_id=CONN, model_kind="SHARED", model_name="new")
    api.patch(
        f"{MODELS}/{MODEL}",
        match=[matchers.json_params_matcher({"name": "new"})],
        # A live Omni answers a rename with empty fields (finding 14): never taken as the name.
        json={"success": True, "model": {"id": "", "name": ""}},
    )
    listed(api, record(modelKind="SHARED", name="new"))
    assert provider.update(MODEL, olds, news).outs["model_name"] == "new"


def test_a_rename_omni_did_not_make_fails_naming_both_names(api, provider):
    olds = checked(provider, connection_id=CONN, model_kind="SHARED", model_name="old")
    news = checked(provider, connection_id=CONN, model_kind="SHARED", model_name="new")
    api.patch(f"{MODELS}/{MODEL}", json={"success": True, "model": {"id": MODEL, "name": "new"}})
    listed(api, record(modelKind="SHARED", name="old"))
    with pytest.raises(OmniError, match=r"rename to 'new'.*reads back as 'old'"):
        provider.update(MODEL, olds, news)


def test_changing_the_refresh_flags_calls_nothing(api, provider):
    olds = {**checked(provider, connection_id=CONN, refresh_schema=True), "model_name": "w"}
    news = checked(provider, connection_id=CONN, refresh_schema=False, hard_refresh=False)
    outs = provider.update(MODEL, olds, news).outs
    assert len(api.calls) == 0
    assert outs["refresh_schema"] is False and outs["hard_refresh"] is False
    assert outs["model_name"] == "w", "Omni's name of a SCHEMA model is kept"


# -- read ------------------------------------------------------------------------------------------


def test_read_keeps_what_omni_never_returns(api, provider):
    state = {**checked(provider, **ALL), "model_name": "sales"}
    all_listed(api, record(modelKind="SHARED_EXTENSION", name="renamed in omni", baseModelId=BASE))
    result = provider.read(MODEL, state)
    assert sent(api) == [("GET", "/api/v1/models?pageSize=100", None)]
    assert result.id == MODEL
    assert result.outs["model_name"] == "renamed in omni"
    assert result.outs["access_grants"] == state["access_grants"]
    assert result.outs["allow_as_workbook_base"] is True


@pytest.mark.parametrize("records", [[], [record(deletedAt="2026-07-23T00:00:00Z")]])
def test_model_deleted_outside_pulumi_reads_as_gone(api, provider, records):
    # The list leaves archived models out; one missing from it is read by id (with the
    # archived ones) before it is called gone.
    all_listed(api)
    listed(api, *records)
    assert provider.read(MODEL, checked(provider, connection_id=CONN)).id == ""
    assert [call[1] for call in sent(api)] == [
        "/api/v1/models?pageSize=100",
        f"/api/v1/models?includeDeleted=true&modelId={MODEL}",
    ]


# -- delete ----------------------------------------------------------------------------------------


def shared_state(provider, kind="SHARED"):
    base = {"base_model_id": BASE} if kind != "SHARED" else {}
    return checked(provider, connection_id=CONN, model_kind=kind, model_name="sales", **base)


def test_destroy_archives_a_shared_model_and_says_what_went_with_it(api, provider, capsys):
    api.delete(f"{MODELS}/{MODEL}", json={"success": True})
    provider.delete(MODEL, shared_state(provider))
    out, err = capsys.readouterr()
    assert out == ""
    assert MODEL in err and "'sales'" in err
    for words in ("archived, not deleted", "trash", "restored", "git configuration was removed"):
        assert words in err, err
    assert "still exists" not in err


def test_destroy_archives_an_extension_without_a_word_on_git(api, provider, capsys):
    api.delete(f"{MODELS}/{MODEL}", json={"success": True})
    provider.delete(MODEL, shared_state(provider, "SHARED_EXTENSION"))
    err = capsys.readouterr().err
    assert "archived, not deleted" in err and "git" not in err


def test_destroy_of_a_shared_model_omni_already_archived_is_quiet(api, provider, capsys):
    api.delete(f"{MODELS}/{MODEL}", status=404, json={"detail": "Model not found", "status": 404})
    provider.delete(MODEL, shared_state(provider))
    assert capsys.readouterr().err == ""


def test_destroy_leaves_a_schema_model_to_its_connection(api, provider, capsys):
    listed(api, record(name="warehouse"))
    provider.delete(MODEL, {**checked(provider, connection_id=CONN), "model_name": "warehouse"})
    assert [c.request.method for c in api.calls] == ["GET"], "a SCHEMA model is never DELETEd"
    out, err = capsys.readouterr()
    assert out == ""
    assert MODEL in err and "'warehouse'" in err
    assert "cannot delete a SCHEMA model" in err and "connection is archived" in err


def test_destroy_of_a_schema_model_trashed_with_its_connection_says_nothing(api, provider, capsys):
    listed(api, record(deletedAt="2026-07-23T00:00:00Z"))
    provider.delete(MODEL, {**checked(provider, connection_id=CONN), "model_name": "warehouse"})
    assert capsys.readouterr().err == ""


def test_destroy_leaves_a_query_model_in_omni_and_says_so(api, provider, capsys):
    state = checked(
        provider, connection_id=CONN, model_kind="QUERY", model_name="q", base_model_id=BASE
    )
    provider.delete(MODEL, state)
    assert len(api.calls) == 0
    err = capsys.readouterr().err
    assert MODEL in err and "still exists in Omni" in err


# -- adoption --------------------------------------------------------------------------------------


def test_adopt_renames_without_creating(api, provider, capsys):
    inputs = checked(
        provider, connection_id=CONN, model_kind="SHARED", model_name="wanted", adopt_id=MODEL
    )
    listed(api, record(modelKind="SHARED", name="current"))
    api.patch(
        f"{MODELS}/{MODEL}",
        match=[matchers.json_params_matcher({"name": "wanted"})],
        json={"model": {"id": "", "name": ""}},
    )
    listed(api, record(modelKind="SHARED", name="wanted"))
    result = provider.create(inputs)
    assert result.id == MODEL
    assert result.outs["model_name"] == "wanted"
    assert not [c for c in api.calls if c.request.method == "POST"]
    assert "adopted existing Model" in capsys.readouterr().err


def test_adopt_refuses_a_different_replace_only_setting(api, provider):
    inputs = checked(
        provider, connection_id=CONN, model_kind="SHARED", model_name="w", adopt_id=MODEL
    )
    listed(api, record(connectionId=BASE, modelKind="SHARED", name="w"))
    with pytest.raises(OmniResourceError) as err:
        provider.create(inputs)
    message = str(err.value)
    assert "`connection_id`" in message and repr(BASE) in message and repr(CONN) in message


def test_adopt_of_a_missing_model_names_kind_and_id(api, provider):
    inputs = checked(provider, connection_id=CONN, adopt_id=MODEL)
    listed(api)
    with pytest.raises(
        OmniResourceError, match=f"Omni has no such Model.*{MODEL}|{MODEL}.*Omni has no such Model"
    ):
        provider.create(inputs)


# -- find_existing ---------------------------------------------------------------------------------


def test_find_existing_matches_connection_kind_and_name(api, provider):
    api.get(
        MODELS,
        match=[
            matchers.query_param_matcher(
                {"connectionId": CONN, "modelKind": "SHARED", "name": "sales", "pageSize": "100"}
            )
        ],
        json={
            "records": [
                record(id="x", modelKind="SHARED", name="sales", deletedAt="2026-01-01"),
                record(modelKind="SHARED", name="sales"),
            ],
            "pageInfo": {"hasNextPage": False},
        },
    )
    args = {"connection_id": CONN, "model_kind": "SHARED", "model_name": "sales"}
    assert ModelSpec().find_existing(provider._client(), args) == MODEL


# -- changes Omni cannot make ----------------------------------------------------------------------


SCHEMA_MODEL = {"connection_id": CONN, "access_grants": [{"name": "g"}]}


@pytest.mark.parametrize(
    ("change", "prop"),
    [
        ({"access_grants": []}, "access_grants"),
        ({"allow_as_workbook_base": True}, "allow_as_workbook_base"),
    ],
)
def test_replacing_a_schema_model_on_the_same_connection_is_refused_at_preview(
    provider, change, prop
):
    # The replacement would POST a second SCHEMA model on the connection (a 400), and the old
    # one cannot be deleted: `up` could only fail after a preview that showed "replace".
    olds = checked(provider, **SCHEMA_MODEL)
    result = provider.check(olds, {**SCHEMA_MODEL, **change})
    assert [f.property for f in result.failures] == [prop]
    reason = result.failures[0].reason
    assert reason.startswith(f"Model.{prop}: cannot change on a deployed SCHEMA model")
    assert "one SCHEMA model" in reason and "cannot delete" in reason
    assert "Keep the deployed value" in reason


@pytest.mark.parametrize(
    "change",
    [
        {"connection_id": BASE},  # a new connection has room for its SCHEMA model
        {
            "model_kind": "SHARED",
            "access_grants": [],
        },  # a SHARED model is not the one per connection
        {"model_kind": "SHARED", "model_name": "renamed", "access_grants": []},  # not SCHEMA
        {"access_grants": [{"name": "g"}], "refresh_schema": True},  # no change to Omni
    ],
)
def test_other_schema_model_changes_pass_check(provider, change):
    olds = checked(provider, **SCHEMA_MODEL)
    result = provider.check(olds, {**SCHEMA_MODEL, **change})
    assert result.failures == []


def test_a_schema_model_change_waits_for_an_unknown_connection(provider):
    olds = checked(provider, **SCHEMA_MODEL)
    result = provider.check(olds, {**SCHEMA_MODEL, "connection_id": UNKNOWN, "access_grants": []})
    assert result.failures == []


# -- models built on the schema wait for it ---------------------------------------------------------

CONNECTION = f"{BASE_URL}/api/v1/connections/{CONN}"
SCHEMA_ID = "55555555-5555-5555-5555-555555555555"
BARE_404 = {"status": 404, "body": ""}  # a live Omni's answer until the schema is built (33)
NO_SCHEMA = {
    "status": 400,
    "json": {
        "detail": "Bad Request: Schema model does not exist when creating a non-schema model",
        "status": 400,
    },
}


def shared_inputs(provider):
    return checked(provider, connection_id=CONN, model_kind="SHARED", model_name="Analytics")


def connection_found(api, deleted_at=None):
    api.get(CONNECTION, json={"connection": {"id": CONN, "deletedAt": deleted_at}})


def schema_listed(api, *records):
    api.get(
        MODELS,
        match=[
            matchers.query_param_matcher(
                {"connectionId": CONN, "modelKind": "SCHEMA", "pageSize": "100"}
            )
        ],
        json={"records": list(records), "pageInfo": {"hasNextPage": False}},
    )


def made(api):
    api.post(MODELS, json={"success": True, "model": {"id": MODEL, "name": "Analytics"}})


def test_a_shared_model_waits_for_the_schema_refresh_and_says_so(api, provider, clock, capsys):
    api.post(MODELS, **BARE_404)
    connection_found(api)
    schema_listed(api, record(id=SCHEMA_ID))
    api.post(MODELS, **BARE_404)  # the same refusal: not looked into again
    made(api)
    result = provider.create(shared_inputs(provider))
    assert result.id == MODEL
    assert clock.sleeps == [1.0, 2.0]
    out, err = capsys.readouterr()
    assert out == ""
    (said,) = err.splitlines()  # once, not per poll
    assert "waiting up to 600 s" in said and SCHEMA_ID in said and "schema refresh" in said


def test_the_wait_is_bounded_by_the_stack_setting_and_names_the_fix(api, clock):
    spec = ModelSpec()
    spec.schema_wait = JobWait(interval=4.0, clock=clock)
    provider = configured(spec, **{"omni:schemaRefreshWaitSeconds": "30"})
    api.post(MODELS, **BARE_404)
    connection_found(api)
    schema_listed(api, record(id=SCHEMA_ID))
    with pytest.raises(OmniError) as err:
        provider.create(shared_inputs(provider))
    assert sum(clock.sleeps) == pytest.approx(30.0)
    assert max(clock.sleeps) == 4.0
    message = str(err.value)
    for words in (
        "Model 'Analytics'",
        SCHEMA_ID,
        "refresh_schema",
        "omni:schemaRefreshWaitSeconds",
    ):
        assert words in message, message


def test_no_wait_at_all_when_the_setting_is_zero(api, clock):
    spec = ModelSpec()
    spec.schema_wait = JobWait(clock=clock)
    provider = configured(spec, **{"omni:schemaRefreshWaitSeconds": "0"})
    api.post(MODELS, **BARE_404)
    connection_found(api)
    schema_listed(api, record(id=SCHEMA_ID))
    with pytest.raises(OmniError, match="has not been built"):
        provider.create(shared_inputs(provider))
    assert clock.sleeps == []


def test_a_shared_model_waits_briefly_for_a_schema_model_created_beside_it(api, provider, clock):
    # Nothing orders the two creates: the SCHEMA model's POST may come second.
    api.post(MODELS, **NO_SCHEMA)
    made(api)
    assert provider.create(shared_inputs(provider)).id == MODEL
    assert clock.sleeps == [1.0]


def test_a_connection_without_a_schema_model_fails_with_the_cause_and_fix(api, provider, clock):
    api.post(MODELS, **NO_SCHEMA)
    with pytest.raises(OmniError) as err:
        provider.create(shared_inputs(provider))
    assert sum(clock.sleeps) == pytest.approx(ModelSpec.schema_model_grace)
    message = str(err.value)
    assert f"connection {CONN} has no SCHEMA model" in message
    assert "model_kind='SCHEMA'" in message and "connection_id=schema.connection_id" in message
    assert "Schema model does not exist" in message, "Omni's own words are kept"


@pytest.mark.parametrize("deleted_at", [None, "2026-07-23T00:00:00Z"])
def test_a_bare_404_for_a_missing_connection_fails_at_once_naming_it(
    api, provider, clock, deleted_at
):
    api.post(MODELS, **BARE_404)
    if deleted_at:
        connection_found(api, deleted_at)
    else:
        api.get(CONNECTION, status=404, json={"detail": "Connection not found", "status": 404})
    with pytest.raises(OmniResourceError) as err:
        provider.create(shared_inputs(provider))
    assert clock.sleeps == []
    message = str(err.value)
    assert f"connection_id {CONN} names no live connection" in message
    assert "Model 'Analytics'" in message


def test_a_404_with_omnis_words_is_not_waited_on(api, provider, clock):
    detail = f"Connection with id {CONN} does not exist"
    api.post(MODELS, status=404, json={"detail": detail, "status": 404})
    with pytest.raises(OmniResourceError, match=detail):
        provider.create(shared_inputs(provider))
    assert clock.sleeps == []
    assert len(api.calls) == 1
