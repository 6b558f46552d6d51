"""The whole ACLED import: read exports, select and merge rows, map them, merge into a store.

The command line calls `run_acled_import`; everything it reports is in `ImportSummary`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sahel_timeline.engine.cache import Cache
from sahel_timeline.errors import SahelError
from sahel_timeline.importers.acled.actors import slugify
from sahel_timeline.importers.acled.entries import event_to_entry
from sahel_timeline.importers.acled.events import (
    Coverage,
    RowDisagreement,
    RowSelection,
    merge_records,
)
from sahel_timeline.importers.acled.rows import (
    AcledFile,
    ProgressCallback,
    RowProblem,
    is_semicolon_resave,
    read_acled_text,
)
from sahel_timeline.importers.acled.store_merge import ImportPlan, plan_import, write_plan
from sahel_timeline.importers.acled.store_text import GONE_TAG
from sahel_timeline.safe_write import writable_target
from sahel_timeline.store.memory import collector_paused


@dataclass
class ImportSummary:
    files: list[AcledFile] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> rows
    merged: int = 0  # rows folded into another row of the same event
    events: int = 0
    plan: ImportPlan | None = None
    written: bool = False
    disagreements: list[RowDisagreement] = field(default_factory=list)
    list_ids: bool = False  # list the ids each change concerns (--dry-run)

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)

    @property
    def outside_country_table(self) -> int:
        return sum(n for reason, n in self.skipped.items() if reason.startswith("country "))

    @property
    def problems(self) -> list[RowProblem]:
        return [problem for f in self.files for problem in f.problems]

    def lines(self) -> list[str]:
        """The summary in plain sentences, one a line."""
        plan = self.plan
        bad = len(self.problems)
        skipped = sum(self.skipped.values()) + bad
        lines = [
            f"{self.rows} rows read from {len(self.files)} file(s) "
            f"({', '.join(f'{f.name}: {f.layout.name}' for f in self.files)})",
            f"{self.merged} rows merged into the row of the same event; {self.events} events",
        ]
        if plan is not None:
            verb = "written" if self.written else "to write (dry run)"
            gone_verb = {"keep": "kept", "mark": f"tagged {GONE_TAG}", "remove": "removed"}
            lines.append(
                f"{len(plan.imported)} new, {len(plan.updated)} updated, "
                f"{len(plan.unchanged)} unchanged, {len(plan.kept_as_newer)} kept as newer, "
                f"{len(plan.gone)} gone ({gone_verb[plan.gone_action]}), {skipped} skipped; "
                f"{len(plan.groups_added)} group(s) added"
                + (f" ({', '.join(plan.groups_added)})" if plan.groups_added else "")
            )
            if plan.kept_as_newer:
                lines.append(
                    f"kept as newer: {len(plan.kept_as_newer)} event(s) of the store have a "
                    "later ACLED timestamp than these rows, which were not used"
                )
            if plan.gone:
                lines.append(
                    f"gone: {len(plan.gone)} imported event(s) of the countries and dates "
                    "these rows cover are no longer in them (deleted or merged by ACLED), "
                    f"e.g. {plan.gone[0]}; --gone keep|mark|remove chooses what happens"
                )
            if self.list_ids:
                for what, ids in (
                    ("new", plan.imported),
                    ("updated", plan.updated),
                    ("kept as newer", plan.kept_as_newer),
                    ("gone", plan.gone),
                ):
                    lines.extend(f"  {what}: {entry_id}" for entry_id in ids)  # fmt: skip
            for spec, event_ids in plan.unmatched:
                added = f"added as group {spec.id!r}; " if spec.id in plan.groups_added else ""
                lines.append(
                    f"unmatched actor name {spec.name!r}: {len(event_ids)} event(s), e.g. "
                    f"{event_ids[0]}; {added}add it to a group's aliases to match it"
                )
            for path in plan.texts:
                lines.append(f"{'new file' if path == plan.new_file else 'file'} {verb}: {path}")
            if not plan.texts:
                lines.append("nothing to change")
        for disagreement in self.disagreements:
            lines.append(str(disagreement))
        for reason, count in sorted(self.skipped.items()):
            lines.append(f"skipped {count} row(s): {reason}")
        if bad:
            lines.append(f"skipped {bad} bad row(s), listed above")
        return lines


def new_file_name(csv_paths: Sequence[Path]) -> str:
    """The file a folder store receives: named after the (first) export."""
    stem = slugify(csv_paths[0].stem) if csv_paths else ""
    return f"acled-{stem or 'import'}.yaml"


def read_acled_file(path: Path, progress: ProgressCallback | None = None) -> AcledFile:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SahelError(f"{path}: cannot read: {error.strerror or error}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        # Excel's ";" CSV in a French locale is written in Windows-1252: read it as such.
        if is_semicolon_resave(data[:4096].decode("latin-1")):
            return read_acled_text(data.decode("cp1252", errors="replace"), path.name, progress)
        line = data.count(b"\n", 0, error.start) + 1
        raise SahelError(f"{path}:{line}: not UTF-8 text (ACLED exports are UTF-8)") from None
    return read_acled_text(text, path.name, progress)


def run_acled_import(
    csv_paths: Sequence[Path],
    target: Path,
    *,
    selection: RowSelection,
    imported_on: dt.date,
    now: dt.date,
    dry_run: bool = False,
    gone_action: str = "keep",
    cache: Cache | None = None,
    progress_for: Callable[[Path], ProgressCallback | None] | None = None,
) -> ImportSummary:
    """Import the rows of `csv_paths` into the store at `target` (a file or a folder)."""
    if not target.is_dir():
        writable_target(target)  # a device or a FIFO: refused before it is read (or waited on)
    # Records, entries and nodes hold no reference cycles: the cyclic collector would only
    # walk the growing heap again and again while they are made.
    with collector_paused():
        return _run_import(
            csv_paths, target, selection=selection, imported_on=imported_on, now=now,
            dry_run=dry_run, gone_action=gone_action, cache=cache, progress_for=progress_for,
        )  # fmt: skip


def _run_import(
    csv_paths: Sequence[Path],
    target: Path,
    *,
    selection: RowSelection,
    imported_on: dt.date,
    now: dt.date,
    dry_run: bool,
    gone_action: str,
    cache: Cache | None,
    progress_for: Callable[[Path], ProgressCallback | None] | None,
) -> ImportSummary:
    summary = ImportSummary()
    records = []
    for path in csv_paths:
        acled_file = read_acled_file(path, progress_for(path) if progress_for else None)
        summary.files.append(acled_file)
        for record in acled_file.records:
            reason = selection.reason_to_skip(record)
            if reason is None:
                records.append(record)
            else:
                summary.skipped[reason] += 1
    events, summary.merged, summary.disagreements = merge_records(records)
    summary.events = len(events)
    summary.list_ids = dry_run
    entries = [event_to_entry(event, event.record.file) for event in events]
    summary.plan = plan_import(
        entries, target, imported_on=imported_on, now=now,
        new_file_name=new_file_name(csv_paths), coverage=Coverage.of(records, selection),
        gone_action=gone_action, cache=cache,
    )  # fmt: skip
    try:
        if not dry_run:
            write_plan(summary.plan, cache)
            summary.written = True
    finally:
        summary.plan.release()
    return summary
