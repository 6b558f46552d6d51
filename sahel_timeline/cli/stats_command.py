"""`sahel-timeline stats`: counts and casualty sums per bucket, with a bar chart."""

from __future__ import annotations

import enum
from typing import Annotated

import typer

from sahel_timeline.cli.base import app
from sahel_timeline.cli.environment import StoreOption, environ, open_store, today
from sahel_timeline.cli.query_options import QueryRequest, query_options
from sahel_timeline.cli.view_output import NoPagerOption, view_output
from sahel_timeline.reports.stats import STATS_BY, compute_stats

StatsByChoice = enum.Enum("StatsByChoice", {value: value for value in STATS_BY}, type=str)  # type: ignore[misc]


@app.command(
    epilog=(
        "Examples:\n\n"
        "  sahel-timeline stats --by year\n\n"
        "  sahel-timeline stats --by group --country Mali --since 2018\n\n"
        "  sahel-timeline stats --by tactic --status claimed"
    ),
)
@query_options
def stats(
    by: Annotated[
        StatsByChoice,
        typer.Option(
            "--by",
            metavar="BY",
            case_sensitive=False,
            help="Bucket incidents by week (ISO), month, quarter, year, country, group or tactic.",
        ),
    ] = StatsByChoice("year"),  # noqa: B008
    store: StoreOption = None,
    no_pager: NoPagerOption = False,
    *,
    query_request: QueryRequest,
) -> None:
    """Incidents, killed and wounded (low-high sums) and unknown figures per bucket,
    with a bar chart of the killed range. The filters of timeline apply; milestones are
    context and are not counted.
    """
    loaded = open_store(store, query_request.now)
    query = query_request.build(loaded.registry, environ())
    chosen = loaded.select(query)
    result = compute_stats(chosen, str(by.value), loaded.registry)
    # Imported here: Rich's table and tree cost start-up time to every command.
    from sahel_timeline.render.stats_view import render_stats

    with view_output(no_pager, environ()) as output:
        filters = query_request.describe(query, loaded.registry)
        dates_read = query_request.date_readings(query.now or today(query_request.now))
        render_stats(result, filters, output.console, dates_read)
