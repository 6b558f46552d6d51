"""Knight Lab TimelineJS JSON: a title slide, one event per entry, milestones spans as eras.

TimelineJS renders `text.headline` and `text.text` as HTML, so every value is escaped
before it goes in. Dates carry only the parts their precision allows (no month for a
year), months are 1-12; `unique_id` is the entry's id (already a valid slug).
"""

from __future__ import annotations

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
from sahel_timeline.export.escaping import escape_html, escape_html_lines
from sahel_timeline.labels import date_label, figure_label, group_label, perpetrators_label
from sahel_timeline.model import FuzzyDate, Incident
from sahel_timeline.registry import GroupRegistry

MILESTONES_GROUP = "Milestones"
NO_COUNTRY_GROUP = "Unknown country"
UNATTRIBUTED_GROUP = "Unattributed"


def export_timelinejs(
    incidents: Sequence[Incident], registry: GroupRegistry, context: ExportContext
) -> str:
    events: list[dict[str, Any]] = []
    eras: list[dict[str, Any]] = []
    for incident in incidents:
        if incident.is_milestone and incident.end_date is not None:
            eras.append(_era(incident))
        else:
            events.append(_event(incident, registry, context))
    document: dict[str, Any] = {"title": _title_slide(incidents, context), "events": events}
    if eras:
        document["eras"] = eras
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


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


def _event(incident: Incident, registry: GroupRegistry, context: ExportContext) -> dict[str, Any]:
    slide: dict[str, Any] = {
        "start_date": timelinejs_date(incident.date),
        "display_date": escape_html(date_label(incident)),
        "text": {"headline": escape_html(incident.title), "text": _body(incident, registry)},
        "group": escape_html(_group(incident, registry, context.options.timeline_group)),
        "unique_id": incident.id,
    }
    if incident.end_date is not None:
        slide["end_date"] = timelinejs_date(incident.end_date)
    return slide


def _era(incident: Incident) -> dict[str, Any]:
    assert incident.end_date is not None
    return {
        "start_date": timelinejs_date(incident.date),
        "end_date": timelinejs_date(incident.end_date),
        "text": {
            "headline": escape_html(incident.title),
            "text": escape_html_lines(incident.summary or ""),
        },
    }


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
