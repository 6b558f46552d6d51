"""Imported entries as YAML text, edited into a store file so that what people wrote survives.

The writer never re-serialises a file. It finds the `groups:` and `incidents:` lists of a
store file in libyaml's event stream, then
- appends new entries after the last item of the list (or adds the list when the file has
  none),
- replaces an entry the importer owns (id `acled-...`) in place, line for line,
and leaves every other byte (hand-written entries, comments, order, blank lines) as it was.
Entries are rendered with every string as a JSON string (valid YAML double-quoted scalars),
every date quoted, and never an anchor."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from sahel_timeline.errors import SahelError
from sahel_timeline.importers.acled.actors import GroupSpec
from sahel_timeline.importers.acled.entries import (
    EXTENSION_KEY,
    ImportedEntry,
    acled_citation,
)
from sahel_timeline.store import loader
from sahel_timeline.store.loader import Mapping, Scalar
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

# JSON's own string encoder (what json.dumps(text, ensure_ascii=False) calls), without an
# encoder object around it: the importer writes hundreds of thousands of strings.
_JSON_STRING = json.encoder.encode_basestring
# Characters a YAML double-quoted scalar must not hold raw (C1 controls, line and paragraph
# separators, BOM, non-characters), on top of what JSON already escapes.
_UNSAFE_IN_YAML = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
_find_unsafe = _UNSAFE_IN_YAML.search


# ---------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------


def yaml_scalar(value: Any) -> str:
    """One value as YAML text: strings double-quoted (JSON escapes), numbers plain."""
    if type(value) is str:  # the usual case first
        text = _JSON_STRING(value)
        return text if _find_unsafe(text) is None else _escape_unsafe(text)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return yaml_scalar(str(value))


def _escape_unsafe(text: str) -> str:
    return _UNSAFE_IN_YAML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


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
        text = _JSON_STRING(value)
        if _find_unsafe(text) is not None:
            text = _escape_unsafe(text)
        return text, (Scalar(value, False, line, column) if with_node else None)
    if isinstance(value, dict):
        mapping = Mapping(line, column) if with_node else None
        parts = []
        position = column + 1
        for key, item in value.items():
            text, node = flow_and_node(item, line, position + len(key) + 2, with_node)
            if mapping is not None:
                mapping.keys[key] = Scalar(key, True, line, position)
                mapping.items[key] = node
            part = f"{key}: {text}"
            parts.append(part)
            position += len(part) + 2  # and the ", " before the next key
        return "{" + ", ".join(parts) + "}", mapping
    if isinstance(value, (list, tuple)):
        sequence = loader.Sequence(line, column) if with_node else None
        parts = []
        position = column + 1
        for item in value:
            text, node = flow_and_node(item, line, position, with_node)
            if sequence is not None:
                sequence.items.append(node)
            parts.append(text)
            position += len(text) + 2
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
    leads = (f"{pad}- ", f"{pad}  ", f"{pad}    ")  # the text before a row's key, by depth
    columns = (indent + 3, indent + 3, indent + 5)  # the column of a row's key, by depth
    lines: list[str] = []
    item = Mapping(first_line, indent + 3)
    block: Mapping | loader.Sequence | None = None
    last_key = ""
    line = first_line - 1
    for depth, key, value in rows:
        line += 1
        column = columns[depth]
        if depth < 2:
            assert key is not None
            if value is BLOCK:
                lines.append(f"{leads[depth]}{key}:")
                block, node = None, Scalar("", True, line, column + len(key) + 2)
            else:
                text, node = flow_and_node(value, line, column + len(key) + 2, with_nodes)
                lines.append(f"{leads[depth]}{key}: {text}")
            if with_nodes:
                item.keys[key] = Scalar(key, True, line, column)
                item.items[key] = node
            last_key = key
            continue
        if key is None:
            text, node = flow_and_node(value, line, column + 2, with_nodes)
            lines.append(f"{leads[2]}- {text}")
        else:
            text, node = flow_and_node(value, line, column + len(key) + 2, with_nodes)
            lines.append(f"{leads[2]}{key}: {text}")
        if not with_nodes:
            continue
        if block is None:
            block = loader.Sequence(line, column) if key is None else Mapping(line, column)
            item.items[last_key] = block
        if isinstance(block, loader.Sequence):
            block.items.append(node)
        else:
            assert key is not None
            block.keys[key] = Scalar(key, True, line, column)
            block.items[key] = node
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
