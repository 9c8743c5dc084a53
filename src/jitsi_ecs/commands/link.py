"""`jitsi-ecs link --room NAME [--moderator/--no-moderator] [--name] [--email] [--ttl] [--json]`:
an invitation link with a token the deployment accepts.

The token is signed with the deployment's JWT secret, read from its SSM parameter for this one
command and never written anywhere; only the token is printed. Input is checked before the
target is reached: a room name Jitsi would change, a bad --ttl or e-mail is exit 2, and so is
--no-moderator, which the pinned images cannot honour (jicofo makes every token holder a
moderator; no bundled prosody module reads the claim).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jitsi_ecs import tokens
from jitsi_ecs.aws import calling
from jitsi_ecs.commands import Globals
from jitsi_ecs.commands.common import check_email, deployed
from jitsi_ecs.durations import parse_duration
from jitsi_ecs.errors import EXIT_OK, UsageError
from jitsi_ecs.ui import err, out, print_json


def iso_utc(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def run(
    g: Globals,
    room: str,
    moderator: bool,
    name: str | None,
    email: str | None,
    ttl_text: str,
    as_json: bool,
) -> int:
    if not moderator:
        raise UsageError(
            "--no-moderator cannot be honoured at the pinned images: with token auth jicofo "
            "grants ownership to every authenticated participant (its AuthenticationRoleManager), "
            "and the images bundle no prosody module that reads the token's "
            "context.user.moderator, so a token holder is always a moderator",
            hint="For someone who should not moderate, send the plain room link: with "
            "jitsi.guests = true they join as a guest once a token holder is in.",
        )
    tokens.check_room(room)
    ttl = parse_duration(
        ttl_text,
        flag="--ttl",
        maximum=tokens.MAX_TTL,
        maximum_hint="A shorter link is safer: anyone holding it can open the room until it "
        "expires.",
    )
    if email is not None:
        check_email(email, "--email")
    stack, outputs = deployed(g, "link")
    result: dict[str, Any]
    if outputs.jwt_secret_parameter_name is None or outputs.jwt_app_id is None:
        url = tokens.meeting_url(outputs.url, room)
        err.print(
            "This deployment has jitsi.auth_type = none: no token is needed, anyone with "
            "the link can join."
        )
        result = {"url": url, "room": room, "token": None, "expires_at": None, "moderator": None}
    else:
        with calling(f"read the token signing secret {outputs.jwt_secret_parameter_name}"):
            secret = stack.aws.ssm.get_parameter(
                Name=outputs.jwt_secret_parameter_name, WithDecryption=True
            )["Parameter"]["Value"]
        minted = tokens.mint(
            secret, outputs.jwt_app_id, room, tokens.User(name, email, moderator), ttl
        )
        url = tokens.meeting_url(outputs.url, room, minted.token)
        result = {
            "url": url,
            "room": room,
            "token": minted.token,
            "expires_at": iso_utc(minted.expires_at),
            "moderator": minted.moderator,
        }
        guests = (
            f"people with the plain link {tokens.meeting_url(outputs.url, room)} join as guests "
            "once a token holder is in"
            if outputs.guests
            else "everyone else needs a link of their own (guests are off)"
        )
        err.print(f"Valid until {result['expires_at']}; {guests}.")
    if as_json:
        print_json(result)
    else:
        out.print(url, markup=False, highlight=False, crop=False, overflow="ignore")
    return EXIT_OK
