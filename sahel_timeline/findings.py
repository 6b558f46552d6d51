"""Findings: what validation says about a store, each pointing at a file, line and column.

A file can break one rule a million times (a generated file of unknown keys): only the first
MAX_FINDINGS_PER_RULE findings of each rule in each file are kept, the rest are counted
into one summary finding ("... and 41,230 more unknown-key findings"), so that memory stays
bounded while every finding is still counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sahel_timeline.visible import visible_line, visible_text

ERROR = "error"
WARNING = "warning"
MAX_FINDINGS_PER_RULE = 1000


@dataclass(frozen=True, slots=True)
class Finding:
    file: str
    line: int  # 1-based
    column: int  # 1-based
    severity: str  # "error" | "warning"
    rule: str
    message: str
    more: int = 0  # a summary: how many findings of its rule it stands for (none kept)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def count(self) -> int:
        """How many findings this one reports: itself, or the ones a summary counted."""
        return self.more or 1

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


def count_by_severity(findings: Iterable[Finding]) -> tuple[int, int]:
    """(errors, warnings), a summary counting for every finding it stands for."""
    errors = warnings = 0
    for finding in findings:
        if finding.is_error:
            errors += finding.count
        else:
            warnings += finding.count
    return errors, warnings


def summary_message(rule: str, more: int) -> str:
    return f"... and {more:,} more {rule} findings"


_CapKey = tuple[str, str, str]  # file, severity, rule


class FindingsCap:
    """Collects findings, keeping the first `limit` of each rule in each file and counting
    the rest into one summary finding placed where the first one left out was."""

    def __init__(self, limit: int = MAX_FINDINGS_PER_RULE) -> None:
        self.limit = limit
        self._kept: list[Finding] = []
        self._kept_per_key: dict[_CapKey, int] = {}
        self._left_out: dict[_CapKey, tuple[tuple[int, int], int]] = {}  # first place, count

    def add(self, finding: Finding) -> None:
        key = (finding.file, finding.severity, finding.rule)
        if not finding.more and self._kept_per_key.get(key, 0) < self.limit:
            self._kept_per_key[key] = self._kept_per_key.get(key, 0) + 1
            self._kept.append(finding)
            return
        place = (finding.line, finding.column)
        if key in self._left_out:
            first, count = self._left_out[key]
            self._left_out[key] = (min(first, place), count + finding.count)
        else:
            self._left_out[key] = (place, finding.count)

    def extend(self, findings: Iterable[Finding]) -> None:
        for finding in findings:
            self.add(finding)

    def findings(self) -> list[Finding]:
        """The kept findings in the order they came, then one summary per capped rule."""
        summaries = [
            Finding(file, line, column, severity, rule, summary_message(rule, count), count)
            for (file, severity, rule), ((line, column), count) in self._left_out.items()
        ]
        return [*self._kept, *summaries]


def capped(findings: Iterable[Finding], limit: int = MAX_FINDINGS_PER_RULE) -> list[Finding]:
    """`findings` with at most `limit` of each rule in each file, the rest summarised."""
    cap = FindingsCap(limit)
    cap.extend(findings)
    return cap.findings()
