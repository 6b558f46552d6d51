"""Golden files: every view, at 80 and 120 columns, on the curated store and a fixture store.

Regenerate them after an intended change (see golden_files.py), then review the diff.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from golden_files import GoldenFiles
from typer.testing import CliRunner

from sahel_timeline.cli.app import app

REPOSITORY = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
GOLDEN = DATA / "golden" / "views"
URL_LINE = re.compile(r"^ *https?://\S+$")

STORES = {
    "curated": (REPOSITORY / "incidents.yaml", "2018-03-02-ouagadougou-embassy-army-hq"),
    "fixture": (DATA / "views" / "store.yaml", "2017-08-mali-ambush"),
}
VIEWS = {
    "timeline": ["timeline"],
    "timeline-year": ["timeline", "--group-by", "year"],
    "timeline-month": ["timeline", "--group-by", "month"],
    "timeline-country": ["timeline", "--group-by", "country"],
    # Spans that began earlier (Barkhane; the fixture's March-April span) open the period.
    "timeline-ongoing": [
        "timeline",
        "--since",
        "2018-04",
        "--until",
        "2018-08",
        "--group-by",
        "month",
        "--no-pager",
    ],
    "timeline-around": ["timeline", "--around", "2018-07-29", "--window", "2w"],
    "show": ["show", "{incident}"],
    "stats-year": ["stats", "--by", "year"],
    "stats-month": ["stats", "--by", "month"],
    "stats-group": ["stats", "--by", "group"],
    "stats-tactic": ["stats", "--by", "tactic"],
    "groups": ["groups"],
}
WIDTHS = (80, 120)
CASES = [
    pytest.param(store, view, width, id=f"{store}-{view}-{width}")
    for store in STORES
    for view in VIEWS
    for width in WIDTHS
]


@pytest.mark.parametrize(("store", "view", "width"), CASES)
def test_view_matches_its_golden_file(store: str, view: str, width: int) -> None:
    path, incident = STORES[store]
    args = [arg.format(incident=incident) for arg in VIEWS[view]]
    env = {
        "_TYPER_FORCE_DISABLE_TERMINAL": "1",
        "NO_COLOR": "1",
        "COLUMNS": str(width),
        "TERMINAL_WIDTH": str(width),
        "SAHEL_TIMELINE_NOW": "2026-11-21",
        "FORCE_COLOR": None,
        "GITHUB_ACTIONS": None,
        "SAHEL_TIMELINE_STORE": None,
    }
    result = CliRunner().invoke(app, [*args, "--store", str(path)], env=env)
    assert result.exit_code == 0, result.output
    # Only a URL, never cut in two, may run past the width.
    lines = [line for line in result.stdout.splitlines() if not URL_LINE.match(line)]
    assert max(len(line) for line in lines) <= width
    GoldenFiles().check(GOLDEN / f"{store}-{view}-{width}.txt", result.stdout_bytes)
