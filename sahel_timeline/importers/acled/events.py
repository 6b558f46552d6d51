"""Choosing rows and merging them into events: `RowSelection` keeps the rows asked for,
`Coverage` says what the rows cover, `merge_records` folds the rows of one `event_id_cnty`
into one `AcledEvent` (the monadic export repeats an event once per actor)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sahel_timeline.importers.acled.event_types import crosswalked
from sahel_timeline.importers.acled.rows import AcledRecord, Actor


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
