"""Open-ended figures: `{low: 15}` with no `high` means "at least 15".

Read by the validator and the JSON Schema, kept by the cache, shown as `15+` or `at least 15`
in every view and export, and counted by `stats` as a lower bound.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from sahel_timeline.cli.app import app
from sahel_timeline.model import Figure, Incident, add_figures
from sahel_timeline.reports.diff import field_changes
from sahel_timeline.reports.stats import compute_stats
from sahel_timeline.store.load import assemble_store, load_file_bytes, load_store

NOW = dt.date(2020, 1, 1)

STORE = """\
schema_version: 1
groups:
  - {id: jnim, name: "Jama'at Nusrat al-Islam wal-Muslimin", short: JNIM}
incidents:
  - id: 2018-04-14-camp-attack
    title: Militants attack a camp
    date: "2018-04-14"
    location: {country: Mali, place: Timbuktu, lat: 16.73, lon: -3.0, precision: site}
    tactics: [complex-attack]
    perpetrators:
      - {group: jnim, status: claimed, claimed_on: "2018-04-20"}
    killed: {low: 1, high: 3}
    attackers_killed: {low: 15}
    wounded: {low: 16, best: 16}
    summary: At least 15 attackers were killed.
    sources:
      - {title: A report}
  - id: 2018-05-02-ambush
    title: Soldiers ambushed on a road
    date: "2018-05-02"
    location: {country: Mali, place: Gao, lat: 16.27, lon: -0.05, precision: settlement}
    tactics: [ambush]
    killed: {low: 20}
    wounded: 4
    sources:
      - {title: Another report}
"""


def _store_file(tmp_path: Path, text: str = STORE) -> Path:
    path = tmp_path / "store.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _run(cli_env: dict, store: Path, *args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--store", str(store)], env=cli_env)
    assert result.exit_code == 0, result.output
    return result.stdout


def _incident_text(**figures: str) -> str:
    lines = "".join(f"    {name}: {value}\n" for name, value in figures.items())
    return (
        "schema_version: 1\nincidents:\n  - id: 2018-01-01-x\n    title: An attack\n"
        '    date: "2018-01-01"\n    location: {country: Mali}\n'
        "    sources: [{title: A report}]\n" + lines
    )


def _load(text: str) -> tuple[list[Incident], list]:
    store = assemble_store([load_file_bytes(text.encode(), "test.yaml")], NOW)
    return store.incidents, store.errors


# --- The data model and the validator ----------------------------------------------------


def test_a_low_without_high_is_an_open_ended_figure() -> None:
    incidents, errors = _load(_incident_text(attackers_killed="{low: 15}"))
    assert errors == []
    figure = incidents[0].attackers_killed
    assert figure == Figure(15, None)
    assert figure.is_open_ended and not figure.is_exact
    assert str(figure) == "15+"


def test_every_earlier_form_of_a_figure_stays_valid_and_closed() -> None:
    incidents, errors = _load(
        _incident_text(
            killed="8", attackers_killed="{low: 2, high: 3}", wounded="{low: 1, high: 5, best: 2}"
        )
    )
    assert errors == []
    assert [str(f) for f in (incidents[0].killed, incidents[0].attackers_killed)] == ["8", "2-3"]
    assert incidents[0].killed == Figure(8, 8)
    assert incidents[0].wounded == Figure(1, 5, 2)


def test_an_open_ended_figure_may_have_a_best_estimate_not_below_its_low() -> None:
    incidents, errors = _load(_incident_text(killed="{low: 15, best: 21}"))
    assert errors == []
    assert incidents[0].killed == Figure(15, None, 21)


@pytest.mark.parametrize(
    ("value", "message", "column"),
    [
        ("{low: 15, best: 10}", "best (10) is below low (15)", 13),
        ("{high: 15}", "low", 13),
        ("{low: -3}", "below the minimum of 0", 19),
    ],
)
def test_a_broken_open_ended_figure_is_an_error_at_its_line_and_column(
    value: str, message: str, column: int
) -> None:
    _, errors = _load(_incident_text(killed=value))
    assert len(errors) == 1, errors
    assert message in errors[0].message
    assert (errors[0].line, errors[0].column) == (8, column)


def test_the_json_schema_accepts_an_open_ended_figure_and_refuses_one_without_low(
    cli_env: dict,
) -> None:
    schema = json.loads(CliRunner().invoke(app, ["schema"], env=cli_env).stdout)
    validator = Draft202012Validator(schema)
    good = yaml.safe_load(_incident_text(killed="{low: 15}"))
    bad = yaml.safe_load(_incident_text(killed="{high: 15}"))
    good["incidents"][0]["date"] = bad["incidents"][0]["date"] = "2018-01-01"
    assert list(validator.iter_errors(good)) == []
    assert list(validator.iter_errors(bad)) != []


def test_a_warm_load_from_the_cache_keeps_the_figure_open_ended(tmp_path: Path) -> None:
    path = _store_file(tmp_path)
    cold = load_store([path], NOW)
    warm = load_store([path], NOW)
    assert [i.attackers_killed for i in warm.incidents] == [Figure(15, None), None]
    assert [i.killed for i in warm.incidents] == [i.killed for i in cold.incidents]


# --- Filters and order -------------------------------------------------------------------


def test_min_killed_and_sort_use_the_low_of_an_open_ended_figure(
    tmp_path: Path, cli_env: dict
) -> None:
    store = _store_file(tmp_path)
    assert "Soldiers ambushed" in _run(cli_env, store, "timeline", "--min-killed", "20")
    assert "Soldiers ambushed" not in _run(cli_env, store, "timeline", "--min-killed", "21")
    ids = _run(cli_env, store, "export", "--format", "jsonl", "--sort", "killed").splitlines()
    assert [json.loads(line)["id"] for line in ids] == [
        "2018-04-14-camp-attack",
        "2018-05-02-ambush",
    ]


# --- Views -------------------------------------------------------------------------------


def test_timeline_shows_an_open_ended_toll_with_a_plus(tmp_path: Path, cli_env: dict) -> None:
    output = _run(cli_env, _store_file(tmp_path), "timeline")
    assert "20+ killed" in output
    assert "16+ wounded" in output


def test_show_says_at_least(tmp_path: Path, cli_env: dict) -> None:
    output = _run(cli_env, _store_file(tmp_path), "show", "2018-04-14-camp-attack")
    assert "at least 15" in output
    assert "at least 16 (best 16)" in output


def test_stats_counts_an_open_ended_figure_as_a_lower_bound(tmp_path: Path, cli_env: dict) -> None:
    output = _run(cli_env, _store_file(tmp_path), "stats", "--by", "year")
    total = next(line for line in output.splitlines() if line.startswith("Total"))
    assert total.split()[1:4] == ["2", "21+", "-"]
    assert "20+" in total  # wounded: 16+ and 4
    assert '"N+" is a lower bound' in output


def test_a_sum_is_open_ended_only_when_one_of_its_terms_is() -> None:
    incidents, _ = _load(STORE.replace("killed: {low: 20}", "killed: 20"))
    stats = compute_stats(incidents, "year")
    assert str(stats.total.killed) == "21-23"
    assert str(stats.total.wounded) == "20+"


def test_stats_without_open_ended_figures_has_no_lower_bound_note(
    tmp_path: Path, cli_env: dict
) -> None:
    text = STORE.replace("killed: {low: 20}", "killed: 20").replace(
        "wounded: {low: 16, best: 16}", "wounded: 16"
    )
    output = _run(cli_env, _store_file(tmp_path, text), "stats")
    assert "lower bound" not in output


# --- Exports -----------------------------------------------------------------------------


def _export(cli_env: dict, tmp_path: Path, fmt: str) -> str:
    return _run(cli_env, _store_file(tmp_path), "export", "--format", fmt)


def test_csv_gives_the_low_an_empty_high_and_names_the_open_ended_figures(
    tmp_path: Path, cli_env: dict
) -> None:
    rows = list(csv.DictReader(io.StringIO(_export(cli_env, tmp_path, "csv"))))
    camp, ambush = rows
    assert (camp["attackers_killed_low"], camp["attackers_killed_high"]) == ("15", "")
    assert camp["open_ended"] == "attackers_killed; wounded"
    assert (ambush["killed_low"], ambush["killed_high"], ambush["open_ended"]) == (
        "20",
        "",
        "killed",
    )


def test_acled_csv_counts_the_low_of_an_open_ended_figure(tmp_path: Path, cli_env: dict) -> None:
    store = _store_file(tmp_path)
    text = _run(cli_env, store, "export", "--format", "csv", "--columns", "acled")
    fatalities = [row["fatalities"] for row in csv.DictReader(io.StringIO(text))]
    assert fatalities == ["16", "20"]  # 1 victim + at least 15 attackers; at least 20


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_json_gives_a_null_high(tmp_path: Path, cli_env: dict, fmt: str) -> None:
    text = _export(cli_env, tmp_path, fmt)
    entries = json.loads(text) if fmt == "json" else [json.loads(x) for x in text.splitlines()]
    assert entries[0]["attackers_killed"] == {"low": 15, "high": None, "best": None}
    assert entries[1]["killed"] == {"low": 20, "high": None, "best": None}


def test_markdown_html_and_timelinejs_show_a_plus(tmp_path: Path, cli_env: dict) -> None:
    assert "20+" in _export(cli_env, tmp_path, "markdown")
    assert "at least 15 attackers" in _export(cli_env, tmp_path, "markdown")
    assert "attackers killed 15+" in _export(cli_env, tmp_path, "html")
    assert "attackers killed: 15+" in _export(cli_env, tmp_path, "timelinejs")


def test_geojson_gives_the_low_a_null_high_and_a_label(tmp_path: Path, cli_env: dict) -> None:
    features = json.loads(_export(cli_env, tmp_path, "geojson"))["features"]
    properties = features[0]["properties"]
    assert properties["attackers_killed_low"] == 15
    assert properties["attackers_killed_high"] is None
    assert properties["attackers_killed_label"] == "15+"


def test_diff_shows_a_figure_that_became_open_ended() -> None:
    old, _ = _load(_incident_text(killed="15"))
    new, _ = _load(_incident_text(killed="{low: 15}"))
    changes = field_changes(old[0], new[0])
    assert [(c.field, c.old, c.new) for c in changes] == [("killed", "15", "15+")]


def test_a_sum_of_figures_is_open_ended_when_a_term_is() -> None:
    assert add_figures([Figure(1, 3), Figure(15, None)]) == Figure(16, None)
    assert add_figures([Figure(1, 3), Figure(2, 2)]) == Figure(3, 5)
    assert add_figures([]) is None


def test_the_html_brief_overview_counts_attackers_killed_as_a_lower_bound(
    tmp_path: Path, cli_env: dict
) -> None:
    html = _export(cli_env, tmp_path, "html")
    assert '<div class="figure"><b>15+</b> attackers killed' in html
