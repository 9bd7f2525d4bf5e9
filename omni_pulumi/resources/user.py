"""User: an Omni user over SCIM, with the values of its user attributes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from omni_pulumi.client import OmniClient
from omni_pulumi.resources.user_attribute import Value, name_problems
from omni_pulumi.spec import Arg, Listing, OmniArgs, ResourceSpec

PATH = "/api/scim/v2/Users"
#: Where SCIM bodies and answers carry the attribute values (docs example; live TC-03b). Its dots
#: are not path steps, so the spec's dotted JSON paths cannot name it: body and observe map it.
ATTRIBUTES = "urn:omni:params:1.0:UserAttribute"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
#: Lowercased at check: Omni matches emails regardless of case.
Email = Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", to_lower=True)]


class UserArgs(OmniArgs):
    user_name: Annotated[
        Email,
        Arg(
            updatable=True,
            from_api=lambda email: email.lower() if isinstance(email, str) else email,
            hint="use the user's email address",
            doc="The user's email, Omni's login name, unique in the organization. A change is "
            "written in place: the user keeps its id, content and roles.",
        ),
    ]
    display_name: Annotated[
        str, Field(min_length=1), Arg(updatable=True, doc="The name Omni shows.")
    ]
    active: Annotated[
        bool,
        Arg(updatable=True, doc="False deactivates the user (it can no longer sign in)."),
    ] = True
    attributes: Annotated[
        dict[str, Value],
        Arg(
            updatable=True,
            partial=True,
            hint="map attribute names to a value (a list for multiple-values attributes)",
            doc="Values of user attributes, by attribute name. Only the names given are managed: "
            "values Omni holds for other attributes are left alone and never diffed (removing a "
            "name stops managing it). Numbers are kept as strings, as Omni stores them; Omni's "
            "built-in `omni_*` attributes are refused.",
        ),
    ] = {}


class UserSpec(ResourceSpec, register=True):
    """An Omni user (SCIM)."""

    type_name = "User"
    args_model = UserArgs
    title = "user_name"
    export_label = "{user_name}"
    id_doc = "the user's SCIM id (a uuid)"
    natural_key = ("user_name",)
    path = PATH
    listing = Listing(PATH, style="scim")
    needs_org_key = True  # SCIM refuses personal access tokens
    caller_id_field = "membershipId"  # a SCIM user's id is its membership id (Omni's docs)
    notes = """
- Users live behind Omni's SCIM API, which takes an **organization API key** only.
- A SCIM `PUT` replaces the user: optional fields it omits (attribute values, the enterprise
  extension, `active`) go back to their defaults. An update therefore reads the user first and
  sends Omni's record with the program's changes on top (two calls), so nothing the program does
  not set is dropped. (The spec's `PATCH` documents only `active`, `displayName` and `userName`,
  not attribute values.)
- SCIM create takes no `active`: a user created with `active=False` is deactivated by a `PATCH`
  right after.
- `attributes` manages only the names it lists; Omni's own `omni_*` attributes are refused at
  preview, since Omni never returns them.
- A create whose email Omni already holds fails (409) with the existing user's id to adopt.
- `destroy` deletes the user from Omni.
"""

    def check_rules(self, args: dict[str, Any], unknown: set[str]) -> Iterable[tuple[str, str]]:
        if "attributes" in unknown:
            return
        for name in args.get("attributes") or {}:
            yield from name_problems("attributes", name)

    def body(self, args: Mapping[str, Any], names: Iterable[str] | None = None) -> dict[str, Any]:
        body = super().body(args, names)
        if "attributes" in body:
            body[ATTRIBUTES] = body.pop("attributes")
        return body

    def observe(
        self, record: Mapping[str, Any], state: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        flat = {k: v for k, v in record.items() if k != ATTRIBUTES}
        if ATTRIBUTES in record:
            flat["attributes"] = record[ATTRIBUTES] or {}
        return super().observe(flat, state)

    def create(self, client: OmniClient, args: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        body = self.body(args, ["user_name", "display_name", "attributes"])
        # A taken email (409) is the engine's to answer: it finds the user by find_existing and
        # fails with the adopt_id line (or adopts it, with omni:adoptExisting).
        record = self.unwrap(client.post(PATH, json=body))
        id_ = self.id_of(args, record)
        if args.get("active") is False:
            # SCIM create has no `active`: deactivate the new user with the spec's PATCH.
            operation = {"op": "replace", "value": {"active": False}}
            record = client.patch(
                self.item_path(id_), json={"schemas": [PATCH_SCHEMA], "Operations": [operation]}
            )
        return id_, self.observe(record, args)

    def find_existing(self, client: OmniClient, args: dict[str, Any]) -> str | None:
        """The user with this email: one filtered SCIM query, not the whole listing."""
        email = args["user_name"]
        found = client.get(PATH, params={"filter": f'userName eq "{email}"'}) or {}
        ids = [r.get("id") for r in found.get("Resources") or [] if r.get("id")]
        return str(ids[0]) if ids else None

    def update(
        self,
        client: OmniClient,
        id_: str,
        olds: Mapping[str, Any],
        news: dict[str, Any],
        changed: set[str],
    ) -> dict[str, Any]:
        # A SCIM PUT resets what it omits (Omni's docs): read the user, and send back what Omni
        # holds (other attributes, the enterprise extension) with the program's values on top.
        current = client.get(self.item_path(id_)) or {}
        body = self.body(news)
        body[ATTRIBUTES] = {**(current.get(ATTRIBUTES) or {}), **body.get(ATTRIBUTES, {})}
        if current.get(ENTERPRISE):
            body[ENTERPRISE] = current[ENTERPRISE]
        answer = client.put(self.item_path(id_), json=body)
        return self.observe(answer, news)
