"""`export --format csv --columns acled`: the codes an ACLED user reads in each row.

ACLED's time_precision is 1 for the actual day, 2 within a week (the week's midpoint as the
date), 3 within a month; a "Battles" event needs two armed sides.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sahel_timeline.cli.app import app

HEADER = """\
schema_version: 1
groups:
  - {id: jnim, name: "Jama'at Nusrat al-Islam wal-Muslimin", short: JNIM}
incidents:
"""


def entry(id: str, date: str, *, end_date: str = "", tactics: str = "[]", targets: str = "[]"):
    end = f'    end_date: "{end_date}"\n' if end_date else ""
    return (
        f'  - id: {id}\n    title: Synthetic {id}\n    date: "{date}"\n{end}'
        f"    location: {{country: Mali, place: Gao}}\n"
        f"    tactics: {tactics}\n    targets: {targets}\n"
        f"    perpetrators: [{{group: jnim, status: suspected}}]\n"
        f"    summary: Synthetic.\n    sources: [{{title: Synthetic source}}]\n"
    )


def acled_rows(tmp_path: Path, *entries: str) -> dict[str, dict[str, str]]:
    store = tmp_path / "incidents.yaml"
    store.write_text(HEADER + "".join(entries), encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["export", "--store", str(store), "--format", "csv", "--columns", "acled", "--now",
         "2020-01-01"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.exception is None
    return {row["event_id_cnty"]: row for row in csv.DictReader(io.StringIO(result.stdout))}


@pytest.mark.parametrize(
    ("date", "end_date", "event_date", "precision"),
    [
        ("2018-03-02", "", "2018-03-02", "1"),
        ("2018-03-01", "2018-03-02", "2018-03-01", "2"),
        ("2018-03-01", "2018-03-07", "2018-03-04", "2"),  # seven days: still within a week
        ("2018-03-01", "2018-03-08", "2018-03-04", "3"),  # eight days: longer than a week
        ("2018-03", "", "2018-03-16", "3"),
    ],
)
def test_time_precision_is_the_day_a_week_or_longer_with_the_midpoint_as_date(
    tmp_path: Path, date: str, end_date: str, event_date: str, precision: str
) -> None:
    row = acled_rows(tmp_path, entry("span", date, end_date=end_date))["span"]
    assert (row["event_date"], row["time_precision"]) == (event_date, precision)


@pytest.mark.parametrize(
    ("targets", "event_type", "sub_event_type"),
    [
        ("[]", "Battles", "Armed clash"),  # nothing says who was attacked: not civilians
        ("[military]", "Battles", "Armed clash"),
        ("[civilians]", "Violence against civilians", "Attack"),
        ("[civilians, military]", "Battles", "Armed clash"),
    ],
)
def test_an_armed_clash_is_violence_against_civilians_only_when_all_targets_are_civilian(
    tmp_path: Path, targets: str, event_type: str, sub_event_type: str
) -> None:
    row = acled_rows(
        tmp_path, entry("clash", "2018-03-02", tactics="[armed-assault]", targets=targets)
    )["clash"]
    assert (row["event_type"], row["sub_event_type"]) == (event_type, sub_event_type)
