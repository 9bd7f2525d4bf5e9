"""Dashboard schedules: cron, time zones, dashboards, destinations, pagination, pause and owners."""

from __future__ import annotations

import pytest

S = "/api/v1/schedules"


@pytest.fixture
def board(emu):
    return emu.seed_dashboard("Sales", filter_keys=["region"], query_map_keys=["1", "2"])


def email_schedule(board, **extra):
    return {
        "identifier": board,
        "name": "Weekly sales",
        "schedule": "0 9 ? * MON *",
        "timezone": "Europe/Paris",
        "format": "pdf",
        "destinationType": "email",
        "recipients": [{"email": "ana@example.com"}],
        **extra,
    }


def test_create_and_read_back(api, emu, board):
    ana = emu.seed_user("ana@example.com", "Ana")
    body = email_schedule(
        board,
        timezoneOverride="UTC",
        filterConfig={"region": {"is": "EU"}},
        hideTitle=True,
        fanOut=True,
    )
    made = api.ok("POST", S, json=body)
    assert made["message"] == "Schedule created successfully"
    got = api.ok("GET", f"{S}/{made['id']}")
    assert (got["name"], got["schedule"], got["timezone"], got["entityId"]) == (
        "Weekly sales",
        "0 9 ? * MON *",
        "Europe/Paris",
        board,
    )
    assert got["metadata"]["timezoneOverride"] == "UTC"
    assert got["metadata"]["hideTitle"] is True and got["fanOut"] is True
    assert got["filterConfig"] == {"region": {"is": "EU"}}
    assert got["ownerId"] == emu.admin_user_id
    destination = got["destinations"][0]
    assert destination["format"] == "pdf"
    assert [r["membershipId"] for r in destination["recipients"]] == [ana]
    recipients = api.ok("GET", f"{S}/{made['id']}/recipients")
    assert recipients["type"] == "email"
    assert [r["email"] for r in recipients["recipients"]] == ["ana@example.com"]


@pytest.mark.parametrize(
    ("extra", "status", "message"),
    [
        (
            {"schedule": "0 9 * * *"},
            400,
            "Bad Request: schedule: Schedule is an invalid cron expression",
        ),
        ({"timezone": "Moon/Base"}, 400, "Bad Request: timezone: Time zone must be IANA valid."),
        ({"identifier": "nope"}, 404, 'Document with identifier "nope" not found'),
        (
            {"filterConfig": {"country": {}}},
            400,
            "Invalid filter keys found in schedule configuration: country",
        ),
        (
            {"conditionType": "RESULTS_PRESENT"},
            400,
            "Must provide both a trigger query and an alert condition type",
        ),
        (
            {"conditionType": "RESULTS_PRESENT", "conditionQueryMapKey": "9"},
            400,
            "Query 9 does not exist",
        ),
        ({"recipients": []}, 400, "recipients: Required for email destinations"),
        (
            {"webhookUrl": "https://hooks.example.com/x"},
            400,
            "webhookUrl: Only allowed for webhook destinations",
        ),
        (
            {"hideHiddenFields": True},
            400,
            "hideHiddenFields: Only allowed for csv and xlsx formats",
        ),
        ({"format": "docx"}, 400, "Invalid enum value"),
        ({"recipients": [{"email": "not-an-email"}]}, 400, "recipients.0.email: Invalid email"),
    ],
)
def test_create_validation(api, board, extra, status, message):
    detail = api.error("POST", S, status, json=email_schedule(board, **extra))
    assert message in detail


@pytest.mark.parametrize(
    ("destination", "fields", "missing"),
    [
        ("webhook", {"webhookUrl": "https://hooks.example.com/x"}, "webhookUrl"),
        ("slack", {"slackRecipientType": "channel"}, "slackRecipientType"),
        (
            "s3",
            {"bucketName": "reports", "region": "eu-west-1", "roleArn": "arn:aws:iam::1:role/x"},
            "roleArn",
        ),
    ],
)
def test_destinations_need_their_fields(api, board, destination, fields, missing):
    body = {k: v for k, v in email_schedule(board).items() if k != "recipients"}
    body.update(destinationType=destination, format="csv", **fields)
    made = api.ok("POST", S, json=body)
    if destination == "s3":
        assert made["delivererRoleArn"] and made["externalId"]
    del body[missing]
    assert f"{missing}: Required for {destination} destinations" in api.error(
        "POST", S, 400, json=body
    )


def test_alert_and_test_now(api, board):
    alert = email_schedule(board, conditionType="RESULTS_CHANGED", conditionQueryMapKey="1")
    made = api.ok("POST", S, json=alert)
    row = api.ok("GET", S, params={"scheduleType": "alert"})["records"][0]
    assert (row["id"], row["alert"]["conditionType"]) == (made["id"], "RESULTS_CHANGED")
    assert "testNow" in api.error("POST", S, 400, json={**alert, "testNow": True})
    quick = api.ok("POST", S, json=email_schedule(board, testNow=True))
    assert "id" not in quick
    assert api.ok("GET", S)["pageInfo"]["totalRecords"] == 1


def test_list_page_numbers(api, board):
    for n in range(5):
        api.ok("POST", S, json=email_schedule(board, name=f"S{n}"))
    page = api.ok("GET", S, params={"pageSize": 2, "cursor": "2", "sortDirection": "asc"})
    assert [r["name"] for r in page["records"]] == ["S2", "S3"]
    assert page["pageInfo"]["nextCursor"] == "3"
    assert api.error("GET", S, 400, params={"pageSize": 2, "cursor": "9"}) == (
        "Invalid page number. The last valid page is 3."
    )
    assert api.ok("GET", S, params={"q": "s4"})["records"][0]["name"] == "S4"
    assert api.error("GET", S, 400, params={"pageSize": 101}).endswith("less than or equal to 100")


def test_update_pause_resume_trigger_transfer_delete(api, emu, board):
    made = api.ok("POST", S, json=email_schedule(board))["id"]
    one = f"{S}/{made}"
    assert api.ok("PUT", one, json={"name": "Renamed", "schedule": "0 7 * * ? *"}) == {
        "success": True,
        "scheduledTaskId": made,
    }
    assert api.ok("GET", one)["name"] == "Renamed"
    assert "invalid cron" in api.error("PUT", one, 400, json={"schedule": "bad"})
    api.ok("PUT", f"{one}/pause")
    assert api.error("PUT", f"{one}/pause", 400) == "Schedule is already paused"
    assert api.ok("GET", one)["disabledAt"] is not None
    api.error("POST", f"{one}/trigger", 409)
    api.ok("PUT", f"{one}/resume")
    assert api.error("PUT", f"{one}/resume", 400) == "Schedule is already resumed"
    api.ok("POST", f"{one}/trigger")
    bo = emu.seed_user("bo@example.com", "Bo")
    api.ok("PUT", f"{one}/transfer-ownership", json={"userId": bo})
    assert api.ok("GET", one)["ownerId"] == bo
    assert (
        api.error("PUT", f"{one}/transfer-ownership", 400, json={"userId": bo})
        == "User already owns the schedule"
    )
    api.error(
        "PUT",
        f"{one}/transfer-ownership",
        404,
        json={"userId": "00000000-0000-4000-8000-000000000000"},
    )
    assert api.ok("DELETE", one) == {"success": True}
    api.error("GET", one, 404)


def test_recipients_add_and_remove(api, emu, board):
    made = api.ok("POST", S, json=email_schedule(board))["id"]
    bo = emu.seed_user("bo@example.com", "Bo")
    added = api.ok(
        "PUT", f"{S}/{made}/add-recipients", json={"emails": ["cy@example.com"], "userIds": [bo]}
    )
    assert added["addedRecipientsCount"] == 2
    removed = api.ok("PUT", f"{S}/{made}/remove-recipients", json={"emails": ["ana@example.com"]})
    assert removed["removedRecipientsCount"] == 1
    emails = [r["email"] for r in api.ok("GET", f"{S}/{made}/recipients")["recipients"]]
    assert emails == ["cy@example.com", "bo@example.com"]
    assert (
        api.error("PUT", f"{S}/{made}/add-recipients", 400, json={})
        == "At least one recipient must be provided"
    )
