"""UserGroup: a SCIM group. Omni's SCIM endpoints take an organization API key only."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import Field

from omni_pulumi.client import OmniClient, quote_segment
from omni_pulumi.errors import OmniNotFound
from omni_pulumi.resources._types import Uuid
from omni_pulumi.spec import Arg, Listing, OmniArgs, ResourceSpec

PATH = "/api/scim/v2/Groups"


class UserGroupArgs(OmniArgs):
    display_name: Annotated[
        str,
        Field(min_length=1),
        Arg(updatable=True, doc="The group's name, unique in the organization."),
    ]
    members: Annotated[
        list[Uuid],
        Arg(
            updatable=True,
            unordered=True,
            hint="pass user membership ids (uuids)",
            doc="User ids of the members, compared as a set. An update replaces the whole "
            "membership.",
        ),
    ] = []


def _observed(group: Mapping[str, Any]) -> dict[str, Any]:
    members = sorted(m["value"] for m in group.get("members") or [])
    return {"display_name": group["displayName"], "members": members}


class UserGroupSpec(ResourceSpec, register=True):
    """An Omni user group (SCIM)."""

    type_name = "UserGroup"
    title = "display_name"
    export_label = "{display_name}"
    path = PATH
    listing = Listing(PATH, style="scim", params={"excludedAttributes": "members"})
    args_model = UserGroupArgs
    id_doc = "the group's SCIM id (such as `mEhXj6ZI`)"
    natural_key = ("display_name",)
    notes = """
- Groups live behind Omni's SCIM API, which takes an **organization API key** only: a personal
  access token gets 403, and the error says so.
- An update is a SCIM `PUT`, which replaces the whole membership with the program's `members`.
- Group names are unique: a replacement that keeps the name deletes the old group first.
"""

    def create(self, client: OmniClient, args: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        body = {
            "displayName": args["display_name"],
            "members": [{"value": user} for user in args["members"]],
        }
        group = client.post(PATH, json=body)
        return group["id"], _observed(group)

    def read(self, client: OmniClient, id_: str, state: Mapping[str, Any]) -> dict[str, Any] | None:
        try:
            return _observed(client.get(f"{PATH}/{quote_segment(id_)}"))
        except OmniNotFound:
            return None

    def update(
        self,
        client: OmniClient,
        id_: str,
        olds: Mapping[str, Any],
        news: dict[str, Any],
        changed: set[str],
    ) -> dict[str, Any]:
        # PUT overwrites the membership: send every member, with the display SCIM requires.
        body = {
            "displayName": news["display_name"],
            "members": [{"value": user, "display": user} for user in news["members"]],
        }
        return _observed(client.put(f"{PATH}/{quote_segment(id_)}", json=body))

    def delete(self, client: OmniClient, id_: str, state: Mapping[str, Any]) -> None:
        client.delete(f"{PATH}/{quote_segment(id_)}")

    def find_existing(self, client: OmniClient, args: dict[str, Any]) -> str | None:
        for group in client.paginate_scim(PATH, {"excludedAttributes": "members"}):
            if group["displayName"] == args["display_name"]:
                return group["id"]
        return None
