"""Where settings come from (stack config, then environment), how strings are read, what's missing."""

from __future__ import annotations

from pathlib import Path

import dill
import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from omni_pulumi.config import OmniSettings, client_from, settings_from
from omni_pulumi.errors import OmniConfigError

KEY = "omni_osk_config_test_SECRET"


def test_nothing_set_gives_defaults_and_no_instance():
    settings = settings_from(None, {})
    assert settings == OmniSettings(
        base_url=None,
        api_keys=(),
        requests_per_minute=60,
        timeout_seconds=30,
        max_retry_wait_seconds=300,
        connect_timeout_seconds=10,
    )


def test_stack_config_strings_are_parsed():
    settings = settings_from(
        {
            "omni:baseUrl": "https://acme.omniapp.co/api/",
            "omni:apiKey": KEY,
            "omni:requestsPerMinute": "500",
            "omni:timeoutSeconds": " 45.5 ",
            "omni:maxRetryWaitSeconds": "0",
            "omni:connectTimeoutSeconds": "3",
            "other:setting": "ignored",
        },
        {},
    )
    assert settings.base_url == "https://acme.omniapp.co"
    assert settings.api_key == KEY
    assert settings.requests_per_minute == 500
    assert settings.timeout_seconds == 45.5
    assert settings.max_retry_wait_seconds == 0
    assert settings.connect_timeout_seconds == 3


def test_stack_config_wins_over_the_environment():
    env = {"OMNI_BASE_URL": "https://env.omniapp.co", "OMNI_API_KEY": "env-key"}
    settings = settings_from({"omni:baseUrl": "https://stack.omniapp.co", "omni:apiKey": KEY}, env)
    assert (settings.base_url, settings.api_key) == ("https://stack.omniapp.co", KEY)


def test_the_environment_serves_where_stack_config_is_absent_or_blank():
    env = {
        "OMNI_BASE_URL": "https://env.omniapp.co/",
        "OMNI_API_KEY": "env-key",
        "OMNI_REQUESTS_PER_MINUTE": "0",
        "OMNI_TIMEOUT_SECONDS": "12",
        "OMNI_MAX_RETRY_WAIT_SECONDS": "60",
        "OMNI_CONNECT_TIMEOUT_SECONDS": "2",
    }
    settings = settings_from({"omni:baseUrl": "  "}, env)
    assert settings.base_url == "https://env.omniapp.co"
    assert settings.api_key == "env-key"
    assert settings.requests_per_minute == 0
    assert settings.timeout_seconds == 12
    assert settings.max_retry_wait_seconds == 60
    assert settings.connect_timeout_seconds == 2


def test_omni_api_token_is_the_last_resort_for_the_key():
    assert settings_from({}, {"OMNI_API_TOKEN": "cli-token"}).api_key == "cli-token"
    both = {"OMNI_API_KEY": "key", "OMNI_API_TOKEN": "cli-token"}
    assert settings_from({}, both).api_key == "key"


def test_the_process_environment_is_the_default(monkeypatch):
    monkeypatch.setenv("OMNI_BASE_URL", "https://from-env.omniapp.co")
    monkeypatch.delenv("OMNI_API_KEY", raising=False)
    assert settings_from(None).base_url == "https://from-env.omniapp.co"


def test_a_pulumi_config_object_works_as_well():
    config = Config({"omni:baseUrl": "https://acme.omniapp.co", "omni:apiKey": KEY}, "proj")
    assert settings_from(config, {}).api_key == KEY


def test_non_string_values_are_accepted():
    assert settings_from({"omni:requestsPerMinute": 120}, {}).requests_per_minute == 120


@pytest.mark.parametrize(
    ("config", "words"),
    [
        ({"omni:requestsPerMinute": "sixty"}, "omni:requestsPerMinute must be a number"),
        ({"omni:requestsPerMinute": "-1"}, "omni:requestsPerMinute must be 0 or at least 1"),
        ({"omni:requestsPerMinute": "0.5"}, "omni:requestsPerMinute must be 0 or at least 1"),
        ({"omni:timeoutSeconds": "0"}, "omni:timeoutSeconds must be at least 1"),
        ({"omni:timeoutSeconds": "nan"}, "omni:timeoutSeconds must be at least 1"),
        ({"omni:maxRetryWaitSeconds": "5m"}, "omni:maxRetryWaitSeconds must be a number"),
        ({"omni:connectTimeoutSeconds": "inf"}, "omni:connectTimeoutSeconds must be at least 1"),
    ],
)
def test_malformed_numbers_name_the_key_and_the_problem(config, words):
    with pytest.raises(OmniConfigError) as caught:
        settings_from(config, {})
    assert words in str(caught.value)
    assert repr(next(iter(config.values()))) in str(caught.value)


def test_a_malformed_environment_number_names_the_variable():
    with pytest.raises(OmniConfigError, match="OMNI_TIMEOUT_SECONDS must be a number"):
        settings_from({}, {"OMNI_TIMEOUT_SECONDS": "soon"})


def test_a_bad_base_url_names_where_it_came_from():
    with pytest.raises(OmniConfigError, match=r"^omni:baseUrl: .*plain http://"):
        settings_from({"omni:baseUrl": "http://acme.omniapp.co"}, {})
    with pytest.raises(OmniConfigError, match=r"^OMNI_BASE_URL: .*no scheme"):
        settings_from({}, {"OMNI_BASE_URL": "acme.omniapp.co"})


def test_repr_hides_the_key():
    settings = settings_from({"omni:apiKey": KEY, "omni:baseUrl": "https://a.omniapp.co"}, {})
    assert KEY not in repr(settings)
    assert KEY not in str(settings)
    assert "api_keys=<1 hidden>" in repr(settings)
    assert "api_keys=<0 hidden>" in repr(settings_from({}, {}))


def test_a_missing_base_url_names_both_ways_to_set_it():
    with pytest.raises(OmniConfigError) as caught:
        client_from(settings_from({"omni:apiKey": KEY}, {}))
    message = str(caught.value)
    assert "pulumi config set omni:baseUrl https://<instance>.omniapp.co" in message
    assert "OMNI_BASE_URL" in message


def test_a_missing_key_names_both_ways_to_set_it():
    with pytest.raises(OmniConfigError) as caught:
        client_from(settings_from({"omni:baseUrl": "https://acme.omniapp.co"}, {}))
    message = str(caught.value)
    assert "pulumi config set --secret omni:apiKey" in message
    assert "OMNI_API_KEY" in message


def test_equal_settings_share_one_client():
    stack = {"omni:baseUrl": "https://cache.omniapp.co", "omni:apiKey": KEY}
    first = client_from(settings_from(stack, {}))
    again = client_from(settings_from({**stack, "omni:baseUrl": "https://cache.omniapp.co/"}, {}))
    assert again is first
    assert client_from(settings_from({**stack, "omni:apiKey": "other"}, {})) is not first
    assert client_from(settings_from({**stack, "omni:timeoutSeconds": "5"}, {})) is not first


def test_the_client_follows_the_settings():
    client = client_from(
        settings_from(
            {
                "omni:baseUrl": "https://follow.omniapp.co/api",
                "omni:apiKey": KEY,
                "omni:requestsPerMinute": "0",
                "omni:timeoutSeconds": "7",
                "omni:connectTimeoutSeconds": "2",
                "omni:maxRetryWaitSeconds": "9",
            },
            {},
        )
    )
    assert client.base_url == "https://follow.omniapp.co"
    assert [slot.limiter for slot in client._keys.slots] == [None]
    assert client._timeout == (2, 7)
    assert client._max_retry_wait == 9


def test_the_configuration_page_names_every_setting_and_its_default():
    from omni_pulumi.config import SETTINGS

    page = (Path(__file__).resolve().parents[2] / "docs" / "configuration.md").read_text()
    defaults = settings_from({}, {})
    rows = {line.split("|")[1]: line for line in page.splitlines() if line.startswith("| `omni:")}
    assert len(rows) == len(SETTINGS)
    for setting in SETTINGS:
        row = next(r for k, r in rows.items() if f"`{setting.key}`" in k)
        for variable in setting.env:
            assert f"`{variable}`" in row
    assert f"| `{defaults.requests_per_minute:g}` |" in rows[" `omni:requestsPerMinute` "]
    assert f"| `{defaults.timeout_seconds:g}` |" in rows[" `omni:timeoutSeconds` "]
    assert f"| `{defaults.max_retry_wait_seconds:g}` |" in rows[" `omni:maxRetryWaitSeconds` "]
    assert f"| `{defaults.connect_timeout_seconds:g}` |" in rows[" `omni:connectTimeoutSeconds` "]


# -- several keys -------------------------------------------------------------------------------

KEY2 = "omni_osk_config_test_SECRET_2"


def test_several_keys_arrive_as_a_json_string_from_the_engine():
    stack = {"omni:apiKeys": f'["{KEY}", "{KEY2}"]'}
    assert settings_from(stack, {}).api_keys == (KEY, KEY2)


def test_several_keys_may_also_be_comma_separated_and_are_deduplicated():
    assert settings_from({"omni:apiKeys": f"{KEY}, {KEY2},{KEY}"}, {}).api_keys == (KEY, KEY2)
    assert settings_from({}, {"OMNI_API_KEYS": f"{KEY},{KEY2}"}).api_keys == (KEY, KEY2)


def test_which_key_setting_wins():
    env = {"OMNI_API_KEYS": "e1,e2", "OMNI_API_KEY": "e3"}
    both = {"omni:apiKeys": f'["{KEY}", "{KEY2}"]', "omni:apiKey": "single"}
    assert settings_from(both, env).api_keys == (KEY, KEY2)
    assert settings_from({"omni:apiKey": "single"}, env).api_keys == ("single",)
    assert settings_from({}, env).api_keys == ("e1", "e2")
    assert settings_from({}, {"OMNI_API_KEY": "e3"}).api_key == "e3"


@pytest.mark.parametrize(
    "value, message",
    [
        (f'["{KEY}", ', "not a valid JSON list"),
        (f'[{{"k": "{KEY}"}}]', "must be a list of API keys"),
        ("[]", "holds no API key"),
        (" , ", "holds no API key"),
    ],
)
def test_malformed_key_lists_are_refused_without_quoting_them(value, message):
    with pytest.raises(OmniConfigError, match=message) as caught:
        settings_from({"omni:apiKeys": value}, {})
    assert "omni:apiKeys" in str(caught.value)
    assert KEY not in str(caught.value)


def test_several_keys_never_show_in_repr_or_the_client():
    settings = settings_from(
        {"omni:apiKeys": f'["{KEY}", "{KEY2}"]', "omni:baseUrl": "https://a.omniapp.co"}, {}
    )
    assert "api_keys=<2 hidden>" in repr(settings)
    client = client_from(settings)
    shown = repr(client) + repr(client._keys) + repr(client._keys.slots)
    assert KEY not in shown and KEY2 not in shown
    assert [slot.label for slot in client._keys.slots] == ["API key 1 of 2", "API key 2 of 2"]


def test_the_provider_passes_the_key_list_from_stack_config():
    from omni_pulumi.provider import OmniProvider
    from omni_pulumi.resources import LabelSpec

    provider = OmniProvider(LabelSpec())
    stack = {"omni:apiKeys": f'["{KEY}","{KEY2}"]', "omni:baseUrl": "https://a.omniapp.co"}
    provider.configure(ConfigureRequest(Config(stack, "p")))
    assert provider._client()._api_keys == {KEY, KEY2}
    assert KEY.encode() not in dill.dumps(provider)


def test_adopt_existing_is_off_by_default_and_parsed_as_a_flag():
    assert settings_from({}, {}).adopt_existing is False
    assert settings_from({"omni:adoptExisting": "true"}, {}).adopt_existing is True
    assert settings_from({}, {"OMNI_ADOPT_EXISTING": "1"}).adopt_existing is True
    with pytest.raises(OmniConfigError, match="omni:adoptExisting must be true or false"):
        settings_from({"omni:adoptExisting": "maybe"}, {})
