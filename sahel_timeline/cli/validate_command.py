"""`sahel-timeline validate`: every finding of one or more stores, for people and CI."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.text import Text

from sahel_timeline.cli.app import app
from sahel_timeline.cli.environment import (
    StoreOption,
    domain_errors,
    print_findings,
    selected_store_path,
    stdout_console,
    today,
)
from sahel_timeline.errors import ExitCode
from sahel_timeline.findings import count_by_severity
from sahel_timeline.store import Store, load_store


def summary_line(store: Store) -> str:
    errors, warnings = count_by_severity(store.findings)
    files = len(store.files)
    milestones = sum(1 for incident in store.incidents if incident.is_milestone)
    checked = (
        f"{files} file{'s' if files != 1 else ''}, {len(store.incidents) - milestones} incidents, "
        f"{milestones} milestones, {len(store.registry)} groups"
    )
    if not store.findings:
        return f"{checked}: valid"
    return (
        f"{checked}: {errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}"
    )


@app.command(
    epilog=(
        "Examples:\n\n"
        "  sahel-timeline validate incidents.yaml\n\n"
        "  sahel-timeline validate stores/ --strict"
    ),
)
def validate(
    paths: Annotated[
        Optional[list[Path]],  # noqa: UP045
        typer.Argument(
            help="Store files or folders (default: the selected store).", show_default=False
        ),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
    store: StoreOption = None,
) -> None:
    """Check stores against every rule of the data model and print all findings.

    Each finding reads FILE:LINE:COLUMN: SEVERITY RULE: MESSAGE. Exit code 0 when
    valid, 1 when there are errors (or warnings with --strict), 2 on usage errors.
    """
    with domain_errors():
        targets = list(paths) if paths else [selected_store_path(store)]
        result = load_store(targets, today())
    console = stdout_console()
    print_findings(result.findings, console)
    console.print(Text(summary_line(result)), soft_wrap=True)
    errors, warnings = count_by_severity(result.findings)
    if errors or (strict and warnings):
        raise typer.Exit(int(ExitCode.FINDINGS))
