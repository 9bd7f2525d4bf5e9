"""The lifecycle engine, driven by a toy resource that uses every kind of argument.

Label, Folder and UserGroup have their own files; this one checks what the engine decides for every
resource alike: check, diff, adoption, duplicate-safe create, read, delete, and what error texts hold.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

import pytest
import requests
import responses
from pulumi.output import Unknown
from pydantic import Field

from omni_pulumi.client import OmniClient, quote_segment
from omni_pulumi.errors import OmniNotFound
from omni_pulumi.provider import UNKNOWN, OmniResourceError
from omni_pulumi.resources import SPECS
from omni_pulumi.spec import Arg, OmniArgs, Output, ResourceSpec
from tests.unit.conftest import API_KEY, BASE_URL, configured
from tests.unit.omni_steps import check, create, program, sent, update

WIDGETS = f"{BASE_URL}/api/v1/widgets"
PASSWORD = "hunter2-widget-password"


class WidgetArgs(OmniArgs):
    name: Annotated[str, Field(min_length=1), Arg(updatable=True)]
    kind: Annotated[Literal["a", "b"], Arg(hint="use 'a' or 'b'")]
    region: Annotated[str | None, Arg(computed=True)] = None
    tags: Annotated[list[str], Arg(updatable=True, unordered=True)] = []
    password: Annotated[
        str | None, Arg(updatable=True, secret=True, write_only=True, api="passwordUnencrypted")
    ] = None
    size: Annotated[int, Field(ge=1, le=10), Arg(updatable=True, hint="use 1 to 10")] = 1


def _observed(body: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("name", "kind", "region", "tags", "size", "token")
    return {k: sorted(body[k]) if k == "tags" else body[k] for k in keys if k in body}


class WidgetSpec(ResourceSpec):
    """A toy Omni object: replace-only, computed, unordered, secret write-only, a secret output."""

    type_name = "Widget"
    args_model = WidgetArgs
    outputs = {"token": Output("A token Omni makes.", secret=True)}
    id_doc = "the widget's id"
    natural_key = ("name",)

    def check_rules(self, args, unknown):
        waiting = {"size", "kind"} & unknown
        if not waiting and args["kind"] == "b" and args["size"] > 5:
            yield "size", "a kind 'b' widget holds at most 5"

    def create(self, client: OmniClient, args):
        body = {f.api_name: args[f.name] for f in self.fields() if args[f.name] is not None}
        made = client.post("/api/v1/widgets", json=body)
        return made["id"], _observed(made)

    def read(self, client: OmniClient, id_, state):
        try:
            return _observed(client.get(f"/api/v1/widgets/{quote_segment(id_)}"))
        except OmniNotFound:
            return None

    def update(self, client: OmniClient, id_, olds, news, changed):
        body = {f.api_name: news[f.name] for f in self.fields() if f.arg.updatable}
        return _observed(client.patch(f"/api/v1/widgets/{quote_segment(id_)}", json=body))

    def delete(self, client: OmniClient, id_, state):
        client.delete(f"/api/v1/widgets/{quote_segment(id_)}")

    def find_existing(self, client: OmniClient, args):
        found = client.get("/api/v1/widgets", params={"name": args["name"]})["widgets"]
        return found[0]["id"] if found else None


def widget(id_: str = "w1", **fields: Any) -> dict[str, Any]:
    """A widget as Omni answers it (never with the password)."""
    body = {"id": id_, "name": "W", "kind": "a", "region": "eu", "tags": [], "size": 1}
    return {**body, "token": "tok-1", **fields}


SPEC = WidgetSpec


@pytest.fixture
def made(api, provider):
    """A widget created with every argument but the computed region, the request log cleared."""
    api.add(responses.POST, WIDGETS, json=widget(tags=["x", "y"], size=2), status=201)
    id_, outs = create(provider, name="W", kind="a", tags=["y", "x"], password=PASSWORD, size=2)
    api.calls.reset()
    return id_, outs


# -- check --------------------------------------------------------------------------------------


def test_check_names_each_problem_with_its_argument_and_the_fix(provider):
    result = provider.check({}, program(provider, kind="c", size=11, colour="red"))

    reasons = {f.property: f.reason for f in result.failures}
    assert set(reasons) == {"name", "kind", "size", "colour"}
    assert reasons["name"] == "Widget.name: is required"
    assert "use 'a' or 'b'" in reasons["kind"]
    assert "use 1 to 10" in reasons["size"]
    assert "not an argument of this resource" in reasons["colour"]


def test_check_reports_rules_across_arguments(provider):
    result = provider.check({}, program(provider, name="W", kind="b", size=6))

    assert [(f.property, f.reason) for f in result.failures] == [
        ("size", "Widget.size: a kind 'b' widget holds at most 5")
    ]


@pytest.mark.parametrize("unknown", [UNKNOWN, Unknown()], ids=["sentinel", "Unknown"])
def test_check_lets_unknown_values_through_in_preview(provider, unknown):
    result = provider.check(
        {}, program(provider, name=unknown, kind="b", size=unknown, tags=["x", unknown])
    )

    assert result.failures == []
    assert result.inputs["name"] is unknown
    assert result.inputs["size"] is unknown  # the cross-argument rule waits for `up`
    assert result.inputs["tags"] == ["x", unknown]


def test_check_fills_defaults_while_a_required_argument_is_unknown(provider):
    """A preview shows only what really changes, even before another resource's id is known."""
    result = provider.check({}, program(provider, name=UNKNOWN, kind="a"))

    assert result.failures == []
    assert (result.inputs["tags"], result.inputs["size"]) == ([], 1)


def test_check_sorts_unordered_lists_so_diffs_are_stable(provider):
    assert check(provider, name="W", kind="a", tags=["b", "c", "a"])["tags"] == ["a", "b", "c"]


# -- diff ---------------------------------------------------------------------------------------


def test_create_outputs_as_olds_and_the_same_program_diff_to_nothing(provider, made):
    id_, outs = made

    news = check(provider, outs, name="W", kind="a", tags=["x", "y"], password=PASSWORD, size=2)
    diff = provider.diff(id_, outs, news)

    assert (diff.changes, diff.replaces) == (False, [])


def test_computed_arguments_left_unset_never_diff(provider, made):
    id_, outs = made
    assert outs["region"] == "eu"  # Omni chose it

    diff = provider.diff(id_, outs, check(provider, outs, **_program_of(outs)))

    assert diff.changes is False


def test_a_computed_argument_the_program_sets_differently_replaces(provider, made):
    id_, outs = made

    diff = provider.diff(id_, outs, check(provider, outs, **_program_of(outs), region="us"))

    assert (diff.changes, diff.replaces) == (True, ["region"])


@pytest.mark.parametrize(
    ("change", "replaces"),
    [
        ({"name": "V"}, []),
        ({"size": 3}, []),
        ({"tags": ["z"]}, []),
        ({"password": "new-password"}, []),
        ({"kind": "b"}, ["kind"]),
    ],
)
def test_diff_puts_only_replace_only_arguments_in_replaces(provider, made, change, replaces):
    id_, outs = made

    diff = provider.diff(id_, outs, check(provider, outs, **{**_program_of(outs), **change}))

    assert diff.changes is True
    assert diff.replaces == replaces


@pytest.mark.parametrize("unknown", [UNKNOWN, Unknown()], ids=["sentinel", "Unknown"])
@pytest.mark.parametrize(
    ("field", "replaces"), [("name", []), ("kind", ["kind"]), ("region", ["region"])]
)
def test_diff_reports_unknown_values_as_changes(provider, made, unknown, field, replaces):
    id_, outs = made

    news = provider.check(outs, program(provider, **{**_program_of(outs), field: unknown})).inputs
    diff = provider.diff(id_, outs, news)

    assert diff.changes is True
    assert diff.replaces == replaces


@pytest.mark.parametrize(("old", "new"), [(None, "w9"), ("w9", None), ("w9", "w8")])
def test_adopt_id_never_diffs(provider, made, old, new):
    id_, outs = made

    news = check(provider, outs, **_program_of(outs), adopt_id=new)
    diff = provider.diff(id_, {**outs, "adopt_id": old}, news)

    assert (diff.changes, diff.replaces) == (False, [])


@pytest.mark.parametrize("spec", [*SPECS, WidgetSpec], ids=lambda s: s.type_name)
def test_diff_always_decides(spec):
    provider = configured(spec())
    olds = {f.name: f.default for f in spec.fields()}
    for news in (dict(olds), {**olds, "adopt_id": "x"}, {k: UNKNOWN for k in olds}):
        assert provider.diff("id", olds, news).changes is not None


def test_replacing_while_keeping_the_unique_name_deletes_first(provider, made):
    id_, outs = made

    same_name = provider.diff(
        id_, outs, check(provider, outs, **{**_program_of(outs), "kind": "b"})
    )
    new_name = provider.diff(
        id_, outs, check(provider, outs, **{**_program_of(outs), "kind": "b", "name": "V"})
    )

    assert same_name.delete_before_replace is True  # Omni would refuse a second "W"
    assert new_name.delete_before_replace is False


# -- create, update, read, delete ------------------------------------------------------------------


def test_create_sends_the_write_only_secret_and_keeps_it_in_state(api, provider):
    api.add(responses.POST, WIDGETS, json=widget(), status=201)

    id_, outs = create(provider, name="W", kind="a", password=PASSWORD)

    assert sent(api)[0][2]["passwordUnencrypted"] == PASSWORD
    assert id_ == "w1"
    assert (outs["password"], outs["token"], outs["region"]) == (PASSWORD, "tok-1", "eu")


def test_update_records_the_new_outputs_and_keeps_what_omni_chose(api, provider, made):
    id_, outs = made
    api.add(responses.PATCH, f"{WIDGETS}/w1", json=widget(tags=["x", "y"], size=3, token="tok-2"))

    _, outs = update(provider, id_, outs, **{**_program_of(outs), "size": 3})

    assert sent(api)[0][2] == {
        "name": "W",
        "tags": ["x", "y"],
        "passwordUnencrypted": PASSWORD,
        "size": 3,
    }
    assert (outs["size"], outs["token"], outs["region"]) == (3, "tok-2", "eu")


def test_read_takes_omnis_values_and_carries_write_only_ones_over(api, provider, made):
    id_, outs = made
    api.add(responses.GET, f"{WIDGETS}/w1", json=widget(tags=["z"], size=4))

    result = provider.read(id_, outs)

    assert result.id == id_
    assert (result.outs["tags"], result.outs["size"]) == (["z"], 4)
    assert result.outs["password"] == PASSWORD  # Omni never returns it


def test_read_of_an_object_gone_outside_pulumi_returns_an_empty_id(api, provider, made):
    id_, outs = made
    api.add(responses.GET, f"{WIDGETS}/w1", json={"detail": "Not found"}, status=404)

    result = provider.read(id_, outs)

    assert (result.id, result.outs) == ("", {})


def test_delete_of_an_already_deleted_object_succeeds(api, provider, made):
    id_, outs = made
    api.add(responses.DELETE, f"{WIDGETS}/w1", json={"detail": "Not found"}, status=404)

    provider.delete(id_, outs)

    assert sent(api) == [("DELETE", "/api/v1/widgets/w1", None)]


def test_a_failed_call_names_the_resource_and_omnis_words(api, provider, made):
    id_, outs = made
    api.add(responses.DELETE, f"{WIDGETS}/w1", json={"detail": "Widget is busy"}, status=409)

    with pytest.raises(
        OmniResourceError, match=r"^Widget 'W' \(w1\): delete failed: .*Widget is busy"
    ):
        provider.delete(id_, outs)


def test_no_answer_at_all_names_the_resource(api, made):
    id_, outs = made
    impatient = configured(WidgetSpec(), **{"omni:maxRetryWaitSeconds": "0"})
    api.add(responses.GET, f"{WIDGETS}/w1", body=requests.ConnectionError("connection reset"))

    with pytest.raises(OmniResourceError, match=r"^Widget 'W' \(w1\): read failed: GET "):
        impatient.read(id_, outs)


# -- adoption -----------------------------------------------------------------------------------------


def test_adopt_writes_differing_settings_and_the_given_secret_and_posts_nothing(
    api, provider, capsys
):
    api.add(responses.GET, f"{WIDGETS}/w7", json=widget("w7", tags=["x"]))
    api.add(responses.PATCH, f"{WIDGETS}/w7", json=widget("w7", tags=["x"], size=2))

    id_, outs = create(
        provider, name="W", kind="a", tags=["x"], size=2, password=PASSWORD, adopt_id="w7"
    )

    assert [(m, p) for m, p, _ in sent(api)] == [
        ("GET", "/api/v1/widgets/w7"),
        ("PATCH", "/api/v1/widgets/w7"),
    ]
    assert sent(api)[1][2]["passwordUnencrypted"] == PASSWORD  # write-only: always written
    assert (id_, outs["size"], outs["region"], outs["adopt_id"]) == ("w7", 2, "eu", "w7")
    err = capsys.readouterr()
    assert err.out == ""  # stdout carries the host's gRPC port
    assert "adopted existing Widget 'w7'" in err.err
    assert "size" in err.err and PASSWORD not in err.err


def test_adopt_of_a_matching_object_writes_nothing(api, provider):
    api.add(responses.GET, f"{WIDGETS}/w7", json=widget("w7", region="us"))

    id_, outs = create(provider, name="W", kind="a", adopt_id="w7")

    assert [m for m, _, _ in sent(api)] == ["GET"]
    assert (id_, outs["region"], outs["token"]) == ("w7", "us", "tok-1")


def test_adopt_refuses_a_differing_replace_only_setting(api, provider):
    api.add(responses.GET, f"{WIDGETS}/w7", json=widget("w7", kind="b"))

    with pytest.raises(OmniResourceError) as error:
        create(provider, name="W", kind="a", adopt_id="w7")

    message = str(error.value)
    assert "Cannot adopt Widget 'w7'" in message
    assert "`kind` is 'b' in Omni but 'a' in the program" in message
    assert [m for m, _, _ in sent(api)] == ["GET"]


def test_adopt_of_a_missing_object_fails_and_creates_nothing(api, provider):
    api.add(responses.GET, f"{WIDGETS}/w7", json={"detail": "Not found"}, status=404)

    with pytest.raises(OmniResourceError) as error:
        create(provider, name="W", kind="a", adopt_id="w7")

    assert "Cannot adopt Widget 'w7': Omni has no such Widget" in str(error.value)
    assert "the widget's id" in str(error.value)
    assert "Nothing was created" in str(error.value)
    assert [m for m, _, _ in sent(api)] == ["GET"]


# -- duplicate-safe create -------------------------------------------------------------------------


def test_a_lost_post_is_looked_up_by_name_and_adopted(api, provider):
    api.add(responses.POST, WIDGETS, body=requests.ConnectionError("connection reset"))
    api.add(responses.GET, WIDGETS, json={"widgets": [{"id": "w1"}]})
    api.add(responses.GET, f"{WIDGETS}/w1", json=widget())

    id_, outs = create(provider, name="W", kind="a")

    assert [(m, p) for m, p, _ in sent(api)] == [
        ("POST", "/api/v1/widgets"),
        ("GET", "/api/v1/widgets?name=W"),
        ("GET", "/api/v1/widgets/w1"),
    ]
    assert (id_, outs["region"]) == ("w1", "eu")


def test_a_post_that_made_nothing_is_sent_once_more(api, provider):
    api.add(responses.POST, WIDGETS, json={"detail": "upstream"}, status=503)
    api.add(responses.GET, WIDGETS, json={"widgets": []})
    api.add(responses.POST, WIDGETS, json=widget(), status=201)

    id_, _ = create(provider, name="W", kind="a")

    assert [m for m, _, _ in sent(api)] == ["POST", "GET", "POST"]
    assert id_ == "w1"


def test_two_lost_posts_fail_naming_the_resource(api, provider):
    api.add(responses.POST, WIDGETS, body=requests.ReadTimeout("read timed out"))
    api.add(responses.GET, WIDGETS, json={"widgets": []})

    with pytest.raises(OmniResourceError) as error:
        create(provider, name="W", kind="a")

    assert str(error.value).startswith("Widget 'W': create failed")
    assert "adopt_id" in str(error.value)
    assert [m for m, _, _ in sent(api)] == ["POST", "GET", "POST"]


# -- secrets in error text --------------------------------------------------------------------------


def test_no_secret_in_an_error_even_when_omni_echoes_it(api, provider):
    echo = {"detail": f"passwordUnencrypted {PASSWORD!r} rejected for key {API_KEY}"}
    api.add(responses.POST, WIDGETS, json=echo, status=400)

    with pytest.raises(OmniResourceError) as error:
        create(provider, name="W", kind="a", password=PASSWORD)

    text = _all_text(error.value)
    assert "rejected" in text
    assert PASSWORD not in text
    assert API_KEY not in text


def test_no_secret_in_check_failures(provider):
    result = provider.check({}, program(provider, name="W", kind="a", password=12345678))

    assert [f.property for f in result.failures] == ["password"]
    assert "12345678" not in result.failures[0].reason


def _program_of(outs: Mapping[str, Any]) -> dict[str, Any]:
    """The program that would have produced these outputs (arguments it set, as it set them)."""
    fields = {f.name: f for f in WidgetSpec.fields()}
    return {k: v for k, v in outs.items() if k in fields and not fields[k].arg.computed}


def _all_text(error: BaseException) -> str:
    """The message of an error and of everything it was raised from."""
    parts = []
    while error is not None:
        parts.append(f"{error!s} {error!r}")
        error = error.__cause__ or error.__context__
    return " ".join(parts)


def test_the_pickle_marker_is_never_an_argument(provider):
    assert "__provider" not in provider.check({}, program(provider, name="W", kind="a")).inputs


class _GrantArgs(OmniArgs):
    grants: Annotated[list[dict[str, Any]], Arg(updatable=True, unordered=True)] = []


class _GrantSpec(ResourceSpec):
    """A toy with an unordered list of dicts (like dbt variables or environment grants)."""

    type_name = "Grants"
    args_model = _GrantArgs


def test_an_unordered_list_of_dicts_keyed_in_another_order_is_no_change():
    """Pins 0b6eed2: dicts whose keys come in another order (Pulumi does not keep key order),
    in another list order, are the same set; a changed value still is a change."""
    grants = configured(_GrantSpec())
    olds = grants.check(
        {}, {"grants": [{"role": "VIEWER", "user": "a"}, {"role": "EDITOR", "user": "b"}]}
    ).inputs
    same = grants.check(
        {}, {"grants": [{"user": "b", "role": "EDITOR"}, {"user": "a", "role": "VIEWER"}]}
    ).inputs
    changed = grants.check(
        {}, {"grants": [{"user": "b", "role": "VIEWER"}, {"user": "a", "role": "VIEWER"}]}
    ).inputs

    assert grants.diff("g1", olds, same).changes is False
    assert grants.diff("g1", olds, changed).changes is True


# -- found in review: rules in a first preview, takeover after a lost answer, adoption clearing ----


def test_rules_across_arguments_run_in_a_first_preview_whose_required_id_is_unknown(provider):
    # A first deploy: `name` comes from another resource and is unknown; the rule still runs.
    result = provider.check({}, program(provider, name=Unknown(), kind="b", size=6))

    assert [f.property for f in result.failures] == ["size"]


def test_rules_about_changes_refuse_at_preview(provider, monkeypatch):
    def no_kind_change(olds, news, replacing):
        if "kind" in replacing:
            yield "kind", "cannot change here"

    monkeypatch.setattr(provider.spec, "check_change", no_kind_change)
    olds = check(provider, name="W", kind="a")
    result = provider.check(olds, program(provider, name="W", kind="b"))

    assert [(f.property, f.reason) for f in result.failures] == [
        ("kind", "Widget.kind: cannot change here")
    ]
    assert provider.check({}, program(provider, name="W", kind="b")).failures == []


def test_after_a_lost_answer_the_found_object_gets_what_differs_but_no_secret_again(api, provider):
    api.add(responses.POST, WIDGETS, body=requests.ConnectionError("reset"))
    api.add(responses.GET, WIDGETS, json={"widgets": [widget()]})
    api.add(responses.GET, f"{WIDGETS}/w1", json=widget(size=1))
    api.add(responses.PATCH, f"{WIDGETS}/w1", json=widget(size=3))

    id_, outs = create(provider, name="W", kind="a", password=PASSWORD, size=3)

    patches = [body for method, _, body in sent(api) if method == "PATCH"]
    assert id_ == "w1" and outs["size"] == 3
    assert len(patches) == 1 and patches[0]["size"] == 3
    assert [m for m, _, _ in sent(api)].count("POST") == 1


def test_adoption_clears_a_setting_the_program_leaves_unset(api, provider):
    # Omni holds tags the program does not name: adoption writes the program's (none), so the
    # next preview has nothing left to change.
    api.add(responses.GET, f"{WIDGETS}/w1", json=widget(tags=["by-hand"]))
    api.add(responses.PATCH, f"{WIDGETS}/w1", json=widget(tags=[]))

    _, outs = create(provider, name="W", kind="a", adopt_id="w1")

    assert [body["tags"] for m, _, body in sent(api) if m == "PATCH"] == [[]]
    assert outs["tags"] == []


def test_adoption_reads_with_the_computed_settings_the_program_gives(api, provider, monkeypatch):
    seen = []
    read = provider.spec.read
    monkeypatch.setattr(
        provider.spec,
        "read",
        lambda client, id_, state: seen.append(dict(state)) or read(client, id_, state),
    )
    api.add(responses.GET, f"{WIDGETS}/w1", json=widget())

    create(provider, name="W", kind="a", region="eu", adopt_id="w1")

    assert seen == [{"region": "eu"}]


def test_state_from_before_an_argument_existed_does_not_diff_against_its_default(provider):
    olds = check(provider, name="W", kind="a")
    del olds["size"]  # written by a version that had no `size` yet

    assert provider.diff("w1", olds, check(provider, name="W", kind="a")).changes is False


def test_a_lost_answer_for_a_resource_that_cannot_look_itself_up_is_refused(
    api, provider, monkeypatch
):
    def cannot_tell(client, args):
        raise NotImplementedError

    monkeypatch.setattr(provider.spec, "find_existing", cannot_tell)
    api.add(responses.POST, WIDGETS, body=requests.ConnectionError("reset"))

    with pytest.raises(OmniResourceError, match="no way to tell whether it made the object"):
        create(provider, name="W", kind="a")
    assert [m for m, _, _ in sent(api)] == ["POST"]
