"""The one credential check per operation: whoami, remembered per settings, one line per failure."""

from __future__ import annotations

import json
import sys
import types

import pytest

from omni_pulumi import credentials, hosterrors
from omni_pulumi.config import settings_from
from omni_pulumi.errors import OmniConfigError, OmniResourceError
from omni_pulumi.resources.label import LabelSpec
from omni_pulumi.resources.user_group import UserGroupSpec
from tests.unit.conftest import API_KEY, BASE_URL, configured

# Bound before the autouse fixture replaces the module's attribute with a stand-in.
ensure_credentials = credentials.ensure_credentials
WHOAMI = BASE_URL + credentials.WHOAMI
SETTINGS = settings_from(
    {"omni:baseUrl": BASE_URL, "omni:apiKey": API_KEY, "omni:maxRetryWaitSeconds": "0"}, {}
)
ORG = {"keyScope": "organization", "orgRole": "ORG_ADMIN", "rolesByModel": {}, "user": {"id": "u1"}}


def test_the_check_asks_whoami_once_per_settings(api):
    api.get(WHOAMI, json=ORG)
    info = ensure_credentials(SETTINGS)
    assert (info.scope, info.role, info.user_id, info.organization) == (
        "organization",
        "ORG_ADMIN",
        "u1",
        True,
    )
    assert ensure_credentials(SETTINGS) is info
    assert len(api.calls) == 1


def test_a_refused_key_is_one_line_naming_the_setting_and_is_remembered(api):
    api.get(WHOAMI, status=401, json={"detail": "invalid API key", "status": 401})
    for _ in range(2):
        with pytest.raises(credentials.OmniCredentialsError) as caught:
            ensure_credentials(SETTINGS)
    message = str(caught.value)
    assert "\n" not in message
    assert "refused the API key" in message and "omni:apiKey" in message
    assert API_KEY not in message
    assert len(api.calls) == 1


@pytest.mark.parametrize(
    "answer",
    [
        {"status": 404, "body": "<html><title>Not here</title></html>"},
        {"status": 200, "body": "<html>a marketing page</html>"},
        {"status": 302, "body": "", "headers": {"Location": "https://elsewhere/login"}},
    ],
    ids=["404", "html", "redirect"],
)
def test_a_base_url_that_is_not_omni_says_to_check_base_url(api, answer):
    api.get(WHOAMI, content_type="text/html", **answer)
    with pytest.raises(credentials.OmniCredentialsError) as caught:
        ensure_credentials(SETTINGS)
    assert "omni:baseUrl" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_settings_name_what_to_set():
    with pytest.raises(OmniConfigError, match="omni:baseUrl"):
        ensure_credentials(settings_from({"omni:apiKey": API_KEY}, {}))
    with pytest.raises(OmniConfigError, match="omni:apiKey"):
        ensure_credentials(settings_from({"omni:baseUrl": BASE_URL}, {}))


def test_check_reports_the_problem_as_one_failure_of_the_resource(known_key, monkeypatch):
    def refused(settings):
        raise credentials.OmniCredentialsError("Omni refused the API key: set omni:apiKey")

    monkeypatch.setattr(credentials, "ensure_credentials", refused)
    result = configured(LabelSpec()).check({}, {"name": "Certified"})
    assert [(f.property, f.reason) for f in result.failures] == [
        ("", "Omni refused the API key: set omni:apiKey")
    ]


def test_a_personal_key_fails_scim_kinds_only(known_key):
    known_key["scope"] = "user"
    assert configured(LabelSpec()).check({}, {"name": "Certified"}).failures == []
    (failure,) = configured(UserGroupSpec()).check({}, {"display_name": "Ops"}).failures
    assert "organization API key" in failure.reason and "UserGroup" in failure.reason


@pytest.mark.parametrize("step", ["read", "delete"])
def test_refresh_and_destroy_check_the_key_before_their_first_call(known_key, api, step):
    # `api` answers nothing: a call to Omni would fail the test with another error.
    known_key["scope"] = "user"
    provider = configured(UserGroupSpec())
    with pytest.raises(OmniResourceError, match="organization API key"):
        getattr(provider, step)("mEhXj6ZI", {"display_name": "Ops", "members": []})
    assert len(api.calls) == 0


def test_a_malformed_base_url_fails_the_check():
    provider = configured(LabelSpec(), **{"omni:baseUrl": "acme.omniapp.co"})
    (failure,) = provider.check({}, {"name": "Certified"}).failures
    assert "omni:baseUrl" in failure.reason and "no scheme" in failure.reason


def test_the_host_reports_omni_errors_without_traceback(monkeypatch):
    import traceback

    host = types.ModuleType("pulumi.dynamic.__main__")
    host._abort_with_traceback = object()
    host.traceback = traceback
    monkeypatch.setitem(sys.modules, "pulumi.dynamic.__main__", host)
    monkeypatch.delitem(sys.modules, "__main__", raising=False)
    assert hosterrors.install()
    try:
        try:
            raise ValueError("boom")
        except ValueError as exc:
            raise OmniResourceError("Label 'x': create failed:\n  Omni answered 409") from exc
    except OmniResourceError:
        assert host.traceback.format_exc() == "Label 'x': create failed: Omni answered 409"
    try:
        raise KeyError("a bug")
    except KeyError:
        assert host.traceback.format_exc().startswith("Traceback")
    assert host.traceback.format_exception is traceback.format_exception


def test_each_of_several_keys_is_checked_and_a_refused_one_is_named(api):
    """Requests spread over omni:apiKeys, so a revoked key among them would fail a share of an
    up's requests: the check asks whoami with every key, and names the one Omni refused."""
    good, revoked = "omni_osk_good_SECRET", "omni_osk_revoked_SECRET"

    def answer(request):
        if request.headers["Authorization"] == f"Bearer {revoked}":
            return (401, {}, '{"detail": "API key revoked", "status": 401}')
        return (200, {}, '{"keyScope": "organization", "user": {"id": "u1"}}')

    api.add_callback("GET", WHOAMI, callback=answer)
    settings = settings_from(
        {"omni:baseUrl": BASE_URL, "omni:apiKeys": f'["{good}", "{revoked}"]'}, {}
    )
    with pytest.raises(credentials.OmniCredentialsError) as caught:
        ensure_credentials(settings)
    message = str(caught.value)
    assert "refused the API key (API key 2 of 2)" in message and "API key revoked" in message
    assert good not in message and revoked not in message
    assert [c.request.headers["Authorization"] for c in api.calls] == [
        f"Bearer {good}",
        f"Bearer {revoked}",
    ]


def test_several_keys_are_an_organization_key_only_if_each_is(api):
    personal = "omni_pat_SECRET"

    def answer(request):
        scope = "user" if request.headers["Authorization"].endswith(personal) else "organization"
        return (200, {}, f'{{"keyScope": "{scope}", "user": {{"id": "u1"}}}}')

    api.add_callback("GET", WHOAMI, callback=answer)
    settings = settings_from(
        {"omni:baseUrl": BASE_URL, "omni:apiKeys": f'["{API_KEY}", "{personal}"]'}, {}
    )
    info = ensure_credentials(settings)
    assert not info.organization and info.keys == 2
    with pytest.raises(credentials.OmniCredentialsError) as caught:
        credentials.require_organization_key(info, "UserGroup")
    assert "API key 2 of 2 in omni:apiKeys is a personal access token" in str(caught.value)
    assert personal not in str(caught.value)


def test_a_429_names_the_key_as_the_pool_does_after_the_check_asked_each_key(api, capsys):
    """The credential check asks whoami with each of omni:apiKeys on its own client, which share
    the keys' limiters with the pool: a refusal must still say which of the keys Omni refused."""
    import uuid

    from omni_pulumi.config import client_from

    api.get(WHOAMI, json=ORG)
    keys = [f"omni_osk_{uuid.uuid4()}", f"omni_osk_{uuid.uuid4()}"]
    settings = settings_from({"omni:baseUrl": BASE_URL, "omni:apiKeys": json.dumps(keys)}, {})
    ensure_credentials(settings)
    pool = client_from(settings)._keys
    pool.refused(pool.slots[1], 0)
    err = capsys.readouterr().err
    assert "Omni refused a request with API key 2 of 2 (429" in err
    assert keys[1] not in err
