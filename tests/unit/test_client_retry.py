"""When the client tries again, how long it waits, and when it must not (POST)."""

from __future__ import annotations

import contextlib
import socket
import threading
from http.client import RemoteDisconnected

import pytest
import requests
import responses
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

from omni_pulumi.client import OmniClient
from omni_pulumi.clock import FakeClock
from omni_pulumi.errors import (
    OmniAmbiguousWrite,
    OmniRateLimited,
    OmniServerError,
    OmniTransportError,
)

BASE = "https://acme.omniapp.co"
URL = f"{BASE}/api/v1/labels"


def make_client(**kw) -> OmniClient:
    kw.setdefault("requests_per_minute", 0)
    kw.setdefault("clock", FakeClock())
    kw.setdefault("uniform", max)  # the top of each jitter range, so waits are exact
    return OmniClient(kw.pop("base_url", BASE), "test-key", **kw)


@pytest.fixture
def mock():
    with responses.RequestsMock() as rsps:
        yield rsps


def refused() -> requests.ConnectionError:
    """What requests raises when nothing listens on the port."""
    reason = NewConnectionError(None, "Failed to establish a new connection: [Errno 111] refused")
    return requests.ConnectionError(MaxRetryError(None, "/api/v1/labels", reason))


def dropped() -> requests.ConnectionError:
    """What requests raises when Omni closes the connection without answering."""
    cause = RemoteDisconnected("Remote end closed connection without response")
    return requests.ConnectionError(ProtocolError("Connection aborted.", cause))


# -- idempotent methods --------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_idempotent_requests_are_retried_with_exponential_backoff(mock, method, status):
    client = make_client()
    mock.add(method, URL, status=status, json={"detail": "busy"})
    mock.add(method, URL, status=status, json={"detail": "busy"})
    mock.add(method, URL, json={"ok": True})
    assert client.request(method, "/api/v1/labels") == {"ok": True}
    assert len(mock.calls) == 3
    assert client._clock.sleeps == [1.0, 2.0]


def test_jitter_stays_within_half_to_full_step(mock):
    clock = FakeClock()
    client = OmniClient(BASE, "test-key", requests_per_minute=0, clock=clock)
    for _ in range(6):
        mock.add(responses.GET, URL, status=503)
    mock.add(responses.GET, URL, json=[])
    client.get("/api/v1/labels")
    steps = [1, 2, 4, 8, 16, 32]
    assert len(clock.sleeps) == 6
    for slept, step in zip(clock.sleeps, steps, strict=True):
        assert step / 2 <= slept <= step


def test_backoff_is_capped_at_a_minute(mock):
    client = make_client(max_retry_wait=1000)
    for _ in range(9):
        mock.add(responses.GET, URL, status=504)
    mock.add(responses.GET, URL, json=[])
    client.get("/api/v1/labels")
    assert client._clock.sleeps == [1, 2, 4, 8, 16, 32, 60, 60, 60]


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_a_500_is_not_retried(mock, method):
    client = make_client()
    mock.add(method, URL, status=500, json={"detail": "boom"})
    with pytest.raises(OmniServerError, match=r"500 to .* boom"):
        client.request(method, "/api/v1/labels")
    assert len(mock.calls) == 1


def test_connection_failures_of_a_get_are_retried(mock):
    client = make_client()
    mock.add(responses.GET, URL, body=dropped())
    mock.add(responses.GET, URL, body=requests.ReadTimeout("read timed out"))
    mock.add(responses.GET, URL, body=refused())
    mock.add(responses.GET, URL, json=[1])
    assert client.get("/api/v1/labels") == [1]
    assert len(mock.calls) == 4


def test_a_tls_failure_is_not_retried(mock):
    client = make_client()
    mock.add(responses.GET, URL, body=requests.exceptions.SSLError("certificate verify failed"))
    with pytest.raises(OmniTransportError, match="TLS handshake failed"):
        client.get("/api/v1/labels")
    assert len(mock.calls) == 1


# -- Retry-After and the bounded wait ------------------------------------------------------------


def test_retry_after_seconds_is_honoured(mock):
    client = make_client()
    mock.add(responses.GET, URL, status=429, headers={"Retry-After": "7"})
    mock.add(responses.GET, URL, json=[])
    client.get("/api/v1/labels")
    assert client._clock.sleeps == [7.0]


def test_retry_after_http_date_is_honoured(mock):
    clock = FakeClock()  # wall clock starts at 2026-07-22 12:00:00 UTC
    client = make_client(clock=clock)
    mock.add(
        responses.GET, URL, status=503, headers={"Retry-After": "Wed, 22 Jul 2026 12:00:42 GMT"}
    )
    mock.add(
        responses.GET, URL, status=503, headers={"Retry-After": "Wed, 22 Jul 2026 11:00:00 GMT"}
    )
    mock.add(responses.GET, URL, status=503, headers={"Retry-After": "soon"})
    mock.add(responses.GET, URL, json=[])
    client.get("/api/v1/labels")
    # 42 s to the date; a date in the past means now; an unreadable header falls back to backoff.
    assert clock.sleeps == [42.0, 0.0, 4.0]


def test_retries_stop_within_the_total_wait(mock):
    client = make_client(max_retry_wait=20)
    mock.add(responses.GET, URL, status=503, json={"detail": "maintenance"})
    with pytest.raises(OmniServerError) as caught:
        client.get("/api/v1/labels")
    assert client._clock.sleeps == [1, 2, 4, 8]  # the next 16 s would pass 20 s in all
    assert len(mock.calls) == 5
    assert "maintenance" in str(caught.value)
    assert "gave up after 5 attempts and 15 s of waiting" in str(caught.value)


def test_the_default_total_wait_is_five_minutes(mock):
    client = make_client()
    mock.add(responses.GET, URL, status=429)
    with pytest.raises(OmniRateLimited) as caught:
        client.get("/api/v1/labels")
    assert sum(client._clock.sleeps) <= 300
    assert sum(client._clock.sleeps) > 200
    assert "omni:requestsPerMinute" in str(caught.value)


def test_a_retry_after_beyond_the_budget_gives_up_at_once(mock):
    client = make_client(max_retry_wait=300)
    mock.add(responses.GET, URL, status=429, headers={"Retry-After": "600"}, json={"detail": "x"})
    with pytest.raises(OmniRateLimited, match="asked to wait 600 s"):
        client.get("/api/v1/labels")
    assert len(mock.calls) == 1
    assert client._clock.sleeps == []


def test_zero_wait_means_no_retry(mock):
    client = make_client(max_retry_wait=0)
    mock.add(responses.GET, URL, status=503)
    with pytest.raises(OmniServerError):
        client.get("/api/v1/labels")
    assert len(mock.calls) == 1


# -- POST ----------------------------------------------------------------------------------------


def test_a_post_refused_with_429_is_retried(mock):
    client = make_client()
    mock.add(responses.POST, URL, status=429, headers={"Retry-After": "2"})
    mock.add(responses.POST, URL, status=201, json={"name": "x"})
    assert client.post("/api/v1/labels", json={"name": "x"}) == {"name": "x"}
    assert len(mock.calls) == 2


def test_a_post_that_could_not_connect_is_retried(mock):
    client = make_client()
    mock.add(responses.POST, URL, body=refused())
    mock.add(responses.POST, URL, body=requests.exceptions.ConnectTimeout("connect timed out"))
    mock.add(responses.POST, URL, status=201, json={"name": "x"})
    assert client.post("/api/v1/labels", json={"name": "x"}) == {"name": "x"}
    assert len(mock.calls) == 3


@pytest.mark.parametrize(
    ("failure", "words"),
    [
        (requests.ReadTimeout("Read timed out. (read timeout=30)"), "read timeout"),
        (dropped(), "dropped (RemoteDisconnected)"),
        (requests.exceptions.ChunkedEncodingError("broken"), "broke while the answer was read"),
    ],
    ids=["timeout", "dropped", "chunked"],
)
def test_a_post_that_may_have_reached_omni_is_not_retried(mock, failure, words):
    client = make_client()
    mock.add(responses.POST, URL, body=failure)
    with pytest.raises(OmniAmbiguousWrite) as caught:
        client.post("/api/v1/labels", json={"name": "x"})
    assert len(mock.calls) == 1
    assert str(caught.value).startswith("POST /api/v1/labels may or may not have reached Omni")
    assert words in str(caught.value)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_post_answered_with_5xx_is_ambiguous(mock, status):
    client = make_client()
    mock.add(responses.POST, URL, status=status, json={"detail": "upstream"})
    with pytest.raises(OmniAmbiguousWrite) as caught:
        client.post("/api/v1/labels", json={"name": "x"})
    assert len(mock.calls) == 1
    assert isinstance(caught.value.cause, OmniServerError)
    assert caught.value.cause.status == status
    assert "upstream" in str(caught.value)


# -- against real sockets ------------------------------------------------------------------------


class ScriptedServer:
    """A bare TCP server on 127.0.0.1 that treats each request as its script says.

    Actions: ``drop`` (close without answering), ``truncate`` (start a chunked answer, then close),
    ``hang`` (never answer), ``ok`` (answer 200 with JSON). ``requests`` counts requests received.
    """

    def __init__(self, script: list[str]) -> None:
        self.script = list(script)
        self.requests = 0
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(2)
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                self.requests += 1
                action = self.script.pop(0) if self.script else "ok"
                if action == "truncate":
                    conn.sendall(b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n9\r\n{"na')
                elif action == "hang":
                    self._stop.wait(5)
                elif action == "ok":
                    body = b'{"ok": true}'
                    conn.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                        + f"Content-Length: {len(body)}\r\n\r\n".encode()
                        + body
                    )


def test_real_refused_connection_is_retried_then_reported(tmp_path):
    with contextlib.closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = make_client(base_url=f"http://127.0.0.1:{port}", max_retry_wait=10)
    with pytest.raises(OmniTransportError, match="connection refused") as caught:
        client.post("/api/v1/labels", json={"name": "x"})
    # A refused connection is a wrong base URL or a stopped server: a few quick tries, not minutes.
    assert client._clock.sleeps == [1, 2]
    assert "gave up after 3 attempts" in str(caught.value)
    assert "check omni:baseUrl" in str(caught.value)


def test_an_unreachable_host_fails_after_three_quick_attempts_whatever_the_budget(mock):
    client = make_client(max_retry_wait=300)
    mock.add(responses.GET, URL, body=refused())
    with pytest.raises(OmniTransportError, match=r"unreachable at https://acme\.omniapp\.co"):
        client.get("/api/v1/labels")
    assert client._clock.sleeps == [1, 2]


def test_an_unresolvable_host_fails_fast(mock):
    from urllib3.exceptions import NameResolutionError

    client = make_client(max_retry_wait=300)
    cause = NameResolutionError("acme.omniapp.co", None, "Name or service not known")
    mock.add(responses.GET, URL, body=requests.ConnectionError(MaxRetryError(None, "/", cause)))
    with pytest.raises(OmniTransportError, match="could not resolve the host name"):
        client.get("/api/v1/labels")
    assert client._clock.sleeps == [1, 2]


def test_a_wait_over_ten_seconds_is_announced_on_stderr(mock, capsys):
    client = make_client(max_retry_wait=300)
    mock.add(responses.GET, URL, status=429, headers={"Retry-After": "30"}, json={"detail": "slow"})
    mock.add(responses.GET, URL, status=429, headers={"Retry-After": "5"}, json={"detail": "slow"})
    mock.add(responses.GET, URL, json={"ok": True})
    assert client.get("/api/v1/labels") == {"ok": True}
    err = capsys.readouterr().err
    assert err.count("omni-pulumi: waiting") == 1  # the 5 s wait is not worth a line
    assert "waiting 30 s for Omni's rate limit (429) before retrying GET /api/v1/labels" in err


@pytest.mark.parametrize("action", ["drop", "truncate"])
def test_real_broken_answer_to_a_post_is_ambiguous_after_one_request(action):
    with ScriptedServer([action]) as server:
        client = make_client(base_url=server.url)
        with pytest.raises(OmniAmbiguousWrite):
            client.post("/api/v1/labels", json={"name": "x"})
    assert server.requests == 1


def test_real_read_timeout_of_a_post_is_ambiguous_after_one_request():
    with ScriptedServer(["hang"]) as server:
        client = make_client(base_url=server.url, timeout=0.3)
        with pytest.raises(OmniAmbiguousWrite, match="read timeout"):
            client.post("/api/v1/labels", json={"name": "x"})
    assert server.requests == 1


def test_real_dropped_get_is_retried():
    with ScriptedServer(["drop", "truncate", "ok"]) as server:
        client = make_client(base_url=server.url)
        assert client.get("/api/v1/labels") == {"ok": True}
    assert server.requests == 3


def test_a_retry_after_of_zero_answered_forever_still_gives_up(mock):
    client = make_client(max_retry_wait=60)
    mock.add(responses.GET, URL, status=429, headers={"Retry-After": "0"}, json={"detail": "slow"})
    with pytest.raises(OmniRateLimited):
        client.get("/api/v1/labels")
    assert set(client._clock.sleeps) == {0.0}  # Omni's wait is honoured as given...
    assert len(mock.calls) < 12  # ...but each try is charged the backoff, so the budget ends
