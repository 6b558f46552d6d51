"""The shared filter and sort options, on a throwaway Typer command (not the real ones)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from sahel_timeline.cli.query_options import QueryRequest, query_options
from sahel_timeline.model import Group
from sahel_timeline.registry import GroupRegistry

REPO = Path(__file__).resolve().parent.parent
REGISTRY = GroupRegistry(
    [
        Group("al-qaeda", "Al-Qaeda"),
        Group("jnim", "Jama'at Nusrat al-Islam wal-Muslimin", short="JNIM", aliases=("GSIM",)),
    ]
)
# Plain, stable help and errors whatever the machine running the tests.
ENV = {
    "_TYPER_FORCE_DISABLE_TERMINAL": "1",
    "TERMINAL_WIDTH": "120",
    "COLUMNS": "120",
    "NO_COLOR": "1",
    "FORCE_COLOR": None,
    "GITHUB_ACTIONS": None,
    "SAHEL_TIMELINE_NOW": None,
}

app = typer.Typer(rich_markup_mode="rich", add_completion=False)


@app.command()
@query_options
def probe(
    label: str = typer.Argument("all"),
    by: str = typer.Option("year", "--by", help="The command's own option."),
    *,
    query_request: QueryRequest,
) -> None:
    """Print the query the options ask for, as JSON."""
    query = query_request.build(REGISTRY, os.environ)
    flt = query.filter
    typer.echo(
        json.dumps(
            {
                "label": label,
                "by": by,
                "since": str(flt.since),
                "until": str(flt.until),
                "countries": flt.countries,
                "groups": flt.groups,
                "statuses": flt.statuses,
                "tactics": flt.tactics,
                "targets": flt.targets,
                "tags": flt.tags,
                "kinds": flt.kinds,
                "text": flt.text,
                "min_killed": flt.min_killed,
                "sort": query.sort,
                "reverse": query.reverse,
                "limit": query.limit,
                "now": str(query.now),
            }
        )
    )


def invoke(*args: str, env: dict[str, str | None] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={**ENV, **(env or {})})
    return result.exit_code, result.output


def run(*args: str, env: dict[str, str | None] | None = None) -> dict[str, object]:
    code, output = invoke(*args, env=env)
    assert code == 0, output
    return json.loads(output)  # type: ignore[no-any-return]


def test_without_options_the_query_keeps_everything_in_date_order() -> None:
    got = run("--now", "2018-07-15")
    assert got["since"] == "None" and got["until"] == "None"
    assert got["countries"] == [] and got["groups"] == [] and got["text"] is None
    assert (got["sort"], got["reverse"], got["limit"]) == ("date", False, None)


def test_every_option_reaches_the_query() -> None:
    got = run(
        "--since", "March 2018",
        "--until", "2018",
        "--now", "2018-07-15",
        "--country", "mali", "--country", "BF",
        "--group", "gsim",
        "--status", "CLAIMED", "--status", "unknown",
        "--tactic", "ambush", "--tactic", "raid",
        "--target", "military",
        "--tag", "Convoy",
        "--kind", "incident",
        "--text", "french embassy",
        "--min-killed", "5",
        "--sort", "killed",
        "--reverse",
        "--limit", "3",
    )  # fmt: skip
    assert got == {
        "label": "all",
        "by": "year",
        "since": "2018-03-01",
        "until": "2018-12-31",
        "countries": ["MLI", "BFA"],
        "groups": ["gsim"],
        "statuses": ["claimed", "unknown"],
        "tactics": ["ambush", "raid"],
        "targets": ["military"],
        "tags": ["convoy"],
        "kinds": ["incident"],
        "text": "french embassy",
        "min_killed": 5,
        "sort": "killed",
        "reverse": True,
        "limit": 3,
        "now": "2018-07-15",
    }


def test_the_commands_own_arguments_and_options_still_work() -> None:
    got = run("mali-only", "--by", "month", "--country", "Mali", "--now", "2018-07-15")
    assert (got["label"], got["by"], got["countries"]) == ("mali-only", "month", ["MLI"])


def test_relative_dates_use_the_now_option() -> None:
    got = run("--since", "last year", "--until", "6 months ago", "--now", "2019-07-15")
    assert (got["since"], got["until"]) == ("2018-01-01", "2019-01-15")


def test_relative_dates_use_the_now_environment_variable() -> None:
    got = run("--since", "yesterday", env={"SAHEL_TIMELINE_NOW": "2018-07-15"})
    assert (got["since"], got["now"]) == ("2018-07-14", "2018-07-15")


def test_without_any_now_relative_dates_use_today() -> None:
    assert run("--since", "today")["since"] == dt.date.today().isoformat()


@pytest.mark.parametrize(
    ("args", "option", "quoted"),
    [
        (("--since", "blorp"), "--since", "'blorp'"),
        (("--until", "12"), "--until", "'12'"),
        (("--until", "2018-13"), "--until", "'2018-13'"),
        (("--now", "tomorrow"), "--now", "'tomorrow'"),
        (("--group", "JMIN"), "--group", "'JMIN'"),
        (("--country", "Atlantis"), "--country", "'Atlantis'"),
        (("--tactic", "ambsuh"), "--tactic", "'ambsuh'"),
        (("--target", "tourists"), "--target", "'tourists'"),
    ],
)
def test_a_bad_value_is_a_usage_error_naming_the_option_and_the_value(
    args: tuple[str, ...], option: str, quoted: str
) -> None:
    code, output = invoke(*args)
    assert code == 2
    assert f"Invalid value for '{option}'" in output
    assert quoted in output
    assert "Traceback" not in output


def test_an_unknown_group_suggests_the_close_name() -> None:
    code, output = invoke("--group", "JMIN")
    assert code == 2
    assert "did you mean JNIM?" in output


def test_a_bad_now_in_the_environment_is_a_usage_error_naming_the_variable() -> None:
    code, output = invoke("--since", "2018", env={"SAHEL_TIMELINE_NOW": "soon"})
    assert code == 2
    assert "SAHEL_TIMELINE_NOW" in output and "'soon'" in output


def test_an_empty_date_window_is_a_usage_error() -> None:
    code, output = invoke("--since", "2019", "--until", "2018")
    assert code == 2
    assert "Invalid value for '--since'" in output


@pytest.mark.parametrize(
    "args",
    [
        ("--sort", "deaths"),
        ("--status", "probable"),
        ("--kind", "event"),
        ("--limit", "0"),
        ("--min-killed", "-1"),
        ("--limit", "many"),
    ],
)
def test_values_outside_their_choices_or_range_are_usage_errors(args: tuple[str, ...]) -> None:
    code, output = invoke(*args)
    assert code == 2
    assert f"Invalid value for '{args[0]}'" in output


def test_help_lists_every_shared_option_with_its_sentence() -> None:
    code, output = invoke("--help")
    assert code == 0
    for option, words in [
        ("--since", "on or after"),
        ("--until", "on or before"),
        ("--country", "ISO code"),
        ("--group", "affiliates"),
        ("--status", "claimed, attributed, suspected or unknown"),
        ("--tactic", "tactic"),
        ("--target", "target"),
        ("--tag", "tag"),
        ("--kind", "incident or milestone"),
        ("--text", "every word (any order"),
        ("--min-killed", "high figure"),
        ("--limit", "at most N"),
        ("--sort", "date, killed, country or id"),
        ("--reverse", "Reverse"),
        ("--now", "ISO date"),
        ("--by", "own option"),
    ]:
        assert option in output, option
        assert words in output, (option, words)


def test_a_command_without_query_request_is_refused_when_decorated() -> None:
    def lonely(label: str) -> None:
        pass

    with pytest.raises(TypeError, match="query_request"):
        query_options(lonely)


def test_decorating_keeps_the_command_name_and_docstring() -> None:
    assert probe.__name__ == "probe"
    assert probe.__doc__ == "Print the query the options ask for, as JSON."


def test_importing_the_options_does_not_import_dateparser() -> None:
    code = (
        "import sys\n"
        "import sahel_timeline.cli.query_options\n"
        "assert 'dateparser' not in sys.modules\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
