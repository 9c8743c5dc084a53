"""The `jitsi-ecs` command line. Errors become exit codes here and only here."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal

import typer

from jitsi_ecs.commands import Globals
from jitsi_ecs.config import DEFAULT_CONFIG_FILE
from jitsi_ecs.errors import EXIT_INTERRUPTED, JitsiEcsError
from jitsi_ecs.ui import err

app = typer.Typer(
    name="jitsi-ecs",
    help="Jitsi Meet on ECS Fargate: plan, deploy, verify and operate, on a local emulator or AWS.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

TargetOpt = Annotated[
    Literal["local", "aws"] | None,
    typer.Option("--target", help="local (embedded emulator, default) or aws (credential chain)."),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config", help=f"Config file (default ./{DEFAULT_CONFIG_FILE}, else built-in defaults)."
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]
ForceOpt = Annotated[
    bool,
    typer.Option("--force", help="Replace the signaling task even while meetings are running."),
]
WaitEmptyOpt = Annotated[
    str | None,
    typer.Option(
        "--wait-empty",
        metavar="[DURATION]",
        help="Before replacing the signaling task, wait until no conference runs (default 2h, "
        "at most 24h).",
    ),
]
# `--wait-empty` may come without a value (see _normalise_argv).
WAIT_EMPTY_DEFAULT = "2h"
WAIT_EMPTY_MAX = timedelta(hours=24)
YesOpt = Annotated[
    bool,
    typer.Option(
        "--yes",
        "-y",
        help="aws: answer yes to every question (state bucket, apply, destroy, drills).",
    ),
]


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        print(f"jitsi-ecs {version('jitsi-ecs')}")  # pyproject.toml's, one source
        raise typer.Exit(0)


VersionOpt = Annotated[
    bool,
    typer.Option(
        "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
    ),
]


@app.callback()
def main_options(
    ctx: typer.Context,
    config: ConfigOpt = None,
    target: TargetOpt = None,
    show_version: VersionOpt = False,
) -> None:
    ctx.obj = Globals(config_path=config, target=target or "local")


def _globals(
    ctx: typer.Context, config: Path | None, target: str | None, yes: bool = False
) -> Globals:
    base: Globals = ctx.obj
    return Globals(
        config_path=config or base.config_path,
        target=(target or base.target),  # type: ignore[arg-type]
        assume_yes=yes,
    )


def _invoke(action: Callable[[], int]) -> None:
    """Run a command; turn domain errors and Ctrl-C into a message and an exit code."""
    try:
        code = action()
    except JitsiEcsError as exc:
        err.print(f"[bold red]error:[/] {exc.message}")
        if exc.hint:
            err.print(f"[yellow]hint:[/] {exc.hint}")
        if exc.log_path:
            err.print(f"log: {exc.log_path}")
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        err.print("[yellow]interrupted[/]")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    raise typer.Exit(code)


@app.command()
def init(
    path: Annotated[Path, typer.Option("--path", help="Where to write the file.")] = Path(
        DEFAULT_CONFIG_FILE
    ),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented jitsi-ecs.toml with every option and its default."""
    from jitsi_ecs.commands import init as cmd

    _invoke(lambda: cmd.run(path, force))


@app.command()
def plan(
    ctx: typer.Context, as_json: JsonOpt = False, config: ConfigOpt = None, target: TargetOpt = None
) -> None:
    """Validate the config, render Terraform variables and show what would change."""
    from jitsi_ecs.commands import plan as cmd

    _invoke(lambda: cmd.run(_globals(ctx, config, target), as_json))


@app.command()
def up(
    ctx: typer.Context,
    config: ConfigOpt = None,
    target: TargetOpt = None,
    yes: YesOpt = False,
    accept_cost: Annotated[
        bool,
        typer.Option(
            "--accept-cost", help="aws: deploy even if the estimate is above every budget."
        ),
    ] = False,
    force: ForceOpt = False,
    wait_empty: WaitEmptyOpt = None,
) -> None:
    """Plan (with a cost estimate), apply with progress, then verify; exit 0 only if all pass."""
    from jitsi_ecs.commands import up as cmd

    _invoke(
        lambda: cmd.run(_globals(ctx, config, target, yes), accept_cost, force, _wait(wait_empty))
    )


@app.command("rotate-secrets")
def rotate_secrets(
    ctx: typer.Context,
    config: ConfigOpt = None,
    target: TargetOpt = None,
    yes: YesOpt = False,
    force: ForceOpt = False,
    wait_empty: WaitEmptyOpt = None,
) -> None:
    """New JICOFO/JVB passwords and JWT secret; restart the services that read them."""
    from jitsi_ecs.commands import rotate_secrets as cmd

    _invoke(lambda: cmd.run(_globals(ctx, config, target, yes), force, _wait(wait_empty)))


def _wait(text: str | None) -> timedelta | None:
    from jitsi_ecs.durations import parse_duration

    if text is None:
        return None
    return parse_duration(text, flag="--wait-empty", maximum=WAIT_EMPTY_MAX)


@app.command()
def cost(
    ctx: typer.Context,
    as_json: JsonOpt = False,
    with_compare: Annotated[
        bool, typer.Option("--compare", help="Show the saving of each cost lever.")
    ] = False,
    refresh_prices: Annotated[
        bool,
        typer.Option(
            "--refresh-prices", help="Rebuild the price snapshot from the Price List API."
        ),
    ] = False,
    config: ConfigOpt = None,
    target: TargetOpt = None,
) -> None:
    """Itemised monthly estimate of the planned stack, checked against the budgets."""
    from jitsi_ecs.commands import cost as cmd

    _invoke(lambda: cmd.run(_globals(ctx, config, target), as_json, with_compare, refresh_prices))


drill_app = typer.Typer(help="Prove the safety nets: a bad release rolls back, alarms reach SNS.")
app.add_typer(drill_app, name="drill")


@drill_app.command("rollback")
def drill_rollback(
    ctx: typer.Context,
    service: Annotated[
        str, typer.Option("--service", help="A service of the stack (status lists them).")
    ] = "web",
    failure: Annotated[
        str,
        typer.Option(
            "--failure",
            help="crash: health checks fail (circuit breaker); http-500: the targets answer "
            "500 (its target-5xx deployment alarm); wrong-password: bridges that cannot join "
            "the brewery (the bridges' deployment alarm).",
        ),
    ] = "crash",
    as_json: JsonOpt = False,
    config: ConfigOpt = None,
    target: TargetOpt = None,
    yes: YesOpt = False,
) -> None:
    """Deploy a bad revision; watch ECS roll it back; restore anyway."""
    from jitsi_ecs.commands import drill as cmd

    _invoke(lambda: cmd.run_rollback(_globals(ctx, config, target, yes), service, as_json, failure))


@drill_app.command("alarm")
def drill_alarm(
    ctx: typer.Context, as_json: JsonOpt = False, config: ConfigOpt = None, target: TargetOpt = None
) -> None:
    """Set each alarm to ALARM, wait for its SNS message, reset it; check budget wiring."""
    from jitsi_ecs.commands import drill as cmd

    _invoke(lambda: cmd.run_alarm(_globals(ctx, config, target), as_json))


secret_app = typer.Typer(help="Secrets of operator services ([services.*] secrets).")
app.add_typer(secret_app, name="secret")


@secret_app.command("set")
def secret_set(
    ctx: typer.Context,
    service: Annotated[str, typer.Argument(help="The [services.<name>] block, e.g. api.")],
    name: Annotated[str, typer.Argument(help="One of its secrets, e.g. API_KEY.")],
    deploy: Annotated[
        bool, typer.Option("--deploy", help="Then replace the running tasks so they read it.")
    ] = False,
    config: ConfigOpt = None,
    target: TargetOpt = None,
) -> None:
    """Set a service secret: the value from a hidden prompt or stdin, never the command line."""
    from jitsi_ecs.commands import secret as cmd

    _invoke(lambda: cmd.run_set(_globals(ctx, config, target), service, name, deploy))


telemetry_app = typer.Typer(help="Jitsi telemetry: JVB and jicofo stats as CloudWatch EMF.")
app.add_typer(telemetry_app, name="telemetry")


@telemetry_app.command("collect")
def telemetry_collect(
    once: Annotated[
        bool, typer.Option("--once", help="Collect once and exit (else every minute).")
    ] = False,
    jvb: Annotated[
        list[str] | None, typer.Option("--jvb", help="Bridge base URL, e.g. http://10.0.1.5:8080.")
    ] = None,
    jicofo: Annotated[
        str | None, typer.Option("--jicofo", help="jicofo base URL (port 8888).")
    ] = None,
    jvb_dns: Annotated[
        str | None, typer.Option("--jvb-dns", help="DNS name whose A records are the bridges.")
    ] = None,
    namespace: Annotated[str, typer.Option("--namespace", help="CloudWatch namespace.")] = "Jitsi",
) -> None:
    """Fetch JVB and jicofo stats; print one EMF document per line (exit 0 if a source fails)."""
    import logging
    import sys

    from jitsi_ecs.telemetry.__main__ import run

    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(message)s")
    _invoke(lambda: run(jvb or [], jicofo, once, jvb_dns=jvb_dns, namespace=namespace))


@app.command()
def verify(
    ctx: typer.Context,
    as_json: JsonOpt = False,
    junit: Annotated[
        Path | None, typer.Option("--junit", help="Also write JUnit XML here.")
    ] = None,
    config: ConfigOpt = None,
    target: TargetOpt = None,
) -> None:
    """Check the live deployment against the config; exit 1 on any failed check."""
    from jitsi_ecs.commands import verify as cmd

    _invoke(lambda: cmd.run(_globals(ctx, config, target), as_json, junit))


@app.command()
def status(
    ctx: typer.Context, as_json: JsonOpt = False, config: ConfigOpt = None, target: TargetOpt = None
) -> None:
    """Services and deployments, alarm states, budget spend against limits."""
    from jitsi_ecs.commands import status as cmd

    _invoke(lambda: cmd.run(_globals(ctx, config, target), as_json))


@app.command()
def down(
    ctx: typer.Context,
    config: ConfigOpt = None,
    target: TargetOpt = None,
    keep_emulator: Annotated[
        bool,
        typer.Option("--keep-emulator", help="local: leave the emulator running to inspect it."),
    ] = False,
    delete_logs: Annotated[
        bool,
        typer.Option(
            "--delete-logs",
            help="also delete the log bucket and its ALB request and VPC flow logs "
            "(kept by default, also one an earlier down kept).",
        ),
    ] = False,
    yes: YesOpt = False,
) -> None:
    """Destroy everything but the log bucket (aws: after you type the stack name); locally
    also stop the emulator."""
    from jitsi_ecs.commands import down as cmd

    _invoke(lambda: cmd.run(_globals(ctx, config, target, yes), keep_emulator, delete_logs))


@app.command()
def link(
    ctx: typer.Context,
    room: Annotated[
        str,
        typer.Option(
            "--room", help="Room name as Jitsi uses it: lower-case letters, digits, - and _."
        ),
    ],
    moderator: Annotated[
        bool,
        typer.Option(
            "--moderator/--no-moderator",
            help="--no-moderator is refused (exit 2): at the pinned images jicofo makes every "
            "token holder a moderator; send the plain room link to guests instead.",
        ),
    ] = True,
    name: Annotated[str | None, typer.Option("--name", help="Display name in the token.")] = None,
    email: Annotated[str | None, typer.Option("--email", help="E-mail in the token.")] = None,
    ttl: Annotated[
        str, typer.Option("--ttl", help="How long the link works: 30m, 2h, 7d (at most 30d).")
    ] = "24h",
    as_json: JsonOpt = False,
    config: ConfigOpt = None,
    target: TargetOpt = None,
) -> None:
    """Print a meeting link https://<domain>/<room>?jwt=<token> the deployment accepts."""
    from jitsi_ecs.commands import link as cmd

    _invoke(
        lambda: cmd.run(_globals(ctx, config, target), room, moderator, name, email, ttl, as_json)
    )


members_app = typer.Typer(help="Who may log in at /auth/ (the Cognito user pool).")
app.add_typer(members_app, name="members")
EmailArg = Annotated[str, typer.Argument(help="The member's e-mail address.")]


@members_app.command("add")
def members_add(
    ctx: typer.Context, email: EmailArg, config: ConfigOpt = None, target: TargetOpt = None
) -> None:
    """Invite a member: Cognito e-mails a temporary password."""
    from jitsi_ecs.commands import members as cmd

    _invoke(lambda: cmd.run_add(_globals(ctx, config, target), email))


@members_app.command("remove")
def members_remove(
    ctx: typer.Context, email: EmailArg, config: ConfigOpt = None, target: TargetOpt = None
) -> None:
    """Remove a member (links already made stay valid until they expire)."""
    from jitsi_ecs.commands import members as cmd

    _invoke(lambda: cmd.run_remove(_globals(ctx, config, target), email))


@members_app.command("list")
def members_list(
    ctx: typer.Context, as_json: JsonOpt = False, config: ConfigOpt = None, target: TargetOpt = None
) -> None:
    """List the members and their status."""
    from jitsi_ecs.commands import members as cmd

    _invoke(lambda: cmd.run_list(_globals(ctx, config, target), as_json))


@app.command("iam-policy")
def iam_policy(
    ctx: typer.Context,
    as_json: JsonOpt = False,
    account: Annotated[
        str | None,
        typer.Option("--account", help="The account id to pin the ARNs to (default: any)."),
    ] = None,
    github: Annotated[
        str | None,
        typer.Option(
            "--github",
            metavar="OWNER/REPO[:ENVIRONMENT]",
            help="Also the trust policy of a role GitHub Actions assumes (OIDC, subject pinned).",
        ),
    ] = None,
    config: ConfigOpt = None,
) -> None:
    """Print the IAM policies a principal needs to run every command for this config."""
    from jitsi_ecs.commands import iam_policy as cmd

    _invoke(lambda: cmd.run(_globals(ctx, config, None), as_json, account, github))


@app.command()
def env(ctx: typer.Context, config: ConfigOpt = None, target: TargetOpt = None) -> None:
    """Print shell exports (endpoint, region, credentials) for the AWS CLI or boto3."""
    from jitsi_ecs.commands import env as cmd

    _invoke(lambda: cmd.run(_globals(ctx, config, target)))


def _normalise_argv(argv: list[str]) -> list[str]:
    """`--wait-empty` takes an optional DURATION, which click cannot express: when no
    duration follows it, supply the default."""
    out = []
    for i, arg in enumerate(argv):
        out.append(arg)
        following = argv[i + 1] if i + 1 < len(argv) else None
        if arg == "--wait-empty" and (following is None or following.startswith("-")):
            out.append(WAIT_EMPTY_DEFAULT)
    return out


def _stop_as_interrupted(signum: int, frame: object) -> None:
    """SIGTERM (a CI job cancelled, a service stopped) stops like Ctrl-C: terraform gets one
    SIGINT, saves its state and releases the state lock, so running the command again resumes
    instead of finding a lock nobody holds any more."""
    raise KeyboardInterrupt


def main() -> None:
    signal.signal(signal.SIGTERM, _stop_as_interrupted)
    sys.argv[1:] = _normalise_argv(sys.argv[1:])
    app()


if __name__ == "__main__":
    main()
