"""UserGroup: a SCIM group. Omni's SCIM endpoints take an organization API key only."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import Field

from omni_pulumi.argtypes import Uuid
from omni_pulumi.client import OmniClient
from omni_pulumi.spec import Arg, Listing, OmniArgs, ResourceSpec

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
            # SCIM names each member as {"value": <user id>}.
            to_api=lambda users: [{"value": user} for user in users],
            from_api=lambda members: sorted(m["value"] for m in members or []),
            hint="pass user membership ids (uuids)",
            doc="User ids of the members, compared as a set. An update replaces the whole "
            "membership (a SCIM PATCH `replace` of `members`).",
        ),
    ] = []


class UserGroupSpec(ResourceSpec, register=True):
    """An Omni user group (SCIM)."""

    type_name = "UserGroup"
    title = "display_name"
    export_label = "{display_name}"
    path = PATH
    # Export only enumerates groups (it reads each by id), so it leaves the members out; a
    # refresh reads the members from the list answer.
    listing = Listing(
        PATH, style="scim", params={"excludedAttributes": "members"}, refresh_params={}
    )
    needs_org_key = True  # SCIM refuses personal access tokens
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
"""

    def update(
        self,
        client: OmniClient,
        id_: str,
        olds: Mapping[str, Any],
        news: dict[str, Any],
        changed: set[str],
    ) -> dict[str, Any]:
        # A live Omni refuses SCIM PUT on groups (finding 13): PATCH with replace operations,
        # one for the name and one replacing the whole membership, for what changed.
        body = self.body(news, changed)
        operations = [
            {"op": "replace", "path": path, "value": value} for path, value in body.items()
        ]
        if not operations:
            return {}
        answer = client.patch(
            self.item_path(id_), json={"schemas": [PATCH_SCHEMA], "Operations": operations}
        )
        return self.observe(answer)
