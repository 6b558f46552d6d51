"""Where the views write: a pager on a terminal, whole lines in a pipe, a quiet end when the
reader of a pipe goes away, links on a terminal.

The terminal is a real pseudo-terminal (the `pty` module) and the pager a small script that
records what it was given, so these run the installed command line as a user would.
"""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parent.parent
CURATED_STORE = REPOSITORY / "incidents.yaml"
sys.path.insert(0, str(REPOSITORY / "bench"))

from generate_store import generate  # noqa: E402

pytestmark = pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a POSIX terminal")

LONG_TITLE = (
    "Armed men attack the campaign team of presidential candidate Aliou Boubacar Diallo near Nara"
)
LONG_URL = (
    "https://www.timesofisrael.com/dozens-killed-in-jihadist-attacks-on-burkina-faso-capital/"
)


@pytest.fixture(scope="module")
def big_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store whose timeline is far longer than a pipe's buffer and a screen."""
    path = tmp_path_factory.mktemp("big") / "store.yaml"
    generate(600, path)
    return path


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SAHEL_TIMELINE_", "PAGER", "LESS", "COLUMNS", "LINES"))
        and key not in ("NO_COLOR", "FORCE_COLOR", "_TYPER_FORCE_DISABLE_TERMINAL")
    }
    env.update({"SAHEL_TIMELINE_NOW": "2026-11-21", "TERM": "xterm-256color"}, **extra)
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    return env


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "sahel_timeline", *args]


def fake_pager(tmp_path: Path) -> tuple[str, Path]:
    """A pager that saves what it reads and the LESS it was given."""
    saved = tmp_path / "paged.txt"
    script = tmp_path / "fake-pager"
    script.write_text(f'#!/bin/sh\necho "LESS=$LESS" > "{saved}.env"\ncat > "{saved}"\n')
    script.chmod(0o755)
    return str(script), saved


def run_in_terminal(args: list[str], env: dict[str, str], columns: int = 100) -> tuple[int, str]:
    """Run with stdout and stderr on a pseudo-terminal of `columns` columns."""
    leader, follower = pty.openpty()
    import fcntl
    import struct
    import termios

    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    process = subprocess.Popen(
        args, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower, env=env
    )
    os.close(follower)
    chunks = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.5)
        if ready:
            try:
                data = os.read(leader, 65536)
            except OSError:  # the terminal closed: the process is done
                break
            if not data:
                break
            chunks.append(data)
        elif process.poll() is not None:
            break
    os.close(leader)
    code = process.wait(timeout=30)
    return code, b"".join(chunks).decode("utf-8", "replace")


# --- pager ------------------------------------------------------------------------------------


def test_on_a_terminal_the_timeline_goes_through_the_pager_with_less_options(
    tmp_path: Path,
) -> None:
    pager, saved = fake_pager(tmp_path)
    env = environment(tmp_path, SAHEL_TIMELINE_PAGER=pager)
    code, screen = run_in_terminal(command("timeline", "--store", str(CURATED_STORE)), env)
    assert code == 0, screen
    paged = saved.read_text(encoding="utf-8")
    assert "Operation Barkhane" in paged and "Operation Barkhane" not in screen
    assert "\x1b[" in paged  # colours, as on the terminal, for `less -R`
    assert Path(f"{saved}.env").read_text().strip() == "LESS=FRX"


def test_pager_falls_back_to_pager_variable_and_keeps_a_users_less(tmp_path: Path) -> None:
    pager, saved = fake_pager(tmp_path)
    env = environment(tmp_path, PAGER=pager, LESS="-S")
    code, _ = run_in_terminal(command("groups", "--store", str(CURATED_STORE)), env)
    assert code == 0
    assert "JNIM" in saved.read_text(encoding="utf-8")
    assert Path(f"{saved}.env").read_text().strip() == "LESS=-S"


@pytest.mark.parametrize(
    ("args", "extra"),
    [
        (["--no-pager"], {}),
        ([], {"SAHEL_TIMELINE_NO_PAGER": "1"}),
        ([], {"SAHEL_TIMELINE_PAGER": "cat", "PAGER": "never-run-this"}),
    ],
)
def test_the_pager_can_be_turned_off(
    tmp_path: Path, args: list[str], extra: dict[str, str]
) -> None:
    pager, saved = fake_pager(tmp_path)
    env = {"SAHEL_TIMELINE_PAGER": pager, **extra}
    code, screen = run_in_terminal(
        command("timeline", "--store", str(CURATED_STORE), *args), environment(tmp_path, **env)
    )
    assert code == 0, screen
    assert not saved.exists()
    assert "Operation Barkhane" in screen


def test_a_pipe_never_gets_the_pager(tmp_path: Path) -> None:
    pager, saved = fake_pager(tmp_path)
    done = subprocess.run(
        command("timeline", "--store", str(CURATED_STORE)),
        capture_output=True,
        env=environment(tmp_path, SAHEL_TIMELINE_PAGER=pager),
        timeout=60,
    )
    assert done.returncode == 0
    assert not saved.exists()
    assert b"Operation Barkhane" in done.stdout
    assert b"\x1b[" not in done.stdout


def test_a_pager_that_cannot_be_found_is_reported_and_nothing_is_lost(tmp_path: Path) -> None:
    env = environment(tmp_path, SAHEL_TIMELINE_PAGER="no-such-pager-anywhere -R")
    code, screen = run_in_terminal(command("timeline", "--store", str(CURATED_STORE)), env)
    assert code == 0
    assert "no-such-pager-anywhere" in screen and "Operation Barkhane" in screen


def test_quitting_the_pager_early_ends_quietly_with_status_0(
    tmp_path: Path, big_store: Path
) -> None:
    quitter = tmp_path / "quitter"
    quitter.write_text("#!/bin/sh\nhead -c 200 > /dev/null\n")
    quitter.chmod(0o755)
    env = environment(tmp_path, SAHEL_TIMELINE_PAGER=str(quitter))
    code, screen = run_in_terminal(command("timeline", "--store", str(big_store)), env)
    assert code == 0, screen
    assert "Traceback" not in screen and "Exception" not in screen and "Error" not in screen


# --- pipes ------------------------------------------------------------------------------------


def test_timeline_into_head_ends_as_unix_tools_do(tmp_path: Path, big_store: Path) -> None:
    env = environment(tmp_path)
    subprocess.run(command("validate", str(big_store)), env=env, capture_output=True)  # cache
    process = subprocess.Popen(
        command("timeline", "--store", str(big_store)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert process.stdout is not None and process.stderr is not None
    first = [process.stdout.readline() for _ in range(3)]
    process.stdout.close()  # what `head -3` does after three lines
    stderr = process.stderr.read()
    code = process.wait(timeout=60)
    assert all(first)
    assert code == -signal.SIGPIPE  # the shell reports 141
    assert stderr == b""


def test_a_pipe_gets_whole_lines_and_a_terminal_wraps(tmp_path: Path) -> None:
    args = command("timeline", "--store", str(CURATED_STORE))
    piped = subprocess.run(args, capture_output=True, env=environment(tmp_path), timeout=60)
    lines = piped.stdout.decode("utf-8").splitlines()
    assert any(line.endswith(f"• {LONG_TITLE}") for line in lines)
    env = environment(tmp_path, SAHEL_TIMELINE_NO_PAGER="1", NO_COLOR="1")
    _, screen = run_in_terminal(args, env, columns=80)
    assert LONG_TITLE not in screen
    assert "presidential candidate" in screen


def test_show_never_cuts_a_url_and_links_it_on_a_terminal(tmp_path: Path) -> None:
    args = command("show", "2018-03-02-ouagadougou-embassy-army-hq", "--store", str(CURATED_STORE))
    piped = subprocess.run(args, capture_output=True, env=environment(tmp_path), timeout=60)
    assert f"      {LONG_URL}\n" in piped.stdout.decode("utf-8")
    assert b"\x1b]8;" not in piped.stdout
    _, screen = run_in_terminal(args, environment(tmp_path, SAHEL_TIMELINE_NO_PAGER="1"), 80)
    assert "\x1b]8;id=" in screen and f";{LONG_URL}\x1b\\" in screen  # OSC 8 hyperlink
    assert LONG_URL in screen.replace("\r\n", "\n")


def test_the_timeline_writes_its_first_entries_before_it_has_read_the_last(
    tmp_path: Path, big_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first screen of a long timeline does not wait for the whole result: entries are
    fetched from the store's database and built as they are written."""
    import datetime as dt
    import io

    from rich.console import Console

    import sahel_timeline.store.load as store_module
    from sahel_timeline.engine.query import Query
    from sahel_timeline.render.timeline_view import TimelineFooter, render_timeline
    from sahel_timeline.store.load import load_store

    store = load_store([big_store], dt.date(2026, 11, 21))
    built: list[str] = []
    real = store_module.decode_incident
    monkeypatch.setattr(
        store_module, "decode_incident", lambda text, file: built.append(file) or real(text, file)
    )
    monkeypatch.setattr(store_module._LazyIncidents, "_FETCH", 16)
    entries = store.select_lazily(Query())
    built_at_first_write: list[int] = []

    fetched_at_first_write: list[int] = []

    class Screen(io.StringIO):
        def write(self, text: str) -> int:
            if not built_at_first_write:
                built_at_first_write.append(len(built))
                fetched_at_first_write.append(len(entries._rows))  # rows read from SQLite
            return super().write(text)

    screen = Screen()
    console = Console(file=screen, width=100, color_system=None)
    render_timeline([("", entries)], store.registry, TimelineFooter(600), console)
    assert built_at_first_write[0] < 100  # one batch of entries, not 600
    assert fetched_at_first_write[0] < 100
    assert len(built) == 600
    assert "600 incidents and 0 milestones shown" in screen.getvalue()
