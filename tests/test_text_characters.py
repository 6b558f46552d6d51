"""Store text holds no character that drives a terminal or reorders what readers see:
control characters and bidirectional overrides are errors, invisible marks and a tab or
line break in a one-line field are warnings (docs/validation.md)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from sahel_timeline.cli.app import app
from sahel_timeline.findings import ERROR, WARNING
from sahel_timeline.store.json_schema import store_json_schema
from sahel_timeline.store.load import Store, assemble_store, load_file_bytes, load_store
from sahel_timeline.store.loader import parse_yaml_text

NOW = dt.date(2025, 1, 1)
ACLED = Path(__file__).parent / "data" / "acled"


def milestone(**fields: str) -> str:
    """A valid one-milestone store; each field given is written as a JSON string."""
    values = {"title": "Military coup in Bamako", "notes": "Line one.\nLine two.", **fields}
    lines = "".join(f"    {key}: {json.dumps(value)}\n" for key, value in values.items())
    return (
        "schema_version: 1\nincidents:\n  - id: coup\n    kind: milestone\n"
        f'    date: "2012-03-22"\n{lines}'
    )


def findings_of(text: str) -> list[tuple[str, str, int, int]]:
    store = assemble_store([load_file_bytes(text.encode("utf-8"), "store.yaml")], NOW)
    return [(f.severity, f.rule, f.line, f.column) for f in store.findings]


ERRORS = {
    "escape (a screen clear)": ("\x1b[2J", "control-character"),
    "bell": ("\x07", "control-character"),
    "carriage return": ("\r", "control-character"),
    "NUL": ("\x00", "control-character"),
    "DEL": ("\x7f", "control-character"),
    "C1 CSI": ("\x9b", "control-character"),
    "right-to-left override": ("\u202e", "bidi-control"),
    "left-to-right embedding": ("\u202a", "bidi-control"),
    "pop directional formatting": ("\u202c", "bidi-control"),
    "first strong isolate": ("\u2068", "bidi-control"),
    "pop directional isolate": ("\u2069", "bidi-control"),
}


@pytest.mark.parametrize(("character", "rule"), ERRORS.values(), ids=ERRORS.keys())
@pytest.mark.parametrize("field", ["title", "notes"])
def test_control_and_bidi_characters_are_errors_in_any_text_field(
    field: str, character: str, rule: str
) -> None:
    text = milestone(**{field: f"Coup {character}in Bamako"})
    line = 6 if field == "title" else 7
    assert findings_of(text) == [(ERROR, rule, line, len(field) + 7)]


@pytest.mark.parametrize("mark", ["\u200e", "\u200f", "\u061c"], ids=["LRM", "RLM", "ALM"])
def test_bidi_marks_are_warnings(mark: str) -> None:
    text = milestone(title=f"Attaque \u0628\u0627\u0645\u0627\u0643\u0648{mark} in Bamako")
    assert findings_of(text) == [(WARNING, "bidi-mark", 6, 12)]


@pytest.mark.parametrize("space", ["\t", "\n"], ids=["tab", "line break"])
def test_a_tab_or_line_break_is_text_in_notes_and_a_warning_in_a_title(space: str) -> None:
    assert findings_of(milestone(notes=f"One{space}two")) == []
    assert findings_of(milestone(title=f"One{space}two")) == [(WARNING, "one-line-text", 6, 12)]


def test_a_title_written_as_a_literal_block_warns_of_its_line_break() -> None:
    text = milestone().replace(
        '    title: "Military coup in Bamako"\n', "    title: |\n      Military coup\n"
    )
    assert findings_of(text) == [(WARNING, "one-line-text", 6, 12)]


def test_a_folded_block_title_is_one_line_and_valid() -> None:
    text = milestone().replace(
        '    title: "Military coup in Bamako"\n',
        "    title: >-\n      Military coup\n      in Bamako\n",
    )
    assert findings_of(text) == []


@pytest.mark.parametrize(
    ("extension", "rules"),
    [
        ('{by: "\\e]8;;https://evil.example\\a", list: ["ok"]}', ["control-character"]),
        # A mapping of scalars only, as ACLED's extension is (checked in one pass).
        ('{by: "\\e]8;;https://evil.example\\a", on: 2018}', ["control-character"]),
        ('{by: "ok", note: "two\\nlines", "a\\tkey": 1}', ["one-line-text"]),
        ('{by: "ok", note: "two\\nlines", mark: "\\u200f"}', ["bidi-mark"]),
        ('{by: "ok", note: "two\\nlines", empty: null}', []),
    ],
)
def test_extensions_are_held_to_the_same_characters(extension: str, rules: list[str]) -> None:
    text = milestone() + f"    x-review: {extension}\n"
    assert [rule for _, rule, _, _ in findings_of(text)] == rules


def test_a_url_with_a_control_character_is_one_error() -> None:
    text = milestone() + '    sources: [{title: A, url: "https://example.org/\\e[2J"}]\n'
    assert findings_of(text) == [(ERROR, "control-character", 8, 31)]


def test_the_message_names_the_character_and_where_it_is() -> None:
    store = assemble_store(
        [load_file_bytes(milestone(title="Coup \u202eoknaB").encode(), "store.yaml")], NOW
    )
    (finding,) = store.findings
    assert "U+202E (character 6)" in finding.message


def test_the_json_schema_refuses_what_validation_calls_an_error() -> None:
    validator = Draft202012Validator(store_json_schema())

    def schema_errors(text: str) -> int:
        root, _ = parse_yaml_text(text, "store.yaml")
        assert root is not None
        data = {"schema_version": 1, "incidents": [dict(root.items["incidents"].items[0].items)]}
        plain = {key: getattr(value, "value", None) for key, value in data["incidents"][0].items()}
        return len(list(validator.iter_errors({**data, "incidents": [plain]})))

    assert schema_errors(milestone()) == 0
    for character, _ in ERRORS.values():
        assert schema_errors(milestone(title=f"Coup {character}")) > 0, repr(character)
    assert schema_errors(milestone(title="Coup \u200f")) == 0  # a warning only


def test_validate_refuses_the_store_and_timeline_will_not_show_it(cli_env, tmp_path) -> None:
    path = tmp_path / "store.yaml"
    path.write_text(milestone(title="Coup \x1b]8;;https://evil.example\x07here"), "utf-8")
    runner = CliRunner()
    validated = runner.invoke(app, ["validate", str(path)], env=cli_env)
    assert validated.exit_code == 1
    assert f"{path}:6:12: error control-character: control character U+001B" in validated.stdout
    shown = runner.invoke(app, ["timeline", "--store", str(path)], env=cli_env)
    assert shown.exit_code == 1 and shown.stdout == ""
    exported = runner.invoke(app, ["export", "-f", "csv", "--store", str(path)], env=cli_env)
    assert exported.exit_code == 1 and exported.stdout == ""


# --- the ACLED importer writes no such character ----------------------------------------------


def _export_with(tmp_path: Path, **cells: str) -> Path:
    text = (ACLED / "current.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, first = rows[0], rows[1]
    for column, value in cells.items():
        first[header.index(column)] = value
    out = io.StringIO(newline="")
    csv.writer(out).writerows([header, first])
    path = tmp_path / "export.csv"
    path.write_text(out.getvalue(), encoding="utf-8", newline="")
    return path


def test_acled_text_with_control_characters_imports_clean(cli_env, tmp_path) -> None:
    export = _export_with(
        tmp_path,
        notes="Clash\r\nnear \x1b[2JTessarou.\u202e Seven killed.",
        location="Tessa\trou\n",
        actor1="JNIM: Group for Support of Islam and Muslims\x07",
    )
    store_path = tmp_path / "store.yaml"
    result = CliRunner().invoke(
        app, ["import-acled", str(export), "--into", str(store_path)], env=cli_env
    )
    assert result.exit_code == 0, result.output
    store: Store = load_store([store_path], NOW)
    assert store.findings == []
    (entry,) = store.incidents
    assert entry.notes is not None
    assert entry.notes.startswith("ACLED notes: Clash\nnear  [2JTessarou.  Seven killed.\n")
    assert entry.location.place == "Tessa rou"
