"""Plain-string labels shared by the terminal views and the exporters (no Rich, no markup).

One place for how a figure, an attribution, a date or a place reads to a person:
`18-19`, `unknown`, `JNIM (claimed)`, `13-14 Aug 2017`, `Ouagadougou, Burkina Faso`.
"""

from __future__ import annotations

from sahel_timeline.dates import format_span
from sahel_timeline.model import Figure, Incident, Location, Perpetrator, Source
from sahel_timeline.registry import GroupRegistry

UNKNOWN = "unknown"
UNCHECKED_TITLE_MARK = "(title not checked)"  # after a source title nobody checked


def figure_label(figure: Figure | None) -> str:
    """`18`, `18-19`, `15+` (at least 15), or `unknown` for a figure nobody reported (never
    `0`)."""
    return UNKNOWN if figure is None else str(figure)


def source_title_label(source: Source) -> str:
    """The title of a source, marked when it was not checked against the source itself."""
    return source.title if source.title_checked else f"{source.title} {UNCHECKED_TITLE_MARK}"


def date_label(incident: Incident) -> str:
    """The date or span of an entry, keeping its precision: `Jun 2018`, `13-14 Aug 2017`,
    `8 Mar 2023 ±3 days` (a date known within a window, e.g. ACLED's week precision)."""
    text = format_span(incident.date, incident.end_date)
    if incident.date_margin_days:
        text += f" \u00b1{incident.date_margin_days} days"
    return text


def group_label(reference: str, registry: GroupRegistry) -> str:
    """A perpetrator reference by its group's display name, or as written when unknown."""
    group = registry.resolve(reference)
    return group.display_name if group is not None else reference


def perpetrator_label(perpetrator: Perpetrator, registry: GroupRegistry) -> str:
    """`JNIM (claimed)`."""
    return f"{group_label(perpetrator.group, registry)} ({perpetrator.status})"


def perpetrators_label(incident: Incident, registry: GroupRegistry, separator: str = "; ") -> str:
    """Every perpetrator with its status, or `unknown` for an incident with none.

    A milestone without perpetrators gets "" (it has no attribution to be unknown).
    """
    if not incident.perpetrators:
        return "" if incident.is_milestone else UNKNOWN
    return separator.join(perpetrator_label(p, registry) for p in incident.perpetrators)


def place_label(location: Location) -> str:
    """`Ouagadougou, Burkina Faso`: the place (or site, or region) and the country."""
    where = location.place or location.site or location.admin1
    return ", ".join(part for part in (where, location.country) if part)


# --- terminal views (also usable by exporters) ----------------------------------------------

NO_PERPETRATOR_LABEL = "perpetrator: unknown"

# How sure an attribution is, as a filling circle: the group said so (claimed), others
# pinned it on the group (attributed), it is suspected, or nobody is named (unknown).
STATUS_MARKS: dict[str, str] = {
    "claimed": "●",
    "attributed": "◐",
    "suspected": "○",
    UNKNOWN: "?",
}
MILESTONE_MARK = "◆"
INCIDENT_MARK = "•"


def figure_phrase(figure: Figure | None, noun: str) -> str:
    """`18-19 killed`, `8 wounded`, `0 killed`; an unknown figure reads `killed: unknown`."""
    if figure is None:
        return f"{noun}: {UNKNOWN}"
    return f"{figure} {noun}"


def figure_words(figure: Figure | None) -> str:
    """As `figure_label`, with an open-ended figure in words: `at least 15`."""
    if figure is not None and figure.is_open_ended:
        return f"at least {figure.low}"
    return figure_label(figure)


def figure_detail(figure: Figure | None) -> str:
    """`18-19 (best 18)` when a best estimate is recorded, `at least 15` for an open-ended
    figure, else as `figure_label`."""
    text = figure_words(figure)
    if figure is not None and figure.best is not None and not figure.is_exact:
        text += f" (best {figure.best})"
    return text


def status_mark(status: str) -> str:
    """The one-character mark of an attribution status; `unknown` is no perpetrator named."""
    return STATUS_MARKS.get(status, STATUS_MARKS[UNKNOWN])


def attribution_label(perpetrator: Perpetrator, registry: GroupRegistry) -> str:
    """`JNIM (claimed 3 Mar 2018)`, `JNIM (claimed)`, `ISGS (attributed)`: with the claim date."""
    status = perpetrator.status
    if perpetrator.claimed_on is not None:
        status = f"{status} {perpetrator.claimed_on.display()}"
    return f"{group_label(perpetrator.group, registry)} ({status})"


def full_place_label(location: Location) -> str:
    """Site, place, region and country, as far as they are known."""
    parts = (location.site, location.place, location.admin1, location.country)
    return ", ".join(part for part in parts if part)


def coordinates_label(location: Location) -> str:
    """`12.36861, -1.5275 (settlement)`, or `no coordinates (country)`."""
    precision = f" ({location.precision})" if location.precision else ""
    if not location.has_coordinates:
        return f"no coordinates{precision}"
    return f"{location.lat}, {location.lon}{precision}"
