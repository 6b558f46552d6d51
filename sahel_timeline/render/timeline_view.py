"""The vertical timeline: a date column, a rail with a mark per entry, and the entry's lines.

    13-14 Aug 2017 • Gunmen attack the Aziz Istanbul restaurant in Ouagadougou
                   │ Ouagadougou, Burkina Faso
                   │ ○ JNIM (suspected)
                   │ 18-19 killed · 22-25 wounded · armed-assault, hostage-taking
                   │ 2017-08-13-ouagadougou-aziz-istanbul

Milestones carry a diamond and read "milestone"; the body wraps to the console's width.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.rule import Rule
from rich.segment import Segment
from rich.text import Text

from sahel_timeline.labels import (
    INCIDENT_MARK,
    MILESTONE_MARK,
    NO_PERPETRATOR_LABEL,
    STATUS_MARKS,
    UNKNOWN,
    attribution_label,
    date_label,
    figure_phrase,
    place_label,
    status_mark,
)
from sahel_timeline.model import Incident
from sahel_timeline.registry import GroupRegistry
from sahel_timeline.render.user_text import trim_line, user_text

DATE_WIDTH = 14  # "13-14 Aug 2017"; longer spans break after their dash
MIN_BODY_WIDTH = 20
SEPARATOR = " · "

STATUS_STYLES = {
    "claimed": "bold red",
    "attributed": "yellow",
    "suspected": "italic",
    UNKNOWN: "dim",
}
MILESTONE_STYLE = "bold cyan"
INCIDENT_STYLE = "bold"


@dataclass(frozen=True)
class TimelineFooter:
    """What the footer says: how many entries matched, of how many, and which filters."""

    shown: Sequence[Incident]
    total_in_store: int
    filters: Sequence[str] = ()
    order: str | None = None  # e.g. "sorted by killed, reversed", None for date order
    matched: int | None = None  # before --limit, when a limit cut the list


def render_timeline(
    sections: Sequence[tuple[str, Sequence[Incident]]],
    registry: GroupRegistry,
    footer: TimelineFooter,
    console: Console,
) -> None:
    """Print the sections (heading, entries) as a vertical timeline, then the footer."""
    for heading, entries in sections:
        if heading:
            console.print(_heading(heading, entries))
        for incident in entries:
            console.print(TimelineEntry(incident, registry))
    if any(entries for _, entries in sections):
        console.print()
    console.print(_footer_text(footer))


class TimelineEntry:
    """One entry: date column, rail and body lines, drawn at the width the console gives."""

    def __init__(self, incident: Incident, registry: GroupRegistry) -> None:
        self.incident = incident
        self.registry = registry

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        incident = self.incident
        body_width = max(options.max_width - DATE_WIDTH - 3, MIN_BODY_WIDTH)
        body = console.render_lines(
            Group(*entry_lines(incident, self.registry)),
            options.update(width=body_width, height=None),
            pad=False,
            new_lines=False,
        )
        dates = _date_lines(date_label(incident))
        mark = MILESTONE_MARK if incident.is_milestone else INCIDENT_MARK
        mark_style = MILESTONE_STYLE if incident.is_milestone else INCIDENT_STYLE
        for index, line in enumerate(body):
            date = dates[index] if index < len(dates) else ""
            yield Segment(f"{date:<{DATE_WIDTH}} ", console.get_style("bold" if date else ""))
            if index == 0:
                yield Segment(mark, console.get_style(mark_style))
            else:
                yield Segment("│", console.get_style("dim"))
            yield Segment(" ")
            yield from trim_line(line)
            yield Segment.line()


def entry_lines(incident: Incident, registry: GroupRegistry) -> list[Text]:
    """The body lines of an entry: title, place, attribution, figures and tactics, id."""
    lines = [user_text(incident.title, MILESTONE_STYLE if incident.is_milestone else "bold")]
    place = place_label(incident.location)
    if incident.is_milestone:
        where = Text("milestone", style="cyan")
        if place:
            where.append(SEPARATOR)
            where.append_text(user_text(place))
        lines.append(where)
    elif place:
        lines.append(user_text(place))
    if not incident.is_milestone or incident.perpetrators:
        lines.append(perpetrators_text(incident, registry))
    if not incident.is_milestone or _has_figures(incident):
        lines.append(_figures_text(incident))
    lines.append(Text(incident.id, style="dim"))
    return lines


def perpetrators_text(incident: Incident, registry: GroupRegistry) -> Text:
    """`● JNIM (claimed 3 Mar 2018)`, one mark per perpetrator, or `? perpetrator: unknown`."""
    if not incident.perpetrators:
        return Text(f"{status_mark(UNKNOWN)} {NO_PERPETRATOR_LABEL}", style=STATUS_STYLES[UNKNOWN])
    text = Text()
    for index, perpetrator in enumerate(incident.perpetrators):
        if index:
            text.append("; ")
        style = STATUS_STYLES.get(perpetrator.status, "")
        text.append(f"{status_mark(perpetrator.status)} ", style=style)
        text.append_text(user_text(attribution_label(perpetrator, registry), style))
    return text


def _figures_text(incident: Incident) -> Text:
    text = Text()
    killed = figure_phrase(incident.killed, "killed")
    text.append(killed, style="bold" if incident.killed else "dim")
    text.append(SEPARATOR)
    text.append(figure_phrase(incident.wounded, "wounded"), style="" if incident.wounded else "dim")
    if incident.tactics:
        text.append(SEPARATOR)
        text.append(", ".join(incident.tactics), style="green")
    return text


def _has_figures(incident: Incident) -> bool:
    return incident.killed is not None or incident.wounded is not None or bool(incident.tactics)


def _date_lines(label: str) -> list[str]:
    """The date label on one line, or split before a margin (`±3 days`) or after the dash
    of a long span."""
    if len(label) > DATE_WIDTH and " \u00b1" in label:
        date, _, margin = label.partition(" \u00b1")
        return [*_date_lines(date), f"\u00b1{margin}"]
    if len(label) <= DATE_WIDTH or "-" not in label:
        return [label]
    start, _, end = label.partition("-")
    return [f"{start}-", end]


def _heading(label: str, entries: Sequence[Incident]) -> Rule:
    count = len(entries)
    title = user_text(label, "bold")
    title.append(f" ({count} {'entry' if count == 1 else 'entries'})", style="dim")
    return Rule(title, align="left", style="dim")


def _footer_text(footer: TimelineFooter) -> Text:
    shown = list(footer.shown)
    milestones = sum(1 for incident in shown if incident.is_milestone)
    incidents = len(shown) - milestones
    text = Text()
    count = footer.matched if footer.matched is not None else len(shown)
    text.append(
        f"{_plural(incidents, 'incident')} and {_plural(milestones, 'milestone')} shown",
        style="bold",
    )
    if footer.matched is not None and footer.matched != len(shown):
        text.append(f" (first {len(shown)} of {count} matching)")
    text.append(f"; the store holds {footer.total_in_store} entries.")
    text.append("\nFilters: ")
    if footer.filters:
        text.append_text(user_text("; ".join(footer.filters)))
    else:
        text.append("none")
    if footer.order:
        text.append(f"\nOrder: {footer.order}")
    legend = "  ".join(f"{mark} {status}" for status, mark in STATUS_MARKS.items())
    text.append(f"\nAttribution: {legend}  {MILESTONE_MARK} milestone", style="dim")
    return text


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
