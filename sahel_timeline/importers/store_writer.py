"""Imported entries -> store files, edited as text so that what people wrote survives.

The writer never re-serialises a file. It finds the `groups:` and `incidents:` lists of a
store file in libyaml's event stream, then
- appends new entries after the last item of the list (or adds the list when the file has
  none),
- replaces an entry the importer owns (id `acled-...`) in place, line for line,
and leaves every other byte (hand-written entries, comments, order, blank lines) as it was.
Entries are rendered with every string as a JSON string (valid YAML double-quoted scalars),
every date quoted, and never an anchor.

`plan_import` computes the new texts and validates them as a store together with the files
left alone; `write_plan` replaces the files atomically (temporary file + os.replace).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import re
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sahel_timeline.errors import SahelError
from sahel_timeline.findings import Finding, count_by_severity
from sahel_timeline.importers.acled import (
    GroupSpec,
    ImportedEntry,
    acled_citation,
    resolve_groups,
)
from sahel_timeline.model import FuzzyDate, Incident
from sahel_timeline.store import STORE_SUFFIXES, assemble_store, load_file_bytes, store_files

try:
    from yaml import CSafeLoader as _EventLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _EventLoader  # type: ignore[assignment]

EXTENSION_KEY = "x-acled"
NEW_FILE_HEADER = (
    "# ACLED events imported by `sahel-timeline import-acled`.\n"
    "# Entries whose id starts with acled- belong to the importer: importing a revised export\n"
    "# replaces them. Record your own knowledge in entries of your own (related: [acled-...]).\n"
    "# ACLED's terms forbid redistributing its data: keep this file out of public repositories.\n"
)
MAX_ERRORS_SHOWN = 5

# Characters a YAML double-quoted scalar must not hold raw (C1 controls, line and paragraph
# separators, BOM, non-characters), on top of what JSON already escapes.
_UNSAFE_IN_YAML = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


# ---------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------


def yaml_scalar(value: Any) -> str:
    """One value as YAML text: strings double-quoted (JSON escapes), numbers plain."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    text = json.dumps(str(value), ensure_ascii=False)
    return _UNSAFE_IN_YAML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def yaml_flow(value: Any) -> str:
    """A value in flow style: `{key: "v", n: 1}`, `["a", "b"]` or a scalar."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {yaml_flow(item)}" for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(yaml_flow(item) for item in value) + "]"
    return yaml_scalar(value)


def render_entry(
    entry: ImportedEntry, references: dict[str, str], imported_on: str, indent: int, newline: str
) -> str:
    """An entry as the lines of one block-sequence item at `indent` (the dash column)."""
    pad, inner = " " * indent, " " * (indent + 2)
    lines = [f"{pad}- id: {yaml_scalar(entry.id)}"]
    fields = dict(entry.fields)
    perpetrators = [
        {"group": references[spec.id], "status": status} for spec, status in entry.perpetrators
    ]
    sources = [*fields.pop("sources", []), acled_citation(entry, imported_on)]
    for key, value in fields.items():
        if key in ("killed", "summary") and perpetrators:
            lines.append(f"{inner}perpetrators:")
            lines.extend(f"{inner}  - {yaml_flow(p)}" for p in perpetrators)
            perpetrators = []
        lines.append(f"{inner}{key}: {yaml_flow(value)}")
    lines.append(f"{inner}sources:")
    lines.extend(f"{inner}  - {yaml_flow(source)}" for source in sources)
    lines.append(f"{inner}{EXTENSION_KEY}:")
    extension = {**entry.extension, "imported": imported_on}
    lines.extend(f"{inner}  {key}: {yaml_flow(value)}" for key, value in extension.items())
    return newline.join(lines) + newline


def render_group(
    spec: GroupSpec, references: dict[str, str], aliases: Sequence[str], indent: int, newline: str
) -> str:
    pad, inner = " " * indent, " " * (indent + 2)
    lines = [f"{pad}- id: {yaml_scalar(spec.id)}", f"{inner}name: {yaml_scalar(spec.name)}"]
    if spec.short:
        lines.append(f"{inner}short: {yaml_scalar(spec.short)}")
    if aliases:
        lines.append(f"{inner}aliases: {yaml_flow(list(aliases))}")
    for key in ("affiliation", "merged_into"):
        parent = getattr(spec, key)
        if parent and parent in references:
            lines.append(f"{inner}{key}: {yaml_scalar(references[parent])}")
    lines.append(f"{inner}notes: {yaml_scalar('Added by the ACLED import for ACLED actor names.')}")
    return newline.join(lines) + newline


# ---------------------------------------------------------------------------------------
# The structure of a store file (where its lists and their items are)
# ---------------------------------------------------------------------------------------


@dataclass
class ListInfo:
    key: str
    key_line: int  # 0-based line of the key
    block: bool  # a block sequence (items written `- ...`)
    empty_inline: bool  # `key:`, `key: null`, `key: ~` or `key: []` on the key's line
    dash_column: int = 2
    items: list[tuple[int, str | None]] = field(default_factory=list)  # (first line, id)
    end_line: int = 0  # first line after the list's region (next top-level key or EOF)


@dataclass
class FileStructure:
    lines: list[str]
    lists: dict[str, ListInfo]
    newline: str

    def item_range(self, info: ListInfo, index: int) -> tuple[int, int]:
        """Lines [start, end) of an item, without the blank lines and comments after it."""
        start = info.items[index][0]
        end = info.items[index + 1][0] if index + 1 < len(info.items) else info.end_line
        key_column = info.dash_column + 2
        while end > start + 1:
            text = self.lines[end - 1]
            stripped = text.strip()
            indentation = len(text) - len(text.lstrip(" "))
            if not stripped or (stripped.startswith("#") and indentation <= key_column):
                end -= 1
            else:
                break
        return start, end


def _skip(loader: Any, event: Any) -> None:
    if not isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
        return
    depth = 1
    while depth:
        current = loader.get_event()
        if isinstance(current, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
        elif isinstance(current, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def _read_list(loader: Any, key: str, key_line: int, value: Any, lines: list[str]) -> ListInfo:
    if isinstance(value, yaml.ScalarEvent):
        null = value.implicit[0] and value.value in ("", "~", "null", "Null", "NULL")
        return ListInfo(key, key_line, block=False, empty_inline=bool(null))
    if not isinstance(value, yaml.SequenceStartEvent):
        _skip(loader, value)
        return ListInfo(key, key_line, block=False, empty_inline=False)
    info = ListInfo(key, key_line, block=not value.flow_style, empty_inline=False)
    start_mark: Any = value.start_mark  # libyaml always sets it; the stubs say Optional
    info.dash_column = start_mark.column
    while True:
        item = loader.get_event()
        if isinstance(item, yaml.SequenceEndEvent):
            break
        line = item.start_mark.line
        while line > 0 and lines[line][info.dash_column : info.dash_column + 1] != "-":
            line -= 1  # a `-` alone on its line, the item below it
        item_id = None
        if isinstance(item, yaml.MappingStartEvent):
            while True:
                child_key = loader.get_event()
                if isinstance(child_key, yaml.MappingEndEvent):
                    break
                child_value = loader.get_event()
                if (
                    isinstance(child_key, yaml.ScalarEvent)
                    and child_key.value == "id"
                    and isinstance(child_value, yaml.ScalarEvent)
                ):
                    item_id = child_value.value
                _skip(loader, child_value)
        else:
            _skip(loader, item)
        info.items.append((line, item_id))
    if not info.block and not info.items:
        info.empty_inline = True
    return info


def scan_structure(text: str, file: str) -> FileStructure:
    """Where the top-level lists of a store file are; SahelError when it cannot be edited."""
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if "\r\n" in text else "\n"
    lists: dict[str, ListInfo] = {}
    top_lines: list[int] = []
    loader: Any = _EventLoader(text)
    try:
        loader.get_event()  # stream start
        event = loader.get_event()
        if isinstance(event, yaml.DocumentStartEvent):
            root = loader.get_event()
            if isinstance(root, yaml.MappingStartEvent):
                if root.flow_style:
                    raise SahelError(
                        f"{file}: the file is one flow mapping ({{...}}); the importer adds "
                        "to block-style files only"
                    )
                while True:
                    key = loader.get_event()
                    if isinstance(key, yaml.MappingEndEvent):
                        break
                    value = loader.get_event()
                    key_line = key.start_mark.line
                    top_lines.append(key_line)
                    name = key.value if isinstance(key, yaml.ScalarEvent) else ""
                    if name in ("groups", "incidents"):
                        lists[name] = _read_list(loader, name, key_line, value, lines)
                    else:
                        _skip(loader, value)
            elif not (isinstance(root, yaml.ScalarEvent) and root.value == ""):
                raise SahelError(f"{file}: not a store file (its top level is not a mapping)")
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise SahelError(
            f"{file}{where}: not valid YAML, so nothing can be added to it; "
            "run `sahel-timeline validate` and fix it first"
        ) from None
    finally:
        loader.dispose()
    for info in lists.values():
        later = [line for line in top_lines if line > info.key_line]
        info.end_line = min(later) if later else len(lines)
    return FileStructure(lines, lists, newline)


# ---------------------------------------------------------------------------------------
# Editing one file
# ---------------------------------------------------------------------------------------

_EMPTY_LIST_LINE = re.compile(
    r"^(?P<key>groups|incidents):\s*(?:null|~|\[\s*\])?\s*(?P<comment>#.*)?$"
)


@dataclass
class FileEdit:
    """What to change in one file: items to append to each list, entries to replace."""

    path: Path
    original: str | None  # None: a new file
    bom: bool = False
    append_groups: list[tuple[GroupSpec, list[str]]] = field(default_factory=list)
    append_entries: list[ImportedEntry] = field(default_factory=list)
    replace: dict[str, ImportedEntry] = field(default_factory=dict)  # by id

    @property
    def changes_anything(self) -> bool:
        return bool(self.append_groups or self.append_entries or self.replace)


def _new_file_text(edit: FileEdit, references: dict[str, str], imported_on: str) -> str:
    parts = [NEW_FILE_HEADER, "\nschema_version: 1\n"]
    if edit.append_groups:
        parts.append("\ngroups:\n")
        parts.append(
            "\n".join(render_group(s, references, a, 2, "\n") for s, a in edit.append_groups)
        )
    parts.append("\nincidents:\n")
    if edit.append_entries:
        parts.append(
            "\n".join(
                render_entry(entry, references, imported_on, 2, "\n")
                for entry in edit.append_entries
            )
        )
    else:
        parts[-1] = "\nincidents: []\n"
    return "".join(parts)


def apply_edit(
    edit: FileEdit,
    references: dict[str, str],
    imported_on: str,
) -> str:
    """The new text of a file: the original with items appended and owned entries replaced."""
    if edit.original is None:
        return _new_file_text(edit, references, imported_on)
    structure = scan_structure(edit.original, str(edit.path))
    lines = list(structure.lines)
    newline = structure.newline
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    # (start, end, replacement lines): applied from the bottom up so positions stay valid.
    changes: list[tuple[int, int, str]] = []
    incidents = structure.lists.get("incidents")
    if edit.replace:
        assert incidents is not None and incidents.block
        for index, (_, item_id) in enumerate(incidents.items):
            entry = edit.replace.get(item_id or "")
            if entry is None:
                continue
            start, end = structure.item_range(incidents, index)
            text = render_entry(entry, references, imported_on, incidents.dash_column, newline)
            changes.append((start, end, text))

    def rendered(key: str, indent: int) -> list[str]:
        if key == "groups":
            return [render_group(s, references, a, indent, newline) for s, a in edit.append_groups]
        return [render_entry(e, references, imported_on, indent, newline)
                for e in edit.append_entries]  # fmt: skip

    at_end: list[str] = []
    counts = {"groups": len(edit.append_groups), "incidents": len(edit.append_entries)}
    for key, count in counts.items():
        if not count:
            continue
        info = structure.lists.get(key)
        if info is None:
            at_end.append(newline + f"{key}:" + newline + newline.join(rendered(key, 2)))
        elif info.block and info.items:
            _, end = structure.item_range(info, len(info.items) - 1)
            texts = rendered(key, info.dash_column)
            changes.append((end, end, "".join(newline + text for text in texts)))
        elif info.empty_inline and _EMPTY_LIST_LINE.match(lines[info.key_line].rstrip("\r\n")):
            match = _EMPTY_LIST_LINE.match(lines[info.key_line].rstrip("\r\n"))
            assert match is not None
            comment = f" {match.group('comment')}" if match.group("comment") else ""
            head = f"{key}:{comment}{newline}"
            texts = rendered(key, 2)
            changes.append((info.key_line, info.key_line + 1, head + newline.join(texts)))
        else:
            raise SahelError(
                f"{edit.path}:{info.key_line + 1}: the {key} list is not a block list "
                "(one `- ` item a line), so the importer cannot add to it without rewriting "
                "it; write it as a block list, or import into a folder store instead"
            )
    for start, end, text in sorted(changes, reverse=True):
        lines[start:end] = [text]
    return "".join(lines) + "".join(at_end)


# ---------------------------------------------------------------------------------------
# Planning an import into a store, and writing it
# ---------------------------------------------------------------------------------------


@dataclass
class ImportPlan:
    texts: dict[Path, str]  # the new text of each file that changes
    bom: dict[Path, bool]
    imported: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    groups_added: list[str] = field(default_factory=list)
    new_file: Path | None = None


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
    if target.is_dir():
        return store_files(target), target / new_file_name
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


def plan_import(
    entries: Sequence[ImportedEntry],
    target: Path,
    *,
    imported_on: dt.date,
    now: dt.date,
    new_file_name: str,
) -> ImportPlan:
    """New texts for the store at `target` with `entries` merged in, validated as a store.

    Raise SahelError, writing nothing, when the result would have errors the store did
    not already have.
    """
    files, receiver = _target_files(target, new_file_name)
    originals: dict[Path, tuple[str, bool]] = {path: _read_text(path) for path in files}
    before_contents = {
        path: load_file_bytes(text.encode("utf-8"), str(path))
        for path, (text, _) in originals.items()
    }
    before = assemble_store(before_contents.values(), now)
    existing: dict[str, Incident] = {}
    for incident in before.incidents:
        existing.setdefault(incident.id, incident)
    specs = [spec for entry in entries for spec, _ in entry.perpetrators]
    references, to_add = resolve_groups(specs, before.registry)

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

    plan = ImportPlan(texts={}, bom={})
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

    stamp = imported_on.isoformat()
    for path, edit in edits.items():
        if edit.changes_anything:
            plan.texts[path] = apply_edit(edit, references, stamp)
            plan.bom[path] = edit.bom
    plan.groups_added = [spec.id for spec in to_add]
    if receiver in plan.texts and receiver not in originals:
        plan.new_file = receiver
    _check_result(plan, before_contents, before.findings, now)
    return plan


def _check_result(
    plan: ImportPlan, before_contents: dict, before_findings: list[Finding], now: dt.date
) -> None:
    contents = dict(before_contents)
    for path, text in plan.texts.items():
        contents[path] = load_file_bytes(text.encode("utf-8"), str(path))
    after = assemble_store(contents.values(), now)
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


def atomic_write(path: Path, text: str, bom: bool = False) -> None:
    """Replace `path` with `text` (UTF-8) so that a reader sees the old or the new file whole."""
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    if path.exists():
        mode = path.stat().st_mode & 0o7777
    else:  # a new file gets the usual permissions (0666 less the umask), not mkstemp's 0600
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, removed on failure
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
    )
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, mode)
        os.replace(handle.name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)
        raise


def write_plan(plan: ImportPlan) -> None:
    for path, text in plan.texts.items():
        atomic_write(path, text, plan.bom.get(path, False))
