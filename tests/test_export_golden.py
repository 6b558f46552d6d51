"""Every export format on a small fixture store, compared byte for byte with its golden file.

Regenerate the golden files after an intended change (see golden_files.py) and review
the diff before committing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from golden_files import GoldenFiles
from typer.testing import CliRunner

from sahel_timeline.cli.app import app

DATA = Path(__file__).resolve().parent / "data"
STORE = DATA / "export" / "store.yaml"
GOLDEN = DATA / "golden" / "export"

CASES = {
    "markdown.md": ["--format", "markdown", "--title", "Synthetic brief"],
    "csv.csv": ["--format", "csv"],
    "csv-acled.csv": ["--format", "csv", "--columns", "acled"],
    "json.json": ["--format", "json"],
    "jsonl.jsonl": ["--format", "jsonl"],
    "timelinejs.json": ["--format", "timelinejs", "--title", "Synthetic brief"],
    "timelinejs-by-group.json": ["--format", "timelinejs", "--tl-group", "group"],
    "timelinejs-sheet.csv": ["--format", "timelinejs-sheet", "--title", "Synthetic brief"],
    "geojson.geojson": ["--format", "geojson"],
    "html.html": ["--format", "html", "--title", "Synthetic brief"],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_export_matches_its_golden_file(name: str, cli_env: dict[str, str | None]) -> None:
    env = {**cli_env, "SAHEL_TIMELINE_NOW": "2018-07-01"}
    result = CliRunner().invoke(app, ["export", "--store", str(STORE), *CASES[name]], env=env)
    assert result.exit_code == 0, result.output
    GoldenFiles().check(GOLDEN / name, result.stdout_bytes)
