"""What every request meets: auth, rate limit, faults, latency, counting, persistence, seeds, CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
import requests

from omni_pulumi.emulator import Emulator

L = "/api/v1/labels"


def test_missing_or_wrong_key_is_401(emu):
    assert requests.get(emu.base_url + L, timeout=5).status_code == 401
    wrong = requests.get(emu.base_url + L, headers={"Authorization": "Bearer nope"}, timeout=5)
    assert wrong.json() == {"detail": "Unauthorized: missing or invalid API key", "status": 401}


def test_calls_are_counted_by_template_and_reset(api, emu):
    api.ok("POST", L, 201, json={"name": "Certified"})
    api.ok("GET", f"{L}/Certified")
    api.ok("GET", f"{L}/certified")
    api.error("GET", "/api/v1/unknown", 404)
    assert emu.calls[("GET", "/api/v1/labels/{name}")] == 2
    assert emu.calls[("POST", "/api/v1/labels")] == 1
    emu.reset_calls()
    assert sum(emu.calls.values()) == 0 and emu.exchanges == []


def test_fail_next_matches_method_and_prefix(api, emu):
    emu.fail_next(2, 503, retry_after=2, method="GET", path_prefix="/api/v1/labels")
    api.ok("POST", L, 201, json={"name": "Kept"})  # other method: untouched
    first = api.get(L)
    assert (first.status_code, first.headers["Retry-After"]) == (503, "2")
    assert first.json() == {"detail": "Service Unavailable", "status": 503}
    assert api.get(f"{L}/Kept").status_code == 503
    assert api.get(L).status_code == 200
    emu.fail_next(1, 500)
    assert api.get("/api/v1/folders").status_code == 500
    assert emu.calls[("GET", "/api/v1/labels")] == 2


def test_drop_after_commit_writes_then_hangs_up(api, emu):
    emu.drop_after_commit("POST", "/api/v1/labels")
    with pytest.raises(requests.ConnectionError):
        api.post(L, json={"name": "Ghost"})
    assert api.ok("GET", f"{L}/Ghost")["name"] == "Ghost"
    assert api.error("POST", L, 409, json={"name": "Ghost"})  # the next one is answered


def test_latency_is_added(api, emu):
    emu.latency = 0.2
    started = time.monotonic()
    api.ok("GET", L)
    assert time.monotonic() - started >= 0.2


def test_rate_limit_answers_429_with_retry_after_per_key():
    with Emulator(rate_limit=3, time_scale=60) as emu:
        emu.add_api_key("second")
        headers = {"Authorization": "Bearer test-key"}
        answers = [requests.get(emu.base_url + L, headers=headers, timeout=5) for _ in range(4)]
        assert [r.status_code for r in answers] == [200, 200, 200, 429]
        assert answers[-1].headers["Retry-After"] == "1"  # a 60 s window lasts 1 s at time_scale 60
        assert answers[-1].json()["detail"].startswith("Too Many Requests")
        other = requests.get(
            emu.base_url + L, headers={"Authorization": "Bearer second"}, timeout=5
        )
        assert other.status_code == 200
        deadline = time.monotonic() + 5
        while requests.get(emu.base_url + L, headers=headers, timeout=5).status_code == 429:
            assert time.monotonic() < deadline, "rate limit window never reopened"
            time.sleep(0.05)


def test_state_file_keeps_objects_across_restarts(tmp_path):
    state = tmp_path / "state.json"
    with Emulator(state_file=state) as emu:
        requests.post(
            emu.base_url + L,
            json={"name": "Durable"},
            headers={"Authorization": "Bearer test-key"},
            timeout=5,
        )
    assert "Durable" in state.read_text()
    with Emulator(state_file=state) as emu:
        got = requests.get(
            emu.base_url + f"{L}/durable", headers={"Authorization": "Bearer test-key"}, timeout=5
        )
        assert got.json()["name"] == "Durable"


def test_seed_preloads_users_dashboards_and_requests(tmp_path):
    seed = {
        "users": [
            {
                "id": "11111111-1111-4111-8111-111111111111",
                "email": "ana@example.com",
                "name": "Ana",
            }
        ],
        "dashboards": [{"identifier": "sales1", "name": "Sales", "filterKeys": ["region"]}],
        "requests": [{"method": "POST", "path": "/api/v1/labels", "body": {"name": "Seeded"}}],
    }
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(seed))
    with Emulator(seed=path) as emu:
        auth = {"Authorization": "Bearer test-key"}
        assert (
            requests.get(emu.base_url + f"{L}/seeded", headers=auth, timeout=5).status_code == 200
        )
        user = requests.get(
            emu.base_url + "/api/scim/v2/Users/11111111-1111-4111-8111-111111111111",
            headers=auth,
            timeout=5,
        )
        assert user.json()["displayName"] == "Ana"
        assert emu.state.documents["sales1"]["filterKeys"] == ["region"]
        assert sum(emu.calls.values()) == 2  # seeding is not counted


def test_bad_seed_request_names_the_entry():
    from omni_pulumi.emulator.seed import SeedError

    with pytest.raises(SeedError, match=r"seed request #0 POST /api/v1/labels answered 400"):
        Emulator(seed={"requests": [{"path": "/api/v1/labels", "body": {"name": "x"}}]})


def test_invalid_json_body(api):
    response = api.post(L, data="{not json", headers={"Content-Type": "application/json"})
    assert response.json() == {"detail": "Bad Request: Invalid JSON", "status": 400}


def test_cli_prints_base_url_and_stops_on_sigterm(tmp_path):
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "omni_pulumi.emulator",
            "--port",
            "0",
            "--api-key",
            "cli-key",
            "--rate-limit",
            "0",
            "--state-file",
            str(tmp_path / "s.json"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        created = requests.post(
            url + L,
            json={"name": "From CLI"},
            headers={"Authorization": "Bearer cli-key"},
            timeout=5,
        )
        assert created.status_code == 201
    finally:
        process.terminate()
        out, err = process.communicate(timeout=10)
    assert process.returncode == 0
    assert out == ""  # the URL was the only line on stdout
    assert "cli-key" not in err  # the key is the caller's to know, never printed
    assert "Omni emulator serving" in err
    assert "From CLI" in (tmp_path / "s.json").read_text()


def test_cli_serves_several_instances_each_with_its_own_objects(tmp_path):
    command = [sys.executable, "-m", "omni_pulumi.emulator", "--port", "0", "--api-key", "k"]
    command += ["--rate-limit", "0", "--instance", "staging", "--instance", "production"]
    command += ["--state-file", str(tmp_path / "s.json")]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = [process.stdout.readline().split() for _ in range(2)]
        assert [name for name, _ in lines] == ["staging", "production"]
        urls = dict(lines)
        assert urls["staging"] != urls["production"]
        headers = {"Authorization": "Bearer k"}
        made = requests.post(urls["staging"] + L, json={"name": "Only here"}, headers=headers)
        assert made.status_code == 201
        listed = requests.get(urls["production"] + L, headers=headers, timeout=5).json()
        assert "Only here" not in json.dumps(listed)
    finally:
        process.terminate()
        process.communicate(timeout=10)
    assert process.returncode == 0
    assert "Only here" in (tmp_path / "s.staging.json").read_text()
    production = tmp_path / "s.production.json"  # written at its first change: none here
    assert not production.exists() or "Only here" not in production.read_text()


def test_pytest_fixture_module_does_not_import_werkzeug():
    code = (
        "import sys, omni_pulumi.emulator.pytest_fixtures, omni_pulumi.emulator.cli; "
        "assert 'werkzeug' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_omni_emulator_fixture(omni_emulator):
    response = requests.get(
        omni_emulator.base_url + L,
        headers={"Authorization": f"Bearer {omni_emulator.api_key}"},
        timeout=5,
    )
    assert response.json() == {"labels": []}
    assert omni_emulator.rate_limit == 0
