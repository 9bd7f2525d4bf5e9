"""Where each error message the emulator answers with comes from.

Every ``detail`` an emulator test receives must match one entry here (the ``emu`` fixture checks it
when the test ends), so no message is pinned by a test without a stated source. Sources:

- ``spec``: Omni's OpenAPI document (spec/omni-api/openapi.json); ``quote`` occurs in it.
- ``seed-spec``: Omni's older spec revision with its response examples, [G] in
  ../shared/omni-api/RESOURCES.md (../shared/omni-api/seed-openapi.yaml); ``quote`` occurs in it
  (checked where ../shared is present).
- ``zod``: zod's standard wording, which Omni's validation layer answers with (its 400s in [G] read
  ``Bad Request: <field>: <zod message>``); ``quote`` is the zod message.
- ``own``: the emulator's own wording, where no Omni source gives one; docs/emulator.md lists it.

``docs/emulator.md`` ("Its messages") says which is which; test_messages.py holds both to this table.
A ``Bad Request:`` answer may join several ``field: message`` parts with ", "; each part must match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from http import HTTPStatus

ID = r"[0-9a-f-]{36}"
FIELD = r"[\w.]+"
VALUES = r"'[^']*'(?: \| '[^']*')*"


@dataclass(frozen=True)
class Message:
    #: A regular expression the whole message (or one ``Bad Request:`` part) matches.
    pattern: str
    source: str
    #: Fixed text found in the cited source (for ``own``: in docs/emulator.md).
    quote: str

    def matches(self, text: str) -> bool:
        return re.fullmatch(self.pattern, text) is not None


def _m(pattern: str, source: str, quote: str | None = None) -> Message:
    return Message(pattern, source, quote if quote is not None else pattern)


#: Parts of ``Bad Request: ...`` answers (the prefix removed).
BAD_REQUEST = [
    # zod's standard messages, after the field they concern.
    _m(rf"{FIELD}: Required", "zod", "Required"),
    _m(rf"{FIELD}: Expected \w+, received \w+", "zod", "Expected string, received number"),
    _m(
        rf"{FIELD}: String must contain at (least|most) \d+ character\(s\)",
        "zod",
        "String must contain at least",
    ),
    _m(
        rf"{FIELD}: Number must be (less|greater) than or equal to \d+",
        "zod",
        "Number must be less than or equal to",
    ),
    _m(
        rf"{FIELD}: Invalid enum value\. Expected {VALUES}, received '[^']*'",
        "seed-spec",
        "Invalid enum value. Expected",
    ),
    _m(rf"{FIELD}: Invalid uuid", "seed-spec", "Invalid uuid"),
    _m(rf"{FIELD}: Invalid email", "spec", "Invalid email"),
    _m(
        rf"formErrors: Unrecognized key\(s\) in object: {VALUES.replace(' | ', ', ')}",
        "seed-spec",
        "Unrecognized key(s) in object",
    ),
    _m(r"Invalid JSON", "seed-spec"),
    # Omni's own rules, worded as Omni words them.
    _m(r"At least one field must be provided", "spec"),
    _m(r"connectionId or modelId required", "spec"),
    _m(
        r"userIds\.userGroupIds: userIds or userGroupIds must be provided",
        "spec",
        "userIds or userGroupIds must be provided",
    ),
    _m(r"Child folder scope must match parent folder scope", "seed-spec"),
    _m(r"Maximum folder nesting depth reached", "seed-spec"),
    _m(
        r"Invalid path pattern\. Only a single wildcard \(\*\) is allowed at the end of the pattern",
        "seed-spec",
        "Only a single wildcard",
    ),
    _m(
        r"ownerId: ownerId is required when scope is 'restricted'",
        "seed-spec",
        "ownerId is required when scope",
    ),
    _m(r"pageSize: Page size must be at least 1", "seed-spec", "Page size must be at least 1"),
    _m(
        r"Invalid filter keys found in schedule configuration: .+\. Available dashboard filter keys "
        r"are: .*\.",
        "seed-spec",
        "Invalid filter keys found in schedule configuration",
    ),
    _m(r"Must provide both a trigger query and an alert condition type", "seed-spec"),
    _m(
        r"schedule: Schedule is an invalid cron expression",
        "seed-spec",
        "Schedule is an invalid cron expression",
    ),
    _m(r"timezone: Time zone must be IANA valid\.", "seed-spec", "Time zone must be IANA valid"),
    _m(r"timezone: Invalid timezone", "seed-spec", "Invalid timezone"),
    _m(r"Schema model already exists for the connection", "seed-spec"),
    _m(r"Schema model does not exist when creating a non-schema model", "seed-spec"),
    _m(r"sshUrl is required", "seed-spec"),
    _m(r"Invalid sshUrl format", "seed-spec"),
    _m(
        r"members\.\d+\.value: User not found in organization",
        "seed-spec",
        "User not found in organization",
    ),
    _m(
        rf"environmentConnectionIds: Connection {ID} must have the same dialect as the base "
        r"connection",
        "seed-spec",
        "must have the same dialect",
    ),
    # The emulator's own wording: Omni enforces (or is assumed to enforce) the rule, but no source
    # gives its message.
    _m(r"At least one of name or path must be provided", "own"),
    _m(r"Selective schemas/tables refresh requires hard_refresh=false", "own"),
    _m(r"baseModelId: Required for QUERY models", "own", "Required for QUERY models"),
    _m(
        r"conditionQueryMapKey: Query \S+ does not exist on the dashboard",
        "own",
        "does not exist on the dashboard",
    ),
    _m(r"cursor: Invalid cursor", "own", "Invalid cursor"),
    _m(r"\w+: Required for \w+ connections", "own", "Required for <dialect> connections"),
    _m(
        r"acceptsLicense: Required for oracle connections",
        "own",
        "Required for <dialect> connections",
    ),
    _m(
        r"host: host and hostOverride are mutually exclusive",
        "own",
        "host and hostOverride are mutually exclusive",
    ),
    _m(
        r"host: Provide only the Snowflake account identifier, without \.snowflakecomputing\.com",
        "own",
        "Provide only the Snowflake account identifier",
    ),
    _m(
        rf"environmentConnectionIds: Connection {ID} is already an environment of the base "
        r"connection",
        "own",
        "is already an environment of the base connection",
    ),
    _m(
        r"environmentConnectionIds: The base connection cannot be its own environment",
        "own",
        "cannot be its own environment",
    ),
    _m(r"\w+: Required for \w+ destinations", "own", "Required for <destination> destinations"),
    _m(
        r"\w+: Only allowed for \w+ destinations",
        "own",
        "Only allowed for <destination> destinations",
    ),
    _m(r"\w+: Only allowed for \w+ and \w+ formats", "own", "Only allowed for <format> formats"),
    _m(
        r"testNow: Not allowed with RESULTS_CHANGED alerts",
        "own",
        "Not allowed with RESULTS_CHANGED alerts",
    ),
    _m(r"token is required when authMethod is https_token", "own"),
    _m(
        r"organizationRole\.organizationAccessBoost: At least one of organizationRole or "
        r"organizationAccessBoost is required",
        "spec",
        "At least one of organizationRole",
    ),
    _m(
        r"organizationAccessBoost: AccessBoost needs an organization role that grants access",
        "own",
        "AccessBoost needs an organization role that grants access",
    ),
    _m(
        r"organizationRole: OWNER cannot be granted at the organization level",
        "own",
        "OWNER cannot be granted at the organization level",
    ),
    _m(
        r"dbtVersion: Unsupported dbt version '[^']*'\. Supported: .+",
        "own",
        "Unsupported dbt version",
    ),
    _m(r"projectRootPath: Invalid", "zod", "Invalid"),
    _m(r"Cannot delete a model with kind \w+", "spec", "Cannot delete a model with kind"),
    _m(
        r"dbt is not supported for \w+ connections",
        "own",
        "dbt is not supported for <dialect> connections",
    ),
    # User attributes: the docs' rules (the create body's descriptions, the update's text).
    _m(
        r"name: Must start with a letter, contain only letters, numbers and underscores, and "
        r"must not start with omni_",
        "spec",
        "Must start with a letter, contain only letters, numbers and underscores, and must not "
        "start with omni_",
    ),
    _m(
        r"multiple_values: A multiple-values attribute cannot be changed back to a single value",
        "spec",
        "multiple-values attribute cannot be changed back to a single value",
    ),
    _m(r"label: Label '[^']*' is reserved", "own", "Label '<label>' is reserved"),
    _m(
        r"default_value: Must be (an array|a single value)",
        "own",
        "Must be <an array | a single value>",
    ),
    _m(
        r"type: The type of a user attribute cannot be changed",
        "own",
        "The type of a user attribute cannot be changed",
    ),
    _m(r"Operations\.\d+\.path: Unsupported path '[^']*'", "own", "Unsupported path '<path>'"),
]

#: Whole messages (answers other than ``Bad Request: ...``).
WHOLE = [
    _m(r"Invalid cron expression", "spec"),
    _m(
        r"(Connection environment|Connection|Folder|Group|Model|Parent folder|Schedule|User group"
        r"|User|User attribute) not found",
        "spec",
        "not found",
    ),
    _m(r"Cannot delete label that is applied to documents", "spec"),
    _m(r"Group with this name already exists", "spec"),
    _m(r"User with this email already exists", "spec"),
    _m(
        r"User attribute with this (name|label) already exists",
        "own",
        "User attribute with this <name | label> already exists",
    ),
    _m(r"Label with (this|new) name already exists", "spec", "name already exists"),
    _m(r"Path conflicts with an existing folder", "spec"),
    _m(r"Connection has already been archived", "spec"),
    _m(r"At least one recipient must be provided", "seed-spec"),
    _m(r"Folders with documents cannot be deleted", "seed-spec"),
    _m(r"Only empty folders can be deleted", "seed-spec"),
    _m(r"Invalid dialect\(s\): .+", "seed-spec", "Invalid dialect(s)"),
    _m(
        r"Invalid page number\. The last valid page is \d+\.",
        "seed-spec",
        "Invalid page number. The last valid page is",
    ),
    _m(r"Schedule is already (paused|resumed)", "seed-spec", "Schedule is already"),
    _m(r"User already owns the schedule", "seed-spec"),
    _m(r'User attribute value "[^"]*" is already in use', "seed-spec", "is already in use"),
    _m(rf"Connection with id {ID} does not exist", "seed-spec", "Connection with id"),
    _m(r'Document with identifier "[^"]*" not found', "seed-spec", "Document with identifier"),
    _m(r"Job with id \S+ does not exist", "seed-spec", "Job with id"),
    _m(r"Git configuration not found for this model", "seed-spec"),
    _m(
        r"Conflict: Git configuration already exists for this model",
        "seed-spec",
        "Git configuration already exists for this model",
    ),
    _m(r"Invalid role", "seed-spec"),
    _m(r"User not found in organization", "seed-spec"),
    _m(r"dbt not configured for this connection", "spec"),
    _m(r"Only shared and shared_extension models can be assigned model roles", "seed-spec"),
    _m(r"Too Many Requests: .*", "seed-spec", "Too Many Requests"),
    _m(r"Method Not Allowed", "seed-spec"),
    _m(r"Internal Server Error", "seed-spec"),
    # The emulator's own wording.
    _m(r"Unauthorized: missing or invalid API key", "own"),
    _m(r"Forbidden: this endpoint requires an organization API key", "own"),
    _m(r"User-scoped API keys cannot act on behalf of other users", "own"),
    _m(rf"Base model with id {ID} does not exist", "own", "Base model with id <id> does not exist"),
    _m(r'Label "[^"]*" not found', "own", 'Label "<name>" not found'),
    _m(r"dbt environment not found", "own"),
    _m(r"Schedule cannot be triggered while it is paused", "own"),
    # Bare HTTP reason phrases: a 404 for a path Omni lacks, injected faults (emu.fail_next).
    _m("|".join(re.escape(s.phrase) for s in HTTPStatus), "own", "HTTP reason phrase"),
]

ENTRIES = BAD_REQUEST + WHOLE
_PARTS = re.compile(rf", (?={FIELD}: |formErrors: )")


def unexplained(detail: str) -> list[str]:
    """The parts of ``detail`` no entry explains (empty when every part has a source).

    An answer without words (a live Omni's bare 404, finding 33) has no message to source.
    """
    if not detail:
        return []
    if detail.startswith("Bad Request: "):
        parts = _PARTS.split(detail.removeprefix("Bad Request: "))
        return [p for p in parts if not any(m.matches(p) for m in BAD_REQUEST)]
    return [] if any(m.matches(detail) for m in WHOLE) else [detail]
