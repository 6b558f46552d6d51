"""Plain typed objects of the store: fuzzy dates, figures, incidents and groups.

Nothing here knows about YAML, the terminal or the command line.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sahel_timeline.findings import Finding

FUZZY_DATE_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
MONTH_ABBREVIATIONS = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip


@dataclass(frozen=True, order=True, slots=True)
class FuzzyDate:
    """A date whose written form is its precision: `2018`, `2018-06` or `2018-06-14`."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> FuzzyDate:
        """Read `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; raise ValueError with a plain reason."""
        match = FUZZY_DATE_PATTERN.match(text.strip())
        if not match:
            raise ValueError(f"{text!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
        year = int(match.group(1))
        month = int(match.group(2)) if match.group(2) else None
        day = int(match.group(3)) if match.group(3) else None
        try:
            return cls.from_parts(year, month, day)
        except ValueError as error:
            raise ValueError(f"{text!r}: {error}") from None

    @classmethod
    def from_parts(cls, year: int, month: int | None = None, day: int | None = None) -> FuzzyDate:
        """The date of these parts; ValueError (a plain reason) for one that does not exist."""
        if year < 1:
            raise ValueError("year 0 does not exist")
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"month {month} does not exist")
        if day is not None:
            if month is None:
                raise ValueError("a day needs a month")
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise ValueError(f"{MONTH_ABBREVIATIONS[month - 1]} {year} has {last} days")
        return cls(year, month, day)

    @property
    def precision(self) -> str:
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        return "year"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def end(self) -> dt.date:
        if self.day is not None:
            assert self.month is not None
            return dt.date(self.year, self.month, self.day)
        if self.month is not None:
            return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return dt.date(self.year, 12, 31)

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def display(self) -> str:
        """Human form that keeps the precision: `2016`, `Jun 2018`, `13 Aug 2017`."""
        if self.month is None:
            return str(self.year)
        month = MONTH_ABBREVIATIONS[self.month - 1]
        if self.day is None:
            return f"{month} {self.year}"
        return f"{self.day} {month} {self.year}"


@dataclass(frozen=True, slots=True)
class Figure:
    """A casualty figure: a range `low..high`, with an optional best estimate.

    `high` is None for an open-ended figure ("at least 15": `low` 15, no upper bound).
    An unknown figure is not a Figure at all: it is `None` on the incident.
    """

    low: int
    high: int | None
    best: int | None = None

    @property
    def is_exact(self) -> bool:
        return self.low == self.high

    @property
    def is_open_ended(self) -> bool:
        """True for "at least `low`": the sources give no upper bound."""
        return self.high is None

    @property
    def highest_given(self) -> int:
        """The largest number the sources give: `high`, or `low` for an open-ended figure.

        What sorting and `--min-killed` compare: "at least 15" counts as 15, never more.
        """
        return self.low if self.high is None else self.high

    def __str__(self) -> str:
        """`18`, `18-19`, or `15+` for an open-ended figure."""
        if self.high is None:
            return f"{self.low}+"
        return str(self.low) if self.is_exact else f"{self.low}-{self.high}"

    def to_data(self) -> dict[str, int]:
        data = {"low": self.low}
        if self.high is not None:
            data["high"] = self.high
        if self.best is not None:
            data["best"] = self.best
        return data


def add_figures(figures: Iterable[Figure]) -> Figure | None:
    """Lows and highs added separately, open-ended when any term is (`15+` and `3` make
    `18+`); None when there is nothing to add (an empty sum is unknown, never 0)."""
    low = high = terms = 0
    open_ended = False
    for figure in figures:
        terms += 1
        low += figure.low
        open_ended = open_ended or figure.high is None
        high += figure.highest_given
    if not terms:
        return None
    return Figure(low, None if open_ended else high)


@dataclass(frozen=True, slots=True)
class Location:
    country: str | None = None  # canonical country name, e.g. "Burkina Faso"
    country_code: str | None = None  # ISO 3166-1 alpha-3, e.g. "BFA"
    admin1: str | None = None
    place: str | None = None
    site: str | None = None
    lat: float | None = None
    lon: float | None = None
    precision: str | None = None

    @property
    def has_coordinates(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass(frozen=True, slots=True)
class Perpetrator:
    group: str  # as written in the store; resolve it through the group registry
    status: str  # claimed | attributed | suspected
    claimed_on: FuzzyDate | None = None


@dataclass(frozen=True, slots=True)
class Source:
    title: str
    author: str | None = None
    publisher: str | None = None
    published: FuzzyDate | None = None
    url: str | None = None
    # False: the title was not checked against the source itself (a description or a
    # title given second-hand); views mark it so that nobody quotes it as the real title.
    title_checked: bool = True


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a record was written: the file and the 1-based line and column of its start."""

    file: str
    line: int
    column: int


@dataclass(slots=True)
class Incident:
    id: str
    title: str
    date: FuzzyDate
    kind: str = "incident"
    end_date: FuzzyDate | None = None
    time: str | None = None
    location: Location = field(default_factory=Location)
    tactics: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    perpetrators: tuple[Perpetrator, ...] = ()
    killed: Figure | None = None
    attackers_killed: Figure | None = None
    wounded: Figure | None = None
    summary: str | None = None
    notes: str | None = None
    tags: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    related: tuple[str, ...] = ()
    extensions: dict[str, Any] = field(default_factory=dict)
    origin: Origin | None = None
    # Positions (line, column) of values that cross-record checks point at, by path:
    # "id", "related.0", "perpetrators.1.group", "date"...
    marks: dict[str, tuple[int, int]] = field(default_factory=dict)
    # The event may lie this many days either side of `date` (ACLED's week precision:
    # `date` is the week's midpoint, the day an analyst counts it by).
    date_margin_days: int | None = None
    # Groups of the registry the incident targeted (the forces behind `targets`), by
    # reference like perpetrators: they are never perpetrators.
    target_groups: tuple[str, ...] = ()

    @property
    def start(self) -> dt.date:
        return self.date.start

    @property
    def end(self) -> dt.date:
        return (self.end_date or self.date).end

    @property
    def is_milestone(self) -> bool:
        return self.kind == "milestone"


@dataclass(slots=True)
class Group:
    id: str
    name: str
    short: str | None = None
    aliases: tuple[str, ...] = ()
    affiliation: str | None = None
    formed: FuzzyDate | None = None
    merged_into: str | None = None
    notes: str | None = None
    extensions: dict[str, Any] = field(default_factory=dict)
    origin: Origin | None = None
    marks: dict[str, tuple[int, int]] = field(default_factory=dict)
    kind: str | None = None  # one of vocab.ACTOR_KINDS; None when not said

    @property
    def display_name(self) -> str:
        return self.short or self.name

    def names(self) -> tuple[str, ...]:
        """Every name a perpetrator may use to refer to this group."""
        names = [self.id, self.name, *self.aliases]
        if self.short:
            names.append(self.short)
        return tuple(names)


@dataclass
class FileContent:
    """What one store file holds once validated: the unit a cache can keep."""

    file: str
    groups: list[Group] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # Ids of incidents written in the file but left out for their errors: a `related` entry
    # naming one of them is not "unknown", it points at a record that needs fixing.
    unloaded_ids: set[str] = field(default_factory=set)
