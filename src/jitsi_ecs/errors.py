"""The one user-facing error type. `cli.py` maps it to an exit code and a message."""

from __future__ import annotations

# Exit codes, the contract scripts rely on.
EXIT_OK = 0  # success: every check passed, the drill passed, the work is done
EXIT_FAILED = 1  # the command ran and found a problem (a failed check, a failed drill)
EXIT_USAGE = 2  # bad input or environment: nothing was changed
EXIT_INTERRUPTED = 130  # Ctrl-C or SIGTERM: stopped cleanly; run the command again to resume


class JitsiEcsError(Exception):
    """What failed, where, and what to do about it."""

    exit_code = EXIT_FAILED

    def __init__(self, message: str, *, hint: str | None = None, log_path: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.log_path = log_path


class UsageError(JitsiEcsError):
    """Bad configuration, flags or environment (missing tool, missing credentials)."""

    exit_code = EXIT_USAGE


class ConfigError(UsageError):
    """The config file is missing a key, has a wrong type, or breaks a rule."""


class TerraformError(JitsiEcsError):
    """terraform exited non-zero; its full output is in the log file."""


class EmulatorError(JitsiEcsError):
    """The embedded local AWS (moto server) did not start or answer."""


class AwsError(JitsiEcsError):
    """An AWS API call failed."""


class NothingDeployed(JitsiEcsError):
    """The target holds no deployment (read-only commands fail; `down` has nothing to do)."""


class Interrupted(JitsiEcsError):
    """Ctrl-C: the work stopped cleanly (state saved, originals restored); the message says how."""

    exit_code = EXIT_INTERRUPTED
