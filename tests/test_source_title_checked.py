"""`title_checked: false` on a source: a title nobody checked against the source itself.

The store reads it, the cache keeps it, and every view and export that writes the title
marks it, so that nobody quotes it as the source's real title.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sahel_timeline.cli.app import app
from sahel_timeline.reports.labels import UNCHECKED_TITLE_MARK
from sahel_timeline.store.load import assemble_store, load_file_bytes, load_store

NOW = dt.date(2020, 1, 1)


def _store_text(title_checked: str | None) -> str:
    flag = "" if title_checked is None else f"\n        title_checked: {title_checked}"
    return f"""\
schema_version: 1
incidents:
  - id: 2018-07-23-sevare-airport
    title: Mortar rounds fired at an airport
    date: "2018-07-23"
    location: {{country: Mali, place: Sévaré}}
    sources:
      - title: "Report on the shelling of the airport"
        publisher: AFP via an aggregator{flag}
        url: "https://example.org/report"
      - title: "Mali's airport hit by mortar fire"
        url: "https://example.org/checked"
"""


def _write(tmp_path: Path, title_checked: str | None = "false") -> Path:
    path = tmp_path / "store.yaml"
    path.write_text(_store_text(title_checked), encoding="utf-8")
    return path


@pytest.mark.parametrize(("written", "expected"), [("false", False), ("true", True), (None, True)])
def test_title_checked_is_read_and_defaults_to_true(written: str | None, expected: bool) -> None:
    store = assemble_store([load_file_bytes(_store_text(written).encode(), "s.yaml")], NOW)
    assert store.errors == []
    sources = store.incidents[0].sources
    assert [s.title_checked for s in sources] == [expected, True]


@pytest.mark.parametrize("written", ['"false"', "no", "0"])
def test_anything_but_true_or_false_is_an_error_at_its_line_and_column(written: str) -> None:
    store = assemble_store([load_file_bytes(_store_text(written).encode(), "s.yaml")], NOW)
    assert [(e.rule, e.line, e.column) for e in store.errors] == [("wrong-type", 10, 24)]
    assert "true or false" in store.errors[0].message


def test_the_cache_keeps_the_flag(tmp_path: Path) -> None:
    path = _write(tmp_path)
    load_store([path], NOW)
    warm = load_store([path], NOW)
    assert [s.title_checked for s in warm.incidents[0].sources] == [False, True]


def test_show_marks_an_unchecked_title_only(tmp_path: Path, cli_env: dict) -> None:
    result = CliRunner().invoke(
        app, ["show", "2018-07-23-sevare-airport", "--store", str(_write(tmp_path))], env=cli_env
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.count(UNCHECKED_TITLE_MARK) == 1
    marked = next(line for line in result.stdout.splitlines() if UNCHECKED_TITLE_MARK in line)
    assert "Report on the shelling" in marked


@pytest.mark.parametrize("fmt", ["markdown", "csv", "html", "timelinejs"])
def test_text_exports_mark_an_unchecked_title(tmp_path: Path, cli_env: dict, fmt: str) -> None:
    args = ["export", "--format", fmt, "--store", str(_write(tmp_path))]
    result = CliRunner().invoke(app, args, env=cli_env)
    assert result.exit_code == 0, result.output
    assert result.stdout.count(UNCHECKED_TITLE_MARK) == 1


def test_json_gives_the_flag_of_every_source(tmp_path: Path, cli_env: dict) -> None:
    args = ["export", "--format", "json", "--store", str(_write(tmp_path))]
    entries = json.loads(CliRunner().invoke(app, args, env=cli_env).stdout)
    assert [s["title_checked"] for s in entries[0]["sources"]] == [False, True]
