"""`jitsi-ecs members add EMAIL | remove EMAIL | list [--json]`: who may log in at /auth/.

Members live in the Cognito user pool the stack made; `add` has Cognito e-mail an invitation
with a temporary password. With an OIDC IdP the IdP owns the users, and these commands say so.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import botocore.exceptions
from rich.table import Table

from jitsi_ecs.aws import calling, error_code
from jitsi_ecs.commands import Globals
from jitsi_ecs.commands.common import check_email, deployed
from jitsi_ecs.errors import EXIT_FAILED, EXIT_OK, UsageError
from jitsi_ecs.stack import Stack
from jitsi_ecs.ui import err, out, print_json


def _pool(g: Globals, command: str) -> tuple[Stack, str, str]:
    """The stack, the user pool id and the /auth/ URL; UsageError when there is no pool."""
    stack, outputs = deployed(g, command)
    auth = outputs.auth
    if auth is None:
        raise UsageError(
            "this deployment has no /auth/ page ([auth] enabled = false), so no members",
            hint="Set [auth] enabled = true and run `jitsi-ecs up`; `jitsi-ecs link` works "
            "without it.",
        )
    if auth.provider != "cognito" or auth.user_pool_id is None:
        raise UsageError(
            "members log in with your OIDC identity provider: it owns the users, add or remove "
            "them there",
            hint="Everyone your IdP lets log in for this app can use " + auth.url,
        )
    return stack, auth.user_pool_id, auth.url


def run_add(g: Globals, email: str) -> int:
    check_email(email)
    stack, pool, url = _pool(g, "members")
    try:
        stack.aws.cognito.admin_create_user(
            UserPoolId=pool,
            Username=email,
            UserAttributes=[
                {"Name": "email", "Value": email},
                {"Name": "email_verified", "Value": "true"},
            ],
            DesiredDeliveryMediums=["EMAIL"],
        )
    except botocore.exceptions.ClientError as exc:
        if error_code(exc) == "UsernameExistsException":
            err.print(f"{email} is already a member.")
            return EXIT_OK
        with calling(f"invite {email}"):
            raise
    err.print(f"Invited {email}: Cognito e-mails a temporary password; they sign in at {url}")
    return EXIT_OK


def run_remove(g: Globals, email: str) -> int:
    check_email(email)
    stack, pool, _ = _pool(g, "members")
    try:
        stack.aws.cognito.admin_delete_user(UserPoolId=pool, Username=email)
    except botocore.exceptions.ClientError as exc:
        if error_code(exc) == "UserNotFoundException":
            err.print(f"{email} is not a member; nothing removed.")
            return EXIT_FAILED
        with calling(f"remove {email}"):
            raise
    err.print(
        f"Removed {email}: they can no longer get meeting links (links already made stay "
        "valid until they expire)."
    )
    return EXIT_OK


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def members(stack: Stack, pool: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    with calling("list the members"):
        for page in stack.aws.cognito.get_paginator("list_users").paginate(UserPoolId=pool):
            for user in page["Users"]:
                attributes = {a["Name"]: a.get("Value") for a in user.get("Attributes", [])}
                found.append(
                    {
                        "email": attributes.get("email"),
                        "status": user.get("UserStatus"),
                        "enabled": user.get("Enabled"),
                        "created": _iso(user.get("UserCreateDate")),
                    }
                )
    return sorted(found, key=lambda m: str(m["email"]))


def run_list(g: Globals, as_json: bool) -> int:
    stack, pool, _ = _pool(g, "members")
    found = members(stack, pool)
    if as_json:
        print_json({"members": found})
        return EXIT_OK
    table = Table(title=f"Members ({len(found)})")
    for column in ("email", "status", "enabled", "created"):
        table.add_column(column)
    for m in found:
        table.add_row(str(m["email"]), str(m["status"]), str(m["enabled"]), str(m["created"]))
    out.print(table)
    return EXIT_OK
