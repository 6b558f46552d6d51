"""What a command needs from the outside world, gathered in one injectable place.

Commands take the environment, the working folder and the consoles from here, so that
tests can pretend to be a terminal, a pipe or another folder.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.text import Text

from sahel_timeline.cli.load_progress import load_progress
from sahel_timeline.dates import DateInputError, resolve_now
from sahel_timeline.engine.cache import Cache
from sahel_timeline.errors import ExitCode, SahelError
from sahel_timeline.findings import Finding, count_by_severity
from sahel_timeline.store.load import Store, load_store, locate_store
from sahel_timeline.visible import visible_document, visible_text

MAX_ERRORS_SHOWN_ON_LOAD = 5


StoreOption = Annotated[
    Optional[str],  # noqa: UP045 - Typer needs Optional on Python 3.10
    typer.Option(
        "--store",
        metavar="PATH",
        help=(
            "Store file or folder (default: $SAHEL_TIMELINE_STORE, ./incidents.yaml, "
            "the curated store)."
        ),
        show_default=False,
    ),
]


def stdout_console() -> Console:
    return Console(file=sys.stdout, highlight=False, emoji=False, markup=False)


def stderr_console() -> Console:
    return Console(file=sys.stderr, highlight=False, emoji=False, markup=False)


def write_to_stdout(document: str) -> None:
    """Data on stdout as UTF-8; on a terminal, control characters are shown, not obeyed."""
    if sys.stdout.isatty():
        document = visible_document(document)
    sys.stdout.buffer.write(document.encode("utf-8"))
    sys.stdout.buffer.flush()


def environ() -> Mapping[str, str]:
    return os.environ


def fail(message: str, code: ExitCode = ExitCode.FINDINGS) -> typer.Exit:
    """Print `message` on stderr as plain text and return the Exit to raise."""
    text = visible_text(f"Error: {message}", keep_newlines=True)
    stderr_console().print(Text(text, style="red"), soft_wrap=True)
    return typer.Exit(int(code))


@contextmanager
def domain_errors() -> Iterator[None]:
    """Turn the core's errors into a message and an exit code, never a traceback."""
    try:
        yield
    except SahelError as error:
        raise fail(error.message, error.exit_code) from None
    except DateInputError as error:
        raise fail(str(error), ExitCode.USAGE) from None


def today(now_option: str | None = None) -> dt.date:
    """The day relative dates are read against; a bad value is a usage error that names
    where it came from (the option, or the variable, which the core's message names)."""
    try:
        return resolve_now(now_option, environ())
    except DateInputError as error:
        source = "--now: " if now_option is not None else ""
        raise fail(f"{source}{error}", ExitCode.USAGE) from None


def selected_store_path(store_option: str | None) -> Path:
    return locate_store(store_option, environ(), Path.cwd())


_cache_bypassed = False  # set by the root option --no-cache


def bypass_cache(bypassed: bool) -> None:
    global _cache_bypassed
    _cache_bypassed = bypassed


def store_cache() -> Cache | None:
    """The cache of validated store files, unless --no-cache or SAHEL_TIMELINE_NO_CACHE."""
    return None if _cache_bypassed else Cache.from_environment(environ())


def open_store(store_option: str | None, now_option: str | None = None) -> Store:
    """Load the selected store for a query; a store with errors is refused, with the first few."""
    with domain_errors(), load_progress() as progress:
        store = load_store(
            [selected_store_path(store_option)], today(now_option), store_cache(), progress
        )
    if store.errors:
        console = stderr_console()
        shown = store.errors[:MAX_ERRORS_SHOWN_ON_LOAD]
        print_findings(shown, console)
        errors, _ = count_by_severity(store.errors)
        more = errors - sum(finding.count for finding in shown)
        if more > 0:
            console.print(Text(f"... and {more:,} more"))
        raise fail(
            f"the store has {errors:,} error(s); run `sahel-timeline validate` to see them all"
        )
    return store


def print_findings(findings: list[Finding], console: Console) -> None:
    for finding in findings:
        console.print(Text(str(finding)), soft_wrap=True)
