"""Oddities a valid store may contain, and the text values they must come out as.

Each store under tests/data/valid is valid: a byte order mark, CRLF line ends, unquoted
dates, `x-` extension keys, Arabic, Tifinagh and emoji, values YAML 1.1 would turn into
booleans, integers or octal, and a folder of several files.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sahel_timeline.model import Figure, FuzzyDate
from sahel_timeline.store.load import Store, load_store

VALID = Path(__file__).parent / "data" / "valid"
NOW = dt.date(2025, 1, 1)
STORES = sorted(path for path in VALID.iterdir() if not path.name.startswith("."))


def _load(name: str) -> Store:
    return load_store([VALID / name], NOW)


@pytest.mark.parametrize("path", STORES, ids=[path.name for path in STORES])
def test_valid_fixture_has_no_findings_and_loads_incidents(path: Path) -> None:
    store = load_store([path], NOW)
    assert [str(finding) for finding in store.findings] == []
    assert store.incidents


def test_fixtures_really_hold_the_oddities_they_are_named_for() -> None:
    # A fixture rewritten by an editor (BOM dropped, line ends normalised) would test nothing.
    assert (VALID / "bom.yaml").read_bytes().startswith(b"\xef\xbb\xbf")
    crlf = (VALID / "crlf.yaml").read_bytes()
    assert crlf.count(b"\r\n") == crlf.count(b"\n") > 5


def test_byte_order_mark_is_not_part_of_the_first_key_or_the_text() -> None:
    (incident,) = _load("bom.yaml").incidents
    assert incident.id == "2018-03-02-ouagadougou-embassy-and-army-headquarters"
    assert incident.origin is not None and incident.origin.line == 4


def test_crlf_line_ends_leave_no_carriage_return_in_values_and_keep_line_numbers() -> None:
    (incident,) = _load("crlf.yaml").incidents
    (bom_incident,) = _load("bom.yaml").incidents
    assert incident.title == bom_incident.title
    assert not any("\r" in text for text in (incident.id, incident.title, incident.summary or ""))
    assert incident.marks == bom_incident.marks


def test_unquoted_dates_stay_fuzzy_text_dates_with_their_precision() -> None:
    store = _load("unquoted-dates.yaml")
    by_id = {incident.id: incident for incident in store.incidents}
    aziz = by_id["2017-08-13-ouagadougou-aziz-istanbul"]
    assert aziz.date == FuzzyDate(2017, 8, 13) and str(aziz.date) == "2017-08-13"
    assert str(aziz.end_date) == "2017-08-14"
    assert str(aziz.perpetrators[0].claimed_on) == "2017-08-15"
    assert str(aziz.sources[0].published) == "2017-08-24"
    assert str(store.registry.groups["jnim"].formed) == "2017-03-02"
    assert by_id["2018-06-sahel-month"].date.precision == "month"
    assert str(by_id["2018-06-sahel-month"].date) == "2018-06"
    assert by_id["2013-year"].date.precision == "year"


def test_extension_keys_are_kept_on_incidents_and_groups_and_change_nothing_else() -> None:
    store = _load("extension-keys.yaml")
    (incident,) = store.incidents
    assert incident.extensions == {"x-review": {"status": "checked", "by": ["a", "b"]}}
    assert store.registry.groups["jnim"].extensions == {"x-wikidata": "Q29640592"}
    assert incident.location.place == "Tongo Tongo"
    assert incident.sources[0].title == "Niger ambush"


def test_arabic_tifinagh_and_emoji_come_out_as_written() -> None:
    store = _load("non-latin.yaml")
    (incident,) = store.incidents
    assert incident.title == "Tombouctou / تمبكتو / ⵜⵉⵏⴱⴽⵜⵓ: attack on the camp 🔥"
    assert incident.location.place == "ⵜⵉⵏⴱⴽⵜⵓ"
    assert incident.location.site == "معسكر البعثة"
    assert incident.sources[0].publisher == "الجزيرة"
    assert store.registry.groups["jnim"].name == "جماعة نصرة الإسلام والمسلمين"
    # A perpetrator named by a Tifinagh alias resolves to its group.
    group = store.registry.resolve(incident.perpetrators[0].group)
    assert group is not None and group.id == "jnim"


def test_yaml_1_1_lookalikes_are_read_as_written() -> None:
    (incident,) = _load("yaml11-lookalikes.yaml").incidents
    assert incident.time == "14:05"  # YAML 1.1: the sexagesimal integer 845
    assert incident.location.country == "Mali"  # from `ML`
    assert incident.location.admin1 == "On"  # YAML 1.1: True
    assert incident.location.site == "No"  # YAML 1.1: False
    assert incident.summary == "yes"  # YAML 1.1: True
    assert incident.sources[0].title == "2018"  # an integer to YAML
    assert incident.wounded == Figure(10, 10)  # YAML 1.1: octal 8
    assert incident.killed == Figure(0, 0)  # none, not unknown and not False


def test_folder_store_reads_every_yaml_and_yml_file_as_one_store() -> None:
    store = _load("folder-store")
    assert [Path(file).relative_to(VALID / "folder-store").as_posix() for file in store.files] == [
        "2017/ouagadougou.yaml",
        "2018.yml",
        "groups.yaml",
    ]
    assert {incident.id for incident in store.incidents} == {
        "2017-08-13-ouagadougou-aziz-istanbul",
        "2018-03-02-ouagadougou-embassy-and-army-headquarters",
    }
    # Groups, related ids and perpetrators resolve across files.
    for incident in store.incidents:
        group = store.registry.resolve(incident.perpetrators[0].group)
        assert group is not None and group.id == "jnim"
        assert incident.related
