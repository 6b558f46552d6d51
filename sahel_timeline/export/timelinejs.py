"""Knight Lab TimelineJS: JSON, or the rows of its Google Sheets template.

A title slide, then one slide per entry, milestones included (a milestone that spans time
is a slide and also a background era). TimelineJS sizes its axis to every date it is
given, so a span that runs past the last entry's start (Barkhane, 2014-2022, in a brief
that ends in 2018) keeps only its start date: its `display_date` and text still give the
whole span, and its era stops at the axis' end.

TimelineJS renders headlines, texts, display dates and groups as HTML, so every value is
escaped before it goes in. Dates carry only the parts their precision allows (no month for
a year), months are 1-12; `unique_id` is the entry's id (already a valid slug).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Sequence
from typing import Any

from sahel_timeline.export import ExportContext
from sahel_timeline.export.attribution import acled_attribution
from sahel_timeline.export.common import (
    counts_text,
    day_text,
    filters_text,
    source_item_html,
)
from sahel_timeline.export.escaping import FORMULA_STARTS, escape_html, escape_html_lines
from sahel_timeline.model import FuzzyDate, Incident
from sahel_timeline.registry import GroupRegistry
from sahel_timeline.reports.labels import date_label, figure_label, group_label, perpetrators_label

MILESTONES_GROUP = "Milestones"
NO_COUNTRY_GROUP = "Unknown country"
UNATTRIBUTED_GROUP = "Unattributed"


# The columns of TimelineJS's Google Sheets template (src/template/my-own-timeline.csv in
# NUKnightLab/TimelineJS3), in its order.
SHEET_COLUMNS: tuple[str, ...] = (
    "Year", "Month", "Day", "Time", "End Year", "End Month", "End Day", "End Time",
    "Display Date", "Headline", "Text", "Media", "Media Credit", "Media Caption",
    "Media Thumbnail", "Type", "Group", "Background",
)  # fmt: skip


def export_timelinejs(
    incidents: Sequence[Incident], registry: GroupRegistry, context: ExportContext
) -> str:
    axis_end = _axis_end(incidents)
    document: dict[str, Any] = {
        "title": _title_slide(incidents, context),
        "events": [_event(incident, registry, context, axis_end) for incident in incidents],
    }
    eras = [era for incident in incidents if (era := _era(incident, axis_end)) is not None]
    if eras:
        document["eras"] = eras
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def export_timelinejs_sheet(
    incidents: Sequence[Incident], registry: GroupRegistry, context: ExportContext
) -> str:
    """The same slides as rows of TimelineJS's Google Sheets template, as CSV.

    The first row is the title slide (`Type` title), then one row per entry, then the eras
    (`Type` era). Cells hold the same escaped HTML as the JSON; a cell that a spreadsheet
    would run as a formula starts with a character reference instead (`&#61;` for `=`),
    which TimelineJS shows as the character itself.
    """
    axis_end = _axis_end(incidents)
    title = _title_slide(incidents, context)
    rows: list[dict[str, str]] = [
        {"Headline": title["text"]["headline"], "Text": title["text"]["text"], "Type": "title"}
    ]
    rows += [_sheet_row(_event(incident, registry, context, axis_end)) for incident in incidents]
    rows += [
        {**_sheet_row(era), "Type": "era"}
        for incident in incidents
        if (era := _era(incident, axis_end)) is not None
    ]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(SHEET_COLUMNS)
    for row in rows:
        writer.writerow([_sheet_cell(row.get(column, "")) for column in SHEET_COLUMNS])
    return buffer.getvalue()


def timelinejs_date(date: FuzzyDate) -> dict[str, Any]:
    """`{"year": 2018, "month": 6}`: only the parts the date's precision allows."""
    parts: dict[str, Any] = {"year": date.year}
    if date.month is not None:
        parts["month"] = date.month
    if date.day is not None:
        parts["day"] = date.day
    return parts


def _title_slide(incidents: Sequence[Incident], context: ExportContext) -> dict[str, Any]:
    lines = [
        f"Filters: {filters_text(context)}",
        f"Now (relative dates read against): {day_text(context.now)}",
        f"Generated: {day_text(context.generated_on)}",
        counts_text(incidents),
    ]
    attribution = acled_attribution(incidents)
    if attribution:
        lines.append(attribution)
    text = "".join(f"<p>{escape_html(line)}</p>" for line in lines)
    return {"text": {"headline": escape_html(context.title), "text": text}}


def _axis_end(incidents: Sequence[Incident]) -> dt.date | None:
    """The latest start date of the entries: spans ending later would stretch the axis."""
    return max((incident.start for incident in incidents), default=None)


def _keeps_end(incident: Incident, axis_end: dt.date | None) -> bool:
    return incident.end_date is not None and axis_end is not None and incident.end <= axis_end


def _event(
    incident: Incident,
    registry: GroupRegistry,
    context: ExportContext,
    axis_end: dt.date | None,
) -> dict[str, Any]:
    slide: dict[str, Any] = {
        "start_date": timelinejs_date(incident.date),
        "display_date": escape_html(date_label(incident)),
        "text": {"headline": escape_html(incident.title), "text": _body(incident, registry)},
        "group": escape_html(_group(incident, registry, context.options.timeline_group)),
        "unique_id": incident.id,
    }
    if incident.end_date is not None and _keeps_end(incident, axis_end):
        slide["end_date"] = timelinejs_date(incident.end_date)
    return slide


def _era(incident: Incident, axis_end: dt.date | None) -> dict[str, Any] | None:
    """A milestone span as a background band, cut at the axis' end; None for anything else."""
    if not incident.is_milestone or incident.end_date is None or axis_end is None:
        return None
    if _keeps_end(incident, axis_end):
        end = timelinejs_date(incident.end_date)
    elif axis_end > incident.start:
        end = {"year": axis_end.year, "month": axis_end.month, "day": axis_end.day}
    else:
        return None
    return {
        "start_date": timelinejs_date(incident.date),
        "end_date": end,
        "text": {"headline": escape_html(incident.title), "text": ""},
    }


def _sheet_row(slide: dict[str, Any]) -> dict[str, str]:
    start, end = slide["start_date"], slide.get("end_date", {})
    return {
        "Year": str(start["year"]),
        "Month": str(start.get("month", "")),
        "Day": str(start.get("day", "")),
        "End Year": str(end.get("year", "")),
        "End Month": str(end.get("month", "")),
        "End Day": str(end.get("day", "")),
        "Display Date": slide.get("display_date", ""),
        "Headline": slide["text"]["headline"],
        "Text": slide["text"]["text"],
        "Group": slide.get("group", ""),
    }


def _sheet_cell(html_text: str) -> str:
    """An HTML cell no spreadsheet runs as a formula: a leading `=` becomes `&#61;`..."""
    if html_text.startswith(FORMULA_STARTS):
        return f"&#{ord(html_text[0])};{html_text[1:]}"
    return html_text


def _group(incident: Incident, registry: GroupRegistry, by: str) -> str:
    if incident.is_milestone:
        return MILESTONES_GROUP
    if by == "group":
        if not incident.perpetrators:
            return UNATTRIBUTED_GROUP
        return group_label(incident.perpetrators[0].group, registry)
    return incident.location.country or NO_COUNTRY_GROUP


def _body(incident: Incident, registry: GroupRegistry) -> str:
    parts: list[str] = []
    facts = [incident.location.place or "", incident.location.country or ""]
    where = ", ".join(fact for fact in facts if fact)
    if where:
        parts.append(f"<p>{escape_html(where)}</p>")
    if not incident.is_milestone:
        line = (
            f"Perpetrators: {perpetrators_label(incident, registry)}. "
            f"Killed: {figure_label(incident.killed)}; "
            f"attackers killed: {figure_label(incident.attackers_killed)}; "
            f"wounded: {figure_label(incident.wounded)}."
        )
        parts.append(f"<p>{escape_html(line)}</p>")
    if incident.summary:
        parts.append(f"<p>{escape_html_lines(incident.summary)}</p>")
    if incident.notes:
        parts.append(f"<p>Notes: {escape_html_lines(incident.notes)}</p>")
    if incident.sources:
        items = "".join(source_item_html(source, new_tab=True) for source in incident.sources)
        parts.append(f"<ol>{items}</ol>")
    return "".join(parts)
