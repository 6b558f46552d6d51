"""Merging imported entries into a store: which are new, updated, unchanged, kept as newer or
gone, and the groups to add.

`plan_import` computes the new texts (`store_text`) and validates them as a store together
with the files left alone; `write_plan` replaces the files atomically, all or none
(`safe_write`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sahel_timeline.engine.cache import Cache
from sahel_timeline.engine.record_codec import RecordError
from sahel_timeline.errors import SahelError
from sahel_timeline.findings import Finding, count_by_severity
from sahel_timeline.importers.acled.actors import GroupSpec, resolve_groups
from sahel_timeline.importers.acled.entries import (
    EXTENSION_KEY,
    ID_PREFIX,
    ImportedEntry,
)
from sahel_timeline.importers.acled.events import Coverage
from sahel_timeline.importers.acled.store_text import (
    GONE_TAG,
    FileEdit,
    FileStructure,
    apply_edit,
    new_file_document,
    render_entry,
    scan_structure,
)
from sahel_timeline.model import FileContent, FuzzyDate, Incident
from sahel_timeline.registry import GroupRegistry
from sahel_timeline.safe_write import write_files_atomically
from sahel_timeline.store.load import (
    STORE_SUFFIXES,
    Store,
    StoreUpdate,
    assemble_store,
    file_contents_through_cache,
    load_file_bytes,
    remember_written_files,
    store_files,
)
from sahel_timeline.store.loader import Node
from sahel_timeline.store.validate import validate_document

MAX_ERRORS_SHOWN = 5


@dataclass
class ImportPlan:
    texts: dict[Path, str]  # the new text of each file that changes
    bom: dict[Path, bool]
    imported: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    groups_added: list[str] = field(default_factory=list)
    new_file: Path | None = None
    # The validated content of each file that changes, as written (for the store cache).
    contents: dict[Path, FileContent] = field(default_factory=dict)
    kept_as_newer: list[str] = field(default_factory=list)  # the store's version is newer
    gone: list[str] = field(default_factory=list)  # in the store, covered, absent from rows
    gone_action: str = "keep"
    store_path: Path | None = None  # the store imported into (its cache database's key)
    # Group specs made from ACLED names that matched nothing (neither the importer's table
    # nor the store's registry), with the ids of the events that name them.
    unmatched: list[tuple[GroupSpec, list[str]]] = field(default_factory=list)
    # The changed files' rows, checked in the store's cache database and waiting there for
    # the files to be written (`write_plan`) or the plan dropped (`release`).
    pending: StoreUpdate | None = None

    def release(self) -> None:
        """Drop what the cache holds for a plan that is not written (a dry run)."""
        pending, self.pending = self.pending, None
        if pending is not None:
            pending.rollback()


def _read_text(path: Path) -> tuple[str, bool]:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SahelError(f"{path}: cannot read: {error.strerror or error}") from None
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        return data[3 if bom else 0 :].decode("utf-8"), bom
    except UnicodeDecodeError:
        raise SahelError(f"{path}: not UTF-8 text; the importer edits UTF-8 store files") from None


def _target_files(target: Path, new_file_name: str) -> tuple[list[Path], Path]:
    """The store's existing files, and the file that receives new entries."""
    if target.is_dir():  # an empty folder is a store of no files yet
        has_files = any(p.suffix in STORE_SUFFIXES and p.is_file() for p in target.rglob("*"))
        return (store_files(target) if has_files else []), target / new_file_name
    if target.exists():
        return [target], target
    if target.suffix not in STORE_SUFFIXES:
        raise SahelError(
            f"{target}: no such file or folder; give an existing folder, or a file name ending "
            "in .yaml or .yml to create"
        )
    if not target.parent.is_dir():
        raise SahelError(f"{target.parent}: no such folder")
    return [], target


def _import_stamp(incident: Incident) -> tuple[str | None, str | None]:
    """The import date and export file name an imported entry records in `x-acled`."""
    extension = incident.extensions.get(EXTENSION_KEY)
    if not isinstance(extension, dict):
        return None, None
    date, file = extension.get("imported"), extension.get("file")
    try:
        date = str(FuzzyDate.parse(date)) if isinstance(date, str) else None
    except ValueError:
        date = None
    return date, file if isinstance(file, str) else None


def _comparable(finding: Finding) -> tuple[str, str, str]:
    # Line numbers move when lines are inserted above: compare findings without them.
    return (finding.file, finding.rule, re.sub(r":\d+|line \d+", "", finding.message))


def _extension_of(incident: Incident) -> dict[str, Any]:
    extension = incident.extensions.get(EXTENSION_KEY)
    return extension if isinstance(extension, dict) else {}


def _timestamp_of(incident: Incident) -> int | None:
    stamp = str(_extension_of(incident).get("timestamp", ""))  # extensions keep raw text
    return int(stamp) if stamp.isdigit() else None


def _event_date_of(incident: Incident) -> dt.date:
    text = _extension_of(incident).get("event_date")
    try:
        return dt.date.fromisoformat(text) if isinstance(text, str) else incident.start
    except ValueError:
        return incident.start


def _gone_ids(
    existing: dict[str, Incident], imported_ids: set[str], coverage: Coverage | None
) -> list[str]:
    """Imported entries of the store that the rows cover but no longer hold."""
    if coverage is None:
        return []
    gone = []
    for incident_id, incident in existing.items():
        if not incident_id.startswith(ID_PREFIX) or incident_id in imported_ids:
            continue
        extension = _extension_of(incident)
        types = [str(extension.get(k, "")) for k in ("event_type", "sub_event_type")]
        stamp = _timestamp_of(incident)
        if stamp is not None and coverage.newest is not None and stamp > coverage.newest:
            continue  # this version is newer than the export: the export cannot know it
        if coverage.covers(incident.location.country, _event_date_of(incident), types):
            gone.append(incident_id)
    return gone


def _refuse_non_store(findings: Iterable[Finding]) -> None:
    """Refuse a file of the store that has no schema_version (`findings`: the files')."""
    for finding in findings:
        if finding.rule == "missing-key" and "schema_version" in finding.message:
            raise SahelError(
                f"{finding.file}:{finding.line}:{finding.column}: not a sahel-timeline store (it "
                "has no schema_version), so nothing was written; import into a store "
                "file, a new .yaml file or a folder"
            )


def plan_import(
    entries: Sequence[ImportedEntry],
    target: Path,
    *,
    imported_on: dt.date,
    now: dt.date,
    new_file_name: str,
    coverage: Coverage | None = None,
    gone_action: str = "keep",
    cache: Cache | None = None,
) -> ImportPlan:
    """New texts for the store at `target` with `entries` merged in, validated as a store.

    An entry never replaces a newer version of its event (ACLED's `timestamp`). Imported
    entries that `coverage` covers and `entries` lack are gone: kept, tagged GONE_TAG
    (`gone_action` "mark") or removed ("remove"). Raise SahelError, writing nothing, when
    the result would have errors the store did not already have. With a `cache`, the
    store's files are read from it when it holds them (as a query would).
    """
    files, receiver = _target_files(target, new_file_name)
    originals: dict[Path, tuple[str, bool]] = {path: _read_text(path) for path in files}
    update = StoreUpdate.open(target, files, now, cache) if cache is not None else None
    try:
        plan = _plan(entries, target, files, receiver, originals, update, imported_on=imported_on,
                     now=now, coverage=coverage, gone_action=gone_action, cache=cache)  # fmt: skip
    except BaseException:
        if update is not None:
            update.rollback()
        raise
    if update is not None and plan.pending is None:
        update.rollback()  # nothing staged: only closed
    return plan


def _plan(
    entries: Sequence[ImportedEntry],
    target: Path,
    files: list[Path],
    receiver: Path,
    originals: dict[Path, tuple[str, bool]],
    update: StoreUpdate | None,
    *,
    imported_on: dt.date,
    now: dt.date,
    coverage: Coverage | None,
    gone_action: str,
    cache: Cache | None,
) -> ImportPlan:
    before_contents: dict[Path, FileContent] | None = None
    if update is not None:
        before, before_findings = update.before, update.before_findings
        _refuse_non_store(before.errors)
    else:
        before_contents = _contents_without_update(target, originals, cache)
        _refuse_non_store(f for content in before_contents.values() for f in content.findings)
        before = assemble_store(before_contents.values(), now)
        before_findings = before.findings
    existing: dict[str, Incident] = {}
    for incident in before.incidents:
        existing.setdefault(incident.id, incident)
    specs = [spec for entry in entries for spec, _ in entry.perpetrators]
    specs += [spec for entry in entries for spec in entry.target_groups]
    references, to_add = resolve_groups(specs, before.registry)
    plan = ImportPlan(texts={}, bom={}, gone_action=gone_action, store_path=target)
    plan.unmatched = _unmatched_names(entries, before.registry)

    edits: dict[Path, FileEdit] = {}

    def edit_for(path: Path) -> FileEdit:
        if path not in edits:
            original = originals.get(path)
            edits[path] = FileEdit(path, original[0] if original else None,
                                   bom=original[1] if original else False)  # fmt: skip
        return edits[path]

    taken = {name.casefold() for group in before.registry for name in group.names()}
    for spec in to_add:
        own = {spec.id.casefold(), spec.name.casefold(), (spec.short or "").casefold()}
        aliases = [
            name for name in dict.fromkeys(spec.acled_names)
            if name.casefold() not in own and name.casefold() not in taken
        ]  # fmt: skip
        taken |= {name.casefold() for name in (*own, *aliases) if name}
        edit_for(receiver).append_groups.append((spec, aliases))

    structures: dict[Path, FileStructure] = {}
    positions: dict[Path, dict[str | None, int]] = {}
    paths_by_name = {str(path): path for path in originals}
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            continue
        seen.add(entry.id)
        old = existing.get(entry.id)
        if old is None:
            edit_for(receiver).append_entries.append(entry)
            plan.imported.append(entry.id)
            continue
        assert old.origin is not None
        old_stamp, new_stamp = _timestamp_of(old), entry.extension.get("timestamp")
        if old_stamp is not None and isinstance(new_stamp, int) and new_stamp < old_stamp:
            plan.kept_as_newer.append(entry.id)
            continue
        path = paths_by_name[old.origin.file]
        if path not in structures:
            structures[path] = scan_structure(originals[path][0], str(path))
            info = structures[path].lists.get("incidents")
            positions[path] = (
                {item_id: i for i, (_, item_id) in enumerate(info.items)} if info else {}
            )
        structure = structures[path]
        info = structure.lists.get("incidents")
        assert info is not None
        start, end = structure.item_range(info, positions[path][entry.id])
        old_date, old_file = _import_stamp(old)
        if old_date is not None:
            # Unchanged when only the import date or the export's file name differ: the
            # citation keeps naming the export this version of the event came from.
            same_event = dataclasses.replace(
                entry, file=old_file or entry.file,
                extension={**entry.extension, "file": old_file or entry.file},
            )  # fmt: skip
            rendered = render_entry(same_event, references, old_date, info.dash_column,
                                    structure.newline)  # fmt: skip
            if "".join(structure.lines[start:end]) == rendered:
                plan.unchanged.append(entry.id)
                continue
        edit_for(path).replace[entry.id] = entry
        plan.updated.append(entry.id)

    plan.gone = _gone_ids(existing, seen, coverage)
    if gone_action in ("mark", "remove"):
        for incident_id in plan.gone:
            origin = existing[incident_id].origin
            assert origin is not None
            if gone_action == "mark" and GONE_TAG in existing[incident_id].tags:
                continue
            edit = edit_for(paths_by_name[origin.file])
            (edit.remove if gone_action == "remove" else edit.mark_gone).add(incident_id)
    stamp = imported_on.isoformat()
    documents: dict[Path, Node] = {}
    for path, edit in edits.items():
        if edit.original is None:  # a new file: its nodes come with its text, unparsed
            plan.texts[path], documents[path] = new_file_document(edit, references, stamp)
        elif edit.changes_anything:
            plan.texts[path] = apply_edit(edit, references, stamp)
            plan.bom[path] = edit.bom
    plan.groups_added = [spec.id for spec in to_add]
    if receiver in plan.texts and receiver not in originals:
        plan.new_file = receiver
    if plan.texts:  # nothing to write, nothing to check again
        _check_result(plan, documents, before_findings, _result_checker(
            target, originals, before_contents, update, plan, now))  # fmt: skip
    return plan


def _contents_without_update(
    target: Path, originals: dict[Path, tuple[str, bool]], cache: Cache | None
) -> dict[Path, FileContent]:
    """The store's files' validated contents (through the cache when there is one)."""
    if cache is not None:
        return file_contents_through_cache(target, list(originals), cache)
    return {
        path: load_file_bytes(text.encode("utf-8"), str(path))
        for path, (text, _) in originals.items()
    }


def _result_checker(
    target: Path,
    originals: dict[Path, tuple[str, bool]],
    before_contents: dict[Path, FileContent] | None,
    update: StoreUpdate | None,
    plan: ImportPlan,
    now: dt.date,
) -> Callable[[dict[Path, FileContent]], Store]:
    """How the store as the import leaves it is assembled from the changed files' contents:
    in the cache database (where they wait to be written), else in memory."""

    def check(changed: dict[Path, FileContent]) -> Store:
        if update is not None:
            try:
                after = update.stage(changed, now)
                plan.pending = update
                return after
            except (sqlite3.Error, RecordError):
                update.rollback()  # the cache is optional: check without it
        if before_contents is None:
            return assemble_store(
                {**_contents_without_update(target, originals, None), **changed}.values(), now
            )
        return assemble_store({**before_contents, **changed}.values(), now)

    return check


def _unmatched_names(
    entries: Sequence[ImportedEntry], registry: GroupRegistry
) -> list[tuple[GroupSpec, list[str]]]:
    """ACLED actor names that matched neither the importer's table nor the registry, with
    the events that name them (most named first), so that a curator can add an alias."""
    events: dict[str, list[str]] = {}
    specs: dict[str, GroupSpec] = {}
    for entry in entries:
        for spec in entry.groups:
            if spec.derived:
                specs.setdefault(spec.id, spec)
                events.setdefault(spec.id, []).append(entry.event_id)
    found = [
        (spec, events[spec_id]) for spec_id, spec in specs.items()
        if all(registry.resolve(name) is None for name in spec.lookup_names())
    ]  # fmt: skip
    return sorted(found, key=lambda item: (-len(item[1]), item[0].name.casefold()))


def _check_result(
    plan: ImportPlan,
    documents: dict[Path, Node],
    before_findings: list[Finding],
    assemble: Callable[[dict[Path, FileContent]], Store],
) -> None:
    """Validate the store as the import leaves it. A changed file is read again from its
    new text; a new file is validated from the nodes made with its text (`rows_document`):
    the same values, without parsing megabytes the importer has just written."""
    for path, text in plan.texts.items():
        if path in documents:
            plan.contents[path] = validate_document(documents[path], str(path))
        else:
            plan.contents[path] = load_file_bytes(text.encode("utf-8"), str(path))
    after = assemble(dict(plan.contents))
    known = Counter(_comparable(f) for f in before_findings if f.is_error)
    new_errors = []
    for finding in after.errors:
        key = _comparable(finding)
        if known[key]:
            known[key] -= 1
        else:
            new_errors.append(finding)
    if new_errors:
        shown = "\n".join(f"  {finding}" for finding in new_errors[:MAX_ERRORS_SHOWN])
        added, _ = count_by_severity(new_errors)
        more = added - sum(finding.count for finding in new_errors[:MAX_ERRORS_SHOWN])
        raise SahelError(
            f"the import would add {added:,} error(s) to the store, so nothing was "
            f"written:\n{shown}" + (f"\n  ... and {more} more" if more > 0 else "")
        )


def write_plan(plan: ImportPlan, cache: Cache | None = None) -> None:
    """Write every changed file of the plan, all or none (see `safe_write`): through a
    symlink to its target, keeping its permissions; WriteError when the disk is full or
    the folder read-only, with the store left as it was. With a `cache`, give it each
    file's validated content, so that the next query or import does not read it again
    (the rows checked in the cache database are kept: the incidents are not written twice)."""
    data = {
        path: (b"\xef\xbb\xbf" if plan.bom.get(path, False) else b"") + text.encode("utf-8")
        for path, text in plan.texts.items()
    }
    pending, plan.pending = plan.pending, None
    if pending is not None:
        try:
            write_files_atomically(data)
        except BaseException:
            pending.rollback()
            raise
        pending.commit({path: written for path, written in data.items() if path in plan.contents})
        return
    write_files_atomically(data)
    if cache is not None and plan.store_path is not None:
        remember_written_files(
            plan.store_path,
            {path: (written, plan.contents[path]) for path, written in data.items()
             if path in plan.contents},
            cache,
        )  # fmt: skip
