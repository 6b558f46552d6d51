"""Domain errors and exit codes: errors are values inside the core, exit codes at the edge."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1  # validation findings, or a domain error (unknown id, unreadable store)
    USAGE = 2  # a bad option or value


class SahelError(Exception):
    """A problem the user can act on; its message is shown as is, without a traceback."""

    exit_code: ExitCode = ExitCode.FINDINGS

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(SahelError):
    exit_code = ExitCode.USAGE
