"""Folder: where documents live. Omni has no GET by id, so reads list by path and match the id."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Annotated, Any, Literal

from pydantic import Field

from omni_pulumi.client import OmniClient, quote_segment
from omni_pulumi.errors import OmniBadRequest, OmniNotFound
from omni_pulumi.listcache import LISTS
from omni_pulumi.resources._types import Uuid
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
            doc="Delete the folder with its content on destroy (`force=true`). Without it, "
            "destroying a folder that still holds documents fails.",
        ),
    ] = False


class FolderSpec(ResourceSpec, register=True):
    """An Omni folder."""

    type_name = "Folder"
    path = PATH
    listing = Listing(PATH, style="cursor", params={"scope": "organization"})

    def unlisted(self, client: Any) -> Iterator[tuple[str, str, str]]:
        # Restricted folders are listed per owner only, and adoption reads a folder without
        # knowing its owner, so they cannot be adopted: export names them in its summary.
        for user in client.paginate_scim("/api/scim/v2/Users"):
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
    outputs = {
        "path": Output("The folder's full path in Omni, generated from the hierarchy."),
    }
    notes = """
- Omni has no GET for one folder: a read lists the folders of its scope and matches the id, so a
  folder renamed outside Pulumi is still found. One listing serves every folder read for a few
  seconds (writes through the provider drop it), so a refresh costs the listing's pages (100
  folders a page), not a call per folder; see docs/performance.md.
- Folder records do not say which folder is the parent, so a move outside Pulumi is not seen by
  refresh. Adoption finds the parent from the folder's path.
- Restricted folders are listed per owner: set `user_id` on restricted folders so they can be read.
- Omni deletes only empty folders. Destroying one that still holds documents fails with a message
  saying so, unless `force_destroy=True` (then Omni deletes its content too, up to 100 items).
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
        body = {
            "name": args["name"],
            "parentFolderId": args.get("parent_folder_id"),
            "scope": args.get("scope"),
            "userId": args.get("user_id"),
        }
        made = client.post(PATH, json={k: v for k, v in body.items() if v is not None})
        return made["id"], _observed(made)

    def read(self, client: OmniClient, id_: str, state: Mapping[str, Any]) -> dict[str, Any] | None:
        found = self._find(client, lambda record: record["id"] == id_, state)
        if found is None:
            return None
        record, scope = found
        observed = _observed({**record, "scope": scope})
        if "parent_folder_id" not in state:
            # Adoption: the list has no parent id, so find the folder whose path holds this one.
            parent_path = _parent_path(record["path"])
            parent = parent_path and self._find(client, lambda r: r["path"] == parent_path, {})
            observed["parent_folder_id"] = parent[0]["id"] if parent else None
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
        client.patch(f"{PATH}/{quote_segment(id_)}", json={"name": news["name"]})
        # PATCH answers with the folder's own path segment only; read the full path back.
        return self.read(client, id_, {**olds, "path": None}) or {}

    def delete(self, client: OmniClient, id_: str, state: Mapping[str, Any]) -> None:
        params = {"force": "true"} if state.get("force_destroy") else None
        try:
            client.delete(f"{PATH}/{quote_segment(id_)}", params=params)
        except OmniBadRequest as exc:
            hint = (
                f"Folder {state.get('name')!r} still holds documents or folders: move them out in "
                "Omni, or set `force_destroy=True` (then `pulumi up`) to delete it with its content"
            )
            raise exc.with_hint(hint) from None

    def find_existing(self, client: OmniClient, args: dict[str, Any]) -> str | None:
        parent_path = None
        if args.get("parent_folder_id"):
            # Only the parent's path is needed, not its own parent: a known (unset) parent id
            # keeps read from looking that up.
            known = {"scope": args.get("scope"), "parent_folder_id": None}
            parent = self.read(client, args["parent_folder_id"], known)
            parent_path = parent and parent["path"]
        found = self._find(
            client,
            lambda r: r["name"] == args["name"] and _parent_path(r["path"]) == parent_path,
            args,
        )
        return found[0]["id"] if found else None

    def _find(
        self, client: OmniClient, match, state: Mapping[str, Any]
    ) -> tuple[dict[str, Any], str] | None:
        """The first folder record that matches, and the scope it was listed under.

        The list has no id filter, so a read takes the whole listing of each scope, shared by every
        folder read of the same burst (:data:`~omni_pulumi.listcache.LISTS`): a refresh costs the
        listing's pages, not one call per folder, and a folder renamed or moved outside Pulumi is
        still found by its id.
        """
        scopes = sorted(("organization", "restricted"), key=lambda s: s != state.get("scope"))
        for scope in scopes:
            for record in self._listing(client, scope, state):
                if match(record):
                    return record, scope
        return None

    def _listing(
        self, client: OmniClient, scope: str, state: Mapping[str, Any]
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

        return LISTS.records(client, self.type_name, PATH, params, fetch)


def _parent_path(path: str) -> str | None:
    head, _, _ = path.rstrip("/").rpartition("/")
    return head or None


def _observed(record: Mapping[str, Any]) -> dict[str, Any]:
    """What a folder record says. The parent is not in it: moves outside Pulumi go unseen."""
    return {
        "name": record["name"],
        "scope": record.get("scope"),
        "user_id": record.get("ownerId"),
        "path": record.get("path"),
    }
