"""`validate --format text|github|json|auto`, `--strict`, folder stores and stdin, for CI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from sahel_timeline.cli.app import app
from sahel_timeline.findings import ERROR, WARNING, Finding
from sahel_timeline.reports.findings_formats import (
    escape_data,
    escape_property,
    format_github,
    format_json,
    github_annotation,
    resolve_format,
    unescape,
)

REPO = Path(__file__).resolve().parent.parent

CLI_ENV = {
    "_TYPER_FORCE_DISABLE_TERMINAL": "1",
    "NO_COLOR": "1",
    "TERMINAL_WIDTH": "100",
    "COLUMNS": "100",
    "SAHEL_TIMELINE_NOW": "2019-01-01",
    "GITHUB_ACTIONS": "",
}

VALID_INCIDENT = """\
  - id: {id}
    title: Attack on a checkpoint
    date: "2018-03-02"
    location: {{country: Mali, place: Gao}}
    sources:
      - {{title: A report}}
    summary: A short neutral summary.
"""

UNSUMMARISED_INCIDENT = """\
  - id: {id}
    title: Attack without a summary
    date: "2018-04-02"
    location: {{country: Mali}}
    sources:
      - {{title: A report}}
"""


def store_text(*incidents: str) -> str:
    return "schema_version: 1\nincidents:\n" + "".join(incidents)


def run_cli(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env=CLI_ENV, input=input)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def broken_store(tmp_path: Path) -> Path:
    """One error (unknown group, line 11) and one warning (no summary, line 12)."""
    path = tmp_path / "broken.yaml"
    path.write_text(
        store_text(
            VALID_INCIDENT.format(id="good")
            + "    perpetrators:\n"
            + "      - {group: JMIN, status: claimed, claimed_on: '2018-03-03'}\n",
            UNSUMMARISED_INCIDENT.format(id="no-summary"),
        ),
        encoding="utf-8",
    )
    return path


# --- escaping, tested directly ---------------------------------------------------------------


def test_message_escaping_encodes_percent_cr_and_lf_like_the_actions_toolkit() -> None:
    assert escape_data("50% of\r\nthe toll") == "50%25 of%0D%0Athe toll"
    assert escape_data("a:b,c") == "a:b,c"


def test_property_escaping_also_encodes_colon_and_comma() -> None:
    assert escape_property("stores/a,b:c%.yaml") == "stores/a%2Cb%3Ac%25.yaml"
    assert escape_property("x\ny") == "x%0Ay"


def test_an_already_escaped_looking_value_is_escaped_again_not_trusted() -> None:
    assert escape_data("%0A") == "%250A"
    assert unescape(escape_data("%0A")) == "%0A"


@given(st.text())
def test_escaped_message_has_no_raw_line_break_and_round_trips(text: str) -> None:
    escaped = escape_data(text)
    assert "\r" not in escaped and "\n" not in escaped
    assert unescape(escaped) == text


@given(st.text())
def test_escaped_property_cannot_end_the_property_list_and_round_trips(text: str) -> None:
    escaped = escape_property(text)
    assert not set("\r\n:,") & set(escaped)
    assert unescape(escaped) == text


def test_a_message_with_a_newline_cannot_forge_a_second_annotation() -> None:
    finding = Finding(
        "stores/a,b:c.yaml", 12, 5, ERROR, "unknown-group",
        "unknown group 'X'\n::error file=evil.yaml,line=1::forged, 100%",
    )  # fmt: skip
    output = format_github([finding])
    assert output == (
        "::error file=stores/a%2Cb%3Ac.yaml,line=12,col=5,title=unknown-group::"
        "unknown group 'X'%0A::error file=evil.yaml,line=1::forged, 100%25\n"
    )
    assert output.count("\n") == 1


def test_warnings_become_warning_commands() -> None:
    finding = Finding("a.yaml", 3, 7, WARNING, "missing-summary", "the incident has no summary")
    assert github_annotation(finding) == (
        "::warning file=a.yaml,line=3,col=7,title=missing-summary::the incident has no summary"
    )


def test_json_format_lists_every_field_of_a_finding() -> None:
    finding = Finding("a.yaml", 3, 7, WARNING, "missing-summary", "no summary: «ok»")
    assert json.loads(format_json([finding])) == [
        {
            "file": "a.yaml",
            "line": 3,
            "column": 7,
            "severity": "warning",
            "rule": "missing-summary",
            "message": "no summary: «ok»",
        }
    ]
    assert json.loads(format_json([])) == []


@pytest.mark.parametrize(
    ("requested", "environ", "chosen"),
    [
        ("auto", {"GITHUB_ACTIONS": "true"}, "github"),
        ("auto", {}, "text"),
        ("auto", {"GITHUB_ACTIONS": ""}, "text"),
        ("json", {"GITHUB_ACTIONS": "true"}, "json"),
        ("text", {"GITHUB_ACTIONS": "true"}, "text"),
    ],
)
def test_auto_format_picks_github_only_inside_github_actions(
    requested: str, environ: dict[str, str], chosen: str
) -> None:
    assert resolve_format(requested, environ) == chosen


# --- the command line ------------------------------------------------------------------------


def test_github_format_prints_one_annotation_per_finding(broken_store: Path) -> None:
    code, stdout, stderr = run_cli("validate", str(broken_store), "--format", "github")
    assert code == 1
    file = str(broken_store).replace(":", "%3A").replace(",", "%2C")
    assert stdout.splitlines() == [
        f"::error file={file},line=11,col=17,title=unknown-group::unknown group 'JMIN'",
        f"::warning file={file},line=12,col=5,title=missing-summary::the incident has no summary",
    ]
    assert "1 error, 1 warning" in stderr


def test_json_format_is_a_parsable_list_of_findings(broken_store: Path) -> None:
    code, stdout, _ = run_cli("validate", str(broken_store), "--format", "json")
    assert code == 1
    findings = json.loads(stdout)
    assert [(f["line"], f["column"], f["severity"], f["rule"]) for f in findings] == [
        (11, 17, "error", "unknown-group"),
        (12, 5, "warning", "missing-summary"),
    ]
    assert {f["file"] for f in findings} == {str(broken_store)}


def test_text_format_keeps_one_finding_a_line_then_the_summary(broken_store: Path) -> None:
    code, stdout, _ = run_cli("validate", str(broken_store))
    assert code == 1
    assert stdout.splitlines() == [
        f"{broken_store}:11:17: error unknown-group: unknown group 'JMIN'",
        f"{broken_store}:12:5: warning missing-summary: the incident has no summary",
        "1 file, 2 incidents, 0 milestones, 0 groups: 1 error, 1 warning",
    ]


def test_exit_codes_valid_store_0_errors_1_bad_option_2(tmp_path: Path, broken_store: Path) -> None:
    valid = tmp_path / "valid.yaml"
    valid.write_text(store_text(VALID_INCIDENT.format(id="good")), encoding="utf-8")
    code, stdout, _ = run_cli("validate", str(valid), "--format", "json")
    assert (code, stdout) == (0, "[]\n")
    assert run_cli("validate", str(broken_store), "--format", "json")[0] == 1
    assert run_cli("validate", str(valid), "--format", "yaml")[0] == 2
    code, _, stderr = run_cli("validate", str(tmp_path / "missing.yaml"))
    assert code == 1
    assert "no such file or folder" in " ".join(stderr.split())


def test_warnings_pass_unless_strict(tmp_path: Path) -> None:
    path = tmp_path / "warned.yaml"
    path.write_text(store_text(UNSUMMARISED_INCIDENT.format(id="quiet")), encoding="utf-8")
    code, stdout, _ = run_cli("validate", str(path), "--format", "github")
    assert code == 0
    assert stdout.startswith("::warning ")
    assert run_cli("validate", str(path), "--format", "github", "--strict")[0] == 1
    assert run_cli("validate", str(path), "--strict")[0] == 1


def test_folder_store_names_the_file_that_holds_the_cross_file_duplicate(tmp_path: Path) -> None:
    store = tmp_path / "stores"
    (store / "later").mkdir(parents=True)  # read after a.yaml: files are read in sorted order
    (store / "a.yaml").write_text(store_text(VALID_INCIDENT.format(id="same")), encoding="utf-8")
    (store / "later" / "b.yml").write_text(
        store_text(VALID_INCIDENT.format(id="other"), VALID_INCIDENT.format(id="same")),
        encoding="utf-8",
    )
    code, stdout, _ = run_cli("validate", str(store), "--format", "json")
    assert code == 1
    duplicates = [f for f in json.loads(stdout) if f["rule"] == "duplicate-id"]
    assert len(duplicates) == 1
    assert duplicates[0]["file"] == str(store / "later" / "b.yml")
    assert duplicates[0]["line"] == 10  # the second incident's id
    assert f"{store / 'a.yaml'}:3" in duplicates[0]["message"]


def test_stdin_is_validated_under_the_name_stdin(broken_store: Path) -> None:
    code, stdout, _ = run_cli(
        "validate", "-", "--format", "json", input=broken_store.read_text(encoding="utf-8")
    )
    assert code == 1
    assert {f["file"] for f in json.loads(stdout)} == {"<stdin>"}


def test_stdin_and_a_file_form_one_store(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(store_text(VALID_INCIDENT.format(id="same")), encoding="utf-8")
    code, stdout, _ = run_cli(
        "validate", str(path), "-", "--format", "json",
        input=store_text(VALID_INCIDENT.format(id="same")),
    )  # fmt: skip
    assert code == 1
    errors = [(f["file"], f["rule"]) for f in json.loads(stdout) if f["severity"] == "error"]
    assert errors == [("<stdin>", "duplicate-id")]


@pytest.mark.parametrize("output_format", ["text", "github", "json", "auto"])
def test_no_colour_codes_under_github_actions_or_force_color(
    broken_store: Path, output_format: str
) -> None:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("NO_COLOR", "TERM", "_TYPER_FORCE_DISABLE_TERMINAL")
    }
    environment.update(GITHUB_ACTIONS="true", FORCE_COLOR="1", SAHEL_TIMELINE_NOW="2019-01-01")
    result = subprocess.run(
        [sys.executable, "-m", "sahel_timeline", "validate", str(broken_store),
         "--format", output_format],
        capture_output=True, text=True, cwd=REPO, env=environment, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "\x1b" not in result.stdout
    assert "\x1b" not in result.stderr
    if output_format in ("github", "auto"):
        assert result.stdout.startswith("::error file=")
    else:  # text names the file at the start of each line; json in each object
        assert str(broken_store) in result.stdout
