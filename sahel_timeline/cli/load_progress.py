"""A progress bar on stderr for cold loads of big store files (terminal only)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sahel_timeline.visible import visible_line

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from sahel_timeline.store.load import LoadProgress


class TerminalLoadProgress:
    """Shows the reading of each big file, then a pulse while its records are checked.

    The store calls it only for files the cache does not hold and that are big enough to
    take about a second (`store.PROGRESS_MIN_BYTES`), so small or warm loads print nothing.
    """

    def __init__(self) -> None:
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def _bar(self) -> Progress:
        if self._progress is None:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            console = Console(file=sys.stderr, highlight=False, emoji=False, markup=False)
            self._progress = Progress(
                TextColumn("{task.description}", markup=False),
                BarColumn(),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            )
            self._progress.start()
        return self._progress

    def reading(self, file: str, characters: int) -> None:
        bar = self._bar()
        if self._task is not None:
            bar.remove_task(self._task)
        self._task = bar.add_task(f"reading {visible_line(file)}", total=max(characters, 1))

    def advance(self, characters_read: int) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, completed=characters_read)

    def checking(self, file: str) -> None:
        if self._progress is not None and self._task is not None:
            description = f"checking {visible_line(file)}"
            self._progress.update(self._task, description=description, total=None)

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


@contextmanager
def load_progress() -> Iterator[LoadProgress | None]:
    """A progress reporter when stderr is a terminal, else None."""
    if not sys.stderr.isatty():
        yield None
        return
    progress = TerminalLoadProgress()
    try:
        yield progress
    finally:
        progress.stop()
