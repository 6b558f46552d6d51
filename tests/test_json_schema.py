"""`sahel-timeline schema`: a JSON Schema that agrees with the validator on what it can judge."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from sahel_timeline.cli.app import app
from sahel_timeline.store.json_schema import store_json_schema
from sahel_timeline.store.load import assemble_store, load_file_bytes
from sahel_timeline.store.loader import Mapping, Node, Scalar, parse_yaml_text

REPO = Path(__file__).resolve().parent.parent
CLI_ENV = {"_TYPER_FORCE_DISABLE_TERMINAL": "1", "NO_COLOR": "1", "TERMINAL_WIDTH": "100"}

# YAML 1.2 core schema, as the YAML language server reads a file: `2018-03-02`, `NO` and
# `21:00` are strings; only these plain scalars are null, booleans and numbers.
_NULL = re.compile(r"~|null|Null|NULL|")
_BOOL = re.compile(r"true|True|TRUE|false|False|FALSE")
_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")


def as_yaml_tool_sees_it(node: Node | None) -> Any:
    if node is None:
        return None
    if isinstance(node, Mapping):
        return {key: as_yaml_tool_sees_it(child) for key, child in node.items.items()}
    if not isinstance(node, Scalar):
        return [as_yaml_tool_sees_it(child) for child in node.items]
    if not node.plain:
        return node.value
    if _NULL.fullmatch(node.value):
        return None
    if _BOOL.fullmatch(node.value):
        return node.value.lower() == "true"
    if _INT.fullmatch(node.value):
        return int(node.value)
    if _FLOAT.fullmatch(node.value):
        return float(node.value)
    return node.value


def data_of(text: str) -> Any:
    root, findings = parse_yaml_text(text, "test.yaml")
    assert not findings
    return as_yaml_tool_sees_it(root)


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    document = store_json_schema()
    Draft202012Validator.check_schema(document)
    return Draft202012Validator(document)


def schema_errors(validator: Draft202012Validator, text: str) -> list[str]:
    return [error.message for error in validator.iter_errors(data_of(text))]


def validator_errors(text: str) -> list[str]:
    store = assemble_store([load_file_bytes(text.encode(), "test.yaml")], dt.date(2019, 1, 1))
    return [finding.rule for finding in store.errors]


GOOD_STORE = """\
schema_version: 1
x-team: sahel desk
groups:
  - {id: jnim, name: "Jama'at Nusrat al-Islam wal-Muslimin", short: JNIM, formed: 2017-03-02}
incidents:
  - id: 2018-03-02-ouagadougou
    title: Attacks in Ouagadougou
    date: 2018-03-02
    time: 10:00
    location: {country: BF, place: Ouagadougou, lat: 12.36, lon: -1.52, precision: settlement}
    perpetrators:
      - {group: JNIM, status: claimed, claimed_on: "2018-03-03"}
    killed: 8
    wounded: {low: 80, high: 85}
    summary: A summary.
    sources:
      - {title: A report, published: 2018, url: null}
    x-review: pending
  - id: 2017-jnim-formed
    kind: milestone
    title: JNIM is formed
    date: 2017
"""


def test_schema_command_prints_a_valid_draft_2020_12_schema() -> None:
    result = CliRunner().invoke(app, ["schema"], env=CLI_ENV)
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(document)
    assert document == store_json_schema()


def test_records_are_named_in_defs_and_referenced() -> None:
    document = store_json_schema()
    incidents = document["properties"]["incidents"]["anyOf"][0]
    assert incidents["items"] == {"$ref": "#/$defs/incident"}
    incident = document["$defs"]["incident"]
    assert incident["properties"]["location"] == {"$ref": "#/$defs/location"}
    assert set(incident["properties"]["perpetrators"]["anyOf"][0]["items"]) == {"$ref"}


def test_the_curated_store_is_valid_as_an_editor_reads_it(validator: Draft202012Validator) -> None:
    text = (REPO / "incidents.yaml").read_text(encoding="utf-8")
    assert schema_errors(validator, text) == []


def test_a_store_with_unquoted_dates_times_and_extensions_is_valid(
    validator: Draft202012Validator,
) -> None:
    assert schema_errors(validator, GOOD_STORE) == []
    assert validator_errors(GOOD_STORE) == []


def _incident(**changes: str) -> str:
    fields = {
        "id": "2018-03-02-gao",
        "title": "Attack in Gao",
        "date": '"2018-03-02"',
        "location": "{country: Mali}",
        "sources": "[{title: A report}]",
    }
    fields.update(changes)
    lines = [f"    {key}: {value}" for key, value in fields.items() if value != "DELETE"]
    lines[0] = "  - " + lines[0].lstrip()
    return "schema_version: 1\nincidents:\n" + "\n".join(lines) + "\n"


BAD_STORES = {
    "unknown key in an incident": _incident(casualties="12"),
    "unknown top-level key": "schema_version: 1\nincident: []\n",
    "unknown status": _incident(perpetrators="[{group: jnim, status: rumoured}]"),
    "malformed id (capitals)": _incident(id="Gao-Attack"),
    "malformed id (trailing dash)": _incident(id="gao-"),
    "figure as text": _incident(killed='"many"'),
    "negative figure": _incident(killed="-3"),
    "figure range missing low": _incident(wounded="{high: 3}"),
    "date with a month 13": _incident(date='"2018-13"'),
    "date in another form": _incident(date='"02/03/2018"'),
    "title as a list": _incident(title="[a, b]"),
    "empty title": _incident(title='""'),
    "missing title": _incident(title="DELETE"),
    "incident without sources": _incident(sources="DELETE"),
    "incident with null sources": _incident(sources="null"),
    "incident without a country": _incident(location="{place: Gao}"),
    "unknown tactic": _incident(tactics="[drone-strike]"),
    "latitude out of range": _incident(location="{country: Mali, lat: 95, lon: 1}"),
    "url that is not http": _incident(sources="[{title: A, url: 'javascript:alert(1)'}]"),
    "time in another form": _incident(time='"9pm"'),
    "wrong schema version": "schema_version: 2\n",
    "no schema version": "incidents: []\n",
    "group without a name": "schema_version: 1\ngroups:\n  - {id: jnim}\n",
}


@pytest.mark.parametrize("text", BAD_STORES.values(), ids=BAD_STORES.keys())
def test_schema_rejects_what_the_validator_rejects(
    validator: Draft202012Validator, text: str
) -> None:
    assert validator_errors(text), "the example must be an error for the validator too"
    assert schema_errors(validator, text) != []


def test_a_milestone_needs_neither_sources_nor_a_country(validator: Draft202012Validator) -> None:
    text = _incident(kind="milestone", sources="DELETE", location="DELETE")
    assert schema_errors(validator, text) == []
    assert validator_errors(text) == []


def test_cross_record_rules_stay_with_the_validator(validator: Draft202012Validator) -> None:
    # Two incidents with one id and an unknown group: well-formed records, a broken store.
    one = _incident(perpetrators="[{group: nobody, status: suspected}]")
    text = one + one.split("incidents:\n", 1)[1]
    assert schema_errors(validator, text) == []
    assert set(validator_errors(text)) == {"duplicate-id", "unknown-group"}
