"""`sahel-timeline import-acled`: ACLED export files -> entries of a store file or folder."""

from __future__ import annotations

import difflib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.markup import escape
from rich.text import Text

from sahel_timeline.cli.base import app
from sahel_timeline.cli.environment import (
    domain_errors,
    fail,
    stderr_console,
    store_cache,
    today,
)
from sahel_timeline.dates import parse_date_bound
from sahel_timeline.errors import ExitCode
from sahel_timeline.visible import visible_line
from sahel_timeline.vocab import find_country


class GoneAction(str, Enum):
    KEEP = "keep"
    MARK = "mark"
    REMOVE = "remove"


if TYPE_CHECKING:
    from sahel_timeline.importers.acled.events import RowSelection
    from sahel_timeline.importers.acled.rows import ProgressCallback


def _selection(
    countries: list[str], since: str | None, until: str | None, event_types: list[str]
) -> RowSelection:
    # The importer is imported here, not at the top: other commands should not pay for it.
    from sahel_timeline.importers.acled.event_types import known_event_types
    from sahel_timeline.importers.acled.events import RowSelection

    now = today()
    codes = set()
    for name in countries:
        country = find_country(name)
        if country is None:
            raise fail(f"--country: unknown country {name!r}", ExitCode.USAGE)
        codes.add(country.alpha3)
    known = {name.casefold(): name for name in known_event_types()}
    wanted = set()
    for name in event_types:
        if name.strip().casefold() not in known:
            close = difflib.get_close_matches(name, list(known.values()), n=3, cutoff=0.5)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise fail(
                f"--event-type: {name!r} is not an ACLED event type or sub-event type{hint}",
                ExitCode.USAGE,
            )
        wanted.add(name.strip().casefold())
    with domain_errors():
        start = parse_date_bound(since, now=now, side="since") if since else None
        end = parse_date_bound(until, now=now, side="until") if until else None
    if start and end and end < start:
        raise fail("--until is before --since", ExitCode.USAGE)
    return RowSelection(frozenset(codes), start, end, frozenset(wanted))


@contextmanager
def _progress_bars() -> Iterator[object]:
    """A progress bar per file on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = stderr_console()
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        console=console, transient=True,
    ) as progress:  # fmt: skip
        yield progress


@app.command(
    "import-acled",
    epilog=(
        "Examples:\n\n"
        "  sahel-timeline import-acled 2019-sahel.csv --into acled.yaml\n\n"
        "  sahel-timeline import-acled export.csv --into stores/ --country Mali --since 2018"
    ),
)
def import_acled(
    csv_files: Annotated[
        list[Path], typer.Argument(metavar="CSV...", help="ACLED export files (CSV).")
    ],
    into: Annotated[
        str,
        typer.Option(
            "--into",
            metavar="PATH",
            help="Store file (created if absent) or folder (a new file inside) to import into.",
        ),
    ],
    country: Annotated[
        Optional[list[str]],  # noqa: UP045 - Typer needs Optional on Python 3.10
        typer.Option("--country", help="Only rows of this country (repeatable)."),
    ] = None,
    since: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--since", help="Only events on or after this date."),
    ] = None,
    until: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--until", help="Only events on or before this date."),
    ] = None,
    event_type: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(
            "--event-type", help="Only this ACLED event type or sub-event type (repeatable)."
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Report what would change, with the ids; write nothing."),
    ] = False,
    gone: Annotated[
        GoneAction,
        typer.Option(
            "--gone",
            help=(
                "What to do with imported events these rows cover (countries and dates) but no "
                "longer hold: keep them, mark them (tag acled-gone) or remove them."
            ),
        ),
    ] = GoneAction.KEEP,
) -> None:
    """Turn ACLED export files into incidents of a store, merged by ACLED event id.

    Every row of every event type is imported unless --country, --since, --until or
    --event-type select rows. Importing the same file again changes nothing; a revised
    export updates its entries (ids acled-...). Hand-written entries and comments are kept.
    Bad rows are reported by line and skipped, as are rows of a country missing from the
    country table (exit code 1 when there were any).
    """
    from rich.progress import Progress

    from sahel_timeline.importers.acled.pipeline import run_acled_import

    selection = _selection(country or [], since, until, event_type or [])
    console = stderr_console()
    with domain_errors(), _progress_bars() as bars:

        def progress_for(path: Path) -> ProgressCallback | None:
            if not isinstance(bars, Progress):
                return None
            try:
                total = max(path.read_bytes().count(b"\n") - 1, 1)  # less the header
            except OSError:
                total = None
            task = bars.add_task(escape(visible_line(path.name)), total=total)
            return lambda rows: bars.update(task, completed=rows)

        summary = run_acled_import(
            csv_files,
            Path(into),
            selection=selection,
            imported_on=today(),
            now=today(),
            dry_run=dry_run,
            gone_action=gone.value,
            cache=store_cache(),
            progress_for=progress_for,
        )
    # One line each, whatever the names of the files hold (a newline, an escape sequence).
    for problem in summary.problems:
        console.print(Text(visible_line(str(problem))), soft_wrap=True)
    for line in summary.lines():
        console.print(Text(visible_line(line)), soft_wrap=True)
    if summary.problems or summary.outside_country_table:
        raise typer.Exit(int(ExitCode.FINDINGS))
