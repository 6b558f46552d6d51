"""Every export format on stores full of hostile strings, read back by a real parser.

Pipes, newlines, `=HYPERLINK(...)`, `@SUM(1)`, `-2+3`, `<script>`, `[/]`, `:fire:`,
right-to-left text, emoji and very long words must come back as data: never a dropped
table cell, a formula, a tag or a broken document.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from sahel_timeline.engine.database import sort_incidents
from sahel_timeline.export import EXPORTERS, ExportContext, ExportOptions, export
from sahel_timeline.export.csv_export import ACLED_COLUMNS, DEFAULT_COLUMNS
from sahel_timeline.export.escaping import WORD_JOINER
from sahel_timeline.export.markdown import TABLE_HEADER
from sahel_timeline.model import Incident
from sahel_timeline.reports.labels import date_label
from sahel_timeline.store.load import Store, load_store

DATA = Path(__file__).resolve().parent / "data"
# OWASP's CSV injection prefixes, written out (see test_export_escaping.py).
OWASP_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
HOSTILE_STORES = [DATA / "export" / "hostile.yaml", DATA / "hostile" / "store.yaml"]
HOSTILE_TITLE = "Brief | <script>alert(1)</script> =HYPERLINK(1) [/] :fire:\nsecond line"


@pytest.fixture(params=HOSTILE_STORES, ids=lambda path: path.parent.name)
def hostile(request: pytest.FixtureRequest) -> Store:
    store = load_store([request.param], dt.date(2020, 1, 1))
    # Control characters and bidirectional overrides are validation errors, so the command
    # line refuses to export these stores; the exporters must still be safe should such
    # text reach them. Any other error would mean a broken fixture.
    assert {finding.rule for finding in store.errors} <= {"control-character", "bidi-control"}
    return store


def _export(store: Store, name: str, **options: object) -> tuple[list[Incident], str]:
    incidents = sort_incidents(store.incidents)
    context = ExportContext(
        title=HOSTILE_TITLE,
        now=dt.date(2020, 1, 1),
        generated_on=dt.date(2020, 1, 2),
        filter_lines=('text: "<b>|"',),
        options=ExportOptions(**options),  # type: ignore[arg-type]
    )
    return incidents, export(name, incidents, store.registry, context)


# --- Markdown ----------------------------------------------------------------------------


def test_markdown_table_has_every_cell_of_every_row(hostile: Store) -> None:
    incidents, text = _export(hostile, "markdown")
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    rows: list[list[str]] = []
    for index, token in enumerate(tokens):
        if token.type == "tr_open":
            row = []
            for inner in tokens[index + 1 :]:
                if inner.type == "tr_close":
                    break
                if inner.type == "inline":
                    row.append(_markdown_plain(inner.children or []))
            rows.append(row)
    header, *body = rows
    assert header == list(TABLE_HEADER)
    assert len(body) == len(incidents)
    for row, incident in zip(body, incidents, strict=True):
        assert len(row) == len(header)
        assert row[0] == date_label(incident)
        title = ("Milestone: " if incident.is_milestone else "") + incident.title
        assert row[-1] == _as_markdown_shows(title)


def test_markdown_holds_no_html_but_line_breaks(hostile: Store) -> None:
    _, text = _export(hostile, "markdown")
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    html_tokens = [t for t in tokens if t.type == "html_block"]
    for token in tokens:
        html_tokens += [c for c in token.children or [] if c.type == "html_inline"]
    assert {t.content for t in html_tokens} <= {"<br>"}
    links = [c for t in tokens for c in t.children or [] if c.type == "link_open"]
    assert all(re.match(r"^https?://", link.attrGet("href") or "") for link in links)
    rendered = MarkdownIt("commonmark").enable("table").render(text)
    assert "<script" not in rendered and "<img" not in rendered


def test_markdown_shows_no_emoji_or_mention_from_the_data(hostile: Store) -> None:
    _, text = _export(hostile, "markdown")
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    shown = "".join(
        child.content for t in tokens for child in t.children or [] if child.type == "text"
    )
    # GitHub would turn these into an emoji and a notification
    assert not re.search(r":[\w+-]+:", shown)
    assert not re.search(r"(?<!\w)@[A-Za-z0-9]", shown)
    assert ":fire:" in shown.replace(WORD_JOINER, "")


def _markdown_plain(children: list) -> str:
    parts = []
    for child in children:
        if child.type == "text":
            parts.append(child.content)
        elif child.type == "html_inline":
            parts.append("\n")
        else:
            raise AssertionError(f"unexpected markup in a table cell: {child.type}")
    return "".join(parts).replace(WORD_JOINER, "")


def _as_markdown_shows(text: str) -> str:
    lines = re.split(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]", text.strip())
    return "\n".join(lines)


# --- CSV ---------------------------------------------------------------------------------


@pytest.mark.parametrize("columns", ["default", "acled"])
def test_csv_reads_back_one_row_per_entry_with_no_formula(hostile: Store, columns: str) -> None:
    incidents, text = _export(hostile, "csv", columns=columns)
    assert text.endswith("\r\n")  # RFC 4180 record ends
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, *body = rows
    assert tuple(header) == (DEFAULT_COLUMNS if columns == "default" else ACLED_COLUMNS)
    assert len(body) == len(incidents)
    for row in body:
        assert len(row) == len(header)
        for name, cell in zip(header, row, strict=True):
            if name in ("lat", "lon", "latitude", "longitude"):
                continue  # numbers: a negative longitude stays a number
            assert not cell.startswith(OWASP_FORMULA_PREFIXES), (name, cell)
    first = header[0]  # id / event_id_cnty: the entries come back in order
    assert [row[header.index(first)] for row in body] == [i.id for i in incidents]
    if columns == "default":
        for incident, row in zip(incidents, body, strict=True):
            assert row[header.index("title")] in (incident.title, "'" + incident.title)


def test_csv_raw_keeps_the_data_exactly(hostile: Store) -> None:
    incidents, text = _export(hostile, "csv", raw=True)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [row["title"] for row in rows] == [incident.title for incident in incidents]
    assert [row["summary"] for row in rows] == [incident.summary or "" for incident in incidents]


def test_csv_negative_coordinates_are_not_neutralised(hostile: Store) -> None:
    incidents, text = _export(hostile, "csv")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    for incident, row in zip(incidents, rows, strict=True):
        if incident.location.lon is not None:
            assert float(row["lon"]) == incident.location.lon


# --- JSON, JSON Lines --------------------------------------------------------------------


def test_json_and_jsonl_give_back_every_string(hostile: Store) -> None:
    incidents, text = _export(hostile, "json")
    records = json.loads(text)
    _, lines = _export(hostile, "jsonl")
    assert [json.loads(line) for line in lines.splitlines()] == records
    assert [r["title"] for r in records] == [i.title for i in incidents]
    assert [r["summary"] for r in records] == [i.summary for i in incidents]
    assert [r["date"] for r in records] == [str(i.date) for i in incidents]
    for record, incident in zip(records, incidents, strict=True):
        assert [s["url"] for s in record["sources"]] == [s.url for s in incident.sources]


# --- TimelineJS --------------------------------------------------------------------------


def test_timelinejs_text_is_escaped_html_and_ids_are_unique(hostile: Store) -> None:
    _, text = _export(hostile, "timelinejs")
    document = json.loads(text)
    slides = [document["title"], *document["events"], *document.get("eras", [])]
    for slide in slides:
        for field in ("headline", "text"):
            collector = _Collector()
            collector.feed(slide["text"][field])
            assert set(collector.tags) <= {"p", "br", "ol", "li", "a"}, collector.tags
    ids = [event["unique_id"] for event in document["events"]]
    assert len(ids) == len(set(ids))
    for event in document["events"]:
        assert 1 <= event["start_date"].get("month", 1) <= 12


# --- GeoJSON -----------------------------------------------------------------------------


def test_geojson_is_a_feature_collection_of_points_with_flat_properties(hostile: Store) -> None:
    incidents, text = _export(hostile, "geojson")
    collection = json.loads(text)
    assert collection["type"] == "FeatureCollection"
    located = [i for i in incidents if i.location.has_coordinates]
    assert len(collection["features"]) == len(located)
    for feature, incident in zip(collection["features"], located, strict=True):
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert (lon, lat) == (incident.location.lon, incident.location.lat)
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        for value in feature["properties"].values():
            assert value is None or isinstance(value, (str, int, float)), value
        assert feature["properties"]["title"] == incident.title


# --- HTML --------------------------------------------------------------------------------


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(tag, name, value) for name, value in attrs]
        if tag not in ("meta", "br", "link", "img", "input"):
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open[-1:]}"
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_is_well_formed_with_no_script_and_every_string_as_text(hostile: Store) -> None:
    incidents, text = _export(hostile, "html")
    parser = _Collector()
    parser.feed(text)
    parser.close()
    assert parser.open == []
    assert "script" not in parser.tags and "img" not in parser.tags
    content = "".join(parser.text)
    for incident in incidents:
        assert incident.title in content
        for line in (incident.summary or "").splitlines():
            assert line in content
    assert HOSTILE_TITLE.splitlines()[0] in content


def test_html_needs_nothing_from_the_network(hostile: Store) -> None:
    _, text = _export(hostile, "html")
    parser = _Collector()
    parser.feed(text)
    ids = {value for _, name, value in parser.attributes if name == "id"}
    for tag, name, value in parser.attributes:
        if tag in ("link", "script", "style", "img", "iframe", "image", "use") and name in (
            "src",
            "href",
        ):
            raise AssertionError(f"external resource {tag} {name}={value}")
        if tag == "a" and name == "href":
            # a source's address, or an entry of the page itself
            assert re.match(r"^https?://", value or "") or (value or "")[1:] in ids, value
    outside_links = [
        (tag, name, value)
        for tag, name, value in parser.attributes
        if tag == "a" and name == "href" and re.match(r"^https?://", value or "")
    ]
    rels = [value for tag, name, value in parser.attributes if tag == "a" and name == "rel"]
    assert rels == ["noopener noreferrer"] * len(outside_links)
    assert "@import" not in text and "url(" not in text
    policies = [
        value
        for tag, name, value in parser.attributes
        if tag == "meta" and name == "content" and "default-src" in (value or "")
    ]
    assert policies and policies[0].startswith("default-src 'none'")


def test_every_format_survives_the_hostile_stores(hostile: Store) -> None:
    for name in EXPORTERS:
        _, text = _export(hostile, name)
        assert text
