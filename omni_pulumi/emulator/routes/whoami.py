"""Whoami: the caller's identity and the key's scope (spec: GET /api/v1/whoami, WhoamiResponse).

omni-pulumi calls it once per operation to check the base URL and the key before anything else, and
to learn whether the key is an organization key (SCIM needs one).
"""

from __future__ import annotations

import uuid

from ..validation import obj, string
from . import Context, Route

QUERY = obj({"modelId": string()})


def whoami(ctx: Context) -> dict:
    caller = ctx.caller
    return {
        "keyScope": "organization" if caller.org else "user",
        # The emulator's keys act as an Organization Admin (its seeded admin) unless added otherwise.
        "orgRole": "ORG_ADMIN",
        "rolesByModel": {},
        # A SCIM user's id is its membership id (Omni's docs; see routes/model_roles.py). The
        # person's global user id is "distinct from" it (the spec): a stable stand-in here.
        "user": {
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, caller.user_id)),
            "membershipId": caller.user_id,
        },
    }


ROUTES = [Route("GET", "/api/v1/whoami", whoami, query=QUERY)]
