"""Findings as text for people, GitHub Actions workflow commands, or JSON for scripts.

Pure functions from findings to a string: no terminal, no colour. The GitHub escaping
follows the Actions toolkit (`@actions/core`, command.ts) so that a value holding a newline,
a comma or `::` cannot end an annotation early or forge a second one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping

from sahel_timeline.findings import ERROR, Finding

FORMATS = ("text", "github", "json")
FORMAT_CHOICES = (*FORMATS, "auto")

_DATA_ESCAPES = {"%": "%25", "\r": "%0D", "\n": "%0A"}
_PROPERTY_ESCAPES = {**_DATA_ESCAPES, ":": "%3A", ",": "%2C"}
_UNESCAPES = {escaped: raw for raw, escaped in _PROPERTY_ESCAPES.items()}
_UNESCAPE_PATTERN = re.compile("|".join(_UNESCAPES))


def escape_data(text: str) -> str:
    """A workflow command's message: `%`, CR and LF percent-encoded."""
    return "".join(_DATA_ESCAPES.get(char, char) for char in text)


def escape_property(text: str) -> str:
    """A workflow command's property value: as the message, plus `:` and `,`."""
    return "".join(_PROPERTY_ESCAPES.get(char, char) for char in text)


def unescape(text: str) -> str:
    """What GitHub reads back from an escaped message or property value."""
    return _UNESCAPE_PATTERN.sub(lambda match: _UNESCAPES[match.group()], text)


def resolve_format(name: str, environ: Mapping[str, str]) -> str:
    """`auto` is `github` inside GitHub Actions (GITHUB_ACTIONS set), else `text`."""
    if name != "auto":
        return name
    return "github" if environ.get("GITHUB_ACTIONS") else "text"


def github_annotation(finding: Finding) -> str:
    """One finding as a workflow command: `::error file=F,line=L,col=C,title=RULE::message`."""
    command = "error" if finding.severity == ERROR else "warning"
    properties = ",".join(
        f"{key}={escape_property(str(value))}"
        for key, value in (
            ("file", finding.file),
            ("line", finding.line),
            ("col", finding.column),
            ("title", finding.rule),
        )
    )
    return f"::{command} {properties}::{escape_data(finding.message)}"


def format_github(findings: Iterable[Finding]) -> str:
    return "".join(github_annotation(finding) + "\n" for finding in findings)


def format_text(findings: Iterable[Finding]) -> str:
    """FILE:LINE:COLUMN: SEVERITY RULE: MESSAGE, one a line."""
    return "".join(str(finding) + "\n" for finding in findings)


def finding_data(finding: Finding) -> dict[str, str | int]:
    data: dict[str, str | int] = {
        "file": finding.file,
        "line": finding.line,
        "column": finding.column,
        "severity": finding.severity,
        "rule": finding.rule,
        "message": finding.message,
    }
    if finding.more:
        data["more"] = finding.more
    return data


def format_json(findings: Iterable[Finding]) -> str:
    """A JSON list of findings (file, line, column, severity, rule, message); a summary of
    findings left out past the cap also has `more`, how many it stands for."""
    data = [finding_data(finding) for finding in findings]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


FORMATTERS = {"text": format_text, "github": format_github, "json": format_json}


def format_findings(findings: Iterable[Finding], format_name: str) -> str:
    return FORMATTERS[format_name](findings)
