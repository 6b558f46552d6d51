"""The Typer application: commands register themselves on `app` from their own modules."""

from __future__ import annotations

import typer

from sahel_timeline import __version__

app = typer.Typer(
    name="sahel-timeline",
    help="Build and question timelines of jihadist violence in the Sahel.",
    no_args_is_help=True,
    add_completion=False,
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

    bypass_cache(no_cache)


def _register_commands() -> None:
    # Imported for their side effect: each module adds its command to `app`.
    from sahel_timeline.cli import (  # noqa: F401
        diff_command,
        export_command,
        groups_command,
        import_command,
        schema_command,
        show_command,
        stats_command,
        timeline_command,
        validate_command,
    )


_register_commands()


def main() -> None:
    app()
