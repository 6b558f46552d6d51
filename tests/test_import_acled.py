"""`import-acled`: ACLED exports (synthetic rows in every layout) -> store entries.

The fixtures under tests/data/acled/ are invented rows in ACLED's formats (no ACLED data).
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sahel_timeline.cli.app import app
from sahel_timeline.engine.cache import Cache
from sahel_timeline.errors import SahelError
from sahel_timeline.importers.acled import actors as acled_actors
from sahel_timeline.importers.acled import entries as acled_entries
from sahel_timeline.importers.acled import event_types as acled_event_types
from sahel_timeline.importers.acled import events as acled_events
from sahel_timeline.importers.acled import rows as acled_rows
from sahel_timeline.importers.acled import store_merge, store_text
from sahel_timeline.importers.acled.pipeline import read_acled_file, run_acled_import
from sahel_timeline.store.load import load_store

DATA = Path(__file__).parent / "data" / "acled"
CURATED = Path(__file__).parent.parent / "incidents.yaml"
ENV = {
    "_TYPER_FORCE_DISABLE_TERMINAL": "1",
    "NO_COLOR": "1",
    "TERMINAL_WIDTH": "200",
    "COLUMNS": "200",
    "SAHEL_TIMELINE_NOW": "2025-01-15",
}
TODAY = dt.date(2025, 1, 15)


def run(*args: str):
    return CliRunner().invoke(app, list(args), env=ENV)


def import_into(target: Path, *names: str, **options):
    return run_acled_import(
        [DATA / name for name in names], target,
        selection=options.pop("selection", acled_events.RowSelection()),
        imported_on=options.pop("imported_on", TODAY), now=TODAY, **options,
    )  # fmt: skip


def entries_of(path: Path) -> dict:
    store = load_store([path], TODAY)
    assert not store.errors, store.errors
    return {incident.id: incident for incident in store.incidents}


# --- header and layouts -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "layout"),
    [
        ("legacy.csv", acled_rows.LAYOUT_LEGACY),
        ("y2020.csv", acled_rows.LAYOUT_2019),
        ("monadic.csv", acled_rows.LAYOUT_MONADIC),
        ("current.csv", acled_rows.LAYOUT_CURRENT),
        ("api-text-inter.csv", acled_rows.LAYOUT_CURRENT),
    ],
)
def test_each_layout_is_recognised_from_its_header_and_every_row_read(name, layout):
    read = read_acled_file(DATA / name)
    assert read.layout.name == layout
    assert read.problems == []
    assert len(read.records) == read.rows > 0


def test_columns_are_found_by_name_not_position():
    header = list(reversed(acled_rows.REQUIRED_COLUMNS))
    layout = acled_rows.detect_layout(["Unnamed: 0", *header])
    assert layout.columns["event_id_cnty"] == len(header)  # last, after the index column


def test_an_incomplete_header_is_an_error_naming_the_missing_columns():
    with pytest.raises(SahelError) as raised:
        read_acled_file(DATA / "bad-header.csv")
    message = raised.value.message
    assert message.startswith("bad-header.csv:1:")
    for column in ("assoc_actor_1", "admin1", "geo_precision", "source"):
        assert column in message


def test_a_file_that_is_not_an_acled_export_is_refused_clearly():
    with pytest.raises(SahelError, match="not an ACLED export"):
        acled_rows.read_acled_text("id,name\n1,x\n", "other.csv")


def test_bad_rows_are_reported_by_line_and_the_good_rows_kept():
    read = read_acled_file(DATA / "bad-rows.csv")
    problems = {p.line: p.message for p in read.problems}
    assert set(problems) == {2, 3, 4, 5, 8}  # the row on lines 6-7 holds a quoted newline
    assert "31 February 2023" in problems[2]
    assert "10 fields" in problems[3]
    assert "latitude" in problems[4]
    assert "time_precision" in problems[5]
    assert "fatalities" in problems[8]
    assert [r.event_id for r in read.records] == ["MLI90505", "KEN90507"]


# --- values -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["22 February 2019", "2019-02-22", "22-Feb-19", "22 Feb 2019"])
def test_the_date_forms_of_acled_files_are_read(text):
    assert acled_rows.parse_acled_date(text) == dt.date(2019, 2, 22)


def test_a_two_digit_year_of_the_nineties_is_not_read_as_the_2090s():
    assert acled_rows.parse_acled_date("6-Oct-97") == dt.date(1997, 10, 6)


def test_numeric_and_text_inter_codes_classify_actors_alike():
    text = read_acled_file(DATA / "api-text-inter.csv").records[0]
    assert [a.inter for a in text.actors] == [2, 1]


def _entry(name: str, event_id: str) -> acled_entries.ImportedEntry:
    events, _, _ = acled_events.merge_records(read_acled_file(DATA / name).records)
    event = next(e for e in events if e.record.event_id == event_id)
    return acled_entries.event_to_entry(event, name)


def test_time_precision_1_is_the_day_2_the_midpoint_with_its_margin_3_the_month():
    day = _entry("current.csv", "MLI90001").fields
    week = _entry("current.csv", "MLI90002").fields
    month = _entry("current.csv", "BFO90003").fields
    assert (day["date"], day.get("date_margin_days")) == ("2023-02-22", None)
    # ACLED's event_date is the day an analyst counts the event by; the week is its margin
    assert (week["date"], week["date_margin_days"], week.get("end_date")) == ("2023-03-08", 3, None)
    assert (month["date"], month.get("end_date")) == ("2023-03", None)
    assert "midpoint" in week["notes"]


def test_geo_precision_maps_to_location_precision():
    precisions = [
        _entry("current.csv", event_id).fields["location"]["precision"]
        for event_id in ("MLI90001", "MLI90002", "BFO90003")
    ]
    assert precisions == ["settlement", "area", "region"]


def test_location_columns_are_mapped():
    location = _entry("current.csv", "MLI90001").fields["location"]
    assert location == {
        "country": "Mali", "admin1": "Mopti", "place": "Tessarou",
        "lat": 15.0412, "lon": -1.8123, "precision": "settlement",
    }  # fmt: skip


def test_zero_fatalities_is_left_unknown_and_said_so_never_a_confirmed_zero():
    fields = _entry("current.csv", "MLI90002").fields
    assert "killed" not in fields
    assert acled_entries.ZERO_FATALITIES_TAG in fields["tags"]
    assert "none or no information" in fields["notes"]


def test_fatalities_become_killed_with_a_note_that_attackers_are_included():
    fields = _entry("current.csv", "NIR90004").fields
    assert fields["killed"] == 5
    assert "does not separate victims from attackers" in fields["notes"]


def test_notes_keep_acleds_notes_and_sources_name_each_outlet():
    fields = _entry("current.csv", "MLI90001").fields
    assert "Seven soldiers were killed." in fields["notes"]
    assert [s["publisher"] for s in fields["sources"]] == ["Radio Kalafar", "Le Soir du Fleuve"]


def test_id_is_derived_from_event_id_cnty_and_acleds_id_kept():
    entry = _entry("current.csv", "BFO90003")
    assert entry.id == "acled-bfo90003"
    assert entry.extension["event_id_cnty"] == "BFO90003"


# --- actors -------------------------------------------------------------------------------


def _perpetrators(entry: acled_entries.ImportedEntry) -> list[tuple[str, str]]:
    return [(spec.id, status) for spec, status in entry.perpetrators]


def test_a_composite_attribution_becomes_each_group_suspected():
    entry = _entry("current.csv", "BFO90003")
    assert _perpetrators(entry) == [("jnim", "suspected"), ("isgs", "suspected")]
    assert entry.fields["targets"] == ["civilians"]


def test_isgs_is_recognised_under_each_of_its_acled_names():
    for name, event_id in (("y2020.csv", "NIR90201"), ("current.csv", "NIR90004")):
        assert ("isgs", "attributed") in _perpetrators(_entry(name, event_id))


def test_an_unidentified_armed_group_names_no_perpetrator():
    entry = _entry("current.csv", "MLI90002")
    assert entry.perpetrators == ()
    assert "unidentified armed group" in entry.fields["notes"]


def test_forces_acted_upon_are_targets_and_forces_acting_are_perpetrators():
    assert _entry("legacy.csv", "MLI90102").fields["targets"] == ["un-peacekeepers"]
    foreign = _entry("api-text-inter.csv", "MLI90402")  # actor1: a French operation
    assert _perpetrators(foreign) == [("operation-sentinelle-sahel-france", "attributed")]
    assert foreign.perpetrators[0][0].kind == "foreign-force"
    clash = _entry("current.csv", "MLI90001")
    assert clash.fields["targets"] == ["military"]
    assert _perpetrators(clash) == [("jnim", "attributed")]


def test_an_unknown_armed_group_gets_a_group_derived_from_its_name():
    entry = _entry("current.csv", "NIR90004")
    # on actor2's side: acted upon, so not a perpetrator, but named for the unmatched report
    assert ("dan-sahel-militia-niger", "attributed") not in _perpetrators(entry)
    militia = next(spec for spec in entry.groups if spec.id == "dan-sahel-militia-niger")
    assert militia.derived and militia.kind == "communal-militia"


def test_no_imported_status_is_ever_claimed(tmp_path):
    target = tmp_path / "acled.yaml"
    import_into(target, *(p.name for p in DATA.glob("*.csv") if "bad" not in p.name))
    statuses = {p.status for i in entries_of(target).values() for p in i.perpetrators}
    assert statuses and "claimed" not in statuses


def test_groups_the_registry_knows_are_referred_to_not_added_again():
    registry = load_store([CURATED], TODAY).registry
    specs = [
        acled_actors.group_for_name("JNIM: Group for Support of Islam and Muslims"),
        acled_actors.group_for_name("MUJAO: Movement for Unity and Jihad in West Africa"),
    ]
    references, added = acled_actors.resolve_groups(specs, registry)
    assert references["jnim"] == "jnim"
    assert [spec.id for spec in added] == ["mujao"]  # its parent al-mourabitoun is known


# --- event types --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event_type", "sub_event_type", "tactics", "targets"),
    [
        ("Battles", "Armed clash", ("armed-assault",), ()),
        ("Explosions/Remote violence", "Remote explosive/landmine/IED", ("ied",), ()),
        ("Explosions/Remote violence", "Suicide bomb", ("suicide-bombing",), ()),
        ("Violence against civilians", "Abduction/forced disappearance", ("kidnapping",),
         ("civilians",)),
        ("Battle-No change of territory", "", ("armed-assault",), ()),
        ("Violence against civilians", "", ("other",), ("civilians",)),
        ("Remote violence", "", ("other",), ()),
        ("Something new", "", ("other",), ()),
    ],
)  # fmt: skip
def test_event_types_of_both_taxonomies_map_to_tactics_and_targets(
    event_type, sub_event_type, tactics, targets
):
    assert acled_event_types.event_type_mapping(event_type, sub_event_type) == (tactics, targets)


def test_every_mapped_tactic_and_target_is_in_the_vocabulary():
    from sahel_timeline.vocab import TACTICS, TARGETS

    mappings = list(acled_event_types.LEGACY_EVENT_TYPES.values())
    mappings += [
        m for subtypes in acled_event_types.CURRENT_EVENT_TYPES.values() for m in subtypes.values()
    ]
    for tactics, targets in mappings:
        assert set(tactics) <= set(TACTICS) and set(targets) <= set(TARGETS)


# --- merging ------------------------------------------------------------------------------


def test_monadic_rows_merge_into_one_event_with_every_actor_and_fatalities_once():
    events, merged, disagreements = acled_events.merge_records(
        read_acled_file(DATA / "monadic.csv").records
    )
    assert disagreements == []
    assert merged == 2 and len(events) == 2
    clash = events[0]
    assert clash.fatalities == 11  # not 22
    assert [a.name for a in clash.actors] == [
        "Ansaroul Islam", "Military Forces of Burkina Faso (2015-2022)",
        "VDP: Volunteers for the Defense of the Homeland",
    ]  # fmt: skip
    entry = acled_entries.event_to_entry(clash, "monadic.csv")
    assert entry.fields["killed"] == 11
    assert _perpetrators(entry) == [("ansaroul-islam", "attributed")]


# --- writing into a store -----------------------------------------------------------------

HAND_WRITTEN = """\
# My own store: comments must survive.
schema_version: 1

groups:
  - id: jnim   # hand-written group
    name: Jama'at Nusrat al-Islam wal-Muslimin
    short: JNIM
    aliases: ["JNIM: Group for Support of Islam and Muslims"]

incidents:
  # a hand-written incident
  - id: 2023-01-05-hand-written
    title: A hand-written incident
    date: 2023-01-05
    location: {country: ML, place: Somewhere}
    summary: >-
      Written by hand.
    sources:
      - title: My notes

  # trailing comment of the list
"""


def _only_insertions(before: str, after: str) -> bool:
    matcher = difflib.SequenceMatcher(None, before.splitlines(True), after.splitlines(True))
    return all(tag in ("equal", "insert") for tag, *_ in matcher.get_opcodes())


def test_import_into_a_new_file_validates(tmp_path):
    target = tmp_path / "acled.yaml"
    result = run("import-acled", str(DATA / "current.csv"), "--into", str(target))
    assert result.exit_code == 0, result.output
    assert "4 new" in result.output
    assert run("validate", str(target)).exit_code == 0
    assert set(entries_of(target)) == {
        "acled-mli90001", "acled-mli90002", "acled-bfo90003", "acled-nir90004"
    }  # fmt: skip


def test_importing_the_same_file_again_changes_nothing_even_on_another_day(tmp_path):
    target = tmp_path / "acled.yaml"
    import_into(target, "current.csv", "monadic.csv")
    first = target.read_bytes()
    summary = import_into(target, "current.csv", "monadic.csv", imported_on=dt.date(2025, 3, 1))
    assert target.read_bytes() == first
    assert summary.plan is not None
    assert (len(summary.plan.imported), len(summary.plan.updated)) == (0, 0)
    assert len(summary.plan.unchanged) == 6


def test_a_revised_export_updates_its_entries_in_place_by_id(tmp_path):
    target = tmp_path / "store.yaml"
    target.write_text(HAND_WRITTEN, encoding="utf-8")
    import_into(target, "current.csv")
    before = target.read_text(encoding="utf-8")
    revised = tmp_path / "current-revised.csv"
    rows = list(csv.reader((DATA / "current.csv").open(encoding="utf-8", newline="")))
    column = rows[0].index
    rows[1][column("fatalities")] = "9"
    rows[1][column("timestamp")] = "1688000000"
    with revised.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    summary = run_acled_import(
        [revised], target, selection=acled_events.RowSelection(), imported_on=TODAY, now=TODAY
    )
    assert summary.plan is not None and summary.plan.updated == ["acled-mli90001"]
    entries = entries_of(target)
    assert str(entries["acled-mli90001"].killed) == "9"
    order = [i.id for i in load_store([target], TODAY).incidents]
    assert order[0] == "2023-01-05-hand-written" and order[1] == "acled-mli90001"
    after = target.read_text(encoding="utf-8")
    # Only the revised entry's lines changed: what comes before and after it is identical.
    start, next_entry = '  - id: "acled-mli90001"', '  - id: "acled-mli90002"'
    assert after.split(start)[0] == before.split(start)[0]
    assert after.split(next_entry)[1] == before.split(next_entry)[1]
    assert after != before


def test_hand_written_entries_comments_and_order_survive_byte_for_byte(tmp_path):
    target = tmp_path / "store.yaml"
    target.write_text(HAND_WRITTEN, encoding="utf-8")
    result = run("import-acled", str(DATA / "current.csv"), "--into", str(target))
    assert result.exit_code == 0, result.output
    after = target.read_text(encoding="utf-8")
    assert _only_insertions(HAND_WRITTEN, after)
    entries = entries_of(target)
    assert entries["acled-mli90001"].perpetrators[0].group == "jnim"  # the hand-written group
    assert after.index("2023-01-05-hand-written") < after.index("acled-mli90001")


def test_the_curated_store_takes_an_import_and_stays_valid(tmp_path):
    target = tmp_path / "incidents.yaml"
    shutil.copy(CURATED, target)
    original = target.read_text(encoding="utf-8")
    import_into(target, "legacy.csv", "y2020.csv")
    assert _only_insertions(original, target.read_text(encoding="utf-8"))
    assert "acled-mli90103" in entries_of(target)


def test_a_folder_store_receives_a_new_file_and_a_reimport_adds_none(tmp_path):
    shutil.copy(CURATED, tmp_path / "incidents.yaml")
    result = run("import-acled", str(DATA / "monadic.csv"), "--into", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["acled-monadic.yaml", "incidents.yaml"]
    assert run("validate", str(tmp_path)).exit_code == 0
    (tmp_path / "acled-monadic.yaml").rename(tmp_path / "renamed.yaml")
    again = run("import-acled", str(DATA / "monadic.csv"), "--into", str(tmp_path))
    assert again.exit_code == 0 and "2 unchanged" in again.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["incidents.yaml", "renamed.yaml"]


def test_an_empty_flow_list_is_opened_and_a_full_flow_list_refused(tmp_path):
    empty = tmp_path / "empty.yaml"
    empty.write_text("schema_version: 1\nincidents: []   # to fill\n", encoding="utf-8")
    import_into(empty, "current.csv")
    assert len(entries_of(empty)) == 4
    flow = tmp_path / "flow.yaml"
    text = "schema_version: 1\nincidents: [{id: x, kind: milestone, title: X, date: '2020'}]\n"
    flow.write_text(text, encoding="utf-8")
    with pytest.raises(SahelError, match="not a block list"):
        import_into(flow, "current.csv")
    assert flow.read_text(encoding="utf-8") == text


def test_an_import_that_would_break_the_store_writes_nothing(tmp_path, monkeypatch):
    target = tmp_path / "store.yaml"
    target.write_text(HAND_WRITTEN, encoding="utf-8")
    broken = {
        **acled_event_types.CURRENT_EVENT_TYPES,
        "Battles": {"Armed clash": (("no-such-tactic",), ())},
    }
    monkeypatch.setattr(acled_event_types, "CURRENT_EVENT_TYPES", broken)
    with pytest.raises(SahelError, match="unknown-tactic"):
        import_into(target, "current.csv")
    assert target.read_text(encoding="utf-8") == HAND_WRITTEN


def test_a_failed_write_leaves_the_original_file_and_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "store.yaml"
    target.write_text(HAND_WRITTEN, encoding="utf-8")

    def fail_replace(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail_replace)
    with pytest.raises(SahelError, match=r"cannot write .*store\.yaml: disk full; nothing was"):
        import_into(target, "current.csv")
    assert target.read_text(encoding="utf-8") == HAND_WRITTEN
    assert [p.name for p in tmp_path.iterdir()] == ["store.yaml"]


def test_strings_are_escaped_so_any_text_stays_one_yaml_string(tmp_path):
    nasty = 'a "quote", a # hash, a: colon, *alias &anchor !tag\n{flow} [list] \u2028 \x85 end'
    rendered = store_text.yaml_scalar(nasty)
    from sahel_timeline.store.loader import parse_yaml_text

    root, findings = parse_yaml_text(f"key: {rendered}\n", "x")
    assert findings == [] and root.items["key"].value == nasty


# --- selection and the command line -------------------------------------------------------


def test_country_dates_and_event_type_select_rows_and_the_summary_counts_them(tmp_path):
    target = tmp_path / "acled.yaml"
    result = run(
        "import-acled", str(DATA / "current.csv"), str(DATA / "y2020.csv"), "--into", str(target),
        "--country", "Mali", "--since", "2023", "--event-type", "Battles",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert set(entries_of(target)) == {"acled-mli90001"}
    assert "6 rows read" in result.output
    assert "skipped 3 row(s): other country (--country)" in result.output
    assert "skipped 1 row(s): other event type (--event-type)" in result.output
    assert "skipped 1 row(s): outside --since/--until" in result.output


def test_an_unknown_event_type_or_country_is_a_usage_error(tmp_path):
    target = str(tmp_path / "a.yaml")
    result = run("import-acled", str(DATA / "current.csv"), "--into", target,
                 "--event-type", "Battle")  # fmt: skip
    assert result.exit_code == 2 and "Battles" in result.output
    result = run("import-acled", str(DATA / "current.csv"), "--into", target, "--country", "Xx")
    assert result.exit_code == 2


def test_bad_rows_are_listed_skipped_and_fail_the_command(tmp_path):
    target = tmp_path / "acled.yaml"
    result = run("import-acled", str(DATA / "bad-rows.csv"), "--into", str(target))
    assert result.exit_code == 1
    assert "bad-rows.csv:2: event_date '31 February 2023'" in result.output
    assert "country 'Atlantis' is not in the country table" in result.output
    assert set(entries_of(target)) == {"acled-mli90505"}


def test_a_bad_header_fails_without_a_traceback_and_writes_nothing(tmp_path):
    target = tmp_path / "acled.yaml"
    result = run("import-acled", str(DATA / "bad-header.csv"), "--into", str(target))
    assert result.exit_code == 1
    assert "missing columns" in result.output and "Traceback" not in result.output
    assert not target.exists()


def test_dry_run_writes_nothing(tmp_path):
    target = tmp_path / "acled.yaml"
    result = run("import-acled", str(DATA / "current.csv"), "--into", str(target), "--dry-run")
    assert result.exit_code == 0 and "dry run" in result.output
    assert not target.exists()


def _cache_rows(cache: Cache, store: Path) -> dict[str, list]:
    """What the store's cache database holds for its files (their stat aside)."""
    connection = sqlite3.connect(cache.database_path([store]))
    try:
        tables = ("incidents", "perpetrators", "target_groups", "labels", "related",
                  "incident_text", "groups", "findings", "unloaded_ids")  # fmt: skip
        rows = {table: connection.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
                for table in tables}  # fmt: skip
        rows["files"] = connection.execute("SELECT name, position, sha256 FROM files").fetchall()
        return rows
    finally:
        connection.close()


def test_a_refused_or_dry_run_import_leaves_the_cache_as_it_was(tmp_path, monkeypatch):
    # The result is checked in the cache database, where the new rows wait for the file to
    # be written: a refusal or a dry run takes them back out.
    cache = Cache(tmp_path / "cache")
    target = tmp_path / "acled.yaml"
    import_into(target, "current.csv", cache=cache)
    written, cached = target.read_bytes(), _cache_rows(cache, target)
    import_into(target, "legacy.csv", cache=cache, dry_run=True)
    assert target.read_bytes() == written and _cache_rows(cache, target) == cached

    resolve = acled_actors.resolve_groups

    def unknown_groups(specs, registry):
        references, _ = resolve(specs, registry)
        return dict.fromkeys(references, "no-such-group"), []

    monkeypatch.setattr(store_merge, "resolve_groups", unknown_groups)
    with pytest.raises(SahelError, match=r"would add .* error"):
        import_into(target, "legacy.csv", cache=cache)
    assert target.read_bytes() == written and _cache_rows(cache, target) == cached
    monkeypatch.undo()
    # The next query answers from the files; the next import is not kept waiting.
    assert load_store([target], TODAY, cache).incidents == load_store([target], TODAY).incidents
    import_into(target, "legacy.csv", cache=cache)
    assert load_store([target], TODAY, cache).incidents == load_store([target], TODAY).incidents
    assert "acled-mli90102" in entries_of(target)


def test_an_import_into_a_deleted_file_starts_from_a_clean_cache(tmp_path):
    # The cache still holds the rows of a store file deleted since: importing into a new
    # file of that name gives a cache that answers with the new file's entries only.
    cache = Cache(tmp_path / "cache")
    target = tmp_path / "acled.yaml"
    import_into(target, "legacy.csv", cache=cache)
    target.unlink()
    import_into(target, "current.csv", cache=cache)
    assert load_store([target], TODAY, cache).incidents == load_store([target], TODAY).incidents
    assert set(entries_of(target)) == {i.id for i in load_store([target], TODAY, cache).incidents}


def test_ten_thousand_rows_import(tmp_path):
    rows = list(csv.reader((DATA / "current.csv").open(encoding="utf-8", newline="")))
    big = tmp_path / "big.csv"
    with big.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(rows[0])
        for number in range(10_000):
            row = list(rows[1 + number % 4])
            row[0] = f"{row[0][:3]}{200000 + number}"
            writer.writerow(row)
    target = tmp_path / "big.yaml"
    started = time.perf_counter()
    summary = run_acled_import(
        [big], target, selection=acled_events.RowSelection(), imported_on=TODAY, now=TODAY
    )
    elapsed = time.perf_counter() - started
    assert summary.plan is not None and len(summary.plan.imported) == 10_000
    if os.environ.get("SAHEL_TIMELINE_SHOW_TIMES"):
        print(f"10,000 rows imported in {elapsed:.1f} s")
