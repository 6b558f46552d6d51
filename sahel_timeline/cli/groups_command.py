"""`sahel-timeline groups`: the actor registry as a tree, with aliases and incident counts."""

from __future__ import annotations

from sahel_timeline.cli.base import app
from sahel_timeline.cli.environment import StoreOption, environ, open_store
from sahel_timeline.cli.view_output import NoPagerOption, view_output
from sahel_timeline.reports.stats import incidents_per_group


@app.command(
    epilog=("Examples:\n\n  sahel-timeline groups\n\n  sahel-timeline groups --store stores/"),
)
def groups(store: StoreOption = None, no_pager: NoPagerOption = False) -> None:
    """The groups of the store as a tree of affiliations and merges, each with its aliases
    and the number of incidents that name it (and its family, when it has one).

    Any name shown works with --group in timeline, stats and export.
    """
    loaded = open_store(store)
    counts = incidents_per_group(loaded.incidents, loaded.registry)
    # Imported here: Rich's table and tree cost start-up time to every command.
    from sahel_timeline.render.group_tree import render_group_tree

    with view_output(no_pager, environ()) as output:
        render_group_tree(loaded.registry, counts, output.console)
