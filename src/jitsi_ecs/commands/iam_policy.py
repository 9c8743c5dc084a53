"""`jitsi-ecs iam-policy [--json] [--account ID] [--github OWNER/REPO[:ENVIRONMENT]]`: the IAM
policies a principal needs to run every command for this config (no AWS call)."""

from __future__ import annotations

import json
import re

from jitsi_ecs import github_oidc, permissions
from jitsi_ecs.commands import Globals
from jitsi_ecs.config import load_config
from jitsi_ecs.errors import EXIT_OK, UsageError
from jitsi_ecs.ui import err, out, print_json

_ACCOUNT = re.compile(r"^[0-9]{12}$")


def run(g: Globals, as_json: bool, account: str | None, github: str | None = None) -> int:
    if account is not None and not _ACCOUNT.match(account):
        raise UsageError(
            f"--account: {account!r} is not an AWS account id",
            hint="Give the 12 digits of the account (`aws sts get-caller-identity`).",
        )
    config = load_config(g.config_path)
    found = permissions.policies(config, account or "*")
    result: dict[str, object] = {"policies": found}
    if github is not None:
        # The role GitHub Actions assumes through its OIDC provider, its subject pinned.
        result["trust_policy"] = github_oidc.trust_policy(
            account or github_oidc.ANY_ACCOUNT, github_oidc.parse_repo(github)
        )
    if as_json:
        print_json(result)
        return EXIT_OK
    err.print(
        f"{len(found)} policies for stack {config.name!r} in {config.region}"
        + (f", account {account}" if account else " (any account: pass --account to pin it)")
        + ": attach them all to the deploying role or user."
    )
    for policy in found:
        out.print(f"# {policy['name']}", markup=False, highlight=False)
        out.print(json.dumps(policy["document"], indent=2), markup=False, highlight=False)
    if "trust_policy" in result:
        out.print(f"# trust policy of the role {github} assumes", markup=False, highlight=False)
        out.print(json.dumps(result["trust_policy"], indent=2), markup=False, highlight=False)
    return EXIT_OK
