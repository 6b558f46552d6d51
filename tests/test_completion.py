"""Shell completion: commands, options, group names and entry ids, through the protocol the
shells use (environment variables read by the installed command), and the help text."""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from sahel_timeline.cli.app import app
from sahel_timeline.cli.base import COMMAND_MODULES
from sahel_timeline.cli.completion import complete_entry_id, complete_group

DATA = Path(__file__).resolve().parent / "data"
VIEWS_STORE = DATA / "views" / "store.yaml"
SCRIPT = Path(sys.executable).parent / "sahel-timeline"

pytestmark = pytest.mark.skipif(not SCRIPT.exists(), reason="the console script is not installed")


def complete(shell: str, words: str, tmp_path: Path, **extra: str) -> list[str]:
    """What the installed command answers a shell asking to complete `words`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SAHEL_")}
    env.update(
        {
            "_SAHEL_TIMELINE_COMPLETE": f"complete_{shell}",
            "XDG_CACHE_HOME": str(tmp_path / "cache"),
        },
        **extra,
    )
    if shell == "bash":
        env["COMP_WORDS"] = words
        env["COMP_CWORD"] = str(len(words.split()) - (0 if words.endswith(" ") else 1))
    else:
        env["_TYPER_COMPLETE_ARGS"] = words
    done = subprocess.run([str(SCRIPT)], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return [line for line in done.stdout.splitlines() if line]


def test_commands_complete(tmp_path: Path) -> None:
    assert complete("bash", "sahel-timeline ti", tmp_path) == ["timeline"]
    assert set(complete("bash", "sahel-timeline ", tmp_path)) >= set(COMMAND_MODULES)


def test_options_complete_with_their_help_in_zsh(tmp_path: Path) -> None:
    answer = "\n".join(complete("zsh", "sahel-timeline timeline --gr", tmp_path))
    assert '"--group-by":"Put entries under headings' in answer
    assert '"--group":"Keep entries by this group' in answer
    assert "--around" in complete("bash", "sahel-timeline stats --ar", tmp_path)


def test_group_names_complete_from_the_store_given_before(tmp_path: Path) -> None:
    words = f"sahel-timeline timeline --store {VIEWS_STORE} --group "
    names = complete("bash", words, tmp_path)
    assert {"JNIM", "ISGS", "katiba-macina"} <= set(names)
    assert complete("bash", words + "katiba", tmp_path) == ["katiba-macina"]


def test_entry_ids_complete_for_show(tmp_path: Path) -> None:
    words = f"sahel-timeline show --store {VIEWS_STORE} 2018-0"
    assert complete("bash", words, tmp_path) == [
        "2018-03-30-burkina-span",
        "2018-06-15-mali-two-groups",
        "2018-07-29-election",
    ]
    # A store that cannot be read completes nothing, silently.
    assert complete("bash", "sahel-timeline show --store /no/such/store x", tmp_path) == []


def test_completion_callbacks_read_the_store_named_by_store(tmp_path: Path) -> None:
    command = typer.main.get_command(app)
    context = typer.Context(command, info_name="sahel-timeline")
    context.params = {"store": str(VIEWS_STORE)}
    assert complete_entry_id(context, "2017-08") == ["2017-08-mali-ambush"]
    assert complete_entry_id(context, "ambush") == ["2017-08-mali-ambush"]  # contains
    assert ("JNIM", "Jama'at Nusrat al-Islam wal-Muslimin") in complete_group(context, "jn")


def test_the_script_for_a_shell_is_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    # `--show-completion` names the shell it finds among the command's parents, which
    # depends on what runs the tests (bash here, sh under some CI runners): Typer's switch
    # for tests makes the option take the shell's name instead.
    monkeypatch.setenv("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", "1")
    result = CliRunner().invoke(app, ["--show-completion", "bash"])
    assert result.exit_code == 0
    assert "_SAHEL_TIMELINE_COMPLETE=complete_bash" in result.output


@pytest.mark.parametrize("name", sorted(COMMAND_MODULES))
def test_help_paragraphs_are_reflowed_not_broken_where_the_source_breaks(name: str) -> None:
    """Each paragraph of a command's docstring reads as one line on a wide terminal."""
    command = typer.main.get_command(app).commands[name]  # type: ignore[attr-defined]
    env = {"TERMINAL_WIDTH": "400", "COLUMNS": "400", "_TYPER_FORCE_DISABLE_TERMINAL": "1"}
    result = CliRunner().invoke(app, [name, "--help"], env=env)
    lines = [" ".join(line.strip(" │").split()) for line in result.output.splitlines()]
    for paragraph in inspect.cleandoc(command.help or "").split("\n\n"):
        words = " ".join(paragraph.split())
        words = re.sub(r"\[(.+?)\]", r"\1", words)  # Rich markup, if any
        assert any(words in line for line in lines), (words, result.output)
