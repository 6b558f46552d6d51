"""Store records as JSON lists, and back: how the cache database keeps each incident,
group and finding beside the columns that queries use.

Records are lists in a fixed field order (smaller and faster to read than objects with
named keys); marks are flattened to [path, line, column, path, line, column...]. Reading
one never runs code (JSON, not pickle), and every value is checked for its type while the
objects are rebuilt: a record of the wrong shape raises RecordError.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sahel_timeline.findings import Finding
from sahel_timeline.model import (
    Figure,
    FuzzyDate,
    Group,
    Incident,
    Location,
    Origin,
    Perpetrator,
    Source,
)

_OPT_STR = (str, type(None))
_OPT_INT = (int, type(None))
_OPT_LIST = (list, type(None))
_NUM = (int, float, type(None))
_ONLY_STR = {str}
_ONLY_INT = {int}


class RecordError(ValueError):
    """A stored record that cannot be used: of the wrong shape or type, or impossible."""


def _date(value: FuzzyDate | None) -> list[int | None] | None:
    return None if value is None else [value.year, value.month, value.day]


def _figure(value: Figure | None) -> list[int | None] | None:
    return None if value is None else [value.low, value.high, value.best]


def _marks(marks: dict[str, tuple[int, int]]) -> list[Any]:
    return [part for path, (line, column) in marks.items() for part in (path, line, column)]


def _location_data(location: Location) -> list[Any]:
    return [
        location.country, location.country_code, location.admin1, location.place,
        location.site, location.lat, location.lon, location.precision,
    ]  # fmt: skip


def _incident_data(incident: Incident) -> list[Any]:
    location = incident.location
    origin = incident.origin or Origin("", 1, 1)
    return [
        incident.id,
        incident.title,
        _date(incident.date),
        incident.kind,
        _date(incident.end_date),
        incident.time,
        _location_data(location),
        list(incident.tactics),
        list(incident.targets),
        [[p.group, p.status, _date(p.claimed_on)] for p in incident.perpetrators],
        _figure(incident.killed),
        _figure(incident.attackers_killed),
        _figure(incident.wounded),
        incident.summary,
        incident.notes,
        list(incident.tags),
        [
            [s.title, s.author, s.publisher, _date(s.published), s.url, s.title_checked]
            for s in incident.sources
        ],
        list(incident.related),
        incident.extensions,
        origin.line,
        origin.column,
        _marks(incident.marks),
        incident.date_margin_days,
        list(incident.target_groups),
    ]


def _group_data(group: Group) -> list[Any]:
    origin = group.origin or Origin("", 1, 1)
    return [
        group.id, group.name, group.short, list(group.aliases), group.affiliation,
        _date(group.formed), group.merged_into, group.notes, group.extensions,
        origin.line, origin.column, _marks(group.marks), group.kind,
    ]  # fmt: skip


def _finding_data(f: Finding) -> list[Any]:
    return [f.file, f.line, f.column, f.severity, f.rule, f.message, f.more]


def _check(values: list[Any], types: tuple[Any, ...]) -> list[Any]:
    if type(values) is not list or len(values) != len(types):
        raise RecordError("a record of the wrong shape")
    if not all(map(isinstance, values, types)):
        raise RecordError("a value of the wrong type")
    return values


_DATE_TYPES = (int, _OPT_INT, _OPT_INT)
_FIGURE_TYPES = (int, _OPT_INT, _OPT_INT)
_LOCATION_TYPES = (_OPT_STR, _OPT_STR, _OPT_STR, _OPT_STR, _OPT_STR, _NUM, _NUM, _OPT_STR)
_PERPETRATOR_TYPES = (str, str, _OPT_LIST)
_SOURCE_TYPES = (str, _OPT_STR, _OPT_STR, _OPT_LIST, _OPT_STR, bool)
_INCIDENT_TYPES = (
    str, str, list, str, _OPT_LIST, _OPT_STR, list, list, list, list, _OPT_LIST, _OPT_LIST,
    _OPT_LIST, _OPT_STR, _OPT_STR, list, list, list, dict, int, int, list, _OPT_INT, list,
)  # fmt: skip
_GROUP_TYPES = (str, str, _OPT_STR, list, _OPT_STR, _OPT_LIST, _OPT_STR, _OPT_STR, dict, int,
                int, list, _OPT_STR)  # fmt: skip
_FINDING_TYPES = (str, int, int, str, str, str, int)


def _fuzzy(values: list[Any] | None) -> FuzzyDate | None:
    if values is None:
        return None
    year, month, day = _check(values, _DATE_TYPES)
    if (month is None and day is not None) or year < 1:
        raise RecordError("an impossible date")
    dt.date(year, month or 1, day or 1)  # ValueError for a month or day that does not exist
    return FuzzyDate(year, month, day)


def _figure_value(values: list[Any] | None) -> Figure | None:
    if values is None:
        return None
    return Figure(*_check(values, _FIGURE_TYPES))


def _strings(values: list[Any]) -> tuple[str, ...]:
    if values and not set(map(type, values)) <= _ONLY_STR:
        raise RecordError("a list of text holds something else")
    return tuple(values)


def _marks_value(flat: list[Any]) -> dict[str, tuple[int, int]]:
    # The type checks run in C (map, set): this is the inner loop of a warm load.
    paths, lines, columns = flat[0::3], flat[1::3], flat[2::3]
    if len(flat) % 3 or not (
        set(map(type, paths)) <= _ONLY_STR
        and set(map(type, lines)) <= _ONLY_INT
        and set(map(type, columns)) <= _ONLY_INT
    ):
        raise RecordError("marks of the wrong shape or type")
    return dict(zip(paths, zip(lines, columns, strict=True), strict=True))


def _incident(values: list[Any], file: str) -> Incident:
    (
        id_, title, date, kind, end_date, time, location, tactics, targets, perpetrators,
        killed, attackers_killed, wounded, summary, notes, tags, sources, related, extensions,
        line, column, marks, date_margin_days, target_groups,
    ) = _check(values, _INCIDENT_TYPES)  # fmt: skip
    date_value = _fuzzy(date)
    assert date_value is not None
    return Incident(
        id_,
        title,
        date_value,
        kind,
        _fuzzy(end_date),
        time,
        Location(*_check(location, _LOCATION_TYPES)),
        _strings(tactics),
        _strings(targets),
        tuple(
            Perpetrator(group, status, _fuzzy(claimed_on))
            for group, status, claimed_on in (_check(p, _PERPETRATOR_TYPES) for p in perpetrators)
        ),
        _figure_value(killed),
        _figure_value(attackers_killed),
        _figure_value(wounded),
        summary,
        notes,
        _strings(tags),
        tuple(
            Source(title_, author, publisher, _fuzzy(published), url, checked)
            for title_, author, publisher, published, url, checked in (
                _check(s, _SOURCE_TYPES) for s in sources
            )
        ),
        _strings(related),
        extensions,
        Origin(file, line, column),
        _marks_value(marks),
        date_margin_days,
        _strings(target_groups),
    )


def _group(values: list[Any], file: str) -> Group:
    (
        id_, name, short, aliases, affiliation, formed, merged_into, notes, extensions,
        line, column, marks, kind,
    ) = _check(values, _GROUP_TYPES)  # fmt: skip
    return Group(
        id_, name, short, _strings(aliases), affiliation, _fuzzy(formed), merged_into, notes,
        extensions, Origin(file, line, column), _marks_value(marks), kind,
    )  # fmt: skip


def dumps_record(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def encode_incident(incident: Incident) -> str:
    return dumps_record(_incident_data(incident))


def encode_group(group: Group) -> str:
    return dumps_record(_group_data(group))


def encode_finding(finding: Finding) -> str:
    return dumps_record(_finding_data(finding))


def decode_incident(text: str | bytes, file: str) -> Incident:
    """The incident of a stored record; RecordError (or ValueError) when it is unusable."""
    try:
        return _incident(json.loads(text), file)
    except (ValueError, TypeError, KeyError, IndexError, RecursionError, OverflowError) as error:
        raise RecordError(f"an unusable record: {error}") from None


def decode_group(text: str | bytes, file: str) -> Group:
    try:
        return _group(json.loads(text), file)
    except (ValueError, TypeError, KeyError, IndexError, RecursionError, OverflowError) as error:
        raise RecordError(f"an unusable record: {error}") from None


def decode_finding(text: str | bytes) -> Finding:
    try:
        return Finding(*_check(json.loads(text), _FINDING_TYPES))
    except (ValueError, TypeError, KeyError, IndexError, RecursionError, OverflowError) as error:
        raise RecordError(f"an unusable record: {error}") from None
