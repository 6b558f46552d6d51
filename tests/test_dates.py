"""Dates typed by users: --since/--until bounds, the injected now, and spans for display."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from sahel_timeline.dates import (
    DateInputError,
    format_span,
    parse_date_bound,
    parse_duration,
    resolve_now,
)
from sahel_timeline.model import FuzzyDate

NOW = dt.date(2018, 7, 15)
REPO = Path(__file__).resolve().parent.parent


def since(text: str, now: dt.date = NOW) -> dt.date:
    return parse_date_bound(text, now=now, side="since")


def until(text: str, now: dt.date = NOW) -> dt.date:
    return parse_date_bound(text, now=now, side="until")


# --- ISO forms ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2018", dt.date(2018, 1, 1), dt.date(2018, 12, 31)),
        ("2018-03", dt.date(2018, 3, 1), dt.date(2018, 3, 31)),
        ("2016-02", dt.date(2016, 2, 1), dt.date(2016, 2, 29)),
        ("2018-03-02", dt.date(2018, 3, 2), dt.date(2018, 3, 2)),
        ("2018-3-2", dt.date(2018, 3, 2), dt.date(2018, 3, 2)),
        (" 2018-03 ", dt.date(2018, 3, 1), dt.date(2018, 3, 31)),
    ],
)
def test_iso_period_bounds_cover_the_whole_period(text: str, first: dt.date, last: dt.date) -> None:
    assert since(text) == first
    assert until(text) == last


def test_until_a_year_ends_on_31_december() -> None:
    assert until("2018") == dt.date(2018, 12, 31)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2018-13", "month 13 does not exist"),
        ("2017-02-30", "Feb 2017 has 28 days"),
        ("0000", "year 0 does not exist"),
    ],
)
def test_impossible_iso_dates_are_refused_not_guessed(text: str, reason: str) -> None:
    # dateparser would read "2018-13" as the 13th of the current month.
    with pytest.raises(DateInputError) as caught:
        since(text)
    assert f"'{text}'" in str(caught.value)
    assert reason in str(caught.value)


def test_iso_forms_do_not_import_dateparser() -> None:
    code = (
        "import sys, datetime\n"
        "import sahel_timeline.dates as d\n"
        "assert 'dateparser' not in sys.modules, 'imported by the module'\n"
        "d.parse_date_bound('2018-03', now=datetime.date(2018, 7, 15), side='until')\n"
        "d.resolve_now('2018-07-15', {})\n"
        "assert 'dateparser' not in sys.modules, 'imported for an ISO date'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


# --- natural language -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("March 2018", dt.date(2018, 3, 1), dt.date(2018, 3, 31)),
        ("february 2016", dt.date(2016, 2, 1), dt.date(2016, 2, 29)),
        ("last year", dt.date(2017, 1, 1), dt.date(2017, 12, 31)),
        ("last month", dt.date(2018, 6, 1), dt.date(2018, 6, 30)),
        ("last week", dt.date(2018, 7, 2), dt.date(2018, 7, 8)),
        ("6 months ago", dt.date(2018, 1, 15), dt.date(2018, 1, 15)),
        ("1 year ago", dt.date(2017, 7, 15), dt.date(2017, 7, 15)),
        ("yesterday", dt.date(2018, 7, 14), dt.date(2018, 7, 14)),
        ("today", NOW, NOW),
        ("2 March 2018", dt.date(2018, 3, 2), dt.date(2018, 3, 2)),
        ("13/04/2018", dt.date(2018, 4, 13), dt.date(2018, 4, 13)),
    ],
)
def test_natural_language_is_read_against_now_and_spans_its_period(
    text: str, first: dt.date, last: dt.date
) -> None:
    assert since(text) == first
    assert until(text) == last


def test_a_month_without_a_year_is_the_most_recent_one_before_now() -> None:
    assert since("December") == dt.date(2017, 12, 1)
    assert until("December") == dt.date(2017, 12, 31)


def test_relative_dates_follow_the_injected_now_not_the_clock() -> None:
    assert since("yesterday", now=dt.date(2013, 1, 11)) == dt.date(2013, 1, 10)
    assert until("last year", now=dt.date(2013, 1, 11)) == dt.date(2012, 12, 31)


def test_a_month_named_when_now_is_the_31st_does_not_overflow() -> None:
    assert until("February 2018", now=dt.date(2018, 7, 31)) == dt.date(2018, 2, 28)
    assert since("6 months ago", now=dt.date(2018, 8, 31)) == dt.date(2018, 2, 28)


def test_a_time_zone_in_the_input_keeps_the_written_calendar_date() -> None:
    assert since("2 March 2018 23:30 UTC") == dt.date(2018, 3, 2)
    assert since("2018-03-02T01:00+05:00") == dt.date(2018, 3, 2)


# --- English and French natural dates ------------------------------------------------------

LATE_2026 = dt.date(2026, 11, 21)


@pytest.mark.parametrize(
    ("text", "now", "first", "last"),
    [
        ("last March", LATE_2026, dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
        ("previous March", LATE_2026, dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
        # Said in March, "last March" is a year ago, not the month under way.
        ("last March", dt.date(2026, 3, 10), dt.date(2025, 3, 1), dt.date(2025, 3, 31)),
        ("last December", LATE_2026, dt.date(2025, 12, 1), dt.date(2025, 12, 31)),
        ("March last year", LATE_2026, dt.date(2025, 3, 1), dt.date(2025, 3, 31)),
        ("march of this year", LATE_2026, dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
        ("mars 2018", LATE_2026, dt.date(2018, 3, 1), dt.date(2018, 3, 31)),
        ("août 2017", LATE_2026, dt.date(2017, 8, 1), dt.date(2017, 8, 31)),
        ("mars dernier", LATE_2026, dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
        ("mars de l’année dernière", LATE_2026, dt.date(2025, 3, 1), dt.date(2025, 3, 31)),
        ("depuis janvier", LATE_2026, dt.date(2026, 1, 1), dt.date(2026, 1, 31)),
        ("jusqu'à mars 2018", LATE_2026, dt.date(2018, 3, 1), dt.date(2018, 3, 31)),
        ("since March 2018", LATE_2026, dt.date(2018, 3, 1), dt.date(2018, 3, 31)),
        ("l'année dernière", LATE_2026, dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        ("le mois dernier", LATE_2026, dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
        # An offset names a day, in French as in English ("6 months ago").
        ("il y a 6 mois", LATE_2026, dt.date(2026, 5, 21), dt.date(2026, 5, 21)),
        ("il y a 2 semaines", LATE_2026, dt.date(2026, 11, 7), dt.date(2026, 11, 7)),
    ],
)
def test_english_and_french_natural_dates_name_their_whole_period(
    text: str, now: dt.date, first: dt.date, last: dt.date
) -> None:
    assert (since(text, now), until(text, now)) == (first, last)


@pytest.mark.parametrize(
    ("text", "before", "after"),
    [
        ("7d", dt.date(2018, 7, 22), dt.date(2018, 8, 5)),
        ("2w", dt.date(2018, 7, 15), dt.date(2018, 8, 12)),
        ("1 month", dt.date(2018, 6, 29), dt.date(2018, 8, 29)),
        ("1y", dt.date(2017, 7, 29), dt.date(2019, 7, 29)),
    ],
)
def test_a_window_counts_days_and_weeks_and_calendar_months(
    text: str, before: dt.date, after: dt.date
) -> None:
    election = dt.date(2018, 7, 29)
    window = parse_duration(text)
    assert (window.before(election), window.after(election)) == (before, after)
    assert parse_duration("1m").after(dt.date(2018, 1, 31)) == dt.date(2018, 2, 28)


@pytest.mark.parametrize("text", ["", "7", "d7", "a week", "7 fortnights"])
def test_a_window_that_is_not_a_number_and_a_unit_is_refused(text: str) -> None:
    with pytest.raises(DateInputError, match="length of time"):
        parse_duration(text)


# --- refused input ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["blorp", "last blorp", "the day after", "mars prochain mardi"])
def test_unreadable_dates_raise_an_error_quoting_the_input(text: str) -> None:
    with pytest.raises(DateInputError, match="could not understand the date") as caught:
        since(text)
    assert repr(text) in str(caught.value)


@pytest.mark.parametrize("text", ["12", "3", "201", "20180", "-5"])
def test_a_bare_number_that_is_not_a_four_digit_year_is_refused(text: str) -> None:
    # dateparser reads "12" as December of the current year.
    with pytest.raises(DateInputError) as caught:
        until(text)
    assert f"'{text}'" in str(caught.value)
    assert "four digits" in str(caught.value)


def test_a_slashed_date_that_could_be_day_or_month_first_is_refused() -> None:
    with pytest.raises(DateInputError, match="ambiguous") as caught:
        since("03/04/2018")
    assert "'03/04/2018'" in str(caught.value)


def test_an_empty_date_is_refused() -> None:
    with pytest.raises(DateInputError, match="empty"):
        since("  ")


def test_date_input_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        since("blorp")


# --- now ---------------------------------------------------------------------------------------


def test_now_option_wins_over_the_environment() -> None:
    assert resolve_now("2018-07-15", {"SAHEL_TIMELINE_NOW": "2001-01-01"}) == NOW


def test_now_comes_from_the_environment_without_the_option() -> None:
    assert resolve_now(None, {"SAHEL_TIMELINE_NOW": "2018-07-15"}) == NOW


def test_now_defaults_to_today() -> None:
    assert resolve_now(None, {}) == dt.date.today()
    assert resolve_now(None, {"SAHEL_TIMELINE_NOW": ""}) == dt.date.today()


def test_a_fuzzy_now_stands_for_its_first_day() -> None:
    assert resolve_now("2018-07", {}) == dt.date(2018, 7, 1)
    assert resolve_now(None, {"SAHEL_TIMELINE_NOW": "2018"}) == dt.date(2018, 1, 1)


@pytest.mark.parametrize("text", ["yesterday", "15/07/2018", "2018-07-32"])
def test_a_bad_now_option_is_refused_with_its_value(text: str) -> None:
    with pytest.raises(DateInputError) as caught:
        resolve_now(text, {})
    assert repr(text) in str(caught.value)


def test_a_bad_now_in_the_environment_names_the_variable() -> None:
    with pytest.raises(DateInputError) as caught:
        resolve_now(None, {"SAHEL_TIMELINE_NOW": "soon"})
    assert "SAHEL_TIMELINE_NOW" in str(caught.value)
    assert "'soon'" in str(caught.value)


# --- display ----------------------------------------------------------------------------------


def span(start: str, end: str | None = None) -> str:
    return format_span(FuzzyDate.parse(start), FuzzyDate.parse(end) if end else None)


@pytest.mark.parametrize(
    ("start", "end", "shown"),
    [
        ("2017-08-13", None, "13 Aug 2017"),
        ("2018-06", None, "Jun 2018"),
        ("2016", None, "2016"),
        ("2017-08-13", "2017-08-13", "13 Aug 2017"),
        ("2017-08-13", "2017-08-14", "13-14 Aug 2017"),
        ("2018-06-30", "2018-07-02", "30 Jun-2 Jul 2018"),
        ("2017-12-30", "2018-01-02", "30 Dec 2017-2 Jan 2018"),
        ("2018-06", "2018-07", "Jun-Jul 2018"),
        ("2017-12", "2018-01", "Dec 2017-Jan 2018"),
        ("2013", "2014", "2013-2014"),
        ("2013-01-11", "2014-07-15", "11 Jan 2013-15 Jul 2014"),
        ("2018-06", "2018-07-02", "Jun 2018-2 Jul 2018"),
    ],
)
def test_spans_keep_the_precision_of_each_end(start: str, end: str | None, shown: str) -> None:
    assert span(start, end) == shown
