"""OmniClient basics: base URL, what Omni receives, answers, and the error messages users read."""

from __future__ import annotations

import logging
import pickle

import pytest
import requests
import responses

from omni_pulumi.client import OmniClient, normalize_base_url, quote_segment
from omni_pulumi.clock import FakeClock
from omni_pulumi.errors import (
    OmniAmbiguousWrite,
    OmniApiError,
    OmniAuthError,
    OmniBadRequest,
    OmniConfigError,
    OmniConflict,
    OmniGone,
    OmniNotFound,
    OmniServerError,
)
from omni_pulumi.version import __version__

BASE = "https://acme.omniapp.co"
KEY = "omni_osk_SUPERSECRETKEY123"
PASSWORD = "hunter2-very-secret"


@pytest.fixture
def client() -> OmniClient:
    return OmniClient(BASE, KEY, requests_per_minute=0, clock=FakeClock(), uniform=max)


@pytest.fixture
def mock():
    with responses.RequestsMock() as rsps:
        yield rsps


# -- base URL ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given",
    [
        "https://acme.omniapp.co",
        "https://acme.omniapp.co/",
        "https://acme.omniapp.co/api",
        "https://acme.omniapp.co/api/",
        "  https://ACME.omniapp.co/api/ ",
    ],
)
def test_base_url_forms_normalize_to_the_instance_address(given):
    assert normalize_base_url(given) == "https://acme.omniapp.co"
    assert OmniClient(given, KEY, requests_per_minute=0).base_url == "https://acme.omniapp.co"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://x.playground.exploreomni.dev/api", "https://x.playground.exploreomni.dev"),
        ("http://127.0.0.1:8080/api", "http://127.0.0.1:8080"),
        ("http://127.3.4.5:9000", "http://127.3.4.5:9000"),
        ("http://localhost:5000/", "http://localhost:5000"),
        ("http://[::1]:8123", "http://[::1]:8123"),
        ("https://omni.example.com:8443", "https://omni.example.com:8443"),
    ],
)
def test_playground_custom_ports_and_loopback_http_are_accepted(given, expected):
    assert normalize_base_url(given) == expected


def test_plain_http_to_a_real_host_is_refused_with_the_reason():
    with pytest.raises(OmniConfigError) as caught:
        normalize_base_url("http://acme.omniapp.co")
    message = str(caught.value)
    assert "https://" in message and "unencrypted" in message and "127.0.0.1" in message


@pytest.mark.parametrize(
    ("given", "words"),
    [
        ("acme.omniapp.co", "https://acme.omniapp.co"),
        ("", "empty"),
        ("ftp://acme.omniapp.co", "not an http(s) URL"),
        ("https://acme.omniapp.co/api/v1", "instance's address only"),
        ("https://acme.omniapp.co/?x=1", "instance's address only"),
    ],
)
def test_unusable_base_urls_say_what_to_write(given, words):
    with pytest.raises(OmniConfigError, match="base URL") as caught:
        normalize_base_url(given)
    assert words in str(caught.value)


def test_credentials_in_the_base_url_are_refused_without_being_echoed():
    with pytest.raises(OmniConfigError) as caught:
        normalize_base_url(f"https://user:{PASSWORD}@acme.omniapp.co")
    assert PASSWORD not in str(caught.value)
    assert "omni:apiKey" in str(caught.value)


def test_an_empty_key_is_a_config_error():
    with pytest.raises(OmniConfigError, match="API key"):
        OmniClient(BASE, "")


def test_quote_segment_encodes_everything_that_is_not_a_plain_character():
    assert quote_segment("Needs review/QA 100%?") == "Needs%20review%2FQA%20100%25%3F"
    assert quote_segment(42) == "42"


# -- requests and answers ------------------------------------------------------------------------


def test_omni_receives_bearer_auth_user_agent_params_and_json(client, mock):
    mock.add(
        responses.POST,
        f"{BASE}/api/v1/labels",
        json={"name": "Certified"},
        match=[
            responses.matchers.query_param_matcher({"userId": "u-1"}),
            responses.matchers.json_params_matcher({"name": "Certified", "verified": True}),
            responses.matchers.header_matcher(
                {
                    "Authorization": f"Bearer {KEY}",
                    "User-Agent": f"omni-pulumi/{__version__} (+python-requests)",
                }
            ),
        ],
    )
    answer = client.post(
        "/api/v1/labels", params={"userId": "u-1"}, json={"name": "Certified", "verified": True}
    )
    assert answer == {"name": "Certified"}


def test_a_netrc_entry_cannot_replace_the_key(client, mock, tmp_path, monkeypatch):
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine acme.omniapp.co login someone password other\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    mock.add(
        responses.GET,
        f"{BASE}/api/v1/labels",
        json=[],
        match=[responses.matchers.header_matcher({"Authorization": f"Bearer {KEY}"})],
    )
    assert client.get("/api/v1/labels") == []


@pytest.mark.parametrize(
    ("status", "body"), [(204, ""), (200, ""), (200, "  \n"), (201, None)], ids=str
)
def test_empty_answers_are_none(client, mock, status, body):
    mock.add(responses.DELETE, f"{BASE}/api/v1/labels/x", status=status, body=body or "")
    assert client.delete("/api/v1/labels/x") is None


def test_every_verb_reaches_omni(client, mock):
    for verb in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        mock.add(verb, f"{BASE}/api/v1/folders/f", json={"verb": verb})
    assert client.get("/api/v1/folders/f") == {"verb": "GET"}
    assert client.post("/api/v1/folders/f") == {"verb": "POST"}
    assert client.put("/api/v1/folders/f", json={}) == {"verb": "PUT"}
    assert client.patch("/api/v1/folders/f", json={}) == {"verb": "PATCH"}
    assert client.delete("/api/v1/folders/f") == {"verb": "DELETE"}


def test_an_html_page_where_json_was_expected_points_at_the_base_url(client, mock):
    mock.add(
        responses.GET,
        f"{BASE}/api/v1/labels",
        body="<html><title>Omni</title></html>",
        content_type="text/html",
    )
    with pytest.raises(OmniApiError, match="expected JSON, got text/html") as caught:
        client.get("/api/v1/labels")
    assert "omni:baseUrl" in str(caught.value)


def test_redirects_are_not_followed_and_name_the_target(client, mock):
    mock.add(
        responses.POST,
        f"{BASE}/api/v1/labels",
        status=301,
        headers={"Location": "https://acme.eu.omniapp.co/api/v1/labels"},
    )
    with pytest.raises(OmniApiError) as caught:
        client.post("/api/v1/labels", json={"name": "x"})
    assert "redirected to https://acme.eu.omniapp.co/api/v1/labels" in str(caught.value)
    assert len(mock.calls) == 1


def test_a_path_must_be_absolute(client):
    with pytest.raises(ValueError, match="must start with '/'"):
        client.get("api/v1/labels")


def test_the_client_refuses_to_be_pickled(client):
    with pytest.raises(TypeError, match="must never be pickled"):
        pickle.dumps(client)
    dill = pytest.importorskip("dill")
    with pytest.raises(TypeError, match="must never be pickled"):
        dill.dumps(client)


def test_repr_shows_the_instance_only(client):
    assert repr(client) == "OmniClient('https://acme.omniapp.co')"


# -- error answers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, OmniBadRequest),
        (401, OmniAuthError),
        (403, OmniAuthError),
        (404, OmniNotFound),
        (405, OmniApiError),
        (409, OmniConflict),
        (410, OmniGone),
        (422, OmniApiError),
        (500, OmniServerError),
    ],
)
def test_statuses_map_to_error_classes(client, mock, status, cls):
    mock.add(
        responses.GET, f"{BASE}/api/v1/x", status=status, json={"detail": "nope", "status": status}
    )
    with pytest.raises(cls) as caught:
        client.get("/api/v1/x")
    error = caught.value
    assert type(error) is cls
    assert (error.status, error.method, error.path, error.detail) == (
        status,
        "GET",
        "/api/v1/x",
        "nope",
    )
    assert str(error).startswith(f"Omni answered {status} to GET /api/v1/x: nope")


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"detail": "Bad Request: name: Required", "status": 400}, "Bad Request: name: Required"),
        ({"error": "Bad Request", "message": "name: Required"}, "Bad Request: name: Required"),
        (
            {"error": "Bad Request", "message": "Bad Request: name: Required"},
            "Bad Request: name: Required",
        ),
        ({"error": "Label is in use"}, "Label is in use"),
        ({"message": "Folder is not empty"}, "Folder is not empty"),
        (
            {"detail": [{"path": ["name"], "message": "Required"}]},
            '[{"path": ["name"], "message": "Required"}]',
        ),
        ({"something": "else"}, '{"something": "else"}'),
    ],
)
def test_omni_detail_is_read_from_both_body_shapes(client, mock, body, detail):
    mock.add(responses.GET, f"{BASE}/api/v1/x", status=400, json=body)
    with pytest.raises(OmniBadRequest) as caught:
        client.get("/api/v1/x")
    assert caught.value.detail == detail
    assert detail in str(caught.value)


def test_plain_text_and_html_error_bodies(client, mock):
    mock.add(responses.GET, f"{BASE}/api/v1/a", status=404, body="Not   Found\n")
    mock.add(
        responses.GET,
        f"{BASE}/api/v1/b",
        status=418,
        body="<html><head><title>I'm a teapot</title></head><body>...</body></html>",
        content_type="text/html",
    )
    mock.add(responses.GET, f"{BASE}/api/v1/c", status=409, body="")
    with pytest.raises(OmniNotFound, match=r"404 to GET /api/v1/a: Not Found$"):
        client.get("/api/v1/a")
    with pytest.raises(OmniApiError, match=r"an HTML page \(I'm a teapot\)"):
        client.get("/api/v1/b")
    with pytest.raises(OmniConflict, match=r"409 to GET /api/v1/c: Conflict"):
        client.get("/api/v1/c")


def test_a_long_body_is_shortened(client, mock):
    mock.add(responses.GET, f"{BASE}/api/v1/x", status=400, body="x" * 5000)
    with pytest.raises(OmniBadRequest) as caught:
        client.get("/api/v1/x")
    assert len(caught.value.detail) <= 500


def test_401_says_where_the_key_comes_from(client, mock):
    mock.add(responses.GET, f"{BASE}/api/v1/labels", status=401, json={"detail": "Unauthorized"})
    with pytest.raises(OmniAuthError) as caught:
        client.get("/api/v1/labels")
    message = str(caught.value)
    assert "Unauthorized" in message
    assert "omni:apiKey" in message and "OMNI_API_KEY" in message


def test_403_on_scim_says_an_organization_key_is_needed(client, mock):
    mock.add(responses.GET, f"{BASE}/api/scim/v2/Groups/abc", status=403, json={"detail": "no"})
    mock.add(responses.GET, f"{BASE}/api/v1/labels", status=403, json={"detail": "no"})
    with pytest.raises(OmniAuthError) as caught:
        client.get("/api/scim/v2/Groups/abc")
    assert "organization API key, not a personal access token" in str(caught.value)
    with pytest.raises(OmniAuthError) as caught:
        client.get("/api/v1/labels")
    assert "personal access token" not in str(caught.value)


def test_error_paths_leave_out_the_query_string(client, mock):
    mock.add(responses.GET, f"{BASE}/api/v1/labels", status=404, json={"detail": "gone"})
    with pytest.raises(OmniNotFound) as caught:
        client.get("/api/v1/labels?userId=abc", params={"q": "1"})
    assert caught.value.path == "/api/v1/labels"
    assert "abc" not in str(caught.value)


# -- no secret anywhere --------------------------------------------------------------------------


def test_no_secret_in_any_exception_or_log_line(mock, caplog):
    """The key and a password Omni echoes back never reach an exception or a log line."""
    client = OmniClient(BASE, KEY, requests_per_minute=0, clock=FakeClock(), uniform=max)
    body = {"name": "wh", "passwordUnencrypted": PASSWORD, "nested": {"privateKey": "PEM-SECRET"}}
    mock.add(
        responses.POST,
        f"{BASE}/api/v1/connections",
        status=400,
        json={"detail": f"Bad Request: password {PASSWORD} and key PEM-SECRET rejected for {KEY}"},
    )
    mock.add(
        responses.PATCH,
        f"{BASE}/api/v1/connections/c",
        status=401,
        body=f"invalid token {KEY}",
    )
    mock.add(responses.POST, f"{BASE}/api/v1/connections/x", status=502, body=PASSWORD)
    mock.add(
        responses.POST,
        f"{BASE}/api/v1/connections/y",
        body=requests.ConnectionError(f"Bearer {KEY} exploded"),
    )
    errors: list[BaseException] = []
    with caplog.at_level(logging.DEBUG):
        for call in (
            lambda: client.post("/api/v1/connections", json=body),
            lambda: client.patch("/api/v1/connections/c", json=body),
            lambda: client.post("/api/v1/connections/x", json={"password": PASSWORD}),
            lambda: client.post("/api/v1/connections/y", json=body),
        ):
            with pytest.raises(Exception) as caught:
                call()
            errors.append(caught.value)
    assert isinstance(errors[2], OmniAmbiguousWrite)
    assert "[redacted]" in str(errors[0])
    texts = [str(e) for e in errors] + [repr(e) for e in errors]
    texts += [str(getattr(e, "cause", "")) for e in errors]
    texts += [record.getMessage() for record in caplog.records]
    assert any("POST /api/v1/connections -> 400" in t for t in texts)
    for text in texts:
        for secret in (KEY, PASSWORD, "PEM-SECRET"):
            assert secret not in text


def test_debug_log_has_method_path_status_and_duration(client, mock, caplog):
    mock.add(responses.GET, f"{BASE}/api/v1/labels", json=[])
    with caplog.at_level(logging.DEBUG, logger="omni_pulumi"):
        client.get("/api/v1/labels", params={"userId": "u"})
    lines = [r.getMessage() for r in caplog.records if r.name == "omni_pulumi"]
    assert lines == ["GET /api/v1/labels -> 200 in 0.000 s"]


def test_a_secret_dbt_variable_value_never_reaches_an_error():
    """Omni may echo a request's values in its message; a variable flagged isSecret is redacted."""
    import responses as responses_lib

    from omni_pulumi.client import OmniClient
    from omni_pulumi.errors import OmniBadRequest

    with responses_lib.RequestsMock() as mock:
        mock.post(
            "https://acme.omniapp.co/api/v1/x",
            status=400,
            json={
                "detail": "Bad Request: value 'dbt-secret-do-not-leak' is invalid",
                "status": 400,
            },
        )
        client = OmniClient("https://acme.omniapp.co", "k", requests_per_minute=0)
        body = {
            "variables": [{"name": "TOKEN", "value": "dbt-secret-do-not-leak", "isSecret": True}]
        }
        try:
            client.post("/api/v1/x", json=body)
        except OmniBadRequest as exc:
            assert "dbt-secret-do-not-leak" not in str(exc)
        else:
            raise AssertionError("Omni's 400 must raise")
