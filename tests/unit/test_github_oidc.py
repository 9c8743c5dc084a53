"""The GitHub Actions role: OWNER/REPO[:ENVIRONMENT] as GitHub names them, and a trust policy
whose subjects are pinned."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jitsi_ecs import github_oidc as gh
from jitsi_ecs import iam_policy
from jitsi_ecs.errors import EXIT_USAGE, UsageError

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "123456789012"


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("acme/meet", gh.GithubRepo("acme", "meet")),
        ("acme/meet:production", gh.GithubRepo("acme", "meet", "production")),
        ("a-b-c/Repo_1.x", gh.GithubRepo("a-b-c", "Repo_1.x")),
        ("A/.github:prod env/eu", gh.GithubRepo("A", ".github", "prod env/eu")),
        ("o" * 39 + "/" + "r" * 100, gh.GithubRepo("o" * 39, "r" * 100)),
        ("acme/meet:" + "e" * 255, gh.GithubRepo("acme", "meet", "e" * 255)),
    ],
)
def test_repositories_as_github_names_them(spec: str, expected: gh.GithubRepo) -> None:
    assert gh.parse_repo(spec) == expected


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "acme",
        "acme/",
        "/meet",
        "acme/meet/extra",
        "-acme/meet",
        "acme-/meet",
        "ac--me/meet",
        "ac_me/meet",
        "acme.io/meet",
        "o" * 40 + "/meet",
        "acme/" + "r" * 101,
        "acme/me et",
        "acme/meet*",
        "acme/.",
        "acme/..",
        "acme/meet:",
        "acme/meet: prod",
        "acme/meet:prod:eu",
        "acme/meet:pr\nod",
        "acme/meet:" + "e" * 256,
        "*/meet",
    ],
)
def test_anything_else_is_refused_naming_the_flag(spec: str) -> None:
    with pytest.raises(UsageError) as refused:
        gh.parse_repo(spec)
    assert refused.value.exit_code == EXIT_USAGE
    assert refused.value.message.startswith("--github ")
    assert refused.value.hint and "OWNER/REPO[:ENVIRONMENT]" in refused.value.hint


def _condition(doc: dict[str, Any]) -> dict[str, Any]:
    (statement,) = iam_policy.allowing(doc)
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Principal"] == {
        "Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
    }
    assert set(statement["Condition"]) == {"StringEquals"}  # no StringLike: nothing wildcarded
    equals: dict[str, Any] = statement["Condition"]["StringEquals"]
    assert equals["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"
    return equals


def test_an_environment_is_the_one_subject() -> None:
    equals = _condition(gh.trust_policy(ACCOUNT, gh.parse_repo("acme/meet:production")))
    assert equals["token.actions.githubusercontent.com:sub"] == [
        "repo:acme/meet:environment:production"
    ]


def test_without_one_the_main_branch_and_pull_requests() -> None:
    equals = _condition(gh.trust_policy(ACCOUNT, gh.parse_repo("acme/meet")))
    assert equals["token.actions.githubusercontent.com:sub"] == [
        "repo:acme/meet:ref:refs/heads/main",
        "repo:acme/meet:pull_request",
    ]


def test_no_subject_is_a_pattern() -> None:
    for spec in ("acme/meet", "acme/meet:production"):
        for subject in gh.parse_repo(spec).subjects():
            assert "*" not in subject and "?" not in subject


def test_the_account_is_twelve_digits_or_the_placeholder() -> None:
    assert gh.provider_arn("*") == (
        "arn:aws:iam::*:oidc-provider/token.actions.githubusercontent.com"
    )
    for bad in ("12345678901", "1234567890123", "acme", "", "12345678901*"):
        with pytest.raises(UsageError, match="--account"):
            gh.trust_policy(bad, gh.parse_repo("acme/meet"))


def test_the_provider_is_created_with_its_url_and_audience() -> None:
    command = gh.create_provider_command()
    assert command[:3] == ["aws", "iam", "create-open-id-connect-provider"]
    assert command[command.index("--url") + 1] == "https://token.actions.githubusercontent.com"
    assert command[command.index("--client-id-list") + 1] == "sts.amazonaws.com"
    assert "--thumbprint-list" not in command


def test_the_example_workflow_runs_as_the_subjects_say() -> None:
    """deploy.yml deploys on pushes to main and plans on pull requests (the subjects without
    an environment), both jobs in the environment its README passes to --github."""
    workflow = (ROOT / "examples/github-actions/deploy.yml").read_text()
    readme = (ROOT / "examples/github-actions/README.md").read_text()
    assert f"  push:\n    branches: [{gh.DEPLOY_BRANCH}]\n" in workflow
    assert "  pull_request:\n" in workflow and "pull_request_target" not in workflow
    assert workflow.count("    environment: production\n") == 2
    assert "--github acme/meet:production" in readme
    assert "run: jitsi-ecs plan --target aws\n" in workflow
    assert "run: jitsi-ecs up --target aws --yes\n" in workflow
