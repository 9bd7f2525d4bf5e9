"""UserGroup: a SCIM group. Omni's SCIM endpoints take an organization API key only."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import pulumi
from pydantic import Field

from omni_pulumi.client import OmniClient, quote_segment
from omni_pulumi.errors import OmniNotFound
from omni_pulumi.resource import OmniResource, given
from omni_pulumi.resources._types import Uuid
from omni_pulumi.spec import Arg, OmniArgs, ResourceSpec

PATH = "/api/scim/v2/Groups"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


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
            "membership (a SCIM PATCH `replace` of `members`).",
        ),
    ] = []


def _observed(group: Mapping[str, Any]) -> dict[str, Any]:
    members = sorted(m["value"] for m in group.get("members") or [])
    return {"display_name": group["displayName"], "members": members}


class UserGroupSpec(ResourceSpec):
    type_name = "UserGroup"
    args_model = UserGroupArgs
    id_doc = "the group's SCIM id (such as `mEhXj6ZI`)"
    natural_key = ("display_name",)
    notes = """
- Groups live behind Omni's SCIM API, which takes an **organization API key** only: a personal
  access token gets 403, and the error says so.
- An update is a SCIM `PATCH` of `replace` operations (the display name, and the whole
  membership with the program's `members`), never a `PUT`: a live Omni refuses SCIM `PUT` on groups
  with `members: Required` even for a well-formed body (live finding 13 of
  ashima-omni/terraform-provider-omni).
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
        self, client: OmniClient, id_: str, olds: Mapping[str, Any], news: dict[str, Any]
    ) -> dict[str, Any]:
        # A live Omni refuses SCIM PUT on groups (finding 13): PATCH with replace operations,
        # one for the name and one replacing the whole membership, for what changed.
        operations = []
        if news["display_name"] != olds.get("display_name"):
            operations.append(
                {"op": "replace", "path": "displayName", "value": news["display_name"]}
            )
        if sorted(news["members"]) != sorted(olds.get("members") or []):
            members = [{"value": user} for user in news["members"]]
            operations.append({"op": "replace", "path": "members", "value": members})
        if not operations:
            return {}
        body = {"schemas": [PATCH_SCHEMA], "Operations": operations}
        return _observed(client.patch(f"{PATH}/{quote_segment(id_)}", json=body))

    def delete(self, client: OmniClient, id_: str, state: Mapping[str, Any]) -> None:
        client.delete(f"{PATH}/{quote_segment(id_)}")

    def find_existing(self, client: OmniClient, args: dict[str, Any]) -> str | None:
        for group in client.paginate_scim(PATH, {"excludedAttributes": "members"}):
            if group["displayName"] == args["display_name"]:
                return group["id"]
        return None


class UserGroup(OmniResource, spec=UserGroupSpec):
    """An Omni user group (SCIM). ``adopt_id`` is the group's SCIM id."""

    display_name: pulumi.Output[str]
    members: pulumi.Output[list[str]]

    def __init__(
        self,
        resource_name: str,
        *,
        display_name: pulumi.Input[str],
        members: pulumi.Input[list[pulumi.Input[str]]] | None = None,
        adopt_id: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, given(locals()), opts)
