"""The HTML brief as a reader meets it: overview first, a map that agrees with the GeoJSON,
the tempo of `stats --by month`, a table linking to every entry, details folded, credits.

The page is parsed into a small element tree; expectations are computed from the store
through the core (query, stats, labels), never written out by hand.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sahel_timeline.cli.app import app
from sahel_timeline.engine.database import sort_incidents
from sahel_timeline.reports.labels import attribution_label, date_label, figure_label
from sahel_timeline.reports.stats import compute_stats
from sahel_timeline.store.load import Store, load_store

REPOSITORY = Path(__file__).resolve().parent.parent
FIXTURE = REPOSITORY / "tests" / "data" / "export" / "store.yaml"
CURATED = REPOSITORY / "incidents.yaml"
VOID = {"meta", "br", "link", "img", "input", "hr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    content: list[Element | str] = field(default_factory=list)  # in document order

    @property
    def children(self) -> list[Element]:
        return [item for item in self.content if isinstance(item, Element)]

    @property
    def text(self) -> str:
        return "".join(item if isinstance(item, str) else item.text for item in self.content)

    def iter(self, tag: str | None = None, cls: str | None = None) -> list[Element]:
        found = []
        for child in self.children:
            classes = child.attrs.get("class", "").split()
            if (tag is None or child.tag == tag) and (cls is None or cls in classes):
                found.append(child)
            found += child.iter(tag, cls)
        return found

    def by_id(self, ident: str) -> Element:
        (element,) = [e for e in self.iter() if e.attrs.get("id") == ident]
        return element


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].content.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].content.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].content.append(data)


def parse(text: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    assert builder.stack == [builder.root], "unclosed elements"
    return builder.root


def export(env: dict[str, str | None], store: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["export", "--store", str(store), *args], env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


def load(path: Path) -> Store:
    store = load_store([path], dt.date(2020, 1, 1))
    assert not store.errors
    return store


@pytest.fixture
def env(cli_env: dict[str, str | None]) -> dict[str, str | None]:
    return {**cli_env, "SAHEL_TIMELINE_NOW": "2020-01-01"}


@pytest.fixture(params=[FIXTURE, CURATED], ids=["fixture", "curated"])
def store_path(request: pytest.FixtureRequest) -> Path:
    path: Path = request.param
    return path


def test_the_overview_comes_before_every_detail(env: dict[str, str | None]) -> None:
    page = parse(export(env, CURATED, "--format", "html"))
    ids = [element.attrs["id"] for element in page.iter() if "id" in element.attrs]
    order = ["overview", "map", "deadliest", "tempo", "entries", "incidents", "context"]
    positions = [ids.index(name) for name in order]
    assert positions == sorted(positions)
    first_entry = min(ids.index(i.id) for i in load(CURATED).incidents)
    assert ids.index("entries") < first_entry


def test_key_figures_sum_lows_and_highs_and_count_unknowns_apart(
    env: dict[str, str | None], store_path: Path
) -> None:
    page = parse(export(env, store_path, "--format", "html"))
    attacks = [i for i in load(store_path).incidents if not i.is_milestone]
    total = compute_stats(attacks).total
    figures = [" ".join(box.text.split()) for box in page.iter("div", "figure")]
    assert figures[0].startswith(f"{total.incidents} incidents")
    assert figures[1].startswith(f"{figure_label(total.killed)} killed")
    assert ("unknown" in figures[1]) == bool(total.killed_unknown)
    if total.killed_unknown:
        assert f"+{total.killed_unknown} unknown" in figures[1]
    assert figures[2].startswith(f"{figure_label(total.wounded)} wounded")
    shares = page.by_id("attribution").text
    for status in ("claimed", "attributed", "suspected"):
        count = sum(1 for i in attacks if i.perpetrators and _most_certain(i) == status)
        assert f"{status}: {count} ({round(100 * count / len(attacks))}%)" in shares


def _most_certain(incident: object) -> str:
    statuses = {p.status for p in incident.perpetrators}  # type: ignore[attr-defined]
    return next(s for s in ("claimed", "attributed", "suspected") if s in statuses)


def test_deadliest_incidents_are_ranked_by_killed_and_unknown_tolls_left_out(
    env: dict[str, str | None], store_path: Path
) -> None:
    page = parse(export(env, store_path, "--format", "html"))
    attacks = [i for i in load(store_path).incidents if not i.is_milestone]
    ranked = sorted(
        (i for i in attacks if i.killed is not None),
        key=lambda i: -i.killed.high,  # type: ignore[union-attr]
    )
    links = [a.attrs["href"] for a in page.by_id("deadliest").iter("a")]
    assert links == [f"#{i.id}" for i in ranked[:5]]


def test_the_map_shows_the_incidents_of_the_geojson_export_at_their_precision(
    env: dict[str, str | None], store_path: Path
) -> None:
    page = parse(export(env, store_path, "--format", "html"))
    geojson = json.loads(export(env, store_path, "--format", "geojson", "--kind", "incident"))
    points = {g.attrs["data-id"]: g for g in page.by_id("map").iter("g", "point")}
    assert set(points) == {feature["id"] for feature in geojson["features"]}
    for feature in geojson["features"]:
        point = points[feature["id"]]
        lon, lat = feature["geometry"]["coordinates"]
        assert (float(point.attrs["data-lon"]), float(point.attrs["data-lat"])) == (lon, lat)
        precision = feature["properties"]["location_precision"] or "none"
        assert point.attrs["data-precision"] == precision
        circles = [" ".join(c.attrs.get("class", "").split()) for c in point.iter("circle")]
        if precision in ("site", "settlement"):
            assert circles == [""]  # one solid dot
        elif precision == "area":
            assert circles == ["halo", ""]  # a dot in a dashed halo
        else:
            assert circles == ["vague"]  # no dot at all: a faint disc


def test_a_region_is_drawn_unlike_a_settlement(env: dict[str, str | None], tmp_path: Path) -> None:
    store = tmp_path / "two.yaml"
    store.write_text(
        "schema_version: 1\nincidents:\n"
        + "".join(
            f"  - id: 2018-01-0{n}-{precision}\n    title: {precision}\n    date: '2018-01-0{n}'\n"
            f"    location: {{country: Mali, place: Gao, lat: 16.27, lon: -0.04,"
            f" precision: {precision}}}\n    killed: 4\n    sources: [{{title: A report}}]\n"
            for n, precision in ((1, "settlement"), (2, "region"))
        ),
        encoding="utf-8",
    )
    page = parse(export(env, store, "--format", "html"))
    points = {g.attrs["data-precision"]: g for g in page.by_id("map").iter("g", "point")}
    settlement, region = points["settlement"].iter("circle"), points["region"].iter("circle")
    assert float(region[0].attrs["r"]) > 2 * float(settlement[0].attrs["r"])
    assert region[0].attrs["class"] == "vague" and "class" not in settlement[0].attrs


def test_the_tempo_is_stats_by_month_with_the_empty_months_and_the_milestones(
    env: dict[str, str | None],
) -> None:
    page = parse(export(env, CURATED, "--format", "html"))
    entries = load(CURATED).incidents
    months = page.by_id("tempo").iter("g", "month")
    stats = {b.label: b for b in compute_stats(entries, by="month").buckets}
    shown = [dt.date.fromisoformat(m.attrs["data-month"] + "-01") for m in months]
    # one bar per calendar month, with no gap, from the first incident's to the last's
    assert all(
        (b.year * 12 + b.month) - (a.year * 12 + a.month) == 1 for a, b in itertools.pairwise(shown)
    )
    assert sum(int(m.attrs["data-incidents"]) for m in months) == sum(
        b.incidents for b in stats.values()
    )
    for month, element in zip(shown, months, strict=True):
        bucket = stats.get(month.strftime("%b %Y"))
        expected = (
            (bucket.incidents, bucket.killed_low, bucket.killed_high) if bucket else (0, 0, 0)
        )
        got = tuple(int(element.attrs[k]) for k in ("data-incidents", "data-killed-low",
                                                     "data-killed-high"))  # fmt: skip
        assert got == expected
    assert any(int(m.attrs["data-incidents"]) == 0 for m in months)
    marked = {g.attrs["data-id"] for g in page.by_id("tempo").iter("g", "milestone")}
    last_day = shown[-1].replace(day=calendar.monthrange(shown[-1].year, shown[-1].month)[1])
    inside = {e.id for e in entries if e.is_milestone and shown[0] <= e.start <= last_day}
    assert marked == inside and marked


def test_the_entries_table_links_every_entry_to_its_detail(
    env: dict[str, str | None], store_path: Path
) -> None:
    page = parse(export(env, store_path, "--format", "html"))
    rows = page.by_id("entries").iter("tr")[1:]
    entries = sort_incidents(load(store_path).incidents)
    assert len(rows) == len(entries)
    for row, entry in zip(rows, entries, strict=True):
        (link,) = row.iter("a")
        assert link.attrs["href"] == f"#{entry.id}"
        assert entry.title in link.text
        assert row.iter("td")[0].text == date_label(entry)
        page.by_id(entry.id)  # the detail exists


def test_details_show_the_summary_and_fold_notes_and_sources_with_claim_dates(
    env: dict[str, str | None], store_path: Path
) -> None:
    page = parse(export(env, store_path, "--format", "html"))
    store = load(store_path)
    for entry in store.incidents:
        detail = page.by_id(entry.id)
        if entry.summary:
            (summary,) = detail.iter("p", "summary")
            assert summary.text == entry.summary
        folded = detail.iter("details")
        assert len(folded) == (1 if entry.notes or entry.sources else 0)
        if entry.sources:
            assert len(folded[0].iter("li")) == len(entry.sources)
        if entry.notes:
            assert folded[0].iter("p", "notes")[0].text == entry.notes
        for perpetrator in entry.perpetrators:
            assert attribution_label(perpetrator, store.registry) in detail.text


def test_milestones_are_a_context_section_not_boxes_before_the_incidents(
    env: dict[str, str | None],
) -> None:
    page = parse(export(env, CURATED, "--format", "html"))
    milestones = [i for i in load(CURATED).incidents if i.is_milestone]
    context = page.by_id("context")
    assert {li.attrs["id"] for li in context.iter("li", "entry")} == {m.id for m in milestones}
    assert not page.by_id("incidents").iter(cls="milestone")


def test_credits_name_the_map_source(env: dict[str, str | None]) -> None:
    page = parse(export(env, FIXTURE, "--format", "html"))
    assert "Natural Earth" in page.by_id("credits").text


def test_an_empty_brief_says_so(env: dict[str, str | None]) -> None:
    page = parse(export(env, FIXTURE, "--format", "html", "--text", "no such words"))
    assert "No entry matches these filters." in page.text
    assert not page.iter("svg")


def test_outlines_stay_small_and_name_their_source() -> None:
    outlines = REPOSITORY / "sahel_timeline" / "export" / "sahel_outlines.json"
    assert outlines.stat().st_size < 60_000
    data = json.loads(outlines.read_text(encoding="utf-8"))
    assert "Natural Earth" in data["source"]
    names = {country["name"] for country in data["countries"]}
    assert {"Mali", "Burkina Faso", "Niger", "Mauritania", "Chad"} <= names
    # every incident of the curated store lies inside the map's extent
    west, south, east, north = data["extent"]
    for incident in load(CURATED).incidents:
        if incident.location.has_coordinates and not incident.is_milestone:
            assert west <= incident.location.lon <= east  # type: ignore[operator]
            assert south <= incident.location.lat <= north  # type: ignore[operator]


def test_no_string_of_the_page_asks_for_the_network(env: dict[str, str | None]) -> None:
    text = export(env, CURATED, "--format", "html")
    page = parse(text)
    loads = [
        (e.tag, name, value)
        for e in page.iter()
        for name, value in e.attrs.items()
        if name in ("src", "href", "srcset", "xlink:href", "poster", "data")
        and not (e.tag == "a" and name == "href")
    ]
    assert loads == []
    assert not re.search(r"url\(|@import|<script|<iframe|<object|<embed", text)


def test_the_tempo_reads_the_numbers_that_stats_by_month_prints(
    env: dict[str, str | None], store_path: Path
) -> None:
    page = parse(export(env, store_path, "--format", "html"))
    chart = {
        dt.date.fromisoformat(m.attrs["data-month"] + "-01").strftime("%b %Y"): m
        for m in page.by_id("tempo").iter("g", "month")
    }
    result = CliRunner().invoke(
        app, ["stats", "--by", "month", "--store", str(store_path)], env={**env, "COLUMNS": "120"}
    )
    assert result.exit_code == 0, result.output
    printed = re.findall(r"^([A-Z][a-z]{2} \d{4})\s+(\d+)\s+(\S+)", result.stdout, re.M)
    assert printed
    for label, incidents, killed in printed:
        month = chart[label]
        assert month.attrs["data-incidents"] == incidents
        low, high = month.attrs["data-killed-low"], month.attrs["data-killed-high"]
        if int(month.attrs["data-killed-unknown"]) < int(incidents):
            assert killed == (low if low == high else f"{low}-{high}")
    listed = {label for label, _, _ in printed}
    assert all(
        m.attrs["data-incidents"] == "0" for label, m in chart.items() if label not in listed
    )


def test_the_tempo_spans_the_period_the_filters_ask_for(env: dict[str, str | None]) -> None:
    page = parse(export(env, CURATED, "--format", "html", "--since", "2017-06", "--until", "2018"))
    months = page.by_id("tempo").iter("g", "month")
    assert (months[0].attrs["data-month"], months[-1].attrs["data-month"]) == (
        "2017-06",
        "2018-12",
    )
    assert months[0].attrs["data-incidents"] == months[-1].attrs["data-incidents"] == "0"
