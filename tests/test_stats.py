"""The stats core: buckets, sums of lows and highs, unknown figures, group counts."""

from __future__ import annotations

import datetime as dt

import pytest

from sahel_timeline.model import Figure, FuzzyDate, Group, Incident, Location, Perpetrator
from sahel_timeline.registry import GroupRegistry
from sahel_timeline.reports.stats import (
    NO_TACTIC_LABEL,
    UNKNOWN_GROUP_LABEL,
    coarsen,
    compute_stats,
    incidents_per_group,
    period_series,
    sparkline,
)

REGISTRY = GroupRegistry(
    [
        Group("al-qaeda", "al-Qaeda"),
        Group("jnim", "Jama'at Nusrat al-Islam wal-Muslimin", short="JNIM", aliases=("GSIM",),
              affiliation="al-qaeda"),
        Group("katiba-macina", "Katiba Macina", merged_into="jnim"),
        Group("isgs", "Islamic State in the Greater Sahara", short="ISGS"),
    ]
)  # fmt: skip


def incident(
    ident: str,
    date: str,
    *,
    killed: Figure | None = None,
    wounded: Figure | None = None,
    groups: tuple[str, ...] = (),
    tactics: tuple[str, ...] = (),
    country: str | None = "Mali",
    kind: str = "incident",
) -> Incident:
    return Incident(
        id=ident,
        title=ident,
        date=FuzzyDate.parse(date),
        kind=kind,
        location=Location(country=country),
        perpetrators=tuple(Perpetrator(group, "claimed") for group in groups),
        killed=killed,
        wounded=wounded,
        tactics=tactics,
    )


def test_sums_add_lows_and_highs_separately() -> None:
    stats = compute_stats(
        [
            incident("a", "2017-08-13", killed=Figure(18, 19)),
            incident("b", "2017-10-04", killed=Figure(8, 8)),
        ],
        "year",
    )
    (bucket,) = stats.buckets
    assert (bucket.killed_low, bucket.killed_high) == (26, 27)
    assert str(bucket.killed) == "26-27"


def test_an_unknown_figure_is_counted_apart_and_never_as_zero() -> None:
    stats = compute_stats(
        [
            incident("a", "2018-01-01", killed=Figure(3, 5), wounded=None),
            incident("b", "2018-02-01", killed=None, wounded=Figure(0, 0)),
        ],
        "year",
    )
    bucket = stats.buckets[0]
    assert bucket.killed_unknown == 1 and bucket.wounded_unknown == 1
    assert str(bucket.killed) == "3-5"
    assert str(bucket.wounded) == "0"


def test_a_bucket_where_every_figure_is_unknown_has_no_sum() -> None:
    stats = compute_stats([incident("a", "2018-01-01")], "year")
    assert stats.buckets[0].killed is None
    assert stats.buckets[0].killed_unknown == 1


def test_milestones_are_left_out_and_counted() -> None:
    stats = compute_stats(
        [incident("a", "2018-01-01"), incident("m", "2018-07-29", kind="milestone")], "year"
    )
    assert stats.total.incidents == 1
    assert stats.milestones_left_out == 1


def test_periods_come_in_date_order_with_every_empty_one_between() -> None:
    entries = [
        incident("c", "2018-01-20", killed=Figure(2, 3)),
        incident("a", "2017-10-02"),
        incident("d", "2017-10-30", killed=Figure(1, 1)),
    ]
    months = compute_stats(entries, "month").buckets
    assert [(b.label, b.incidents) for b in months] == [
        ("Oct 2017", 2),
        ("Nov 2017", 0),
        ("Dec 2017", 0),
        ("Jan 2018", 1),
    ]
    assert str(months[0].killed) == "1" and months[0].killed_unknown == 1
    assert (months[1].start, months[1].end) == (dt.date(2017, 11, 1), dt.date(2017, 11, 30))
    assert [b.label for b in compute_stats(entries, "year").buckets] == ["2017", "2018"]
    quarters = compute_stats(entries, "quarter").buckets
    assert [(b.label, b.incidents) for b in quarters] == [("Q4 2017", 2), ("Q1 2018", 1)]


def test_weeks_are_iso_weeks_across_the_turn_of_the_year() -> None:
    # 31 Dec 2018 is the Monday of ISO week 1 of 2019; 30 Dec 2018 ends week 52 of 2018.
    entries = [
        incident("a", "2018-12-30"),
        incident("b", "2019-01-06"),
        incident("c", "2019-01-14"),
    ]
    weeks = compute_stats(entries, "week").buckets
    assert [(b.label, b.incidents) for b in weeks] == [
        ("2018-W52", 1),
        ("2019-W01", 1),
        ("2019-W02", 0),
        ("2019-W03", 1),
    ]
    assert weeks[1].start == dt.date(2018, 12, 31) and weeks[1].end == dt.date(2019, 1, 6)


def test_an_incident_less_precise_than_the_period_is_counted_apart_and_in_the_total() -> None:
    entries = [incident("a", "2017-08"), incident("b", "2017"), incident("c", "2017-08-20")]
    months = compute_stats(entries, "month").buckets
    assert [(b.label, b.incidents) for b in months] == [
        ("Aug 2017", 2),
        ("Month not known", 1),
    ]
    series = period_series(entries, "week")
    assert [b.incidents for b in series.buckets] == [1]  # only the day-precision one
    assert series.imprecise.incidents == 2
    assert compute_stats(entries, "week").total.incidents == 3


def test_a_series_can_be_widened_to_given_bounds_and_coarsened() -> None:
    series = period_series(
        [incident("a", "2018-03-05")], "month", first=dt.date(2018, 1, 15), last=dt.date(2018, 5, 1)
    )
    assert [b.label for b in series.buckets] == [
        "Jan 2018", "Feb 2018", "Mar 2018", "Apr 2018", "May 2018"
    ]  # fmt: skip
    assert series.counts == [0, 0, 1, 0, 0]
    quarters = coarsen(series, "quarter")
    assert [(b.label, b.incidents) for b in quarters.buckets] == [("Q1 2018", 1), ("Q2 2018", 0)]
    assert period_series([], "month").buckets == []


def test_an_entry_that_began_before_the_series_can_count_in_its_first_period() -> None:
    entries = [incident("barkhane", "2014-08-01"), incident("b", "2018-08-02")]
    july = dt.date(2018, 7, 1)
    assert period_series(entries, "month", first=july).counts == [0, 1]
    assert period_series(entries, "month", first=july, ongoing_in_first=True).counts == [1, 1]


def test_sparkline_tells_a_lull_from_a_single_event_and_peaks_at_the_largest() -> None:
    line = sparkline([0, 1, 5, 9, 0])
    assert len(line) == 5
    assert line[0] == line[4] != line[1]
    assert line[3] == max(line[1:4]) and line[1] < line[2] < line[3]


def test_an_incident_with_two_groups_counts_under_each_and_once_in_the_total() -> None:
    stats = compute_stats(
        [
            incident("a", "2018-01-01", groups=("GSIM", "isgs"), killed=Figure(2, 2)),
            incident("b", "2018-02-01", groups=("jnim",), killed=Figure(1, 1)),
            incident("c", "2018-03-01"),
        ],
        "group",
        REGISTRY,
    )
    rows = {b.label: (b.incidents, str(b.killed)) for b in stats.buckets}
    assert rows == {"JNIM": (2, "3"), "ISGS": (1, "2"), UNKNOWN_GROUP_LABEL: (1, "None")}
    assert stats.buckets[0].label == "JNIM"  # most incidents first
    assert stats.total.incidents == 3
    assert str(stats.total.killed) == "3"


def test_tactics_and_countries_bucket_each_incident_with_fallback_labels() -> None:
    entries = [
        incident("a", "2018-01-01", tactics=("ambush", "raid")),
        incident("b", "2018-02-01", tactics=(), country=None),
        incident("c", "2018-03-01", tactics=("raid",), country="BFA"),
    ]
    tactics = {b.label: b.incidents for b in compute_stats(entries, "tactic").buckets}
    assert tactics == {"raid": 2, "ambush": 1, NO_TACTIC_LABEL: 1}
    countries = {b.label: b.incidents for b in compute_stats(entries, "country").buckets}
    assert countries == {"Mali": 1, "Burkina Faso": 1, "Unknown country": 1}


def test_an_unknown_breakdown_is_refused() -> None:
    with pytest.raises(ValueError, match="weekday"):
        compute_stats([], "weekday")


def test_group_counts_give_the_group_itself_and_its_family_once_per_incident() -> None:
    counts = incidents_per_group(
        [
            incident("a", "2018-01-01", groups=("jnim", "katiba-macina")),
            incident("b", "2018-02-01", groups=("katiba-macina",)),
            incident("c", "2018-03-01", groups=("isgs",)),
        ],
        REGISTRY,
    )
    assert (counts["jnim"].own, counts["jnim"].family) == (1, 2)
    assert (counts["katiba-macina"].own, counts["katiba-macina"].family) == (2, 2)
    assert (counts["al-qaeda"].own, counts["al-qaeda"].family) == (0, 2)
    assert (counts["isgs"].own, counts["isgs"].family) == (1, 1)
