"""CSV, one row per entry, in our columns or in ACLED's (`--columns acled`).

RFC 4180 through the csv module: CRLF line ends, fields quoted when needed, UTF-8 (with a
byte order mark for Excel when asked). Text cells that a spreadsheet would run as a formula
get a leading `'` unless `raw` is set; number and date cells are never touched. An unknown
figure is an empty cell, never 0; an open-ended one ("at least 15") has its low, an empty
high and its name in `open_ended`. The column lists are documented in docs/exports.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Sequence
from typing import Any

from sahel_timeline.export import ExportContext
from sahel_timeline.export.attribution import (
    ATTRIBUTION_COLUMN,
    acled_attribution,
    is_acled_entry,
)
from sahel_timeline.export.escaping import neutralise_formula
from sahel_timeline.importers.acled.entries import ACLED_PUBLISHER, acled_notes
from sahel_timeline.importers.acled.entries import EXTENSION_KEY as ACLED_EXTENSION
from sahel_timeline.model import Figure, Incident
from sahel_timeline.registry import GroupRegistry
from sahel_timeline.reports.labels import group_label, source_title_label
from sahel_timeline.vocab import GEO_PRECISION_FOR_ACLED, TACTICS

BOM = "\ufeff"
LIST_SEPARATOR = "; "

# A cell is text (neutralised) or a number or an ISO date (kept as it is).
Cell = tuple[str, bool]  # (value, is_text)
Row = dict[str, Cell]

DEFAULT_COLUMNS: tuple[str, ...] = (
    "id", "kind", "date", "end_date", "precision", "title", "country", "admin1", "place",
    "lat", "lon", "perpetrators", "statuses", "tactics", "targets",
    "killed_low", "killed_high", "attackers_killed_low", "attackers_killed_high",
    "wounded_low", "wounded_high", "open_ended", "sources", "summary", "notes",
)  # fmt: skip
FIGURE_FIELDS: tuple[str, ...] = ("killed", "attackers_killed", "wounded")

# ACLED's current export layout (31 columns, codebook "Table 1"), in its order.
ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2",
    "inter2", "interaction", "civilian_targeting", "iso", "region", "country", "admin1",
    "admin2", "admin3", "location", "latitude", "longitude", "geo_precision", "source",
    "source_scale", "notes", "fatalities", "tags", "timestamp",
)  # fmt: skip

# Our groups by ACLED's actor names, where ACLED's name is well known; others keep ours.
ACLED_ACTOR_NAMES: dict[str, str] = {
    "jnim": "JNIM: Group for Support of Islam and Muslims",
    "isgs": "Islamic State (Greater Sahara)",
    "aqim": "AQIM: Al Qaeda in the Islamic Maghreb",
    "ansaroul-islam": "Ansaroul Islam",
    "ansar-dine": "Ansar Dine",
    "al-mourabitoun": "Al Mourabitoune Battalion",
    "katiba-macina": "Katiba Macina",
}
# The store's way of naming an actor the sources do not name (docs/data-model.md): ACLED's
# unidentified armed group, not a named one.
UNNAMED_ACTOR_GROUP = "unidentified-jihadists"
# ACLED's actor types (text labels, as in its files from 2024 on).
REBEL_GROUP = "Rebel group"
POLITICAL_MILITIA = "Political militia"  # ACLED files unidentified armed groups here
STATE_FORCES = "State forces"
CIVILIANS = "Civilians"
EXTERNAL_FORCES = "External/Other forces"

# Our targets as ACLED actor2 names ({country} filled in) and types; the targets that are not
# actors (infrastructure, elections, business...) have no actor2.
ACLED_TARGET_ACTORS: dict[str, tuple[str, str]] = {
    "civilians": ("Civilians ({country})", CIVILIANS),
    "aid-workers": ("Aid Workers ({country})", CIVILIANS),
    "military": ("Military Forces of {country}", STATE_FORCES),
    "gendarmerie": ("Military Forces of {country}", STATE_FORCES),
    "police": ("Police Forces of {country}", STATE_FORCES),
    "government": ("Government of {country}", STATE_FORCES),
    "un-peacekeepers": ("United Nations", EXTERNAL_FORCES),
    "foreign-military": ("Foreign military forces", EXTERNAL_FORCES),
}
MINUSMA = "MINUSMA: United Nations Multidimensional Integrated Stabilization Mission in Mali"


def export_csv(
    incidents: Sequence[Incident], registry: GroupRegistry, context: ExportContext
) -> str:
    options = context.options
    columns, row_of = _LAYOUTS[options.columns]
    attribution = acled_attribution(incidents)
    if attribution:  # ACLED's terms: the line travels with each row made from its data
        columns = (*columns, ATTRIBUTION_COLUMN)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    empty: Cell = ("", False)
    for incident in incidents:
        row = row_of(incident, registry)
        if attribution and is_acled_entry(incident):
            row[ATTRIBUTION_COLUMN] = _text(attribution)
        cells = [row.get(column, empty) for column in columns]
        if options.raw:
            writer.writerow([value for value, _ in cells])
        else:
            writer.writerow([neutralise_formula(value) if text else value for value, text in cells])
    text = buffer.getvalue()
    return BOM + text if options.bom else text


def _text(value: str | None) -> Cell:
    return (value or "", True)


def _number(value: float | int | None) -> Cell:
    return ("" if value is None else str(value), False)


def _date(value: object | None) -> Cell:
    return ("" if value is None else str(value), False)


def _figure(figure: Figure | None) -> tuple[Cell, Cell]:
    if figure is None:
        return _number(None), _number(None)
    return _number(figure.low), _number(figure.high)


def _figure_cells(incident: Incident) -> Row:
    """`killed_low`, `killed_high`... and `open_ended`, naming the figures given as "at
    least low" (their high cell is empty)."""
    cells: Row = {}
    open_ended = []
    for name in FIGURE_FIELDS:
        figure: Figure | None = getattr(incident, name)
        cells[f"{name}_low"], cells[f"{name}_high"] = _figure(figure)
        if figure is not None and figure.is_open_ended:
            open_ended.append(name)
    cells["open_ended"] = _text(LIST_SEPARATOR.join(open_ended))
    return cells


def default_row(incident: Incident, registry: GroupRegistry) -> Row:
    location = incident.location
    sources = [
        f"{source_title_label(source)} ({source.url})" if source.url else source_title_label(source)
        for source in incident.sources
    ]
    return {
        "id": _text(incident.id),
        "kind": _text(incident.kind),
        "date": _date(incident.date),
        "end_date": _date(incident.end_date),
        "precision": _text(incident.date.precision),
        "title": _text(incident.title),
        "country": _text(location.country),
        "admin1": _text(location.admin1),
        "place": _text(location.place),
        "lat": _number(location.lat),
        "lon": _number(location.lon),
        "perpetrators": _text(
            LIST_SEPARATOR.join(group_label(p.group, registry) for p in incident.perpetrators)
        ),
        "statuses": _text(LIST_SEPARATOR.join(p.status for p in incident.perpetrators)),
        "tactics": _text(LIST_SEPARATOR.join(incident.tactics)),
        "targets": _text(LIST_SEPARATOR.join(incident.targets)),
        **_figure_cells(incident),
        "sources": _text(LIST_SEPARATOR.join(sources)),
        "summary": _text(incident.summary),
        "notes": _text(incident.notes),
    }


def acled_row(incident: Incident, registry: GroupRegistry) -> Row:
    """An entry in ACLED's columns: an imported entry's own ACLED fields, or a curated
    entry's fields in ACLED's terms (derived; unknown cells empty). See docs/exports.md."""
    if is_acled_entry(incident):
        return imported_acled_row(incident, incident.extensions[ACLED_EXTENSION])
    return curated_acled_row(incident, registry)


# The columns an imported entry keeps in its `x-acled` extension, as ACLED wrote them.
_KEPT_TEXT_COLUMNS = (
    "event_id_cnty", "disorder_type", "event_type", "sub_event_type", "actor1",
    "assoc_actor_1", "actor2", "assoc_actor_2", "interaction", "civilian_targeting", "region",
    "admin2", "admin3", "source_scale", "tags",
)  # fmt: skip
_KEPT_NUMBER_COLUMNS = (
    "time_precision", "inter1", "inter2", "iso", "geo_precision", "fatalities", "timestamp",
)  # fmt: skip


def imported_acled_row(incident: Incident, extension: dict[str, Any]) -> Row:
    """An imported entry's own ACLED fields: nothing derived, nothing invented."""
    location = incident.location

    def kept(column: str) -> str:
        value = extension.get(column)
        return "" if value is None else str(value)

    event_date = kept("event_date") or str(incident.date)
    row: Row = {column: _text(kept(column)) for column in _KEPT_TEXT_COLUMNS}
    row.update({column: (kept(column), False) for column in _KEPT_NUMBER_COLUMNS})
    publishers = [
        source.publisher or source.title
        for source in incident.sources
        if source.publisher != ACLED_PUBLISHER
    ]
    row.update({
        "event_date": _date(event_date),
        "year": _number(int(event_date[:4]) if event_date[:4].isdigit() else None),
        "country": _text(location.country),
        "admin1": _text(location.admin1),
        "location": _text(location.place),
        "latitude": _number(location.lat),
        "longitude": _number(location.lon),
        "source": _text(LIST_SEPARATOR.join(publishers)),
        "notes": _text(acled_notes(incident.notes)),
    })  # fmt: skip
    return row


def curated_acled_row(incident: Incident, registry: GroupRegistry) -> Row:
    """A curated entry in ACLED's terms; see docs/exports.md for what is derived."""
    location = incident.location
    event_date, time_precision = acled_date(incident)
    event_type, sub_event_type = acled_event_type(incident)
    actor1, assoc1, inter1 = _acled_perpetrators(incident, registry)
    targets = _acled_targets(incident)
    actor2, inter2 = targets[0] if targets else ("", "")
    assoc2 = LIST_SEPARATOR.join(name for name, _ in targets[1:])
    publishers = [source.publisher or source.title for source in incident.sources]
    return {
        "event_id_cnty": _text(incident.id),
        "event_date": _date(event_date.isoformat()),
        "year": _number(event_date.year),
        "time_precision": _number(time_precision),
        "disorder_type": _text(
            "Strategic developments" if event_type == "Strategic developments"
            else "Political violence"
        ),
        "event_type": _text(event_type),
        "sub_event_type": _text(sub_event_type),
        "actor1": _text(actor1),
        "assoc_actor_1": _text(assoc1),
        "inter1": _text(inter1),
        "actor2": _text(actor2),
        "assoc_actor_2": _text(assoc2),
        "inter2": _text(inter2),
        "interaction": _text(f"{inter1}-{inter2}" if inter1 and inter2 else inter1),
        "civilian_targeting": _text(
            "Civilian targeting" if "civilians" in incident.targets else ""
        ),
        "iso": _number(None),
        "region": _text(None),
        "country": _text(location.country),
        "admin1": _text(location.admin1),
        "admin2": _text(None),
        "admin3": _text(None),
        "location": _text(location.place or location.site),
        "latitude": _number(location.lat),
        "longitude": _number(location.lon),
        "geo_precision": _number(
            GEO_PRECISION_FOR_ACLED.get(location.precision or "")
            if location.has_coordinates
            else None
        ),
        "source": _text(LIST_SEPARATOR.join(publishers)),
        "source_scale": _text(None),
        "notes": _text(incident.summary or incident.title),
        "fatalities": _number(acled_fatalities(incident)),
        "tags": _text(LIST_SEPARATOR.join(incident.tags)),
        "timestamp": _number(None),
    }  # fmt: skip


def acled_date(incident: Incident) -> tuple[dt.date, int]:
    """ACLED's event_date and time_precision: the midpoint of the entry's interval, and 1 for
    one known day, 2 for an interval of up to a week, 3 for anything longer (a month, a year)."""
    start, end = incident.start, incident.end
    midpoint = start + (end - start) // 2
    days = (end - start).days + 1
    if days == 1:
        return midpoint, 1
    return midpoint, 2 if days <= 7 else 3


def acled_event_type(incident: Incident) -> tuple[str, str]:
    """The ACLED pair of the first tactic (vocab.TACTICS); none is "Strategic developments /
    Other". A battle needs two armed sides: a "Battles" tactic against civilians only is
    "Violence against civilians / Attack"."""
    if not incident.tactics:
        return TACTICS["other"]
    event_type, sub_event_type = TACTICS[incident.tactics[0]]
    if event_type == "Battles" and incident.targets and set(incident.targets) <= {
        "civilians", "aid-workers", "religious", "business",
    }:  # fmt: skip
        return "Violence against civilians", "Attack"
    return event_type, sub_event_type


def acled_fatalities(incident: Incident) -> int | None:
    """All reported deaths, as ACLED counts them: the low figure of the victims plus the low
    figure of the attackers killed (when reported). None (an empty cell) when the victims'
    figure is unknown: ACLED's 0 means "unknown or none", ours must not."""
    if incident.killed is None:
        return None
    attackers = incident.attackers_killed.low if incident.attackers_killed is not None else 0
    return incident.killed.low + attackers


def _acled_perpetrators(incident: Incident, registry: GroupRegistry) -> tuple[str, str, str]:
    if not incident.perpetrators:  # unknown: left empty, never an invented actor
        return "", "", ""
    named = [p for p in incident.perpetrators if not _is_unnamed_actor(p.group, registry)]
    if not named:  # the sources' own unnamed armed group: ACLED's name for one
        country = incident.location.country
        name = f"Unidentified Armed Group ({country})" if country else "Unidentified Armed Group"
        return name, "", POLITICAL_MILITIA
    names = [_acled_actor_name(p.group, registry) for p in named]
    return names[0], LIST_SEPARATOR.join(names[1:]), REBEL_GROUP


def _is_unnamed_actor(reference: str, registry: GroupRegistry) -> bool:
    group = registry.resolve(reference)
    return group is not None and group.id == UNNAMED_ACTOR_GROUP


def _acled_actor_name(reference: str, registry: GroupRegistry) -> str:
    group = registry.resolve(reference)
    if group is None:
        return reference
    return ACLED_ACTOR_NAMES.get(group.id, group.display_name)


def _acled_targets(incident: Incident) -> list[tuple[str, str]]:
    country = incident.location.country or "unknown country"
    actors: list[tuple[str, str]] = []
    for target in incident.targets:
        if target not in ACLED_TARGET_ACTORS:
            continue
        name, kind = ACLED_TARGET_ACTORS[target]
        if target == "un-peacekeepers" and incident.location.country_code == "MLI":
            name = MINUSMA
        actor = (name.format(country=country), kind)
        if actor not in actors:
            actors.append(actor)
    return actors


_LAYOUTS: dict[str, tuple[tuple[str, ...], Callable[[Incident, GroupRegistry], Row]]] = {
    "default": (DEFAULT_COLUMNS, default_row),
    "acled": (ACLED_COLUMNS, acled_row),
}
