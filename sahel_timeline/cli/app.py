"""The full command line: the Typer `app` with every command registered."""

from __future__ import annotations

from sahel_timeline.cli.base import COMMAND_MODULES, app, register_commands

register_commands()

__all__ = ["COMMAND_MODULES", "app", "main"]


def main() -> None:
    app()
