"""Fixtures for unit tests that drive the provider directly against `responses`."""

from __future__ import annotations

import pytest
import responses
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

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


@pytest.fixture
def api():
    """Omni, as `responses` plays it: every request must be expected, and all must be used."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock
