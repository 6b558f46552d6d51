"""docs/curating-teams.md: its workflow and pre-commit snippets work as written."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from sahel_timeline.cli.app import app

REPO = Path(__file__).resolve().parent.parent
PAGE = REPO / "docs" / "curating-teams.md"
CLI_ENV = {
    "_TYPER_FORCE_DISABLE_TERMINAL": "1",
    "NO_COLOR": "1",
    "SAHEL_TIMELINE_NOW": "2019-01-01",
}


def yaml_blocks() -> list:
    text = PAGE.read_text(encoding="utf-8")
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", text, re.S)]


def workflow_commands() -> list[list[str]]:
    (workflow,) = [block for block in yaml_blocks() if isinstance(block, dict) and "jobs" in block]
    commands = []
    for step in workflow["jobs"]["check"]["steps"]:
        for line in step.get("run", "").splitlines():
            if line.startswith("sahel-timeline "):
                command = line.split(">", 1)[0].replace("$BASE_REF", "main")
                commands.append(shlex.split(command)[1:])
    return commands


def test_the_workflow_runs_validate_and_diff() -> None:
    assert [command[0] for command in workflow_commands()] == ["validate", "diff"]


def test_the_workflow_commands_work_on_a_pull_request_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, git_installed: None
) -> None:
    def git(*arguments: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=C", "-c", "user.email=c@example.org", *arguments],
            cwd=tmp_path, check=True, capture_output=True,
        )  # fmt: skip

    git("init", "-q")
    (tmp_path / "incidents.yaml").write_bytes((REPO / "incidents.yaml").read_bytes())
    git("add", "incidents.yaml")
    git("commit", "-q", "-m", "base")
    git("update-ref", "refs/remotes/origin/main", "HEAD")  # what checkout's fetch provides
    monkeypatch.chdir(tmp_path)
    for command in workflow_commands():
        result = CliRunner().invoke(app, command, env=CLI_ENV)
        assert result.exit_code == 0, (command, result.output)


def test_the_pre_commit_snippet_names_the_hook_this_repository_defines() -> None:
    (config,) = [block for block in yaml_blocks() if isinstance(block, dict) and "repos" in block]
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert config["repos"][0]["hooks"][0]["id"] in {hook["id"] for hook in hooks}
