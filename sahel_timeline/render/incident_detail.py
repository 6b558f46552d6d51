"""One incident in full: figures (attackers apart), attribution, place, sources, notes, related."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.padding import Padding
from rich.style import Style
from rich.table import Table
from rich.text import Text

from sahel_timeline.model import Figure, Incident, Source
from sahel_timeline.registry import GroupRegistry
from sahel_timeline.render.timeline_view import (
    MILESTONE_STYLE,
    perpetrators_text,
)
from sahel_timeline.render.user_text import Trimmed, user_text
from sahel_timeline.reports.labels import (
    UNCHECKED_TITLE_MARK,
    UNKNOWN,
    coordinates_label,
    date_label,
    figure_detail,
    full_place_label,
    group_label,
)

LABEL_STYLE = "bold"
URL_STYLE = "blue"
INDENT = (0, 0, 0, 2)


def render_incident(
    incident: Incident,
    registry: GroupRegistry,
    find: Callable[[str], Incident | None],
    console: Console,
    *,
    wrap: bool = True,
) -> None:
    """Print everything the store says about `incident`; `find` looks up related ids.

    A source's URL is never cut: it is printed as one line, a link where the terminal
    supports them. With `wrap` off (a pipe), the summary and notes are not wrapped either.
    """
    title_style = MILESTONE_STYLE if incident.is_milestone else "bold"
    console.print(user_text(incident.title, title_style))
    console.print(Text(f"{incident.id} · {incident.kind}", style="dim"))
    console.print()
    console.print(Trimmed(_facts(incident, registry)))
    for heading, value in (("Summary", incident.summary), ("Notes", incident.notes)):
        if value:
            console.print()
            console.print(Text(heading, style=LABEL_STYLE))
            body = user_text(value.strip(), keep_newlines=True)
            if wrap:
                console.print(Trimmed(Padding(body, INDENT)))
            else:
                console.print(Text(" " * INDENT[3]) + body, soft_wrap=True)
    console.print()
    console.print(Text(f"Sources ({len(incident.sources)})", style=LABEL_STYLE))
    if not incident.sources:
        console.print(Padding(Text("none recorded", style="dim"), INDENT))
    number_width = len(f"{len(incident.sources)}.")
    for number, source in enumerate(incident.sources, start=1):
        console.print(Trimmed(Padding(_source_heading(number, number_width, source), INDENT)))
        url = Text(" " * (INDENT[3] + number_width + 1))
        url.append_text(_url_text(source.url))
        console.print(url, soft_wrap=True)
    if incident.related:
        console.print()
        console.print(Text("Related", style=LABEL_STYLE))
        console.print(Trimmed(Padding(_related(incident, find), INDENT)))


def _facts(incident: Incident, registry: GroupRegistry) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style=LABEL_STYLE, no_wrap=True)
    table.add_column(overflow="fold")
    date = date_label(incident)
    precision = incident.date.precision
    if incident.end_date is not None and incident.end_date.precision != precision:
        precision = f"{precision} to {incident.end_date.precision}"
    date_text = Text(date)
    if incident.date_margin_days:  # the day counted by, the event within the margin of it
        date_text.append(f"  (within {incident.date_margin_days} days of that day)", style="dim")
    else:
        date_text.append(f"  ({precision} precision)", style="dim")
    if incident.time:
        date_text.append("  at ")
        date_text.append_text(user_text(incident.time))
    table.add_row("Date", date_text)
    location = incident.location
    place = full_place_label(location)
    table.add_row("Location", user_text(place) if place else Text(UNKNOWN, style="dim"))
    table.add_row("Coordinates", user_text(coordinates_label(location)))
    if not incident.is_milestone or incident.perpetrators:
        table.add_row("Perpetrators", perpetrators_text(incident, registry))
    if not incident.is_milestone or _has_figures(incident):
        table.add_row("Killed", _figure_text(incident.killed))
        table.add_row("Attackers killed", _figure_text(incident.attackers_killed))
        table.add_row("Wounded", _figure_text(incident.wounded))
    targeted = tuple(group_label(reference, registry) for reference in incident.target_groups)
    for label, values in (
        ("Tactics", incident.tactics),
        ("Targets", incident.targets),
        ("Groups targeted", targeted),
        ("Tags", incident.tags),
    ):
        if values:
            table.add_row(label, user_text(", ".join(values)))
    return table


def _figure_text(figure: Figure | None) -> Text:
    return Text(figure_detail(figure), style="dim" if figure is None else "")


def _has_figures(incident: Incident) -> bool:
    figures = (incident.killed, incident.attackers_killed, incident.wounded)
    return any(figure is not None for figure in figures)


def _source_heading(number: int, number_width: int, source: Source) -> Table:
    """`12. Title — author, publisher, date`, the title wrapped under itself."""
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    text = user_text(source.title, "italic")
    if not source.title_checked:
        text.append(f" {UNCHECKED_TITLE_MARK}", style="dim")
    published = source.published.display() if source.published else None
    details = [value for value in (source.author, source.publisher, published) if value]
    if details:
        text.append(" — ")
        text.append_text(user_text(", ".join(details)))
    table.add_row(Text(f"{number}.".rjust(number_width)), text)
    return table


def _url_text(url: str | None) -> Text:
    """The URL, a clickable link (OSC 8) on terminals that show them; `no URL` when absent."""
    if not url:
        return Text("no URL", style="dim")
    shown = user_text(url, URL_STYLE)
    if shown.plain == url and url.startswith(("https://", "http://")):
        shown.stylize(Style(link=url))
    return shown


def _related(incident: Incident, find: Callable[[str], Incident | None]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    for related_id in incident.related:
        other = find(related_id)
        if other is None:
            table.add_row(Text("?", style="dim"), Text(f"{related_id} (not in this store)"))
            continue
        body = user_text(other.title)
        body.append(f"\n{other.id}", style="dim")
        table.add_row(Text(date_label(other)), body)
    return table
