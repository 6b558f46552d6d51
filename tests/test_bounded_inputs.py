"""Every input path is bounded: standard input obeys the file size limit, and `diff` on an
odd path (a symlink out of the repository, a git pathspec) is a clear error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_diff import commit_all, git  # the git repositories of the diff tests
from typer.testing import CliRunner

from sahel_timeline.cli.app import app
from sahel_timeline.store import files

STORE = b"schema_version: 1\nincidents: []\n"


def run_cli(cli_env: dict[str, str | None], *args: str, stdin: bytes | None = None):
    return CliRunner().invoke(app, list(args), env=cli_env, input=stdin)


def validate_stdin(stdin, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "sahel_timeline", "validate", "-"]
    return subprocess.run(
        command, stdin=stdin, capture_output=True, text=True, timeout=timeout,
        env={**os.environ, "SAHEL_TIMELINE_NOW": "2025-01-01"},
    )  # fmt: skip


# --- validate - ----------------------------------------------------------------------------------


def test_validate_stdin_from_dev_zero_ends_at_once_with_a_finding(cli_env) -> None:
    with open("/dev/zero", "rb") as zero:
        done = validate_stdin(zero, timeout=30)  # it used to grow by gigabytes until killed
    assert done.returncode == 1
    assert done.stdout.splitlines()[0] == (
        "<stdin>:1:1: error unreadable-file: cannot read file: "
        "a device, not a file, a pipe or a terminal"
    )


def test_validate_stdin_from_a_regular_file_over_the_limit_is_refused_unread(
    cli_env, tmp_path: Path
) -> None:
    big = tmp_path / "big.yaml"
    with open(big, "wb") as stream:  # sparse: the size, without the disk space
        stream.truncate(files.MAX_FILE_BYTES + 1)
    with open(big, "rb") as stdin:
        done = validate_stdin(stdin)
    assert done.returncode == 1
    assert done.stdout.splitlines()[0] == (
        "<stdin>:1:1: error file-too-large: file is 512 MiB; the limit is 512 MiB"
    )


def test_validate_stdin_from_a_pipe_stops_reading_at_the_limit(cli_env, monkeypatch) -> None:
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 1000)
    over = STORE + b"#" * 1000
    result = run_cli(cli_env, "validate", "-", stdin=over)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].startswith(
        "<stdin>:1:1: error file-too-large: file is larger than the limit"
    )


def test_validate_stdin_under_the_limit_is_validated_as_before(cli_env) -> None:
    result = run_cli(cli_env, "validate", "-", stdin=STORE)
    assert result.exit_code == 0
    assert result.stdout.strip().endswith(": valid")


def test_validate_stdin_through_a_real_pipe(cli_env) -> None:
    read, write = os.pipe()
    os.write(write, STORE)
    os.close(write)
    with os.fdopen(read, "rb") as stdin:
        done = validate_stdin(stdin)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith(": valid")


# --- diff on odd paths ---------------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path, git_installed: None) -> Path:
    folder = tmp_path / "repo"
    folder.mkdir()
    git(folder, "init", "-q")
    (folder / "incidents.yaml").write_bytes(STORE)
    commit_all(folder)
    return folder


def one_line_error(result) -> str:
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def test_diff_on_a_symlink_that_leaves_the_repository_is_a_clear_error(
    cli_env, repo: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere.yaml"
    outside.write_bytes(STORE)
    link = repo / "link.yaml"
    link.symlink_to(outside)
    result = run_cli(cli_env, "diff", str(link))
    assert result.exit_code == 1
    assert one_line_error(result) == (
        f"Error: {link} leads outside the git repository {repo} (through a symlink): diff "
        "reads the old store from that repository's history, so give a path inside it"
    )


@pytest.mark.parametrize("pathspec", [":(top)incidents.yaml", "*.yaml", ":!other.yaml"])
def test_diff_reads_a_pathspec_as_a_file_name_and_says_when_there_is_none(
    cli_env, repo: Path, monkeypatch, pathspec: str
) -> None:
    monkeypatch.chdir(repo)
    result = run_cli(cli_env, "diff", pathspec)
    assert result.exit_code == 1
    assert one_line_error(result) == (
        f"Error: {pathspec}: no such file or folder, neither now nor at HEAD"
    )


def test_diff_on_a_file_literally_named_like_a_pathspec_compares_it(
    cli_env, repo: Path, monkeypatch
) -> None:
    monkeypatch.chdir(repo)
    (repo / ":(top)incidents.yaml").write_bytes(STORE)
    commit_all(repo, "odd name")
    result = run_cli(cli_env, "diff", ":(top)incidents.yaml")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        ":(top)incidents.yaml compared with HEAD: 0 added, 0 removed, 0 changed"
    ]
