"""The Typer application object and its root options, without any command.

Each command lives in its own module and registers itself on `app` when imported.
`cli/app.py` imports them all (the full application, for tests and `--help`);
`cli/entry.py`, the console script, imports only the command being run.
"""

from __future__ import annotations

import importlib
import inspect

import typer

from sahel_timeline import __version__

app = typer.Typer(
    name="sahel-timeline",
    help="Build and question timelines of jihadist violence in the Sahel.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sahel-timeline {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
    no_cache: bool = typer.Option(
        False,
        "--no-cache",
        help="Read every store file again instead of using the cache (also: "
        "SAHEL_TIMELINE_NO_CACHE=1).",
    ),
) -> None:
    """Build and question timelines of jihadist violence in the Sahel from a curated YAML store."""
    from sahel_timeline.cli.environment import bypass_cache
    from sahel_timeline.store.load import close_stores

    bypass_cache(no_cache)
    ctx.call_on_close(close_stores)


# Command name -> the module that defines it. One place: `app.py` and `entry.py` read it.
COMMAND_MODULES = {
    "timeline": "timeline_command",
    "show": "show_command",
    "stats": "stats_command",
    "groups": "groups_command",
    "export": "export_command",
    "validate": "validate_command",
    "schema": "schema_command",
    "diff": "diff_command",
    "import-acled": "import_command",
    "link": "link_command",
}


def register_commands(names: list[str] | None = None) -> None:
    """Import the modules of the named commands (all when None); each adds itself to `app`.

    A command's help is its docstring with each paragraph on one line, so that `--help`
    wraps it at the terminal's width rather than where the source happens to break it.
    """
    for name in COMMAND_MODULES if names is None else names:
        importlib.import_module(f"sahel_timeline.cli.{COMMAND_MODULES[name]}")
    for command in app.registered_commands:
        if command.help is None and command.callback is not None:
            command.help = reflowed(inspect.getdoc(command.callback) or "")


def reflowed(text: str) -> str:
    """`text` with the line breaks inside each paragraph (blank-line separated) removed."""
    paragraphs = text.split("\n\n")
    return "\n\n".join(" ".join(paragraph.split()) for paragraph in paragraphs)
