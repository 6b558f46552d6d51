"""The stats core: buckets, sums of lows and highs, unknown figures, group counts."""

from __future__ import annotations

import datetime as dt

import pytest

from sahel_timeline.model import Figure, FuzzyDate, Group, Incident, Location, Perpetrator
from sahel_timeline.registry import GroupRegistry
from sahel_timeline.stats import (
    NO_TACTIC_LABEL,
    UNKNOWN_GROUP_LABEL,
    compute_stats,
    incidents_per_group,
    month_series,
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


def test_years_and_months_come_in_date_order_with_year_precision_under_its_year() -> None:
    entries = [
        incident("c", "2018-03-01"),
        incident("a", "2017-08"),
        incident("b", "2017"),
        incident("d", "2017-08-20"),
    ]
    assert [b.label for b in compute_stats(entries, "year").buckets] == ["2017", "2018"]
    months = compute_stats(entries, "month").buckets
    assert [(b.label, b.incidents) for b in months] == [
        ("2017", 1),
        ("Aug 2017", 2),
        ("Mar 2018", 1),
    ]


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


def test_month_series_fills_the_months_without_incidents_with_zeros() -> None:
    entries = [
        incident("a", "2017-11-03", killed=Figure(2, 4)),
        incident("b", "2017-11-20"),
        incident("c", "2018-02-01", killed=Figure(1, 1), wounded=Figure(3, 5)),
        incident("d", "2018", killed=Figure(7, 7)),
        incident("m", "2016-01-01", kind="milestone"),
    ]
    series = month_series(entries)
    assert [month.isoformat()[:7] for month, _ in series.months] == [
        "2017-11", "2017-12", "2018-01", "2018-02",
    ]  # fmt: skip
    by_month = {bucket.label: bucket for bucket in compute_stats(entries, by="month").buckets}
    for _, bucket in series.months:
        if bucket.incidents:
            assert bucket == by_month[bucket.label]
    november, december, january, february = (bucket for _, bucket in series.months)
    assert (november.incidents, november.killed, november.killed_unknown) == (2, Figure(2, 4), 1)
    assert (december.incidents, december.killed, january.incidents) == (0, None, 0)
    assert february.wounded == Figure(3, 5)
    # the year-only incident is in no month, and counted apart
    assert series.year_only.incidents == 1 and series.year_only.killed == Figure(7, 7)


def test_month_series_of_no_dated_incident_is_empty() -> None:
    assert month_series([incident("d", "2018")]).months == []
    assert month_series([]).months == []


def test_month_series_spans_the_asked_period_with_its_quiet_ends() -> None:
    entries = [incident("a", "2018-03-10", killed=Figure(1, 1))]
    series = month_series(entries, since=dt.date(2018, 1, 15), until=dt.date(2018, 5, 31))
    assert [month.month for month, _ in series.months] == [1, 2, 3, 4, 5]
    assert [bucket.incidents for _, bucket in series.months] == [0, 0, 1, 0, 0]
    # a period inside the incidents' own months does not cut them off
    assert len(month_series(entries, since=dt.date(2018, 3, 20)).months) == 1
