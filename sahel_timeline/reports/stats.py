"""Counts and casualty sums per bucket (year, month, country, group, tactic). No terminal.

- Only incidents are counted: milestones are context, with no figures to add up.
- Sums add the lows and the highs separately, so `18-19` and `8` make `26-27`; an unknown
  figure adds nothing and is counted in `killed_unknown` / `wounded_unknown` instead
  (never as 0). An open-ended figure ("at least 15") is a lower bound: it adds its low, and
  a sum with such a term is open-ended too (`15+` and `8` make `23+`).
- By group or tactic an incident counts in each of its buckets (an attack by two groups
  counts for both); the total counts it once, so it is not the sum of the rows.
- Periods (week, month, quarter, year) come in date order, every one between the first and
  the last incident's, empty ones included (a lull is as telling as a surge); see
  `period_series`. An incident dated less precisely than the period (a year-precision
  incident in a month breakdown) cannot be placed in one: it is counted in the total and in
  a last "Month not known" bucket. The others come by number of incidents,
  most first, then by name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from sahel_timeline.engine.query import group_incidents
from sahel_timeline.model import MONTH_ABBREVIATIONS, Figure, FuzzyDate, Incident
from sahel_timeline.registry import GroupRegistry

# Calendar periods, finest first; a week is an ISO week (Monday to Sunday).
PERIODS: tuple[str, ...] = ("week", "month", "quarter", "year")
STATS_BY: tuple[str, ...] = ("week", "month", "quarter", "year", "country", "group", "tactic")
UNKNOWN_GROUP_LABEL = "Unknown perpetrator"
NO_TACTIC_LABEL = "No tactic recorded"


@dataclass
class Bucket:
    """The incidents of one bucket and their summed figures."""

    label: str
    incidents: int = 0
    # The first and last day of a calendar period's bucket; None for other buckets.
    start: dt.date | None = None
    end: dt.date | None = None
    killed_low: int = 0
    killed_high: int = 0  # the sum of the highest figures given (an open-ended one's low)
    killed_unknown: int = 0
    killed_open_ended: int = 0
    wounded_low: int = 0
    wounded_high: int = 0
    wounded_unknown: int = 0
    wounded_open_ended: int = 0

    @property
    def killed(self) -> Figure | None:
        """The summed range, or None when every incident's toll is unknown (or none counted)."""
        return _summed(
            self.killed_low,
            self.killed_high,
            self.incidents - self.killed_unknown,
            self.killed_open_ended,
        )

    @property
    def wounded(self) -> Figure | None:
        return _summed(
            self.wounded_low,
            self.wounded_high,
            self.incidents - self.wounded_unknown,
            self.wounded_open_ended,
        )

    def merge(self, other: Bucket) -> None:
        """Add the counts and sums of `other` (a bucket of other incidents) to this one."""
        self.incidents += other.incidents
        self.killed_low += other.killed_low
        self.killed_high += other.killed_high
        self.killed_unknown += other.killed_unknown
        self.wounded_low += other.wounded_low
        self.wounded_high += other.wounded_high
        self.wounded_unknown += other.wounded_unknown

    def add(self, incident: Incident) -> None:
        self.incidents += 1
        if incident.killed is None:
            self.killed_unknown += 1
        else:
            self.killed_low += incident.killed.low
            self.killed_high += incident.killed.highest_given
            self.killed_open_ended += incident.killed.is_open_ended
        if incident.wounded is None:
            self.wounded_unknown += 1
        else:
            self.wounded_low += incident.wounded.low
            self.wounded_high += incident.wounded.highest_given
            self.wounded_open_ended += incident.wounded.is_open_ended


@dataclass
class Stats:
    by: str
    buckets: list[Bucket] = field(default_factory=list)
    total: Bucket = field(default_factory=lambda: Bucket("Total"))
    milestones_left_out: int = 0
    # Incidents per month, zero-filled: the tempo line under any breakdown.
    monthly: PeriodSeries | None = None


def compute_stats(
    incidents: Iterable[Incident], by: str = "year", registry: GroupRegistry | None = None
) -> Stats:
    """Buckets of the incidents by `by` (one of STATS_BY), with the total; ValueError otherwise."""
    if by not in STATS_BY:
        raise ValueError(f"unknown breakdown {by!r}; choose from {', '.join(STATS_BY)}")
    entries = list(incidents)
    counted = [incident for incident in entries if not incident.is_milestone]
    stats = Stats(by=by, milestones_left_out=len(entries) - len(counted))
    for incident in counted:
        stats.total.add(incident)
    stats.monthly = period_series(counted, "month")
    if by in PERIODS:
        series = period_series(counted, by)
        stats.buckets = list(series.buckets)
        if series.imprecise.incidents:
            stats.buckets.append(series.imprecise)
        return stats
    labels_of = _labeller(by, registry)
    buckets: dict[str, Bucket] = {}
    for incident in counted:
        for label in labels_of(incident):
            buckets.setdefault(label, Bucket(label)).add(incident)
    stats.buckets = sorted(buckets.values(), key=lambda b: (-b.incidents, b.label.casefold()))
    return stats


def _labeller(by: str, registry: GroupRegistry | None) -> Callable[[Incident], list[str]]:
    if by == "country":
        # The same naming as the timeline's `--group-by country` headings.
        return lambda incident: [group_incidents([incident], "country")[0][0]]
    if by == "tactic":
        return lambda incident: _unique(list(incident.tactics)) or [NO_TACTIC_LABEL]

    def groups(incident: Incident) -> list[str]:
        names = []
        for perpetrator in incident.perpetrators:
            group = registry.resolve(perpetrator.group) if registry is not None else None
            names.append(group.display_name if group is not None else perpetrator.group)
        return _unique(names) or [UNKNOWN_GROUP_LABEL]

    return groups


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _summed(low: int, high: int, known: int, open_ended: int) -> Figure | None:
    """The sum as a figure: open-ended (a lower bound) when any of its terms is."""
    if known == 0:
        return None
    return Figure(low, None if open_ended else high)


@dataclass(frozen=True)
class GroupCount:
    """Incidents naming the group itself, and naming it or any group of its family."""

    own: int
    family: int
    targeted: int = 0  # incidents that name the group in target_groups


def incidents_per_group(
    incidents: Iterable[Incident], registry: GroupRegistry
) -> dict[str, GroupCount]:
    """For each group id, how many incidents name it, and its family (each incident once).

    The family is the one `--group` matches: the group, its affiliates and merged
    components, transitively.
    """
    named_by: list[set[str]] = []
    targeted: dict[str, int] = {}
    for incident in incidents:
        for target in {g.id for g in map(registry.resolve, incident.target_groups) if g}:
            targeted[target] = targeted.get(target, 0) + 1
        named = set()
        for perpetrator in incident.perpetrators:
            group = registry.resolve(perpetrator.group)
            if group is not None:
                named.add(group.id)
        if named:
            named_by.append(named)
    counts: dict[str, GroupCount] = {}
    for group in registry:
        family = registry.family(group.id)
        counts[group.id] = GroupCount(
            own=sum(1 for named in named_by if group.id in named),
            family=sum(1 for named in named_by if named & family),
            targeted=targeted.get(group.id, 0),
        )
    return counts


# --- calendar periods -------------------------------------------------------------------------


@dataclass
class PeriodSeries:
    """Consecutive calendar periods with their incidents, empty periods included.

    `buckets` run from the period of the earliest incident to that of the latest, with no
    gap; `imprecise` holds the incidents dated less precisely than the period (a `2018`
    incident in a month series), which no single period can claim.
    """

    period: str
    buckets: list[Bucket]
    imprecise: Bucket

    @property
    def counts(self) -> list[int]:
        """Incidents per period, in order: the series a sparkline draws."""
        return [bucket.incidents for bucket in self.buckets]


def period_series(
    incidents: Iterable[Incident],
    period: str = "month",
    *,
    first: dt.date | None = None,
    last: dt.date | None = None,
    ongoing_in_first: bool = False,
) -> PeriodSeries:
    """Incidents per `period` (one of PERIODS), zero-filled between the first and the last.

    An incident counts in the period its start date falls in. `first` and `last` widen (or
    narrow) the range to the periods holding those days, e.g. to a query's since/until
    bounds; incidents outside the range are left out, except that with `ongoing_in_first`
    one that began before `first` counts in the first period (where a timeline shows it, as
    ongoing). Milestones are counted like incidents: pass only what should be counted.
    """
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r}; choose from {', '.join(PERIODS)}")
    placed: dict[dt.date, list[Incident]] = {}
    imprecise = Bucket(f"{period.capitalize()} not known")
    for incident in incidents:
        start = incident.start
        if ongoing_in_first and first is not None and start < first:
            start = first
        elif not is_precise_enough(incident.date, period):
            imprecise.add(incident)
            continue
        placed.setdefault(period_start(start, period), []).append(incident)
    buckets: list[Bucket] = []
    low = period_start(first, period) if first is not None else min(placed, default=None)
    high = period_start(last, period) if last is not None else max(placed, default=None)
    if low is not None and high is not None:
        current = low
        while current <= high:
            following = next_period_start(current, period)
            bucket = Bucket(
                period_label(current, period),
                start=current,
                end=following - dt.timedelta(days=1),
            )
            for incident in placed.get(current, ()):
                bucket.add(incident)
            buckets.append(bucket)
            current = following
    return PeriodSeries(period, buckets, imprecise)


def period_start(day: dt.date, period: str) -> dt.date:
    """The first day of the `period` that holds `day` (a Monday for a week)."""
    if period == "week":
        return day - dt.timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    if period == "quarter":
        return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    if period == "year":
        return dt.date(day.year, 1, 1)
    raise ValueError(f"unknown period {period!r}")


def next_period_start(start: dt.date, period: str) -> dt.date:
    """The first day of the period after the one starting on `start`."""
    if period == "week":
        return start + dt.timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[period]
    index = start.year * 12 + start.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def period_label(start: dt.date, period: str) -> str:
    """`2018-W09` (ISO week), `Mar 2018`, `Q1 2018` or `2018` for the period starting `start`."""
    if period == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "month":
        return f"{MONTH_ABBREVIATIONS[start.month - 1]} {start.year}"
    if period == "quarter":
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    return str(start.year)


def is_precise_enough(date: FuzzyDate, period: str) -> bool:
    """Whether a date of this precision falls in one `period`: `2018-03` is in one quarter
    but not in one week."""
    if period == "year":
        return True
    if period in ("month", "quarter"):
        return date.month is not None
    return date.day is not None


def coarsen(series: PeriodSeries, period: str) -> PeriodSeries:
    """The same incidents in longer periods (months into quarters or years), zero-filled."""
    if PERIODS.index(period) < PERIODS.index(series.period):
        raise ValueError(f"cannot split {series.period}s into {period}s")
    buckets: list[Bucket] = []
    for bucket in series.buckets:
        assert bucket.start is not None
        start = period_start(bucket.start, period)
        if not buckets or buckets[-1].start != start:
            end = next_period_start(start, period) - dt.timedelta(days=1)
            buckets.append(Bucket(period_label(start, period), start=start, end=end))
        buckets[-1].merge(bucket)
    return PeriodSeries(period, buckets, series.imprecise)


SPARK_ZERO = "·"
SPARK_BLOCKS = "▁▂▃▄▅▆▇█"


def sparkline(counts: Sequence[int]) -> str:
    """One character per value, scaled to the largest: `▁▃█·▂`. A zero is `·` and any other
    value at least `▁`, so that a lull and a single event read differently."""
    largest = max(counts, default=0)
    steps = len(SPARK_BLOCKS) - 1
    return "".join(
        SPARK_BLOCKS[round((count - 1) * steps / max(largest - 1, 1))] if count > 0 else SPARK_ZERO
        for count in counts
    )
