"""Dates the user types: filter bounds, the injected "now", and spans for display.

ISO forms (`2018`, `2018-03`, `2018-03-02`) are read here without dateparser; only natural
language (`March 2018`, `6 months ago`, `last year`) imports it, lazily, because importing it
and the first parse cost a noticeable fraction of a second.

Natural dates are read in English and French, the languages of most Sahel sources:
`mars 2018`, `l'année dernière`, `il y a 6 mois`. A month named with a word for "last" or
"this" (`last March`, `previous March`, `March last year`, `mars dernier`, `mars de l'année
dernière`), which dateparser does not read, is read here; so is a leading "since"/"until"
word (`depuis janvier`, `since March`, `jusqu'à mars 2018`), which adds nothing to the side
the option already gives.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import functools
import re
import unicodedata
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
# "6 months ago", "in 3 weeks", "il y a 6 mois": an offset from now names a day, even
# though dateparser reports the period of its unit ("month") for it.
_RELATIVE_OFFSET = re.compile(
    r"\bago\b|^in\s+\S+\s+(?:day|week|month|year)s?\b"
    r"|^il y a\b|^dans\s+\S+\s+(?:jour|semaine|mois|an|année)s?\b",  # French, the same
    re.IGNORECASE,
)


# "since"/"until" words before a date: the option already says which side is meant.
_BOUND_WORDS = re.compile(
    r"^(?:since|from|until|till|up to|depuis|dès|à partir de|a partir de|jusqu'(?:à|a|en|au)"
    r"|jusqu’(?:à|a|en|au))\s+",
    re.IGNORECASE,
)
_DURATION = re.compile(r"^(\d{1,4})\s*(d|days?|w|weeks?|m|months?|y|years?)$", re.IGNORECASE)
_DURATION_UNITS: dict[str, Literal["day", "week", "month", "year"]] = {
    **dict.fromkeys(("d", "day", "days"), "day"),
    **dict.fromkeys(("w", "week", "weeks"), "week"),
    **dict.fromkeys(("m", "month", "months"), "month"),
    **dict.fromkeys(("y", "year", "years"), "year"),
}
_FRENCH_MONTHS = (
    "janvier", "fevrier", "mars", "avril", "mai", "juin",
    "juillet", "aout", "septembre", "octobre", "novembre", "decembre",
)  # fmt: skip
# Month names in English and French, accents optional: "aout" is "août".
_MONTHS: dict[str, int] = {
    **{name.casefold(): number for number, name in enumerate(calendar.month_name) if name},
    **{name.casefold(): number for number, name in enumerate(calendar.month_abbr) if name},
    **{name: number for number, name in enumerate(_FRENCH_MONTHS, start=1)},
}
_MONTH = "(?P<month>[^\\W\\d_]+)"
# (pattern, which year): "latest" is the latest such month before the current one.
_NAMED_MONTH_FORMS = [
    (re.compile(rf"^(?:last|previous|the last|the previous) {_MONTH}$"), "latest"),
    (re.compile(rf"^{_MONTH} (?:dernier|passe)$"), "latest"),
    (re.compile(rf"^{_MONTH} (?:of )?last year$"), "last year"),
    (
        re.compile(rf"^(?:en )?{_MONTH} (?:de )?l'(?:annee derniere|an dernier|an passe)$"),
        "last year",
    ),
    (re.compile(rf"^{_MONTH} (?:of )?this year$"), "this year"),
    (re.compile(rf"^(?:en )?{_MONTH} (?:de )?cette annee$"), "this year"),
]


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
    start, end = parse_date_period(text, now=now)
    return start if side == "since" else end


def parse_date_period(text: str, *, now: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the period `text` names (see `parse_date_bound`)."""
    stripped = " ".join(text.split())
    if not stripped:
        raise DateInputError(f"could not understand the date {text!r}: it is empty")
    iso = _parse_iso(stripped, original=text)
    if iso is not None:
        return iso.start, iso.end
    stripped = _BOUND_WORDS.sub("", stripped) or stripped
    _refuse_misleading_forms(stripped, original=text)
    month = _named_month(stripped, now)
    if month is not None:
        return _period_span(month, "month")
    day, period = _parse_natural_language(stripped, now=now, original=text)
    return _period_span(day, period)


def is_iso_date(text: str) -> bool:
    """Whether `text` is written as an ISO date (`2018`, `2018-03`, `2018-03-02`)."""
    return _ISO_SHAPE.match(text.strip()) is not None


def parse_duration(text: str) -> Duration:
    """A length of time such as `7d`, `2w`, `3m`, `1y` or `10 days`; DateInputError otherwise."""
    match = _DURATION.match(text.strip())
    if match is None:
        raise DateInputError(
            f"could not understand the length of time {text!r}: "
            "write a number and a unit, e.g. 7d, 2w, 3m or 1y"
        )
    count = int(match.group(1))
    return Duration(count, _DURATION_UNITS[match.group(2).casefold()])


@dataclasses.dataclass(frozen=True)
class Duration:
    """A number of days, weeks, months or years; months and years follow the calendar."""

    count: int
    unit: Literal["day", "week", "month", "year"]

    def before(self, day: dt.date) -> dt.date:
        return self._shift(day, -self.count)

    def after(self, day: dt.date) -> dt.date:
        return self._shift(day, self.count)

    def __str__(self) -> str:
        return f"{self.count} {self.unit}{'' if self.count == 1 else 's'}"

    def _shift(self, day: dt.date, count: int) -> dt.date:
        if self.unit == "day":
            return day + dt.timedelta(days=count)
        if self.unit == "week":
            return day + dt.timedelta(weeks=count)
        months = count * (12 if self.unit == "year" else 1)
        index = day.year * 12 + day.month - 1 + months
        year, month = divmod(index, 12)
        last = calendar.monthrange(year, month + 1)[1]
        return dt.date(year, month + 1, min(day.day, last))


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


def _named_month(text: str, now: dt.date) -> dt.date | None:
    """The first day of a month named with "last", "previous", "last year", "this year" (or
    their French words), which dateparser does not read; None for other texts."""
    folded = _without_accents(text.casefold().replace("’", "'"))
    for pattern, which in _NAMED_MONTH_FORMS:
        match = pattern.match(folded)
        if match is None or match.group("month") not in _MONTHS:
            continue
        month = _MONTHS[match.group("month")]
        if which == "last year":
            return dt.date(now.year - 1, month, 1)
        if which == "this year":
            return dt.date(now.year, month, 1)
        # The latest such month that is over or under way before this one: said in
        # November 2026, "last March" is March 2026; said in March 2026, March 2025.
        year = now.year if month < now.month else now.year - 1
        return dt.date(year, month, 1)
    return None


def _without_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


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
    return DateDataParser(languages=["en", "fr"], settings=settings)


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
