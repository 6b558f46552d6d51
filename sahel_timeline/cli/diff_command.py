"""`sahel-timeline diff`: the incidents added, removed and changed since a git revision."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from sahel_timeline.cli.base import app
from sahel_timeline.cli.environment import (
    StoreOption,
    domain_errors,
    selected_store_path,
    today,
    write_to_stdout,
)
from sahel_timeline.findings import count_by_severity
from sahel_timeline.reports.diff import DIFF_FORMATTERS, diff_against_revision


class DiffFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"


@app.command(
    epilog=(
        "Examples:\n\n"
        "  sahel-timeline diff\n\n"
        "  sahel-timeline diff --base origin/main stores/ --format markdown > comment.md"
    ),
)
def diff(
    path: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Argument(
            metavar="[PATH]",
            help="Store file or folder (default: the selected store).",
            show_default=False,
        ),
    ] = None,
    base: Annotated[
        str,
        typer.Option("--base", metavar="REF", help="The git revision to compare with."),
    ] = "HEAD",
    output_format: Annotated[
        DiffFormat,
        typer.Option(
            "--format", help="text for a terminal, markdown for a pull-request comment, json."
        ),
    ] = DiffFormat.text,
    store: StoreOption = None,
) -> None:
    """Incidents added, removed and changed since a git revision, field by field.

    The old store is read with git show REF:PATH (nothing is checked out); a path that did
    not exist at REF counts every incident as added. Exit code 0 when compared, 1 when the
    store is not in a git repository, 2 for an unknown revision.
    """
    with domain_errors():
        target = path if path is not None else selected_store_path(store)
        result, current = diff_against_revision(target, base, today())
    write_to_stdout(DIFF_FORMATTERS[output_format.value](result))
    if current.errors:
        sys.stderr.write(
            f"note: the store has {count_by_severity(current.errors)[0]:,} error(s); records "
            "with errors are left out of the comparison (run sahel-timeline validate)\n"
        )
