"""The console script imports only the command being run, and still knows every command."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from sahel_timeline.cli.entry import command_name


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["timeline", "--group", "JNIM"], "timeline"),
        (["--no-cache", "export", "--format", "csv"], "export"),
        (["import-acled", "x.csv", "--into", "y.yaml"], "import-acled"),
        (["--help"], None),
        (["timelines"], None),
        ([], None),
    ],
)
def test_command_name_is_read_past_the_root_flags(
    arguments: list[str], expected: str | None
) -> None:
    assert command_name(arguments) == expected


def _run_entry(arguments: list[str]) -> subprocess.CompletedProcess[str]:
    program = textwrap.dedent(
        f"""
        import sys
        sys.argv = ["sahel-timeline", *{arguments!r}]
        from sahel_timeline.cli.entry import main
        try:
            main()
        except SystemExit:
            pass
        loaded = sorted(m for m in sys.modules if m.startswith("sahel_timeline."))
        print("LOADED", " ".join(loaded), file=sys.stderr)
        """
    )
    env = dict(os.environ, NO_COLOR="1", COLUMNS="100", _TYPER_FORCE_DISABLE_TERMINAL="1")
    return subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, env=env, check=False
    )


def test_timeline_does_not_import_the_importer_the_exporters_or_git_diffing() -> None:
    result = _run_entry(["timeline"])
    assert "Aziz Istanbul" in result.stdout
    loaded = result.stderr.split("LOADED", 1)[1].split()
    assert "sahel_timeline.cli.timeline_command" in loaded
    for heavy in (
        "sahel_timeline.importers.acled",
        "sahel_timeline.reports.diff",
        "sahel_timeline.export",
    ):
        assert heavy not in loaded


def test_help_still_lists_every_command() -> None:
    result = _run_entry(["--help"])
    for name in ("timeline", "show", "stats", "groups", "export", "validate", "schema", "diff"):
        assert name in result.stdout
    assert "import-acled" in result.stdout
