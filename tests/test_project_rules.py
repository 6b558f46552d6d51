"""The project's own rules: the README's two commands, CI running them, lint."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parent.parent
README = (REPOSITORY / "README.md").read_text(encoding="utf-8")


def _first_code_block_commands() -> list[str]:
    block = re.search(r"^```[^\n]*\n(.*?)^```", README, re.S | re.M)
    assert block, "README.md has no code block"
    lines = [line for line in block.group(1).splitlines() if line.strip()]
    return [line for line in lines if not line.lstrip().startswith("#")]


def test_readme_starts_with_exactly_two_commands_run_and_test() -> None:
    commands = _first_code_block_commands()
    assert len(commands) == 2
    run, test = commands
    assert "sahel-timeline timeline" in run
    assert "pytest" in test


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (REPOSITORY / ".ci" / "run").read_text(encoding="utf-8")
    assert _first_code_block_commands()[1] in ci.splitlines()


def test_every_command_is_documented_in_the_readme() -> None:
    from sahel_timeline.cli.app import app

    names = [command.name or command.callback.__name__ for command in app.registered_commands]
    assert names, "no commands registered"
    for name in names:
        assert f"sahel-timeline {name}" in README, f"`{name}` is not documented in README.md"


@pytest.mark.parametrize("args", [["check"], ["format", "--check"]])
def test_code_is_ruff_clean(args: list[str]) -> None:
    beside_python = Path(sys.executable).with_name("ruff")
    ruff = str(beside_python) if beside_python.exists() else shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed (it comes with the test extra)")
    candidates = ("sahel_timeline", "tests", "bench", "tools")
    folders = [name for name in candidates if (REPOSITORY / name).is_dir()]
    result = subprocess.run(
        [ruff, *args, *folders], cwd=REPOSITORY, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_code_type_checks_with_mypy() -> None:
    mypy_api = pytest.importorskip("mypy.api", reason="mypy comes with the test extra")
    stdout, stderr, status = mypy_api.run(
        ["--config-file", str(REPOSITORY / "pyproject.toml"), str(REPOSITORY / "sahel_timeline")]
    )
    assert status == 0, stdout + stderr
