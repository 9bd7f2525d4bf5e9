"""Folder: single reads by id (create and rename read-backs, adoption), refresh by the shared
listing, rename in place, guarded delete. Write answers are never trusted for the path."""

from __future__ import annotations

import pytest
import requests
import responses

from omni_pulumi.listcache import LISTS
from omni_pulumi.provider import OmniResourceError
from omni_pulumi.resources.folder import FolderSpec
from tests.unit.conftest import API_KEY, BASE_URL
from tests.unit.omni_steps import PICKLED, check, create, program, sent, update

FOLDERS = f"{BASE_URL}/api/v1/folders"
FOLDER = "11111111-1111-1111-1111-111111111111"
PARENT = "22222222-2222-2222-2222-222222222222"
OTHER = "33333333-3333-3333-3333-333333333333"
OWNER = "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"


def record(id_: str, name: str, path: str) -> dict:
    """A folder as Omni lists it (no scope, no parent id)."""
    url = f"https://acme.omniapp.co/f{path}"
    return {"id": id_, "name": name, "path": path, "ownerId": OWNER, "url": url}


def page(*records: dict) -> dict:
    return {"records": list(records), "pageInfo": {"hasNextPage": False, "nextCursor": None}}


NOT_FOUND = {"detail": "Folder not found", "status": 404}


def got(id_: str, name: str, path: str, scope: str = "organization") -> dict:
    """A folder as GET /api/v1/folders/{id} answers it (no owner, no parent)."""
    return {"id": id_, "name": name, "path": path, "scope": scope, "url": f"https://x/f{path}"}


def made(id_: str, name: str, scope: str = "organization") -> dict:
    """A create answer as a live Omni gives it: no path, no url (finding 3)."""
    return {"id": id_, "name": name, "ownerId": OWNER, "scope": scope}


def by_id(api, record: dict) -> None:
    api.add(responses.GET, f"{FOLDERS}/{record['id']}", json=record)


def owned_by(api, folder: str, owner: str = OWNER) -> None:
    permit = {
        "id": owner,
        "name": "Ann",
        "type": "user",
        "direct": {"role": "MANAGER", "accessBoost": False, "isOwner": True},
    }
    api.add(responses.GET, f"{FOLDERS}/{folder}/permissions", json={"permits": [permit]})


SPEC = FolderSpec


def no_folder_yet(api, *records: dict) -> None:
    """The listing a create looks in first (Omni would make a second folder of the same name)."""
    api.add(responses.GET, FOLDERS, json=page(*records))


@pytest.fixture
def finance(api, provider):
    """A root folder created by Pulumi (Omni chose scope and owner), the requests log cleared."""
    no_folder_yet(api)
    api.add(responses.POST, FOLDERS, json=made(FOLDER, "Finance"), status=201)
    by_id(api, got(FOLDER, "Finance", "/finance"))
    id_, outs = create(provider, name="Finance")
    api.calls.reset()
    LISTS.clear()  # what follows is a later operation: it lists afresh
    return id_, outs


def test_create_posts_only_the_given_settings_and_reads_the_path_by_id(api, provider):
    # The create answer lacks the path (live finding 3): one GET by id gives it. Before it, the
    # listing says no "Reports" is under the parent yet.
    no_folder_yet(api, record(PARENT, "Finance", "/finance"), record(OTHER, "Reports", "/reports"))
    api.add(responses.POST, FOLDERS, json=made(FOLDER, "Reports"), status=201)
    by_id(api, got(FOLDER, "Reports", "/finance/reports"))

    id_, outs = create(provider, name="Reports", parent_folder_id=PARENT)

    assert sent(api) == [
        ("GET", "/api/v1/folders?pageSize=100&scope=organization", None),
        ("POST", "/api/v1/folders", {"name": "Reports", "parentFolderId": PARENT}),
        ("GET", f"/api/v1/folders/{FOLDER}", None),
    ]
    assert id_ == FOLDER
    assert outs == {
        "name": "Reports",
        "parent_folder_id": PARENT,
        "scope": "organization",
        "user_id": OWNER,
        "force_destroy": False,
        "path": "/finance/reports",
        "adopt_id": None,
        "__provider": PICKLED,
    }


def test_read_lists_the_recorded_scope_and_matches_the_id(api, provider, finance):
    id_, outs = finance
    api.add(
        responses.GET,
        FOLDERS,
        json=page(record(OTHER, "Finance", "/finance"), record(FOLDER, "Finance", "/finance")),
    )

    result = provider.read(id_, outs)

    assert sent(api) == [("GET", "/api/v1/folders?pageSize=100&scope=organization", None)]
    assert result.id == FOLDER
    assert result.outs == {k: v for k, v in outs.items() if k != "__provider"}


def test_reads_of_one_burst_share_one_listing(api, provider, finance):
    id_, outs = finance
    api.add(responses.GET, FOLDERS, json=page(record(FOLDER, "Finance", "/finance")))

    results = [provider.read(id_, outs) for _ in range(5)]

    assert [r.id for r in results] == [FOLDER] * 5
    assert len(sent(api)) == 1


def test_read_after_a_rename_outside_pulumi_finds_the_id(api, provider, finance):
    id_, outs = finance
    api.add(responses.GET, FOLDERS, json=page(record(FOLDER, "Money", "/money")))

    result = provider.read(id_, outs)

    assert [p for _, p, _ in sent(api)] == ["/api/v1/folders?pageSize=100&scope=organization"]
    assert (result.id, result.outs["name"], result.outs["path"]) == (FOLDER, "Money", "/money")
    diff = provider.diff(id_, result.outs, check(provider, name="Finance"))
    assert (diff.changes, diff.replaces) == (True, [])  # the program's name is written back


def test_read_of_a_folder_deleted_outside_pulumi_returns_an_empty_id(api, provider, finance):
    id_, outs = finance
    api.add(responses.GET, FOLDERS, json=page(record(OTHER, "Other", "/other")))
    api.add(responses.GET, f"{FOLDERS}/{FOLDER}", json=NOT_FOUND, status=404)

    result = provider.read(id_, outs)

    assert result.id == ""
    # Restricted folders are listed per owner: the scan asks for the recorded owner's; a folder
    # no listing shows is looked up by id before it is called gone.
    assert [p for _, p, _ in sent(api)][-2:] == [
        f"/api/v1/folders?ownerId={OWNER}&pageSize=100&scope=restricted",
        f"/api/v1/folders/{FOLDER}",
    ]


def test_refresh_of_a_restricted_folder_without_a_known_owner_reads_it_by_id(api, provider):
    # The listing of restricted folders needs the owner; by id the folder is found anyway.
    state = {"name": "Mine", "scope": "restricted", "user_id": None, "path": "/mine"}
    api.add(responses.GET, FOLDERS, json=page())
    by_id(api, got(FOLDER, "Mine", "/mine", scope="restricted"))
    owned_by(api, FOLDER)

    result = provider.read(FOLDER, {**state, "parent_folder_id": None, "force_destroy": False})

    # The owner, never recorded, comes from the permits: the next refresh can list it.
    assert [p for _, p, _ in sent(api)] == [
        "/api/v1/folders?pageSize=100&scope=organization",
        f"/api/v1/folders/{FOLDER}",
        f"/api/v1/folders/{FOLDER}/permissions",
    ]
    assert (result.id, result.outs["scope"], result.outs["path"]) == (FOLDER, "restricted", "/mine")
    assert result.outs["user_id"] == OWNER


def test_rename_is_a_patch_of_the_name_and_a_read_by_id(api, provider, finance):
    # A live update answer has no path (finding 4); the spec's has only the own segment.
    id_, outs = finance
    api.add(responses.PATCH, f"{FOLDERS}/{FOLDER}", json={"id": FOLDER, "name": "Money"})
    by_id(api, got(FOLDER, "Money", "/money"))

    replaces, outs = update(provider, id_, outs, name="Money")

    assert replaces == []
    assert sent(api) == [
        ("PATCH", f"/api/v1/folders/{FOLDER}", {"name": "Money"}),
        ("GET", f"/api/v1/folders/{FOLDER}", None),
    ]
    assert (outs["name"], outs["path"]) == ("Money", "/money")  # the full path, read back
    assert (outs["scope"], outs["user_id"]) == ("organization", OWNER)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"parent_folder_id": PARENT}, "parent_folder_id"),
        ({"scope": "restricted"}, "scope"),
        ({"user_id": "bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb"}, "user_id"),
    ],
)
def test_moving_or_changing_scope_or_owner_replaces_the_folder(provider, finance, change, field):
    id_, outs = finance

    diff = provider.diff(id_, outs, check(provider, outs, name="Finance", **change))

    assert diff.changes is True
    assert diff.replaces == [field]
    # The name under its parent is the folder's key: a replacement that keeps both deletes the old
    # folder first (create would find it and refuse to make a second); a move creates first.
    assert diff.delete_before_replace is (field != "parent_folder_id")


def test_stating_the_scope_omni_chose_is_no_change(provider, finance):
    id_, outs = finance

    diff = provider.diff(
        id_, outs, check(provider, outs, name="Finance", scope="organization", user_id=OWNER)
    )

    assert diff.changes is False


def test_force_destroy_lives_in_the_stack_and_survives_in_state(api, provider, finance):
    id_, outs = finance

    replaces, outs = update(provider, id_, outs, name="Finance", force_destroy=True)

    assert replaces == []
    assert sent(api) == []  # nothing to tell Omni
    assert outs["force_destroy"] is True
    # What Omni chose is still known: reads and deletes list the right scope and owner.
    assert (outs["scope"], outs["user_id"], outs["path"]) == ("organization", OWNER, "/finance")


def test_delete_of_a_non_empty_folder_fails_with_a_fix(api, provider, finance):
    id_, outs = finance
    api.add(
        responses.DELETE,
        f"{FOLDERS}/{FOLDER}",
        json={"detail": "Folders with documents cannot be deleted", "status": 400},
        status=400,
    )

    with pytest.raises(OmniResourceError) as error:
        provider.delete(id_, outs)

    message = str(error.value)
    assert sent(api) == [("DELETE", f"/api/v1/folders/{FOLDER}", None)]
    assert "Folder 'Finance'" in message
    assert "Folders with documents cannot be deleted" in message
    assert "force_destroy=True" in message
    assert API_KEY not in message


def test_delete_with_force_destroy_sends_force(api, provider, finance):
    id_, outs = finance
    api.add(responses.DELETE, f"{FOLDERS}/{FOLDER}", json={"success": True})

    provider.delete(id_, {**outs, "force_destroy": True})

    assert sent(api) == [("DELETE", f"/api/v1/folders/{FOLDER}?force=true", None)]


def test_delete_of_an_already_deleted_folder_succeeds(api, provider, finance):
    id_, outs = finance
    api.add(responses.DELETE, f"{FOLDERS}/{FOLDER}", json=NOT_FOUND, status=404)

    provider.delete(id_, outs)

    assert len(api.calls) == 1


def test_adopt_reads_by_id_with_owner_and_parent_and_renames_it(api, provider):
    by_id(api, got(FOLDER, "Q1", "/finance/q1"))
    api.add(responses.GET, FOLDERS, json=page(record(PARENT, "Finance", "/finance")))
    owned_by(api, FOLDER)
    api.add(responses.PATCH, f"{FOLDERS}/{FOLDER}", json={"id": FOLDER, "name": "Q1 2026"})
    by_id(api, got(FOLDER, "Q1 2026", "/finance/q1"))

    id_, outs = create(provider, name="Q1 2026", parent_folder_id=PARENT, adopt_id=FOLDER)

    # One GET by id, the parent by its exact path, the owner from the permits: no full listing.
    assert [(m, p) for m, p, _ in sent(api)] == [
        ("GET", f"/api/v1/folders/{FOLDER}"),
        ("GET", "/api/v1/folders?pageSize=100&path=/finance&scope=organization"),
        ("GET", f"/api/v1/folders/{FOLDER}/permissions"),
        ("PATCH", f"/api/v1/folders/{FOLDER}"),
        ("GET", f"/api/v1/folders/{FOLDER}"),
    ]
    assert id_ == FOLDER
    assert (outs["name"], outs["parent_folder_id"], outs["adopt_id"]) == ("Q1 2026", PARENT, FOLDER)
    assert (outs["user_id"], outs["path"]) == (OWNER, "/finance/q1")


def test_adopt_refuses_a_folder_under_another_parent(api, provider):
    by_id(api, got(FOLDER, "Q1", "/q1"))
    owned_by(api, FOLDER)

    with pytest.raises(OmniResourceError) as error:
        create(provider, name="Q1", parent_folder_id=PARENT, adopt_id=FOLDER)

    message = str(error.value)
    assert "`parent_folder_id` is None in Omni" in message
    assert repr(PARENT) in message
    assert {m for m, _, _ in sent(api)} == {"GET"}  # nothing written


def test_adopt_refuses_a_folder_of_another_owner(api, provider):
    by_id(api, got(FOLDER, "Q1", "/q1"))
    owned_by(api, FOLDER, OTHER)

    with pytest.raises(OmniResourceError, match="`user_id` is"):
        create(provider, name="Q1", user_id=OWNER, adopt_id=FOLDER)


def test_adopt_of_a_missing_folder_names_kind_and_id(api, provider):
    api.add(responses.GET, f"{FOLDERS}/{FOLDER}", json=NOT_FOUND, status=404)

    with pytest.raises(OmniResourceError, match=f"Cannot adopt Folder '{FOLDER}'.*no such Folder"):
        create(provider, name="Q1", adopt_id=FOLDER)

    assert sent(api) == [("GET", f"/api/v1/folders/{FOLDER}", None)]


def test_create_after_a_lost_answer_adopts_the_folder_omni_made(api, provider):
    no_folder_yet(api)
    api.add(responses.POST, FOLDERS, body=requests.ConnectionError("connection reset"))
    api.add(responses.GET, FOLDERS, json=page(record(FOLDER, "Finance", "/finance")))
    by_id(api, got(FOLDER, "Finance", "/finance"))
    owned_by(api, FOLDER)

    id_, outs = create(provider, name="Finance")

    methods = [m for m, _, _ in sent(api)]
    assert methods.count("POST") == 1
    assert set(methods) == {"POST", "GET"}
    assert (id_, outs["path"], outs["user_id"]) == (FOLDER, "/finance", OWNER)


def test_lost_answer_for_a_subfolder_matches_name_and_parent_path(api, provider):
    no_folder_yet(api, record(PARENT, "Finance", "/finance"))
    api.add(responses.POST, FOLDERS, body=requests.ReadTimeout("read timed out"))
    listing = page(
        record(OTHER, "Q1", "/q1"),  # same name at the root: not ours
        record(PARENT, "Finance", "/finance"),
        record(FOLDER, "Q1", "/finance/q1"),
    )
    api.add(responses.GET, FOLDERS, json=listing)
    by_id(api, got(FOLDER, "Q1", "/finance/q1"))
    owned_by(api, FOLDER)

    id_, outs = create(provider, name="Q1", parent_folder_id=PARENT)

    # The parent's path and the folder under it, both from the listing: no second POST.
    assert [m for m, _, _ in sent(api)].count("POST") == 1
    assert (id_, outs["path"], outs["parent_folder_id"]) == (FOLDER, "/finance/q1", PARENT)


def test_create_after_a_502_posts_again_when_no_folder_was_made(api, provider):
    # A same-named folder elsewhere is not ours.
    elsewhere = record(OTHER, "Finance", "/archive/finance")
    no_folder_yet(api, elsewhere)
    api.add(responses.POST, FOLDERS, json={"detail": "Bad gateway"}, status=502)
    api.add(responses.GET, FOLDERS, json=page(elsewhere))
    api.add(responses.POST, FOLDERS, json=made(FOLDER, "Finance"), status=201)
    by_id(api, got(FOLDER, "Finance", "/finance"))

    id_, _ = create(provider, name="Finance")

    assert [(m, p) for m, p, _ in sent(api)] == [
        ("GET", "/api/v1/folders?pageSize=100&scope=organization"),
        ("POST", "/api/v1/folders"),
        ("GET", "/api/v1/folders?pageSize=100&scope=organization"),
        ("POST", "/api/v1/folders"),
        ("GET", f"/api/v1/folders/{FOLDER}"),
    ]
    assert id_ == FOLDER


@pytest.mark.parametrize(
    ("args", "field", "words"),
    [
        ({"name": ""}, "name", "at least 1 character"),
        ({"name": "F", "parent_folder_id": "finance"}, "parent_folder_id", "uuid"),
        ({"name": "F", "scope": "private"}, "scope", "'organization' or 'restricted'"),
        ({"name": "F", "user_id": "me"}, "user_id", "uuid"),
        ({"name": "F", "parent": PARENT}, "parent", "not an argument"),
    ],
)
def test_check_names_the_argument_and_what_is_allowed(provider, args, field, words):
    result = provider.check({}, {"__provider": PICKLED, **args})

    assert [f.property for f in result.failures] == [field]
    assert f"Folder.{field}" in result.failures[0].reason
    assert words in result.failures[0].reason


def test_adopting_with_force_destroy_writes_nothing_and_says_so(api, provider, capsys):
    # force_destroy is a setting of the stack, not of Omni: adoption has nothing to write for it.
    by_id(api, got(FOLDER, "Finance", "/finance"))
    owned_by(api, FOLDER)

    id_, outs = create(provider, name="Finance", force_destroy=True, adopt_id=FOLDER)

    assert {m for m, _, _ in sent(api)} == {"GET"}
    assert (id_, outs["force_destroy"]) == (FOLDER, True)
    assert "no setting needed a change" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"parent_folder_id": PARENT}, "parent_folder_id"),
        ({"scope": "restricted"}, "scope"),
        ({"user_id": "bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb"}, "user_id"),
    ],
)
def test_a_replacement_is_refused_while_force_destroy_would_delete_the_content(
    provider, finance, change, field
):
    # The old folder is deleted with force=true: the preview would say "replace" and its
    # documents would go.
    _, outs = finance
    olds = {**outs, "force_destroy": True}

    result = provider.check(olds, program(provider, name="Finance", force_destroy=False, **change))

    assert [f.property for f in result.failures] == [field]
    reason = result.failures[0].reason
    assert reason.startswith(f"Folder.{field}:")
    assert "force_destroy=False" in reason and "`pulumi up` first" in reason
    assert "move the content" in reason


def test_a_replacement_without_force_destroy_and_a_rename_with_it_are_allowed(provider, finance):
    _, outs = finance

    check(provider, outs, name="Finance", parent_folder_id=PARENT)
    check(provider, {**outs, "force_destroy": True}, name="Money", force_destroy=True)
    # Stating what Omni chose is no change, so no replacement to refuse.
    check(provider, {**outs, "force_destroy": True}, name="Finance", scope="organization")
