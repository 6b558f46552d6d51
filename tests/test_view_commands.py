"""The analyst views from the command line: timeline, show, stats, groups.

Filter semantics end to end on a store built for them (tests/data/views/store.yaml), exit
codes, plain output for pipes and NO_COLOR, `| head`, and hostile text shown literally.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import cast

import pytest
from rich.console import Console
from typer.testing import CliRunner

from sahel_timeline.cli.app import app
from sahel_timeline.engine.database import sort_incidents
from sahel_timeline.engine.query import group_incidents
from sahel_timeline.render.group_tree import render_group_tree
from sahel_timeline.render.incident_detail import render_incident
from sahel_timeline.render.stats_view import render_stats
from sahel_timeline.render.timeline_view import TimelineFooter, render_timeline
from sahel_timeline.reports.stats import compute_stats, incidents_per_group
from sahel_timeline.store.load import Store, load_store

REPOSITORY = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
VIEWS_STORE = DATA / "views" / "store.yaml"
HOSTILE_STORE = DATA / "hostile" / "store.yaml"
CURATED_STORE = REPOSITORY / "incidents.yaml"

ENV: dict[str, str | None] = {
    "_TYPER_FORCE_DISABLE_TERMINAL": "1",
    "NO_COLOR": "1",
    "TERMINAL_WIDTH": "100",
    "COLUMNS": "100",
    "SAHEL_TIMELINE_NOW": "2026-11-21",
    "FORCE_COLOR": None,
    "GITHUB_ACTIONS": None,
    "SAHEL_TIMELINE_STORE": None,
}
ESCAPE = "\x1b"

VIEWS_TITLES = {
    "merger": "Merger milestone",
    "raid": "Year-precision raid",
    "ambush": "Month-precision ambush",
    "span": "Span across March and April",
    "two-groups": "Claimed by ISGS, JNIM suspected",
    "election": "Election milestone",
    "unattributed": "Last day of 2018, unattributed",
}


def run(*args: str, store: Path = VIEWS_STORE, env: dict[str, str | None] | None = None):
    result = CliRunner().invoke(app, [*args, "--store", str(store)], env={**ENV, **(env or {})})
    return result


def shown(*args: str) -> list[str]:
    """The fixture entries the timeline shows, in the order shown."""
    result = run("timeline", *args)
    assert result.exit_code == 0, result.output
    positions = {
        key: result.output.find(title)
        for key, title in VIEWS_TITLES.items()
        if title in result.output
    }
    return sorted(positions, key=positions.__getitem__)


# --- filters on the fixture store -------------------------------------------------------------


def test_month_and_year_precision_entries_match_a_window_inside_their_period() -> None:
    assert shown("--since", "2017-08-15", "--until", "2017-08-20") == ["raid", "ambush"]


def test_a_span_matches_a_window_that_only_touches_its_last_day() -> None:
    assert shown("--since", "2018-04-02", "--until", "2018-04-30") == ["span"]


def test_until_a_year_reaches_its_31st_of_december() -> None:
    assert "unattributed" in shown("--until", "2018")
    assert "unattributed" not in shown("--until", "2018-12-30")


def test_natural_language_bounds_cover_the_whole_named_month() -> None:
    assert shown("--since", "June 2018", "--until", "June 2018") == ["two-groups"]


def test_a_parent_group_brings_in_affiliates_and_merged_components() -> None:
    assert shown("--group", "al-qaeda") == ["ambush", "span", "two-groups"]


@pytest.mark.parametrize("alias", ["GSIM", "gsim", "JNIM", "Jama'at Nusrat al-Islam wal-Muslimin"])
def test_a_group_is_found_by_any_of_its_names(alias: str) -> None:
    assert shown("--group", alias) == ["ambush", "span", "two-groups"]


def test_a_merged_component_alone_does_not_bring_in_its_parent() -> None:
    assert shown("--group", "FLM") == ["span"]


def test_status_unknown_shows_unattributed_incidents_but_no_milestones() -> None:
    assert shown("--status", "unknown") == ["unattributed"]


def test_a_group_with_status_unknown_lists_no_unattributed_incident() -> None:
    assert shown("--group", "jnim", "--status", "unknown") == []
    assert shown("--group", "jnim", "--status", "claimed", "--status", "unknown") == ["ambush"]


def test_group_and_status_must_hold_for_the_same_perpetrator() -> None:
    assert shown("--group", "jnim", "--status", "claimed") == ["ambush"]
    assert shown("--group", "isgs", "--status", "claimed") == ["two-groups"]


def test_sorting_by_killed_puts_unknown_tolls_last_in_both_directions() -> None:
    ascending = shown("--kind", "incident", "--sort", "killed")
    descending = shown("--kind", "incident", "--sort", "killed", "--reverse")
    assert ascending == ["two-groups", "span", "ambush", "raid", "unattributed"]
    assert descending == ["raid", "ambush", "span", "two-groups", "unattributed"]


def test_limit_keeps_the_first_entries_and_the_footer_says_how_many_matched() -> None:
    result = run("timeline", "--kind", "incident", "--limit", "2")
    assert "first 2 of 5 matching" in result.output


def test_footer_counts_entries_and_lists_the_filters_applied() -> None:
    result = run("timeline", "--group", "GSIM", "--status", "claimed", "--since", "2017")
    assert result.exit_code == 0
    footer = result.output[result.output.index("shown") - 40 :]
    assert "1 incident and 0 milestones shown; the store holds 7 entries." in footer
    assert "since 2017-01-01" in footer
    assert "group: JNIM (+ affiliates)" in footer
    assert "status: claimed" in footer


def test_no_match_is_not_an_error_and_says_so() -> None:
    result = run("timeline", "--since", "2030")
    assert result.exit_code == 0
    assert "0 incidents and 0 milestones shown" in result.output


# --- what an entry says -----------------------------------------------------------------------


def test_timeline_shows_dates_with_their_precision_and_spans() -> None:
    output = run("timeline").output
    for label in ("Aug 2017", "2017 ", "31 Dec 2018", "30 Mar-", "2 Apr 2018"):
        assert label in output


def test_timeline_shows_ranges_unknown_figures_and_status_marks() -> None:
    output = run("timeline").output
    assert "3-5 killed · wounded: unknown · ambush" in output
    assert "killed: unknown · wounded: unknown" in output
    assert "● JNIM (claimed 1 Sep 2017)" in output
    assert "◐ Katiba Macina (attributed)" in output
    assert "○ JNIM (suspected); ● ISGS (claimed 16 Jun 2018)" in output
    assert "? perpetrator: unknown" in output


def test_milestones_are_marked_and_carry_no_perpetrator_line() -> None:
    lines = run("timeline").output.splitlines()
    merger = next(i for i, line in enumerate(lines) if "Merger milestone" in line)
    assert "◆" in lines[merger]
    assert lines[merger + 1].endswith("│ milestone")
    assert "perpetrator" not in lines[merger + 2]


@pytest.mark.parametrize(
    ("by", "headings"),
    [
        ("year", ["2017 (3 entries)", "2018 (4 entries)"]),
        ("month", ["2017 (1 entry)", "Mar 2017", "Aug 2017", "Mar 2018", "Jun 2018", "Dec 2018"]),
        ("country", ["Niger", "Unknown country", "Mali (4 entries)", "Burkina Faso"]),
    ],
)
def test_group_by_puts_entries_under_headings_in_order(by: str, headings: list[str]) -> None:
    output = run("timeline", "--group-by", by).output
    starts = [re.search(rf"^{re.escape(heading)}", output, re.MULTILINE) for heading in headings]
    assert None not in starts, output
    positions = [start.start() for start in starts if start is not None]
    assert positions == sorted(positions)


def test_the_body_wraps_to_the_width_it_has() -> None:
    narrow = run("timeline", store=CURATED_STORE, env={"COLUMNS": "80"}).output
    wide = run("timeline", store=CURATED_STORE, env={"COLUMNS": "140"}).output
    assert max(len(line) for line in narrow.splitlines()) <= 80
    assert max(len(line) for line in wide.splitlines()) > 80
    assert len(wide.splitlines()) < len(narrow.splitlines())


def test_show_gives_every_figure_attribution_place_source_and_related_entry() -> None:
    result = run("show", "2017-08-mali-ambush")
    assert result.exit_code == 0
    output = result.output
    assert "Killed            3-5 (best 4)" in output
    assert "Attackers killed  2" in output
    assert "Wounded           unknown" in output
    assert "● JNIM (claimed 1 Sep 2017)" in output
    assert "Boni, Mopti, Mali" in output
    assert "15.05, -1.82 (settlement)" in output
    assert "Aug 2017  (month precision)" in output
    assert "Monthly brief — A. Analyst, Fixture Monitor, 2 Sep 2017" in output
    assert "https://example.org/briefs/2017-09" in output
    assert "Sources disagree on the toll" in output
    assert "30 Mar-2 Apr 2018  Span across March and April" in output


def test_show_of_an_unknown_id_exits_1_and_suggests_close_ids() -> None:
    result = run("show", "2017-08-mali-ambsh")
    assert result.exit_code == 1
    assert "no entry with id '2017-08-mali-ambsh'" in result.output
    assert "2017-08-mali-ambush" in result.output
    assert result.stdout == ""


def test_show_suggests_ids_that_contain_a_fragment() -> None:
    result = run("show", "span")
    assert result.exit_code == 1
    assert "2018-03-30-burkina-span" in result.output


def test_stats_sums_lows_and_highs_and_counts_unknown_figures() -> None:
    result = run("stats", "--by", "year")
    assert result.exit_code == 0
    rows = {line.split()[0]: line.split()[1:6] for line in result.output.splitlines() if line}
    assert rows["2017"] == ["2", "13-15", "-", "4-6", "1"]
    assert rows["2018"] == ["3", "1", "1", "5", "1"]
    assert rows["Total"] == ["5", "14-16", "1", "9-11", "2"]
    assert "2 milestones left out" in result.output


def test_stats_takes_the_shared_filters() -> None:
    output = run("stats", "--by", "country", "--country", "Mali").output
    assert "Mali" in output and "Niger" not in output.split("Filters")[0]
    assert "country: Mali" in output


def test_stats_with_no_match_says_so_and_counts_the_milestones_left_out() -> None:
    result = run("stats", "--kind", "milestone")
    assert result.exit_code == 0
    assert "No incidents match." in result.output
    assert "2 milestones left out" in result.output


def test_stats_bar_is_longest_for_the_largest_toll() -> None:
    output = run("stats", "--by", "group").output
    bars = {
        line.split()[0]: line.count("█") + line.count("░")
        for line in output.splitlines()
        if line.strip()
    }
    assert bars["ISGS"] > bars["JNIM"] > 0


def test_stats_by_month_shows_every_month_between_the_first_and_last_including_lulls() -> None:
    result = run("stats", "--by", "month")
    assert result.exit_code == 0, result.output
    rows = {
        " ".join(line.split()[:2]): line.split()[2:4]
        for line in result.output.splitlines()
        if re.match(r"[A-Z][a-z]{2} \d{4} ", line)
    }
    months = list(rows)
    assert (months[0], months[-1]) == ("Aug 2017", "Dec 2018")
    assert len(rows) == 17
    assert rows["Sep 2017"] == ["0", "0"]  # an empty month reads 0 killed, not unknown
    assert rows["Mar 2018"][0] == "1"
    assert "Month not known" in result.output
    assert re.search(r"Incidents per month, Aug 2017 to Dec 2018: \S{17}\n", result.output)


@pytest.mark.parametrize(
    ("by", "first", "last"), [("week", "2018-W13", "2019-W01"), ("quarter", "Q3 2017", "Q4 2018")]
)
def test_stats_by_week_and_quarter_label_and_zero_fill_their_periods(
    by: str, first: str, last: str
) -> None:
    result = run("stats", "--by", by)
    assert result.exit_code == 0, result.output
    labels = [line.split("  ")[0] for line in result.output.splitlines()[1:] if line.strip()]
    assert labels[0] == first
    assert labels[labels.index("Total") - 2 : labels.index("Total")] == [
        last,
        f"{by.capitalize()} not known",
    ]


def test_groups_draws_the_tree_with_aliases_and_counts() -> None:
    result = run("groups")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    jnim = next(i for i, line in enumerate(lines) if "JNIM — " in line)
    macina = next(i for i, line in enumerate(lines) if "Katiba Macina  [katiba-macina]" in line)
    assert lines[jnim].index("JNIM") < lines[macina].index("Katiba")  # drawn one level deeper
    assert "aliases: GSIM" in result.output
    assert "merged into JNIM · 1 incident" in result.output
    assert "2 incidents, 3 with its family" in result.output


def test_an_entry_that_began_before_since_opens_the_period_marked_ongoing() -> None:
    # The README's example: Barkhane (Aug 2014 to Nov 2022) was under way in July 2018.
    result = run(
        "timeline", "--since", "2018-07", "--until", "2018-08", "--group-by", "month",
        store=CURATED_STORE,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Entries per month, Jul 2018 to Aug 2018: ")
    assert lines[1].startswith("Jul 2018 (5 entries)")
    assert "Aug 2014 (" not in result.output
    assert lines[2].startswith("ongoing ") and "Operation Barkhane" in lines[2]
    assert lines[3].startswith("1 Aug 2014-")


def test_actor_kind_jihadist_on_the_curated_store_lists_jnims_incidents_not_milestones() -> None:
    store = load_store([CURATED_STORE], dt.date(2026, 11, 21))
    by_jnim = [
        incident.id
        for incident in store.incidents
        if any(
            (group := store.registry.resolve(p.group)) and group.id == "jnim"
            for p in incident.perpetrators
        )
    ]
    milestones = [incident.id for incident in store.incidents if incident.is_milestone]
    assert by_jnim and milestones
    result = run("timeline", "--actor-kind", "jihadist", store=CURATED_STORE)
    assert result.exit_code == 0, result.output
    for incident_id in by_jnim:
        assert incident_id in result.output
    for milestone_id in milestones:
        assert milestone_id not in result.output
    assert " and 0 milestones shown" in result.output
    assert "actor kind: jihadist" in result.output


def test_around_and_window_keep_the_entries_near_a_moment() -> None:
    result = run("timeline", "--around", "2018-06-20", "--window", "10d")
    assert result.exit_code == 0, result.output
    assert "Claimed by ISGS, JNIM suspected" in result.output  # 15 Jun 2018
    assert "Election milestone" not in result.output  # 29 Jul 2018
    assert "since 2018-06-10; until 2018-06-30" in result.output
    assert '--around "2018-06-20" (2018-06-20) and 10 days either side' in result.output
    # Without --window, a week either side of the whole period --around names.
    wider = run("timeline", "--around", "June 2018")
    assert "since 2018-05-25; until 2018-07-07" in wider.output


def test_natural_dates_in_french_are_read_and_the_footer_says_how() -> None:
    result = run("timeline", "--since", "mars 2018", "--until", "juin 2018")
    assert result.exit_code == 0, result.output
    assert "Span across March and April" in result.output
    assert "Claimed by ISGS, JNIM suspected" in result.output
    assert "Election milestone" not in result.output
    footer = " ".join(result.output.split("Dates: ")[1].split())
    assert '--since "mars 2018" read as 2018-03-01 to 2018-03-31' in footer
    assert '--until "juin 2018" read as 2018-06-01 to 2018-06-30' in footer
    last_march = run("stats", "--since", "last March", "--until", "last March",
                     env={"SAHEL_TIMELINE_NOW": "2019-01-10"})  # fmt: skip
    assert last_march.exit_code == 0, last_march.output
    assert "since 2018-03-01; until 2018-03-31" in last_march.output
    assert '--since "last March" read as 2018-03-01 to 2018-03-31' in last_march.output


@pytest.mark.parametrize(
    ("args", "blamed"),
    [
        (["--around", "2018-06", "--since", "2018"], "--around"),
        (["--window", "7d"], "--window"),
        (["--around", "2018-06", "--window", "a while"], "--window"),
        (["--around", "never ever"], "--around"),
    ],
)
def test_around_and_window_misuse_is_a_usage_error_naming_the_option(
    args: list[str], blamed: str
) -> None:
    result = run("timeline", *args)
    assert result.exit_code == 2, result.output
    assert blamed in result.output
    assert "Traceback" not in result.output


# --- usage errors and exit codes --------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["timeline", "--group-by", "week"],
        ["timeline", "--since", "the day after never"],
        ["timeline", "--group", "JMIN"],
        ["stats", "--by", "weekday"],
        ["show"],
    ],
)
def test_bad_options_are_usage_errors_with_exit_code_2(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_an_unknown_group_suggests_the_close_name() -> None:
    result = run("timeline", "--group", "JMIN")
    assert "JNIM" in result.output


@pytest.mark.parametrize("command", ["timeline", "show", "stats", "groups"])
def test_help_shows_an_example(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"], env=ENV)
    assert result.exit_code == 0
    assert re.search(rf"sahel-timeline {command}\b.*\n", result.output.split("Example")[1])


# --- terminal manners -------------------------------------------------------------------------

VIEW_COMMANDS = [
    ["timeline", "--group-by", "year"],
    ["show", "2018-05-01-hostile-markup"],
    ["show", "2018-06-hostile-unknown"],
    ["show", "2018-hostile-milestone"],
    ["stats", "--by", "group"],
    ["stats", "--by", "tactic"],
    ["groups"],
]


@pytest.mark.parametrize("args", VIEW_COMMANDS, ids=lambda args: " ".join(args))
def test_a_store_with_control_characters_is_refused_by_every_view(args: list[str]) -> None:
    # Control characters and bidirectional overrides are validation errors: no view runs.
    result = run(*args, store=HOSTILE_STORE, env={"NO_COLOR": None, "COLUMNS": "120"})
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "error control-character" in result.stderr and "error bidi-control" in result.stderr
    assert ESCAPE not in result.output and "\a" not in result.output


# Should such a store reach a renderer anyway, store text is shown, never obeyed.


def _rendered(draw: Callable[[Store, Console], None]) -> str:
    store = load_store([HOSTILE_STORE], dt.date(2025, 1, 1))
    console = Console(
        file=io.StringIO(), force_terminal=True, color_system="standard", width=120,
        highlight=False, emoji=False, markup=False,
    )  # fmt: skip
    draw(store, console)
    return cast(io.StringIO, console.file).getvalue()


def _show(incident_id: str) -> Callable[[Store, Console], None]:
    def draw(store: Store, console: Console) -> None:
        by_id = store.incidents_by_id()
        render_incident(by_id[incident_id], store.registry, by_id.get, console)

    return draw


def _timeline(store: Store, console: Console) -> None:
    incidents = sort_incidents(store.incidents)
    footer = TimelineFooter(total_in_store=len(incidents))
    render_timeline(group_incidents(incidents, "year"), store.registry, footer, console)


def _stats(by: str) -> Callable[[Store, Console], None]:
    def draw(store: Store, console: Console) -> None:
        render_stats(compute_stats(store.incidents, by, store.registry), [], console)

    return draw


def _groups(store: Store, console: Console) -> None:
    counts = incidents_per_group(store.incidents, store.registry)
    render_group_tree(store.registry, counts, console)


RENDERERS = {
    "timeline": _timeline,
    "show 2018-05-01-hostile-markup": _show("2018-05-01-hostile-markup"),
    "show 2018-06-hostile-unknown": _show("2018-06-hostile-unknown"),
    "show 2018-hostile-milestone": _show("2018-hostile-milestone"),
    "stats group": _stats("group"),
    "stats tactic": _stats("tactic"),
    "groups": _groups,
}


@pytest.mark.parametrize("view", RENDERERS)
def test_hostile_text_is_shown_literally_in_every_view(view: str) -> None:
    output = _rendered(RENDERERS[view])
    # The view's own styles and the links it makes of source addresses (OSC 8) are its own.
    own_links = re.sub(r"\x1b\]8;[^\x1b\a]*\x1b\\", "", output)
    colour_codes = re.sub(r"\x1b\[[0-9;]*m", "", own_links)
    assert ESCAPE not in colour_codes and "\a" not in output and "\u202e" not in output
    if view in ("timeline", "groups", "show 2018-05-01-hostile-markup"):
        assert "[/]" in output
    if view in ("timeline", "show 2018-05-01-hostile-markup"):
        assert "[bold red]x[/]" in output and ":fire:" in output
        assert "\\x1b[31mred\\x1b[0m" in output  # visible, not obeyed


def test_show_keeps_every_hostile_field_literal() -> None:
    output = _rendered(_show("2018-05-01-hostile-markup"))
    output = re.sub(r"\x1b\[[0-9;]*m", "", output)
    for literal in (
        "[red]markup[/red]",
        ":smile:",
        "\\x1b]8;;https://evil.example",
        "\\u202eevil\\u202c",
        "[bold]Source[/bold] :fire: \\x1b[2J cleared?",
        "https://example.org/[/]?q=:fire:|x",
        "[italic]Region[/italic]",
        "Site with a newline and a bell\\x07",
        "هجوم على المستودع",
    ):
        assert literal in output, literal


def test_a_title_with_newlines_stays_on_one_line() -> None:
    assert "Multi line place, Niger" in _rendered(_timeline)


def _subprocess(args: list[str], env: dict[str, str | None], **kwargs):
    environment = {k: v for k, v in os.environ.items() if k not in env}
    environment.update({k: v for k, v in env.items() if v is not None})
    return subprocess.run(
        [sys.executable, "-m", "sahel_timeline", *args],
        env=environment, capture_output=True, check=False, cwd=REPOSITORY, **kwargs,
    )  # fmt: skip


def test_a_pipe_gets_plain_text_even_without_no_color() -> None:
    env = {**ENV, "NO_COLOR": None, "_TYPER_FORCE_DISABLE_TERMINAL": None, "TERM": "xterm"}
    for args in (["timeline"], ["stats"], ["groups"], ["show", "2017-08-mali-ambush"]):
        result = _subprocess([*args, "--store", str(VIEWS_STORE)], env)
        assert result.returncode == 0, result.stderr
        assert ESCAPE.encode() not in result.stdout


def test_a_forced_terminal_is_coloured_and_no_color_removes_the_colour() -> None:
    env = {**ENV, "NO_COLOR": None, "FORCE_COLOR": "1", "TERM": "xterm-256color"}
    coloured = _subprocess(["timeline", "--store", str(VIEWS_STORE)], env).stdout
    assert b"\x1b[31m" in coloured or b"\x1b[1;31m" in coloured  # claimed in red
    plain = _subprocess(["timeline", "--store", str(VIEWS_STORE)], {**env, "NO_COLOR": "1"})
    assert not re.search(rb"\x1b\[[0-9;]*3[0-7]m", plain.stdout)  # no foreground colour


def test_term_dumb_gets_no_escape_codes_on_a_terminal() -> None:
    env = {**ENV, "NO_COLOR": None, "FORCE_COLOR": "1", "TERM": "dumb"}
    result = _subprocess(["timeline", "--store", str(VIEWS_STORE)], env)
    assert ESCAPE.encode() not in result.stdout


def _large_store(folder: Path, count: int = 1500) -> Path:
    """A store whose timeline is far larger than a pipe's buffer."""
    lines = ["schema_version: 1", "incidents:"]
    for number in range(count):
        day = f"2018-{number % 12 + 1:02d}-{number % 28 + 1:02d}"
        lines += [
            f"  - id: entry-{number}",
            "    kind: milestone",
            f"    title: Entry number {number}",
            f'    date: "{day}"',
        ]
    path = folder / "large.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_piping_into_head_ends_quietly(tmp_path: Path) -> None:
    store = _large_store(tmp_path)
    command = f"{sys.executable} -m sahel_timeline timeline --store {store} | head -n 3"
    result = subprocess.run(
        ["sh", "-c", command],
        env={**os.environ, "COLUMNS": "80", "SAHEL_TIMELINE_NOW": "2026-11-21"},
        capture_output=True, text=True, check=False, cwd=REPOSITORY,
    )  # fmt: skip
    assert len(result.stdout.splitlines()) == 3
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("args", "imported"),
    [
        (["timeline"], False),
        (["timeline", "--since", "2018-03", "--until", "2018"], False),
        (["timeline", "--since", "March 2018"], True),
    ],
)
def test_dateparser_is_imported_only_for_natural_language_dates(
    args: list[str], imported: bool
) -> None:
    probe = (
        "import sys\n"
        "from sahel_timeline.cli.app import app\n"
        "try:\n"
        f"    app({[*args, '--store', str(VIEWS_STORE)]!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "sys.stderr.write(str('dateparser' in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        env={**os.environ, "SAHEL_TIMELINE_NOW": "2026-11-21"},
        capture_output=True, text=True, check=False, cwd=REPOSITORY,
    )  # fmt: skip
    assert result.stderr.strip().endswith(str(imported)), result.stderr
