"""Model git configuration, keyed by model id: a generated deploy key and webhook.

``deployPrivateKey``, ``deployKeyPassphrase`` and ``token`` are write-only; ``webhookSecret``
is returned only with ``?include=webhookSecret``.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from typing import Any

from ..errors import ApiError, bad_request, conflict, not_found
from ..store import fingerprint
from ..validation import boolean, obj, partial, string
from . import Context, Route, created
from .common import model_or_404

AUTH_METHODS = ("ssh", "https_token")
PROVIDERS = ("github", "gitlab", "azure_devops", "bitbucket", "bitbucket_datacenter", "auto")
PULL_REQUESTS = ("always", "users-only", "never")
WRITE_ONLY = ("deployPrivateKey", "deployKeyPassphrase", "token")

GIT_CREATE = obj(
    {
        "authMethod": string(enum=AUTH_METHODS, default="ssh"),
        "baseBranch": string(default="main"),
        "branchPerPullRequest": boolean(default=False),
        "cloneUrl": string(min_len=1),
        "deployKeyPassphrase": string(max_len=1024),
        "deployPrivateKey": string(max_len=65536),
        "gitFollower": boolean(default=False),
        "gitServiceProvider": string(enum=PROVIDERS, default="auto"),
        "modelPath": string(),
        "requirePullRequest": string(enum=PULL_REQUESTS, default="never"),
        "sshUrl": string(min_len=1),
        "token": string(max_len=1000, pattern=r"^[a-zA-Z0-9_\-.]+$"),
        "webUrl": string(),
    }
)
GIT_UPDATE = partial(GIT_CREATE)
GET_QUERY = obj({"include": string()})
_SSH_URL = re.compile(r"^(ssh://[^\s]+|[\w.-]+@[\w.-]+:[^\s]+)$")
_HTTPS_URL = re.compile(r"^https://[^\s]+$")
_HOSTS = {
    "github": "github",
    "gitlab": "gitlab",
    "dev.azure.com": "azure_devops",
    "visualstudio.com": "azure_devops",
    "bitbucket.org": "bitbucket",
}


def _provider(url: str, wanted: str) -> str:
    if wanted != "auto":
        return wanted
    for marker, provider in _HOSTS.items():
        if marker in url:
            return provider
    return "github"


def _public_key(seed: str) -> str:
    blob = base64.b64encode(b"\x00\x00\x00\x0bssh-ed25519" + hashlib.sha256(seed.encode()).digest())
    return f"ssh-ed25519 {blob.decode()} omni-emulator"


def _apply(config: dict[str, Any], body: dict[str, Any], model_id: str) -> None:
    """Merge a create or patch body into the stored config and re-derive what Omni computes."""
    url = body.get("cloneUrl") or body.get("sshUrl")
    if url is not None:
        config["cloneUrl"] = url
    for key in ("authMethod", "baseBranch", "branchPerPullRequest", "gitFollower",
                "requirePullRequest", "modelPath", "webUrl"):  # fmt: skip
        if key in body:
            config[key] = body[key]
    if "gitServiceProvider" in body or url is not None:
        wanted = body.get("gitServiceProvider", config.get("requestedProvider", "auto"))
        config["requestedProvider"] = wanted
        config["gitServiceProvider"] = _provider(config["cloneUrl"], wanted)
    for key in WRITE_ONLY:
        if key in body:
            config.setdefault("secrets", {})[key] = fingerprint(body[key])
    https = config["authMethod"] == "https_token"
    if https and not _HTTPS_URL.match(config["cloneUrl"]):
        raise bad_request("Invalid cloneUrl format: https_token needs an https:// URL")
    if not https and not _SSH_URL.match(config["cloneUrl"]):
        raise bad_request("Invalid sshUrl format")
    if https and "token" not in config.get("secrets", {}):
        raise bad_request("token is required when authMethod is https_token")
    if https:
        config["publicKey"] = None
    elif "deployPrivateKey" in body or config.get("publicKey") is None:
        seed = body.get("deployPrivateKey") or f"{model_id}:{secrets.token_hex(8)}"
        config["publicKey"] = _public_key(seed)


def _view(ctx: Context, model_id: str, config: dict[str, Any], with_secret: bool) -> dict:
    keys = ("authMethod", "baseBranch", "branchPerPullRequest", "cloneUrl", "gitFollower",
            "gitServiceProvider", "publicKey", "requirePullRequest")  # fmt: skip
    view = {k: config[k] for k in keys}
    view["sshUrl"] = config["cloneUrl"]
    view["modelPath"] = config.get("modelPath")
    view["webUrl"] = config.get("webUrl")
    view["webhookUrl"] = f"{ctx.emulator.base_url}/api/v1/webhooks/git/{model_id}"
    if with_secret:
        view["webhookSecret"] = config["webhookSecret"]
    return view


def _config_or_404(ctx: Context) -> dict[str, Any]:
    model = model_or_404(ctx.store, ctx.params["modelId"])
    config = ctx.store.git_configs.get(model["id"])
    if config is None:
        raise not_found("Git configuration not found for this model")
    return config


def create_git(ctx: Context):
    model = model_or_404(ctx.store, ctx.params["modelId"])
    if model["modelKind"] not in ("SHARED", "SHARED_EXTENSION"):
        raise bad_request("Git can only be configured on shared models")
    if model["id"] in ctx.store.git_configs:
        raise conflict("Conflict: Git configuration already exists for this model")
    if not ctx.body.get("cloneUrl") and not ctx.body.get("sshUrl"):
        raise bad_request("sshUrl is required")
    config: dict[str, Any] = {"webhookSecret": secrets.token_hex(20), "publicKey": None}
    _apply(config, ctx.body, model["id"])
    ctx.store.git_configs[model["id"]] = config
    return created(_view(ctx, model["id"], config, with_secret=False))


def get_git(ctx: Context) -> dict:
    config = _config_or_404(ctx)
    include = {part.strip() for part in (ctx.query.get("include") or "").split(",") if part}
    unknown = include - {"webhookSecret"}
    if unknown:
        raise ApiError(400, f"Bad Request: include: Unsupported value '{sorted(unknown)[0]}'")
    return _view(ctx, ctx.params["modelId"], config, "webhookSecret" in include)


def update_git(ctx: Context) -> dict:
    config = _config_or_404(ctx)
    updated = {**config, "secrets": dict(config.get("secrets", {}))}
    _apply(updated, ctx.body, ctx.params["modelId"])
    config.clear()
    config.update(updated)
    return _view(ctx, ctx.params["modelId"], config, with_secret=False)


def delete_git(ctx: Context) -> dict:
    _config_or_404(ctx)
    del ctx.store.git_configs[ctx.params["modelId"]]
    return {"success": True, "message": "Git configuration deleted"}


_PATH = "/api/v1/models/{modelId}/git"
_ID = ("modelId",)
ROUTES = [
    Route("GET", _PATH, get_git, query=GET_QUERY, uuid_params=_ID),
    Route("POST", _PATH, create_git, body=GIT_CREATE, uuid_params=_ID),
    Route("PATCH", _PATH, update_git, body=GIT_UPDATE, uuid_params=_ID),
    Route("DELETE", _PATH, delete_git, uuid_params=_ID),
]
