"""What each command says on a store with errors and on a bad "now": a located message,
the right exit code, nothing on stdout and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sahel_timeline.cli.app import app

DATA = Path(__file__).resolve().parent / "data"
BROKEN_STORE = DATA / "invalid" / "unknown-group.yaml"  # one error, at 22:16
GOOD_STORE = DATA / "views" / "store.yaml"
QUERY_COMMANDS = {
    "timeline": ["timeline"],
    "stats": ["stats"],
    "export": ["export", "--format", "csv"],
}
STORE_COMMANDS = {
    **QUERY_COMMANDS,
    "show": ["show", "2017-08-13-ouagadougou-aziz-istanbul"],
    "groups": ["groups"],
}


def invoke(args: list[str], store: Path, **env: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--store", str(store)], env=env)
    return result.exit_code, result.stdout, result.stderr


def assert_bad_now_blames(result: tuple[int, str, str], blamed: str, not_blamed: str) -> None:
    """A usage error about the date 'blorp' that names where it came from, once."""
    code, stdout, stderr = result
    message = " ".join(stderr.split())
    assert code == 2
    assert stdout == ""
    assert "could not understand the date 'blorp'" in message
    assert message.count(blamed) == 1, message
    assert not_blamed not in message


@pytest.mark.parametrize("command", sorted(STORE_COMMANDS))
def test_a_store_with_errors_is_refused_naming_file_line_and_column(command: str) -> None:
    code, stdout, stderr = invoke(STORE_COMMANDS[command], BROKEN_STORE, COLUMNS="60")
    assert code == 1
    assert stdout == ""
    lines = stderr.splitlines()
    # The finding on one line, as validate prints it: an editor can jump to it.
    assert f"{BROKEN_STORE}:22:16: error unknown-group: unknown group 'JMIN'" in lines[0]
    assert "the store has 1 error" in stderr
    assert "sahel-timeline validate" in stderr


def test_export_of_a_store_with_errors_writes_no_file(tmp_path: Path) -> None:
    target = tmp_path / "brief.csv"
    code, _, _ = invoke(["export", "--format", "csv", "-o", str(target)], BROKEN_STORE)
    assert code == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", sorted(QUERY_COMMANDS))
def test_a_bad_now_option_is_a_usage_error_naming_the_option_once(command: str) -> None:
    result = invoke([*QUERY_COMMANDS[command], "--now", "blorp"], GOOD_STORE)
    assert_bad_now_blames(result, "--now", not_blamed="SAHEL_TIMELINE_NOW")


@pytest.mark.parametrize("command", sorted(STORE_COMMANDS))
def test_a_bad_now_variable_is_a_usage_error_naming_the_variable_once(command: str) -> None:
    result = invoke(STORE_COMMANDS[command], GOOD_STORE, SAHEL_TIMELINE_NOW="blorp")
    assert_bad_now_blames(result, "SAHEL_TIMELINE_NOW", not_blamed="--now")


def test_validate_with_a_bad_now_variable_names_the_variable_once() -> None:
    result = CliRunner().invoke(app, ["validate", str(GOOD_STORE)], env={"SAHEL_TIMELINE_NOW": "x"})
    message = " ".join(result.stderr.split())
    assert result.exit_code == 2
    assert message.count("SAHEL_TIMELINE_NOW") == 1, message


def test_the_now_option_wins_over_a_bad_variable() -> None:
    code, _, stderr = invoke(
        ["timeline", "--now", "2020-01-01"], GOOD_STORE, SAHEL_TIMELINE_NOW="blorp"
    )
    assert code == 0, stderr
