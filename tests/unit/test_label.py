"""Label: keyed by name, renamed in place, refused deletion while documents use it."""

from __future__ import annotations

import pytest
import requests
import responses

from omni_pulumi.provider import OmniResourceError
from omni_pulumi.resources.label import LabelSpec
from tests.unit.conftest import API_KEY, BASE_URL
from tests.unit.omni_steps import PICKLED, check, create, sent, update

LABELS = f"{BASE_URL}/api/v1/labels"


def label(name: str, **extra) -> dict:
    """A label as Omni answers it."""
    body = {"name": name, "verified": False, "homepage": False, "color": None, "description": None}
    return {**body, "usage_count": 0, **extra}


SPEC = LabelSpec


@pytest.fixture
def certified(api, provider):
    """A label created by Pulumi, and the requests log cleared."""
    api.add(responses.POST, LABELS, json=label("Certified", color="#1a7f37"), status=201)
    id_, outs = create(provider, name="Certified", color="#1a7f37")
    api.calls.reset()
    return id_, outs


def test_create_posts_the_label_and_keys_it_by_name(api, provider):
    api.add(responses.POST, LABELS, json=label("Certified", verified=True), status=201)

    id_, outs = create(provider, name="Certified", verified=True)

    assert sent(api) == [
        (
            "POST",
            "/api/v1/labels",
            {
                "name": "Certified",
                "color": None,
                "description": None,
                "verified": True,
                "homepage": False,
            },
        )
    ]
    assert id_ == "Certified"
    assert outs == {
        "name": "Certified",
        "color": None,
        "description": None,
        "verified": True,
        "homepage": False,
        "adopt_id": None,
        "__provider": PICKLED,
    }


def test_rename_is_an_update_put_to_the_current_name_and_the_id_stays(api, provider, certified):
    id_, outs = certified
    api.add(responses.PUT, f"{LABELS}/Certified", json=label("Gold", color="#1a7f37"))
    api.add(responses.PUT, f"{LABELS}/Gold", json=label("Platinum", color="#1a7f37"))

    replaces, outs = update(provider, id_, outs, name="Gold", color="#1a7f37")
    assert replaces == []
    replaces, outs = update(provider, id_, outs, name="Platinum", color="#1a7f37")

    assert replaces == []
    assert [(m, p) for m, p, _ in sent(api)] == [
        ("PUT", "/api/v1/labels/Certified"),
        ("PUT", "/api/v1/labels/Gold"),
    ]
    assert sent(api)[1][2]["name"] == "Platinum"
    assert outs["name"] == "Platinum"
    assert id_ == "Certified"  # Pulumi's id never changes, so the rename is no replacement


def test_read_follows_the_current_name_after_a_rename(api, provider, certified):
    id_, outs = certified
    api.add(responses.PUT, f"{LABELS}/Certified", json=label("Gold v2", color="#1a7f37"))
    _, outs = update(provider, id_, outs, name="Gold v2", color="#1a7f37")
    api.add(
        responses.GET,
        LABELS,
        json={"labels": [label("Certified"), label("Gold v2", color="#000000")]},
    )

    result = provider.read(id_, outs)

    # A refresh reads labels from the list, by the current name.
    assert sent(api)[-1][:2] == ("GET", "/api/v1/labels")
    assert result.id == "Certified"
    assert result.outs["color"] == "#000000"
    # Drift made outside Pulumi shows in the next diff, as an update.
    diff = provider.diff(id_, result.outs, check(provider, name="Gold v2", color="#1a7f37"))
    assert (diff.changes, diff.replaces) == (True, [])


def test_update_writes_every_setting(api, provider, certified):
    id_, outs = certified
    api.add(responses.PUT, f"{LABELS}/Certified", json=label("Certified", description="ok"))

    update(provider, id_, outs, name="Certified", description="ok")

    assert sent(api) == [
        (
            "PUT",
            "/api/v1/labels/Certified",
            {
                "name": "Certified",
                "color": None,
                "description": "ok",
                "verified": False,
                "homepage": False,
            },
        )
    ]


def test_read_of_a_label_deleted_outside_pulumi_returns_an_empty_id(api, provider, certified):
    id_, outs = certified
    api.add(responses.GET, LABELS, json={"labels": [label("Other")]})
    api.add(responses.GET, f"{LABELS}/Certified", json={"detail": "Not found"}, status=404)

    assert provider.read(id_, outs).id == ""
    # Missing from the list, it is read by name before it is called gone.
    assert [c[:2] for c in sent(api)] == [
        ("GET", "/api/v1/labels"),
        ("GET", "/api/v1/labels/Certified"),
    ]


def test_delete_uses_the_current_name(api, provider, certified):
    id_, outs = certified
    api.add(responses.DELETE, f"{LABELS}/Certified", status=204)

    provider.delete(id_, outs)

    assert sent(api) == [("DELETE", "/api/v1/labels/Certified", None)]


def test_delete_of_an_already_deleted_label_succeeds(api, provider, certified):
    id_, outs = certified
    api.add(responses.DELETE, f"{LABELS}/Certified", json={"detail": "Not found"}, status=404)

    provider.delete(id_, outs)

    assert len(api.calls) == 1


def test_delete_of_a_label_in_use_fails_and_says_why(api, provider, certified):
    id_, outs = certified
    api.add(
        responses.DELETE,
        f"{LABELS}/Certified",
        json={"detail": "Label is applied to documents", "status": 409},
        status=409,
    )

    with pytest.raises(OmniResourceError) as error:
        provider.delete(id_, outs)

    message = str(error.value)
    assert "Label 'Certified'" in message
    assert "Label is applied to documents" in message  # Omni's own words
    assert "still applied to documents" in message
    assert "retain_on_delete" in message
    assert API_KEY not in message


def test_adopt_reads_by_name_and_writes_only_what_differs(api, provider):
    api.add(responses.GET, f"{LABELS}/Certified", json=label("Certified", verified=True))
    api.add(responses.PUT, f"{LABELS}/Certified", json=label("Certified", color="#1a7f37"))

    id_, outs = create(provider, name="Certified", color="#1a7f37", adopt_id="Certified")

    assert [(m, p) for m, p, _ in sent(api)] == [
        ("GET", "/api/v1/labels/Certified"),
        ("PUT", "/api/v1/labels/Certified"),
    ]
    assert sent(api)[1][2]["color"] == "#1a7f37"
    assert id_ == "Certified"
    assert outs["adopt_id"] == "Certified"


def test_adopt_with_a_new_name_renames_the_adopted_label(api, provider):
    api.add(responses.GET, f"{LABELS}/Old", json=label("Old"))
    api.add(responses.PUT, f"{LABELS}/Old", json=label("New"))

    id_, outs = create(provider, name="New", adopt_id="Old")

    assert sent(api)[1] == (
        "PUT",
        "/api/v1/labels/Old",
        {"name": "New", "color": None, "description": None, "verified": False, "homepage": False},
    )
    assert (id_, outs["name"]) == ("Old", "New")


def test_adopt_of_a_missing_label_fails_and_creates_nothing(api, provider):
    api.add(responses.GET, f"{LABELS}/Ghost", json={"detail": "Not found"}, status=404)

    with pytest.raises(OmniResourceError, match=r"Cannot adopt Label 'Ghost'.*no such Label"):
        create(provider, name="Ghost", adopt_id="Ghost")

    assert [m for m, _, _ in sent(api)] == ["GET"]


@pytest.mark.parametrize(
    "failure",
    [
        requests.ConnectionError("connection reset by peer"),
        requests.ReadTimeout("read timed out"),
    ],
    ids=["dropped", "timeout"],
)
def test_create_after_a_lost_answer_adopts_the_label_omni_made(api, provider, failure):
    api.add(responses.POST, LABELS, body=failure)
    api.add(responses.GET, f"{LABELS}/Certified", json=label("Certified"))

    id_, outs = create(provider, name="Certified")

    # Looked up by name, then read: no second POST, so no duplicate and no 409.
    assert [(m, p) for m, p, _ in sent(api)] == [
        ("POST", "/api/v1/labels"),
        ("GET", "/api/v1/labels/Certified"),
        ("GET", "/api/v1/labels/Certified"),
    ]
    assert (id_, outs["name"]) == ("Certified", "Certified")


def test_create_after_a_502_that_made_nothing_posts_once_more(api, provider):
    api.add(responses.POST, LABELS, json={"detail": "Bad gateway"}, status=502)
    api.add(responses.GET, f"{LABELS}/Certified", json={"detail": "Not found"}, status=404)
    api.add(responses.POST, LABELS, json=label("Certified"), status=201)

    id_, _ = create(provider, name="Certified")

    assert [(m, p) for m, p, _ in sent(api)] == [
        ("POST", "/api/v1/labels"),
        ("GET", "/api/v1/labels/Certified"),
        ("POST", "/api/v1/labels"),
    ]
    assert id_ == "Certified"


@pytest.mark.parametrize(
    ("args", "field", "words"),
    [
        ({"name": "x"}, "name", "2 to 25 characters"),
        ({"name": "x" * 26}, "name", "2 to 25 characters"),
        ({"name": "Certified", "color": "green"}, "color", "hex color"),
        ({"name": "Certified", "description": "d" * 501}, "description", "500"),
    ],
)
def test_check_names_the_argument_and_what_is_allowed(provider, args, field, words):
    result = provider.check({}, {"__provider": PICKLED, **args})

    assert [f.property for f in result.failures] == [field]
    assert f"Label.{field}" in result.failures[0].reason
    assert words in result.failures[0].reason


def test_label_never_needs_replacement(provider):
    olds = check(provider, name="Certified", color="#111111", verified=True)
    news = check(provider, name="Gold", color="#222222", description="d", homepage=True)

    diff = provider.diff("Certified", olds, news)

    assert diff.changes is True
    assert diff.replaces == []


def test_an_uppercase_color_is_lowercased_at_check_and_is_no_change(provider):
    olds = check(provider, name="Certified", color="#1a7f37")
    news = check(provider, olds, name="Certified", color="#1A7F37")
    assert news["color"] == "#1a7f37"
    assert provider.diff("Certified", olds, news).changes is False


@pytest.mark.parametrize("color", ["#12345", "#1234567", "#12", "#123456789", "#ggg"])
def test_a_color_of_5_or_7_digits_is_refused_at_check(provider, color):
    result = provider.check({}, {"__provider": PICKLED, "name": "Certified", "color": color})

    assert [f.property for f in result.failures] == ["color"]
    assert "3, 4, 6 or 8 digits" in result.failures[0].reason


@pytest.mark.parametrize("color", ["#abc", "#abcd", "#aabbcc", "#aabbccdd"])
def test_a_color_of_3_4_6_or_8_digits_is_accepted(provider, color):
    assert check(provider, name="Certified", color=color)["color"] == color


def test_a_known_refusal_keeps_omnis_error_when_the_state_lacks_what_its_hint_names():
    """The delete of a label whose state holds no name (an adoption cut short) still says what
    Omni answered and the fix, rather than failing on the hint's template."""
    from omni_pulumi.errors import OmniApiError
    from omni_pulumi.resources.label import LabelSpec

    error = LabelSpec().refused(
        "delete", OmniApiError(409, "DELETE", "/api/v1/labels/x", "label is in use"), {}
    )
    assert "label is in use" in str(error) and "Label '<name>' is still applied" in str(error)
