"""Shared test fixtures: every test runs in an environment of its own making.

The suite must pass the same way on a developer's terminal, in GitHub Actions, under a
`FORCE_COLOR` shell, with an exported `SAHEL_TIMELINE_STORE` or a global git config that
signs commits: the autouse fixture below removes whatever the runner set that could change
the product's output or git's behaviour, and sets the few values the tests rely on.
"""

from __future__ import annotations

import os
import shutil
import traceback
from collections.abc import Iterator
from typing import Any

import pytest
import typer.rich_utils
from typer.testing import CliRunner

# Plain, narrow, colourless output whatever the terminal or CI the tests run in.
CLI_ENV = {
    "_TYPER_FORCE_DISABLE_TERMINAL": "1",
    "NO_COLOR": "1",
    "COLUMNS": "100",
}
# Set by CI runners, terminals or users; each one can force colour codes, another width,
# another output format, another store or date, or a pager.
CLI_ENV_UNSET = (
    "FORCE_COLOR",
    "PY_COLORS",
    "CLICOLOR",
    "CLICOLOR_FORCE",
    "COLORTERM",
    "TERM",
    "TTY_COMPATIBLE",
    "TTY_INTERACTIVE",
    "LINES",
    "TERMINAL_WIDTH",
    "GITHUB_ACTIONS",
    "CI",
    "PAGER",
    "MANPAGER",
    "SAHEL_TIMELINE_STORE",
    "SAHEL_TIMELINE_NOW",
)
# Variables with these prefixes are the product's own settings, or tell git which
# repository, index or config to use (a test run from a git hook inherits GIT_DIR).
CLEARED_PREFIXES = ("SAHEL_TIMELINE_", "GIT_")


@pytest.fixture(scope="session")
def git_installed() -> None:
    """Skips a test that needs git, saying why, on a machine without it."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed (this test builds a git repository)")


@pytest.fixture(scope="session", autouse=True)
def own_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The runner's environment cannot change what a test sees.

    Set for the whole session (module fixtures build git repositories too); each test's
    own monkeypatching is undone after it, back to this. Typer reads TERMINAL_WIDTH and the
    colour variables once, when `typer.rich_utils` is first imported: its attributes are
    reset here too, so that neither the first test to import it nor the machine's
    environment decides the others' output; the width of help and usage errors then
    follows COLUMNS, as in the product's own output. Git gets an empty global config and no
    system config, so that a user's `commit.gpgsign = true` or hooks path cannot break a
    test's commits.
    """
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith(CLEARED_PREFIXES) or name in CLI_ENV_UNSET:
                patch.delenv(name)
        for name, value in CLI_ENV.items():
            patch.setenv(name, value)
        git_config = tmp_path_factory.mktemp("git-config") / "gitconfig"
        git_config.touch()
        patch.setenv("GIT_CONFIG_GLOBAL", str(git_config))
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        patch.setattr(typer.rich_utils, "MAX_WIDTH", None)
        patch.setattr(typer.rich_utils, "FORCE_TERMINAL", False)
        yield


@pytest.fixture(autouse=True)
def commands_never_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command run through CliRunner fails its test if it ended in an exception.

    CliRunner turns an uncaught exception into exit code 1, the code of a real finding, so
    a test that expects exit 1 would otherwise pass on a traceback: a user never sees one.
    """
    invoke = CliRunner.invoke

    def checked_invoke(self: CliRunner, *args: Any, **kwargs: Any) -> Any:
        result = invoke(self, *args, **kwargs)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            trace = "".join(traceback.format_exception(*result.exc_info)) if result.exc_info else ""
            pytest.fail(f"the command crashed: {result.exception!r}\n{trace}")
        return result

    monkeypatch.setattr(CliRunner, "invoke", checked_invoke)


@pytest.fixture
def cli_env() -> dict[str, str | None]:
    """The CLI test environment for CliRunner's `env=` (where None removes a variable);
    `own_environment` has already set it in os.environ, for subprocesses."""
    return {**CLI_ENV, **dict.fromkeys(CLI_ENV_UNSET)}


@pytest.fixture(autouse=True)
def private_cache_folder(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test gets its own empty cache folder: none ever reads or writes the user's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
