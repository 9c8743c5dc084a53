"""Deploying from GitHub Actions without stored keys: the role a workflow assumes through
GitHub's OIDC provider, and the trust policy that pins it to one repository.

`iam-policy --github OWNER/REPO[:ENVIRONMENT]` prints this trust policy beside the deploying
principal's policies; `examples/github-actions/` holds the workflow and the commands that
create the provider and the role. Nothing here calls AWS or GitHub.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from jitsi_ecs.errors import UsageError

ISSUER_HOST = "token.actions.githubusercontent.com"
# STS is the audience aws-actions/configure-aws-credentials asks GitHub to put in the token.
AUDIENCE = "sts.amazonaws.com"
# The branch the example workflow deploys from on push; pull requests only plan.
DEPLOY_BRANCH = "main"

# GitHub's rules: an account or organisation name is letters, digits and single hyphens, not
# at either end, at most 39 characters; a repository name is letters, digits, `-`, `_` and
# `.`, at most 100 (`.` and `..` are refused); an environment name is at most 255 characters.
_OWNER = re.compile(r"[A-Za-z0-9](?:-?[A-Za-z0-9])*")
_REPO = re.compile(r"[A-Za-z0-9._-]+")
_ACCOUNT = re.compile(r"[0-9]{12}")
OWNER_MAX, REPO_MAX, ENVIRONMENT_MAX = 39, 100, 255
# What iam-policy prints when it is not told the account: a placeholder, never a real ARN.
ANY_ACCOUNT = "*"

FLAG = "--github"
FORM = "OWNER/REPO[:ENVIRONMENT]"


@dataclass(frozen=True)
class GithubRepo:
    """A repository (and the deployment environment its jobs run in, if any) to trust."""

    owner: str
    name: str
    environment: str | None = None

    @property
    def slug(self) -> str:
        return f"{self.owner}/{self.name}"

    def subjects(self) -> list[str]:
        """The `sub` claims the role accepts, each exact: an environment's jobs present
        `repo:O/R:environment:E` whatever triggered them; without one, the example workflow's
        deploy (a push to main) and its plans (pull requests)."""
        prefix = f"repo:{self.slug}"
        if self.environment is not None:
            return [f"{prefix}:environment:{self.environment}"]
        return [f"{prefix}:ref:refs/heads/{DEPLOY_BRANCH}", f"{prefix}:pull_request"]


def _refuse(spec: str, why: str) -> UsageError:
    return UsageError(
        f"{FLAG} {spec!r}: {why}",
        hint=f"Give {FLAG} {FORM}, as GitHub spells them (e.g. {FLAG} acme/meet:production).",
    )


def parse_repo(spec: str) -> GithubRepo:
    """OWNER/REPO[:ENVIRONMENT], checked against GitHub's naming rules."""
    slug, colon, environment = spec.partition(":")
    owner, slash, name = slug.partition("/")
    if not slash or "/" in name:
        raise _refuse(spec, f"expected {FORM}")
    if len(owner) > OWNER_MAX or not _OWNER.fullmatch(owner):
        raise _refuse(
            spec,
            f"owner {owner!r} is not a GitHub account name (letters, digits and single "
            f"hyphens, not at either end, at most {OWNER_MAX} characters)",
        )
    if len(name) > REPO_MAX or not _REPO.fullmatch(name) or name in (".", ".."):
        raise _refuse(
            spec,
            f"repository {name!r} is not a GitHub repository name (letters, digits, '-', '_' "
            f"and '.', at most {REPO_MAX} characters)",
        )
    if not colon:
        return GithubRepo(owner, name)
    if not environment or environment != environment.strip():
        raise _refuse(spec, "the environment name is empty or has spaces at an end")
    if len(environment) > ENVIRONMENT_MAX:
        raise _refuse(spec, f"the environment name is longer than {ENVIRONMENT_MAX} characters")
    if ":" in environment or any(not c.isprintable() for c in environment):
        raise _refuse(spec, "the environment name has a ':' or a control character")
    return GithubRepo(owner, name, environment)


def provider_arn(account: str) -> str:
    """The ARN of the account's IAM OIDC provider for GitHub Actions."""
    if account != ANY_ACCOUNT and not _ACCOUNT.fullmatch(account):
        raise UsageError(
            f"--account {account!r}: an AWS account ID is 12 digits",
            hint="aws sts get-caller-identity --query Account --output text",
        )
    return f"arn:aws:iam::{account}:oidc-provider/{ISSUER_HOST}"


def trust_policy(account: str, repo: GithubRepo) -> dict[str, Any]:
    """The deploying role's trust policy: tokens from GitHub's provider, meant for STS, whose
    subject is exactly one of the repository's (no wildcard: another branch, a fork's pull
    request or another environment cannot assume the role)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "GithubActionsOidc",
                "Effect": "Allow",
                "Principal": {"Federated": provider_arn(account)},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        f"{ISSUER_HOST}:aud": AUDIENCE,
                        f"{ISSUER_HOST}:sub": repo.subjects(),
                    }
                },
            }
        ],
    }


def create_provider_command() -> list[str]:
    """The one-time AWS CLI call that registers GitHub as an identity provider in an account.
    No `--thumbprint-list`: IAM checks GitHub's certificate against its own trusted CAs."""
    return [
        "aws",
        "iam",
        "create-open-id-connect-provider",
        "--url",
        f"https://{ISSUER_HOST}",
        "--client-id-list",
        AUDIENCE,
    ]
