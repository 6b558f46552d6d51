"""Curated incidents and the ACLED events that record the same attack (`sahel-timeline link`).

An ACLED event links to a curated incident when their dates come within `days` of each
other (ACLED's week and month precisions widen its side), they are in the same country, and
their places are within `km` kilometres (or, without coordinates, have the same name).
Actors are compared but do not decide: ACLED often names an unidentified armed group where a
curated entry names the group that claimed the attack. ACLED often records one attack as two
events (the assault and the violence against civilians): both link.

Pure: the command line renders `IncidentLinks` as text or JSON.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sahel_timeline.importers.acled.entries import EXTENSION_KEY
from sahel_timeline.model import Incident, add_figures
from sahel_timeline.registry import GroupRegistry
from sahel_timeline.reports.labels import date_label, group_label
from sahel_timeline.store.load import IMPORTED_ID_PREFIX

DEFAULT_DAYS = 1  # a night attack is dated a day apart by different sources
DEFAULT_KM = 25.0
EARTH_RADIUS_KM = 6371.0
LONGEST_ACLED_SPAN_DAYS = 31  # a month-precision event starts this far before it may end


@dataclass(frozen=True)
class Link:
    """One ACLED event matching a curated incident, and how the two records compare."""

    event: Incident
    place: str  # "3 km apart", "same place name"
    actors: str  # "same group", "same family (al-Qaeda)", "different groups", ...
    differences: tuple[str, ...]  # where figures and dates differ


@dataclass
class IncidentLinks:
    incident: Incident
    links: list[Link] = field(default_factory=list)


def is_imported(incident: Incident) -> bool:
    return incident.id.startswith(IMPORTED_ID_PREFIX)


def distance_km(a: Incident, b: Incident) -> float | None:
    """Great-circle distance between two entries' coordinates, None when one has none."""
    first, second = a.location, b.location
    if first.lat is None or first.lon is None or second.lat is None or second.lon is None:
        return None
    lat1, lat2 = math.radians(first.lat), math.radians(second.lat)
    dlat, dlon = lat2 - lat1, math.radians(second.lon - first.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _span(incident: Incident) -> tuple[dt.date, dt.date]:
    margin = dt.timedelta(days=incident.date_margin_days or 0)
    return incident.start - margin, incident.end + margin


def _lineage(reference: str, registry: GroupRegistry) -> list[str]:
    """A group and the groups above it (merged into, affiliated to), nearest first."""
    group = registry.resolve(reference)
    chain: list[str] = []
    while group is not None and group.id not in chain:
        chain.append(group.id)
        parent = group.merged_into or group.affiliation
        group = registry.resolve(parent) if parent else None
    return chain


def compare_actors(curated: Incident, event: Incident, registry: GroupRegistry) -> str:
    ours = [_lineage(p.group, registry) for p in curated.perpetrators]
    theirs = [_lineage(p.group, registry) for p in event.perpetrators]
    if not theirs:
        return "ACLED names no perpetrator"
    if not ours:
        return "the curated entry names no perpetrator"
    if {chain[0] for chain in ours if chain} & {chain[0] for chain in theirs if chain}:
        return "same group"
    shared = [g for chain in ours for g in chain if any(g in other for other in theirs)]
    if shared:
        return f"same family ({group_label(shared[0], registry)})"
    return "different groups"


def _place(curated: Incident, event: Incident, km: float) -> str | None:
    if curated.location.country_code != event.location.country_code:
        return None
    distance = distance_km(curated, event)
    if distance is not None:
        return f"{distance:.0f} km apart" if distance <= km else None
    ours, theirs = curated.location.place, event.location.place
    if ours and theirs and ours.casefold() == theirs.casefold():
        return "same place name"
    return None


def _differences(curated: Incident, event: Incident) -> tuple[str, ...]:
    found = []
    if (curated.start, curated.end) != (event.start, event.end) or event.date_margin_days:
        found.append(f"date: {date_label(curated)} here, {date_label(event)} in ACLED")
    ours, theirs = curated.killed, event.killed
    if ours is not None and theirs is None:
        found.append(f"killed: {ours} here, ACLED reports 0 (none or no information)")
    elif ours is None and theirs is not None:
        found.append(f"killed: unknown here, {theirs} in ACLED")
    elif ours is not None and theirs is not None:
        # ACLED's fatalities count everyone killed, attackers included.
        attackers = curated.attackers_killed
        total = add_figures([ours, attackers] if attackers else [ours])
        assert total is not None
        if not total.low <= theirs.low <= (total.high if total.high is not None else theirs.low):
            what = "attackers included" if attackers else "victims"
            found.append(f"killed: {total} here ({what}), {theirs} in ACLED (everyone killed)")
    return tuple(found)


def link_incidents(
    incidents: Iterable[Incident],
    registry: GroupRegistry,
    *,
    days: int = DEFAULT_DAYS,
    km: float = DEFAULT_KM,
) -> list[IncidentLinks]:
    """Each curated incident (not milestones) with the ACLED events that match it."""
    curated: list[Incident] = []
    by_day: dict[dt.date, list[Incident]] = {}
    for incident in incidents:
        if incident.is_milestone:
            continue
        if is_imported(incident):
            by_day.setdefault(_span(incident)[0], []).append(incident)
        else:
            curated.append(incident)
    window = dt.timedelta(days=days)
    results = []
    for incident in curated:
        start, end = incident.start - window, incident.end + window
        found = IncidentLinks(incident)
        day = start - dt.timedelta(days=LONGEST_ACLED_SPAN_DAYS + 7)
        while day <= end:
            for event in by_day.get(day, ()):
                event_start, event_end = _span(event)
                if event_end < start or event_start > end:
                    continue
                place = _place(incident, event, km)
                if place is None:
                    continue
                found.links.append(
                    Link(event, place, compare_actors(incident, event, registry),
                         _differences(incident, event))
                )  # fmt: skip
            day += dt.timedelta(days=1)
        results.append(found)
    return results


def links_as_data(results: Sequence[IncidentLinks]) -> list[dict[str, Any]]:
    """The links as JSON-ready data (`link --format json`)."""
    return [
        {
            "id": result.incident.id,
            "title": result.incident.title,
            "date": date_label(result.incident),
            "links": [
                {
                    "id": link.event.id,
                    "event_id_cnty": _event_id(link.event),
                    "title": link.event.title,
                    "date": date_label(link.event),
                    "place": link.place,
                    "actors": link.actors,
                    "differences": list(link.differences),
                }
                for link in result.links
            ],
        }
        for result in results
    ]


def _event_id(event: Incident) -> str | None:
    extension = event.extensions.get(EXTENSION_KEY)
    value = extension.get("event_id_cnty") if isinstance(extension, dict) else None
    return str(value) if value is not None else None
