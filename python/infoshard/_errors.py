"""CLI failures as Python exceptions carrying the CLI's own one-line message."""
from __future__ import annotations

PREFIX = "infoshard: error: "


class InfoshardError(Exception):
    """Any failure reported by infoshard; ``str(e)`` is the CLI's message, ``e.exit_code`` its exit status."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code


class InfoshardInputError(InfoshardError, ValueError):
    """Bad data or options (CLI exit 2): the message names the parameter, column or row."""


class InfoshardUnavailableError(InfoshardError, ConnectionError):
    """The coordinator could not be reached (CLI exit 3)."""


class InfoshardAuthError(InfoshardError, PermissionError):
    """The coordinator refused the token, or TLS did not verify (CLI exit 4)."""


class InfoshardCancelledError(InfoshardError):
    """The job was cancelled (CLI exit 130)."""


def error_for(code: int, stderr: str) -> InfoshardError:
    lines = [ln for ln in stderr.splitlines() if ln.startswith(PREFIX)]
    message = lines[-1][len(PREFIX):] if lines else (stderr.strip() or f"infoshard exited with status {code}")
    cls = {2: InfoshardInputError, 3: InfoshardUnavailableError, 4: InfoshardAuthError, 130: InfoshardCancelledError}.get(code, InfoshardError)
    return cls(message, code)
