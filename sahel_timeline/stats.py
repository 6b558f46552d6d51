"""Counts and casualty sums per bucket (year, month, country, group, tactic). No terminal.

- Only incidents are counted: milestones are context, with no figures to add up.
- Sums add the lows and the highs separately, so `18-19` and `8` make `26-27`; an unknown
  figure adds nothing and is counted in `killed_unknown` / `wounded_unknown` instead
  (never as 0).
- By group or tactic an incident counts in each of its buckets (an attack by two groups
  counts for both); the total counts it once, so it is not the sum of the rows.
- Year and month buckets come in date order (a year-precision incident goes under its
  year in a month breakdown); the others by number of incidents, most first, then by name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sahel_timeline.model import Figure, FuzzyDate, Incident
from sahel_timeline.query import group_incidents
from sahel_timeline.registry import GroupRegistry

STATS_BY: tuple[str, ...] = ("year", "month", "country", "group", "tactic")
UNKNOWN_GROUP_LABEL = "Unknown perpetrator"
NO_TACTIC_LABEL = "No tactic recorded"


@dataclass
class Bucket:
    """The incidents of one bucket and their summed figures."""

    label: str
    incidents: int = 0
    killed_low: int = 0
    killed_high: int = 0
    killed_unknown: int = 0
    wounded_low: int = 0
    wounded_high: int = 0
    wounded_unknown: int = 0

    @property
    def killed(self) -> Figure | None:
        """The summed range, or None when every incident's toll is unknown (or none counted)."""
        return _summed(self.killed_low, self.killed_high, self.incidents - self.killed_unknown)

    @property
    def wounded(self) -> Figure | None:
        return _summed(self.wounded_low, self.wounded_high, self.incidents - self.wounded_unknown)

    def add(self, incident: Incident) -> None:
        self.incidents += 1
        if incident.killed is None:
            self.killed_unknown += 1
        else:
            self.killed_low += incident.killed.low
            self.killed_high += incident.killed.high
        if incident.wounded is None:
            self.wounded_unknown += 1
        else:
            self.wounded_low += incident.wounded.low
            self.wounded_high += incident.wounded.high


@dataclass
class Stats:
    by: str
    buckets: list[Bucket] = field(default_factory=list)
    total: Bucket = field(default_factory=lambda: Bucket("Total"))
    milestones_left_out: int = 0


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
    if by in ("year", "month"):
        ordered = sorted(counted, key=lambda i: (i.start, i.end, i.id))
        for label, members in group_incidents(ordered, by):
            bucket = Bucket(label)
            for incident in members:
                bucket.add(incident)
            stats.buckets.append(bucket)
        return stats
    labels_of = _labeller(by, registry)
    buckets: dict[str, Bucket] = {}
    for incident in counted:
        for label in labels_of(incident):
            buckets.setdefault(label, Bucket(label)).add(incident)
    stats.buckets = sorted(buckets.values(), key=lambda b: (-b.incidents, b.label.casefold()))
    return stats


@dataclass
class MonthSeries:
    """Every calendar month from the first to the last incident's, zero months included.

    `months` pairs the first day of each month with its bucket (the same numbers as
    `compute_stats(by="month")`); incidents dated only to a year belong to no month and are
    counted in `year_only`.
    """

    months: list[tuple[dt.date, Bucket]] = field(default_factory=list)
    year_only: Bucket = field(default_factory=lambda: Bucket("Year only"))


def month_series(
    incidents: Iterable[Incident], since: dt.date | None = None, until: dt.date | None = None
) -> MonthSeries:
    """Incidents and casualty sums per month, with the months that had none as zeros.

    The months run from the first incident's to the last's, widened to the months of `since`
    and `until` when given (a brief's period); no dated incident, no months.
    """
    counted = [incident for incident in incidents if not incident.is_milestone]
    series = MonthSeries()
    for incident in counted:
        if incident.date.month is None:
            series.year_only.add(incident)
    by_label = {bucket.label: bucket for bucket in compute_stats(counted, by="month").buckets}
    months = sorted({(i.date.year, i.date.month) for i in counted if i.date.month is not None})
    if not months:
        return series
    if since is not None:
        months.insert(0, min(months[0], (since.year, since.month)))
    if until is not None:
        months.append(max(months[-1], (until.year, until.month)))
    (year, month), last = months[0], months[-1]
    while (year, month) <= last:
        label = FuzzyDate(year, month).display()  # as compute_stats labels a month
        series.months.append((dt.date(year, month, 1), by_label.get(label) or Bucket(label)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return series


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


def _summed(low: int, high: int, known: int) -> Figure | None:
    return Figure(low, high) if known > 0 else None


@dataclass(frozen=True)
class GroupCount:
    """Incidents naming the group itself, and naming it or any group of its family."""

    own: int
    family: int


def incidents_per_group(
    incidents: Iterable[Incident], registry: GroupRegistry
) -> dict[str, GroupCount]:
    """For each group id, how many incidents name it, and its family (each incident once).

    The family is the one `--group` matches: the group, its affiliates and merged
    components, transitively.
    """
    named_by: list[set[str]] = []
    for incident in incidents:
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
        )
    return counts
