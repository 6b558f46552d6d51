"""The console script: runs the command line, importing only the command being run.

Importing every command module costs more start-up time than a whole `timeline` run
should (the exporters, the ACLED importer, git diffing...), so the entry point looks at
the command name and imports just that module, as Click's lazy subcommand loading does.
Without a known command name (`--help`, a typo) it imports them all, so help and the
"no such command" message list every command.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from sahel_timeline.cli.base import COMMAND_MODULES, app, register_commands

ROOT_FLAGS = {"--no-cache", "--version", "--install-completion", "--show-completion"}


def command_name(arguments: Sequence[str]) -> str | None:
    """The command the arguments name, or None when help or no known command comes first."""
    for argument in arguments:
        if argument in ROOT_FLAGS:
            continue
        return argument if argument in COMMAND_MODULES else None
    return None


def main() -> None:
    from sahel_timeline.cli.view_output import end_quietly_on_closed_pipe

    end_quietly_on_closed_pipe()
    name = command_name(sys.argv[1:])
    register_commands([name] if name else None)
    app()
