"""TimelineJS, as JSON and as its Google Sheets template: every entry a slide, an axis that
long spans do not stretch, and sheet cells no spreadsheet runs as formulas."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sahel_timeline.cli.app import app
from sahel_timeline.engine.database import sort_incidents
from sahel_timeline.export import ExportContext
from sahel_timeline.export import export as core_export
from sahel_timeline.export.escaping import FORMULA_STARTS
from sahel_timeline.reports.labels import date_label
from sahel_timeline.store.load import load_store

DATA = Path(__file__).resolve().parent / "data"
REPOSITORY = DATA.parent.parent
STORES = {
    "curated": REPOSITORY / "incidents.yaml",
    "fixture": DATA / "export" / "store.yaml",
    "hostile": DATA / "export" / "hostile.yaml",
}
# The header of TimelineJS's template (src/template/my-own-timeline.csv in TimelineJS3).
TEMPLATE_HEADER = (
    "Year,Month,Day,Time,End Year,End Month,End Day,End Time,Display Date,Headline,Text,"
    "Media,Media Credit,Media Caption,Media Thumbnail,Type,Group,Background"
)


@pytest.fixture(params=sorted(STORES))
def store_path(request: pytest.FixtureRequest) -> Path:
    return STORES[request.param]


def export(cli_env: dict[str, str | None], store: Path, *args: str) -> str:
    """The export as the command line writes it; for the hostile store, which the command
    line refuses (its control characters are validation errors), as the exporter writes it."""
    if store == STORES["hostile"]:
        loaded = load_store([store], dt.date(2020, 1, 1))
        assert {f.rule for f in loaded.errors} <= {"control-character", "bidi-control"}
        name = args[args.index("--format") + 1]
        context = ExportContext(now=dt.date(2020, 1, 1), generated_on=dt.date(2020, 1, 1))
        return core_export(name, sort_incidents(loaded.incidents), loaded.registry, context)
    env = {**cli_env, "SAHEL_TIMELINE_NOW": "2020-01-01"}
    result = CliRunner().invoke(app, ["export", "--store", str(store), *args], env=env)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes.decode("utf-8")  # as written: CRLF kept


def _date(parts: dict[str, int]) -> dt.date:
    return dt.date(parts["year"], parts.get("month", 1), parts.get("day", 1))


def test_every_entry_is_a_slide_milestones_with_spans_included(
    cli_env: dict[str, str | None], store_path: Path
) -> None:
    document = json.loads(export(cli_env, store_path, "--format", "timelinejs"))
    entries = sort_incidents(load_store([store_path], dt.date(2020, 1, 1)).incidents)
    assert [event["unique_id"] for event in document["events"]] == [e.id for e in entries]
    spans = [e for e in entries if e.is_milestone and e.end_date is not None]
    headlines = {html.unescape(event["text"]["headline"]) for event in document["events"]}
    assert {span.title for span in spans} <= headlines


def test_no_date_runs_past_the_last_entry_but_a_span_still_reads_whole(
    cli_env: dict[str, str | None], store_path: Path
) -> None:
    document = json.loads(export(cli_env, store_path, "--format", "timelinejs"))
    entries = {e.id: e for e in load_store([store_path], dt.date(2020, 1, 1)).incidents}
    axis_end = max(e.start for e in entries.values())
    for event in document["events"]:
        entry = entries[event["unique_id"]]
        assert html.unescape(event["display_date"]) == date_label(entry)
        if "end_date" in event:
            assert _date(event["end_date"]) <= axis_end
        elif entry.end_date is not None:
            assert entry.end > axis_end  # only a span that would stretch the axis is cut
    for era in document.get("eras", []):
        assert _date(era["start_date"]) < _date(era["end_date"]) <= axis_end


def test_the_curated_barkhane_span_no_longer_stretches_the_axis_to_2022(
    cli_env: dict[str, str | None],
) -> None:
    document = json.loads(export(cli_env, STORES["curated"], "--format", "timelinejs"))
    dates = [e["start_date"] for e in document["events"]] + [
        e["end_date"] for e in document["events"] if "end_date" in e
    ]
    dates += [era["end_date"] for era in document.get("eras", [])]
    assert max(d["year"] for d in dates) == 2018


def test_the_sheet_has_timelinejs_template_columns_and_the_json_slides(
    cli_env: dict[str, str | None], store_path: Path
) -> None:
    text = export(cli_env, store_path, "--format", "timelinejs-sheet")
    assert text.split("\r\n", 1)[0] == TEMPLATE_HEADER
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    document = json.loads(export(cli_env, store_path, "--format", "timelinejs"))
    title, *slides = rows
    assert title["Type"] == "title"
    assert html.unescape(title["Headline"]) == html.unescape(document["title"]["text"]["headline"])
    events = [row for row in slides if row["Type"] == ""]
    eras = [row for row in slides if row["Type"] == "era"]
    assert len(events) == len(document["events"])
    assert len(eras) == len(document.get("eras", []))
    for row, event in zip(events, document["events"], strict=True):
        start, end = event["start_date"], event.get("end_date", {})
        assert row["Year"] == str(start["year"])
        assert row["Month"] == str(start.get("month", ""))
        assert row["Day"] == str(start.get("day", ""))
        assert row["End Year"] == str(end.get("year", ""))
        for column, value in (
            ("Headline", event["text"]["headline"]),
            ("Text", event["text"]["text"]),
            ("Display Date", event["display_date"]),
            ("Group", event["group"]),
        ):
            # the same HTML, read by TimelineJS as the same text
            assert html.unescape(row[column]) == html.unescape(value)


def test_no_sheet_cell_runs_as_a_formula(cli_env: dict[str, str | None]) -> None:
    text = export(cli_env, STORES["hostile"], "--format", "timelinejs-sheet")
    cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    headlines = [row["Headline"] for row in csv.DictReader(io.StringIO(text, newline=""))]
    entries = load_store([STORES["hostile"]], dt.date(2020, 1, 1)).incidents
    formula_titles = [e.title for e in entries if e.title.startswith(FORMULA_STARTS)]
    assert formula_titles
    shown = {html.unescape(headline) for headline in headlines}
    assert set(formula_titles) <= shown
