"""Writes never destroy: symlinks are written through, only regular files are replaced, and
a full disk or a read-only folder ends in one line with every file as it was."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sahel_timeline.cli.app import app
from sahel_timeline.safe_write import (
    NotARegularFileError,
    WriteError,
    write_file_atomically,
    write_files_atomically,
)

ACLED = Path(__file__).parent / "data" / "acled"
CURATED = Path(__file__).parent.parent / "incidents.yaml"
STORE = "schema_version: 1\nincidents: []\n"


@pytest.fixture
def runner(cli_env: dict[str, str | None]) -> Iterator[CliRunner]:
    cli_env["SAHEL_TIMELINE_NOW"] = "2025-01-15"
    yield CliRunner()


def invoke(runner: CliRunner, cli_env: dict[str, str | None], *args: str):
    return runner.invoke(app, list(args), env=cli_env)


def import_acled(runner: CliRunner, cli_env: dict[str, str | None], into: Path):
    return invoke(runner, cli_env, "import-acled", str(ACLED / "current.csv"), "--into", str(into))


def only_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


def names_in(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


# --- import-acled through a symlink ----------------------------------------------------------


def test_import_through_a_symlink_writes_the_target_and_keeps_link_and_permissions(
    runner, cli_env, tmp_path
):
    real_folder = tmp_path / "real"
    real_folder.mkdir()
    real = real_folder / "store.yaml"
    real.write_text(STORE, encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "link.yaml"
    link.symlink_to(real)

    result = import_acled(runner, cli_env, link)

    assert result.exit_code == 0, result.output
    assert f"file written: {link}" in result.stderr
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert "acled-" in real.read_text(encoding="utf-8")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert names_in(real_folder) == ["store.yaml"]  # no temporary file left
    assert names_in(tmp_path) == ["link.yaml", "real"]


def test_import_through_a_dangling_symlink_creates_its_target(runner, cli_env, tmp_path):
    real = tmp_path / "new.yaml"
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    result = import_acled(runner, cli_env, link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and real.is_file()
    assert real.read_text(encoding="utf-8").startswith("# ACLED events imported")


# --- import-acled onto a full disk or into a read-only folder ---------------------------------

FAILURES = [
    (errno.ENOSPC, "No space left on device"),
    (errno.EACCES, "Permission denied"),
    (errno.EROFS, "Read-only file system"),
]


def _raise(code: int):
    def failing(*_args: object, **_kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    return failing


@pytest.mark.parametrize("step", ["mkstemp", "write", "replace"])
@pytest.mark.parametrize(("code", "reason"), FAILURES, ids=["ENOSPC", "EACCES", "EROFS"])
def test_a_failed_import_write_is_one_line_exit_1_and_the_store_is_intact(
    runner, cli_env, tmp_path, monkeypatch, step, code, reason
):
    store = tmp_path / "store.yaml"
    store.write_text(STORE, encoding="utf-8")
    if step == "mkstemp":
        monkeypatch.setattr(tempfile, "mkstemp", _raise(code))
    else:
        monkeypatch.setattr(os, step, _raise(code))

    result = import_acled(runner, cli_env, store)

    assert result.exit_code == 1
    assert only_line(result.stderr) == (
        f"Error: cannot write {store}: {reason}; nothing was written"
    )
    assert store.read_text(encoding="utf-8") == STORE
    assert names_in(tmp_path) == ["store.yaml"]


def _unprivileged(command: list[str]) -> list[str]:
    """`command` run so that folder permissions apply (root ignores them)."""
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: a read-only folder cannot be made real")
    as_nobody = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    probe = subprocess.run(
        [*as_nobody, sys.executable, "-c", "import sahel_timeline"],
        capture_output=True, check=False,
    )  # fmt: skip
    if probe.returncode != 0:
        pytest.skip("an unprivileged user cannot read this checkout or its environment")
    return [*as_nobody, *command]


def test_import_into_a_really_read_only_folder_is_one_line_and_writes_nothing(cli_env):
    folder = Path(tempfile.mkdtemp(prefix="sahel-read-only-"))  # reachable by an other user
    try:
        folder.chmod(0o755)
        store = folder / "store.yaml"
        store.write_text(STORE, encoding="utf-8")
        store.chmod(0o644)
        export = folder / "export.csv"
        shutil.copy(ACLED / "current.csv", export)
        export.chmod(0o644)
        folder.chmod(0o555)
        command = [sys.executable, "-m", "sahel_timeline", "import-acled", str(export)]
        done = subprocess.run(
            _unprivileged([*command, "--into", str(store)]),
            capture_output=True, text=True, timeout=60,
            env={**os.environ, "SAHEL_TIMELINE_NO_CACHE": "1", "HOME": str(folder)},
        )  # fmt: skip
        assert done.returncode == 1, done.stderr
        assert only_line(done.stderr) == (
            f"Error: cannot write {store}: Permission denied; nothing was written"
        )
        assert store.read_text(encoding="utf-8") == STORE
        assert names_in(folder) == ["export.csv", "store.yaml"]
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


def test_several_files_are_all_written_or_none(tmp_path, monkeypatch):
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_bytes(b"old a")
    second.write_bytes(b"old b")
    real_write = os.write
    calls = []

    def write_then_fill_the_disk(handle: int, data: bytes) -> int:
        calls.append(handle)
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(handle, data)

    monkeypatch.setattr(os, "write", write_then_fill_the_disk)
    with pytest.raises(WriteError, match=r"b\.yaml: No space left on device; nothing was written"):
        write_files_atomically({first: b"new a", second: b"new b"})
    assert (first.read_bytes(), second.read_bytes()) == (b"old a", b"old b")
    assert names_in(tmp_path) == ["a.yaml", "b.yaml"]


def test_a_new_file_gets_the_usual_permissions_not_those_of_a_temporary_file(tmp_path):
    mask = os.umask(0o027)
    try:
        write_file_atomically(tmp_path / "new.yaml", b"x")
    finally:
        os.umask(mask)
    assert stat.S_IMODE((tmp_path / "new.yaml").stat().st_mode) == 0o640


# --- export -o: only regular files ---------------------------------------------------------------


def _special(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / kind
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    elif kind == "device":
        try:
            os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a private /dev/null
        except PermissionError:
            pytest.skip("creating a device node needs privileges")
    return path


KINDS = {"fifo": "a FIFO (named pipe)", "folder": "a folder", "device": "a character device"}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("force", [True, False], ids=["force", "no-force"])
def test_export_refuses_anything_but_a_regular_file(runner, cli_env, tmp_path, kind, force):
    path = _special(tmp_path, kind)
    before = path.lstat()
    arguments = ["export", "--store", str(CURATED), "-f", "csv", "-o", str(path)]
    result = invoke(runner, cli_env, *arguments, *(["--force"] if force else []))
    assert result.exit_code == 2
    assert only_line(result.stderr) == (
        f"Error: {path} is {KINDS[kind]}, not a regular file; nothing was written "
        "('-o -' writes to stdout)"
    )
    after = path.lstat()
    assert (after.st_mode, after.st_ino, after.st_rdev) == (
        before.st_mode, before.st_ino, before.st_rdev,
    )  # fmt: skip
    assert names_in(tmp_path) == [kind]


def test_export_to_a_link_to_a_device_refuses_and_leaves_both(runner, cli_env, tmp_path):
    device = _special(tmp_path, "device")
    link = tmp_path / "link.csv"
    link.symlink_to(device)
    arguments = ["export", "--store", str(CURATED), "-f", "csv", "-o", str(link), "--force"]
    result = invoke(runner, cli_env, *arguments)
    assert result.exit_code == 2
    assert "is a character device, not a regular file" in result.stderr
    assert link.is_symlink() and stat.S_ISCHR(device.lstat().st_mode)


def test_export_to_proc_self_fd_1_is_refused_when_stdout_is_a_pipe(cli_env):
    command = [sys.executable, "-m", "sahel_timeline", "export", "--store", str(CURATED)]
    done = subprocess.run(
        [*command, "-f", "csv", "-o", "/proc/self/fd/1", "--force"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert only_line(done.stderr) == (
        "Error: /proc/self/fd/1 is a FIFO (named pipe), not a regular file; nothing was "
        "written ('-o -' writes to stdout)"
    )
    assert done.stdout == ""


def test_export_dash_o_dash_is_stdout(runner, cli_env, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    arguments = ["export", "--store", str(CURATED), "-f", "csv"]
    to_stdout = invoke(runner, cli_env, *arguments)
    dashed = invoke(runner, cli_env, *arguments, "-o", "-")
    assert dashed.exit_code == 0 and dashed.stdout == to_stdout.stdout != ""
    assert names_in(tmp_path) == []


def test_export_force_through_a_symlink_writes_the_target_and_keeps_its_mode(
    runner, cli_env, tmp_path
):
    real = tmp_path / "brief.csv"
    real.write_text("old", encoding="utf-8")
    real.chmod(0o600)
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    arguments = ["export", "--store", str(CURATED), "-f", "csv", "-o", str(link)]
    refused = invoke(runner, cli_env, *arguments)
    assert refused.exit_code == 1 and "exists; use --force" in refused.stderr
    result = invoke(runner, cli_env, *arguments, "--force")
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and real.read_text(encoding="utf-8").startswith("id,")
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    assert names_in(tmp_path) == ["brief.csv", "link.csv"]


def test_export_onto_a_full_disk_is_one_line_and_the_old_file_stays(
    runner, cli_env, tmp_path, monkeypatch
):
    target = tmp_path / "brief.csv"
    target.write_text("old", encoding="utf-8")
    monkeypatch.setattr(os, "write", _raise(errno.ENOSPC))
    arguments = ["export", "--store", str(CURATED), "-f", "csv", "-o", str(target), "--force"]
    result = invoke(runner, cli_env, *arguments)
    assert result.exit_code == 1
    assert only_line(result.stderr) == (
        f"Error: cannot write {target}: No space left on device; nothing was written"
    )
    assert target.read_text(encoding="utf-8") == "old"
    assert names_in(tmp_path) == ["brief.csv"]


def test_the_core_refuses_a_fifo_without_opening_it(tmp_path):
    fifo = _special(tmp_path, "fifo")
    with pytest.raises(NotARegularFileError, match="is a FIFO"):
        write_file_atomically(fifo, b"x")  # opening it for writing would block forever
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_import_into_a_fifo_or_a_device_is_refused_before_reading_it(cli_env, tmp_path, kind):
    path = _special(tmp_path, kind)  # reading the FIFO would wait for a writer forever
    command = [sys.executable, "-m", "sahel_timeline", "import-acled", str(ACLED / "current.csv")]
    done = subprocess.run(
        [*command, "--into", str(path)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert only_line(done.stderr).startswith(f"Error: {path} is {KINDS[kind]}, not a regular")
    assert names_in(tmp_path) == [kind]
