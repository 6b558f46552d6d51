"""Where a view's output goes: straight to stdout, or through a pager as git does.

- On a terminal, the views (timeline, show, stats, groups) write through a pager:
  $SAHEL_TIMELINE_PAGER, else $PAGER, else `less -R`. `less` gets LESS=FRX when LESS is
  unset, so output that fits on one screen is printed and the pager quits at once.
- `--no-pager`, SAHEL_TIMELINE_NO_PAGER=1, or a pager set to "" or `cat` write directly.
- Never when stdout is a pipe or a file.
- A pipe closed early (`timeline | head -3`) ends the command as Unix tools end: killed by
  SIGPIPE (the shell reports status 141), quietly. Quitting the pager early ends it with 0.
- Lines are wrapped at the terminal's width on a terminal (or at $COLUMNS when set); in a
  pipe or a file each body line stays whole, whatever its length.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, TextIO

import typer
from rich.console import Console

PAGER_VARIABLE = "SAHEL_TIMELINE_PAGER"
NO_PAGER_VARIABLE = "SAHEL_TIMELINE_NO_PAGER"
DEFAULT_PAGER = "less -R"
# What git gives less: quit if one screen (F), pass colours (R), keep the screen (X).
DEFAULT_LESS_OPTIONS = "FRX"

NoPagerOption = Annotated[
    bool,
    typer.Option(
        "--no-pager",
        help="Write straight to the terminal instead of through $PAGER "
        f"(also: {NO_PAGER_VARIABLE}=1).",
    ),
]


class OutputClosedError(Exception):
    """The reader of the output (a pager the user quit) went away."""


class ViewConsole(Console):
    """A console whose closed output ends the view instead of exiting with status 1."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise OutputClosedError


@dataclass(frozen=True)
class ViewOutput:
    """The console a view writes to, and whether its lines should wrap at its width."""

    console: Console
    wrap: bool


def pager_command(environ: Mapping[str, str]) -> str | None:
    """The pager the environment asks for, or None for none (the variable is "" or `cat`)."""
    if environ.get(NO_PAGER_VARIABLE, "").strip() not in ("", "0"):
        return None
    for name in (PAGER_VARIABLE, "PAGER"):
        if name in environ:
            command = environ[name].strip()
            return None if command in ("", "cat") else command
    return DEFAULT_PAGER


def pager_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The pager's environment: LESS=FRX unless the user set LESS (as git does)."""
    env = dict(environ)
    env.setdefault("LESS", DEFAULT_LESS_OPTIONS)
    env.setdefault("LV", "-c")
    return env


@contextmanager
def view_output(no_pager: bool, environ: Mapping[str, str]) -> Iterator[ViewOutput]:
    """The console for a view: the pager's input on a terminal (unless turned off), else
    stdout. A pager the user quits early ends the command with status 0, quietly."""
    stdout = sys.stdout
    command = None if no_pager or not _is_terminal(stdout) else pager_command(environ)
    if command is not None and not _runnable(command):
        if command != DEFAULT_PAGER:  # without less, the default quietly writes directly
            print(f"Warning: pager {command!r} not found; writing directly.", file=sys.stderr)
        command = None
    if command is None:
        console = _view_console(stdout)
        try:
            yield ViewOutput(console, wrap=console.is_terminal or "COLUMNS" in environ)
        except (OutputClosedError, BrokenPipeError):
            _end_as_sigpipe()
        return
    import subprocess  # here: most runs never start a pager

    width = shutil.get_terminal_size().columns
    pager = subprocess.Popen(
        command, shell=True, stdin=subprocess.PIPE, env=pager_environment(environ)
    )
    assert pager.stdin is not None
    text = io.TextIOWrapper(pager.stdin, encoding="utf-8", errors="replace", line_buffering=False)
    console = _view_console(text, force_terminal=True, width=width)
    previous = _ignore_sigpipe()
    try:
        yield ViewOutput(console, wrap=True)
        text.close()
    except (OutputClosedError, BrokenPipeError):
        pass
    finally:
        _close_quietly(text)
        pager.wait()
        _restore_sigpipe(previous)


def end_quietly_on_closed_pipe() -> None:
    """Let a write to a closed pipe end the process as it ends `cat` or `git log`: killed by
    SIGPIPE, status 141 in the shell, no message. Python's default (an exception, then exit
    status 1 and "Exception ignored" on stderr) reads as an error in a pipeline."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)


def _view_console(
    file: TextIO, *, force_terminal: bool | None = None, width: int | None = None
) -> ViewConsole:
    return ViewConsole(
        file=file,
        force_terminal=force_terminal,
        width=width,
        highlight=False,
        emoji=False,
        markup=False,
    )


def _is_terminal(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _runnable(command: str) -> bool:
    import shlex

    try:
        words = shlex.split(command)
    except ValueError:
        return False
    return bool(words) and shutil.which(words[0]) is not None


def _ignore_sigpipe() -> object:
    """While writing to the pager, a quit pager raises BrokenPipeError instead of killing us."""
    if not hasattr(signal, "SIGPIPE"):
        return None
    return signal.signal(signal.SIGPIPE, signal.SIG_IGN)


def _restore_sigpipe(previous: object) -> None:
    if previous is not None and hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, previous)  # type: ignore[arg-type]


def _close_quietly(stream: io.TextIOWrapper) -> None:
    # The pager may be gone: what was buffered for it has nowhere to go.
    with contextlib.suppress(OSError, ValueError):
        stream.close()


def _end_as_sigpipe() -> None:
    """The reader of stdout went away: end as SIGPIPE ends a Unix tool (status 141)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # nothing left to flush at exit, no message
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGPIPE)
    raise typer.Exit(0)  # where there is no SIGPIPE (Windows)
