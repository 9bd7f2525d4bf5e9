"""A shared Omni model kept in git, with its GitHub side in the same stack.

Omni generates the model's deploy key and webhook secret when the git configuration is created. This
program hands them straight to GitHub: ``GitConfig.public_key`` becomes the repository's deploy key
(with write access, so Omni can push branches) and ``webhook_url`` with ``webhook_secret`` become
its webhook, so nobody copies a key or a secret by hand.

The GitHub half needs the pulumi-github provider and a token. Until ``githubRepository`` is set the
stack only exports what GitHub needs (``webhook_secret`` stays a secret output), so the Omni half can
be run and tested on its own.

`pulumi up` runs this file; tests run :func:`define` as an inline program.
"""

from __future__ import annotations

import pulumi

import omni_pulumi as omni


def define() -> None:
    config = pulumi.Config()

    warehouse = omni.Connection(
        "warehouse",
        name="Snowflake",
        dialect="snowflake",
        host="acme-xy12345",
        warehouse="ANALYTICS_WH",
        database="ANALYTICS",
        username="OMNI_SVC",
        password=config.require_secret("warehousePassword"),
        include_schemas=["MARTS"],
    )
    # Omni names the SCHEMA model after the connection, and builds its schema in a refresh that
    # the provider runs and awaits at create (`refresh_schema`, on by default).
    schema = omni.Model("schema", connection_id=warehouse.id, model_kind="SCHEMA")
    # A schedule needs the SCHEMA model first: taking the connection id from it orders the two.
    omni.SchemaRefreshSchedule(
        "nightly-schema-refresh",
        connection_id=schema.connection_id,
        schedule="00 03 * * ? *",
        timezone="UTC",
    )
    # Omni creates shared models only once the schema is built; depending on the SCHEMA model
    # saves the provider from waiting for it.
    shared = omni.Model(
        "shared",
        connection_id=warehouse.id,
        model_kind="SHARED",
        model_name="Analytics",
        opts=pulumi.ResourceOptions(depends_on=[schema]),
    )
    git = omni.GitConfig(
        "shared-git",
        model_id=shared.id,
        clone_url=config.require("modelRepository"),
        base_branch="main",
        require_pull_request="users-only",
        git_service_provider="github",
    )

    repository = config.get("githubRepository")
    if repository:
        wire_github(repository, git)
    pulumi.export("deploy_key", git.public_key)
    pulumi.export("webhook_url", git.webhook_url)
    pulumi.export("webhook_secret", git.webhook_secret)


def wire_github(repository: str, git: omni.GitConfig) -> None:
    """Authorize Omni's key on the repository and point its webhook at Omni."""
    import pulumi_github as github  # Only this half of the program needs the GitHub provider.

    key = github.RepositoryDeployKey(
        "omni-deploy-key",
        repository=repository,
        title="Omni shared model",
        key=git.public_key,
        read_only=False,
    )
    hook = github.RepositoryWebhook(
        "omni-webhook",
        repository=repository,
        events=["push", "pull_request"],
        configuration={
            "url": git.webhook_url,
            "content_type": "json",
            "secret": git.webhook_secret,
            "insecure_ssl": False,
        },
    )
    pulumi.export("github_deploy_key_id", key.id)
    pulumi.export("github_webhook_id", hook.id)


if __name__ == "__main__":
    define()
