"""The vertical timeline: a date column, a rail with a mark per entry, and the entry's lines.

    13-14 Aug 2017 • Gunmen attack the Aziz Istanbul restaurant in Ouagadougou
                   │ Ouagadougou, Burkina Faso
                   │ ○ JNIM (suspected)
                   │ 18-19 killed · 22-25 wounded · armed-assault, hostage-taking
                   │ 2017-08-13-ouagadougou-aziz-istanbul

Milestones carry a diamond and read "milestone"; the body wraps to the console's width.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.rule import Rule
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from sahel_timeline.model import Incident
from sahel_timeline.registry import GroupRegistry
from sahel_timeline.render.user_text import Trimmed, trim_line, user_text
from sahel_timeline.reports.labels import (
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
from sahel_timeline.visible import visible_text

if TYPE_CHECKING:
    from sahel_timeline.reports.stats import PeriodSeries

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
ONGOING_LABEL = "ongoing"
ONGOING_STYLE = "bold yellow"


@dataclass(frozen=True)
class TimelineFooter:
    """What the footer says: how many entries matched, of how many, and which filters.

    The numbers of incidents and milestones shown are counted as the entries are written.
    """

    total_in_store: int
    filters: Sequence[str] = ()
    order: str | None = None  # e.g. "sorted by killed, reversed", None for date order
    matched: int | None = None  # before --limit, when a limit cut the list
    dates_read: Sequence[str] = ()  # how natural-language dates were understood


@dataclass(frozen=True)
class TimelineLayout:
    """How the entries are laid out.

    `wrap`: break body lines at the console's width (a terminal); otherwise each body line
    stays whole (a pipe or a file). `ongoing_since`: an entry that began before this day (the
    query's since bound) is marked as ongoing. `tempo`: entries per month, drawn as a
    sparkline above the entries, or None.
    """

    wrap: bool = True
    ongoing_since: dt.date | None = None
    tempo: PeriodSeries | None = None


ENTRIES_PER_WRITE = 64  # entries rendered and written together: streaming, few system calls


def render_timeline(
    sections: Sequence[tuple[str, Sequence[Incident]]],
    registry: GroupRegistry,
    footer: TimelineFooter,
    console: Console,
    layout: TimelineLayout = TimelineLayout(),
) -> None:
    """Print the sections (heading, entries) as a vertical timeline, then the footer.

    Entries are rendered and written a few dozen at a time, so the first screen appears at
    once whatever the number of entries, and the memory held is that of one batch.
    """
    if layout.tempo is not None and layout.tempo.buckets:
        from sahel_timeline.render.tempo_line import tempo_line  # only grouped views have one

        console.print(tempo_line(layout.tempo, console.width, "Entries"))
    styles = _Styles(console)
    shown = _ShownCount()
    for heading, entries in sections:
        if heading:
            console.print(_heading(heading, entries))
        remaining = iter(entries)  # read as written: a lazy sequence fetches as it goes
        while batch := list(itertools.islice(remaining, ENTRIES_PER_WRITE)):
            shown.add(batch)
            console.print(_EntryBatch(batch, registry, styles, layout), crop=False)
    if shown.total:
        console.print()
    if layout.wrap:
        console.print(Trimmed(_footer_text(footer, shown)))
    else:
        console.print(_footer_text(footer, shown), soft_wrap=True)


class _ShownCount:
    """Incidents and milestones written so far."""

    def __init__(self) -> None:
        self.incidents = 0
        self.milestones = 0

    @property
    def total(self) -> int:
        return self.incidents + self.milestones

    def add(self, entries: Sequence[Incident]) -> None:
        milestones = sum(1 for incident in entries if incident.is_milestone)
        self.milestones += milestones
        self.incidents += len(entries) - milestones


class _Styles:
    """The Style objects of the timeline, parsed once per console."""

    def __init__(self, console: Console) -> None:
        self.get = functools.lru_cache(maxsize=None)(console.get_style)
        self.plain = Style.null()
        self.date = self.get("bold")
        self.rail = self.get("dim")
        self.marks = {True: self.get(MILESTONE_STYLE), False: self.get(INCIDENT_STYLE)}
        self.ongoing = self.get(ONGOING_STYLE)


class _EntryBatch:
    """Entries as ready-made lines: date column, rail, body. Body lines that fit are turned
    into segments directly; only a line wider than the body column goes through Rich's
    wrapping (the costly part of laying out a Text)."""

    def __init__(
        self,
        entries: Sequence[Incident],
        registry: GroupRegistry,
        styles: _Styles,
        layout: TimelineLayout,
    ) -> None:
        self.entries = entries
        self.registry = registry
        self.styles = styles
        self.layout = layout

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        body_width = max(options.max_width - DATE_WIDTH - 3, MIN_BODY_WIDTH)
        styles = self.styles
        ongoing_since = self.layout.ongoing_since
        for incident in self.entries:
            body = self._body(incident, console, body_width)
            dates = _date_lines(date_label(incident))
            date_style = styles.date
            if ongoing_since is not None and incident.start < ongoing_since:
                dates = [ONGOING_LABEL, *dates]
            while len(body) < len(dates):
                body.append([])
            for index, line in enumerate(body):
                date = dates[index] if index < len(dates) else ""
                style = styles.ongoing if date == ONGOING_LABEL and index == 0 else date_style
                yield Segment(f"{date:<{DATE_WIDTH}} ", style if date else styles.plain)
                if index == 0:
                    yield Segment(
                        MILESTONE_MARK if incident.is_milestone else INCIDENT_MARK,
                        styles.marks[incident.is_milestone],
                    )
                else:
                    yield Segment("│", styles.rail)
                if line:
                    yield Segment(" ")
                    yield from line
                yield Segment("\n")

    def _body(self, incident: Incident, console: Console, width: int) -> list[list[Segment]]:
        lines: list[list[Segment]] = []
        get = self.styles.get
        for pieces in entry_pieces(incident, self.registry):
            if not self.layout.wrap or sum(cell_len(text) for text, _ in pieces) <= width:
                lines.append([Segment(text, get(style)) for text, style in pieces if text])
                continue
            for wrapped in Text.assemble(*pieces).wrap(console, width):
                wrapped.rstrip()
                lines.append(trim_line(list(wrapped.render(console))))
        return lines


Piece = tuple[str, str]  # (text, style name): a run of a body line


def entry_lines(incident: Incident, registry: GroupRegistry) -> list[Text]:
    """The body lines of an entry as Text: title, place, attribution, figures, tactics, id."""
    return [Text.assemble(*pieces) for pieces in entry_pieces(incident, registry)]


def entry_pieces(incident: Incident, registry: GroupRegistry) -> list[list[Piece]]:
    """The body lines of an entry as runs of styled text (cheaper than Text to lay out)."""
    title_style = MILESTONE_STYLE if incident.is_milestone else "bold"
    lines: list[list[Piece]] = [[(visible_text(incident.title), title_style)]]
    place = place_label(incident.location)
    if incident.is_milestone:
        where: list[Piece] = [("milestone", "cyan")]
        if place:
            where += [(SEPARATOR, ""), (visible_text(place), "")]
        lines.append(where)
    elif place:
        lines.append([(visible_text(place), "")])
    if not incident.is_milestone or incident.perpetrators:
        lines.append(_perpetrator_pieces(incident, registry))
    if not incident.is_milestone or _has_figures(incident):
        lines.append(_figure_pieces(incident))
    lines.append([(incident.id, "dim")])
    return lines


def perpetrators_text(incident: Incident, registry: GroupRegistry) -> Text:
    """`● JNIM (claimed 3 Mar 2018)`, one mark per perpetrator, or `? perpetrator: unknown`."""
    return Text.assemble(*_perpetrator_pieces(incident, registry))


def _perpetrator_pieces(incident: Incident, registry: GroupRegistry) -> list[Piece]:
    if not incident.perpetrators:
        return [(f"{status_mark(UNKNOWN)} {NO_PERPETRATOR_LABEL}", STATUS_STYLES[UNKNOWN])]
    pieces: list[Piece] = []
    for index, perpetrator in enumerate(incident.perpetrators):
        if index:
            pieces.append(("; ", ""))
        style = STATUS_STYLES.get(perpetrator.status, "")
        pieces.append((f"{status_mark(perpetrator.status)} ", style))
        pieces.append((visible_text(attribution_label(perpetrator, registry)), style))
    return pieces


def _figure_pieces(incident: Incident) -> list[Piece]:
    pieces: list[Piece] = [
        (figure_phrase(incident.killed, "killed"), "bold" if incident.killed else "dim"),
        (SEPARATOR, ""),
        (figure_phrase(incident.wounded, "wounded"), "" if incident.wounded else "dim"),
    ]
    if incident.tactics:
        pieces += [(SEPARATOR, ""), (", ".join(incident.tactics), "green")]
    return pieces


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


def _footer_text(footer: TimelineFooter, shown: _ShownCount) -> Text:
    text = Text()
    count = footer.matched if footer.matched is not None else shown.total
    text.append(
        f"{_plural(shown.incidents, 'incident')} and {_plural(shown.milestones, 'milestone')} "
        "shown",
        style="bold",
    )
    if footer.matched is not None and footer.matched != shown.total:
        text.append(f" (first {shown.total} of {count} matching)")
    text.append(f"; the store holds {footer.total_in_store} entries.")
    text.append("\nFilters: ")
    if footer.filters:
        text.append_text(user_text("; ".join(footer.filters)))
    else:
        text.append("none")
    if footer.dates_read:
        text.append("\nDates: ")
        text.append_text(user_text("; ".join(footer.dates_read)))
    if footer.order:
        text.append(f"\nOrder: {footer.order}")
    legend = "  ".join(f"{mark} {status}" for status, mark in STATUS_MARKS.items())
    text.append(f"\nAttribution: {legend}  {MILESTONE_MARK} milestone", style="dim")
    return text


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
