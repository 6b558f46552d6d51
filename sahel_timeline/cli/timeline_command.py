"""`sahel-timeline timeline`: the incidents of the store in date order."""

from __future__ import annotations

from rich.text import Text

from sahel_timeline.cli.app import app
from sahel_timeline.cli.environment import StoreOption, open_store, stdout_console
from sahel_timeline.dates import format_span
from sahel_timeline.query import sort_incidents


@app.command(epilog="Example:\n\n  sahel-timeline timeline --store incidents.yaml")
def timeline(store: StoreOption = None) -> None:
    """The incidents and milestones of the store, oldest first."""
    loaded = open_store(store)
    console = stdout_console()
    for incident in sort_incidents(loaded.incidents):
        place = ", ".join(p for p in (incident.location.place, incident.location.country) if p)
        line = Text(f"{format_span(incident.date, incident.end_date):<22} ")
        line.append(incident.title)
        if place:
            line.append(f"  ({place})")
        console.print(line, soft_wrap=True)
