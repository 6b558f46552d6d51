"""`sahel-timeline link`: the ACLED events that record each curated incident."""

from __future__ import annotations

import json
import sys
from enum import Enum
from typing import Annotated

import typer
from rich.text import Text

from sahel_timeline.cli.base import app
from sahel_timeline.cli.environment import (
    StoreOption,
    domain_errors,
    open_store,
    stderr_console,
    stdout_console,
)
from sahel_timeline.reports.links import (
    DEFAULT_DAYS,
    DEFAULT_KM,
    is_imported,
    link_incidents,
    links_as_data,
)


class LinkFormat(str, Enum):
    text = "text"
    json = "json"


@app.command(
    epilog=(
        "Examples:\n\n"
        "  sahel-timeline link --store stores/\n\n"
        "  sahel-timeline link --store stores/ --days 2 --km 40 --format json"
    ),
)
def link(
    days: Annotated[
        int,
        typer.Option("--days", min=0, max=31, help="Dates may differ by this many days."),
    ] = DEFAULT_DAYS,
    km: Annotated[
        float,
        typer.Option("--km", min=0.0, help="Places may be this many kilometres apart."),
    ] = DEFAULT_KM,
    output_format: Annotated[
        LinkFormat, typer.Option("--format", help="text for a terminal, or json.")
    ] = LinkFormat.text,
    store: StoreOption = None,
) -> None:
    """Each curated incident with the imported ACLED events that match it (dates within
    --days, same country, places within --km or of the same name), and where their
    actors, figures and dates differ: sources to triangulate, not duplicates to delete.

    ACLED often records one attack as two events (the assault and the violence against
    civilians), and sources often date a night attack a day apart: both link.
    """
    loaded = open_store(store)
    with domain_errors():
        results = link_incidents(loaded.incidents, loaded.registry, days=days, km=km)
    linked = sum(1 for result in results if result.links)
    if output_format is LinkFormat.json:
        sys.stdout.write(json.dumps(links_as_data(results), ensure_ascii=False, indent=2) + "\n")
    else:
        out = stdout_console()
        for result in results:
            incident = result.incident
            out.print(Text(f"{incident.id}: {incident.title}"), soft_wrap=True)
            if not result.links:
                out.print(Text("  no ACLED event matches"), soft_wrap=True)
            for found in result.links:
                line = f"  {found.event.id}: {found.place}; actors: {found.actors}"
                out.print(Text(line), soft_wrap=True)
                for difference in found.differences:
                    out.print(Text(f"    {difference}"), soft_wrap=True)
    events = sum(len(result.links) for result in results)
    console = stderr_console()
    console.print(
        Text(f"{len(results)} curated incident(s), {linked} with ACLED events, {events} link(s)"),
        soft_wrap=True,
    )
    if not any(is_imported(incident) for incident in loaded.incidents):
        console.print(
            Text(
                "note: the store holds no imported ACLED event; import them into it first "
                "(sahel-timeline import-acled EXPORT.csv --into STORE)"
            ),
            soft_wrap=True,
        )
