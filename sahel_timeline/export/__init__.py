"""Exporters: a query's result as a file a briefer can hand on, one module per format.

Every exporter is a function `(incidents, registry, context) -> str`: it receives the
incidents already filtered and sorted (the same `run_query` as the terminal views) and
returns the whole text; the caller writes it. `EXPORTERS` is the one table of formats; a
format's module is imported only when it is used, so other commands never pay for it.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from sahel_timeline.model import Incident
from sahel_timeline.registry import GroupRegistry

DEFAULT_TITLE = "Sahel incident timeline"

CsvColumns = Literal["default", "acled"]
TimelineGroup = Literal["country", "group"]
CSV_COLUMN_SETS: tuple[str, ...] = ("default", "acled")
TIMELINE_GROUPS: tuple[str, ...] = ("country", "group")


@dataclass(frozen=True)
class ExportOptions:
    """Options that only some formats read; the others ignore them."""

    columns: CsvColumns = "default"  # csv: our columns or ACLED's
    raw: bool = False  # csv: leave formula-like cells as they are
    bom: bool = False  # csv: start with a UTF-8 byte order mark, for Excel
    timeline_group: TimelineGroup = "country"  # timelinejs: one row per country or group


@dataclass(frozen=True)
class ExportContext:
    """What produced the export, written into the formats that have room for it.

    `now` is the date relative dates were read against; `generated_on` the day the export
    was made. Both are parameters so that a brief can be reproduced byte for byte.
    """

    title: str = DEFAULT_TITLE
    now: dt.date | None = None
    generated_on: dt.date | None = None
    filter_lines: tuple[str, ...] = ()  # from query.describe_filter; () means everything
    # The period the filters asked for (--since, --until), when they did: a brief's charts
    # span it, so the quiet months at its ends show too.
    since: dt.date | None = None
    until: dt.date | None = None
    order: str = "date"  # how the entries are sorted, e.g. "date" or "killed, reversed"
    options: ExportOptions = field(default_factory=ExportOptions)


Exporter = Callable[[Sequence[Incident], GroupRegistry, ExportContext], str]


@dataclass(frozen=True)
class ExportFormat:
    """A format in the table: where its exporter lives and what it produces."""

    name: str
    module: str  # inside sahel_timeline.export
    function: str
    suffix: str  # the usual file name ending
    description: str
    # An optional function (incidents) -> message for stderr, e.g. what was left out.
    notice: str | None = None

    def exporter(self) -> Exporter:
        module = importlib.import_module(f"{__name__}.{self.module}")
        return getattr(module, self.function)

    def __call__(
        self, incidents: Sequence[Incident], registry: GroupRegistry, context: ExportContext
    ) -> str:
        return self.exporter()(incidents, registry, context)

    def notice_for(self, incidents: Sequence[Incident]) -> str | None:
        if self.notice is None:
            return None
        module = importlib.import_module(f"{__name__}.{self.module}")
        return getattr(module, self.notice)(incidents)


EXPORTERS: dict[str, ExportFormat] = {
    spec.name: spec
    for spec in (
        ExportFormat(
            "markdown", "markdown", "export_markdown", ".md",
            "a brief in GitHub-flavoured Markdown: table and one section per entry",
        ),
        ExportFormat(
            "csv", "csv_export", "export_csv", ".csv",
            "one row per entry; --columns acled for ACLED's column names and order",
        ),
        ExportFormat(
            "json", "json_export", "export_json", ".json",
            "a list of entries with every field",
        ),
        ExportFormat(
            "jsonl", "json_export", "export_jsonl", ".jsonl",
            "one JSON entry per line",
        ),
        ExportFormat(
            "timelinejs", "timelinejs", "export_timelinejs", ".json",
            "Knight Lab TimelineJS JSON",
        ),
        ExportFormat(
            "timelinejs-sheet", "timelinejs", "export_timelinejs_sheet", ".csv",
            "TimelineJS's Google Sheets template, as CSV to import into a sheet",
        ),
        ExportFormat(
            "geojson", "geojson", "export_geojson", ".geojson",
            "RFC 7946 points of the entries that have coordinates",
            notice="left_out_notice",
        ),
        ExportFormat(
            "html", "html", "export_html", ".html",
            "a self-contained brief: overview, map, tempo chart, every entry; printable",
        ),
    )
}  # fmt: skip


def export(
    name: str, incidents: Sequence[Incident], registry: GroupRegistry, context: ExportContext
) -> str:
    """The text of `incidents` in the format `name`; KeyError for an unknown format."""
    return EXPORTERS[name](incidents, registry, context)
