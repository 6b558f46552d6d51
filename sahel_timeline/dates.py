"""Dates the user types: filter bounds, the injected "now", and spans for display.

ISO forms (`2018`, `2018-03`, `2018-03-02`) are read here without dateparser; only natural
language (`March 2018`, `6 months ago`, `last year`) imports it, lazily, because importing it
and the first parse cost a noticeable fraction of a second.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

from sahel_timeline.model import MONTH_ABBREVIATIONS, FuzzyDate

if TYPE_CHECKING:
    from dateparser.date import DateDataParser

Side = Literal["since", "until"]

NOW_ENVIRONMENT_VARIABLE = "SAHEL_TIMELINE_NOW"

# The shape of an ISO date, a little looser than the store's (`2018-3` is accepted here) so
# that a typo such as `2018-13` is reported, not handed to dateparser, which would read it
# as "the 13th of this month".
_ISO_SHAPE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_BARE_NUMBER = re.compile(r"^[+-]?\d+$")
# Two small numbers before a year, e.g. `03/04/2018`: dateparser reads them month first.
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})$")
# "6 months ago", "in 3 weeks": an offset from now names a day, even though dateparser
# reports the period of its unit ("month") for it.
_RELATIVE_OFFSET = re.compile(r"\bago\b|^in\s+\S+\s+(?:day|week|month|year)s?\b", re.IGNORECASE)


class DateInputError(ValueError):
    """A date the user typed that cannot be understood; the message quotes the input."""


def parse_date_bound(text: str, *, now: dt.date, side: Side) -> dt.date:
    """The first (`since`) or last (`until`) day of the period `text` names.

    A period means its whole span: `2018` is 1 Jan to 31 Dec 2018, `March 2018` is 1 to
    31 March, `last year` is the whole previous calendar year and `last week` the Monday to
    Sunday before. A single day (`2018-03-02`, `yesterday`, `6 months ago`) is its own span.
    Relative words are read against `now`. Raise DateInputError when `text` is not understood.
    """
    if side not in ("since", "until"):
        raise ValueError(f"side must be 'since' or 'until', not {side!r}")
    stripped = " ".join(text.split())
    if not stripped:
        raise DateInputError(f"could not understand the date {text!r}: it is empty")
    iso = _parse_iso(stripped, original=text)
    if iso is not None:
        return iso.start if side == "since" else iso.end
    _refuse_misleading_forms(stripped, original=text)
    day, period = _parse_natural_language(stripped, now=now, original=text)
    start, end = _period_span(day, period)
    return start if side == "since" else end


def resolve_now(text: str | None, environ: Mapping[str, str]) -> dt.date:
    """The "now" relative dates are read against.

    `text` (the `--now` option) wins, then the SAHEL_TIMELINE_NOW environment variable (an
    empty value counts as unset), then today. The value is an ISO date; a shorter ISO form
    (`2018-07`, `2018`) stands for its first day. Raise DateInputError for anything else.
    """
    if text is not None:
        return _parse_now(text, source=None)
    value = environ.get(NOW_ENVIRONMENT_VARIABLE, "")
    if value.strip():
        return _parse_now(value, source=NOW_ENVIRONMENT_VARIABLE)
    return dt.date.today()


def format_span(start: FuzzyDate, end: FuzzyDate | None) -> str:
    """A date or a span of dates for display, keeping the precision of each end.

    `13 Aug 2017`, `Jun 2018`, `2016`; spans share what both ends have in common:
    `13-14 Aug 2017`, `30 Jun-2 Jul 2018`, `Jun-Jul 2018`, `Dec 2017-Jan 2018`, `2013-2014`.
    Ends of different precision are written in full: `Jun 2018-2 Jul 2018`.
    """
    if end is None or end == start:
        return start.display()
    if start.precision != end.precision:
        return f"{start.display()}-{end.display()}"
    if start.precision == "year":
        return f"{start.year}-{end.year}"
    if start.year != end.year:
        return f"{start.display()}-{end.display()}"
    assert start.month is not None and end.month is not None
    start_month = MONTH_ABBREVIATIONS[start.month - 1]
    end_month = MONTH_ABBREVIATIONS[end.month - 1]
    if start.precision == "month":
        return f"{start_month}-{end_month} {start.year}"
    if start.month == end.month:
        return f"{start.day}-{end.day} {start_month} {start.year}"
    return f"{start.day} {start_month}-{end.day} {end_month} {start.year}"


def _parse_iso(text: str, *, original: str) -> FuzzyDate | None:
    """A FuzzyDate for an ISO-shaped text, None for any other shape; errors for bad ISO."""
    match = _ISO_SHAPE.match(text)
    if match is None:
        return None
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    try:
        return FuzzyDate.from_parts(year, month, day)
    except ValueError as error:
        raise DateInputError(f"could not understand the date {original!r}: {error}") from None


def _refuse_misleading_forms(text: str, *, original: str) -> None:
    """Refuse forms that dateparser reads confidently but not as the user likely meant."""
    if _BARE_NUMBER.match(text):
        raise DateInputError(
            f"could not understand the date {original!r}: "
            "write a year with four digits (2018) or a date as YYYY-MM-DD"
        )
    numeric = _NUMERIC_DATE.match(text)
    if numeric is not None:
        first, second = int(numeric.group(1)), int(numeric.group(2))
        if first != second and first <= 12 and second <= 12:
            raise DateInputError(
                f"the date {original!r} is ambiguous (day/month or month/day?): "
                "write it as YYYY-MM-DD"
            )


def _parse_natural_language(text: str, *, now: dt.date, original: str) -> tuple[dt.date, str]:
    """The day and the period (day, week, month or year) dateparser reads in `text`."""
    data = _date_parser(now).get_date_data(text)
    moment = data.date_obj
    if moment is None:
        raise DateInputError(f"could not understand the date {original!r}")
    if moment.tzinfo is not None:
        # Keep the calendar date the user wrote, whatever its zone.
        moment = moment.replace(tzinfo=None)
    period = data.period or "day"
    if _RELATIVE_OFFSET.search(text):
        period = "day"
    return moment.date(), period


@functools.lru_cache(maxsize=4)
def _date_parser(now: dt.date) -> DateDataParser:
    from dateparser.date import DateDataParser  # lazy: costly to import

    settings = {
        "RELATIVE_BASE": dt.datetime(now.year, now.month, now.day),
        "PREFER_DATES_FROM": "past",
    }
    return DateDataParser(languages=["en"], settings=settings)


def _period_span(day: dt.date, period: str) -> tuple[dt.date, dt.date]:
    if period == "year":
        return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    if period == "month":
        last = calendar.monthrange(day.year, day.month)[1]
        return day.replace(day=1), day.replace(day=last)
    if period == "week":
        monday = day - dt.timedelta(days=day.weekday())
        return monday, monday + dt.timedelta(days=6)
    return day, day


def _parse_now(text: str, *, source: str | None) -> dt.date:
    prefix = f"{source}: " if source else ""
    try:
        iso = _parse_iso(text.strip(), original=text)
    except DateInputError as error:
        raise DateInputError(f"{prefix}{error}") from None
    if iso is None:
        raise DateInputError(
            f"{prefix}could not understand the date {text!r} (expected YYYY-MM-DD)"
        )
    return iso.start
