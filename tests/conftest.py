"""Shared test fixtures."""

from __future__ import annotations

import pytest
import typer.rich_utils

# Plain, narrow, colourless output whatever the terminal or CI the tests run in.
CLI_ENV = {
    "_TYPER_FORCE_DISABLE_TERMINAL": "1",
    "NO_COLOR": "1",
    "TERMINAL_WIDTH": "100",
    "COLUMNS": "100",
}
# Set by CI runners; each one forces colour codes or another output format.
CLI_ENV_UNSET = ("FORCE_COLOR", "GITHUB_ACTIONS", "SAHEL_TIMELINE_STORE", "SAHEL_TIMELINE_NOW")


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str | None]:
    """The CLI test environment: set in os.environ (for subprocesses) and returned for
    CliRunner's `env=` (where None removes a variable).

    Typer reads TERMINAL_WIDTH and the colour variables once, when `typer.rich_utils` is
    first imported: set here as attributes too (restored afterwards), so that neither the
    first test to import it nor the machine's environment decides the others' help width.
    """
    monkeypatch.setattr(typer.rich_utils, "MAX_WIDTH", int(CLI_ENV["TERMINAL_WIDTH"]))
    monkeypatch.setattr(typer.rich_utils, "FORCE_TERMINAL", False)
    for name, value in CLI_ENV.items():
        monkeypatch.setenv(name, value)
    for name in CLI_ENV_UNSET:
        monkeypatch.delenv(name, raising=False)
    return {**CLI_ENV, **dict.fromkeys(CLI_ENV_UNSET)}


@pytest.fixture(autouse=True)
def private_cache_folder(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test gets its own empty cache folder: none ever reads or writes the user's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    monkeypatch.delenv("SAHEL_TIMELINE_NO_CACHE", raising=False)
