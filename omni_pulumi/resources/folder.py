"""Folder: where documents live.

A single read (after a create or a rename, adoption) is one ``GET /api/v1/folders/{id}``; a refresh,
which reads every folder of a stack in one burst, shares one listing of the folders instead (see
:meth:`FolderSpec.read`), so it costs the listing's pages, not a call per folder.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Annotated, Any, Literal

from pydantic import Field

from omni_pulumi.argtypes import Uuid
from omni_pulumi.client import OmniClient, quote_segment
from omni_pulumi.errors import OmniApiError, OmniAuthError, OmniNotFound
from omni_pulumi.listcache import LISTS
from omni_pulumi.spec import Arg, Listing, OmniArgs, Output, ResourceSpec

PATH = "/api/v1/folders"


class FolderArgs(OmniArgs):
    name: Annotated[
        str,
        Field(min_length=1),
        Arg(updatable=True, doc="The folder's name. A rename is written in place (PATCH)."),
    ]
    parent_folder_id: Annotated[
        Uuid | None,
        Arg(
            api="parentFolderId",
            ref="Folder",
            hint="pass another Folder's `id` (a uuid)",
            doc="The parent folder's id; unset for a root folder. Folders nest at most 7 levels.",
        ),
    ] = None
    scope: Annotated[
        Literal["organization", "restricted"] | None,
        Arg(
            computed=True,
            hint="use 'organization' or 'restricted'",
            doc="`organization` or `restricted`. Unset: the parent's scope (Omni's default).",
        ),
    ] = None
    user_id: Annotated[
        Uuid | None,
        Arg(
            api="userId",
            read_api="ownerId",
            computed=True,
            hint="pass a user's membership id (a uuid)",
            doc="The owner's user id (org keys only). Unset: the key's user.",
        ),
    ] = None
    force_destroy: Annotated[
        bool,
        Arg(
            updatable=True,
            local=True,
            doc="Delete the folder with its content (up to 100 items) on destroy (`force=true`). "
            "Without it, destroying a folder that still holds documents fails.",
        ),
    ] = False


class FolderSpec(ResourceSpec, register=True):
    """An Omni folder."""

    type_name = "Folder"
    update_method = "PATCH"
    path = PATH
    listing = Listing(PATH, style="cursor", params={"scope": "organization"})

    def unlisted(self, client: Any) -> Iterator[tuple[str, str, str]]:
        # Restricted folders are listed per owner only, and adoption reads a folder without
        # knowing its owner, so they cannot be adopted: export names them in its summary.
        try:
            users = list(client.paginate_scim("/api/scim/v2/Users"))
        except OmniAuthError as exc:
            # A personal access token may not list users (SCIM): the shared folders still export.
            yield (
                "*",
                "(every restricted folder)",
                f"their owners cannot be listed with this key ({exc.status} on SCIM); "
                "an organization API key can",
            )
            return
        for user in users:
            params = {"scope": "restricted", "ownerId": user["id"]}
            try:
                folders = list(client.paginate_cursor(PATH, params))
            except OmniNotFound:
                continue
            for folder in folders:
                owner = user.get("userName") or user["id"]
                yield (
                    folder["id"],
                    f"restricted folder {folder.get('path')!r} of {owner}",
                    "restricted (personal) folders are listed per owner only, so adoption "
                    "cannot read them; manage them in Omni",
                )

    args_model = FolderArgs
    id_doc = "the folder's uuid"
    # Omni allows two folders of one name under one parent, but a program that names the same
    # folder twice means one: the name under its parent is the key create looks up before posting
    # (an interrupted run's folder is found, not duplicated), and a replacement that keeps both
    # deletes the old folder first.
    natural_key = ("name",)
    natural_scope = ("parent_folder_id",)
    key_enforced = False
    refusals = {
        ("delete", 400): "Folder {name!r} still holds documents or folders: move them out in "
        "Omni, or set `force_destroy=True` (then `pulumi up`) to delete it with its content"
    }
    outputs = {
        "path": Output("The folder's full path in Omni, generated from the hierarchy."),
    }
    notes = """
- Omni's create and rename answers leave out the folder's path (live findings 3 and 4 of
  ashima-omni/terraform-provider-omni), so the provider never takes `path` from them: after a
  create or a rename it reads the folder with `GET /api/v1/folders/{id}` (one call).
- Reads: a single read (after a create or a rename, and adoption) is `GET /api/v1/folders/{id}`,
  one call whatever the number of folders in Omni. A refresh reads every folder of the stack in one
  burst, so it uses one listing of the organization's folders shared by all of them (100 a page;
  writes through the provider drop it), costing the listing's pages rather than a call per folder;
  a folder the listing does not show (a restricted folder whose owner is not known, or one deleted)
  is then looked up by id before it is declared gone. See docs/performance.md.
- `GET /api/v1/folders/{id}` gives the name, path and scope, but not the owner (Omni returns it
  with the folder's permissions) nor the parent. Neither it nor the listing says which folder is
  the parent, so a move outside Pulumi is not seen by refresh. Adoption reads the folder by id, its
  owner from its permissions (`isOwner`), and its parent from its path (a listing filtered by the
  parent's path): 3 calls for a subfolder, 2 for a root folder. A restricted folder whose `user_id`
  is unset is read by id on refresh (the listing of restricted folders needs the owner).
- The lookup of the name before a create uses the listing a burst of creates shares, kept valid
  across its own creates: no extra call per folder.
- A change that replaces a folder (`parent_folder_id`, `scope`, `user_id`) is refused at preview
  while the deployed folder has `force_destroy=True`: the replacement would delete the old folder
  with its documents. Set `force_destroy=False` and run `pulumi up` first, or move the content.
"""

    def check_change(
        self, olds: dict[str, Any], news: dict[str, Any], replacing: set[str]
    ) -> Iterable[tuple[str, str]]:
        # A replacement deletes the old folder with the old state's force_destroy, so its
        # documents would go (force=true) behind a preview that shows only "replace".
        if olds.get("force_destroy"):
            for name in sorted(replacing):
                yield (
                    name,
                    "changing it replaces the folder, and the deployed folder has "
                    "force_destroy=True, so the replacement would delete the old folder's "
                    "documents with it. Set force_destroy=False and run `pulumi up` first, or "
                    "move the content out of the folder in Omni",
                )

    def create(self, client: OmniClient, args: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        # The create answer may lack the path (live finding 3): take it from a read, never from
        # the answer; the answer still says what Omni chose for owner and scope.
        id_, made = super().create(client, args)
        return id_, {**made, **(self._get(client, id_) or {})}

    def refresh(
        self, client: OmniClient, id_: str, state: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        """A refresh's read: from the shared listing, like every kind Omni lists.

        Folders are listed per scope (and restricted ones per owner), which the generic listing
        cannot say, hence this override: the organization's folders, then the owner's restricted
        ones where the owner is known. A folder the listings do not show is read by id before
        it is called gone.
        """
        found = self._find(client, lambda record: record["id"] == id_, state)
        if found is None:
            return self.read(client, id_, state)
        record, scope = found
        observed = self.observe({**record, "scope": scope})
        if "parent_folder_id" not in state:
            observed["parent_folder_id"] = self._listed_parent(client, record["path"])
        return observed

    def read(self, client: OmniClient, id_: str, state: Mapping[str, Any]) -> dict[str, Any] | None:
        """The folder as Omni holds it, by id: one GET (adoption, a parent's lookup, a refresh's
        folder the listing does not show), and one more for each of the owner and the parent
        where they are not known."""
        observed = self._get(client, id_)
        if observed is None:
            return None
        # What the GET leaves out, each at one more call where it is not known: the parent
        # (adoption) and the owner (adoption, or a folder whose owner was never recorded).
        adopting = "parent_folder_id" not in state
        if adopting:
            observed["parent_folder_id"] = self._parent_by_path(client, observed, state)
        if adopting or not state.get("user_id"):
            owner = self._owner(client, id_)
            if owner is not None:
                observed["user_id"] = owner
        return observed

    def update(
        self,
        client: OmniClient,
        id_: str,
        olds: Mapping[str, Any],
        news: dict[str, Any],
        changed: set[str],
    ) -> dict[str, Any]:
        if news["name"] == olds.get("name"):
            return {}  # only force_destroy changed: it lives in the stack, not in Omni
        super().update(client, id_, olds, news, {"name"})
        # The PATCH answer has at most the folder's own path segment (none on a live instance,
        # finding 4); read the full path back by id.
        return self._get(client, id_) or {}

    def delete(self, client: OmniClient, id_: str, state: Mapping[str, Any]) -> None:
        params = {"force": "true"} if state.get("force_destroy") else None
        try:
            client.delete(f"{PATH}/{quote_segment(id_)}", params=params)
        except OmniApiError as exc:
            raise self.refused("delete", exc, state) from None

    def find_existing(self, client: OmniClient, args: dict[str, Any]) -> str | None:
        """The folder of this name under this parent, from the shared listing (a burst of creates
        lists once: :meth:`created` keeps the listing valid across each create)."""
        parent_path = None
        if args.get("parent_folder_id"):
            listed = self._find(
                client, lambda r: r["id"] == args["parent_folder_id"], args, for_create=True
            )
            parent = listed[0] if listed else self._get(client, args["parent_folder_id"])
            parent_path = parent and parent["path"]
        found = self._find(
            client,
            lambda r: r["name"] == args["name"] and _parent_path(r["path"]) == parent_path,
            args,
            for_create=True,
        )
        return found[0]["id"] if found else None

    def created(
        self, client: OmniClient, id_: str, computed: Mapping[str, Any], generation: int
    ) -> None:
        scope = computed.get("scope")
        params: dict[str, Any] = {"scope": scope}
        if scope == "restricted":
            params["ownerId"] = computed.get("user_id")
        record = {
            "id": id_,
            "name": computed.get("name"),
            "path": computed.get("path"),
            "scope": scope,
            "ownerId": computed.get("user_id"),
        }
        if record["path"] and record["name"]:
            LISTS.extend(client, self.type_name, PATH, params, record, generation)

    def _get(self, client: OmniClient, id_: str) -> dict[str, Any] | None:
        """One folder by id (``GET /api/v1/folders/{id}``): name, path, scope; None when gone.

        The answer has no owner (Omni gives it with the permissions), so ``user_id`` is left out
        and the engine keeps what it knew.
        """
        return super().read(client, id_, {})

    def _owner(self, client: OmniClient, id_: str) -> str | None:
        """The owner's user id, from the folder's permits (``isOwner``), where Omni gives it."""
        try:
            answer = client.get(f"{PATH}/{quote_segment(id_)}/permissions")
        except (OmniNotFound, OmniAuthError):
            return None  # not a manager of it: the owner stays unknown until a refresh lists it
        for permit in (answer or {}).get("permits") or []:
            if permit.get("type") == "user" and (permit.get("direct") or {}).get("isOwner"):
                return permit.get("id")
        return None

    def _listed_parent(self, client: OmniClient, path: str) -> str | None:
        """The id of the folder whose path holds ``path``, from the shared listing."""
        parent_path = _parent_path(path)
        parent = parent_path and self._find(client, lambda r: r["path"] == parent_path, {})
        return parent[0]["id"] if parent else None

    def _parent_by_path(
        self, client: OmniClient, observed: Mapping[str, Any], state: Mapping[str, Any]
    ) -> str | None:
        """The parent's id for a single read: one listing filtered by the parent's exact path."""
        parent_path = _parent_path(observed["path"])
        if parent_path is None:
            return None
        params: dict[str, Any] = {"path": parent_path, "scope": observed.get("scope")}
        if observed.get("scope") == "restricted":
            if not state.get("user_id"):
                return None  # restricted folders are listed per owner only
            params["ownerId"] = state["user_id"]
        try:
            records = list(client.paginate_cursor(PATH, params))
        except OmniNotFound:
            return None
        return next((r["id"] for r in records if r["path"] == parent_path), None)

    def _find(
        self, client: OmniClient, match, state: Mapping[str, Any], *, for_create: bool = False
    ) -> tuple[dict[str, Any], str] | None:
        """The first folder record that matches, and the scope it was listed under.

        The list has no id filter, so a read takes the whole listing of each scope, shared by every
        folder read of the same burst (:data:`~omni_pulumi.listcache.LISTS`): a refresh costs the
        listing's pages, not one call per folder, and a folder renamed or moved outside Pulumi is
        still found by its id.
        """
        scopes = sorted(("organization", "restricted"), key=lambda s: s != state.get("scope"))
        for scope in scopes:
            for record in self._listing(client, scope, state, for_create=for_create):
                if match(record):
                    return record, scope
        return None

    def _listing(
        self, client: OmniClient, scope: str, state: Mapping[str, Any], *, for_create: bool = False
    ) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"scope": scope}
        if scope == "restricted":
            if not state.get("user_id"):
                return []  # restricted folders are listed per owner only
            params["ownerId"] = state["user_id"]

        def fetch() -> list[dict[str, Any]]:
            try:
                return list(client.paginate_cursor(PATH, params))
            except OmniNotFound:
                return []

        return LISTS.records(client, self.type_name, PATH, params, fetch, for_create=for_create)


def _parent_path(path: str) -> str | None:
    head, _, _ = path.rstrip("/").rpartition("/")
    return head or None
