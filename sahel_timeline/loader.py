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
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from sahel_timeline.findings import ERROR, Finding

try:
    from yaml import CSafeLoader as _EventLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _EventLoader  # type: ignore[assignment]

MAX_DEPTH = 48
MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_MARKUP_FINDINGS = 200  # anchors, aliases, tags... past this a file is hostile, not sloppy

_CORE_TAG_PREFIX = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_CORE_TAG_PREFIX + t for t in ("str", "int", "float", "null", "map", "seq")}
# Characters YAML forbids in a stream, plus DEL and the C1 controls: reported with
# their position before the parser sees them. Tab, LF and CR are allowed.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")


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
    file: str
    findings: list[Finding]
    root: Node | None = None
    stack: list[Mapping | Sequence] = field(default_factory=list)
    pending_keys: list[Scalar | None] = field(default_factory=list)
    awaiting_value: list[bool] = field(default_factory=list)
    markup_findings: int = 0

    def report(self, line: int, column: int, rule: str, message: str) -> None:
        self.findings.append(Finding(self.file, line, column, ERROR, rule, message))

    def report_markup(self, line: int, column: int, rule: str, message: str) -> None:
        self.report(line, column, rule, message)
        self.markup_findings += 1
        if self.markup_findings >= MAX_MARKUP_FINDINGS:
            self.report(line, column, rule, "too many problems of this kind; stopped reading")
            raise _StopReadingError

    def check_node_markup(self, event: yaml.NodeEvent, line: int, column: int) -> None:
        if event.anchor is not None:
            self.report_markup(
                line, column, "yaml-anchor",
                f"anchor &{event.anchor} is not allowed: write the value out in full",
            )  # fmt: skip
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!" and tag not in _ALLOWED_TAGS:
            self.report_markup(line, column, "yaml-tag", f"tag {tag} is not allowed")

    def attach(self, node: Node) -> None:
        if not self.stack:
            self.root = node
            return
        parent = self.stack[-1]
        if isinstance(parent, Sequence):
            parent.items.append(node)
            return
        if not self.awaiting_value[-1]:
            self._take_key(node)
            return
        key = self.pending_keys[-1]
        self.awaiting_value[-1] = False
        self.pending_keys[-1] = None
        if key is None:  # the key was refused; drop its value
            return
        if key.value in parent.items:
            first = parent.keys[key.value]
            self.report(
                key.line, key.column, "duplicate-key",
                f"duplicate key {key.value!r} (first defined at line {first.line})",
            )  # fmt: skip
            return
        parent.items[key.value] = node
        parent.keys[key.value] = key

    def _take_key(self, node: Node) -> None:
        self.awaiting_value[-1] = True
        self.pending_keys[-1] = None
        if not isinstance(node, Scalar):
            self.report(node.line, node.column, "complex-key", "a key must be plain text")
        elif node.plain and node.value == "<<":
            self.report_markup(
                node.line, node.column, "yaml-merge-key", "merge keys (<<) are not allowed"
            )
        else:
            self.pending_keys[-1] = node

    def open(self, container: Mapping | Sequence) -> None:
        self.attach(container)
        if len(self.stack) >= MAX_DEPTH:
            self.report(
                container.line, container.column, "too-deep",
                f"nesting deeper than {MAX_DEPTH} levels; stopped reading",
            )  # fmt: skip
            raise _StopReadingError
        self.stack.append(container)
        self.pending_keys.append(None)
        self.awaiting_value.append(False)

    def close(self) -> None:
        self.stack.pop()
        self.pending_keys.pop()
        self.awaiting_value.pop()


def parse_yaml_text(text: str, file: str) -> tuple[Node | None, list[Finding]]:
    """Build the nodes of a one-document YAML text; problems become findings, never raise."""
    findings: list[Finding] = []
    builder = _Builder(file, findings)
    documents = 0
    loader = _EventLoader(text)
    try:
        while True:
            event = loader.get_event()
            if event is None:
                break
            mark = event.start_mark
            line, column = mark.line + 1, mark.column + 1
            kind = type(event)
            if kind is yaml.ScalarEvent:
                builder.check_node_markup(event, line, column)
                plain = event.implicit[0] or event.tag in _ALLOWED_TAGS - {_CORE_TAG_PREFIX + "str"}
                builder.attach(Scalar(event.value, plain, line, column))
            elif kind is yaml.MappingStartEvent:
                builder.check_node_markup(event, line, column)
                builder.open(Mapping(line, column))
            elif kind is yaml.SequenceStartEvent:
                builder.check_node_markup(event, line, column)
                builder.open(Sequence(line, column))
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                builder.close()
            elif kind is yaml.AliasEvent:
                builder.report_markup(
                    line, column, "yaml-alias",
                    f"alias *{event.anchor} is not allowed: write the value out in full",
                )  # fmt: skip
                builder.attach(Scalar("", True, line, column))
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    builder.report(
                        line, column, "multiple-documents",
                        "a store file holds one YAML document; found a second one",
                    )  # fmt: skip
                    break
            elif kind is yaml.StreamEndEvent:
                break
    except yaml.MarkedYAMLError as error:
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
        findings.append(
            Finding(
                file, line, column, ERROR, "control-character",
                f"control character U+{ord(char):04X} is not allowed in a store file",
            )
        )  # fmt: skip
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
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            limit = MAX_FILE_BYTES // (1024 * 1024)
            message = f"file is {size // (1024 * 1024)} MiB; the limit is {limit} MiB"
            return None, [Finding(name, 1, 1, ERROR, "file-too-large", message)]
        data = path.read_bytes()
    except OSError as error:
        reason = error.strerror or str(error)
        return None, [Finding(name, 1, 1, ERROR, "unreadable-file", f"cannot read file: {reason}")]
    return parse_yaml_bytes(data, name)


def parse_yaml_bytes(data: bytes, file: str) -> tuple[Node | None, list[Finding]]:
    text, findings = decode_store_bytes(data, file)
    if text is None:
        return None, findings
    return parse_yaml_text(text, file)
