"""Choosing and ordering incidents: filters, sorting, grouping. Pure functions, no terminal.

Semantics worth knowing (they are the contract of `--since`, `--group` and friends):

- Dates: an incident is the interval [date start, end_date end] (`2018-06` covers 1 to 30
  June) and matches `since`/`until` when that interval overlaps [since, until].
- Groups: a reference matches a group's id, short name, name or alias (case-insensitive),
  and brings in the group's family: affiliates and merged components, transitively.
- Status: `unknown` means an incident with no perpetrator (never a milestone); another
  status means some perpetrator has it.
  With both groups and statuses, one and the same perpetrator must satisfy both
  (`--group jnim --status claimed` means "claimed by JNIM", not "JNIM suspected and someone
  else claimed"). `unknown` never matches an incident with a named perpetrator.
- Country: compared through the country vocabulary (name, ISO2 or ISO3). An entry without a
  country (most milestones) does not match a country filter.
- Text: the whole text, as one phrase, must occur in the title, summary, notes, place or
  site; case, accents and runs of white space are ignored (`sevare` finds "Sévaré").
- Killed: `min_killed` compares the high figure (the low of an open-ended one); an unknown
  figure never matches.
- Within one option the values are alternatives (any of); different options all apply.
"""

from __future__ import annotations

import datetime as dt
import difflib
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from sahel_timeline.model import MONTH_ABBREVIATIONS, FuzzyDate, Incident
from sahel_timeline.registry import GroupRegistry
from sahel_timeline.vocab import (
    COUNTRIES,
    KINDS,
    STATUSES,
    TACTICS,
    TARGETS,
    UNKNOWN_STATUS,
    Country,
    find_country,
)

SortKey = Literal["date", "killed", "country", "id"]
GroupBy = Literal["year", "month", "country", "none"]

SORT_KEYS: tuple[str, ...] = ("date", "killed", "country", "id")
GROUP_BY: tuple[str, ...] = ("year", "month", "country", "none")
STATUS_FILTERS: tuple[str, ...] = (*STATUSES, UNKNOWN_STATUS)
UNKNOWN_COUNTRY_LABEL = "Unknown country"


class QueryError(ValueError):
    """A filter the user asked for that cannot be applied (unknown group, country...).

    `field` names the Filter field at fault ("groups", "countries", ...), so that the command
    line can point at the option.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Filter:
    """What to keep. Empty fields do not filter; see the module docstring for semantics.

    `countries` holds ISO 3166 alpha-3 codes; `groups` holds the user's references, resolved
    against the registry when matching. Build one from user input with `build_filter`.
    """

    since: dt.date | None = None
    until: dt.date | None = None
    countries: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    tactics: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    text: str | None = None
    min_killed: int | None = None

    def matches(self, incident: Incident, registry: GroupRegistry) -> bool:
        """Whether `incident` passes every filter; QueryError for an unknown group."""
        return _compile(self, registry)(incident)

    @property
    def is_empty(self) -> bool:
        return self == Filter()


@dataclass(frozen=True)
class Query:
    """A filter plus the order and the number of entries to show."""

    filter: Filter = Filter()
    sort: SortKey = "date"
    reverse: bool = False
    limit: int | None = None
    now: dt.date | None = None  # the "now" relative dates were read against, for footers


def build_filter(
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    countries: Iterable[str] = (),
    groups: Iterable[str] = (),
    statuses: Iterable[str] = (),
    tactics: Iterable[str] = (),
    targets: Iterable[str] = (),
    tags: Iterable[str] = (),
    kinds: Iterable[str] = (),
    text: str | None = None,
    min_killed: int | None = None,
    registry: GroupRegistry | None = None,
) -> Filter:
    """A Filter from user input, checked and normalised; QueryError names the first problem.

    Countries become ISO3 codes; statuses, kinds, tactics and targets are checked against
    their vocabularies (case-insensitive); groups are checked when a registry is given.
    """
    if since is not None and until is not None and since > until:
        raise QueryError(
            f"the dates leave nothing to show: since {since.isoformat()} "
            f"is after until {until.isoformat()}",
            field="since",
        )
    if min_killed is not None and min_killed < 0:
        raise QueryError(f"min_killed must be 0 or more, not {min_killed}", field="min_killed")
    group_refs = _unique(ref.strip() for ref in groups if ref.strip())
    if registry is not None:
        for ref in group_refs:
            _group_family(ref, registry)
    text = text.strip() if text is not None else None
    return Filter(
        since=since,
        until=until,
        countries=_unique(_country_code(name) for name in countries),
        groups=group_refs,
        statuses=_checked(statuses, STATUS_FILTERS, "status", "statuses"),
        tactics=_checked(tactics, tuple(TACTICS), "tactic", "tactics"),
        targets=_checked(targets, TARGETS, "target", "targets"),
        tags=_unique(tag.strip().casefold() for tag in tags if tag.strip()),
        kinds=_checked(kinds, KINDS, "kind", "kinds"),
        text=text or None,
        min_killed=min_killed,
    )


def apply_filter(
    incidents: Iterable[Incident], flt: Filter, registry: GroupRegistry
) -> list[Incident]:
    """The incidents that pass `flt`, in their incoming order."""
    keep = _compile(flt, registry)
    return [incident for incident in incidents if keep(incident)]


def sort_incidents(
    incidents: Iterable[Incident], key: str = "date", reverse: bool = False
) -> list[Incident]:
    """Incidents in the order of `key`; `reverse` flips it.

    - date: by interval start, then end, then id.
    - id: by id.
    - killed: by the high figure of `killed` (an open-ended one by its low), ties in date order.
    - country: by country name, then date order.
    Entries without the value (unknown figure, no country) come last in both directions, in
    date order: `reverse` flips only the entries that have it (ties included).
    """
    items = list(incidents)
    if key == "date":
        return sorted(items, key=_date_key, reverse=reverse)
    if key == "id":
        return sorted(items, key=lambda incident: incident.id, reverse=reverse)
    if key == "killed":
        known = [incident for incident in items if incident.killed is not None]
        known.sort(key=lambda incident: (_killed_high(incident), _date_key(incident)))
    elif key == "country":
        known = [incident for incident in items if _country_name(incident) is not None]
        known.sort(key=lambda incident: (_fold(_country_name(incident) or ""), _date_key(incident)))
    else:
        raise QueryError(_unknown_value_message("sort key", key, SORT_KEYS), field="sort")
    known_ids = {id(incident) for incident in known}
    unknown = sorted((i for i in items if id(i) not in known_ids), key=_date_key)
    if reverse:
        known.reverse()
    return known + unknown


def group_incidents(
    incidents: Iterable[Incident], by: str = "none", *, ongoing_from: dt.date | None = None
) -> list[tuple[str, list[Incident]]]:
    """Incidents under headings: `2017`, `Aug 2017`, `Mali` / `Unknown country`, or one group.

    Headings come in order of first appearance and entries keep their incoming order, so sort
    first. With `month`, a year-precision incident goes under its year (`2018`), never under a
    month it may not belong to. With `none`, everything is under the heading "".
    With `ongoing_from` (a query's since day), an entry that began before that day is still
    under way in the period asked for: it goes under the heading of that day, not of its start.
    """
    label_of: Callable[[Incident], str]
    if by == "year":
        label_of = _year_label
    elif by == "month":
        label_of = _month_label
    elif by == "country":
        label_of = _country_label
    elif by == "none":
        label_of = _no_label
    else:
        raise QueryError(_unknown_value_message("grouping", by, GROUP_BY), field="group_by")
    if ongoing_from is not None and by in ("year", "month"):
        since = FuzzyDate(ongoing_from.year, ongoing_from.month if by == "month" else None)
        dated = label_of

        def label_of(incident: Incident) -> str:
            return _date_heading(since) if incident.start < since.start else dated(incident)

    groups: dict[str, list[Incident]] = {}
    for incident in incidents:
        groups.setdefault(label_of(incident), []).append(incident)
    return list(groups.items())


def run_query(
    incidents: Iterable[Incident], query: Query, registry: GroupRegistry
) -> list[Incident]:
    """Filter, then sort, then keep the first `limit` entries."""
    chosen = sort_incidents(
        apply_filter(incidents, query.filter, registry), query.sort, query.reverse
    )
    if query.limit is not None:
        chosen = chosen[: max(query.limit, 0)]
    return chosen


def describe_filter(flt: Filter, registry: GroupRegistry | None = None) -> list[str]:
    """Human lines saying which filters applied, for footers and briefs; [] for none.

    With a registry, groups are shown by display name, with "(+ affiliates)" when the group
    has affiliates or merged components that the filter also takes in.
    """
    lines: list[str] = []
    if flt.since is not None:
        lines.append(f"since {flt.since.isoformat()}")
    if flt.until is not None:
        lines.append(f"until {flt.until.isoformat()}")
    if flt.countries:
        names = [_country_display(code) for code in flt.countries]
        lines.append(f"country: {', '.join(names)}")
    if flt.groups:
        lines.append(f"group: {', '.join(_group_display(ref, registry) for ref in flt.groups)}")
    for label, values in (
        ("status", flt.statuses),
        ("tactic", flt.tactics),
        ("target", flt.targets),
        ("tag", flt.tags),
        ("kind", flt.kinds),
    ):
        if values:
            lines.append(f"{label}: {', '.join(values)}")
    if flt.text:
        lines.append(f'text: "{flt.text}"')
    if flt.min_killed is not None:
        lines.append(f"at least {flt.min_killed} killed")
    return lines


# --- matching -------------------------------------------------------------------------------


def _compile(flt: Filter, registry: GroupRegistry) -> Callable[[Incident], bool]:
    """One predicate for the whole filter, with groups resolved once."""
    tests: list[Callable[[Incident], bool]] = []
    if flt.since is not None:
        since = flt.since
        tests.append(lambda incident: incident.end >= since)
    if flt.until is not None:
        until = flt.until
        tests.append(lambda incident: incident.start <= until)
    if flt.countries:
        codes = {code.upper() for code in flt.countries}
        tests.append(lambda incident: _country_code_of(incident) in codes)
    if flt.groups or flt.statuses:
        tests.append(_perpetrator_test(flt, registry))
    if flt.tactics:
        tactics = {value.casefold() for value in flt.tactics}
        tests.append(lambda incident: _any_in(incident.tactics, tactics))
    if flt.targets:
        targets = {value.casefold() for value in flt.targets}
        tests.append(lambda incident: _any_in(incident.targets, targets))
    if flt.tags:
        tags = {value.casefold() for value in flt.tags}
        tests.append(lambda incident: _any_in(incident.tags, tags))
    if flt.kinds:
        kinds = {value.casefold() for value in flt.kinds}
        tests.append(lambda incident: incident.kind.casefold() in kinds)
    if flt.text:
        needle = _fold(flt.text)
        tests.append(lambda incident: needle in _searchable_text(incident))
    if flt.min_killed is not None:
        least = flt.min_killed
        tests.append(
            lambda incident: incident.killed is not None and incident.killed.highest_given >= least
        )
    return lambda incident: all(test(incident) for test in tests)


def _perpetrator_test(flt: Filter, registry: GroupRegistry) -> Callable[[Incident], bool]:
    group_ids: set[str] | None = None
    if flt.groups:
        group_ids = set()
        for ref in flt.groups:
            group_ids |= _group_family(ref, registry)
    statuses = {status.casefold() for status in flt.statuses}
    named_statuses = statuses - {UNKNOWN_STATUS}
    wants_unknown = UNKNOWN_STATUS in statuses and group_ids is None

    def test(incident: Incident) -> bool:
        if not incident.perpetrators:
            # A milestone has no attribution to be unknown: "unknown" means unattributed attacks.
            return wants_unknown and not incident.is_milestone
        for perpetrator in incident.perpetrators:
            if group_ids is not None:
                group = registry.resolve(perpetrator.group)
                group_id = group.id if group is not None else perpetrator.group
                if group_id not in group_ids:
                    continue
            if statuses and perpetrator.status.casefold() not in named_statuses:
                continue
            return True
        return False

    return test


def _group_family(ref: str, registry: GroupRegistry) -> set[str]:
    group = registry.resolve(ref)
    if group is None:
        raise QueryError(_unknown_group_message(ref, registry), field="groups")
    return registry.family(group.id)


def _unknown_group_message(ref: str, registry: GroupRegistry) -> str:
    spellings: dict[str, str] = {}
    for group in registry:
        for name in (group.display_name, group.id, group.name, *group.aliases):
            spellings.setdefault(name.casefold(), name)
    # 0.5 still catches a swapped pair of letters in a four-letter acronym (JMIN).
    close = difflib.get_close_matches(ref.strip().casefold(), list(spellings), n=3, cutoff=0.5)
    if close:
        return f"unknown group {ref!r}; did you mean {_or_list([spellings[c] for c in close])}?"
    return f"unknown group {ref!r}; the groups command lists the known groups"


def _country_code(name: str) -> str:
    country = find_country(name)
    if country is None:
        spellings: dict[str, str] = {}
        for known in COUNTRIES:
            for spelling in (known.name, *known.other_names, known.alpha2, known.alpha3):
                spellings.setdefault(spelling.casefold(), spelling)
        close = difflib.get_close_matches(name.strip().casefold(), list(spellings), cutoff=0.6)
        hint = f"; did you mean {_or_list([spellings[c] for c in close])}?" if close else ""
        raise QueryError(f"unknown country {name!r}{hint}", field="countries")
    return country.alpha3


def _incident_country(incident: Incident) -> Country | None:
    location = incident.location
    for reference in (location.country_code, location.country):
        if reference:
            country = find_country(reference)
            if country is not None:
                return country
    return None


def _country_code_of(incident: Incident) -> str | None:
    country = _incident_country(incident)
    if country is not None:
        return country.alpha3
    code = incident.location.country_code
    return code.upper() if code else None


def _country_name(incident: Incident) -> str | None:
    country = _incident_country(incident)
    if country is not None:
        return country.name
    return incident.location.country or incident.location.country_code or None


def _searchable_text(incident: Incident) -> str:
    parts = (
        incident.title,
        incident.summary,
        incident.notes,
        incident.location.place,
        incident.location.site,
    )
    return "\n".join(_fold(part) for part in parts if part)


def _fold(text: str) -> str:
    """Lower case, without accents, with single spaces: for forgiving comparisons."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def _any_in(values: Iterable[str], wanted: set[str]) -> bool:
    return any(value.casefold() in wanted for value in values)


# --- sorting and grouping ---------------------------------------------------------------------


def _date_key(incident: Incident) -> tuple[dt.date, dt.date, str]:
    return (incident.start, incident.end, incident.id)


def _killed_high(incident: Incident) -> int:
    assert incident.killed is not None
    return incident.killed.highest_given


def _year_label(incident: Incident) -> str:
    return str(incident.date.year)


def _month_label(incident: Incident) -> str:
    return _date_heading(incident.date)


def _date_heading(date: FuzzyDate) -> str:
    """`Aug 2017`, or `2017` for a year-precision date."""
    if date.month is None:
        return str(date.year)
    return f"{MONTH_ABBREVIATIONS[date.month - 1]} {date.year}"


def _country_label(incident: Incident) -> str:
    return _country_name(incident) or UNKNOWN_COUNTRY_LABEL


def _no_label(incident: Incident) -> str:
    return ""


# --- input checking and display -------------------------------------------------------------


def _checked(
    values: Iterable[str], allowed: Sequence[str], what: str, field: str
) -> tuple[str, ...]:
    checked: list[str] = []
    for value in values:
        folded = value.strip().casefold()
        if folded not in allowed:
            raise QueryError(_unknown_value_message(what, value, allowed), field=field)
        checked.append(folded)
    return _unique(checked)


def _unknown_value_message(what: str, value: str, allowed: Sequence[str]) -> str:
    close = difflib.get_close_matches(value.strip().casefold(), list(allowed), n=3, cutoff=0.6)
    if close:
        return f"unknown {what} {value!r}; did you mean {_or_list(close)}?"
    return f"unknown {what} {value!r}; choose from {', '.join(allowed)}"


def _country_display(code: str) -> str:
    country = find_country(code)
    return country.name if country is not None else code


def _group_display(ref: str, registry: GroupRegistry | None) -> str:
    if registry is None:
        return f"{ref} (+ affiliates)"
    group = registry.resolve(ref)
    if group is None:
        return ref
    if len(registry.family(group.id)) > 1:
        return f"{group.display_name} (+ affiliates)"
    return group.display_name


def _or_list(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} or {items[-1]}"


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))
