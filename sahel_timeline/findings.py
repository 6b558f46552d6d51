"""Findings: what validation says about a store, each pointing at a file, line and column."""

from __future__ import annotations

from dataclasses import dataclass

from sahel_timeline.visible import visible_line, visible_text

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    file: str
    line: int  # 1-based
    column: int  # 1-based
    severity: str  # "error" | "warning"
    rule: str
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def __str__(self) -> str:
        """FILE:LINE:COLUMN: SEVERITY RULE: MESSAGE on one line: a control character in the
        file name or the message is shown as an escape, so it cannot start a line of its
        own (a forged `::error` for CI) or drive the terminal."""
        return (
            f"{visible_line(self.file)}:{self.line}:{self.column}: "
            f"{self.severity} {self.rule}: {visible_text(self.message)}"
        )


def finding_sort_key(finding: Finding) -> tuple[str, int, int, str]:
    return (finding.file, finding.line, finding.column, finding.rule)


def count_by_severity(findings: list[Finding]) -> tuple[int, int]:
    """(errors, warnings)."""
    errors = sum(1 for f in findings if f.is_error)
    return errors, len(findings) - errors
