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
left alone; `write_plan` replaces the files atomically, all or none (`safe_write`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from sahel_timeline.engine.cache import Cache
from sahel_timeline.errors import SahelError
from sahel_timeline.findings import Finding, count_by_severity
from sahel_timeline.importers.acled.actors import GroupSpec, resolve_groups
from sahel_timeline.importers.acled.entries import (
    EXTENSION_KEY,
    ID_PREFIX,
    ImportedEntry,
    acled_citation,
)
from sahel_timeline.importers.acled.events import Coverage
from sahel_timeline.model import FileContent, FuzzyDate, Incident
from sahel_timeline.registry import GroupRegistry
from sahel_timeline.safe_write import write_files_atomically
from sahel_timeline.store import loader
from sahel_timeline.store.load import (
    STORE_SUFFIXES,
    assemble_store,
    file_contents_through_cache,
    load_file_bytes,
    remember_written_files,
    store_files,
)
from sahel_timeline.store.loader import Mapping, Node, Scalar
from sahel_timeline.store.validate import validate_document
from sahel_timeline.vocab import SCHEMA_VERSION

try:
    from yaml import CSafeLoader as _EventLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _EventLoader  # type: ignore[assignment]

NEW_FILE_HEADER = (
    "# ACLED events imported by `sahel-timeline import-acled`.\n"
    "# Entries whose id starts with acled- belong to the importer: importing a revised export\n"
    "# replaces them. Record your own knowledge in entries of your own (related: [acled-...]).\n"
    "# ACLED's terms forbid redistributing its data: keep this file out of public repositories.\n"
)
MAX_ERRORS_SHOWN = 5

# Characters a YAML double-quoted scalar must not hold raw (C1 controls, line and paragraph
# separators, BOM, non-characters), on top of what JSON already escapes.
# One encoder for every string (json.dumps with options builds a new one on each call).
_JSON_STRING = json.JSONEncoder(ensure_ascii=False).encode
_UNSAFE_IN_YAML = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


# ---------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------


def yaml_scalar(value: Any) -> str:
    """One value as YAML text: strings double-quoted (JSON escapes), numbers plain."""
    if type(value) is str:  # the usual case first
        text = _JSON_STRING(value)
        if _UNSAFE_IN_YAML.search(text) is None:
            return text
        return _UNSAFE_IN_YAML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return yaml_scalar(str(value))


def yaml_flow(value: Any) -> str:
    """A value in flow style: `{key: "v", n: 1}`, `["a", "b"]` or a scalar."""
    return str(flow_and_node(value, 1, 1, with_node=False)[0])


BLOCK = object()  # a row's value: the field's items follow on rows of their own
GROUP_NOTE = "Added by the ACLED import for ACLED actor names."


class Row(NamedTuple):  # a tuple: the importer makes hundreds of thousands
    """One line of a rendered list item: the item's first line (depth 0), one of its fields
    (depth 1, `BLOCK` for a field whose items follow), or an item of such a field (depth 2:
    `- value` when `key` is None, `key: value` otherwise). Values are written in flow style.

    The text of an item and its nodes (`rows_document`) are both made from its rows, so
    that what is written and what is validated cannot differ.
    """

    depth: int
    key: str | None
    value: Any


def entry_rows(entry: ImportedEntry, references: dict[str, str], imported_on: str) -> list[Row]:
    rows = [Row(0, "id", entry.id)]
    fields = dict(entry.fields)
    perpetrators = [
        {"group": references[spec.id], "status": status} for spec, status in entry.perpetrators
    ]
    targeted = [references[spec.id] for spec in entry.target_groups]
    sources = [*fields.pop("sources", []), acled_citation(entry, imported_on)]
    pending = True  # perpetrators and target groups go before the figures or the summary
    for key, value in fields.items():
        if key in ("killed", "summary") and pending:
            if perpetrators:
                rows.append(Row(1, "perpetrators", BLOCK))
                rows.extend(Row(2, None, p) for p in perpetrators)
            if targeted:
                rows.append(Row(1, "target_groups", targeted))
            pending = False
        rows.append(Row(1, key, value))
    rows.append(Row(1, "sources", BLOCK))
    rows.extend(Row(2, None, source) for source in sources)
    rows.append(Row(1, EXTENSION_KEY, BLOCK))
    extension = {**entry.extension, "imported": imported_on}
    rows.extend(Row(2, key, value) for key, value in extension.items())
    return rows


def group_rows(spec: GroupSpec, references: dict[str, str], aliases: Sequence[str]) -> list[Row]:
    rows = [Row(0, "id", spec.id), Row(1, "name", spec.name)]
    if spec.short:
        rows.append(Row(1, "short", spec.short))
    if aliases:
        rows.append(Row(1, "aliases", list(aliases)))
    for key in ("affiliation", "merged_into"):
        parent = getattr(spec, key)
        if parent and parent in references:
            rows.append(Row(1, key, references[parent]))
    if spec.kind:
        rows.append(Row(1, "kind", spec.kind))
    rows.append(Row(1, "notes", GROUP_NOTE))
    return rows


def rows_text(rows: Sequence[Row], indent: int, newline: str) -> str:
    """An item's rows as the lines of one block-sequence item at `indent` (the dash column)."""
    lines, _ = rows_document(rows, 1, indent, with_nodes=False)
    return newline.join(lines) + newline


def render_entry(
    entry: ImportedEntry, references: dict[str, str], imported_on: str, indent: int, newline: str
) -> str:
    """An entry as the lines of one block-sequence item at `indent` (the dash column)."""
    return rows_text(entry_rows(entry, references, imported_on), indent, newline)


def render_group(
    spec: GroupSpec, references: dict[str, str], aliases: Sequence[str], indent: int, newline: str
) -> str:
    return rows_text(group_rows(spec, references, aliases), indent, newline)


def flow_and_node(value: Any, line: int, column: int, with_node: bool) -> tuple[str, Any]:
    """`yaml_flow(value)` and, when asked, the node the loader reads from it written at
    `line`, `column` (both in one pass: the importer writes and checks thousands)."""
    if type(value) is str:  # the usual case first
        text = yaml_scalar(value)
        return text, (Scalar(value, False, line, column) if with_node else None)
    if isinstance(value, dict):
        mapping = Mapping(line, column) if with_node else None
        parts = []
        position = column + 1
        for index, (key, item) in enumerate(value.items()):
            position += 2 if index else 0
            text, node = flow_and_node(item, line, position + len(key) + 2, with_node)
            if mapping is not None:
                mapping.keys[key] = Scalar(key, True, line, position)
                mapping.items[key] = node
            parts.append(f"{key}: {text}")
            position += len(key) + 2 + len(text)
        return "{" + ", ".join(parts) + "}", mapping
    if isinstance(value, (list, tuple)):
        sequence = loader.Sequence(line, column) if with_node else None
        parts = []
        position = column + 1
        for index, item in enumerate(value):
            position += 2 if index else 0
            text, node = flow_and_node(item, line, position, with_node)
            if sequence is not None:
                sequence.items.append(node)
            parts.append(text)
            position += len(text)
        return "[" + ", ".join(parts) + "]", sequence
    text = yaml_scalar(value)
    if not with_node:
        return text, None
    plain = value is None or isinstance(value, (bool, int, float))
    return text, Scalar(text if plain else str(value), plain, line, column)


def rows_document(
    rows: Sequence[Row], first_line: int, indent: int, *, with_nodes: bool = True
) -> tuple[list[str], Mapping]:
    """The lines of an item rendered from `rows` at `indent` (the dash column), and, when
    asked, the mapping node the loader reads from them when they start at `first_line`."""
    pad = " " * indent
    lines: list[str] = []
    item = Mapping(first_line, indent + 3)
    block: Mapping | loader.Sequence | None = None
    last_key = ""
    for offset, row in enumerate(rows):
        line = first_line + offset
        column = indent + 1 + 2 * row.depth + (2 if row.depth == 0 else 0)
        if row.depth < 2:
            assert row.key is not None
            lead = f"{pad}- " if row.depth == 0 else f"{pad}  "
            if row.value is BLOCK:
                lines.append(f"{lead}{row.key}:")
                block, node = None, Scalar("", True, line, column + len(row.key) + 2)
            else:
                text, node = flow_and_node(row.value, line, column + len(row.key) + 2, with_nodes)
                lines.append(f"{lead}{row.key}: {text}")
            if with_nodes:
                item.keys[row.key] = Scalar(row.key, True, line, column)
                item.items[row.key] = node
            last_key = row.key
            continue
        head = f"{pad}{'  ' * row.depth}"
        if row.key is None:
            text, node = flow_and_node(row.value, line, column + 2, with_nodes)
            lines.append(f"{head}- {text}")
        else:
            text, node = flow_and_node(row.value, line, column + len(row.key) + 2, with_nodes)
            lines.append(f"{head}{row.key}: {text}")
        if not with_nodes:
            continue
        if block is None:
            block = loader.Sequence(line, column) if row.key is None else Mapping(line, column)
            item.items[last_key] = block
        if isinstance(block, loader.Sequence):
            block.items.append(node)
        else:
            assert row.key is not None
            block.keys[row.key] = Scalar(row.key, True, line, column)
            block.items[row.key] = node
    return lines, item


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
    remove: set[str] = field(default_factory=set)  # ids of entries to take out
    mark_gone: set[str] = field(default_factory=set)  # ids of entries to tag GONE_TAG

    @property
    def changes_anything(self) -> bool:
        return bool(
            self.append_groups or self.append_entries or self.replace or self.remove
            or self.mark_gone
        )  # fmt: skip


def new_file_document(
    edit: FileEdit, references: dict[str, str], imported_on: str
) -> tuple[str, Mapping]:
    """A new store file's text and the nodes the loader would read from it."""
    lines = NEW_FILE_HEADER.splitlines()
    lines += ["", "schema_version: 1"]
    root = Mapping(1, 1)
    version_line = len(lines)
    root.keys["schema_version"] = Scalar("schema_version", True, version_line, 1)
    root.items["schema_version"] = Scalar(str(SCHEMA_VERSION), True, version_line, 17)
    lists = (
        ("groups", [group_rows(s, references, a) for s, a in edit.append_groups]),
        ("incidents", [entry_rows(e, references, imported_on) for e in edit.append_entries]),
    )
    for key, items in lists:
        if not items and key == "groups":
            continue
        lines += ["", f"{key}:" if items else f"{key}: []"]
        root.keys[key] = Scalar(key, True, len(lines), 1)
        sequence = loader.Sequence(len(lines) + 1, 3)
        root.items[key] = sequence
        for index, rows in enumerate(items):
            if index:
                lines.append("")
            item_lines, node = rows_document(rows, len(lines) + 1, 2)
            sequence.items.append(node)
            lines += item_lines
    return "\n".join(lines) + "\n", root


GONE_TAG = "acled-gone"
_TAGS_LINE = re.compile(r"^(?P<head>\s+tags: \[)(?P<items>.*)\](?P<end>\s*)$")


def _with_gone_tag(item_lines: list[str], item_id: str | None, newline: str) -> str:
    """An imported entry's lines with GONE_TAG added to its one-line `tags: [...]`."""
    out = list(item_lines)
    for index, line in enumerate(out):
        match = _TAGS_LINE.match(line)
        if match:
            if yaml_scalar(GONE_TAG) not in match.group("items"):
                items = match.group("items")
                items = (
                    f"{items}, {yaml_scalar(GONE_TAG)}" if items.strip() else yaml_scalar(GONE_TAG)
                )
                out[index] = f"{match.group('head')}{items}]{match.group('end')}"
            return "".join(out)
    raise SahelError(f"entry {item_id}: no one-line tags list to mark it gone; was it edited?")


def apply_edit(
    edit: FileEdit,
    references: dict[str, str],
    imported_on: str,
) -> str:
    """The new text of a file: the original with items appended and owned entries replaced."""
    if edit.original is None:
        return new_file_document(edit, references, imported_on)[0]
    structure = scan_structure(edit.original, str(edit.path))
    lines = list(structure.lines)
    newline = structure.newline
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    # (start, end, replacement lines): applied from the bottom up so positions stay valid.
    changes: list[tuple[int, int, str]] = []
    incidents = structure.lists.get("incidents")
    if edit.replace or edit.remove or edit.mark_gone:
        assert incidents is not None and incidents.block
        for index, (_, item_id) in enumerate(incidents.items):
            start, end = structure.item_range(incidents, index)
            entry = edit.replace.get(item_id or "")
            if entry is not None:
                text = render_entry(entry, references, imported_on, incidents.dash_column,
                                    newline)  # fmt: skip
                changes.append((start, end, text))
            elif item_id in edit.remove:
                changes.append((start, end, ""))
            elif item_id in edit.mark_gone:
                changes.append((start, end, _with_gone_tag(lines[start:end], item_id, newline)))

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
    # The validated content of each file that changes, as written (for the store cache).
    contents: dict[Path, FileContent] = field(default_factory=dict)
    kept_as_newer: list[str] = field(default_factory=list)  # the store's version is newer
    gone: list[str] = field(default_factory=list)  # in the store, covered, absent from rows
    gone_action: str = "keep"
    store_path: Path | None = None  # the store imported into (its cache database's key)
    # Group specs made from ACLED names that matched nothing (neither the importer's table
    # nor the store's registry), with the ids of the events that name them.
    unmatched: list[tuple[GroupSpec, list[str]]] = field(default_factory=list)


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


def _refuse_non_store(contents: dict[Path, FileContent]) -> None:
    for path, content in contents.items():
        for finding in content.findings:
            if finding.rule == "missing-key" and "schema_version" in finding.message:
                raise SahelError(
                    f"{path}:{finding.line}:{finding.column}: not a sahel-timeline store (it "
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
    before_contents: dict[Path, FileContent] = (
        file_contents_through_cache(target, list(originals), cache)
        if cache is not None
        else {
            path: load_file_bytes(text.encode("utf-8"), str(path))
            for path, (text, _) in originals.items()
        }
    )
    _refuse_non_store(before_contents)
    before = assemble_store(before_contents.values(), now)
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
    _check_result(plan, before_contents, before.findings, now, documents)
    return plan


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
    before_contents: dict[Path, FileContent],
    before_findings: list[Finding],
    now: dt.date,
    documents: dict[Path, Node],
) -> None:
    """Validate the store as the import leaves it. A changed file is read again from its
    new text; a new file is validated from the nodes made with its text (`rows_document`):
    the same values, without parsing megabytes the importer has just written."""
    contents = dict(before_contents)
    for path, text in plan.texts.items():
        if path in documents:
            plan.contents[path] = validate_document(documents[path], str(path))
        else:
            plan.contents[path] = load_file_bytes(text.encode("utf-8"), str(path))
        contents[path] = plan.contents[path]
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


def write_plan(plan: ImportPlan, cache: Cache | None = None) -> None:
    """Write every changed file of the plan, all or none (see `safe_write`): through a
    symlink to its target, keeping its permissions; WriteError when the disk is full or
    the folder read-only, with the store left as it was. With a `cache`, give it each
    file's validated content, so that the next query or import does not read it again."""
    data = {
        path: (b"\xef\xbb\xbf" if plan.bom.get(path, False) else b"") + text.encode("utf-8")
        for path, text in plan.texts.items()
    }
    write_files_atomically(data)
    if cache is not None and plan.store_path is not None:
        remember_written_files(
            plan.store_path,
            {path: (written, plan.contents[path]) for path, written in data.items()
             if path in plan.contents},
            cache,
        )  # fmt: skip
