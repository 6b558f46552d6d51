"""Counts and casualty sums per bucket (year, month, country, group, tactic). No terminal.

- Only incidents are counted: milestones are context, with no figures to add up.
- Sums add the lows and the highs separately, so `18-19` and `8` make `26-27`; an unknown
  figure adds nothing and is counted in `killed_unknown` / `wounded_unknown` instead
  (never as 0). An open-ended figure ("at least 15") is a lower bound: it adds its low, and
  a sum with such a term is open-ended too (`15+` and `8` make `23+`).
- By group or tactic an incident counts in each of its buckets (an attack by two groups
  counts for both); the total counts it once, so it is not the sum of the rows.
- Year and month buckets come in date order (a year-precision incident goes under its
  year in a month breakdown); the others by number of incidents, most first, then by name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sahel_timeline.model import Figure, Incident
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
