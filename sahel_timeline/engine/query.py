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
- Text: every word must occur, in any order, in the title, summary, notes, place or site,
  or the title, author or publisher of a source; a word matches the start of a word
  (`attack` finds "attacks"), case and accents are ignored (`sevare` finds "Sévaré") and
  punctuation separates words (`al-qaeda` is the two words `al` and `qaeda`).
- Killed: `min_killed` compares the high figure (the low of an open-ended one); an unknown
  figure never matches.
- Within one option the values are alternatives (any of); different options all apply.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from sahel_timeline.model import MONTH_ABBREVIATIONS, FuzzyDate, Incident, Location
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
WORD_PATTERN = re.compile(r"\w+")


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
            group_family(ref, registry)
    text = text.strip() if text is not None else None
    if text and not text_words(text):
        raise QueryError(f"--text {text!r} has no word to search for", field="text")
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
        raise QueryError(unknown_value_message("grouping", by, GROUP_BY), field="group_by")
    if ongoing_from is not None and by in ("year", "month"):
        since = FuzzyDate(ongoing_from.year, ongoing_from.month if by == "month" else None)
        dated = label_of

        def label_of(incident: Incident) -> str:
            return _date_heading(since) if incident.start < since.start else dated(incident)

    groups: dict[str, list[Incident]] = {}
    for incident in incidents:
        groups.setdefault(label_of(incident), []).append(incident)
    return list(groups.items())


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


def group_family(ref: str, registry: GroupRegistry) -> set[str]:
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


def _location_country(location: Location) -> Country | None:
    for reference in (location.country_code, location.country):
        if reference:
            country = find_country(reference)
            if country is not None:
                return country
    return None


def country_code_of(location: Location) -> str | None:
    """The ISO3 code a country filter compares: through the vocabulary, else as written."""
    country = _location_country(location)
    if country is not None:
        return country.alpha3
    code = location.country_code
    return code.upper() if code else None


def country_name_of(location: Location) -> str | None:
    """The country name that sorting and grouping by country use; None without a country."""
    country = _location_country(location)
    if country is not None:
        return country.name
    return location.country or location.country_code or None


def fold_text(text: str) -> str:
    """Lower case, without accents, with single spaces: for forgiving comparisons."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def text_words(text: str) -> list[str]:
    """The words of a `--text` search: runs of letters and digits, whatever separates them."""
    return WORD_PATTERN.findall(text)


# --- grouping ---------------------------------------------------------------------------------


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
    return country_name_of(incident.location) or UNKNOWN_COUNTRY_LABEL


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
            raise QueryError(unknown_value_message(what, value, allowed), field=field)
        checked.append(folded)
    return _unique(checked)


def unknown_value_message(what: str, value: str, allowed: Sequence[str]) -> str:
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
