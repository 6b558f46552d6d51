"""Reading ACLED CSV exports: the layout a header describes, each row as an `AcledRecord`
or a `RowProblem` that names its line, ACLED's date forms, and French Excel re-saves
(semicolons, day/month/year dates)."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from sahel_timeline.errors import SahelError
from sahel_timeline.model import FuzzyDate
from sahel_timeline.visible import without_controls
from sahel_timeline.vocab import Country, find_country

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
