"""The curated store validates and stays true to the research notes it was built from."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sahel_timeline.cli.app import app
from sahel_timeline.model import Figure, FuzzyDate
from sahel_timeline.store.load import Store, load_store, shipped_store_path

REPOSITORY = Path(__file__).resolve().parent.parent
CURATED = REPOSITORY / "incidents.yaml"
TODAY = dt.date(2026, 11, 21)


@pytest.fixture(scope="module")
def curated() -> Store:
    return load_store([CURATED], TODAY)


def test_curated_store_has_no_findings_at_all(curated: Store) -> None:
    assert [str(f) for f in curated.findings] == []


def test_curated_store_holds_the_six_core_incidents_and_the_six_further_ones(
    curated: Store,
) -> None:
    ids = {i.id for i in curated.incidents if not i.is_milestone}
    dates = sorted(str(i.date) for i in curated.incidents if not i.is_milestone)
    assert len(ids) == 12
    assert dates == [
        "2017-08-13", "2017-08-14", "2017-08-14", "2017-10", "2017-10-04", "2018-01-27",
        "2018-03-02", "2018-04-14", "2018-06-29", "2018-07-01", "2018-07-23", "2018-07-23",
    ]  # fmt: skip


def test_curated_store_has_the_context_milestones(curated: Store) -> None:
    milestone_dates = {str(i.date) for i in curated.incidents if i.is_milestone}
    for date in (
        "2012-03-21",
        "2013-01-11",
        "2014-08-01",
        "2017-03-02",
        "2017-07-02",
        "2018-07-29",
    ):
        assert date in milestone_dates


def _incident(store: Store, date: str, place: str):  # type: ignore[no-untyped-def]
    matches = [
        i for i in store.incidents
        if str(i.date) == date and (i.location.place or "").startswith(place)
    ]  # fmt: skip
    assert len(matches) == 1, (date, place, [m.id for m in matches])
    return matches[0]


def test_ouagadougou_2017_keeps_the_disputed_toll_as_a_range_and_is_unclaimed(
    curated: Store,
) -> None:
    attack = _incident(curated, "2017-08-13", "Ouagadougou")
    assert (attack.killed.low, attack.killed.high) == (18, 19)
    assert (attack.attackers_killed.low, attack.attackers_killed.high) == (2, 3)
    assert [(p.group, p.status) for p in attack.perpetrators] == [("jnim", "suspected")]
    assert attack.end_date == FuzzyDate(2017, 8, 14)
    assert "19" in attack.notes


def test_claims_carry_the_claim_dates_of_the_research_notes(curated: Store) -> None:
    claims = {
        ("2017-10-04", "Tongo Tongo"): ("isgs", "2018-01-12"),
        ("2018-03-02", "Ouagadougou"): ("jnim", "2018-03-03"),
        ("2018-04-14", "Timbuktu"): ("jnim", "2018-04-20"),
        ("2018-01-27", "Soumpi"): ("jnim", "2018-01-29"),
    }
    for (date, place), (group, claimed_on) in claims.items():
        incident = _incident(curated, date, place)
        assert [(p.group, p.status, str(p.claimed_on)) for p in incident.perpetrators] == [
            (group, "claimed", claimed_on)
        ]


def test_attributed_but_unclaimed_attacks_are_not_marked_claimed(curated: Store) -> None:
    for date, place in (("2017-08-14", "Timbuktu"), ("2017-08-14", "Douentza")):
        incident = _incident(curated, date, place)
        assert [p.status for p in incident.perpetrators] == ["attributed"]


def test_sevare_airport_shelling_is_dated_23_july_and_suspected_of_unnamed_jihadists(
    curated: Store,
) -> None:
    shelling = _incident(curated, "2018-07-23", "Sévaré")
    assert [(p.group, p.status) for p in shelling.perpetrators] == [
        ("unidentified-jihadists", "suspected")
    ]
    assert curated.registry.family("al-qaeda").isdisjoint({"unidentified-jihadists"})
    assert shelling.killed == Figure(0, 0)
    assert "indirect-fire" in shelling.tactics


def test_unreported_figures_stay_unknown_not_zero(curated: Store) -> None:
    gao = _incident(curated, "2018-07-01", "Gao")
    assert gao.attackers_killed is None
    assert gao.killed == Figure(4, 4)
    convoy = _incident(curated, "2018-07-23", "Guiré")
    assert convoy.wounded is None
    assert [(p.group, p.status) for p in convoy.perpetrators] == [("katiba-macina", "suspected")]


def test_every_incident_cites_a_source_with_an_address_or_a_seed_title(curated: Store) -> None:
    for incident in curated.incidents:
        assert incident.sources, incident.id
        assert any(source.url for source in incident.sources), incident.id


def test_group_tree_puts_jnim_components_under_al_qaeda(curated: Store) -> None:
    family = curated.registry.family("al-qaeda")
    assert {"aqim", "jnim", "katiba-macina", "ansar-dine", "al-mourabitoun"} <= family
    assert "isgs" not in family
    assert curated.registry.resolve("GSIM").id == "jnim"


def test_shipped_store_path_points_at_the_one_curated_file() -> None:
    shipped = shipped_store_path()
    assert shipped.read_bytes() == CURATED.read_bytes()


def test_timbuktu_2018_attackers_killed_is_at_least_15(curated: Store) -> None:
    attack = _incident(curated, "2018-04-14", "Timbuktu")
    assert attack.attackers_killed == Figure(15, None)
    assert str(attack.attackers_killed) == "15+"


def test_algiers_accord_is_two_signatures_not_a_span(curated: Store) -> None:
    signatures = [i for i in curated.incidents if "algiers-accord" in i.id]
    assert [(str(i.date), i.end_date) for i in signatures] == [
        ("2015-05-15", None),
        ("2015-06-20", None),
    ]


def test_soumpi_october_2017_claim_is_its_own_entry(curated: Store) -> None:
    october = _incident(curated, "2017-10", "Soumpi")
    assert october.killed == Figure(2, 2)
    assert [(p.group, p.status, str(p.claimed_on)) for p in october.perpetrators] == [
        ("jnim", "claimed", "2017-10")
    ]
    assert "2018-01-27-soumpi-army-camp" in october.related


def test_guire_point_is_nara_so_its_precision_is_an_area(curated: Store) -> None:
    convoy = _incident(curated, "2018-07-23", "Guiré")
    assert convoy.location.precision == "area"
    assert (convoy.location.lat, convoy.location.lon) == (15.30, -7.4667)


def test_sevare_g5_wounded_keeps_the_range_without_the_guess(curated: Store) -> None:
    attack = _incident(curated, "2018-06-29", "Sévaré")
    assert attack.wounded == Figure(5, 10)
    assert "possibly" not in (attack.notes or "")


def test_groups_say_only_what_the_notes_support(curated: Store) -> None:
    assert curated.registry.resolve("ansaroul-islam") is None
    macina = curated.registry.resolve("katiba-macina")
    assert macina is not None and "central Mali" not in (macina.notes or "")
    for group_id in ("jnim", "isgs"):
        group = curated.registry.resolve(group_id)
        assert group is not None and "2,000 members" in (group.notes or "")
        assert "European Eye on Radicalization" in (group.notes or "")


def test_titles_the_audit_corrected(curated: Store) -> None:
    titles = {s.url: s.title for i in curated.incidents for s in i.sources if s.url}
    latimes = "http://www.latimes.com/world/la-fg-burkina-faso-attack-20170813-story.html"
    gao = "https://www.thedefensepost.com/2018/07/01/mali-france-gao-attack-operation-barkhane/"
    assert titles[latimes] == "At least 18 killed in attack on restaurant in Burkina Faso"
    assert titles[gao] == "Mali: French forces targeted in Gao attack"


def test_acled_export_writes_the_unnamed_actor_as_an_unidentified_armed_group(
    cli_env: dict,
) -> None:
    result = CliRunner().invoke(
        app,
        ["export", "--format", "csv", "--columns", "acled", "--since", "2018-07-23"],
        env={**cli_env, "SAHEL_TIMELINE_STORE": str(CURATED)},
    )
    assert result.exit_code == 0, result.output
    rows = csv.DictReader(io.StringIO(result.stdout))
    [row] = [row for row in rows if row["location"] == "Sévaré"]
    assert (row["actor1"], row["inter1"]) == (
        "Unidentified Armed Group (Mali)",
        "Political militia",
    )
