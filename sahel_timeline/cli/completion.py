"""Shell completion of values read from the store: group names for --group, ids for `show`.

The shell runs the command line on every Tab, so the store is loaded as a query loads it
(from the cache when warm: the index, no incident is built) and silently: a store that
cannot be read completes nothing rather than printing into the user's prompt.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from sahel_timeline.registry import GroupRegistry

if TYPE_CHECKING:
    from sahel_timeline.store.load import Store

MAX_COMPLETIONS = 200  # more is noise in a shell; the user types a few more letters


def complete_entry_id(ctx: typer.Context, incomplete: str) -> list[str]:
    """The ids of the store's entries that start with (or else contain) what was typed."""
    store = _quiet_store(ctx)
    if store is None:
        return []
    return _matching(list(store.incidents_by_id()), incomplete)


def complete_group(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Group ids and short names that start with what was typed, each with its full name."""
    store = _quiet_store(ctx)
    if store is None:
        return []
    names = _group_names(store.registry)
    return [(name, names[name]) for name in _matching(list(names), incomplete)]


def _group_names(registry: GroupRegistry) -> dict[str, str]:
    """Every one-word way to name a group (id, short name, one-word aliases) -> its name."""
    names: dict[str, str] = {}
    for group in registry:
        for name in (group.id, group.short, *group.aliases):
            if name and " " not in name:
                names.setdefault(name, group.name)
    return names


def _matching(candidates: list[str], incomplete: str) -> list[str]:
    folded = incomplete.casefold()
    starting = [value for value in candidates if value.casefold().startswith(folded)]
    if not starting and folded:
        starting = [value for value in candidates if folded in value.casefold()]
    return sorted(dict.fromkeys(starting))[:MAX_COMPLETIONS]


def _quiet_store(ctx: typer.Context) -> Store | None:
    """The store --store (typed before the Tab) or the default names, or None."""
    from sahel_timeline.dates import resolve_now
    from sahel_timeline.engine.cache import Cache
    from sahel_timeline.store.load import load_store, locate_store

    option = ctx.params.get("store") if ctx.params else None
    try:
        path = locate_store(option, os.environ, Path.cwd())
        now = resolve_now(None, os.environ)
        store = load_store([path], now, Cache.from_environment(os.environ), None)
    except Exception:  # completion must never print a traceback into the user's prompt
        return None
    return None if store.errors else store
