"""The progress bar of a big cold load: drawn on a terminal's stderr, never in a pipe."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sahel_timeline.store.load import PROGRESS_MIN_BYTES

REPOSITORY = Path(__file__).resolve().parent.parent


def big_store(folder: Path) -> Path:
    """A valid store a little over the size at which a cold load shows its progress."""
    entry = (
        '  - id: entry-{number}\n    kind: milestone\n    title: {title}\n    date: "2018-01-01"\n'
    )
    title = "A long synthetic title " * 20
    lines = ["schema_version: 1\nincidents:\n"]
    size, number = 0, 0
    while size <= PROGRESS_MIN_BYTES:
        lines.append(entry.format(number=number, title=title.strip()))
        size += len(lines[-1])
        number += 1
    path = folder / "big.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def validate_command(store: Path) -> list[str]:
    return [sys.executable, "-m", "sahel_timeline", "validate", str(store)]


COLD_LOADS = {
    "validate": ["validate", "{store}"],
    "validate without cache": ["--no-cache", "validate", "{store}"],
    "timeline": ["timeline", "--limit", "1", "--now", "2020-01-01", "--store", "{store}"],
}


@pytest.mark.parametrize("load", sorted(COLD_LOADS))
def test_a_big_cold_load_draws_a_progress_bar_on_a_terminal(tmp_path: Path, load: str) -> None:
    pty = pytest.importorskip("pty")
    store = big_store(tmp_path)
    arguments = [argument.format(store=store) for argument in COLD_LOADS[load]]
    controller, terminal = pty.openpty()
    environment = {**os.environ, "TERM": "xterm-256color"}
    with subprocess.Popen(
        [sys.executable, "-m", "sahel_timeline", *arguments],
        stdout=subprocess.PIPE, stderr=terminal, cwd=REPOSITORY, env=environment,
    ) as process:  # fmt: skip
        os.close(terminal)
        drawn = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            drawn += chunk
        stdout = process.stdout.read() if process.stdout else b""
    os.close(controller)
    assert process.returncode == 0, drawn
    assert f"reading {store}".encode() in drawn or f"checking {store}".encode() in drawn
    assert b"\x1b[" in drawn  # drawn and redrawn in place
    assert b"A long synthetic title" in stdout or b"valid" in stdout  # output: on stdout


def test_a_big_cold_load_into_a_pipe_prints_no_progress(tmp_path: Path) -> None:
    store = big_store(tmp_path)
    result = subprocess.run(
        validate_command(store), capture_output=True, cwd=REPOSITORY, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    assert b"\x1b" not in result.stdout
    assert result.stdout.decode().endswith(": valid\n")
