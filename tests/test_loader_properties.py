"""Properties of the loader and the validator over arbitrary input.

Any text or bytes: findings, never an exception, every finding at line >= 1 and
column >= 1. Any store written from valid incidents: exactly those incidents back, with
their titles unchanged, and no finding.
"""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sahel_timeline.findings import Finding
from sahel_timeline.store.load import assemble_store
from sahel_timeline.store.loader import parse_yaml_bytes, parse_yaml_text
from sahel_timeline.store.validate import validate_document
from sahel_timeline.visible import BIDI_CONTROLS, BIDI_MARKS
from sahel_timeline.vocab import COUNTRIES, STATUSES, TACTICS, TARGETS

NOW = dt.date(2025, 1, 1)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Generating stores costs far more than parsing them: fewer, larger examples.
STORE_SETTINGS = settings(SETTINGS, max_examples=60)

# Text that looks like YAML more often than uniform characters would.
YAMLISH = st.text(
    alphabet=st.sampled_from([*"abc019:-[]{},&*!|>'\"#?%@ \n\t\r\\", "é", "ⵣ", "🔥"]),
    max_size=200,
)


def assert_well_placed(findings: list[Finding]) -> None:
    for finding in findings:
        assert finding.line >= 1 and finding.column >= 1, finding
        assert finding.rule and finding.message


def parse_and_validate_text(text: str) -> list[Finding]:
    root, findings = parse_yaml_text(text, "any.yaml")
    content = validate_document(root, "any.yaml")
    return findings + content.findings


@SETTINGS
@given(st.one_of(st.text(), YAMLISH))
def test_any_text_gives_findings_never_an_exception(text: str) -> None:
    assert_well_placed(parse_and_validate_text(text))


@SETTINGS
@given(st.binary(max_size=300))
def test_any_bytes_give_findings_never_an_exception(data: bytes) -> None:
    root, findings = parse_yaml_bytes(data, "any.yaml")
    content = validate_document(root, "any.yaml")
    assert_well_placed(findings + content.findings)


@SETTINGS
@given(st.binary(max_size=300))
def test_undecodable_bytes_give_exactly_one_encoding_finding(data: bytes) -> None:
    try:
        data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        root, findings = parse_yaml_bytes(data, "any.yaml")
        assert root is None
        assert [finding.rule for finding in findings] == ["encoding"]
        assert_well_placed(findings)


# --- a field of arbitrary text, inside an otherwise valid store ---------------------------

# Long digit strings too: Python refuses int() on more than 4300 digits.
FIELD_VALUE = st.one_of(
    st.text(max_size=40),
    YAMLISH,
    st.integers().map(str),
    st.builds(lambda sign, n: sign + "7" * n, st.sampled_from("-+ "), st.integers(1, 6000)),
)
STORE_AROUND_A_VALUE = """\
schema_version: 1
incidents:
  - id: 2017-08-14-douentza
    title: Attack on a checkpoint near Douentza
    date: {value}
    location: {{country: Mali, place: {value}, lat: {value}}}
    killed: {value}
    tactics: [{value}]
    summary: A short neutral summary.
    sources:
      - {{title: A report, url: {value}}}
"""


@SETTINGS
@given(FIELD_VALUE)
def test_any_value_in_any_field_gives_findings_never_an_exception(value: str) -> None:
    assert_well_placed(parse_and_validate_text(STORE_AROUND_A_VALUE.format(value=value)))


# --- generated valid stores round-trip ----------------------------------------------------

# Titles with what YAML cares about: quotes, colons, hashes, brackets, unicode, emoji.
# Left out: what a store file may not hold raw (control characters, surrogates, U+2028,
# U+2029, U+FFFE, U+FFFF), all refused by the loader with a finding, and what store text
# may not hold (a tab in a title, bidirectional controls and marks: findings of their own,
# tested in test_text_characters.py).
TITLE = st.text(
    alphabet=st.one_of(
        st.sampled_from([*":#'\"[]{}&*!|>%@`,-?", "\\", " ", "é", "ⵣ", "ع", "🔥"]),
        st.characters(
            exclude_categories=["Cs", "Cc", "Zl", "Zp"],
            exclude_characters="\ufffe\uffff" + "".join(BIDI_CONTROLS | BIDI_MARKS),
        ),
    ),
    min_size=1,
    max_size=60,
)

DAY = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2024, 12, 31))
FUZZY_DATE = st.one_of(
    DAY.map(dt.date.isoformat),
    DAY.map(lambda day: day.isoformat()[:7]),
    DAY.map(lambda day: str(day.year)),
)
COUNTRY = st.sampled_from(COUNTRIES)


@st.composite
def incidents(draw: st.DrawFn, index: int) -> dict:
    country = draw(COUNTRY)
    incident: dict = {
        "id": f"incident-{index}",
        "title": draw(TITLE),
        "date": draw(FUZZY_DATE),
        "location": {"country": draw(st.sampled_from([country.name, country.alpha2]))},
        "summary": draw(TITLE),
        "sources": [{"title": draw(TITLE)}],
    }
    if draw(st.booleans()):
        south, west, north, east = country.bbox
        incident["location"]["lat"] = draw(st.floats(south, north))
        incident["location"]["lon"] = draw(st.floats(west, east))
    if draw(st.booleans()):
        incident["tactics"] = draw(st.lists(st.sampled_from(list(TACTICS)), max_size=3))
        incident["targets"] = draw(st.lists(st.sampled_from(TARGETS), max_size=3))
    if draw(st.booleans()):
        low = draw(st.integers(0, 500))
        incident["killed"] = draw(
            st.one_of(st.just(low), st.integers(low, 1000).map(lambda h: {"low": low, "high": h}))
        )
    if draw(st.booleans()):
        incident["perpetrators"] = [{"group": "JNIM", "status": draw(st.sampled_from(STATUSES))}]
        if incident["perpetrators"][0]["status"] == "claimed":
            incident["perpetrators"][0]["claimed_on"] = "2025-01-01"
    return incident


def scalar(value: object, style: str = "double") -> str:
    """A value as YAML: plain, single-quoted or double-quoted (a JSON string is valid YAML)."""
    if isinstance(value, str) and style == "plain":
        return value
    if isinstance(value, str) and style == "single":
        return "'" + value.replace("'", "''") + "'"
    return json.dumps(value, ensure_ascii=False)


def block_yaml(incidents: list[dict], date_style: str, text_style: str) -> str:
    lines = [
        "# generated",
        "schema_version: 1",
        "groups:",
        "  - id: jnim",
        "    name: Jama'at Nusrat al-Islam wal-Muslimin",
        "    short: JNIM",
        "incidents:",
    ]
    for incident in incidents:
        lines.append(f"  - id: {incident['id']}")
        for key, value in incident.items():
            if key == "id":
                continue
            if key == "date":
                lines.append(f"    date: {scalar(value, date_style)}")
            elif isinstance(value, dict):
                lines.append(f"    {key}:")
                lines += [f"      {k}: {scalar(v, text_style)}" for k, v in value.items()]
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                lines.append(f"    {key}:")
                for item in value:
                    first, *rest = item.items()
                    lines.append(f"      - {first[0]}: {scalar(first[1], text_style)}")
                    lines += [f"        {k}: {scalar(v, text_style)}" for k, v in rest]
            else:
                lines.append(f"    {key}: {scalar(value, text_style)}")
    return "\n".join(lines) + "\n"


@st.composite
def valid_stores(draw: st.DrawFn) -> tuple[list[dict], str]:
    count = draw(st.integers(1, 5))
    generated = [draw(incidents(index)) for index in range(count)]
    date_style = draw(st.sampled_from(["plain", "single", "double"]))
    text_style = draw(st.sampled_from(["single", "double"]))
    return generated, block_yaml(generated, date_style, text_style)


@STORE_SETTINGS
@given(valid_stores())
def test_generated_valid_store_loads_exactly_its_incidents_with_their_titles(
    generated: tuple[list[dict], str],
) -> None:
    expected, text = generated
    root, findings = parse_yaml_bytes(text.encode("utf-8"), "generated.yaml")
    store = assemble_store([validate_document(root, "generated.yaml")], NOW)
    assert [str(finding) for finding in findings + store.findings] == []
    assert [incident.id for incident in store.incidents] == [i["id"] for i in expected]
    for incident, written in zip(store.incidents, expected, strict=True):
        assert incident.title == written["title"]
        assert incident.summary == written["summary"]
        assert incident.sources[0].title == written["sources"][0]["title"]
        assert str(incident.date) == written["date"]
        assert incident.location.lat == written["location"].get("lat")
