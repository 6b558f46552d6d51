"""ACLED at full fidelity: who acted on whom, revisions by timestamp, the smaller traps.

Every row here is invented (tests/data/acled/sides.csv and rows written by the tests) in
ACLED's formats; no ACLED data.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sahel_timeline.cli.app import app
from sahel_timeline.importers.acled import actors as acled_actors
from sahel_timeline.importers.acled import entries as acled_entries
from sahel_timeline.importers.acled import events as acled_events
from sahel_timeline.importers.acled import rows as acled_rows
from sahel_timeline.importers.acled.pipeline import read_acled_file, run_acled_import
from sahel_timeline.store.load import load_store

DATA = Path(__file__).parent / "data" / "acled"
TODAY = dt.date(2025, 1, 15)


@pytest.fixture(autouse=True)
def _environment(cli_env, monkeypatch):
    monkeypatch.setenv("SAHEL_TIMELINE_NOW", TODAY.isoformat())
    monkeypatch.setenv("COLUMNS", "200")


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def imported(tmp_path: Path, *names: str) -> dict:
    target = tmp_path / "acled.yaml"
    result = run("import-acled", *(str(DATA / name) for name in names), "--into", str(target))
    assert result.exit_code == 0, result.output
    store = load_store([target], TODAY)
    assert not store.errors, store.errors
    return {incident.id: incident for incident in store.incidents} | {"_store": store}


def groups_of(incident) -> list[tuple[str, str]]:
    return [(p.group, p.status) for p in incident.perpetrators]


# --- sides --------------------------------------------------------------------------------


def test_state_forces_that_kill_civilians_are_the_perpetrators(tmp_path):
    entries = imported(tmp_path, "sides.csv")
    event = entries["acled-bfo91001"]
    assert groups_of(event) == [("military-forces-of-burkina-faso", "attributed")]
    assert event.targets == ("civilians",)
    group = entries["_store"].registry.resolve("military-forces-of-burkina-faso")
    assert group.kind == "state-force"
    # one force across ACLED's regime periods: the dated name is an alias
    assert entries["_store"].registry.resolve("Military Forces of Burkina Faso (2015-2022)")


def test_a_peaceful_protest_has_no_perpetrator_and_no_civilians_targeted(tmp_path):
    protest = imported(tmp_path, "sides.csv")["acled-mli91002"]
    assert protest.perpetrators == () and "civilians" not in protest.targets


def test_force_against_protesters_is_the_armed_sides_act(tmp_path):
    event = imported(tmp_path, "sides.csv")["acled-nir91008"]
    assert groups_of(event) == [("police-forces-of-niger", "attributed")]
    assert event.targets == ("civilians",)


def test_a_jihadist_group_on_the_victim_side_is_never_the_perpetrator(tmp_path):
    entries = imported(tmp_path, "sides.csv")
    torture, strike = entries["acled-mli91003"], entries["acled-mli91004"]
    assert groups_of(torture) == [("military-forces-of-mali", "attributed")]
    assert torture.target_groups == ("ansar-dine",)  # acted upon, named as such
    assert entries["acled-mli91006"].target_groups == ("military-forces-of-mali",)
    assert groups_of(strike) == [("military-forces-of-mauritania", "attributed")]
    registry = entries["_store"].registry
    assert registry.resolve("military-forces-of-mauritania").kind == "foreign-force"
    assert "aqim" not in {p.group for p in strike.perpetrators}


def test_a_semicolon_in_actor1_separates_two_actors(tmp_path):
    entries = imported(tmp_path, "sides.csv")
    clash = entries["acled-mli91005"]
    assert groups_of(clash) == [
        ("gatia-imghad-tuareg-and-allies-self-defense-group", "attributed"),
        ("military-forces-of-mali", "attributed"),
    ]
    registry = entries["_store"].registry
    militia = registry.resolve("gatia-imghad-tuareg-and-allies-self-defense-group")
    assert militia.kind == "pro-government-militia"
    assert "isgs" not in {p.group for p in clash.perpetrators}


def test_a_pro_government_militia_attacked_is_not_a_perpetrator(tmp_path):
    entries = imported(tmp_path, "sides.csv")
    assert groups_of(entries["acled-mli91009"]) == [("katiba-macina", "attributed")]
    assert groups_of(entries["acled-mli91010"]) == [("dozo-communal-militia-mali", "attributed")]


@pytest.mark.parametrize(
    ("event_id", "group", "family"),
    [
        ("acled-mli91006", "al-mourabitoun", "jnim"),
        ("acled-nir91007", "iswap", "islamic-state"),
        ("acled-mli91009", "katiba-macina", "jnim"),
    ],
)
def test_acleds_other_names_join_their_family(tmp_path, event_id, group, family):
    entries = imported(tmp_path, "sides.csv")
    assert groups_of(entries[event_id]) == [(group, "attributed")]
    assert group in entries["_store"].registry.family(family)


def test_iswaps_older_name_is_found_by_group_iswap(tmp_path):
    imported(tmp_path, "sides.csv")
    result = run("timeline", "--store", str(tmp_path / "acled.yaml"), "--group", "ISWAP")
    assert result.exit_code == 0, result.output
    assert "Village Six" in result.output


def test_boko_harams_spellings_are_one_group():
    for name in (
        "Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad",
        "Boko Haram - Jamatu Ahli is-Sunnah lid-Dawatai wal-Jihad",
    ):
        assert acled_actors.group_for_name(name).id == "boko-haram"


def test_names_that_match_nothing_are_reported_with_count_and_example(tmp_path):
    result = run("import-acled", str(DATA / "sides.csv"), "--into", str(tmp_path / "a.yaml"))
    assert result.exit_code == 0, result.output
    assert (
        "unmatched actor name 'Sahel Liberation Front Invented': 1 event(s), e.g. MLI91011"
        in result.output
    )
    assert "unmatched actor name 'Dozo Communal Militia (Mali)': 2 event(s)" in result.output
    # known names and state forces (matched by their pattern) are not reported
    assert "Al Mourabitoune Battalion" not in result.output.split("unmatched", 1)[1]
    assert "'Military Forces" not in result.output


def test_a_registry_alias_matches_a_name_and_silences_the_report(tmp_path):
    target = tmp_path / "store.yaml"
    target.write_text(
        "schema_version: 1\ngroups:\n  - id: slf\n    name: Sahel Liberation Front\n"
        "    kind: rebel\n    aliases: [Sahel Liberation Front Invented]\n",
        encoding="utf-8",
    )
    result = run("import-acled", str(DATA / "sides.csv"), "--into", str(target))
    assert result.exit_code == 0, result.output
    assert "Sahel Liberation Front Invented" not in result.output
    incidents = {i.id: i for i in load_store([target], TODAY).incidents}
    assert groups_of(incidents["acled-mli91011"]) == [("slf", "attributed")]


def test_actor_kind_filter_selects_events_by_the_kind_of_their_perpetrators(tmp_path):
    imported(tmp_path, "sides.csv")
    store = str(tmp_path / "acled.yaml")
    result = run("timeline", "--store", store, "--actor-kind", "state-force")
    assert result.exit_code == 0, result.output
    assert "Village Un" in result.output and "Village Deux" in result.output
    assert "Village Cinq" not in result.output  # al-Mourabitoun: jihadist
    jihadist = run("timeline", "--store", store, "--actor-kind", "jihadist")
    assert "Village Cinq" in jihadist.output and "Village Un" not in jihadist.output
    bad = run("timeline", "--store", store, "--actor-kind", "soldiers")
    assert bad.exit_code == 2
    # the brief says what was asked, not every group of that kind
    brief = run("export", "--store", store, "--format", "markdown", "--actor-kind", "state-force")
    assert "- Filters: actor kind: state-force" in brief.stdout


# --- revisions ----------------------------------------------------------------------------


def write_rows(path: Path, source: Path, edit, limit: int | None = None) -> Path:
    rows = list(csv.reader(source.open(encoding="utf-8", newline="")))
    rows = rows[: limit + 1] if limit is not None else rows
    column = rows[0].index
    for row in rows[1:]:
        edit(row, column)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_an_older_export_imported_later_never_replaces_newer_data(tmp_path):
    target = tmp_path / "acled.yaml"
    run("import-acled", str(DATA / "current.csv"), "--into", str(target))
    before = target.read_bytes()

    def older(row, column):
        row[column("timestamp")] = str(int(row[column("timestamp")]) - 1000)
        row[column("event_date")] = "2020-01-01"

    old = write_rows(tmp_path / "old.csv", DATA / "current.csv", older)
    result = run("import-acled", str(old), "--into", str(target))
    assert result.exit_code == 0, result.output
    assert "0 updated" in result.output and "4 kept as newer" in result.output
    assert target.read_bytes() == before


def test_rows_of_one_event_that_disagree_on_fatalities_are_reported(tmp_path):
    def disagree(row, column):
        if row[column("actor1")].startswith("Military"):
            row[column("fatalities")] = "14"

    source = write_rows(tmp_path / "monadic.csv", DATA / "monadic.csv", disagree)
    result = run("import-acled", str(source), "--into", str(tmp_path / "a.yaml"))
    assert result.exit_code == 0, result.output
    assert "event BFO90301: its rows disagree on fatalities: 11 (monadic.csv:2), " in result.output
    assert "14 (monadic.csv:3); kept 14" in result.output


def _without_first_event(tmp_path: Path) -> Path:
    rows = list(csv.reader((DATA / "sides.csv").open(encoding="utf-8", newline="")))
    path = tmp_path / "newer.csv"
    stamp = rows[0].index("timestamp")
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(rows[0])
        for row in rows[2:]:  # BFO91001 deleted by ACLED
            writer.writerow([*row[:stamp], str(int(row[stamp]) + 10)])
    return path


@pytest.mark.parametrize(
    ("action", "expected"), [("keep", "kept"), ("mark", "tagged acled-gone"), ("remove", "removed")]
)
def test_an_event_absent_from_a_newer_export_that_covers_it_is_gone(tmp_path, action, expected):
    target = tmp_path / "acled.yaml"
    # another country, so that Burkina Faso stays covered only through the deleted event
    run("import-acled", str(DATA / "sides.csv"), "--into", str(target))
    newer = _without_first_event(tmp_path)
    result = run("import-acled", str(newer), "--into", str(target), "--gone", action)
    assert result.exit_code == 0, result.output
    assert f"1 gone ({expected})" not in result.output  # Burkina Faso is not covered any more
    both = tmp_path / "both.csv"
    rows = list(csv.reader(newer.open(encoding="utf-8", newline="")))
    extras = []  # Burkina Faso rows before and after the deleted event's date
    for event_id, day in (("BFO91098", "1 May 2020"), ("BFO91099", "30 May 2020")):
        extra = list(rows[1])
        extra[0], extra[rows[0].index("country")] = event_id, "Burkina Faso"
        extra[rows[0].index("admin1")], extra[rows[0].index("event_date")] = "Sahel", day
        extra[rows[0].index("latitude")], extra[rows[0].index("longitude")] = "14.0", "-1.5"
        extras.append(extra)
    with both.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([*rows, *extras])
    result = run("import-acled", str(both), "--into", str(target), "--gone", action)
    assert result.exit_code == 0, result.output
    assert f"1 gone ({expected})" in result.output and "acled-bfo91001" in result.output
    incidents = {i.id: i for i in load_store([target], TODAY).incidents}
    if action == "remove":
        assert "acled-bfo91001" not in incidents
    else:
        assert "acled-bfo91001" in incidents
        assert ("acled-gone" in incidents["acled-bfo91001"].tags) == (action == "mark")


def test_dry_run_lists_the_ids_that_would_change(tmp_path):
    target = tmp_path / "acled.yaml"
    result = run("import-acled", str(DATA / "current.csv"), "--into", str(target), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "  new: acled-mli90001" in result.output and "  new: acled-nir90004" in result.output
    assert not target.exists()


def test_a_week_precision_event_is_counted_by_acleds_date_with_its_margin_shown(tmp_path):
    def week(row, column):
        row[column("event_date")] = "3 January 2007"
        row[column("time_precision")] = "2"

    source = write_rows(tmp_path / "week.csv", DATA / "sides.csv", week)
    target = tmp_path / "acled.yaml"
    assert run("import-acled", str(source), "--into", str(target)).exit_code == 0
    stats = run("stats", "--store", str(target), "--by", "year")
    assert stats.exit_code == 0, stats.output
    assert "2007" in stats.output and "2006" not in stats.output
    shown = run("show", "acled-bfo91001", "--store", str(target))
    assert "3 Jan 2007 \u00b13 days" in shown.output


# --- reading and writing ------------------------------------------------------------------


def test_an_empty_folder_receives_a_new_store_file(tmp_path):
    folder = tmp_path / "stores"
    folder.mkdir()
    result = run("import-acled", str(DATA / "current.csv"), "--into", str(folder))
    assert result.exit_code == 0, result.output
    assert [p.name for p in folder.iterdir()] == ["acled-current.yaml"]


def test_a_yaml_file_that_is_not_a_store_is_refused_untouched(tmp_path):
    other = tmp_path / "config.yaml"
    other.write_text("name: my project\nsteps: [1, 2]\n", encoding="utf-8")
    result = run("import-acled", str(DATA / "current.csv"), "--into", str(other))
    assert result.exit_code == 1
    assert f"{other}:1:1: not a sahel-timeline store" in result.output
    assert other.read_text(encoding="utf-8") == "name: my project\nsteps: [1, 2]\n"


def test_a_french_excel_resave_is_read(tmp_path):
    rows = list(csv.reader((DATA / "current.csv").open(encoding="utf-8", newline="")))
    column = rows[0].index
    for row in rows[1:]:
        for name in ("latitude", "longitude"):
            row[column(name)] = row[column(name)].replace(".", ",")
    rows[1][column("event_date")] = "22/02/2023"
    rows[1][column("location")] = "Tessarou-Hérémakono"
    resave = tmp_path / "resave.csv"
    with resave.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";", lineterminator="\r\n").writerows(rows)
    read = read_acled_file(resave)
    assert read.problems == [] and len(read.records) == 4
    assert "';' between cells" in read.layout.name
    first = read.records[0]
    assert (first.date, first.lat, first.lon) == (dt.date(2023, 2, 22), 15.0412, -1.8123)
    # Excel writes that CSV in Windows-1252: read too, accents intact
    resave.write_bytes(resave.read_text(encoding="utf-8").encode("cp1252"))
    read = read_acled_file(resave)
    assert read.problems == [] and read.records[0].location == "Tessarou-Hérémakono"


def test_event_type_battles_selects_the_legacy_battle_rows(tmp_path):
    summary = run_acled_import(
        [DATA / "legacy.csv"], tmp_path / "a.yaml",
        selection=acled_events.RowSelection(event_types=frozenset({"battles"})),
        imported_on=TODAY, now=TODAY,
    )  # fmt: skip
    assert summary.plan is not None and summary.plan.imported == ["acled-mli90103"]
    legacy = acled_events.RowSelection(event_types=frozenset({"remote violence"}))
    current = (
        read_acled_file(DATA / "y2020.csv").records + read_acled_file(DATA / "current.csv").records
    )
    kept = [r.event_id for r in current if legacy.reason_to_skip(r) is None]
    assert kept == ["MLI90002"]  # the current IED event, under the legacy name


def test_rows_of_a_country_outside_the_table_fail_the_command(tmp_path):
    def atlantis(row, column):
        if row[column("event_id_cnty")] == "MLI90001":
            row[column("country")] = "Atlantis"

    source = write_rows(tmp_path / "atlantis.csv", DATA / "current.csv", atlantis)
    result = run("import-acled", str(source), "--into", str(tmp_path / "a.yaml"))
    assert result.exit_code == 1
    assert "skipped 1 row(s): country 'Atlantis' is not in the country table" in result.output
    assert "3 new" in result.output


# --- validation ---------------------------------------------------------------------------


def test_two_acled_events_of_one_day_and_place_are_not_duplicates_of_each_other(tmp_path):
    def same_place(row, column):
        row[column("event_date")] = "12 May 2020"
        row[column("time_precision")] = "1"
        row[column("location")] = "Djibo"
        row[column("country")], row[column("admin1")] = "Burkina Faso", "Sahel"
        row[column("latitude")], row[column("longitude")] = "14.1", "-1.6"

    source = write_rows(tmp_path / "same.csv", DATA / "sides.csv", same_place)
    target = tmp_path / "acled.yaml"
    assert run("import-acled", str(source), "--into", str(target)).exit_code == 0
    result = run("validate", "--strict", str(target))
    assert result.exit_code == 0, result.output
    assert "possible-duplicate" not in result.output
    # a curated entry of that day and place may well be the same attack: still a warning
    with target.open("a", encoding="utf-8") as handle:
        handle.write(
            '  - id: "2020-05-12-djibo"\n    title: "Attack at Djibo"\n    date: "2020-05-12"\n'
            '    location: {country: "Burkina Faso", place: "Djibo"}\n'
            '    summary: "An attack."\n    sources: [{title: "A report"}]\n'
        )
    result = run("validate", "--strict", str(target))
    assert result.exit_code == 1
    assert result.output.count("possible-duplicate") == 1


# --- exports ------------------------------------------------------------------------------


def _csv_rows(text: str) -> dict[str, dict[str, str]]:
    return {row["event_id_cnty"]: row for row in csv.DictReader(text.splitlines())}


def test_acled_columns_of_imported_entries_are_their_own_fields(tmp_path):
    imported(tmp_path, "sides.csv", "legacy.csv")
    result = run("export", "--store", str(tmp_path / "acled.yaml"), "--format", "csv",
                 "--columns", "acled")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = _csv_rows(result.stdout)
    protest = rows["MLI91002"]
    assert (protest["event_type"], protest["sub_event_type"]) == ("Protests", "Peaceful protest")
    assert (protest["actor1"], protest["actor2"], protest["fatalities"]) == (
        "Protesters (Mali)",
        "",
        "0",
    )
    torture = rows["MLI91003"]
    assert torture["actor1"] == "Military Forces of Mali (2013-2020)"
    assert torture["assoc_actor_2"] == "Ansar Dine"
    assert torture["notes"] == "Malian troops are carrying out torture on Islamist suspects."
    assert torture["source"] == "Invented Gazette" and torture["timestamp"] == "1600000000"
    legacy = rows["MLI90102"]
    assert legacy["event_type"] == "Remote violence" and legacy["event_date"] == "2018-10-06"
    assert "Unidentified Armed Group" not in result.stdout


def test_an_acled_columns_export_reimports_to_the_same_events(tmp_path):
    first = imported(tmp_path, "sides.csv", "current.csv")
    exported = tmp_path / "exported.csv"
    result = run("export", "--store", str(tmp_path / "acled.yaml"), "--format", "csv",
                 "--columns", "acled", "--raw")  # fmt: skip
    exported.write_text(result.stdout, encoding="utf-8")
    again = tmp_path / "again.yaml"
    result = run("import-acled", str(exported), "--into", str(again))
    assert result.exit_code == 0, result.output
    second = {i.id: i for i in load_store([again], TODAY).incidents}
    for incident_id, incident in first.items():
        if incident_id == "_store":
            continue
        other = second[incident_id]
        assert (other.date, other.date_margin_days, other.location, other.killed) == (
            incident.date,
            incident.date_margin_days,
            incident.location,
            incident.killed,
        )
        assert other.perpetrators == incident.perpetrators and other.targets == incident.targets
        assert other.notes == incident.notes


def test_a_curated_entry_with_no_perpetrator_gets_no_invented_actor(tmp_path):
    store = Path(__file__).parent / "data" / "export" / "store.yaml"
    result = run("export", "--store", str(store), "--format", "csv", "--columns", "acled")
    assert result.exit_code == 0, result.output
    assert "Unidentified Armed Group" not in result.stdout


ATTRIBUTION = (
    "Source: Armed Conflict Location & Event Data Project (ACLED); https://acleddata.com/; "
    "accessed 2025-01-15."
)


@pytest.mark.parametrize("format_name", ["markdown", "html", "timelinejs", "csv"])
def test_every_brief_from_imported_entries_carries_acleds_attribution(tmp_path, format_name):
    imported(tmp_path, "current.csv")
    result = run("export", "--store", str(tmp_path / "acled.yaml"), "--format", format_name)
    assert result.exit_code == 0, result.output
    text = result.stdout
    if format_name == "html":
        line = "Source: Armed Conflict Location &amp; Event Data Project (ACLED)"
        header, credits = text.split("</header>")[0], text.split('<footer id="credits">')[1]
        assert line in header and line in credits  # under the title, and in the credits
        assert "accessed 2025-01-15." in header
    elif format_name == "timelinejs":
        assert "Armed Conflict Location &amp; Event Data Project (ACLED)" in text
        assert "https://acleddata.com/; accessed 2025-01-15." in text
    elif format_name == "csv":
        rows = list(csv.DictReader(text.splitlines()))
        assert {row["attribution"] for row in rows} == {ATTRIBUTION}
    else:  # markdown escapes the ampersand
        assert "- Source: Armed Conflict Location \\& Event Data Project (ACLED)" in text
        assert "https://acleddata.com/; accessed 2025-01-15." in text


def test_a_brief_of_curated_entries_only_has_no_acled_attribution(tmp_path):
    store = Path(__file__).parent / "data" / "export" / "store.yaml"
    for format_name in ("markdown", "csv", "html", "timelinejs"):
        result = run("export", "--store", str(store), "--format", format_name)
        assert result.exit_code == 0 and "acleddata.com" not in result.stdout


# --- link: curated incidents and the ACLED events that record them ------------------------

CURATED_ATTACK = """\
schema_version: 1
groups:
  - id: jnim
    name: Jama'at Nusrat al-Islam wal-Muslimin
    short: JNIM
    kind: jihadist
    aliases: ["JNIM: Group for Support of Islam and Muslims"]
incidents:
  - id: 2017-08-13-ouagadougou-restaurant
    title: Gunmen attack a restaurant in Ouagadougou
    date: "2017-08-13"
    location: {country: Burkina Faso, place: Ouagadougou, lat: 12.3686, lon: -1.5275}
    perpetrators: [{group: jnim, status: suspected}]
    killed: {low: 18, high: 19}
    attackers_killed: 2
    summary: "Gunmen opened fire on a restaurant terrace."
    sources: [{title: "A report"}]
"""


def _link_store(tmp_path: Path) -> Path:
    store = tmp_path / "store.yaml"
    store.write_text(CURATED_ATTACK, encoding="utf-8")

    def rows(row, column):
        number = int(row[column("event_id_cnty")][3:]) - 91001
        day, place, lat, lon, killed, actor1 = [
            ("13 August 2017", "Ouagadougou", "12.37", "-1.53", "20",
             "JNIM: Group for Support of Islam and Muslims"),
            ("14 August 2017", "Ouagadougou-Centre", "12.40", "-1.50", "5",
             "Unidentified Armed Group (Burkina Faso)"),
            ("20 August 2017", "Ouagadougou", "12.37", "-1.53", "1", "Protesters (Burkina Faso)"),
            ("13 August 2017", "Djibo", "14.1", "-1.6", "3", "Islamic State (Sahel)"),
        ][number % 4]  # fmt: skip
        row[column("event_date")], row[column("location")] = day, place
        row[column("latitude")], row[column("longitude")] = lat, lon
        row[column("fatalities")], row[column("actor1")] = killed, actor1
        row[column("country")], row[column("admin1")] = "Burkina Faso", "Centre"
        row[column("event_type")], row[column("sub_event_type")] = (
            "Violence against civilians", "Attack",
        )  # fmt: skip

    source = write_rows(tmp_path / "ouaga.csv", DATA / "sides.csv", rows, limit=4)
    result = run("import-acled", str(source), "--into", str(store))
    assert result.exit_code == 0, result.output
    return store


def test_link_lists_the_acled_events_of_a_curated_attack_with_their_differences(tmp_path):
    store = _link_store(tmp_path)
    result = run("link", "--store", str(store), "--format", "json")
    assert result.exit_code == 0, result.output

    (entry,) = json.loads(result.stdout)
    assert entry["id"] == "2017-08-13-ouagadougou-restaurant"
    links = {link["event_id_cnty"]: link for link in entry["links"]}
    # the assault and a second event a day later (a night attack): both link
    assert set(links) == {"BFO91001", "MLI91002"}
    same = links["BFO91001"]
    assert same["actors"] == "same group" and same["differences"] == []
    assert same["place"] == "0 km apart"
    later = links["MLI91002"]
    assert later["actors"] == "ACLED names no perpetrator"
    assert later["differences"] == [
        "date: 13 Aug 2017 here, 14 Aug 2017 in ACLED",
        "killed: 20-21 here (attackers included), 5 in ACLED (everyone killed)",
    ]


def test_link_text_names_each_curated_incident_and_its_links(tmp_path):
    store = _link_store(tmp_path)
    result = run("link", "--store", str(store), "--days", "0")
    assert result.exit_code == 0, result.output
    assert "2017-08-13-ouagadougou-restaurant: Gunmen attack a restaurant" in result.output
    assert "  acled-bfo91001: 0 km apart; actors: same group" in result.output
    assert "acled-mli91002" not in result.output  # a day apart: outside --days 0
    assert "acled-mli91004" not in result.output  # Djibo: far away
    assert "1 curated incident(s), 1 with ACLED events" in result.output


# --- speed without blind spots ------------------------------------------------------------


def test_a_new_files_nodes_validate_exactly_as_its_written_text_reads(tmp_path):
    """A new file is validated from the nodes made with its text, not by parsing it again:
    both must give the same entries, groups, positions and findings."""
    from sahel_timeline.importers.acled import store_text
    from sahel_timeline.registry import GroupRegistry
    from sahel_timeline.store.load import load_file_bytes
    from sahel_timeline.store.validate import validate_document

    records = []
    for path in sorted(DATA.glob("*.csv")):
        if "bad" not in path.name:
            records += read_acled_file(path).records
    events, _, _ = acled_events.merge_records(records)
    entries = [acled_entries.event_to_entry(event, event.record.file) for event in events]
    specs = [spec for entry in entries for spec, _ in entry.perpetrators]
    specs += [spec for entry in entries for spec in entry.target_groups]
    _, added = acled_actors.resolve_groups(specs, GroupRegistry())
    edit = store_text.FileEdit(tmp_path / "new.yaml", None)
    edit.append_groups = [(spec, list(spec.acled_names)) for spec in added]
    edit.append_entries = entries
    text, root = store_text.new_file_document(edit, {s.id: s.id for s in added}, "2025-01-15")
    from_nodes = validate_document(root, "new.yaml")
    from_text = load_file_bytes(text.encode("utf-8"), "new.yaml")
    assert from_nodes.findings == from_text.findings == []
    assert from_nodes.incidents == from_text.incidents and len(from_text.incidents) > 20
    assert from_nodes.groups == from_text.groups


def test_groups_shows_each_groups_kind_and_an_import_into_the_curated_store_uses_its_forces(
    tmp_path,
):
    curated = tmp_path / "incidents.yaml"
    curated.write_bytes((Path(__file__).parent.parent / "incidents.yaml").read_bytes())
    result = run("groups", "--store", str(curated))
    assert result.exit_code == 0, result.output
    assert "state-force" in result.output and "foreign-force" in result.output
    assert run("import-acled", str(DATA / "sides.csv"), "--into", str(curated)).exit_code == 0
    incidents = {i.id: i for i in load_store([curated], TODAY).incidents}
    # ACLED's dated name of the Malian army is the curated store's FAMa
    assert groups_of(incidents["acled-mli91003"]) == [("military-forces-of-mali", "attributed")]
    shown = run("timeline", "--store", str(curated), "--actor-kind", "state-force")
    assert "Village Deux" in shown.output


def test_the_timeline_shows_a_week_precision_date_with_its_margin_on_its_own_line(tmp_path):
    imported(tmp_path, "current.csv")
    result = run("timeline", "--store", str(tmp_path / "acled.yaml"))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("8 Mar 2023 "))
    assert lines[first + 1].startswith("\u00b13 days ")
    shown = run("show", "acled-mli90002", "--store", str(tmp_path / "acled.yaml"))
    assert "8 Mar 2023 \u00b13 days  (within 3 days of that day)" in shown.output


def test_link_on_a_store_without_acled_events_says_how_to_get_them():
    curated = Path(__file__).parent.parent / "incidents.yaml"
    result = run("link", "--store", str(curated))
    assert result.exit_code == 0
    assert "no ACLED event matches" in result.output
    assert "the store holds no imported ACLED event" in result.output


def test_coverage_is_per_country_so_another_countrys_file_deletes_nothing():
    records = read_acled_file(DATA / "sides.csv").records
    mali = [r for r in records if r.country_name == "Mali"]
    niger = [r for r in records if r.country_name == "Niger"]
    coverage = acled_events.Coverage.of([*mali[:1], *niger], acled_events.RowSelection())
    assert coverage is not None
    assert coverage.covers("Mali", mali[0].date, ())
    later_in_mali = max(r.date for r in niger)  # Niger's dates do not stretch Mali's
    assert later_in_mali > mali[0].date
    assert not coverage.covers("Mali", later_in_mali, ())


def test_the_curated_store_names_the_forces_its_incidents_targeted():
    curated = Path(__file__).parent.parent / "incidents.yaml"
    shown = run("show", "2018-07-01-gao-barkhane-patrol", "--store", str(curated))
    assert shown.exit_code == 0, shown.output
    assert "Groups targeted" in shown.output and "French forces, FAMa" in shown.output
    exported = run("export", "--store", str(curated), "--format", "json")
    records = {record["id"]: record for record in json.loads(exported.stdout)}
    targeted = records["2017-10-04-tongo-tongo-ambush"]["target_groups"]
    assert [g["group_id"] for g in targeted] == [
        "military-forces-of-the-united-states", "military-forces-of-niger",
    ]  # fmt: skip
    assert "target_groups" not in records["2017-08-13-ouagadougou-aziz-istanbul"]
    groups = run("groups", "--store", str(curated))
    assert "targeted in 5" in groups.output  # FAMa, Soumpi twice among them


def test_an_import_leaves_the_written_file_in_the_cache_and_a_reimport_reads_it_from_there(
    tmp_path, monkeypatch
):
    from sahel_timeline.store import load as store_module

    monkeypatch.delenv("SAHEL_TIMELINE_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    target = tmp_path / "acled.yaml"
    assert run("import-acled", str(DATA / "current.csv"), "--into", str(target)).exit_code == 0
    data = target.read_bytes()

    def no_parsing(*_args, **_kwargs):
        raise AssertionError("the file was parsed again")

    monkeypatch.setattr(store_module, "parse_and_validate", no_parsing)
    monkeypatch.setattr(store_module, "stream_into_database", no_parsing)
    shown = run("timeline", "--store", str(target))
    assert shown.exit_code == 0, shown.output
    again = run("import-acled", str(DATA / "current.csv"), "--into", str(target))
    assert again.exit_code == 0, again.output
    assert "4 unchanged" in again.output and target.read_bytes() == data


def test_an_older_export_never_reports_newer_events_as_gone(tmp_path):
    target = tmp_path / "acled.yaml"
    assert run("import-acled", str(DATA / "sides.csv"), "--into", str(target)).exit_code == 0

    rows = list(csv.reader((DATA / "sides.csv").open(encoding="utf-8", newline="")))
    stamp = rows[0].index("timestamp")
    older = tmp_path / "older.csv"  # an earlier release: Mali's first and last events only
    with older.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(rows[0])
        for row in (rows[2], rows[-1]):
            writer.writerow([*row[:stamp], "1500000000"])
    result = run("import-acled", str(older), "--into", str(target), "--gone", "remove")
    assert result.exit_code == 0, result.output
    assert "2 kept as newer, 0 gone" in result.output
    assert len(load_store([target], TODAY).incidents) == 11


@pytest.mark.parametrize(
    ("name", "country", "group_id", "kind"),
    [
        ("Military Forces of Mali (2013-2020) National Guard", "Mali",
         "military-forces-of-mali-national-guard", "state-force"),
        ("Police Forces of Niger (2011-2021)", "Niger", "police-forces-of-niger", "state-force"),
        ("Military Forces of Niger (2011-2021)", "Nigeria", "military-forces-of-niger",
         "foreign-force"),
        ("Military Forces of France", "Mali", "military-forces-of-france", "foreign-force"),
    ],
)  # fmt: skip
def test_a_force_is_one_group_across_regime_periods_and_its_kind_depends_on_where(
    name, country, group_id, kind
):
    actor = acled_rows.Actor(name, 1, True)
    assert (
        acled_actors.group_for_actor(actor, country).id,
        acled_actors.actor_kind(actor, country),
    ) == (
        group_id,
        kind,
    )
