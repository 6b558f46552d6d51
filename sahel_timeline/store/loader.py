"""YAML text -> plain nodes that remember their line and column.

The loader never lets PyYAML compose or construct anything: it walks libyaml's event
stream and builds its own small nodes, so that
- no Python object is ever constructed from the file (no tags are honoured),
- anchors, aliases, merge keys and custom tags are refused where they stand,
- duplicate keys are caught with the line of both occurrences,
- every scalar stays text (`2017-08-13`, `NO`, `14:05` are strings until the schema says
  otherwise), and
- nesting depth is checked while streaming, so a hostile file stops early instead of
  exhausting the stack or the memory.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

from sahel_timeline.findings import ERROR, Finding
from sahel_timeline.store.files import read_store_bytes

try:
    from yaml import CSafeLoader as _EventLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _EventLoader  # type: ignore[assignment]

MAX_DEPTH = 48
MAX_MARKUP_FINDINGS = 200  # anchors, aliases, tags, duplicate keys: past this, hostile

_CORE_TAG_PREFIX = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_CORE_TAG_PREFIX + t for t in ("str", "int", "float", "null", "map", "seq")}
_ACCEPTED_TAGS = frozenset(_ALLOWED_TAGS | {"!"})  # "!" is the non-specific tag of quoted text
_PLAIN_TAGS = frozenset(_ALLOWED_TAGS - {_CORE_TAG_PREFIX + "str"})  # `!!int 3` reads as plain
# Characters YAML forbids in a stream, plus DEL and the C1 controls: reported with
# their position before the parser sees them. Tab, LF and CR are allowed.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
# libyaml (YAML 1.1) reads these as line breaks: they would split a value and shift the line
# of every later finding, while an editor shows them on one line (or not at all).
_YAML_11_LINE_BREAKS = {
    "\x85": "next line",
    "\u2028": "line separator",
    "\u2029": "paragraph separator",
}


@dataclass(slots=True)
class Scalar:
    value: str
    plain: bool  # written without quotes or an explicit tag: `null`, numbers, dates...
    line: int  # 1-based
    column: int  # 1-based

    @property
    def is_null(self) -> bool:
        return self.plain and self.value in ("", "~", "null", "Null", "NULL")


@dataclass(slots=True)
class Mapping:
    line: int
    column: int
    items: dict[str, Node] = field(default_factory=dict)
    keys: dict[str, Scalar] = field(default_factory=dict)  # the key nodes, for their marks


@dataclass(slots=True)
class Sequence:
    line: int
    column: int
    items: list[Node] = field(default_factory=list)


Node = Scalar | Mapping | Sequence


class _StopReadingError(Exception):
    """Raised inside the event loop when a file cannot be read any further."""


@dataclass
class _Builder:
    """The reporting side of the event loop in `parse_yaml_text`."""

    file: str
    findings: list[Finding]
    root: Node | None = None
    markup_findings: int = 0

    def report(self, line: int, column: int, rule: str, message: str) -> None:
        self.findings.append(Finding(self.file, line, column, ERROR, rule, message))

    def report_markup(self, line: int, column: int, rule: str, message: str) -> None:
        self.report(line, column, rule, message)
        self.markup_findings += 1
        if self.markup_findings >= MAX_MARKUP_FINDINGS:
            self.report(line, column, rule, "too many problems of this kind; stopped reading")
            raise _StopReadingError

    def check_node_markup(self, event: Any, line: int, column: int) -> None:
        if event.anchor is not None:
            self.report_markup(
                line, column, "yaml-anchor",
                f"anchor &{event.anchor} is not allowed: write the value out in full",
            )  # fmt: skip
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!" and tag not in _ALLOWED_TAGS:
            self.report_markup(line, column, "yaml-tag", f"tag {tag} is not allowed")


class ReadingProgress(Protocol):
    def reading(self, file: str, characters: int) -> None: ...
    def advance(self, characters_read: int) -> None: ...


PROGRESS_EVERY_RECORDS = 500


def parse_yaml_text(
    text: str,
    file: str,
    progress: ReadingProgress | None = None,
    on_record: Callable[[Node], None] | None = None,
) -> tuple[Node | None, list[Finding]]:
    """Build the nodes of a one-document YAML text; problems become findings, never raise.

    With `on_record`, each item of the top-level `incidents` list that is a mapping or a
    list is handed to `on_record` as soon as it is read, and not kept in the tree: a big
    store is then never held whole (the list stays in the tree, without those items).
    """
    return _parse_yaml(text, lambda: text, file, progress, on_record)


def _parse_yaml(
    stream: str | bytes,
    text_of: Callable[[], str],
    file: str,
    progress: ReadingProgress | None,
    on_record: Callable[[Node], None] | None,
) -> tuple[Node | None, list[Finding]]:
    """The event loop of `parse_yaml_text`; `stream` is what libyaml reads (the text or its
    UTF-8 bytes), `text_of` gives the text for the rare finding that needs to look at it.

    This loop is the hot path of every cold load (a 100,000-incident store is about ten
    million events), so the common case, a plain or quoted scalar inside a mapping or a
    list, is handled inline with local variables; the rare cases (markup to refuse,
    duplicate or complex keys, too deep) go through the `_Builder`'s methods.
    """
    findings: list[Finding] = []
    builder = _Builder(file, findings)
    documents = 0
    loader = _EventLoader(stream)
    streamed: Sequence | None = None  # the incidents list whose items go to `on_record`
    # libyaml's events are read by attribute; their classes are not typed per kind.
    get_event: Callable[[], Any] = loader.get_event
    scalar_event, mapping_start, sequence_start = (
        yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    )  # fmt: skip
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    # The frame of the innermost open container: the container, whether it is a mapping,
    # whether its next node is a value, and the key waiting for that value.
    parent: Mapping | Sequence | None = None
    in_mapping = False
    awaiting_value = False
    pending_key: Scalar | None = None
    outer: list[tuple[Mapping | Sequence | None, bool, bool, Scalar | None]] = []
    records = 0
    event: Any = None  # the last event read: libyaml may scan far ahead of its events
    try:
        while True:
            event = get_event()
            if event is None:
                break
            kind = type(event)
            if kind in ends:
                parent, in_mapping, awaiting_value, pending_key = outer.pop()
                if len(outer) == 2:  # the end of a record
                    if parent is streamed and streamed is not None:
                        on_record(streamed.items.pop())  # type: ignore[misc]
                    records += 1
                    if progress is not None and records % PROGRESS_EVERY_RECORDS == 0:
                        progress.advance(event.end_mark.index)
                continue
            mark = event.start_mark
            line, column = mark.line + 1, mark.column + 1
            if kind is scalar_event:
                tag = event.tag
                if event.anchor is not None or (tag is not None and tag not in _ACCEPTED_TAGS):
                    builder.check_node_markup(event, line, column)
                node: Node = Scalar(
                    event.value, event.implicit[0] or tag in _PLAIN_TAGS, line, column
                )
            elif kind is mapping_start or kind is sequence_start:
                if event.anchor is not None or (
                    event.tag is not None and event.tag not in _ACCEPTED_TAGS
                ):
                    builder.check_node_markup(event, line, column)
                node = Mapping(line, column) if kind is mapping_start else Sequence(line, column)
            elif kind is yaml.AliasEvent:
                builder.report_markup(
                    line, column, "yaml-alias",
                    f"alias *{event.anchor} is not allowed: write the value out in full",
                )  # fmt: skip
                node = Scalar("", True, line, column)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    builder.report(
                        line, column, "multiple-documents",
                        "a store file holds one YAML document; found a second one",
                    )  # fmt: skip
                    break
                continue
            elif kind is yaml.StreamEndEvent:
                break
            else:
                continue
            # Attach the node to its parent.
            if in_mapping:
                assert isinstance(parent, Mapping)
                if awaiting_value:
                    awaiting_value = False
                    key, pending_key = pending_key, None
                    if key is not None:  # None: the key was refused; drop its value
                        name = key.value
                        if name in parent.items:
                            first = parent.keys[name]
                            builder.report_markup(
                                key.line, key.column, "duplicate-key",
                                f"duplicate key {name!r} (first defined at line {first.line})",
                            )  # fmt: skip
                        else:
                            parent.items[name] = node
                            parent.keys[name] = key
                            if (
                                name == "incidents"
                                and on_record is not None
                                and len(outer) == 1
                                and type(node) is Sequence
                            ):
                                streamed = node
                else:
                    awaiting_value = True
                    pending_key = None
                    if type(node) is not Scalar:
                        builder.report(line, column, "complex-key", "a key must be plain text")
                    elif node.plain and node.value == "<<":
                        builder.report_markup(
                            line, column, "yaml-merge-key", "merge keys (<<) are not allowed"
                        )
                    else:
                        pending_key = node
            elif parent is not None:
                parent.items.append(node)  # type: ignore[union-attr]
            else:
                builder.root = node
            if type(node) is not Scalar:
                if len(outer) >= MAX_DEPTH:
                    builder.report(
                        line, column, "too-deep",
                        f"nesting deeper than {MAX_DEPTH} levels; stopped reading",
                    )  # fmt: skip
                    raise _StopReadingError
                outer.append((parent, in_mapping, awaiting_value, pending_key))
                parent, in_mapping = node, type(node) is Mapping  # type: ignore[assignment]
                awaiting_value, pending_key = False, None
    except yaml.MarkedYAMLError as error:
        if error.problem == _LIBYAML_DEPTH_PROBLEM:
            # libyaml's own limit (1000 levels in its newer releases) answered first because
            # its scanner reads a flow collection ahead of the events: find where the store's
            # own, lower limit was crossed, so the finding is the same under every release.
            start = event.end_mark.index if event is not None else 0
            line, column = _where_flow_nesting_exceeds(text_of(), start, len(outer), error)
            builder.report(
                line, column, "too-deep",
                f"nesting deeper than {MAX_DEPTH} levels; stopped reading",
            )  # fmt: skip
            return None, findings
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "invalid YAML"
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        builder.report(line, column, "yaml-syntax", f"YAML syntax error: {problem}")
        return None, findings
    except yaml.YAMLError as error:  # reader errors carry no mark object
        builder.report(1, 1, "yaml-syntax", f"YAML error: {error}")
        return None, findings
    except _StopReadingError:
        return None, findings  # a half-read tree would only add misleading findings
    finally:
        loader.dispose()
    return builder.root, findings


_LIBYAML_DEPTH_PROBLEM = "exceeded maximum nesting depth"


def _where_flow_nesting_exceeds(
    text: str, start: int, depth: int, error: yaml.MarkedYAMLError
) -> tuple[int, int]:
    """Line and column of the bracket that opens level MAX_DEPTH + 1 after `start`.

    `depth` is the number of containers open at `start`. Quoted scalars and comments are
    skipped; if no bracket crosses the limit, the parser's own mark is the answer.
    """
    mark = error.problem_mark or error.context_mark
    end = mark.index if mark is not None else len(text)
    index, quote = start, ""
    while index < end:
        char = text[index]
        if quote:
            if char == "\\" and quote == '"':
                index += 1
            elif char == quote:
                if quote == "'" and text.startswith("''", index):
                    index += 1
                else:
                    quote = ""
        elif char in "'\"" and (index == 0 or text[index - 1] in " \t\n[{,:"):
            quote = char
        elif char == "#" and (index == 0 or text[index - 1] in " \t\n"):
            newline = text.find("\n", index)
            index = end if newline < 0 else newline
            continue
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line_start = text.rfind("\n", 0, index) + 1
                return text.count("\n", 0, index) + 1, index - line_start + 1
        elif char in "]}":
            depth -= 1
        index += 1
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def decode_store_bytes(data: bytes, file: str) -> tuple[str | None, list[Finding]]:
    """UTF-8 text of a store file (BOM removed), or findings that say where it is not text."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        line_start = data.rfind(b"\n", 0, error.start) + 1
        column = len(data[line_start : error.start].decode("utf-8", errors="replace")) + 1
        message = f"invalid UTF-8 (byte 0x{data[error.start]:02x}); store files must be UTF-8"
        return None, [Finding(file, line, column, ERROR, "encoding", message)]
    findings = []
    for match in _CONTROL_CHARACTERS.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        char = match.group()
        message = f"control character U+{ord(char):04X} is not allowed in a store file"
        if char in _YAML_11_LINE_BREAKS:
            message = (
                f"{_YAML_11_LINE_BREAKS[char]} U+{ord(char):04X} is not allowed in a store file "
                "(YAML reads it as a line break): replace it with a space or a line break"
            )
        findings.append(Finding(file, line, column, ERROR, "control-character", message))
        if len(findings) >= MAX_MARKUP_FINDINGS:
            break
    if findings:
        return None, findings
    return text, []


def read_yaml_file(
    path: Path, display_name: str | None = None
) -> tuple[Node | None, list[Finding]]:
    """Read, decode and parse one store file; never raises for a bad or unreadable file."""
    name = display_name or str(path)
    data, findings = read_store_bytes(path, name)
    if data is None:
        return None, findings
    return parse_yaml_bytes(data, name)


def parse_yaml_bytes(
    data: bytes,
    file: str,
    progress: ReadingProgress | None = None,
    on_record: Callable[[Node], None] | None = None,
) -> tuple[Node | None, list[Finding]]:
    """Like `parse_yaml_text`, from the file's bytes. libyaml reads the bytes themselves:
    the decoded text is only checked, then dropped, so a big file is not held three times
    (bytes, text, and the UTF-8 copy libyaml would make of the text)."""
    text, findings = decode_store_bytes(data, file)
    if text is None:
        return None, findings
    if progress is not None:
        progress.reading(file, len(text))
    del text
    stream = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    return _parse_yaml(
        stream, lambda: decode_store_bytes(data, file)[0] or "", file, progress, on_record
    )
