"""`sahel-timeline show ID`: one incident or milestone in full."""

from __future__ import annotations

import difflib
from typing import Annotated

import typer

from sahel_timeline.cli.base import app
from sahel_timeline.cli.completion import complete_entry_id
from sahel_timeline.cli.environment import StoreOption, environ, fail, open_store
from sahel_timeline.cli.view_output import NoPagerOption, view_output

MAX_SUGGESTIONS = 5


@app.command(
    epilog=(
        "Examples:\n\n"
        "  sahel-timeline show 2018-03-02-ouagadougou-embassy-army-hq\n\n"
        "  sahel-timeline show tongo  (an unknown id lists the close ones)"
    ),
)
def show(
    incident_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="The id of an incident or milestone, as in timeline.",
            autocompletion=complete_entry_id,
        ),
    ],
    store: StoreOption = None,
    no_pager: NoPagerOption = False,
) -> None:
    """Everything the store says about one entry: date and precision, place and
    coordinates, each perpetrator with its status and claim date, killed, attackers killed
    and wounded as ranges, tactics, targets, summary, notes, sources and related entries.

    Exit code 1 when no entry has that id; the closest ids are suggested.
    """
    loaded = open_store(store)
    by_id = loaded.incidents_by_id()
    wanted = incident_id.strip()
    incident = by_id.get(wanted) or by_id.get(wanted.casefold())
    if incident is None:
        raise fail(unknown_id_message(wanted, list(by_id)))
    # Imported here: Rich's table and tree cost start-up time to every command.
    from sahel_timeline.render.incident_detail import render_incident

    with view_output(no_pager, environ()) as output:
        render_incident(incident, loaded.registry, by_id.get, output.console, wrap=output.wrap)


def unknown_id_message(wanted: str, ids: list[str]) -> str:
    """`no entry with id 'x'`, with the ids that contain it or look like it."""
    folded = wanted.casefold()
    containing = [known for known in ids if folded and folded in known]
    close = difflib.get_close_matches(folded, ids, n=MAX_SUGGESTIONS, cutoff=0.6)
    suggestions = list(dict.fromkeys([*containing, *close]))[:MAX_SUGGESTIONS]
    message = f"no entry with id {wanted!r}"
    if suggestions:
        return message + "; did you mean:\n  " + "\n  ".join(suggestions)
    return message + "; `sahel-timeline timeline` shows every id"
