"""Named instances (``omni:instances``): config parsing, check and diff, and what two instances share."""

from __future__ import annotations

import json

import dill
import pytest
import responses
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.output import Unknown

from omni_pulumi.config import (
    client_from,
    instance_names,
    settings_for,
)
from omni_pulumi.errors import OmniConfigError
from omni_pulumi.listcache import ListCache
from omni_pulumi.provider import OmniProvider
from omni_pulumi.resources import LabelSpec

STAGING_KEY = "omni_osk_staging_SECRET"
PROD_KEY = "omni_osk_prod_SECRET"
DEFAULT_KEY = "omni_osk_default_SECRET"
STAGING = "https://staging.omniapp.co"
PROD = "https://prod.omniapp.co"

#: As the engine sends it: one JSON string for the top-level key, nested secrets decrypted.
INSTANCES = json.dumps(
    {
        "staging": {"baseUrl": STAGING, "apiKey": STAGING_KEY, "requestsPerMinute": "30"},
        "prod": {"baseUrl": PROD + "/api/", "apiKeys": [PROD_KEY, PROD_KEY + "2"]},
        "keyless": {"baseUrl": "https://keyless.omniapp.co"},
    }
)
STACK = {
    "omni:baseUrl": "https://default.omniapp.co",
    "omni:apiKey": DEFAULT_KEY,
    "omni:timeoutSeconds": "12",
    "omni:instances": INSTANCES,
}


def test_no_instance_is_the_stack_own_settings():
    settings = settings_for(STACK, None, {})
    assert settings.base_url == "https://default.omniapp.co"
    assert settings.api_keys == (DEFAULT_KEY,) and settings.instance is None


def test_a_named_instance_takes_its_own_url_and_keys_and_the_stack_tuning():
    staging = settings_for(STACK, "staging", {})
    assert (staging.base_url, staging.api_keys, staging.instance) == (
        STAGING,
        (STAGING_KEY,),
        "staging",
    )
    assert staging.requests_per_minute == 30
    assert staging.timeout_seconds == 12  # not set on the instance: the stack's own tuning
    prod = settings_for(STACK, "prod", {})
    assert prod.base_url == PROD and prod.api_keys == (PROD_KEY, PROD_KEY + "2")
    assert prod.requests_per_minute == 60


def test_the_environment_never_fills_in_a_named_instance():
    environ = {"OMNI_API_KEY": "from-env", "OMNI_BASE_URL": "https://env.omniapp.co"}
    keyless = settings_for(STACK, "keyless", environ)
    assert keyless.api_keys == ()
    assert settings_for({}, None, environ).api_keys == ("from-env",)  # the default still reads it


def test_a_mapping_works_as_well_as_the_engine_json():
    stack = {"omni:instances": {"a": {"baseUrl": STAGING, "apiKey": "k"}}}
    assert settings_for(stack, "a", {}).api_keys == ("k",)
    assert instance_names(stack) == ["a"]


def test_names_are_listed_sorted_and_an_unknown_one_names_them():
    assert instance_names(STACK) == ["keyless", "prod", "staging"]
    with pytest.raises(OmniConfigError) as raised:
        settings_for(STACK, "production", {})
    message = str(raised.value)
    assert "'production'" in message and "'keyless', 'prod', 'staging'" in message
    assert "omni:instances.production.baseUrl" in message
    assert STAGING_KEY not in message


@pytest.mark.parametrize(
    "raw, expected",
    [
        ('{"staging": {"baseUrl": "x", "apiKey": "' + STAGING_KEY + '"', "not valid JSON"),
        ('["' + STAGING_KEY + '"]', "must map instance names"),
        ('{"staging": "' + STAGING_KEY + '"}', "omni:instances.staging must hold settings"),
        ('{"staging": {"apikey": "' + STAGING_KEY + '"}}', "unknown settings apikey"),
        (
            '{"staging": {"baseUrl": "' + STAGING + '", "requestsPerMinute": "many"}}',
            "omni:instances.staging.requestsPerMinute must be a number",
        ),
        (
            '{"staging": {"baseUrl": "http://staging.example.com", "apiKey": "k"}}',
            "omni:instances.staging.baseUrl",
        ),
    ],
)
def test_malformed_instances_name_the_key_and_never_quote_a_key(raw, expected):
    with pytest.raises(OmniConfigError) as raised:
        settings_for({"omni:instances": raw}, "staging", {})
    assert expected in str(raised.value)
    assert STAGING_KEY not in str(raised.value)


def test_repr_names_the_instance_and_hides_its_keys():
    shown = repr(settings_for(STACK, "prod", {}))
    assert "instance='prod'" in shown and "api_keys=<2 hidden>" in shown
    assert PROD_KEY not in shown


def test_two_instances_never_share_a_client_a_budget_or_a_list(tmp_path, monkeypatch):
    monkeypatch.setenv("OMNI_PULUMI_CACHE_DIR", str(tmp_path))
    staging = client_from(settings_for(STACK, "staging", {}))
    prod = client_from(settings_for(STACK, "prod", {}))
    default = client_from(settings_for(STACK, None, {}))
    assert len({id(staging), id(prod), id(default)}) == 3
    budgets = {slot.limiter for c in (staging, prod, default) for slot in c._keys.slots}
    assert len(budgets) == 4  # one per (base URL, key): prod has two keys

    cache = ListCache()
    seen = []
    for client in (staging, prod, staging):
        cache.records(
            client, "Label", "/api/v1/labels", None, lambda c=client: seen.append(c) or []
        )
    assert seen == [staging, prod]  # staging's list never answers for prod, and is reused


def provider_with(stack):
    provider = OmniProvider(LabelSpec())
    provider.configure(ConfigureRequest(Config(stack, "p")))
    return provider


def test_check_refuses_an_unknown_instance_at_preview_with_the_names():
    result = provider_with(STACK).check({}, {"name": "Certified", "instance": "qa"})
    (failure,) = result.failures
    assert failure.property == "instance"
    assert "'qa'" in failure.reason and "'keyless', 'prod', 'staging'" in failure.reason


def test_check_refuses_an_instance_without_a_key_and_says_how_to_set_it():
    result = provider_with(STACK).check({}, {"name": "Certified", "instance": "keyless"})
    (failure,) = result.failures
    assert "no API key" in failure.reason
    assert "pulumi config set --path --secret 'omni:instances.keyless.apiKey'" in failure.reason


def test_check_names_the_instances_even_when_none_are_configured():
    result = provider_with({}).check({}, {"name": "Certified", "instance": "qa"})
    assert "omni:instances names none" in result.failures[0].reason


def test_check_keeps_a_known_instance_in_the_inputs_and_lets_unknown_through():
    provider = provider_with(STACK)
    result = provider.check({}, {"name": "Certified", "instance": "staging"})
    assert not result.failures and result.inputs["instance"] == "staging"
    assert "instance" not in provider.check({}, {"name": "Certified"}).inputs
    assert not provider.check({}, {"name": "Certified", "instance": Unknown()}).failures


@pytest.mark.parametrize(
    "old, new, replaces",
    [
        (None, None, False),
        ("staging", "staging", False),
        (None, "staging", True),
        ("staging", "prod", True),
        ("staging", None, True),
    ],
)
def test_changing_the_instance_replaces_and_old_state_means_the_default(old, new, replaces):
    provider = provider_with(STACK)

    def inputs(instance):
        return provider.check(
            {}, {"name": "Certified", **({"instance": instance} if instance else {})}
        ).inputs

    diff = provider.diff("Certified", inputs(old), inputs(new))
    assert diff.changes is replaces
    assert diff.replaces == (["instance"] if replaces else [])
    # Another instance cannot clash with the old object: create the new one first.
    assert diff.delete_before_replace is False


def test_an_unknown_instance_in_preview_is_a_replacement():
    provider = provider_with(STACK)
    olds = provider.check({}, {"name": "Certified"}).inputs
    diff = provider.diff("Certified", olds, {**olds, "instance": Unknown()})
    assert diff.replaces == ["instance"]


@responses.activate
def test_each_call_goes_to_the_instance_its_props_name(tmp_path, monkeypatch):
    monkeypatch.setenv("OMNI_PULUMI_CACHE_DIR", str(tmp_path))
    stack = {**STACK, "omni:requestsPerMinute": "0"}
    for base in (STAGING, PROD):
        responses.post(f"{base}/api/v1/labels", json={"name": "Certified"})
        responses.get(f"{base}/api/v1/labels/Certified", json={"name": "Certified"})
        responses.delete(f"{base}/api/v1/labels/Certified", status=204)
    provider = provider_with(stack)
    made = provider.create({"name": "Certified", "instance": "prod"})
    assert made.outs["instance"] == "prod"
    provider.delete("Certified", {"name": "Certified", "instance": "staging"})
    calls = [(c.request.method, c.request.url.split("/api/")[0]) for c in responses.calls]
    assert ("POST", PROD) in calls and ("DELETE", STAGING) in calls
    assert all(base != STAGING for method, base in calls if method == "POST")
    auth = {
        c.request.url.split("/api/")[0]: c.request.headers["Authorization"] for c in responses.calls
    }
    assert auth[STAGING] == f"Bearer {STAGING_KEY}"
    assert auth[PROD] in (f"Bearer {PROD_KEY}", f"Bearer {PROD_KEY}2")
    # Neither the pickled provider nor the outputs hold a key.
    pickled = dill.dumps(provider)
    for key in (STAGING_KEY, PROD_KEY, DEFAULT_KEY):
        assert key.encode() not in pickled
        assert key not in json.dumps(made.outs)


def test_calls_for_two_instances_at_once_each_wait_by_their_own_settings(monkeypatch, tmp_path):
    """One spec serves every instance, and the engine runs calls for several at once: a model
    create for staging keeps staging's schema wait while a call for prod configures prod's."""
    import threading

    from omni_pulumi.resources.model import ModelSpec

    monkeypatch.setenv("OMNI_PULUMI_CACHE_DIR", str(tmp_path))
    instances = json.loads(INSTANCES)
    instances["staging"]["schemaRefreshWaitSeconds"] = "30"
    instances["prod"]["schemaRefreshWaitSeconds"] = "900"
    provider = OmniProvider(ModelSpec())
    provider.configure(
        ConfigureRequest(Config({**STACK, "omni:instances": json.dumps(instances)}, "p"))
    )
    staging_configured, prod_configured = threading.Event(), threading.Event()
    seen: list[float] = []

    def staging_call() -> None:
        provider._client({"instance": "staging"})
        staging_configured.set()
        prod_configured.wait(5)
        seen.append(provider.spec.settings.schema_refresh_wait_seconds)

    thread = threading.Thread(target=staging_call)
    thread.start()
    staging_configured.wait(5)
    provider._client({"instance": "prod"})
    prod_configured.set()
    thread.join(5)
    assert seen == [30.0]
    assert provider.spec.settings.schema_refresh_wait_seconds == 900.0
