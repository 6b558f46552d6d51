"""A file that breaks one rule a great many times: the first findings of each rule are kept,
the rest are counted exactly into one summary finding, in every output format."""

from __future__ import annotations

import datetime as dt
import json
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sahel_timeline.cli.app import app
from sahel_timeline.findings import (
    ERROR,
    MAX_FINDINGS_PER_RULE,
    Finding,
    FindingsCap,
    count_by_severity,
)
from sahel_timeline.store.load import load_store

UNKNOWN_KEYS = 42_230  # 1,000 shown, 41,230 counted
SUMMARY = "... and 41,230 more unknown-key findings"


@pytest.fixture(scope="module")
def unknown_keys_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated store file: a valid header, then 42,230 unknown top-level keys."""
    path = tmp_path_factory.mktemp("generated") / "unknown-keys.yaml"
    keys = "".join(f"key{number}: {number}\n" for number in range(UNKNOWN_KEYS))
    path.write_text("schema_version: 1\nincidents: []\n" + keys, encoding="utf-8")
    return path


def validate(path: Path, *options: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["validate", str(path), *options])
    return result.exit_code, result.stdout, result.stderr


def test_the_first_findings_of_a_rule_are_kept_and_the_rest_counted_exactly(
    unknown_keys_store: Path,
) -> None:
    findings = load_store([unknown_keys_store], dt.date(2020, 1, 1)).findings
    unknown = [f for f in findings if f.rule == "unknown-key"]
    assert len(unknown) == MAX_FINDINGS_PER_RULE + 1
    kept, summary = unknown[:-1], unknown[-1]
    assert [f.line for f in kept] == list(range(3, 3 + MAX_FINDINGS_PER_RULE))
    assert summary.message == SUMMARY
    assert (summary.line, summary.column, summary.severity) == (1003, 1, ERROR)
    assert count_by_severity(findings) == (UNKNOWN_KEYS, 0)


def test_validate_text_shows_the_summary_and_counts_every_finding(
    unknown_keys_store: Path,
) -> None:
    code, stdout, _ = validate(unknown_keys_store)
    lines = stdout.splitlines()
    assert code == 1
    assert len(lines) == MAX_FINDINGS_PER_RULE + 2  # the kept findings, the summary, the total
    assert lines[-2] == f"{unknown_keys_store}:1003:1: error unknown-key: {SUMMARY}"
    assert lines[-1].endswith(f": {UNKNOWN_KEYS} errors, 0 warnings")


def test_validate_json_gives_the_summary_with_the_number_left_out(
    unknown_keys_store: Path,
) -> None:
    code, stdout, _ = validate(unknown_keys_store, "--format", "json")
    data = json.loads(stdout)
    assert code == 1
    assert len(data) == MAX_FINDINGS_PER_RULE + 1
    assert data[-1] == {
        "file": str(unknown_keys_store),
        "line": 1003,
        "column": 1,
        "severity": "error",
        "rule": "unknown-key",
        "message": SUMMARY,
        "more": 41_230,
    }
    assert all("more" not in item for item in data[:-1])


def test_validate_github_annotates_the_summary(unknown_keys_store: Path) -> None:
    code, stdout, _ = validate(unknown_keys_store, "--format", "github")
    lines = stdout.splitlines()
    assert code == 1
    assert len(lines) == MAX_FINDINGS_PER_RULE + 1
    assert lines[-1] == (
        f"::error file={unknown_keys_store},line=1003,col=1,title=unknown-key::{SUMMARY}"
    )


def test_a_warm_run_from_the_cache_gives_the_same_summary(unknown_keys_store: Path) -> None:
    cold = validate(unknown_keys_store, "--format", "json")
    warm = validate(unknown_keys_store, "--format", "json")
    assert warm == cold


def test_a_query_on_the_file_counts_every_error(unknown_keys_store: Path) -> None:
    result = CliRunner().invoke(app, ["timeline", "--store", str(unknown_keys_store)])
    assert result.exit_code == 1
    assert f"the store has {UNKNOWN_KEYS:,} error(s)" in " ".join(result.stderr.split())
    assert f"... and {UNKNOWN_KEYS - 5:,} more" in result.stderr


def test_caps_apply_to_each_rule_of_each_file_apart() -> None:
    def finding(file: str, rule: str, line: int) -> Finding:
        return Finding(file, line, 1, ERROR, rule, "problem")

    cap = FindingsCap(limit=2)
    for line in range(1, 6):
        cap.add(finding("a.yaml", "unknown-key", line))
        cap.add(finding("b.yaml", "unknown-key", line))
    cap.add(finding("a.yaml", "wrong-type", 9))
    kept = [(f.file, f.rule, f.line, f.more) for f in cap.findings()]
    assert kept == [
        ("a.yaml", "unknown-key", 1, 0),
        ("b.yaml", "unknown-key", 1, 0),
        ("a.yaml", "unknown-key", 2, 0),
        ("b.yaml", "unknown-key", 2, 0),
        ("a.yaml", "wrong-type", 9, 0),
        ("a.yaml", "unknown-key", 3, 3),
        ("b.yaml", "unknown-key", 3, 3),
    ]


def test_summaries_merge_when_findings_are_capped_again() -> None:
    first = FindingsCap(limit=1)
    for line in range(1, 5):
        first.add(Finding("a.yaml", line, 1, ERROR, "duplicate-id", "again"))
    second = FindingsCap(limit=1)
    second.extend(first.findings())
    second.extend(first.findings())
    *_, summary = second.findings()
    assert summary.message == "... and 7 more duplicate-id findings"
    assert count_by_severity(second.findings()) == (8, 0)


def test_memory_stays_bounded_while_counting_fifty_thousand_findings() -> None:
    def findings(count: int) -> Iterator[Finding]:
        for line in range(count):
            yield Finding("big.yaml", line + 1, 1, ERROR, "unknown-key", f"unknown key 'k{line}'")

    tracemalloc.start()
    try:
        cap = FindingsCap()
        cap.extend(findings(50_000))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count_by_severity(cap.findings()) == (50_000, 0)
    assert peak < 1024 * 1024  # 1,000 findings kept; keeping 50,000 takes about 10 MB
