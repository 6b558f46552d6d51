"""ACLED export files -> incidents of the store format (pure: no terminal, no file writing).

The steps, each a function a test can call on its own:

1. `read_acled_text` reads a CSV export driven by its header (`detect_layout`), turning each
   row into an `AcledRecord` or a `RowProblem` that names the line;
2. `RowSelection` keeps the rows the user asked for (country, dates, event type);
3. `merge_records` folds the rows of one event (`event_id_cnty`) into one `AcledEvent`
   (the monadic export repeats an event once per actor);
4. `event_to_entry` maps an event to an `ImportedEntry`: store fields in order, with
   perpetrators as `GroupSpec`s that `resolve_groups` later matches against a registry.

The mapping tables (actors, event types of both taxonomies) are here and documented in
docs/acled-import.md.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sahel_timeline.errors import SahelError
from sahel_timeline.model import FuzzyDate
from sahel_timeline.registry import GroupRegistry
from sahel_timeline.store.load import IMPORTED_ID_PREFIX
from sahel_timeline.visible import without_controls
from sahel_timeline.vocab import ACLED_GEO_PRECISION, Country, find_country

ID_PREFIX = IMPORTED_ID_PREFIX
ACLED_PUBLISHER = "Armed Conflict Location & Event Data Project (ACLED)"
ACLED_URL = "https://acleddata.com/"
ZERO_FATALITIES_TAG = "acled-zero-fatalities"
EXTENSION_KEY = "x-acled"  # where an imported entry keeps ACLED's own fields
NOTES_PREFIX = "ACLED notes: "
_FATALITY_NOTE_START = "\nACLED reports "

# ---------------------------------------------------------------------------------------
# Header and layouts
# ---------------------------------------------------------------------------------------

# Columns every layout has (the legacy and the monadic exports included).
REQUIRED_COLUMNS = (
    "event_id_cnty", "event_date", "time_precision", "event_type", "actor1", "assoc_actor_1",
    "inter1", "country", "admin1", "location", "latitude", "longitude", "geo_precision",
    "source", "notes", "fatalities",
)  # fmt: skip
# Columns some layouts have; read when present.
OPTIONAL_COLUMNS = (
    "sub_event_type", "actor2", "assoc_actor_2", "inter2", "interaction", "disorder_type",
    "civilian_targeting", "tags", "timestamp", "admin2", "admin3", "source_scale", "iso",
    "iso3", "region", "year", "data_id", "event_id_no_cnty",
)  # fmt: skip

LAYOUT_LEGACY = "legacy (before 2019: 9 event types, no sub_event_type)"
LAYOUT_2019 = "2019-2023 (with sub_event_type)"
LAYOUT_MONADIC = "monadic (one row per actor)"
LAYOUT_CURRENT = "current (with disorder_type, civilian_targeting, tags)"

_INDEX_COLUMN = re.compile(r"^(unnamed: ?\d+|index)?$")


@dataclass(frozen=True)
class Layout:
    name: str
    columns: dict[str, int]  # column name -> position in the row
    width: int  # number of cells in the header


def detect_layout(header: Sequence[str], file: str = "") -> Layout:
    """The layout a header describes; raise SahelError naming the missing columns."""
    columns: dict[str, int] = {}
    for position, cell in enumerate(header):
        name = cell.strip().lstrip("\ufeff").strip().lower()
        if _INDEX_COLUMN.match(name):  # a leading unnamed index column (pandas) is ignored
            continue
        if name in columns:
            raise SahelError(f"{file}:1: the header names the column {name!r} twice")
        columns[name] = position
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        what = "not an ACLED export" if len(missing) > len(REQUIRED_COLUMNS) // 2 else "header"
        raise SahelError(
            f"{file}:1: {what}: missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)}"
        )
    if "sub_event_type" not in columns:
        name = LAYOUT_LEGACY
    elif "actor2" not in columns:
        name = LAYOUT_MONADIC
    elif "disorder_type" in columns:
        name = LAYOUT_CURRENT
    else:
        name = LAYOUT_2019
    return Layout(name, columns, len(header))


# ---------------------------------------------------------------------------------------
# Rows
# ---------------------------------------------------------------------------------------

INTER_LABELS = {
    1: "State forces", 2: "Rebel group", 3: "Political militia", 4: "Identity militia",
    5: "Rioters", 6: "Protesters", 7: "Civilians", 8: "External/Other forces",
}  # fmt: skip
_INTER_BY_LABEL = {label.casefold(): code for code, label in INTER_LABELS.items()}
_INTER_BY_LABEL.update({"external forces": 8, "other forces": 8, "state forces": 1})


@dataclass(frozen=True)
class Actor:
    name: str
    inter: int  # ACLED actor type 1-8, 0 when not given
    primary: bool  # actor1/actor2, not an associated actor
    side: int = 1  # 1: actor1 and its associates (who acts), 2: actor2 and its associates

    def describe(self) -> str:
        label = INTER_LABELS.get(self.inter)
        return f"{self.name} ({label})" if label else self.name


@dataclass(frozen=True)
class AcledRecord:
    """One row of an export, with its values checked and typed."""

    file: str
    line: int
    event_id: str
    date: dt.date
    time_precision: int
    event_type: str
    sub_event_type: str
    disorder_type: str
    civilian_targeting: str
    actors: tuple[Actor, ...]
    interaction: str
    country_name: str
    country: Country | None
    admin1: str
    admin2: str
    admin3: str
    location: str
    lat: float | None
    lon: float | None
    geo_precision: int
    source: str
    source_scale: str
    notes: str
    fatalities: int
    tags: str
    timestamp: int | None
    iso: str = ""
    region: str = ""

    @property
    def span(self) -> tuple[dt.date, dt.date]:
        return event_span(self.date, self.time_precision)


@dataclass(frozen=True)
class RowProblem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class AcledFile:
    name: str
    layout: Layout
    records: list[AcledRecord] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    rows: int = 0  # data rows read (blank lines not counted)


class RowError(ValueError):
    """A value of a row that cannot be read; the message names the column."""


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_TEXT_DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%d-%b-%y", "%d-%B-%y", "%d-%b-%Y", "%d-%B-%Y")
_MONTHS = {
    name.casefold(): number
    for number, names in enumerate(
        (("January", "Jan"), ("February", "Feb"), ("March", "Mar"), ("April", "Apr"),
         ("May", "May"), ("June", "Jun"), ("July", "Jul"), ("August", "Aug"),
         ("September", "Sep", "Sept"), ("October", "Oct"), ("November", "Nov"),
         ("December", "Dec")),
        start=1,
    )
    for name in names
}  # fmt: skip
_TEXT_DATE = re.compile(r"^(\d{1,2})[ -]([A-Za-z]+)[ -](\d{2}|\d{4})$")


def parse_acled_date(text: str) -> dt.date:
    """`22 February 2019`, `2019-02-22` (ISO, optionally with a time) or `6-Oct-18`."""
    value = text.strip()
    try:
        match = _ISO_DATE.match(value)
        if match:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        match = _TEXT_DATE.match(value)
        if match and match.group(2).casefold() in _MONTHS:
            year = int(match.group(3))
            if len(match.group(3)) == 2:  # ACLED starts in 1997: 97-99 are 1900s
                year += 1900 if year >= 90 else 2000
            return dt.date(year, _MONTHS[match.group(2).casefold()], int(match.group(1)))
    except ValueError as error:
        raise RowError(f"event_date {text!r} is not a real date ({error})") from None
    raise RowError(
        f"event_date {text!r} is not a date like '22 February 2019', '2019-02-22' or '6-Oct-18'"
    )


def event_span(midpoint: dt.date, time_precision: int) -> tuple[dt.date, dt.date]:
    """The days an ACLED date may stand for: the day, the week around it, or its month."""
    if time_precision == 2:
        return midpoint - dt.timedelta(days=3), midpoint + dt.timedelta(days=3)
    if time_precision == 3:
        month = FuzzyDate(midpoint.year, midpoint.month)
        return month.start, month.end
    return midpoint, midpoint


def _whole_number(text: str, column: str, allowed: Iterable[int] | None = None) -> int:
    value = text.strip()
    match = re.fullmatch(r"(\d+)(?:\.0+)?", value)
    if not match:
        raise RowError(f"{column} {text!r} is not a whole number")
    number = int(match.group(1))
    if allowed is not None and number not in allowed:
        raise RowError(f"{column} {text!r} is not one of {', '.join(map(str, allowed))}")
    return number


def _coordinate(text: str, column: str, limit: float) -> float | None:
    value = text.strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise RowError(f"{column} {text!r} is not a number") from None
    if not math.isfinite(number) or not -limit <= number <= limit:
        raise RowError(f"{column} {text!r} is outside -{limit:g} to {limit:g}")
    return number


def _inter(text: str, column: str) -> int:
    value = text.strip()
    if not value:
        return 0
    if re.fullmatch(r"\d+(?:\.0+)?", value):
        return _whole_number(value, column, range(0, 9))
    code = _INTER_BY_LABEL.get(value.casefold())
    if code is None:
        raise RowError(f"{column} {text!r} is not an ACLED actor type (1-8 or its label)")
    return code


def _split_actors(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def parse_record(values: dict[str, str], file: str, line: int) -> AcledRecord:
    """One row's values (by column name) -> a typed record; raise RowError for a bad value."""

    def get(name: str) -> str:
        return values.get(name, "").strip()

    event_id = get("event_id_cnty")
    if not event_id:
        raise RowError("event_id_cnty is empty")
    if not re.fullmatch(r"[A-Za-z0-9_-]+", event_id):
        raise RowError(f"event_id_cnty {event_id!r} is not an ACLED event id")
    if not get("event_type"):
        raise RowError("event_type is empty")
    lat = _coordinate(get("latitude"), "latitude", 90)
    lon = _coordinate(get("longitude"), "longitude", 180)
    if (lat is None) != (lon is None):
        raise RowError("latitude and longitude come together: one of them is empty")
    inter1 = _inter(get("inter1"), "inter1")
    inter2 = _inter(get("inter2"), "inter2")
    actors: list[Actor] = []
    for column, inter, primary, side in (
        ("actor1", inter1, True, 1),
        ("assoc_actor_1", inter1, False, 1),
        ("actor2", inter2, True, 2),
        ("assoc_actor_2", inter2, False, 2),
    ):
        # A `;` inside actor1/actor2 (an ACLED quirk) separates several actors, as it does
        # in the associated-actor columns.
        actors.extend(Actor(name, inter, primary, side) for name in _split_actors(get(column)))
    timestamp_text = get("timestamp")
    return AcledRecord(
        file=file,
        line=line,
        event_id=event_id.upper(),
        date=parse_acled_date(get("event_date")),
        time_precision=_whole_number(get("time_precision"), "time_precision", (1, 2, 3)),
        event_type=get("event_type"),
        sub_event_type=get("sub_event_type"),
        disorder_type=get("disorder_type"),
        civilian_targeting=get("civilian_targeting"),
        actors=tuple(actors),
        interaction=get("interaction"),
        country_name=get("country"),
        country=find_country(get("country")) if get("country") else None,
        admin1=get("admin1"),
        admin2=get("admin2"),
        admin3=get("admin3"),
        location=get("location"),
        lat=lat,
        lon=lon,
        # An empty cell (a row written by another tool, e.g. an entry without coordinates):
        # only the larger region is known.
        geo_precision=_whole_number(get("geo_precision") or "3", "geo_precision", (1, 2, 3)),
        source=get("source"),
        source_scale=get("source_scale"),
        notes=get("notes"),
        # Empty: unknown, which ACLED writes as 0.
        fatalities=_whole_number(get("fatalities") or "0", "fatalities"),
        tags=get("tags"),
        timestamp=_whole_number(timestamp_text, "timestamp") if timestamp_text else None,
        iso=get("iso"),
        region=get("region"),
    )


ProgressCallback = Callable[[int], None]
_SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _from_french_spreadsheet(values: dict[str, str]) -> dict[str, str]:
    """A French-locale re-save's cells as ACLED writes them: decimal points, ISO dates."""
    fixed = dict(values)
    for column in ("latitude", "longitude"):
        fixed[column] = values.get(column, "").replace(",", ".")
    date = _SLASH_DATE.match(values.get("event_date", "").strip())
    if date:  # day first, as a French locale writes it
        day, month, year = date.groups()
        fixed["event_date"] = f"{year}-{int(month):02d}-{int(day):02d}"
    return fixed


SEMICOLON_RESAVE = (
    "re-saved with ';' between cells and decimal commas (a French-locale spreadsheet)"
)


def is_semicolon_resave(text: str) -> bool:
    """A spreadsheet in a French locale re-saves CSV with `;` between cells: its header
    has `;` where ACLED's has `,`."""
    header = text.split("\n", 1)[0]
    return header.count(";") >= len(REQUIRED_COLUMNS) - 1 and header.count(",") == 0


def read_acled_text(text: str, file: str, progress: ProgressCallback | None = None) -> AcledFile:
    """Read an export's text; header problems raise SahelError, row problems are collected.

    A French-locale spreadsheet's re-save (`;` between cells, decimal commas, dates as
    DD/MM/YYYY, CRLF) is read too, and said so in the layout's name.
    """
    resaved = is_semicolon_resave(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";" if resaved else ",")
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise SahelError(f"{file}:1: the header is not valid CSV: {error}") from None
    if header is None:
        raise SahelError(f"{file}: the file is empty (no header)")
    layout = detect_layout(header, file)
    if resaved:
        layout = dataclasses.replace(layout, name=f"{layout.name}, {SEMICOLON_RESAVE}")
    result = AcledFile(file, layout)
    names = list(layout.columns.items())
    previous_end = reader.line_num
    while True:
        try:
            row = next(reader, None)
        except csv.Error as error:
            result.problems.append(RowProblem(file, previous_end + 1, f"invalid CSV: {error}"))
            break
        if row is None:
            break
        line = previous_end + 1
        previous_end = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        result.rows += 1
        if progress is not None and result.rows % 500 == 0:
            progress(result.rows)
        if len(row) != layout.width:
            result.problems.append(
                RowProblem(file, line, f"the row has {len(row)} fields, the header {layout.width}")
            )
            continue
        # Store text holds no control characters (they would drive terminals): ACLED text
        # that has some gets spaces instead; notes keep their line breaks.
        values = {
            name: without_controls(row[position], multiline=name == "notes")
            for name, position in names
        }
        if resaved:
            values = _from_french_spreadsheet(values)
        try:
            result.records.append(parse_record(values, file, line))
        except RowError as error:
            result.problems.append(RowProblem(file, line, str(error)))
    if progress is not None:
        progress(result.rows)
    return result


# ---------------------------------------------------------------------------------------
# Selection and merging
# ---------------------------------------------------------------------------------------

# Event types and sub-event types of both taxonomies -> (tactics, targets). Tactics and
# targets come from vocab.py; a type missing here imports as `other`.
CURRENT_EVENT_TYPES: dict[str, dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "Battles": {
        "Armed clash": (("armed-assault",), ()),
        "Government regains territory": (("armed-assault",), ()),
        "Non-state actor overtakes territory": (("armed-assault",), ()),
    },
    "Explosions/Remote violence": {
        "Chemical weapon": (("other",), ()),
        "Air/drone strike": (("other",), ()),
        "Suicide bomb": (("suicide-bombing",), ()),
        "Shelling/artillery/missile attack": (("indirect-fire",), ()),
        "Remote explosive/landmine/IED": (("ied",), ()),
        "Grenade": (("other",), ()),
    },
    "Violence against civilians": {
        "Sexual violence": (("other",), ("civilians",)),
        "Attack": (("armed-assault",), ("civilians",)),
        "Abduction/forced disappearance": (("kidnapping",), ("civilians",)),
    },
    "Protests": {
        "Excessive force against protesters": (("other",), ("civilians",)),
        "Protest with intervention": (("other",), ()),
        "Peaceful protest": (("other",), ()),
    },
    "Riots": {
        "Violent demonstration": (("other",), ()),
        "Mob violence": (("other",), ()),
    },
    "Strategic developments": {
        "Agreement": (("other",), ()),
        "Arrests": (("other",), ()),
        "Change to group/activity": (("other",), ()),
        "Disrupted weapons use": (("other",), ()),
        "Headquarters or base established": (("other",), ()),
        "Looting/property destruction": (("other",), ()),
        "Non-violent transfer of territory": (("other",), ()),
        "Other": (("other",), ()),
    },
}
LEGACY_EVENT_TYPES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Battle-No change of territory": (("armed-assault",), ()),
    "Battle-Government regains territory": (("armed-assault",), ()),
    "Battle-Non-state actor overtakes territory": (("armed-assault",), ()),
    "Remote violence": (("other",), ()),
    "Riots/Protests": (("other",), ()),
    "Violence against civilians": (("other",), ("civilians",)),
    "Strategic development": (("other",), ()),
    "Headquarters or base established": (("other",), ()),
    "Non-violent transfer of territory": (("other",), ()),
}


# Each legacy event type and the current type (and sub-type) it became in 2019, so that
# `--event-type Battles` selects the legacy "Battle-..." rows too, and the reverse.
LEGACY_CROSSWALK: dict[str, tuple[str, ...]] = {
    "battle-no change of territory": ("battles", "armed clash"),
    "battle-government regains territory": ("battles", "government regains territory"),
    "battle-non-state actor overtakes territory": (
        "battles", "non-state actor overtakes territory",
    ),
    "remote violence": ("explosions/remote violence",),
    "riots/protests": ("riots", "protests"),
    "strategic development": ("strategic developments",),
    "headquarters or base established": (
        "strategic developments", "headquarters or base established",
    ),
    "non-violent transfer of territory": (
        "strategic developments", "non-violent transfer of territory",
    ),
}  # fmt: skip


def crosswalked(names: Iterable[str]) -> frozenset[str]:
    """Casefolded type names with the current names of any legacy ones among them."""
    folded = {name.strip().casefold() for name in names if name.strip()}
    return frozenset(folded.union(*(LEGACY_CROSSWALK.get(name, ()) for name in folded)))


def known_event_types() -> list[str]:
    """Every event type and sub-event type of both taxonomies (for --event-type)."""
    names = list(CURRENT_EVENT_TYPES)
    for subtypes in CURRENT_EVENT_TYPES.values():
        names.extend(subtypes)
    names.extend(LEGACY_EVENT_TYPES)
    return list(dict.fromkeys(names))


def event_type_mapping(event_type: str, sub_event_type: str) -> tuple[tuple[str, ...], ...]:
    """(tactics, targets) of an ACLED event type and sub-event type."""
    folded_type, folded_sub = event_type.casefold(), sub_event_type.casefold()
    for type_name, subtypes in CURRENT_EVENT_TYPES.items():
        if type_name.casefold() == folded_type:
            for sub_name, mapping in subtypes.items():
                if sub_name.casefold() == folded_sub:
                    return mapping
    for type_name, mapping in LEGACY_EVENT_TYPES.items():
        if type_name.casefold() == folded_type:
            return mapping
    return (("other",), ())


@dataclass(frozen=True)
class RowSelection:
    """Which rows to import: every row when all fields are empty."""

    countries: frozenset[str] = frozenset()  # ISO alpha-3 codes
    since: dt.date | None = None
    until: dt.date | None = None
    event_types: frozenset[str] = frozenset()  # casefolded type or sub-type names

    def reason_to_skip(self, record: AcledRecord) -> str | None:
        if record.country is None:
            if not record.country_name:
                return "no country (not an event: e.g. a milestone exported in ACLED's columns)"
            return f"country {record.country_name!r} is not in the country table"
        if self.countries and record.country.alpha3 not in self.countries:
            return "other country (--country)"
        start, end = record.span
        if (self.since and end < self.since) or (self.until and start > self.until):
            return "outside --since/--until"
        if self.event_types and not (
            crosswalked((record.event_type, record.sub_event_type)) & crosswalked(self.event_types)
        ):
            return "other event type (--event-type)"
        return None


@dataclass(frozen=True)
class Coverage:
    """What an import's rows cover: for each country, the dates from its earliest to its
    latest row. An event of the store inside it and absent from the rows was deleted by
    ACLED (or merged into another event) since it was imported."""

    dates: dict[str, tuple[dt.date, dt.date]]  # country name -> (earliest, latest)
    event_types: frozenset[str] = frozenset()  # casefolded; empty: every type
    # The rows' newest ACLED timestamp: an entry newer than the export is not gone from
    # it (the export predates it). None when the rows have no timestamps.
    newest: int | None = None

    @classmethod
    def of(cls, records: Sequence[AcledRecord], selection: RowSelection) -> Coverage | None:
        dates: dict[str, tuple[dt.date, dt.date]] = {}
        for record in records:
            if record.country is None:
                continue
            known = dates.get(record.country.name)
            dates[record.country.name] = (
                (min(known[0], record.date), max(known[1], record.date))
                if known else (record.date, record.date)
            )  # fmt: skip
        stamps = [record.timestamp for record in records if record.timestamp is not None]
        newest = max(stamps) if stamps else None
        return cls(dates, selection.event_types, newest) if dates else None

    def covers(self, country: str | None, event_date: dt.date, types: Iterable[str]) -> bool:
        span = self.dates.get(country or "")
        if span is None or not span[0] <= event_date <= span[1]:
            return False
        return not self.event_types or bool(crosswalked(types) & crosswalked(self.event_types))


@dataclass
class AcledEvent:
    """The rows of one `event_id_cnty` merged: the newest row's values, every actor."""

    record: AcledRecord  # the newest row (highest timestamp), the first of them on a tie
    actors: tuple[Actor, ...]
    fatalities: int
    rows: int


@dataclass(frozen=True)
class RowDisagreement:
    """Rows of one version of an event that give different figures (the maximum is kept)."""

    event_id: str
    column: str
    values: tuple[tuple[str, int], ...]  # ("FILE:LINE", value), in the order read

    def __str__(self) -> str:
        shown = ", ".join(f"{value} ({where})" for where, value in self.values)
        kept = max(value for _, value in self.values)
        return f"event {self.event_id}: its rows disagree on {self.column}: {shown}; kept {kept}"


def _sided_actors(rows: Sequence[AcledRecord]) -> tuple[Actor, ...]:
    """The actors of the rows of one event version, each once, on its side.

    The monadic export has no actor2: it repeats the event once per actor. There the first
    row's actor is taken as actor1 (the one who acts) and the other rows' as actor2.
    """
    monadic = len(rows) > 1 and all(a.side == 1 for row in rows for a in row.actors)
    actors: dict[str, Actor] = {}
    for index, row in enumerate(rows):
        for actor in row.actors:
            if monadic and index > 0 and actor.name not in actors:
                actor = dataclasses.replace(actor, side=2)
            known = actors.get(actor.name)
            if known is None or (actor.primary and not known.primary):
                actors[actor.name] = actor
    return tuple(actors.values())


def merge_records(
    records: Iterable[AcledRecord],
) -> tuple[list[AcledEvent], int, list[RowDisagreement]]:
    """Events in order of first appearance, how many rows were folded into another, and
    the events whose rows disagree on their fatalities.

    Rows of one event with the same timestamp are the monadic export's repetitions: their
    actors are combined and their fatalities (the same event's figure repeated) taken once;
    when they differ, the maximum is kept and the disagreement reported. Rows with an older
    timestamp are an earlier version of the event and give way.
    """
    by_id: dict[str, list[AcledRecord]] = {}
    for record in records:
        by_id.setdefault(record.event_id, []).append(record)
    events = []
    disagreements = []
    merged = 0
    for event_id, rows in by_id.items():
        newest_stamp = max((r.timestamp or 0) for r in rows)
        current = [r for r in rows if (r.timestamp or 0) == newest_stamp]
        figures = {row.fatalities for row in current}
        if len(figures) > 1:
            values = tuple((f"{row.file}:{row.line}", row.fatalities) for row in current)
            disagreements.append(RowDisagreement(event_id, "fatalities", values))
        events.append(
            AcledEvent(
                record=current[0],
                actors=_sided_actors(current),
                fatalities=max(figures),
                rows=len(rows),
            )
        )
        merged += len(rows) - 1
    return events, merged, disagreements


# ---------------------------------------------------------------------------------------
# Actors
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupSpec:
    """A group as the importer knows it: what to add to a registry that lacks it."""

    id: str
    name: str
    short: str | None = None
    acled_names: tuple[str, ...] = ()
    affiliation: str | None = None
    merged_into: str | None = None
    kind: str | None = None  # one of vocab.ACTOR_KINDS
    derived: bool = False  # made up from an ACLED name that matched nothing the importer knows

    def lookup_names(self) -> tuple[str, ...]:
        return (self.id, *self.acled_names, self.name, *((self.short,) if self.short else ()))


JIHADIST = "jihadist"
# ACLED's names for the jihadist groups of the Sahel and around it. Names change across
# ACLED's releases (and between its exports and its own tables): all are listed.
ACLED_GROUPS: tuple[GroupSpec, ...] = (
    GroupSpec("al-qaeda", "al-Qaeda", "al-Qaeda", ("Al Qaeda",), kind=JIHADIST),
    GroupSpec("islamic-state", "Islamic State", "IS", ("Islamic State",), kind=JIHADIST),
    GroupSpec(
        "jnim", "Jama'at Nusrat al-Islam wal-Muslimin", "JNIM",
        ("JNIM: Group for Support of Islam and Muslims", "Group for Support of Islam and Muslims"),
        affiliation="al-qaeda", kind=JIHADIST,
    ),
    GroupSpec(
        "isgs", "Islamic State in the Greater Sahara", "ISGS",
        ("Islamic State (Greater Sahara)", "Islamic State (West Africa) - Greater Sahara Faction",
         "Islamic State (Sahel)", "Islamic State Sahel Province"),
        affiliation="islamic-state", kind=JIHADIST,
    ),
    GroupSpec(
        "aqim", "al-Qaeda in the Islamic Maghreb", "AQIM",
        ("AQIM: Al Qaeda in the Islamic Maghreb", "Al Qaeda in the Islamic Maghreb"),
        affiliation="al-qaeda", kind=JIHADIST,
    ),
    GroupSpec("ansaroul-islam", "Ansaroul Islam", "Ansaroul Islam", ("Ansaroul Islam",
              "Ansarul Islam"), kind=JIHADIST),
    GroupSpec(
        "katiba-macina", "Katiba Macina", "Katiba Macina",
        ("Katiba Macina", "FLM: Macina Liberation Front", "Macina Liberation Front",
         "Movement of the Liberation of Maasina"),
        merged_into="jnim", kind=JIHADIST,
    ),
    GroupSpec("ansar-dine", "Ansar Dine", "Ansar Dine", ("Ansar Dine",),
              affiliation="al-qaeda", merged_into="jnim", kind=JIHADIST),
    GroupSpec("al-mourabitoun", "al-Mourabitoun", "al-Mourabitoun",
              ("Al Mourabitoune", "Al Mourabitoun", "Al Mourabitoune Battalion"),
              affiliation="al-qaeda", merged_into="jnim", kind=JIHADIST),
    GroupSpec(
        "mujao", "Movement for Unity and Jihad in West Africa", "MUJAO",
        ("MUJAO: Movement for Unity and Jihad in West Africa",),
        merged_into="al-mourabitoun", kind=JIHADIST,
    ),
    GroupSpec(
        "iswap", "Islamic State West Africa Province", "ISWAP",
        ("Islamic State (West Africa)", "Islamic State West Africa Province",
         "Boko Haram - Wilayat Gharb Ifriqiyyah",
         "Islamic State (West Africa) - Lake Chad Faction"),
        affiliation="islamic-state", kind=JIHADIST,
    ),
    GroupSpec(
        "boko-haram", "Jama'atu Ahlis Sunna Lidda'awati wal-Jihad", "Boko Haram",
        ("Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad",
         "Boko Haram - Jamatu Ahli is-Sunnah lid-Dawatai wal-Jihad", "Boko Haram", "JAS"),
        kind=JIHADIST,
    ),
    # Forces and militias that ACLED names often in the Sahel.
    GroupSpec(
        "minusma", "United Nations Multidimensional Integrated Stabilization Mission in Mali",
        "MINUSMA",
        ("MINUSMA: United Nations Multidimensional Integrated Stabilization Mission in Mali",),
        kind="foreign-force",
    ),
    GroupSpec("operation-barkhane", "Operation Barkhane", "Barkhane", ("Operation Barkhane",),
              kind="foreign-force"),
    GroupSpec("wagner-group", "Wagner Group", "Wagner", ("Wagner Group",), kind="foreign-force"),
    GroupSpec(
        "vdp", "Volunteers for the Defense of the Homeland", "VDP",
        ("VDP: Volunteers for the Defense of the Homeland",
         "Volunteers for the Defense of the Homeland"),
        kind="pro-government-militia",
    ),
)  # fmt: skip
GROUPS_BY_ID = {spec.id: spec for spec in ACLED_GROUPS}
_GROUPS_BY_ACLED_NAME = {
    name.casefold(): spec
    for spec in ACLED_GROUPS
    for name in (*spec.acled_names, spec.short or "")
    if name
}
COMPOSITE_SEPARATOR = re.compile(r"\s+and/or\s+", re.IGNORECASE)
# ACLED dates a force by the regime it served: "Military Forces of Mali (2021-)".
_REGIME_PERIOD = re.compile(r"\s*\((?:\d{4}-(?:\d{4})?|\d{4})\)")
_STATE_FORCE = re.compile(r"^(?:military|police|gendarmerie|government) (?:forces )?of (.+)$")
_FOREIGN_FORCE_WORDS = (
    "operation ",
    "barkhane",
    "serval",
    "takuba",
    "g5 sahel",
    "wagner",
    "africa corps",
    "minusma",
    "misahel",
    "united nations",
    "ecowas",
)
# Militias that fight beside the state (ACLED files them as political or identity militias).
_PRO_GOVERNMENT_MILITIA_WORDS = (
    "volunteers for the defense of the homeland",
    "volunteers for the defence of the homeland",
    "vdp:",
    "koglweogo",
    "dozo",
    "gatia",
    "imghad tuareg",
)
# What a group of each ACLED actor type is, unless its name says more (see `actor_kind`).
KIND_OF_INTER = {
    1: "state-force", 2: "rebel", 3: "political-militia", 4: "communal-militia",
    8: "foreign-force",
}  # fmt: skip


def slugify(text: str, limit: int = 80) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
    return slug[:limit].rstrip("-")


def without_period(name: str) -> str:
    """An actor name without ACLED's regime period, wherever it stands: `Military Forces of
    Mali (2021-)` -> `Military Forces of Mali`; `Military Forces of Mali (2013-2020)
    National Guard` -> `Military Forces of Mali National Guard`."""
    return " ".join(_REGIME_PERIOD.sub("", name.strip()).split())


def known_group(name: str) -> GroupSpec | None:
    return _GROUPS_BY_ACLED_NAME.get(name.strip().casefold())


def is_unidentified(name: str) -> bool:
    return name.strip().casefold().startswith("unidentified")


def is_unarmed(actor: Actor) -> bool:
    """Civilians, protesters and rioters: never a group of the registry. (A known group's
    name listed with civilians, e.g. suspected members, stays that group.)"""
    if known_group(actor.name) is not None:
        return False
    name = actor.name.casefold()
    return actor.inter in (5, 6, 7) or name.startswith(("civilians", "protesters", "rioters"))


def actor_kind(actor: Actor, country: str) -> str | None:
    """The registry kind of an armed actor (vocab.ACTOR_KINDS), from its name and type."""
    known = known_group(actor.name)
    if known is not None:
        return known.kind
    name = without_period(actor.name).casefold()
    if is_unidentified(name):
        return "unidentified-armed-group"
    if any(word in name for word in _FOREIGN_FORCE_WORDS):
        return "foreign-force"
    state = _STATE_FORCE.match(name)
    if state:
        of = state.group(1)  # "mali", "mali national guard"
        own = of == country.casefold() or of.startswith(country.casefold() + " ")
        return "state-force" if own and actor.inter != 8 else "foreign-force"
    if any(word in name for word in _PRO_GOVERNMENT_MILITIA_WORDS):
        return "pro-government-militia"
    return KIND_OF_INTER.get(actor.inter)


def group_for_actor(actor: Actor, country: str) -> GroupSpec:
    """The importer's group for an ACLED actor: its table's, or one made from the name.

    A state or foreign force is one group across ACLED's regime periods (the full names
    are its aliases); any other name the table lacks becomes a group of its own, marked
    `derived` so that the summary can list it for a curator.
    """
    spec = known_group(actor.name)
    if spec is not None:
        return spec
    kind = actor_kind(actor, country)
    name = without_period(actor.name)
    aliases = (actor.name.strip(),) if name != actor.name.strip() else ()
    if kind in ("state-force", "foreign-force") and _STATE_FORCE.match(name.casefold()):
        return GroupSpec(slugify(name), name, acled_names=aliases, kind=kind)
    return GroupSpec(slugify(name) or "unnamed-group", name, acled_names=aliases, kind=kind,
                     derived=True)  # fmt: skip


def group_for_name(name: str) -> GroupSpec:
    """The importer's group for an ACLED actor name of unknown type."""
    return group_for_actor(Actor(name, 0, True), "")


@dataclass(frozen=True)
class ActorRoles:
    perpetrators: tuple[tuple[GroupSpec, str], ...]  # (group, status), in order
    targets: tuple[str, ...]
    unidentified: bool  # ACLED names an unidentified armed group as the one who acted
    # Every armed actor of the event as a group (both sides): for the unmatched-name report.
    groups: tuple[GroupSpec, ...] = ()
    targeted: tuple[GroupSpec, ...] = ()  # the armed actors acted upon (target_groups)


# How an event type reads its two sides: actor1 acts on actor2 ("acts"), nobody acts on
# anybody ("none": protests, agreements, bases, transfers...), or the armed side of either
# column uses force against protesters ("force").
_NO_DIRECTION = {
    "agreement", "change to group/activity", "headquarters or base established",
    "non-violent transfer of territory", "other", "strategic development",
}  # fmt: skip


def event_direction(event_type: str, sub_event_type: str) -> str:
    folded_type, folded_sub = event_type.casefold(), sub_event_type.casefold()
    if folded_sub == "excessive force against protesters":
        return "force"
    if folded_type in ("protests", "riots/protests"):
        return "none"
    if folded_sub in _NO_DIRECTION or (not folded_sub and folded_type in _NO_DIRECTION):
        return "none"
    return "acts"


def _target_of(actor: Actor, country: str) -> str | None:
    """The target category of an actor that is acted upon (None: no category fits)."""
    name = actor.name.casefold()
    if "police" in name:
        return "police"
    if "gendarmerie" in name:
        return "gendarmerie"
    if "minusma" in name or "united nations" in name or "misahel" in name:
        return "un-peacekeepers"
    kind = actor_kind(actor, country)
    if kind == "foreign-force":
        return "foreign-military"
    if name.startswith("government of"):
        return "government"
    if kind == "state-force":
        return "military"
    if name.startswith("civilians") or actor.inter == 7:
        return "civilians"
    return None


def actor_roles(
    actors: Iterable[Actor], country: str, event_type: str = "", sub_event_type: str = ""
) -> ActorRoles:
    """Who acted on whom, from ACLED's two sides and its event type.

    actor1 and its associates act: each armed actor among them (a jihadist group, a state
    or foreign force, a militia...) is a perpetrator, `attributed`, or `suspected` for each
    group of an "X and/or Y" attribution; an unidentified armed group names none. actor2
    and its associates are acted upon: they give the targets, and a group there is never a
    perpetrator. Protests have no perpetrator (except the armed side that uses excessive
    force against protesters, whose targets are then civilians); agreements, bases and
    transfers have none either. ACLED records
    no claims, so no status is ever `claimed`.
    """
    direction = event_direction(event_type, sub_event_type)
    perpetrators: dict[str, tuple[GroupSpec, str]] = {}
    targets: list[str] = []
    groups: dict[str, GroupSpec] = {}
    targeted: dict[str, GroupSpec] = {}
    unidentified = False

    def add(spec: GroupSpec, status: str) -> None:
        known = perpetrators.get(spec.id)
        if known is None or (known[1] == "suspected" and status == "attributed"):
            perpetrators[spec.id] = (spec, status)

    for actor in actors:
        parts = COMPOSITE_SEPARATOR.split(actor.name)
        named = [
            dataclasses.replace(actor, name=part)
            for part in parts
            if part and not is_unidentified(part) and not is_unarmed(actor)
        ]
        specs = [group_for_actor(part, country) for part in named]
        for spec in specs:
            groups.setdefault(spec.id, spec)
        acts = (direction == "acts" and actor.side == 1) or (
            direction == "force" and not is_unarmed(actor)
        )
        if acts:
            if any(is_unidentified(part) for part in parts):
                unidentified = True
            status = "suspected" if len(parts) > 1 else "attributed"
            for spec in specs:
                add(spec, status)
        elif direction == "acts":
            targeted.update((spec.id, spec) for spec in specs)
            target = _target_of(actor, country) if len(parts) == 1 else None
            if target is not None and target not in targets:
                targets.append(target)
    return ActorRoles(
        tuple(perpetrators.values()), tuple(targets), unidentified, tuple(groups.values()),
        tuple(spec for spec_id, spec in targeted.items() if spec_id not in perpetrators),
    )  # fmt: skip


def resolve_groups(
    specs: Iterable[GroupSpec], registry: GroupRegistry
) -> tuple[dict[str, str], list[GroupSpec]]:
    """How each group is referred to in a store with `registry`, and the groups to add.

    A group the registry already knows (by id, ACLED name, name or short name) is referred
    to by its registry id; any other is added, with its parents (affiliation, merged_into).
    """
    references: dict[str, str] = {}
    to_add: list[GroupSpec] = []
    pending = list(specs)
    while pending:
        spec = pending.pop(0)
        if spec.id in references:
            continue
        found = next((g for g in map(registry.resolve, spec.lookup_names()) if g is not None), None)
        if found is not None:
            references[spec.id] = found.id
            continue
        references[spec.id] = spec.id
        to_add.append(spec)
        for parent in (spec.affiliation, spec.merged_into):
            if parent and parent in GROUPS_BY_ID:
                pending.append(GROUPS_BY_ID[parent])
    return references, to_add


# ---------------------------------------------------------------------------------------
# Events -> entries
# ---------------------------------------------------------------------------------------


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
