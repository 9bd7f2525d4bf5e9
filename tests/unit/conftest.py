"""Fixtures for unit tests that drive the provider directly against `responses`.

A test module sets ``SPEC = <ResourceSpec class>`` and gets its configured provider from the
``provider`` fixture; ``checked(provider, **args)`` runs the provider's check and insists it passes.
"""

from __future__ import annotations

import pytest
import responses
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from omni_pulumi import credentials
from omni_pulumi.provider import OmniProvider
from omni_pulumi.spec import ResourceSpec

BASE_URL = "https://acme.omniapp.co"
API_KEY = "omni-test-key-do-not-leak"


def configured(spec: ResourceSpec, **extra: str) -> OmniProvider:
    """A provider as the host builds it: unpickled, then configured with the stack config."""
    provider = OmniProvider(spec)
    config = {
        "omni:baseUrl": BASE_URL,
        "omni:apiKey": API_KEY,
        "omni:requestsPerMinute": "0",
        # Unit tests never wait: a request `responses` does not expect fails at once.
        "omni:maxRetryWaitSeconds": "0",
        **extra,
    }
    provider.configure(ConfigureRequest(Config(config, "proj")))
    return provider


def checked(provider: OmniProvider, **args: object) -> dict:
    """The inputs ``check`` makes of ``args``, insisting it reports no failure."""
    result = provider.check({}, args)
    assert not result.failures, [f.reason for f in result.failures]
    return result.inputs


@pytest.fixture(autouse=True)
def known_key(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The provider's one credential check per operation, answered without a call: unit tests
    list Omni's calls exactly. A test changes the scope (``known_key["scope"] = "user"``), or tests
    the check itself with :mod:`omni_pulumi.credentials`' own functions and ``responses``."""
    answer = {"scope": "organization"}

    def ensure(settings):
        return credentials.KeyInfo(base_url=str(settings.base_url), scope=answer["scope"])

    monkeypatch.setattr(credentials, "ensure_credentials", ensure)
    credentials.forget()
    return answer


@pytest.fixture
def provider(request: pytest.FixtureRequest) -> OmniProvider:
    """The provider of the test module's ``SPEC``, configured like the host configures it."""
    spec = getattr(request.module, "SPEC", None)
    assert spec is not None, f"{request.module.__name__} uses `provider` but sets no SPEC"
    return configured(spec())


@pytest.fixture
def api():
    """Omni, as `responses` plays it: every request must be expected, and all must be used."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock
