"""`export --format sqlite`: the chosen entries as a database a user opens in Datasette."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

from typer.testing import CliRunner, Result

from sahel_timeline.cli.app import app
from sahel_timeline.store.load import shipped_store_path

CURATED = shipped_store_path()


def run(env: dict[str, str | None], *args: str) -> Result:
    return CliRunner().invoke(app, ["export", "--store", str(CURATED), *args], env=env)


def exported(env: dict[str, str | None], tmp_path: Path, *filters: str) -> sqlite3.Connection:
    target = tmp_path / "entries.sqlite"
    result = run(env, "--format", "sqlite", "-o", str(target), *filters)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    return sqlite3.connect(target)


def test_the_database_holds_the_filtered_entries_in_the_export_order(
    cli_env: dict[str, str | None], tmp_path: Path
) -> None:
    filters = ("--country", "Mali", "--sort", "killed", "--reverse")
    database = exported(cli_env, tmp_path, *filters)
    jsonl = run(cli_env, "--format", "jsonl", *filters)
    expected = [line.split('"id": "', 1)[1].split('"', 1)[0] for line in jsonl.stdout.splitlines()]
    ids = [i for (i,) in database.execute("SELECT id FROM incidents ORDER BY position")]
    assert ids == expected and len(ids) > 3
    assert {country for (country,) in database.execute("SELECT country FROM incidents")} == {"Mali"}


def test_the_csv_view_reads_like_the_csv_export(
    cli_env: dict[str, str | None], tmp_path: Path
) -> None:
    database = exported(cli_env, tmp_path, "--since", "2017")
    text = run(cli_env, "--format", "csv", "--raw", "--since", "2017").stdout
    header, *rows = list(csv.reader(io.StringIO(text, newline="")))
    view = database.execute("SELECT * FROM incidents_csv")
    assert [column[0] for column in view.description] == header
    as_text = [["" if cell is None else str(cell) for cell in row] for row in view]
    assert as_text == rows


def test_tables_have_keys_that_hold(cli_env: dict[str, str | None], tmp_path: Path) -> None:
    database = exported(cli_env, tmp_path)
    database.execute("PRAGMA foreign_keys = ON")
    assert database.execute("PRAGMA foreign_key_check").fetchall() == []
    keys = {
        table: [row[1] for row in database.execute(f"PRAGMA table_info({table})") if row[5]]
        for table in ("incidents", "perpetrators", "sources", "groups")
    }
    assert keys == {
        "incidents": ["id"],
        "perpetrators": ["incident_id", "position"],
        "sources": ["incident_id", "position"],
        "groups": ["id"],
    }
    # Who claimed what, joined as a Datasette user would.
    claimed = database.execute(
        "SELECT DISTINCT g.display_name FROM perpetrators AS p JOIN groups AS g "
        "ON g.id = p.group_id WHERE p.status = 'claimed'"
    ).fetchall()
    assert ("JNIM",) in claimed
    sourced = database.execute(
        "SELECT count(*) FROM incidents AS i WHERE NOT EXISTS "
        "(SELECT 1 FROM sources AS s WHERE s.incident_id = i.id)"
    ).fetchone()
    assert sourced == (0,)  # every curated entry cites a source


def test_a_database_is_never_written_to_stdout(cli_env: dict[str, str | None]) -> None:
    for output in ((), ("-o", "-")):
        result = run(cli_env, "--format", "sqlite", *output)
        assert result.exit_code == 2
        assert "-o FILE" in result.output and "Traceback" not in result.output
