"""GitConfig: one per model, keyed by the model's id; credentials written but never read back."""

from __future__ import annotations

import pytest
from responses import matchers

from omni_pulumi.provider import UNKNOWN, OmniResourceError
from omni_pulumi.resources.git_config import GitConfigSpec
from tests.unit.conftest import BASE_URL, checked

MODEL = "22222222-2222-2222-2222-222222222222"
OTHER = "55555555-5555-5555-5555-555555555555"
GIT = f"{BASE_URL}/api/v1/models/{MODEL}/git"
TOKEN = "glpat-SECRET.token_value"
KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nsecretkeymaterial\n-----END OPENSSH PRIVATE KEY-----"
PASSPHRASE = "correct horse battery staple"
WEBHOOK_SECRET = "whsec-very-secret"
SSH = "git@github.com:acme/models.git"


SPEC = GitConfigSpec


def answer(**overrides):
    """A ModelGitConfig as Omni answers it."""
    return {
        "authMethod": "ssh",
        "baseBranch": "main",
        "branchPerPullRequest": False,
        "cloneUrl": SSH,
        "sshUrl": SSH,
        "gitFollower": False,
        "gitServiceProvider": "github",
        "modelPath": "omni/sales",
        "publicKey": "ssh-ed25519 AAAA omni",
        "requirePullRequest": "never",
        "webUrl": None,
        "webhookUrl": "https://acme.omniapp.co/webhooks/git/abc",
        **overrides,
    }


def with_secret(**overrides):
    return {**answer(**overrides), "webhookSecret": WEBHOOK_SECRET}


def get_config(api, body=None, status=200):
    api.get(
        GIT,
        match=[matchers.query_param_matcher({"include": "webhookSecret"})],
        status=status,
        json=body if body is not None else {"detail": "Git configuration not found for this model"},
    )


ALL = {
    "model_id": MODEL,
    "clone_url": SSH,
    "auth_method": "ssh",
    "deploy_private_key": KEY,
    "deploy_key_passphrase": PASSPHRASE,
    "base_branch": "main",
    "branch_per_pull_request": True,
    "git_follower": False,
    "git_service_provider": "github",
    "model_path": "sales",
    "require_pull_request": "users-only",
    "web_url": "https://github.com/acme/models",
}


# -- create ----------------------------------------------------------------------------------------


def test_create_sends_every_setting_and_reads_the_webhook_secret(api, provider):
    inputs = checked(provider, **ALL)
    api.post(
        GIT,
        match=[
            matchers.json_params_matcher(
                {
                    "cloneUrl": SSH,
                    "authMethod": "ssh",
                    "deployPrivateKey": KEY,
                    "deployKeyPassphrase": PASSPHRASE,
                    "baseBranch": "main",
                    "branchPerPullRequest": True,
                    "gitFollower": False,
                    "gitServiceProvider": "github",
                    "modelPath": "sales",
                    "requirePullRequest": "users-only",
                    "webUrl": "https://github.com/acme/models",
                }
            )
        ],
        status=201,
        json=answer(branchPerPullRequest=True, requirePullRequest="users-only"),
    )
    get_config(api, with_secret(branchPerPullRequest=True, requirePullRequest="users-only"))
    result = provider.create(inputs)
    assert result.id == MODEL
    assert result.outs["public_key"] == "ssh-ed25519 AAAA omni"
    assert result.outs["webhook_url"].endswith("/webhooks/git/abc")
    assert result.outs["webhook_secret"] == WEBHOOK_SECRET
    assert result.outs["deploy_private_key"] == KEY  # kept in (encrypted) state, never read back
    # A second plan with the same program changes nothing ("sales" is Omni's "omni/sales").
    diff = provider.diff(MODEL, result.outs, checked(provider, **ALL))
    assert diff.changes is False


def test_create_with_the_deprecated_ssh_url_and_auto_detection(api, provider):
    inputs = checked(provider, model_id=MODEL, ssh_url=SSH, git_service_provider="auto")
    api.post(GIT, match=[matchers.json_params_matcher({"sshUrl": SSH})], json=with_secret())
    outs = provider.create(inputs).outs
    assert outs["git_service_provider"] == "github"
    assert outs["clone_url"] == SSH
    diff = provider.diff(
        MODEL, outs, checked(provider, model_id=MODEL, ssh_url=SSH, git_service_provider="auto")
    )
    assert diff.changes is False


def test_a_model_that_already_has_git_shows_how_to_adopt(api, provider):
    inputs = checked(provider, model_id=MODEL, clone_url=SSH)
    api.post(GIT, status=409, json={"detail": "Git configuration already exists for this model"})
    with pytest.raises(OmniResourceError) as err:
        provider.create(inputs)
    message = str(err.value)
    assert "already exists" in message
    assert f"adopt_id={MODEL!r}" in message
    assert f"import_={MODEL!r}" in message


def test_secrets_never_appear_in_errors(api, provider):
    inputs = checked(
        provider,
        model_id=MODEL,
        clone_url="https://x/y.git",
        auth_method="https_token",
        token=TOKEN,
    )
    api.post(GIT, status=400, json={"detail": f"token {TOKEN} was refused"})
    with pytest.raises(OmniResourceError) as err:
        provider.create(inputs)
    assert TOKEN not in str(err.value)
    assert "was refused" in str(err.value)


# -- check -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("news", "prop", "words"),
    [
        ({}, "clone_url", "is required"),
        ({"clone_url": SSH, "ssh_url": "git@other:x.git"}, "ssh_url", "set only clone_url"),
        ({"clone_url": SSH, "auth_method": "https_token"}, "token", "required when auth_method"),
        ({"clone_url": SSH, "auth_method": "ssh", "token": "abc"}, "token", "https_token"),
        (
            {
                "clone_url": SSH,
                "auth_method": "https_token",
                "token": "a",
                "deploy_private_key": "k",
            },
            "deploy_private_key",
            "when auth_method is 'ssh'",
        ),
        ({"clone_url": SSH, "deploy_key_passphrase": "p"}, "deploy_key_passphrase", "needs the"),
        ({"clone_url": SSH, "auth_method": "github_app"}, "auth_method", "use 'ssh' or"),
        ({"clone_url": SSH, "token": "has space"}, "token", "the token's value only"),
        (
            {"clone_url": SSH, "require_pull_request": "sometimes"},
            "require_pull_request",
            "'always'",
        ),
    ],
)
def test_check_refuses_naming_the_argument_and_the_fix(provider, news, prop, words):
    result = provider.check({}, {"model_id": MODEL, **news})
    assert [f.property for f in result.failures] == [prop]
    assert f"GitConfig.{prop}" in result.failures[0].reason
    assert words in result.failures[0].reason
    assert "has space" not in result.failures[0].reason


def test_check_waits_for_unknown_urls_and_auth(provider):
    assert provider.check({}, {"model_id": MODEL, "clone_url": UNKNOWN}).failures == []
    result = provider.check({}, {"model_id": MODEL, "clone_url": SSH, "auth_method": UNKNOWN})
    assert result.failures == []


# -- diff ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "replaces"),
    [
        ({"model_id": OTHER}, ["model_id"]),
        ({"base_branch": "develop"}, []),
        ({"deploy_private_key": KEY + "2"}, []),
        ({"git_follower": True}, []),
        ({"clone_url": "git@github.com:acme/other.git"}, []),
    ],
)
def test_everything_but_the_model_updates_in_place(provider, change, replaces):
    olds = checked(provider, **ALL)
    diff = provider.diff(MODEL, olds, checked(provider, **{**ALL, **change}))
    assert diff.changes is True
    assert diff.replaces == replaces


def test_github_app_read_back_is_no_diff_when_auth_is_left_unset(provider):
    olds = {**checked(provider, model_id=MODEL, clone_url=SSH), "auth_method": "github_app"}
    diff = provider.diff(MODEL, olds, checked(provider, model_id=MODEL, clone_url=SSH))
    assert diff.changes is False


# -- update ----------------------------------------------------------------------------------------


def test_update_patches_only_what_changed(api, provider):
    olds = {**checked(provider, **ALL), "webhook_secret": WEBHOOK_SECRET}
    news = checked(provider, **{**ALL, "base_branch": "develop", "git_follower": True})
    api.patch(
        GIT,
        match=[matchers.json_params_matcher({"baseBranch": "develop", "gitFollower": True})],
        json=answer(baseBranch="develop", gitFollower=True),
    )
    outs = provider.update(MODEL, olds, news).outs
    assert outs["base_branch"] == "develop"
    assert outs["webhook_secret"] == WEBHOOK_SECRET  # PATCH does not return it: kept


def test_rotating_the_deploy_key_sends_it_with_its_passphrase(api, provider):
    olds = checked(provider, **ALL)
    news = checked(provider, **{**ALL, "deploy_private_key": KEY + "new"})
    api.patch(
        GIT,
        match=[
            matchers.json_params_matcher(
                {"deployPrivateKey": KEY + "new", "deployKeyPassphrase": PASSPHRASE}
            )
        ],
        json=answer(publicKey="ssh-ed25519 BBBB rotated"),
    )
    assert provider.update(MODEL, olds, news).outs["public_key"] == "ssh-ed25519 BBBB rotated"


def test_switching_to_token_auth_sends_the_token(api, provider):
    olds = checked(provider, model_id=MODEL, clone_url=SSH, auth_method="ssh")
    news = checked(
        provider,
        model_id=MODEL,
        clone_url="https://github.com/acme/models.git",
        auth_method="https_token",
        token=TOKEN,
    )
    api.patch(
        GIT,
        match=[
            matchers.json_params_matcher(
                {
                    "cloneUrl": "https://github.com/acme/models.git",
                    "authMethod": "https_token",
                    "token": TOKEN,
                }
            )
        ],
        json=answer(authMethod="https_token", publicKey=None),
    )
    assert provider.update(MODEL, olds, news).outs["public_key"] is None


# -- read, delete ----------------------------------------------------------------------------------


def test_read_keeps_credentials_and_takes_drift_from_omni(api, provider):
    state = {**checked(provider, **ALL), "webhook_secret": "old"}
    get_config(api, with_secret(baseBranch="release"))
    outs = provider.read(MODEL, state).outs
    assert outs["base_branch"] == "release"
    assert outs["deploy_private_key"] == KEY
    assert outs["webhook_secret"] == WEBHOOK_SECRET
    assert outs["model_path"] == "sales"


def test_config_deleted_outside_pulumi_reads_as_gone(api, provider):
    get_config(api, status=404)
    assert provider.read(MODEL, checked(provider, model_id=MODEL, clone_url=SSH)).id == ""


def test_delete_removes_the_configuration(api, provider):
    api.delete(GIT, json={"success": True, "message": "deleted"})
    provider.delete(MODEL, checked(provider, model_id=MODEL, clone_url=SSH))
    assert len(api.calls) == 1


def test_delete_of_a_configuration_already_gone_succeeds(api, provider):
    api.delete(GIT, status=404, json={"detail": "Git configuration not found for this model"})
    provider.delete(MODEL, checked(provider, model_id=MODEL, clone_url=SSH))


# -- adoption --------------------------------------------------------------------------------------


def test_adopt_writes_differing_settings_and_credentials(api, provider, capsys):
    inputs = checked(
        provider,
        model_id=MODEL,
        clone_url=SSH,
        base_branch="develop",
        deploy_private_key=KEY,
        adopt_id=MODEL,
    )
    get_config(api, with_secret())
    api.patch(
        GIT,
        match=[matchers.json_params_matcher({"baseBranch": "develop", "deployPrivateKey": KEY})],
        json=answer(baseBranch="develop"),
    )
    result = provider.create(inputs)
    assert result.id == MODEL
    assert result.outs["base_branch"] == "develop"
    assert result.outs["webhook_secret"] == WEBHOOK_SECRET
    assert not [c for c in api.calls if c.request.method == "POST"]
    err = capsys.readouterr().err
    assert "adopted existing GitConfig" in err and KEY not in err


def test_adopt_refuses_another_models_id(api, provider):
    inputs = checked(provider, model_id=OTHER, clone_url=SSH, adopt_id=MODEL)
    get_config(api, with_secret())
    with pytest.raises(OmniResourceError) as err:
        provider.create(inputs)
    assert "`model_id`" in str(err.value) and OTHER in str(err.value) and MODEL in str(err.value)


def test_adopt_of_a_missing_configuration_names_kind_and_id(api, provider):
    inputs = checked(provider, model_id=MODEL, clone_url=SSH, adopt_id=MODEL)
    get_config(api, status=404)
    with pytest.raises(OmniResourceError) as err:
        provider.create(inputs)
    assert "Omni has no such GitConfig" in str(err.value) and MODEL in str(err.value)
