"""`sahel-timeline export`: a query's result as Markdown, CSV, JSON, TimelineJS, GeoJSON or HTML."""

from __future__ import annotations

import datetime as dt
import enum
import os
from pathlib import Path
from typing import Annotated, Optional, cast

import typer
from rich.text import Text

from sahel_timeline.cli.base import app
from sahel_timeline.cli.environment import (
    StoreOption,
    domain_errors,
    environ,
    fail,
    open_store,
    stderr_console,
    write_to_stdout,
)
from sahel_timeline.cli.query_options import QueryRequest, query_options
from sahel_timeline.dates import DateInputError, resolve_now
from sahel_timeline.errors import ExitCode
from sahel_timeline.export import (
    CSV_COLUMN_SETS,
    DEFAULT_TITLE,
    EXPORTERS,
    TIMELINE_GROUPS,
    CsvColumns,
    ExportContext,
    ExportOptions,
    TimelineGroup,
)
from sahel_timeline.safe_write import (
    NotARegularFileError,
    writable_target,
    write_file_atomically,
)
from sahel_timeline.store.memory import collector_paused
from sahel_timeline.visible import visible_line

OUTPUT_PANEL = "Output"

FormatChoice = enum.Enum("FormatChoice", {name: name for name in EXPORTERS}, type=str)  # type: ignore[misc]
ColumnsChoice = enum.Enum("ColumnsChoice", {name: name for name in CSV_COLUMN_SETS}, type=str)  # type: ignore[misc]
TimelineGroupChoice = enum.Enum(  # type: ignore[misc]
    "TimelineGroupChoice", {name: name for name in TIMELINE_GROUPS}, type=str
)
DEFAULT_COLUMNS = ColumnsChoice("default")
DEFAULT_TIMELINE_GROUP = TimelineGroupChoice("country")

EPILOG = (
    "Examples:\n\n"
    "  sahel-timeline export --format markdown --country Mali --since 2018 -o brief.md\n\n"
    "  sahel-timeline export --format csv --columns acled --group jnim -o jnim.csv\n\n"
    "  sahel-timeline export --format geojson --kind incident > incidents.geojson\n\n"
    "  sahel-timeline export --format jsonl | jq .title\n\n"
    "Formats: " + "; ".join(f"{spec.name}: {spec.description}" for spec in EXPORTERS.values())
)


@app.command(epilog=EPILOG)
@query_options
def export(
    format_: Annotated[
        FormatChoice,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            case_sensitive=False,
            help="Output format: " + ", ".join(EXPORTERS) + ".",
            rich_help_panel=OUTPUT_PANEL,
        ),
    ],
    output: Annotated[
        Optional[str],  # noqa: UP045 - Typer needs Optional on Python 3.10
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write to FILE (atomically; a regular file, never a device or FIFO) instead of "
            "stdout; '-' is stdout.",
            rich_help_panel=OUTPUT_PANEL,
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Overwrite FILE if it exists.", rich_help_panel=OUTPUT_PANEL),
    ] = False,
    title: Annotated[
        str,
        typer.Option(
            "--title",
            metavar="TEXT",
            help="Title of the brief (markdown, html, timelinejs).",
            rich_help_panel=OUTPUT_PANEL,
        ),
    ] = DEFAULT_TITLE,
    columns: Annotated[
        ColumnsChoice,
        typer.Option(
            "--columns",
            metavar="SET",
            case_sensitive=False,
            help="csv: 'default' columns or 'acled' for ACLED's names and order.",
            rich_help_panel=OUTPUT_PANEL,
        ),
    ] = DEFAULT_COLUMNS,
    raw: Annotated[
        bool,
        typer.Option(
            "--raw",
            help="csv: leave cells that start like a formula as they are (for machines).",
            rich_help_panel=OUTPUT_PANEL,
        ),
    ] = False,
    bom: Annotated[
        bool,
        typer.Option(
            "--bom",
            help="csv: start with a UTF-8 byte order mark, for Excel.",
            rich_help_panel=OUTPUT_PANEL,
        ),
    ] = False,
    tl_group: Annotated[
        TimelineGroupChoice,
        typer.Option(
            "--tl-group",
            metavar="BY",
            case_sensitive=False,
            help="timelinejs: one row per 'country' or per perpetrator 'group'.",
            rich_help_panel=OUTPUT_PANEL,
        ),
    ] = DEFAULT_TIMELINE_GROUP,
    store: StoreOption = None,
    *,
    query_request: QueryRequest,
) -> None:
    """Export the entries the filters select, in the order of --sort, to stdout or a file."""
    spec = EXPORTERS[_value(format_)]
    target = None if output in (None, "-") else Path(cast(str, output))
    if target is None and spec.binary:
        raise fail(f"--format {spec.name} writes a file: give it with -o FILE", ExitCode.USAGE)
    if target is not None:
        with domain_errors():
            try:
                writable_target(target)  # a device, a FIFO or a folder: refused before any work
            except NotARegularFileError as error:
                raise fail(f"{error.message} ('-o -' writes to stdout)", ExitCode.USAGE) from None
        if os.path.lexists(target) and not force:
            raise fail(f"{visible_line(str(target))} exists; use --force to overwrite it")
    loaded = open_store(store, query_request.now)
    query = query_request.build(loaded.registry, environ())
    # Thousands of entries built and written at once, with no reference cycle among them:
    # the cyclic collector would only walk them again and again.
    with collector_paused():
        incidents = loaded.select(query)
        context = ExportContext(
            title=title,
            now=query.now,
            generated_on=_generation_day(),
            filter_lines=tuple(query_request.describe(query, loaded.registry)),
            since=query.filter.since,
            until=query.filter.until,
            order=query.sort + (", reversed" if query.reverse else ""),
            options=ExportOptions(
                columns=cast(CsvColumns, _value(columns)),
                raw=raw,
                bom=bom,
                timeline_group=cast(TimelineGroup, _value(tl_group)),
            ),
        )
        written = spec(incidents, loaded.registry, context)
    notice = spec.notice_for(incidents)
    if notice:
        stderr_console().print(Text(notice))
    if target is None:
        assert isinstance(written, str)  # a binary format needs -o FILE (checked above)
        write_to_stdout(written)
        return
    data = written.encode("utf-8") if isinstance(written, str) else written
    with domain_errors():
        write_file_atomically(target, data, overwrite=force)


def _generation_day() -> dt.date:
    """The day of the export: SAHEL_TIMELINE_NOW when set (reproducible briefs), else today.

    `--now` does not change it: it only says how relative dates were read."""
    try:
        return resolve_now(None, environ())
    except DateInputError as error:
        raise fail(str(error), ExitCode.USAGE) from None


def _value(choice: object) -> str:
    return str(choice.value) if isinstance(choice, enum.Enum) else str(choice)
