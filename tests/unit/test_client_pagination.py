"""The three pagination styles, as Omni's list endpoints answer them."""

from __future__ import annotations

import pytest
import responses
from responses import matchers

from omni_pulumi.client import OmniClient
from omni_pulumi.errors import OmniBadRequest, OmniError

BASE = "https://acme.omniapp.co"


@pytest.fixture
def client() -> OmniClient:
    return OmniClient(BASE, "test-key", requests_per_minute=0)


@pytest.fixture
def mock():
    with responses.RequestsMock() as rsps:
        yield rsps


def page_info(more: bool, cursor: str | None) -> dict:
    return {"hasNextPage": more, "nextCursor": cursor, "pageSize": 2, "totalRecords": 5}


def test_cursor_pages_follow_next_cursor_and_keep_the_callers_params(client, mock):
    url = f"{BASE}/api/v1/folders"
    mock.add(
        responses.GET,
        url,
        json={"records": [{"id": 1}, {"id": 2}], "pageInfo": page_info(True, "c2")},
        match=[matchers.query_param_matcher({"path": "Finance", "pageSize": "2"})],
    )
    mock.add(
        responses.GET,
        url,
        json={"records": [{"id": 3}, {"id": 4}], "pageInfo": page_info(True, "c3")},
        match=[matchers.query_param_matcher({"path": "Finance", "pageSize": "2", "cursor": "c2"})],
    )
    mock.add(
        responses.GET,
        url,
        json={"records": [{"id": 5}], "pageInfo": page_info(False, None)},
        match=[matchers.query_param_matcher({"path": "Finance", "pageSize": "2", "cursor": "c3"})],
    )
    records = list(client.paginate_cursor("/api/v1/folders", {"path": "Finance"}, page_size=2))
    assert [r["id"] for r in records] == [1, 2, 3, 4, 5]


def test_cursor_pages_stop_on_a_missing_cursor_and_take_another_records_key(client, mock):
    mock.add(
        responses.GET,
        f"{BASE}/api/v1/x",
        json={"items": [{"id": 1}], "pageInfo": {"hasNextPage": True, "nextCursor": None}},
    )
    assert list(client.paginate_cursor("/api/v1/x", records_key="items")) == [{"id": 1}]


def test_cursor_pages_refuse_to_loop_on_a_repeated_cursor(client, mock):
    mock.add(
        responses.GET,
        f"{BASE}/api/v1/x",
        json={"records": [{"id": 1}], "pageInfo": page_info(True, "same")},
    )
    with pytest.raises(OmniError, match="cursor 'same' twice"):
        list(client.paginate_cursor("/api/v1/x"))


def test_cursor_pages_are_fetched_lazily(client, mock):
    mock.add(
        responses.GET,
        f"{BASE}/api/v1/models",
        json={"records": [{"id": 1}, {"id": 2}], "pageInfo": page_info(True, "c2")},
    )
    first = next(client.paginate_cursor("/api/v1/models"))
    assert first == {"id": 1}
    assert len(mock.calls) == 1


def test_numbered_pages_count_from_one(client, mock):
    url = f"{BASE}/api/v1/schedules"
    for number, records, more in ((1, [{"id": "a"}, {"id": "b"}], True), (2, [{"id": "c"}], False)):
        mock.add(
            responses.GET,
            url,
            json={"records": records, "pageInfo": {"hasNextPage": more}},
            match=[matchers.query_param_matcher({"pageSize": "2", "cursor": str(number)})],
        )
    records = list(client.paginate_pages("/api/v1/schedules", page_size=2))
    assert [r["id"] for r in records] == ["a", "b", "c"]


def test_numbered_pages_stop_at_omnis_invalid_page_answer(client, mock):
    url = f"{BASE}/api/v1/schedules"
    mock.add(responses.GET, url, json={"records": [{"id": "a"}, {"id": "b"}], "pageInfo": {}})
    mock.add(
        responses.GET,
        url,
        status=400,
        json={"detail": "Invalid page number. The last valid page is 1.", "status": 400},
    )
    assert len(list(client.paginate_pages("/api/v1/schedules", page_size=2))) == 2


def test_numbered_pages_of_an_empty_list(client, mock):
    mock.add(
        responses.GET,
        f"{BASE}/api/v1/schedules",
        status=400,
        json={"detail": "Invalid page number. The last valid page is 0.", "status": 400},
    )
    assert list(client.paginate_pages("/api/v1/schedules")) == []


def test_numbered_pages_pass_on_other_bad_requests(client, mock):
    mock.add(responses.GET, f"{BASE}/api/v1/schedules", status=400, json={"detail": "bad sort"})
    with pytest.raises(OmniBadRequest, match="bad sort"):
        list(client.paginate_pages("/api/v1/schedules"))


def test_scim_pages_walk_start_index_until_total(client, mock):
    url = f"{BASE}/api/scim/v2/Groups"
    for start, ids in ((1, ["g1", "g2"]), (3, ["g3", "g4"]), (5, ["g5"])):
        mock.add(
            responses.GET,
            url,
            json={
                "Resources": [{"id": i} for i in ids],
                "totalResults": 5,
                "startIndex": start,
                "itemsPerPage": len(ids),
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
            },
            match=[matchers.query_param_matcher({"count": "2", "startIndex": str(start)})],
        )
    groups = list(client.paginate_scim("/api/scim/v2/Groups", count=2))
    assert [g["id"] for g in groups] == ["g1", "g2", "g3", "g4", "g5"]


def test_scim_pages_without_a_total_stop_at_a_short_page(client, mock):
    mock.add(responses.GET, f"{BASE}/api/scim/v2/Groups", json={"Resources": [{"id": "g1"}]})
    assert list(client.paginate_scim("/api/scim/v2/Groups", count=2)) == [{"id": "g1"}]


def test_a_page_of_the_wrong_shape_is_an_error(client, mock):
    mock.add(responses.GET, f"{BASE}/api/v1/folders", json=[{"id": 1}])
    with pytest.raises(OmniError, match="expected an object with 'records'"):
        list(client.paginate_cursor("/api/v1/folders"))
