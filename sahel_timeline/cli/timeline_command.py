"""`sahel-timeline timeline`: the entries that match the shared filters, as a vertical timeline."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Annotated

import typer

from sahel_timeline.cli.base import app
from sahel_timeline.cli.environment import StoreOption, environ, open_store, today
from sahel_timeline.cli.query_options import QueryRequest, query_options
from sahel_timeline.cli.view_output import NoPagerOption, view_output
from sahel_timeline.engine.query import (
    GROUP_BY,
    Query,
    group_incidents,
)
from sahel_timeline.model import Incident
from sahel_timeline.render.timeline_view import (
    TimelineFooter,
    TimelineLayout,
    render_timeline,
)

GroupByChoice = enum.Enum("GroupByChoice", {value: value for value in GROUP_BY}, type=str)  # type: ignore[misc]

EXAMPLES = (
    "Examples:\n\n"
    "  sahel-timeline timeline --group-by year\n\n"
    "  sahel-timeline timeline --group JNIM --status claimed --target un-peacekeepers "
    '--since "March 2018"\n\n'
    "  sahel-timeline timeline --since 2018-07 --until 2018-08 --country Mali\n\n"
    "  sahel-timeline timeline --around 2018-07-29 --window 7d\n\n"
    '  sahel-timeline timeline --since "mars 2018" --group-by month\n\n'
    "  sahel-timeline timeline --sort killed --reverse --limit 5"
)


@app.command(epilog=EXAMPLES)
@query_options
def timeline(
    group_by: Annotated[
        GroupByChoice,
        typer.Option(
            "--group-by",
            metavar="BY",
            case_sensitive=False,
            help="Put entries under headings by year, month or country; none for one list.",
        ),
    ] = GroupByChoice("none"),  # noqa: B008
    store: StoreOption = None,
    no_pager: NoPagerOption = False,
    *,
    query_request: QueryRequest,
) -> None:
    """The incidents and milestones that match the filters, as a vertical timeline.

    Each entry shows its date with its precision, the place, who is behind it and how
    sure that is, killed and wounded as ranges, the tactics, and its id for `show`. An
    entry that began before --since is shown at the start of the period, marked ongoing.
    Grouped, the timeline opens with a line of entries per month.
    """
    loaded = open_store(store, query_request.now)
    query = query_request.build(loaded.registry, environ())
    # Built as they are written: the first screen does not wait for the last entry.
    shown = loaded.select_lazily(query)
    footer = TimelineFooter(
        total_in_store=loaded.incident_count,
        filters=query_request.describe(query, loaded.registry),
        order=_order_description(query),
        matched=loaded.count(query) if query.limit is not None else None,
        dates_read=query_request.date_readings(query.now or today(query_request.now)),
    )
    by = str(group_by.value)
    since, until = query.filter.since, query.filter.until
    sections: Sequence[tuple[str, Sequence[Incident]]] = [("", shown)]
    tempo = None
    if by != "none":  # headings count their entries: every entry is built first
        from sahel_timeline.reports.stats import period_series

        shown = list(shown)
        sections = group_incidents(shown, by, ongoing_from=since)
        tempo = period_series(shown, "month", first=since, last=until, ongoing_in_first=True)
    with view_output(no_pager, environ()) as output:
        layout = TimelineLayout(wrap=output.wrap, ongoing_since=since, tempo=tempo)
        render_timeline(sections, loaded.registry, footer, output.console, layout)


def _order_description(query: Query) -> str | None:
    if query.sort == "date" and not query.reverse:
        return None
    order = f"by {query.sort}"
    if query.reverse:
        order += ", reversed"
    if query.sort == "killed":
        order += " (unknown tolls last)"
    elif query.sort == "country":
        order += " (entries without a country last)"
    return order
