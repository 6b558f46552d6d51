"""`sahel-timeline validate`: every finding of one or more stores, for people and CI."""

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
    environ,
    selected_store_path,
    store_cache,
    today,
)
from sahel_timeline.cli.load_progress import load_progress
from sahel_timeline.errors import ExitCode
from sahel_timeline.findings import count_by_severity
from sahel_timeline.model import FileContent
from sahel_timeline.reports.findings_formats import format_findings, resolve_format
from sahel_timeline.store.files import read_stream_bytes
from sahel_timeline.store.load import (
    Store,
    assemble_store,
    load_file,
    load_file_bytes,
    load_store,
    store_files,
)

STDIN_PATH = "-"
STDIN_NAME = "<stdin>"


class FindingsFormat(str, Enum):
    text = "text"
    github = "github"
    json = "json"
    auto = "auto"


def summary_line(store: Store) -> str:
    errors, warnings = count_by_severity(store.findings)
    files = len(store.files)
    milestones = store.milestone_count
    checked = (
        f"{files} file{'s' if files != 1 else ''}, {store.incident_count - milestones} incidents, "
        f"{milestones} milestones, {len(store.registry)} groups"
    )
    if not store.findings:
        return f"{checked}: valid"
    return (
        f"{checked}: {errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}"
    )


def _load_targets(targets: list[str]) -> Store:
    """Every file of the given stores as one store; `-` is a store file read from stdin
    (then nothing comes from the cache: the store is checked in memory)."""
    with load_progress() as progress:
        if STDIN_PATH not in targets:
            return load_store([Path(t) for t in targets], today(), store_cache(), progress)
        contents: list[FileContent] = []
        for target in targets:
            if target == STDIN_PATH:
                data, unreadable = read_stream_bytes(sys.stdin.buffer, STDIN_NAME)
                if data is None:
                    contents.append(FileContent(STDIN_NAME, findings=unreadable))
                else:
                    contents.append(load_file_bytes(data, STDIN_NAME))
            else:
                contents.extend(load_file(file, progress) for file in store_files(Path(target)))
    return assemble_store(contents, today())


@app.command(
    epilog=(
        "Examples:\n\n"
        "  sahel-timeline validate incidents.yaml\n\n"
        "  sahel-timeline validate stores/ --strict --format github\n\n"
        "  cat incidents.yaml | sahel-timeline validate - --format json"
    ),
)
def validate(
    paths: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Argument(
            metavar="PATH",
            help="Store files or folders; - reads one store file from stdin "
            "(default: the selected store).",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        FindingsFormat,
        typer.Option(
            "--format",
            help="text for people, github for GitHub Actions annotations, json for scripts; "
            "auto is github when GITHUB_ACTIONS is set, else text.",
        ),
    ] = FindingsFormat.text,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
    store: StoreOption = None,
) -> None:
    """Check stores against every rule of the data model and print all findings.

    One finding a line: FILE:LINE:COLUMN: SEVERITY RULE: MESSAGE (text),

    a workflow command (github), or one object of a JSON list (json).

    Exit code 0 when valid, 1 on errors (or warnings with --strict), 2 on usage errors.
    """
    with domain_errors():
        targets = list(paths) if paths else [str(selected_store_path(store))]
        result = _load_targets(targets)
    chosen = resolve_format(output_format.value, environ())
    # Plain writes, never a Rich console: machine formats must stay free of colour codes
    # even when FORCE_COLOR or GITHUB_ACTIONS would make Rich emit them.
    sys.stdout.write(format_findings(result.findings, chosen))
    summary = summary_line(result) + "\n"
    (sys.stdout if chosen == "text" else sys.stderr).write(summary)
    errors, warnings = count_by_severity(result.findings)
    if errors or (strict and warnings):
        raise typer.Exit(int(ExitCode.FINDINGS))
