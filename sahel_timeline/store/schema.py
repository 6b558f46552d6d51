"""The store format as data: one definition that both the validator and the JSON Schema read.

Each spec converts a loader node into a Python value, reporting what is wrong as findings
(with the node's line and column), and describes itself as JSON Schema (draft 2020-12).
Rules that span fields or records (date order, coordinates inside the country, unknown
groups, duplicate ids) live in `validate.py` and `load.py`.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

from sahel_timeline.findings import ERROR, WARNING, Finding, FindingsCap
from sahel_timeline.model import FuzzyDate
from sahel_timeline.store.loader import Mapping, Node, Scalar, Sequence
from sahel_timeline.visible import BIDI_CONTROLS, BIDI_MARKS, CONTROLS, character_class
from sahel_timeline.vocab import (
    ACTOR_KINDS,
    KINDS,
    LOCATION_PRECISIONS,
    SCHEMA_VERSION,
    STATUSES,
    TACTICS,
    TARGETS,
    find_country,
)

ID_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$"
ID_MAX_LENGTH = 80
FUZZY_DATE_JSON_PATTERN = r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
URL_PATTERN = r"^https?://\S+$"
EXTENSION_KEY_PREFIX = "x-"
# YAML 1.2's core schema: plain (unquoted) true and false in these spellings.
BOOLEAN_WORDS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False,
                 "FALSE": False}  # fmt: skip
MAX_INTEGER_DIGITS = 18  # past this a figure is a typo, and int() refuses very long text
MAX_SHOWN_LENGTH = 80  # a value quoted in a message is cut to this many characters


class Invalid:
    """The value of a node that failed its spec (already reported)."""

    def __repr__(self) -> str:
        return "INVALID"


INVALID = Invalid()


@dataclass
class Checker:
    """Collects the findings of one file, capped per rule (see `findings.FindingsCap`)."""

    file: str
    cap: FindingsCap = field(default_factory=FindingsCap)

    @property
    def findings(self) -> list[Finding]:
        return self.cap.findings()

    def error(self, at: Node | tuple[int, int], rule: str, message: str) -> None:
        self.report(at, ERROR, rule, message)

    def warning(self, at: Node | tuple[int, int], rule: str, message: str) -> None:
        self.report(at, WARNING, rule, message)

    def report(self, at: Node | tuple[int, int], severity: str, rule: str, message: str) -> None:
        line, column = at if isinstance(at, tuple) else (at.line, at.column)
        self.cap.add(Finding(self.file, line, column, severity, rule, message))


def shown(text: str) -> str:
    """`text` quoted for a message, cut short so that a huge value cannot flood the output."""
    if len(text) > MAX_SHOWN_LENGTH:
        return repr(text[: MAX_SHOWN_LENGTH - 3]) + f"... ({len(text)} characters)"
    return repr(text)


def describe_node(node: Node) -> str:
    if isinstance(node, Mapping):
        return "a mapping"
    if isinstance(node, Sequence):
        return "a list"
    if node.is_null:
        return "nothing (null)"
    return shown(node.value)


# What store text may not hold (see docs/validation.md). Errors: C0 controls but tab and line
# feed, DEL and C1 (they drive terminals: a screen clear, a fake hyperlink), and the
# bidirectional embeddings, overrides and isolates (they reorder what a reader sees).
# Warnings: the invisible bidirectional marks, and a tab or line break in a one-line field.


_CONTROLS = character_class(CONTROLS - set("\t\n"))
_BIDI = character_class(BIDI_CONTROLS)
# For the JSON Schema: text without the characters that are errors.
TEXT_JSON_PATTERN = f"^[^{_CONTROLS}{_BIDI}]*$"


@dataclass(frozen=True)
class CharacterRule:
    """A kind of character store text may not hold, and what a finding says of it."""

    characters: re.Pattern[str]
    severity: str
    rule: str
    message: str  # {where}: the code point and its position in the value
    one_line_only: bool = False  # tabs and line breaks are text in summaries and notes


CHARACTER_RULES = (
    CharacterRule(
        re.compile(f"[{_CONTROLS}]"), ERROR, "control-character",
        "control character {where} in text: it could drive a terminal; remove it "
        "(a line break is written as a line break)",
    ),
    CharacterRule(
        re.compile(f"[{_BIDI}]"), ERROR, "bidi-control",
        "bidirectional control {where} in text: it reorders what readers see; remove it",
    ),
    CharacterRule(
        re.compile(f"[{character_class(BIDI_MARKS)}]"), WARNING, "bidi-mark",
        "invisible bidirectional mark {where} in text; keep it only where right-to-left "
        "text needs it",
    ),
    CharacterRule(
        re.compile("[\t\n]"), WARNING, "one-line-text",
        "a tab or line break {where} in a one-line field: views show a space; write the "
        "value on one line (a folded `>-` block has no line break)",
        one_line_only=True,
    ),
)  # fmt: skip
_ANY_CHECKED = re.compile("|".join(rule.characters.pattern for rule in CHARACTER_RULES))
_ANY_CHECKED_IN_MULTILINE = re.compile(
    "|".join(rule.characters.pattern for rule in CHARACTER_RULES if not rule.one_line_only)
)


def check_text_characters(at: Node, text: str, checker: Checker, *, multiline: bool) -> bool:
    """Report the characters `text` may not hold (one finding per rule); False on an error."""
    if _ANY_CHECKED.search(text) is None:  # the usual case, in one pass
        return True
    clean = True
    for rule in CHARACTER_RULES:
        found = None if multiline and rule.one_line_only else rule.characters.search(text)
        if found is not None:
            where = f"U+{ord(found.group()):04X} (character {found.start() + 1})"
            checker.report(at, rule.severity, rule.rule, rule.message.format(where=where))
            clean = clean and rule.severity != ERROR
    return clean


class Spec(ABC):
    description = ""

    @abstractmethod
    def convert(self, node: Node, checker: Checker) -> Any:
        """The Python value of `node`, or INVALID after reporting why."""

    @abstractmethod
    def json_schema(self) -> dict[str, Any]:
        """This spec as JSON Schema (draft 2020-12)."""

    def _described(self, schema: dict[str, Any]) -> dict[str, Any]:
        """`schema` with this spec's description, when it has one."""
        if self.description:
            schema["description"] = self.description
        return schema

    def _scalar_text(self, node: Node, checker: Checker, expected: str) -> str | Invalid:
        if not isinstance(node, Scalar) or node.is_null:
            checker.error(node, "wrong-type", f"expected {expected}, found {describe_node(node)}")
            return INVALID
        return node.value


@dataclass
class Text(Spec):
    description: str = ""
    pattern: str | None = None
    pattern_rule: str = "invalid-value"
    pattern_hint: str = ""
    max_length: int | None = None
    multiline: bool = False  # summaries and notes: line breaks and tabs are text

    def convert(self, node: Node, checker: Checker) -> Any:
        text = self._scalar_text(node, checker, "text")
        if isinstance(text, Invalid):
            return INVALID
        if not text:
            checker.error(node, "empty-text", "empty text: write a value or leave the key out")
            return INVALID
        too_long = self.max_length is not None and len(text) > self.max_length
        if too_long or (self.pattern and not re.fullmatch(self.pattern, text)):
            checker.error(
                node, self.pattern_rule, f"{shown(text)} is not valid: {self.pattern_hint}"
            )
            return INVALID
        # A line break in an id or a URL already failed its pattern.
        multiline = self.multiline or self.pattern is not None
        clean = check_text_characters(node, text, checker, multiline=multiline)
        if not clean and self.pattern:  # a URL holding a control character is unusable
            return INVALID
        return text

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "minLength": 1}
        schema["pattern"] = self.pattern or TEXT_JSON_PATTERN
        if self.max_length:
            schema["maxLength"] = self.max_length
        if self.description:
            schema["description"] = self.description
        return schema


def Slug(description: str = "") -> Text:  # noqa: N802 - reads as a type in the tables below
    return Text(
        description=description,
        pattern=ID_PATTERN,
        pattern_rule="invalid-id",
        pattern_hint=f"use a-z, 0-9 and '-', at most {ID_MAX_LENGTH} characters",
        max_length=ID_MAX_LENGTH,
    )


@dataclass
class Choice(Spec):
    choices: tuple[str, ...]
    rule: str
    description: str = ""

    def convert(self, node: Node, checker: Checker) -> Any:
        text = self._scalar_text(node, checker, "one of " + ", ".join(self.choices))
        if isinstance(text, Invalid):
            return INVALID
        if text not in self.choices:
            known = ", ".join(self.choices)
            checker.error(node, self.rule, f"unknown value {shown(text)}; expected one of: {known}")
            return INVALID
        return text

    def json_schema(self) -> dict[str, Any]:
        return self._described({"type": "string", "enum": list(self.choices)})


@dataclass
class Date(Spec):
    description: str = "A fuzzy date: YYYY, YYYY-MM or YYYY-MM-DD; the form is the precision."

    def convert(self, node: Node, checker: Checker) -> Any:
        text = self._scalar_text(node, checker, "a date (YYYY, YYYY-MM or YYYY-MM-DD)")
        if isinstance(text, Invalid):
            return INVALID
        if len(text) > MAX_SHOWN_LENGTH or not text.isascii():  # int() reads "٢٠١٧" as 2017
            message = f"{shown(text)} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD"
            checker.error(node, "invalid-date", message)
            return INVALID
        try:
            return FuzzyDate.parse(text)
        except ValueError as error:
            checker.error(node, "invalid-date", str(error))
            return INVALID

    def json_schema(self) -> dict[str, Any]:
        # An unquoted year (`date: 2018`) is a number to YAML 1.2 tools such as the YAML
        # language server, and a valid date to the validator, which reads every scalar as text.
        return {
            "anyOf": [
                {"type": "string", "pattern": FUZZY_DATE_JSON_PATTERN},
                {"type": "integer", "minimum": 1, "maximum": 9999},
            ],
            "description": self.description,
        }


@dataclass
class Boolean(Spec):
    description: str = ""

    def convert(self, node: Node, checker: Checker) -> Any:
        if isinstance(node, Scalar) and node.plain and node.value in BOOLEAN_WORDS:
            return BOOLEAN_WORDS[node.value]
        checker.error(node, "wrong-type", f"expected true or false, found {describe_node(node)}")
        return INVALID

    def json_schema(self) -> dict[str, Any]:
        return self._described({"type": "boolean"})


@dataclass
class Integer(Spec):
    minimum: int | None = None
    rule_below_minimum: str = "invalid-value"
    description: str = ""

    def convert(self, node: Node, checker: Checker) -> Any:
        if (
            not isinstance(node, Scalar)
            or not node.plain
            or not re.fullmatch(r"[-+]?[0-9]+", node.value)
        ):
            checker.error(
                node, "wrong-type", f"expected a whole number, found {describe_node(node)}"
            )
            return INVALID
        if len(node.value.lstrip("+-")) > MAX_INTEGER_DIGITS:
            checker.error(node, "invalid-value", f"{shown(node.value)} is too large a number")
            return INVALID
        value = int(node.value)
        if self.minimum is not None and value < self.minimum:
            checker.error(
                node, self.rule_below_minimum, f"{value} is below the minimum of {self.minimum}"
            )
            return INVALID
        return value

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "integer"}
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        if self.description:
            schema["description"] = self.description
        return schema


_NUMBER = re.compile(r"[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?")


@dataclass
class Number(Spec):
    minimum: float
    maximum: float
    range_rule: str
    description: str = ""

    def convert(self, node: Node, checker: Checker) -> Any:
        if not isinstance(node, Scalar) or not node.plain or not _NUMBER.fullmatch(node.value):
            checker.error(node, "wrong-type", f"expected a number, found {describe_node(node)}")
            return INVALID
        value = float(node.value)
        if not self.minimum <= value <= self.maximum:
            checker.error(
                node, self.range_rule,
                f"{node.value[:MAX_SHOWN_LENGTH]} is outside the range "
                f"{self.minimum:g} to {self.maximum:g}",
            )  # fmt: skip
            return INVALID
        return value

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "number",
            "minimum": self.minimum,
            "maximum": self.maximum,
        }
        if self.description:
            schema["description"] = self.description
        return schema


@dataclass
class Country(Spec):
    description: str = "A country name or an ISO 3166 alpha-2 or alpha-3 code."

    def convert(self, node: Node, checker: Checker) -> Any:
        text = self._scalar_text(node, checker, "a country name or ISO code")
        if isinstance(text, Invalid):
            return INVALID
        country = find_country(text)
        if country is None:
            checker.error(node, "unknown-country", f"unknown country {shown(text)}")
            return INVALID
        return country

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "minLength": 2, "description": self.description}


@dataclass
class Figure(Spec):
    """A casualty figure: `18`, `{low: 18, high: 19}` with an optional `best`, or `{low: 15}`
    with no `high` for "at least 15"."""

    description: str = (
        "An integer >= 0, or {low, high} (optional best) with low <= best <= high, or {low} "
        'with no high for an open-ended figure ("at least low"). '
        "Leave it out when unknown; 0 means none."
    )

    def convert(self, node: Node, checker: Checker) -> Any:
        from sahel_timeline.model import Figure as FigureValue

        if isinstance(node, Scalar):
            if node.plain and re.fullmatch(r"-[0-9]+", node.value):
                checker.error(
                    node,
                    "negative-figure",
                    f"a figure cannot be negative ({node.value[:MAX_SHOWN_LENGTH]})",
                )
                return INVALID
            value = Integer().convert(node, checker)
            return INVALID if value is INVALID else FigureValue(value, value)
        if not isinstance(node, Mapping):
            checker.error(
                node,
                "wrong-type",
                f"expected a number or {{low, high}}, found {describe_node(node)}",
            )
            return INVALID
        parts = FIGURE_RANGE.convert(node, checker)
        if parts is INVALID or "low" not in parts:
            return INVALID
        low, high, best = parts["low"], parts.get("high"), parts.get("best")
        if high is not None and low > high:
            checker.error(node, "figure-range", f"low ({low}) is greater than high ({high})")
            return INVALID
        if best is not None and best < low:
            checker.error(node, "figure-range", f"best ({best}) is below low ({low})")
            return INVALID
        if best is not None and high is not None and best > high:
            checker.error(node, "figure-range", f"best ({best}) is not between low and high")
            return INVALID
        return FigureValue(low, high, best)

    def json_schema(self) -> dict[str, Any]:
        return {
            "description": self.description,
            "oneOf": [{"type": "integer", "minimum": 0}, FIGURE_RANGE.json_schema()],
        }


@dataclass
class ListOf(Spec):
    item: Spec
    description: str = ""
    # Give (value, node) pairs, for items whose later rules point inside them.
    with_nodes: bool = False

    def convert(self, node: Node, checker: Checker) -> Any:
        if not isinstance(node, Sequence):
            checker.error(node, "wrong-type", f"expected a list, found {describe_node(node)}")
            return INVALID
        convert = self.item.convert
        if self.with_nodes:
            pairs = [(convert(child, checker), child) for child in node.items]
            return [(value, child) for value, child in pairs if value is not INVALID]
        values = [convert(child, checker) for child in node.items]
        return [v for v in values if v is not INVALID]

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "array", "items": self.item.json_schema()}
        if self.description:
            schema["description"] = self.description
        return schema


@dataclass
class Nullable(Spec):
    """A value that may be left out or written as null (the same thing)."""

    inner: Spec

    def convert(self, node: Node, checker: Checker) -> Any:
        if isinstance(node, Scalar) and node.is_null:
            return None
        return self.inner.convert(node, checker)

    def json_schema(self) -> dict[str, Any]:
        return {"anyOf": [self.inner.json_schema(), {"type": "null"}]}


@dataclass
class Record(Spec):
    """A mapping with known keys; unknown keys are errors except `x-` extensions."""

    name: str
    fields: dict[str, Spec]
    required: tuple[str, ...] = ()
    description: str = ""
    extra_schema: dict[str, Any] = field(default_factory=dict)

    def convert(self, node: Node, checker: Checker) -> Any:
        if not isinstance(node, Mapping):
            checker.error(
                node, "wrong-type", f"expected {self.name} (a mapping), found {describe_node(node)}"
            )
            return INVALID
        values: dict[str, Any] = {}
        for key, child in node.items.items():
            spec = self.fields.get(key)
            if spec is None:
                if key.startswith(EXTENSION_KEY_PREFIX):
                    check_text_characters(node.keys[key], key, checker, multiline=False)
                    values.setdefault("extensions", {})[key] = plain_value(child, checker)
                    continue
                known = ", ".join(self.fields)
                checker.error(
                    node.keys[key], "unknown-key",
                    f"unknown key {shown(key)} in {self.name}; known keys: {known}",
                )  # fmt: skip
                continue
            value = spec.convert(child, checker)
            if value is not INVALID:
                values[key] = value
        for key in self.required:
            if key not in node.items:
                checker.error(node, "missing-key", f"{self.name} has no {key!r}")
        return values

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {key: spec.json_schema() for key, spec in self.fields.items()},
            "patternProperties": {"^x-": {}},
            "additionalProperties": False,
        }
        if self.required:
            schema["required"] = list(self.required)
        if self.description:
            schema["description"] = self.description
        schema.update(self.extra_schema)
        return schema


def plain_value(node: Node, checker: Checker) -> Any:
    """A user's `x-` extension as plain data (kept, never interpreted); its text is held
    to the same characters as the rest of the store (line breaks allowed)."""
    if isinstance(node, Mapping):
        scalars = {key: c for key, c in node.items.items() if isinstance(c, Scalar)}
        if len(scalars) == len(node.items) and not (
            _ANY_CHECKED.search(" ".join(node.keys))
            or _ANY_CHECKED_IN_MULTILINE.search("\n".join(c.value for c in scalars.values()))
        ):  # the usual extension, a mapping of clean scalars: checked in two passes
            return {key: None if c.is_null else c.value for key, c in scalars.items()}
        for key, key_node in node.keys.items():
            check_text_characters(key_node, key, checker, multiline=False)
        return {key: plain_value(child, checker) for key, child in node.items.items()}
    if isinstance(node, Sequence):
        return [plain_value(child, checker) for child in node.items]
    if node.is_null:
        return None
    check_text_characters(node, node.value, checker, multiline=True)
    return node.value


FIGURE_RANGE = Record(
    "a figure range",
    {
        "low": Integer(minimum=0, rule_below_minimum="negative-figure"),
        "high": Integer(minimum=0, rule_below_minimum="negative-figure"),
        "best": Integer(minimum=0, rule_below_minimum="negative-figure"),
    },
    required=("low",),  # no high: open-ended, "at least low"
)


def _optional_text(description: str = "", *, multiline: bool = False) -> Spec:
    return Nullable(Text(description=description, multiline=multiline))


SOURCE = Record(
    "a source",
    {
        "title": Text(description="Title of the article, report or statement."),
        "author": _optional_text(),
        "publisher": _optional_text("The outlet or organisation."),
        "published": Nullable(Date()),
        "url": Nullable(
            Text(
                pattern=URL_PATTERN,
                pattern_rule="invalid-url",
                pattern_hint="a source URL starts with http:// or https://",
            )
        ),
        "title_checked": Nullable(
            Boolean(
                description="false when the title was not checked against the source itself "
                "(a description, or a title given second-hand); views mark it. Default true."
            )
        ),
    },
    required=("title",),
)

PERPETRATOR = Record(
    "a perpetrator",
    {
        "group": Text(description="A group id, short name or alias from the registry."),
        "status": Choice(STATUSES, "unknown-status", "How certain the attribution is."),
        "claimed_on": Nullable(Date(description="When the group claimed it (status claimed).")),
    },
    required=("group", "status"),
)

LOCATION = Record(
    "a location",
    {
        "country": Country(),
        "admin1": _optional_text("First-level administrative region."),
        "place": _optional_text("Town or village."),
        "site": _optional_text(),
        "lat": Nullable(Number(-90, 90, "coordinates-range", "Latitude, decimal degrees.")),
        "lon": Nullable(Number(-180, 180, "coordinates-range", "Longitude, decimal degrees.")),
        "precision": Nullable(Choice(LOCATION_PRECISIONS, "unknown-precision")),
    },
)

INCIDENT = Record(
    "an incident",
    {
        "id": Slug("Stable identifier: a-z, 0-9 and '-', at most 80 characters."),
        "kind": Choice(KINDS, "unknown-kind", "incident (default) or milestone."),
        "title": Text(),
        "date": Date(),
        "end_date": Nullable(Date()),
        "date_margin_days": Nullable(
            Integer(
                minimum=1,
                description=(
                    "The event may lie this many days either side of date (ACLED's week "
                    "precision: date is the week's midpoint, the day it is counted by)."
                ),
            )
        ),
        "time": Nullable(
            Text(
                description="Local time HH:MM (quote it).",
                pattern=TIME_PATTERN,
                pattern_rule="invalid-time",
                pattern_hint="write a local time as HH:MM, e.g. '21:00'",
            )
        ),
        "location": LOCATION,
        "tactics": Nullable(ListOf(Choice(tuple(TACTICS), "unknown-tactic"))),
        "targets": Nullable(ListOf(Choice(TARGETS, "unknown-target"))),
        "perpetrators": Nullable(ListOf(PERPETRATOR, with_nodes=True)),
        "target_groups": Nullable(
            ListOf(
                Text(
                    description=(
                        "Groups of the registry the incident targeted (state and foreign "
                        "forces...), by id, short name or alias."
                    )
                )
            )
        ),
        "killed": Nullable(Figure()),
        "attackers_killed": Nullable(Figure()),
        "wounded": Nullable(Figure()),
        "summary": _optional_text("One to three neutral sentences.", multiline=True),
        "notes": _optional_text(
            "Discrepancies between sources, cautions, open questions.", multiline=True
        ),
        "tags": Nullable(ListOf(Slug())),
        "sources": Nullable(ListOf(SOURCE)),
        "related": Nullable(ListOf(Slug())),
    },
    required=("id", "title", "date"),
    extra_schema={
        "if": {"properties": {"kind": {"const": "milestone"}}, "required": ["kind"]},
        "else": {
            "required": ["location", "sources"],
            "properties": {
                "location": {"required": ["country"]},
                "sources": {"type": "array", "minItems": 1},
            },
        },
    },
)

GROUP = Record(
    "a group",
    {
        "id": Slug(),
        "name": Text(),
        "short": _optional_text("Display name."),
        "aliases": Nullable(ListOf(Text())),
        "affiliation": Nullable(Slug("Parent group id.")),
        "formed": Nullable(Date()),
        "merged_into": Nullable(Slug("Id of the group it merged into.")),
        "kind": Nullable(
            Choice(
                ACTOR_KINDS, "unknown-actor-kind", "What kind of actor: jihadist, state-force..."
            )
        ),
        "notes": _optional_text(multiline=True),
    },
    required=("id", "name"),
)

STORE_FILE = Record(
    "a store file",
    {
        "schema_version": Integer(description=f"Always {SCHEMA_VERSION}."),
        "groups": Nullable(ListOf(GROUP)),
        "incidents": Nullable(ListOf(INCIDENT)),
    },
    required=("schema_version",),
)
