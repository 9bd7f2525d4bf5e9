"""GitConfig: a model's git repository settings, one per model, keyed by the model's id.

Omni keeps at most one git configuration per model and gives it no id of its own, so the Pulumi id and
the adopt id are the model's id. Everything but the model is updatable with a PATCH that changes only
the fields it carries, so an update sends only what changed. The credentials (an HTTPS token, or a
deploy key brought by the user with its passphrase) are never returned: they are kept from state and
sent again only when the program changes them, which is how a deploy key is rotated. Omni resolves
``auto`` provider detection and may report a GitHub App connection made in its UI, so those values
are taken from Omni when the program leaves them unset instead of showing up as drift.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from omni_pulumi.argtypes import Uuid
from omni_pulumi.client import OmniClient
from omni_pulumi.spec import Arg, OmniArgs, Output, ResourceSpec, When

GitProvider = Literal[
    "github", "gitlab", "azure_devops", "bitbucket", "bitbucket_datacenter", "auto"
]


class GitConfigArgs(OmniArgs):
    model_id: Annotated[
        Uuid,
        Arg(
            in_path=True,
            ref="Model",
            hint="pass a Model's `id` (a uuid)",
            doc="The model whose git configuration this is (usually a SHARED model). Changing it "
            "replaces the configuration.",
        ),
    ]
    clone_url: Annotated[
        str | None,
        Field(min_length=1),
        Arg(
            updatable=True,
            computed=True,
            doc="The repository's clone URL: `git@...` for deploy-key (ssh) auth, `https://...` "
            "for token auth. One of `clone_url` and `ssh_url` is required.",
        ),
    ] = None
    ssh_url: Annotated[
        str | None,
        Field(min_length=1),
        Arg(
            updatable=True,
            computed=True,
            exported=False,
            doc="Deprecated by Omni in favour of `clone_url`; accepted for older programs.",
        ),
    ] = None
    auth_method: Annotated[
        Literal["ssh", "https_token"] | None,
        Arg(
            updatable=True,
            computed=True,
            hint="use 'ssh' or 'https_token'",
            doc="`ssh` (a deploy key, Omni's default) or `https_token`. Unset: what Omni has, "
            "which may be `github_app`, a connection made in Omni's UI that the API cannot set.",
        ),
    ] = None
    token: Annotated[
        str | None,
        Field(max_length=1000, pattern=r"^[a-zA-Z0-9_\-.]+$"),
        Arg(
            updatable=True,
            secret=True,
            write_only=True,
            required_when=When("auth_method", "https_token"),
            only_when=When("auth_method", "https_token"),
            hint="pass the token's value only (letters, digits, `_`, `-`, `.`)",
            doc="The HTTPS token (deploy token, PAT...) for `auth_method='https_token'`. Omni never "
            "returns it; a change in the program sends the new one.",
        ),
    ] = None
    deploy_private_key: Annotated[
        str | None,
        Field(min_length=1, max_length=65536),
        Arg(
            updatable=True,
            secret=True,
            write_only=True,
            only_when=When("auth_method", "ssh"),
            doc="Your own SSH deploy private key (PEM, RSA or ED25519) instead of one Omni "
            "generates; ssh auth only. Omni never returns it. Changing it rotates the key in "
            "place: authorize the new public key with the git provider first.",
        ),
    ] = None
    deploy_key_passphrase: Annotated[
        str | None,
        Field(min_length=1, max_length=1024),
        Arg(
            updatable=True,
            secret=True,
            write_only=True,
            doc="The passphrase of an encrypted `deploy_private_key`. Omni uses it once and keeps "
            "neither it nor returns it.",
        ),
    ] = None
    base_branch: Annotated[
        str | None,
        Field(min_length=1),
        Arg(
            updatable=True,
            computed=True,
            doc="The branch Omni's pull requests target. Unset: Omni's (`main`).",
        ),
    ] = None
    branch_per_pull_request: Annotated[
        bool | None,
        Arg(
            updatable=True,
            computed=True,
            doc="Make an Omni branch for every pull request. Unset: Omni's (false).",
        ),
    ] = None
    git_follower: Annotated[
        bool | None,
        Arg(
            updatable=True,
            computed=True,
            doc="Make the model read-only, changed only by merges to the base branch. Unset: "
            "Omni's (false).",
        ),
    ] = None
    git_service_provider: Annotated[
        GitProvider | None,
        Arg(
            updatable=True,
            computed=True,
            hint="use github, gitlab, azure_devops, bitbucket, bitbucket_datacenter or auto",
            doc="The git host. Unset or `auto`: Omni detects it, and the detected value is the "
            "output.",
        ),
    ] = None
    model_path: Annotated[
        str | None,
        Field(min_length=1),
        Arg(
            updatable=True,
            computed=True,
            doc="Where the model's files live in the repository: a plain name means "
            "`omni/<name>`, a leading `/` a custom path. Unset: `omni/<model name>`.",
        ),
    ] = None
    require_pull_request: Annotated[
        Literal["always", "users-only", "never"] | None,
        Arg(
            updatable=True,
            computed=True,
            hint="use 'always', 'users-only' or 'never'",
            doc="When changes need a pull request. Unset: Omni's (`never`).",
        ),
    ] = None
    web_url: Annotated[
        str | None,
        Field(min_length=1),
        Arg(
            updatable=True,
            computed=True,
            doc="The repository's web address, when the clone URL goes through a tunnel and "
            "differs from it.",
        ),
    ] = None

    @field_validator("git_service_provider")
    @classmethod
    def _auto_is_no_opinion(cls, value: str | None) -> str | None:
        # Omni answers with the provider it detected, never `auto`: keeping `auto` would diff forever.
        return None if value == "auto" else value


_NOTES = """\
- There is one git configuration per model and it has no id of its own: the Pulumi id and `adopt_id`
  are the model's id.
- `token`, `deploy_private_key` and `deploy_key_passphrase` are never returned by Omni. They are kept
  (encrypted) in the stack and sent only when the program changes them; changing the deploy key
  rotates it in place. A change made to them in Omni is not seen.
- `auth_method` may read `github_app` (a connection made in Omni's UI). The API cannot set it, so a
  program that leaves `auth_method` unset keeps it without a diff; setting `ssh` or `https_token`
  switches it.
- `git_service_provider='auto'` means "let Omni detect it" and is the same as leaving it unset: the
  output is the provider Omni detected.
- `webhook_secret` is read with `?include=webhookSecret` and is a secret output; wire it with
  `webhook_url` into the git provider's webhook. `public_key` is the deploy key to authorize (null
  for token auth).
- Destroy deletes the configuration (`DELETE /api/v1/models/{id}/git`); the model stays.
"""


class GitConfigSpec(ResourceSpec, register=True):
    """A model's git configuration. Its Pulumi id and"""

    type_name = "GitConfig"
    title = None
    export_label = "{model_id} git"
    args_model = GitConfigArgs
    id_doc = "the model's uuid (a model has at most one git configuration)"
    natural_key = ("model_id",)
    notes = _NOTES
    outputs = {
        "public_key": Output(
            "The SSH public key to register as the repository's deploy key (null for token auth)."
        ),
        "webhook_url": Output("The URL to configure as the repository's webhook."),
        "webhook_secret": Output(
            "The secret the git provider signs webhook calls with.", secret=True
        ),
    }

    def check_rules(self, args: dict[str, Any], unknown: set[str]) -> Iterable[tuple[str, str]]:
        known = {k: v for k, v in args.items() if k not in unknown}
        urls = ("clone_url", "ssh_url")
        if not any(u in unknown for u in urls):
            clone, ssh = known.get("clone_url"), known.get("ssh_url")
            if not clone and not ssh:
                yield (
                    "clone_url",
                    "is required: pass the repository's clone URL (`ssh_url` is deprecated)",
                )
            elif clone and ssh and clone != ssh:
                yield (
                    "ssh_url",
                    "differs from clone_url; set only clone_url (ssh_url is deprecated)",
                )
        # token and deploy_private_key declare the auth_method they go with.
        if (
            known.get("deploy_key_passphrase")
            and "deploy_private_key" not in unknown
            and not known.get("deploy_private_key")
        ):
            yield "deploy_key_passphrase", "needs the deploy_private_key it unlocks"

    path = "/api/v1/models/{model_id}/git"
    id_api = None  # one per model: the model's id is its id
    read_params = {"include": "webhookSecret"}
    update_method = "PATCH"

    refusals = {
        ("create", 409): "Model {model_id} already has a git configuration: manage it with "
        "adopt_id={model_id!r} or opts=pulumi.ResourceOptions(import_={model_id!r})"
    }

    def create(self, client: OmniClient, args: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        id_, observed = super().create(client, args)
        if "webhook_secret" not in observed:
            observed.update(self.read(client, id_, args) or {})
        return id_, observed

    def update(
        self,
        client: OmniClient,
        id_: str,
        olds: Mapping[str, Any],
        news: dict[str, Any],
        changed: set[str],
    ) -> dict[str, Any]:
        # A credential goes with what it belongs to: the token with a switch to token auth, the
        # passphrase with the key it unlocks (and the key with a new passphrase).
        changed = {name for name in changed if news.get(name) is not None}
        if "auth_method" in changed:
            changed.add("token")
        if changed & {"deploy_private_key", "deploy_key_passphrase"}:
            changed |= {"deploy_private_key", "deploy_key_passphrase"}
        return super().update(client, id_, olds, news, changed)

    def observe(
        self, record: Mapping[str, Any], state: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        observed = super().observe(record, state)
        # Omni answers with both spellings of the URL, or either one.
        url = record.get("cloneUrl") or record.get("sshUrl")
        observed["clone_url"] = observed["ssh_url"] = url
        given = (state or {}).get("model_path")
        if _same_model_path(given, observed.get("model_path")):
            observed["model_path"] = given
        return observed


def _same_model_path(given: str | None, read: str | None) -> bool:
    """Whether Omni's spelling of the model path is the program's: `x` is `omni/x`, `/a/b` is `a/b`."""
    if not given or not read:
        return False

    def canonical(path: str) -> str:
        return path.strip("/") if path.startswith("/") else f"omni/{path}".strip("/")

    return given == read or canonical(given) in (read.strip("/"), canonical(read))
