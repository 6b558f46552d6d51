"""`sahel-timeline export` on the command line: filters, output files, messages, exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from sahel_timeline.cli.app import app

STORE = Path(__file__).resolve().parent / "data" / "export" / "store.yaml"


@pytest.fixture
def env(cli_env: dict[str, str | None]) -> dict[str, str | None]:
    return {**cli_env, "SAHEL_TIMELINE_NOW": "2018-07-01"}


def run(env: dict[str, str | None], *args: str) -> Result:
    return CliRunner().invoke(app, ["export", "--store", str(STORE), *args], env=env)


def test_filters_and_sort_apply_to_the_export(env: dict[str, str | None]) -> None:
    result = run(env, "--format", "jsonl", "--country", "Burkina Faso", "--sort", "killed")
    assert result.exit_code == 0, result.output
    ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    assert ids == ["2019-year-only", "2017-08-13-town-restaurant"]


def test_markdown_brief_states_its_filters_and_now(env: dict[str, str | None]) -> None:
    result = run(env, "--format", "markdown", "--since", "2018", "--now", "2018-03-01")
    assert result.exit_code == 0, result.output
    assert "- Filters: since 2018-01-01" in result.stdout
    assert "- Now (relative dates read against): 2018-03-01" in result.stdout
    assert "- Generated: 2018-07-01" in result.stdout
    assert "Gunmen attack a restaurant" not in result.stdout


def test_output_file_is_written_and_nothing_on_stdout(
    env: dict[str, str | None], tmp_path: Path
) -> None:
    target = tmp_path / "brief.csv"
    result = run(env, "--format", "csv", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"), newline="")))
    assert len(rows) == 6
    assert [p.name for p in tmp_path.iterdir()] == ["brief.csv"]  # no temporary file left


def test_existing_file_is_refused_and_left_untouched(
    env: dict[str, str | None], tmp_path: Path
) -> None:
    target = tmp_path / "brief.md"
    target.write_text("keep me", encoding="utf-8")
    result = run(env, "--format", "markdown", "-o", str(target))
    assert result.exit_code == 1
    assert "--force" in result.stderr
    assert target.read_text(encoding="utf-8") == "keep me"
    assert [p.name for p in tmp_path.iterdir()] == ["brief.md"]


def test_force_overwrites_an_existing_file(env: dict[str, str | None], tmp_path: Path) -> None:
    target = tmp_path / "brief.md"
    target.write_text("old", encoding="utf-8")
    result = run(env, "--format", "markdown", "-o", str(target), "--force")
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith("# Sahel incident timeline")


def test_dash_means_stdout(env: dict[str, str | None], tmp_path: Path) -> None:
    result = run(env, "--format", "json", "-o", "-")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == 6


def test_missing_folder_is_a_plain_error(env: dict[str, str | None], tmp_path: Path) -> None:
    result = run(env, "--format", "json", "-o", str(tmp_path / "no" / "such" / "file.json"))
    assert result.exit_code == 1
    assert "cannot write" in result.stderr
    assert "Traceback" not in result.output


def test_geojson_counts_the_entries_left_out_on_stderr(env: dict[str, str | None]) -> None:
    result = run(env, "--format", "geojson")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["features"]) == 4
    assert "2 entries without coordinates left out" in result.stderr
    assert "left out" not in result.stdout


def test_csv_bom_and_raw(env: dict[str, str | None], tmp_path: Path) -> None:
    target = tmp_path / "excel.csv"
    assert run(env, "--format", "csv", "--bom", "-o", str(target)).exit_code == 0
    assert target.read_bytes().startswith(b"\xef\xbb\xbfid,kind,")
    hostile = tmp_path / "formulas.yaml"
    hostile.write_text(
        "schema_version: 1\nincidents:\n  - id: formula\n    kind: milestone\n"
        "    title: '=HYPERLINK(\"https://evil.example\")'\n    date: '2019'\n",
        encoding="utf-8",
    )
    args = ["export", "--store", str(hostile), "--format", "csv", "--kind", "milestone"]
    neutral = CliRunner().invoke(app, args, env=env).stdout
    raw = CliRunner().invoke(app, [*args, "--raw"], env=env).stdout
    assert "'=HYPERLINK" in neutral and "'=HYPERLINK" not in raw


def test_unknown_format_is_a_usage_error(env: dict[str, str | None]) -> None:
    result = run(env, "--format", "pdf")
    assert result.exit_code == 2
    assert "pdf" in result.stderr


def test_format_is_required(env: dict[str, str | None]) -> None:
    assert run(env).exit_code == 2


def test_bad_filter_is_a_usage_error_and_writes_nothing(
    env: dict[str, str | None], tmp_path: Path
) -> None:
    target = tmp_path / "out.json"
    result = run(env, "--format", "json", "--group", "JMIN", "-o", str(target))
    assert result.exit_code == 2
    assert not target.exists()


def test_help_shows_examples_and_every_format(env: dict[str, str | None]) -> None:
    result = CliRunner().invoke(app, ["export", "--help"], env=env)
    assert result.exit_code == 0
    assert "sahel-timeline export --format markdown" in result.stdout
    for name in ("markdown", "csv", "jsonl", "timelinejs", "geojson", "html"):
        assert name in result.stdout


def test_timeline_start_up_does_not_import_the_exporters() -> None:
    code = (
        "import sys; from sahel_timeline.cli.app import app; "
        "print(sorted(m for m in sys.modules if m.startswith('sahel_timeline.export.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
