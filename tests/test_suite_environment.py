"""The suite's own ground rules (conftest.py): a crash never passes, the runner's settings
never leak in."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from sahel_timeline.cli.app import app


def test_a_command_that_crashes_fails_its_test_even_when_exit_1_was_expected() -> None:
    crashing = typer.Typer()

    @crashing.command()
    def boom() -> None:
        raise ValueError("boom")

    with pytest.raises(pytest.fail.Exception, match="the command crashed: ValueError"):
        CliRunner().invoke(crashing, [])


def test_a_command_that_exits_1_on_purpose_does_not_count_as_a_crash(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["validate", str(tmp_path / "missing.yaml")])
    assert result.exit_code == 1
    assert "no such file or folder" in " ".join(result.output.split())


def test_the_runners_settings_are_cleared() -> None:
    for name in ("GITHUB_ACTIONS", "CI", "FORCE_COLOR", "TERM", "PAGER", "SAHEL_TIMELINE_STORE"):
        assert name not in os.environ, name
    assert os.environ["NO_COLOR"] == "1"


def test_git_reads_an_empty_global_config_and_no_system_config(git_installed: None) -> None:
    assert Path(os.environ["GIT_CONFIG_GLOBAL"]).read_bytes() == b""
    assert os.environ["GIT_CONFIG_NOSYSTEM"] == "1"
    listed = subprocess.run(
        ["git", "config", "--global", "--list"], capture_output=True, text=True, check=False
    )
    assert listed.stdout == ""
