"""GeoJSON (RFC 7946): a FeatureCollection of the entries that have coordinates.

Positions are `[lon, lat]` (WGS 84, no `crs` member). Properties are flat (strings, numbers
and nulls) so that QGIS and web maps can show and filter them without unpacking.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sahel_timeline.export import ExportContext
from sahel_timeline.export.common import source_text
from sahel_timeline.model import Figure, Incident
from sahel_timeline.registry import GroupRegistry
from sahel_timeline.reports.labels import date_label, figure_label, group_label, perpetrators_label

LIST_SEPARATOR = "; "


def export_geojson(
    incidents: Sequence[Incident], registry: GroupRegistry, context: ExportContext
) -> str:
    features = [
        _feature(incident, registry) for incident in incidents if incident.location.has_coordinates
    ]
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, indent=2) + "\n"


def left_out_notice(incidents: Sequence[Incident]) -> str | None:
    """What the export left out for lack of coordinates, for stderr; None when nothing."""
    missing = sum(1 for incident in incidents if not incident.location.has_coordinates)
    if not missing:
        return None
    entries = "entry" if missing == 1 else "entries"
    return f"{missing} {entries} without coordinates left out of the GeoJSON"


def _feature(incident: Incident, registry: GroupRegistry) -> dict[str, Any]:
    location = incident.location
    assert location.lat is not None and location.lon is not None
    urls = [source.url for source in incident.sources if source.url]
    properties: dict[str, Any] = {
        "id": incident.id,
        "kind": incident.kind,
        "title": incident.title,
        "date": str(incident.date),
        "end_date": str(incident.end_date) if incident.end_date else None,
        "date_label": date_label(incident),
        "precision": incident.date.precision,
        "start": incident.start.isoformat(),
        "end": incident.end.isoformat(),
        "year": incident.date.year,
        "country": location.country,
        "admin1": location.admin1,
        "place": location.place,
        "site": location.site,
        "location_precision": location.precision,
        "perpetrators": perpetrators_label(incident, registry),
        "groups": LIST_SEPARATOR.join(
            group_label(p.group, registry) for p in incident.perpetrators
        ),
        "statuses": LIST_SEPARATOR.join(p.status for p in incident.perpetrators),
        "tactics": LIST_SEPARATOR.join(incident.tactics),
        "targets": LIST_SEPARATOR.join(incident.targets),
        **_figure("killed", incident.killed),
        **_figure("attackers_killed", incident.attackers_killed),
        **_figure("wounded", incident.wounded),
        "summary": incident.summary,
        "sources": LIST_SEPARATOR.join(source_text(source) for source in incident.sources),
        "url": urls[0] if urls else None,
    }
    return {
        "type": "Feature",
        "id": incident.id,
        "geometry": {"type": "Point", "coordinates": [location.lon, location.lat]},
        "properties": properties,
    }


def _figure(name: str, figure: Figure | None) -> dict[str, Any]:
    return {
        f"{name}_low": figure.low if figure else None,
        f"{name}_high": figure.high if figure else None,
        f"{name}_label": figure_label(figure),
    }
