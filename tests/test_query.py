"""Choosing and ordering incidents: what --since, --group, --status, --sort... keep and show."""

from __future__ import annotations

import datetime as dt

import pytest

from sahel_timeline.dates import parse_date_bound
from sahel_timeline.engine.database import apply_filter, run_query, sort_incidents
from sahel_timeline.engine.query import (
    Filter,
    Query,
    QueryError,
    build_filter,
    describe_filter,
    group_incidents,
)
from sahel_timeline.model import Figure, FuzzyDate, Group, Incident, Location, Perpetrator, Source
from sahel_timeline.registry import GroupRegistry

# --- the fixture store: built for the semantics, not for history --------------------------------

REGISTRY = GroupRegistry(
    [
        Group("al-qaeda", "Al-Qaeda", short="al-Qaeda"),
        Group("aqim", "Al-Qaeda in the Islamic Maghreb", short="AQIM", affiliation="al-qaeda"),
        Group(
            "jnim",
            "Jama'at Nusrat al-Islam wal-Muslimin",
            short="JNIM",
            aliases=("GSIM", "Group for Support of Islam and Muslims"),
            affiliation="al-qaeda",
        ),
        Group("katiba-macina", "Katiba Macina", aliases=("FLM",), merged_into="jnim"),
        Group("islamic-state", "Islamic State", short="IS"),
        Group(
            "isgs",
            "Islamic State in the Greater Sahara",
            short="ISGS",
            affiliation="islamic-state",
        ),
    ]
)

MALI = Location(country="Mali", country_code="MLI")
BURKINA = Location(country="Burkina Faso", country_code="BFA")
NIGER = Location(country="Niger", country_code="NER")


def incident(
    id: str,
    date: str,
    *,
    end_date: str | None = None,
    kind: str = "incident",
    location: Location | None = None,
    perpetrators: tuple[tuple[str, str], ...] = (),
    killed: Figure | None = None,
    **fields: object,
) -> Incident:
    return Incident(
        id=id,
        title=str(fields.pop("title", id)),
        date=FuzzyDate.parse(date),
        end_date=FuzzyDate.parse(end_date) if end_date else None,
        kind=kind,
        location=location or Location(),
        perpetrators=tuple(Perpetrator(group, status) for group, status in perpetrators),
        killed=killed,
        **fields,  # type: ignore[arg-type]
    )


RESTAURANT = incident(
    "2017-08-13-ouagadougou-restaurant",
    "2017-08-13",
    title="Gunmen attack a restaurant in Ouagadougou",
    location=Location(
        country="Burkina Faso",
        country_code="BFA",
        place="Ouagadougou",
        site="Aziz Istanbul restaurant",
    ),
    perpetrators=(("jnim", "suspected"),),
    killed=Figure(18, 19),
    tactics=("armed-assault", "hostage-taking"),
    targets=("civilians",),
    tags=("soft-target",),
)
TIMBUKTU = incident(
    "2017-08-14-timbuktu-camp",
    "2017-08-14",
    title="Attack on a UN camp in Timbuktu",
    location=MALI,
    perpetrators=(("GSIM", "claimed"),),  # referred to by an alias
    killed=Figure(7, 9),
    tactics=("armed-assault",),
    targets=("un-peacekeepers",),
    sources=(Source("Communiqué de la MINUSMA", author="Porte-parole", publisher="Minusma"),),
)
TONGO_TONGO = incident(
    "2017-10-04-tongo-tongo",
    "2017-10-04",
    title="Ambush near Tongo Tongo",
    location=NIGER,
    perpetrators=(("isgs", "claimed"),),
    killed=Figure(4, 4),
    tactics=("ambush",),
    targets=("foreign-military", "military"),
)
EMBASSY = incident(
    "2018-03-02-ouagadougou-embassy",
    "2018-03-02",
    title="Attack on the French embassy and the army headquarters",
    location=Location(country="Burkina Faso", country_code="BFA", place="Ouagadougou"),
    perpetrators=(("jnim", "claimed"), ("ansarul-unknown", "suspected")),
    killed=Figure(8, 8),
    tactics=("complex-attack", "vbied"),
    targets=("diplomatic", "military"),
    summary="Simultaneous assaults in the capital.",
)
SEVARE = incident(  # month precision, unknown toll, perpetrator referred to by its name
    "2018-06-sevare",
    "2018-06",
    title="Attack near the town",
    location=Location(country="Mali", country_code="MLI", place="Sévaré"),
    perpetrators=(("Katiba Macina", "attributed"),),
    notes="Sources   disagree on the exact day.",
)
GUIRE = incident(  # year precision, nobody named
    "2018-guire-convoy",
    "2018",
    title="Convoy ambushed near Guiré",
    location=MALI,
    killed=Figure(3, 6),
    tactics=("ambush",),
    tags=("Convoy",),
)
NEW_YEAR = incident(  # an end_date across the new year
    "2017-12-30-niger-raid",
    "2017-12-30",
    end_date="2018-01-02",
    title="Raid across the border",
    location=NIGER,
    perpetrators=(("aqim", "attributed"),),
    killed=Figure(2, 2),
    tactics=("raid",),
)
LAST_DAY = incident(
    "2018-12-31-menaka",
    "2018-12-31",
    title="Night attack on the last day of the year",
    location=MALI,
    perpetrators=(("isgs", "suspected"),),
    killed=Figure(0, 0),
)
SERVAL = incident(  # a milestone with a country and a long span
    "2013-01-11-serval",
    "2013-01-11",
    end_date="2014-07-15",
    kind="milestone",
    title="Operation Serval",
    location=MALI,
)
JNIM_FORMED = incident(  # a milestone without a location
    "2017-03-02-jnim-formed",
    "2017-03-02",
    kind="milestone",
    title="Four groups merge into JNIM",
)

STORE = [
    EMBASSY,
    SERVAL,
    LAST_DAY,
    RESTAURANT,
    SEVARE,
    TONGO_TONGO,
    JNIM_FORMED,
    GUIRE,
    TIMBUKTU,
    NEW_YEAR,
]


def ids(incidents: list[Incident]) -> list[str]:
    return [item.id for item in incidents]


def kept(**options: object) -> set[str]:
    flt = build_filter(registry=REGISTRY, **options)  # type: ignore[arg-type]
    return set(ids(apply_filter(STORE, flt, REGISTRY)))


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# --- dates: interval overlap ----------------------------------------------------------------------


def test_an_empty_filter_keeps_everything_in_incoming_order() -> None:
    assert ids(apply_filter(STORE, Filter(), REGISTRY)) == ids(STORE)


def test_a_month_precision_incident_matches_a_window_inside_its_month() -> None:
    window = kept(since=day("2018-06-10"), until=day("2018-06-12"))
    # June 2018 (month precision) and 2018 (year precision) both may fall in that window.
    assert window == {SEVARE.id, GUIRE.id}


def test_a_year_precision_incident_matches_any_window_inside_its_year() -> None:
    assert GUIRE.id in kept(since=day("2018-02-01"), until=day("2018-02-01"))
    assert GUIRE.id not in kept(until=day("2017-12-31"))


def test_until_a_year_includes_the_31st_of_december() -> None:
    until = parse_date_bound("2018", now=day("2019-07-15"), side="until")
    assert LAST_DAY.id in kept(until=until)
    assert LAST_DAY.id not in kept(until=day("2018-12-30"))


def test_an_end_date_makes_an_incident_match_windows_after_its_start() -> None:
    assert kept(since=day("2018-01-01"), until=day("2018-01-31")) == {NEW_YEAR.id, GUIRE.id}
    assert SERVAL.id in kept(since=day("2014-07-15"), until=day("2014-12-31"))
    assert SERVAL.id not in kept(since=day("2014-07-16"))


def test_since_alone_drops_everything_that_ended_before() -> None:
    assert kept(since=day("2018-03-02")) == {EMBASSY.id, SEVARE.id, GUIRE.id, LAST_DAY.id}


def test_a_window_that_ends_before_it_starts_is_a_query_error() -> None:
    with pytest.raises(QueryError, match="2019-01-01 is after until 2018-12-31") as caught:
        build_filter(since=day("2019-01-01"), until=day("2018-12-31"))
    assert caught.value.field == "since"


# --- groups -----------------------------------------------------------------------------------


def test_a_parent_group_brings_in_affiliates_and_merged_components() -> None:
    # al-qaeda -> aqim, jnim -> katiba-macina (merged into JNIM)
    assert kept(groups=["al-qaeda"]) == {
        RESTAURANT.id,
        TIMBUKTU.id,
        EMBASSY.id,
        SEVARE.id,
        NEW_YEAR.id,
    }


def test_a_group_by_alias_takes_its_components_but_not_its_siblings() -> None:
    assert kept(groups=["gsim"]) == {RESTAURANT.id, TIMBUKTU.id, EMBASSY.id, SEVARE.id}


@pytest.mark.parametrize("ref", ["jnim", "JNIM", "Jama'at Nusrat al-Islam wal-Muslimin"])
def test_a_group_matches_by_id_short_name_or_name_in_any_case(ref: str) -> None:
    assert kept(groups=[ref]) == kept(groups=["GSIM"])


def test_a_component_alone_does_not_bring_in_its_parent() -> None:
    assert kept(groups=["FLM"]) == {SEVARE.id}


def test_several_groups_are_alternatives() -> None:
    assert kept(groups=["aqim", "isgs"]) == {NEW_YEAR.id, TONGO_TONGO.id, LAST_DAY.id}


def test_an_unknown_group_is_an_error_that_suggests_close_names() -> None:
    with pytest.raises(QueryError, match="unknown group 'JMIN'; did you mean JNIM") as caught:
        build_filter(groups=["JMIN"], registry=REGISTRY)
    assert caught.value.field == "groups"


def test_an_unknown_group_is_also_refused_when_matching() -> None:
    with pytest.raises(QueryError, match="unknown group 'nobody'"):
        apply_filter(STORE, Filter(groups=("nobody",)), REGISTRY)


# --- status -----------------------------------------------------------------------------------


def test_status_unknown_keeps_incidents_without_perpetrators_but_not_milestones() -> None:
    assert kept(statuses=["unknown"]) == {GUIRE.id}


def test_a_named_status_keeps_incidents_where_any_perpetrator_has_it() -> None:
    assert kept(statuses=["suspected"]) == {RESTAURANT.id, EMBASSY.id, LAST_DAY.id}
    assert kept(statuses=["Claimed"]) == {TIMBUKTU.id, TONGO_TONGO.id, EMBASSY.id}


def test_statuses_are_alternatives() -> None:
    assert kept(statuses=["attributed", "unknown"]) == {SEVARE.id, NEW_YEAR.id, GUIRE.id}


def test_group_and_status_must_hold_for_the_same_perpetrator() -> None:
    # The embassy attack was claimed by JNIM with a second group suspected: "suspected
    # JNIM" must not find it, "claimed JNIM" must.
    assert kept(groups=["jnim"], statuses=["suspected"]) == {RESTAURANT.id}
    assert kept(groups=["jnim"], statuses=["claimed"]) == {TIMBUKTU.id, EMBASSY.id}


def test_a_group_with_status_unknown_never_brings_in_unattributed_incidents() -> None:
    # "unknown" means no perpetrator at all; an incident without perpetrators was not
    # committed by JNIM, so a group filter rules it out whatever the statuses.
    assert kept(groups=["jnim"], statuses=["unknown"]) == set()
    assert kept(groups=["jnim"], statuses=["claimed", "unknown"]) == {TIMBUKTU.id, EMBASSY.id}


def test_an_unknown_status_is_refused() -> None:
    with pytest.raises(QueryError, match="unknown status 'claim'; did you mean claimed"):
        build_filter(statuses=["claim"])


# --- country, vocabularies, text, figures -----------------------------------------------------


@pytest.mark.parametrize("ref", ["Mali", "mali", "ML", "MLI"])
def test_a_country_is_matched_by_name_or_iso_code(ref: str) -> None:
    assert kept(countries=[ref]) == {TIMBUKTU.id, SEVARE.id, GUIRE.id, LAST_DAY.id, SERVAL.id}


def test_countries_are_stored_as_iso3_codes() -> None:
    assert build_filter(countries=["burkina faso", "NE", "Ivory Coast"]).countries == (
        "BFA",
        "NER",
        "CIV",
    )


def test_a_country_filter_drops_milestones_without_a_country() -> None:
    assert JNIM_FORMED.id not in kept(countries=["Mali", "Burkina Faso", "Niger"])
    assert SERVAL.id in kept(countries=["Mali"])


def test_an_unknown_country_is_an_error_that_suggests_close_names() -> None:
    with pytest.raises(QueryError, match="unknown country 'Malli'; did you mean Mali") as caught:
        build_filter(countries=["Malli"])
    assert caught.value.field == "countries"


def test_values_of_one_option_are_alternatives_and_options_all_apply() -> None:
    assert kept(tactics=["ambush", "vbied"]) == {TONGO_TONGO.id, GUIRE.id, EMBASSY.id}
    assert kept(tactics=["ambush", "vbied"], targets=["diplomatic"]) == {EMBASSY.id}
    assert kept(tactics=["ambush"], countries=["Niger"]) == {TONGO_TONGO.id}


def test_an_unknown_tactic_is_refused_with_a_suggestion() -> None:
    with pytest.raises(QueryError, match="unknown tactic 'ambsuh'; did you mean ambush"):
        build_filter(tactics=["ambsuh"])


def test_tags_match_in_any_case() -> None:
    assert kept(tags=["convoy"]) == {GUIRE.id}
    assert kept(tags=["SOFT-TARGET"]) == {RESTAURANT.id}


def test_kind_keeps_only_milestones_or_only_incidents() -> None:
    assert kept(kinds=["milestone"]) == {SERVAL.id, JNIM_FORMED.id}
    assert len(kept(kinds=["incident"])) == len(STORE) - 2


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("french EMBASSY", {EMBASSY.id}),  # title
        ("capital", {EMBASSY.id}),  # summary
        ("sources disagree", {SEVARE.id}),  # notes, white space runs ignored
        ("sevare", {SEVARE.id}),  # place, accents ignored
        ("SÉVARÉ", {SEVARE.id}),  # accents and case in the search too
        ("aziz istanbul", {RESTAURANT.id}),  # site
        ("ouagadougou", {RESTAURANT.id, EMBASSY.id}),
        ("communique minusma", {TIMBUKTU.id}),  # a source's title and publisher
        ("porte-parole", {TIMBUKTU.id}),  # a source's author
    ],
)
def test_text_searches_title_summary_notes_place_and_sources(text: str, found: set[str]) -> None:
    assert kept(text=text) == found


@pytest.fixture(params=[True, False], ids=["fts5", "sqlite-without-fts5"])
def either_text_index(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The search behaves the same on a Python whose SQLite was built without FTS5."""
    import sahel_timeline.engine.database

    monkeypatch.setattr(sahel_timeline.engine.database, "HAS_FTS5", request.param)


@pytest.mark.usefixtures("either_text_index")
def test_text_search_means_the_same_with_or_without_fts5() -> None:
    assert kept(text="SÉVARÉ") == {SEVARE.id}
    assert kept(text="Ouagadougou embassy") == {EMBASSY.id}
    assert kept(text="ouaga") == {RESTAURANT.id, EMBASSY.id}
    assert kept(text="adougou") == set()
    assert kept(text="communique minusma porte-parole") == {TIMBUKTU.id}
    assert kept(text="100% _x") == set()


def test_text_words_match_in_any_order_and_all_must_match() -> None:
    assert kept(text="Ouagadougou embassy") == {EMBASSY.id}
    assert kept(text="headquarters french") == {EMBASSY.id}
    assert kept(text="embassy Timbuktu") == set()


def test_a_text_word_matches_the_start_of_a_word_not_its_middle() -> None:
    assert kept(text="ouaga") == {RESTAURANT.id, EMBASSY.id}
    assert kept(text="adougou") == set()


def test_punctuation_in_a_text_search_separates_words_and_never_breaks_the_search() -> None:
    assert kept(text='"embassy" (french) NEAR*') == set()  # FTS5 syntax is only words here
    assert kept(text='"embassy" (french) army-headquarters') == {EMBASSY.id}
    with pytest.raises(QueryError, match="no word") as caught:
        build_filter(text="-- !")
    assert caught.value.field == "text"


def test_min_killed_uses_the_high_figure_and_never_matches_an_unknown_toll() -> None:
    assert RESTAURANT.id in kept(min_killed=19)  # 18-19
    assert RESTAURANT.id not in kept(min_killed=20)
    assert SEVARE.id not in kept(min_killed=0)  # unknown, not zero
    assert LAST_DAY.id in kept(min_killed=0)  # zero is known


# --- sorting ----------------------------------------------------------------------------------

DATE_ORDER = [
    SERVAL.id,
    JNIM_FORMED.id,
    RESTAURANT.id,
    TIMBUKTU.id,
    TONGO_TONGO.id,
    NEW_YEAR.id,
    GUIRE.id,  # 2018: starts 1 Jan, ends 31 Dec
    EMBASSY.id,
    SEVARE.id,
    LAST_DAY.id,
]


def test_date_order_is_by_interval_start_then_end_then_id() -> None:
    assert ids(sort_incidents(STORE, "date")) == DATE_ORDER
    same_day = [
        incident("b", "2018-03-02"),
        incident("a", "2018-03-02", end_date="2018-03-04"),
        incident("c", "2018-03"),
        incident("a2", "2018-03-02"),
    ]
    assert ids(sort_incidents(same_day)) == ["c", "a2", "b", "a"]


def test_reverse_date_order_is_newest_first() -> None:
    assert ids(sort_incidents(STORE, "date", reverse=True)) == DATE_ORDER[::-1]


def test_killed_order_puts_unknown_tolls_last_in_both_directions() -> None:
    no_toll = [SERVAL.id, JNIM_FORMED.id, SEVARE.id]  # date order
    assert ids(sort_incidents(STORE, "killed")) == [
        LAST_DAY.id,  # 0
        NEW_YEAR.id,  # 2
        TONGO_TONGO.id,  # 4
        GUIRE.id,  # 3-6
        EMBASSY.id,  # 8
        TIMBUKTU.id,  # 7-9
        RESTAURANT.id,  # 18-19
        *no_toll,
    ]
    assert ids(sort_incidents(STORE, "killed", reverse=True)) == [
        RESTAURANT.id,
        TIMBUKTU.id,
        EMBASSY.id,
        GUIRE.id,
        TONGO_TONGO.id,
        NEW_YEAR.id,
        LAST_DAY.id,
        *no_toll,
    ]


def test_equal_tolls_are_in_date_order() -> None:
    later = incident("later", "2018-05-01", killed=Figure(4, 4))
    earlier = incident("earlier", "2016-05-01", killed=Figure(1, 4))
    assert ids(sort_incidents([later, earlier], "killed")) == ["earlier", "later"]


def test_country_order_is_by_name_then_date_with_no_country_last() -> None:
    assert ids(sort_incidents(STORE, "country")) == [
        RESTAURANT.id,  # Burkina Faso
        EMBASSY.id,
        SERVAL.id,  # Mali
        TIMBUKTU.id,
        GUIRE.id,
        SEVARE.id,
        LAST_DAY.id,
        TONGO_TONGO.id,  # Niger
        NEW_YEAR.id,
        JNIM_FORMED.id,  # no country
    ]
    assert ids(sort_incidents(STORE, "country", reverse=True))[0] == NEW_YEAR.id
    assert ids(sort_incidents(STORE, "country", reverse=True))[-1] == JNIM_FORMED.id


def test_id_order() -> None:
    assert ids(sort_incidents(STORE, "id")) == sorted(ids(STORE))
    assert ids(sort_incidents(STORE, "id", reverse=True)) == sorted(ids(STORE), reverse=True)


def test_an_unknown_sort_key_is_refused() -> None:
    with pytest.raises(QueryError, match="unknown sort key 'deaths'"):
        sort_incidents(STORE, "deaths")


# --- the whole query --------------------------------------------------------------------------


def test_limit_applies_after_filtering_and_sorting() -> None:
    query = Query(
        filter=build_filter(countries=["Mali", "Burkina Faso"]),
        sort="killed",
        reverse=True,
        limit=2,
    )
    assert ids(run_query(STORE, query, REGISTRY)) == [RESTAURANT.id, TIMBUKTU.id]


def test_a_default_query_is_every_entry_in_date_order() -> None:
    assert ids(run_query(STORE, Query(), REGISTRY)) == DATE_ORDER


# --- grouping ---------------------------------------------------------------------------------


def test_grouping_by_year_keeps_the_incoming_order() -> None:
    chosen = sort_incidents(STORE)[1:]
    groups = group_incidents(chosen, "year")
    assert [(label, len(items)) for label, items in groups] == [("2017", 5), ("2018", 4)]
    assert ids(groups[1][1]) == [GUIRE.id, EMBASSY.id, SEVARE.id, LAST_DAY.id]


def test_grouping_by_month_puts_year_precision_entries_under_their_year() -> None:
    groups = group_incidents(sort_incidents(STORE)[5:], "month")
    assert [label for label, _ in groups] == [
        "Dec 2017",
        "2018",
        "Mar 2018",
        "Jun 2018",
        "Dec 2018",
    ]


def test_grouping_by_country_in_order_of_first_appearance() -> None:
    groups = group_incidents(sort_incidents(STORE), "country")
    assert [label for label, _ in groups] == ["Mali", "Unknown country", "Burkina Faso", "Niger"]


def test_grouping_by_none_is_one_unlabelled_group_and_nothing_for_no_entries() -> None:
    assert group_incidents(STORE, "none") == [("", STORE)]
    assert group_incidents([], "year") == []


# --- describing ----------------------------------------------------------------------------


def test_describe_filter_says_which_filters_applied() -> None:
    flt = build_filter(
        since=day("2018-03-01"),
        until=day("2018-12-31"),
        countries=["ML", "bf"],
        groups=["gsim", "isgs", "flm"],
        statuses=["claimed"],
        tactics=["ambush"],
        text="embassy",
        min_killed=5,
        registry=REGISTRY,
    )
    assert describe_filter(flt, REGISTRY) == [
        "since 2018-03-01",
        "until 2018-12-31",
        "country: Mali, Burkina Faso",
        "group: JNIM (+ affiliates), ISGS, Katiba Macina",
        "status: claimed",
        "tactic: ambush",
        'text: "embassy"',
        "at least 5 killed",
    ]


def test_describe_an_empty_filter_says_nothing() -> None:
    assert describe_filter(Filter()) == []
