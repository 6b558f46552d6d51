"""An ACLED event -> an `ImportedEntry`: store fields in order, ACLED's own fields under
`x-acled`, its notes and its citation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sahel_timeline.importers.acled.actors import GroupSpec, actor_roles, slugify
from sahel_timeline.importers.acled.event_types import event_type_mapping
from sahel_timeline.importers.acled.events import AcledEvent
from sahel_timeline.importers.acled.rows import AcledRecord, Actor
from sahel_timeline.model import FuzzyDate
from sahel_timeline.store.load import IMPORTED_ID_PREFIX
from sahel_timeline.visible import without_controls
from sahel_timeline.vocab import ACLED_GEO_PRECISION

ID_PREFIX = IMPORTED_ID_PREFIX
ACLED_PUBLISHER = "Armed Conflict Location & Event Data Project (ACLED)"
ACLED_URL = "https://acleddata.com/"
ZERO_FATALITIES_TAG = "acled-zero-fatalities"
EXTENSION_KEY = "x-acled"  # where an imported entry keeps ACLED's own fields
NOTES_PREFIX = "ACLED notes: "
_FATALITY_NOTE_START = "\nACLED reports "


@dataclass
class ImportedEntry:
    """An event as store fields (in the order they are written), ready to render.

    `fields` holds plain values; perpetrators are kept apart as (GroupSpec, status) until a
    registry says how to refer to each group. The outlets are in `fields["sources"]`; the
    writer adds ACLED's citation (`acled_citation`), which carries the import date.
    """

    id: str
    event_id: str
    fields: dict[str, Any]
    perpetrators: tuple[tuple[GroupSpec, str], ...]
    extension: dict[str, Any]
    file: str
    groups: tuple[GroupSpec, ...] = ()  # every armed actor of the event, either side
    target_groups: tuple[GroupSpec, ...] = ()  # the armed actors acted upon


def entry_id(event_id: str) -> str:
    return ID_PREFIX + slugify(event_id)


WEEK_MARGIN_DAYS = 3  # ACLED's time_precision 2: the event lies within 3 days of the date


def _fuzzy_date(record: AcledRecord) -> str:
    """The store date: the day (precision 1), the week's midpoint itself (precision 2: the
    day ACLED counts it by, with `date_margin_days`), or the month (precision 3)."""
    if record.time_precision == 3:
        return str(FuzzyDate(record.date.year, record.date.month))
    return record.date.isoformat()


def _date_phrase(record: AcledRecord) -> str:
    day = FuzzyDate(record.date.year, record.date.month, record.date.day).display()
    if record.time_precision == 2:
        return f"in the week around {day} (ACLED gives the week's midpoint)"
    if record.time_precision == 3:
        month = FuzzyDate(record.date.year, record.date.month).display()
        return f"in {month} (ACLED gives only the month)"
    return f"on {day}"


def _place_text(record: AcledRecord, country: str) -> str:
    parts = [record.location, record.admin1, country]
    return ", ".join(dict.fromkeys(p for p in parts if p))


def _plural(count: int, word: str) -> str:
    return word if count == 1 else word[:-1] + "ies" if word.endswith("y") else word + "s"


def event_to_entry(event: AcledEvent, file: str) -> ImportedEntry:
    record = event.record
    file = without_controls(file, multiline=False)  # the export's name becomes store text
    assert record.country is not None, "rows outside the country table are skipped earlier"
    country = record.country
    roles = actor_roles(event.actors, country.name, record.event_type, record.sub_event_type)
    tactics, type_targets = event_type_mapping(record.event_type, record.sub_event_type)
    targets = list(type_targets)
    if record.civilian_targeting.casefold().startswith("civilian") and "civilians" not in targets:
        targets.append("civilians")
    targets += [t for t in roles.targets if t not in targets]
    what = record.sub_event_type or record.event_type
    place = _place_text(record, country.name)
    date = _fuzzy_date(record)
    cautions: list[str] = []

    location: dict[str, Any] = {"country": country.name}
    if record.admin1:
        location["admin1"] = record.admin1
    if record.location:
        location["place"] = record.location
    if record.lat is not None and record.lon is not None:
        if country.contains(record.lat, record.lon):
            location["lat"], location["lon"] = record.lat, record.lon
        else:
            cautions.append(
                f"ACLED's coordinates {record.lat:g}, {record.lon:g} lie outside {country.name}; "
                "they are left out."
            )
    location["precision"] = ACLED_GEO_PRECISION[record.geo_precision]

    primary = [a.name for a in event.actors if a.primary]
    title = f"{what} in {record.location or record.admin1 or country.name}, {country.name}"
    if primary:
        title += f" ({' / '.join(primary[:2])})"
    actor_text = "; ".join(actor.describe() for actor in event.actors) or "none named"
    if event.fatalities > 0:
        fatality_text = (
            f"ACLED reports {event.fatalities} {_plural(event.fatalities, 'fatality')}: its "
            "lowest reported figure, which "
            "counts everyone killed and does not separate victims from attackers."
        )
    else:
        fatality_text = (
            "ACLED reports 0 fatalities, which means none or no information: the number "
            "killed is left unknown, not recorded as zero."
        )
    kind = what if what == record.event_type else f"{what} ({record.event_type})"
    summary = f"{kind} in {place} {_date_phrase(record)}, as recorded by ACLED. "
    summary += f"Actors: {actor_text}."
    if record.time_precision != 1:
        cautions.append(
            f"ACLED time_precision {record.time_precision}: {record.date.isoformat()} is a "
            "midpoint, not the day of the event."
        )
    if roles.unidentified:
        cautions.append("ACLED attributes the event to an unidentified armed group.")
    if roles.perpetrators or roles.targets:
        cautions.append(
            "Perpetrators are the armed actors ACLED lists as actor1 (and its associates); "
            "targets come from actor2 (and its associates) and the event type."
        )
    notes = "\n".join(
        part for part in (f"{NOTES_PREFIX}{record.notes}" if record.notes else "",
                          fatality_text, *cautions) if part
    )  # fmt: skip

    tags = ["acled", slugify(record.event_type)]
    if record.sub_event_type:
        tags.append(slugify(record.sub_event_type))
    if event.fatalities == 0:
        tags.append(ZERO_FATALITIES_TAG)
    tags = [t for t in dict.fromkeys(tags) if t]

    sources: list[dict[str, Any]] = [
        {"title": "Report cited by ACLED", "publisher": name}
        for name in dict.fromkeys(s.strip() for s in record.source.split(";"))
        if name
    ]

    fields: dict[str, Any] = {"title": title, "date": date}
    if record.time_precision == 2:
        fields["date_margin_days"] = WEEK_MARGIN_DAYS
    fields["location"] = location
    fields["tactics"] = list(tactics)
    if targets:
        fields["targets"] = targets
    if event.fatalities > 0:
        fields["killed"] = event.fatalities
    fields["summary"] = summary
    fields["notes"] = notes
    fields["tags"] = tags
    fields["sources"] = sources

    extension: dict[str, Any] = {
        "event_id_cnty": record.event_id,
        "event_date": record.date.isoformat(),
        "event_type": record.event_type,
    }
    for key, value in (
        ("sub_event_type", record.sub_event_type),
        *_actor_columns(event.actors),
        ("iso", record.iso),
        ("region", record.region),
        ("disorder_type", record.disorder_type),
        ("civilian_targeting", record.civilian_targeting),
        ("interaction", record.interaction),
        ("admin2", record.admin2),
        ("admin3", record.admin3),
        ("source_scale", record.source_scale),
        ("tags", record.tags),
    ):
        if value:
            extension[key] = value
    extension["fatalities"] = event.fatalities
    extension["time_precision"] = record.time_precision
    extension["geo_precision"] = record.geo_precision
    if record.timestamp is not None:
        extension["timestamp"] = record.timestamp
    extension["file"] = file
    return ImportedEntry(
        id=entry_id(record.event_id),
        event_id=record.event_id,
        fields=fields,
        perpetrators=roles.perpetrators,
        extension=extension,
        file=file,
        groups=roles.groups,
        target_groups=roles.targeted,
    )


def acled_notes(notes: str | None) -> str:
    """ACLED's own notes of an imported entry: its `notes` less the importer's cautions."""
    if not notes or not notes.startswith(NOTES_PREFIX):
        return ""
    body = notes[len(NOTES_PREFIX) :]
    end = body.rfind(_FATALITY_NOTE_START)
    return body[:end] if end >= 0 else body


def _actor_columns(actors: Sequence[Actor]) -> list[tuple[str, Any]]:
    """ACLED's actor columns of an event, as its export writes them (`;` between actors)."""
    columns: list[tuple[str, Any]] = []
    for side in (1, 2):
        on_side = [actor for actor in actors if actor.side == side]
        primary = "; ".join(actor.name for actor in on_side if actor.primary)
        associated = "; ".join(actor.name for actor in on_side if not actor.primary)
        inter = next((actor.inter for actor in on_side if actor.inter), 0)
        columns += [(f"actor{side}", primary), (f"assoc_actor_{side}", associated),
                    (f"inter{side}", inter)]  # fmt: skip
    return columns


def acled_citation(entry: ImportedEntry, imported_on: str) -> dict[str, str]:
    """ACLED's citation as a source: the event, the export file and the import date."""
    title = f"ACLED event {entry.event_id}, from the export {entry.file}, imported {imported_on}"
    return {"title": title, "publisher": ACLED_PUBLISHER, "url": ACLED_URL}
