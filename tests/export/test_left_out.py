"""What export leaves out on purpose: the user the API key acts as, also when Omni cannot say who."""

from __future__ import annotations

from omni_pulumi.errors import OmniApiError
from omni_pulumi.export.lister import _callers_own


class _Refusing:
    """A reader whose whoami fails (Omni unavailable for that one call)."""

    def get(self, path, params=None, **_kw):
        raise OmniApiError(503, "GET", path, "Service Unavailable")


def test_export_goes_on_and_warns_when_omni_cannot_say_which_user_the_key_is(capsys):
    assert _callers_own(_Refusing(), "membershipId") == ""
    err = capsys.readouterr().err
    assert "could not ask Omni which user the API key acts as" in err
    assert "pulumi destroy" in err and "Service Unavailable" in err
