"""JSON and JSON Lines: every field of every entry, for jq and scripts.

Dates are written as in the store (`2018`, `2018-06`, `2018-06-14`) with their precision;
figures are `{"low", "high", "best"}` or null when unknown (`high` null: "at least low");
perpetrators keep the reference as written plus the group it resolves to. Keys are always
present (null when empty).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sahel_timeline.export import ExportContext
from sahel_timeline.model import Figure, FuzzyDate, Incident
from sahel_timeline.registry import GroupRegistry


def export_json(
    incidents: Sequence[Incident], registry: GroupRegistry, context: ExportContext
) -> str:
    records = [incident_record(incident, registry) for incident in incidents]
    return json.dumps(records, ensure_ascii=False, indent=2, default=str) + "\n"


def export_jsonl(
    incidents: Sequence[Incident], registry: GroupRegistry, context: ExportContext
) -> str:
    return "".join(
        json.dumps(incident_record(incident, registry), ensure_ascii=False, default=str) + "\n"
        for incident in incidents
    )


def incident_record(incident: Incident, registry: GroupRegistry) -> dict[str, Any]:
    """An entry as plain JSON-ready data, with every field of the data model."""
    location = incident.location
    record: dict[str, Any] = {
        "id": incident.id,
        "kind": incident.kind,
        "title": incident.title,
        "date": _date(incident.date),
        "end_date": _date(incident.end_date),
        "precision": incident.date.precision,
        "time": incident.time,
        "location": {
            "country": location.country,
            "country_code": location.country_code,
            "admin1": location.admin1,
            "place": location.place,
            "site": location.site,
            "lat": location.lat,
            "lon": location.lon,
            "precision": location.precision,
        },
        "tactics": list(incident.tactics),
        "targets": list(incident.targets),
        "perpetrators": [_perpetrator(p, registry) for p in incident.perpetrators],
        "killed": _figure(incident.killed),
        "attackers_killed": _figure(incident.attackers_killed),
        "wounded": _figure(incident.wounded),
        "summary": incident.summary,
        "notes": incident.notes,
        "tags": list(incident.tags),
        "sources": [
            {
                "title": source.title,
                "author": source.author,
                "publisher": source.publisher,
                "published": _date(source.published),
                "url": source.url,
                "title_checked": source.title_checked,
            }
            for source in incident.sources
        ],
        "related": list(incident.related),
        "extensions": incident.extensions,
    }
    # Only when given, so that exports of stores without them stay as they were.
    if incident.date_margin_days is not None:
        record["date_margin_days"] = incident.date_margin_days
    if incident.target_groups:
        record["target_groups"] = [_group_reference(g, registry) for g in incident.target_groups]
    return record


def _group_reference(reference: str, registry: GroupRegistry) -> dict[str, Any]:
    group = registry.resolve(reference)
    return {
        "group": reference,
        "group_id": group.id if group is not None else None,
        "group_name": group.display_name if group is not None else None,
    }


def _perpetrator(perpetrator: Any, registry: GroupRegistry) -> dict[str, Any]:
    return {
        **_group_reference(perpetrator.group, registry),
        "status": perpetrator.status,
        "claimed_on": _date(perpetrator.claimed_on),
    }


def _date(value: FuzzyDate | None) -> str | None:
    return None if value is None else str(value)


def _figure(figure: Figure | None) -> dict[str, int | None] | None:
    if figure is None:
        return None
    return {"low": figure.low, "high": figure.high, "best": figure.best}
