"""Every file the product writes goes through here: regular files only, atomically.

- A symlink is written through: its target gets the new bytes and the link stays a link.
- A device, a FIFO, a socket or a folder is refused before anything is written, so that
  `export -o /dev/null --force` can never turn a device node into a regular file.
- The bytes go to a temporary file in the target's own folder, are flushed to disk, and
  replace the target with one `os.replace`: a reader sees the old file or the new one,
  never half of it. A file that existed keeps its permissions (and its owner, when the
  process may set it); a new one gets 0666 less the umask.
- Several files are all written to temporary files first and only then moved into place,
  so a full disk or a read-only folder leaves every one of them as it was.
Any failure is a `WriteError` with a one-line message; no temporary file is left behind.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sahel_timeline.errors import SahelError, UsageError
from sahel_timeline.visible import visible_line

NEW_FILE_MODE = 0o666


class WriteError(SahelError):
    """A file could not be written; what was there is left as it was."""


class NotARegularFileError(UsageError):
    """The path names a device, a FIFO, a socket or a folder: never written to."""


class TargetExistsError(SahelError):
    """The path exists and overwriting was not asked for."""


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def writable_target(path: Path) -> Path:
    """The regular file that writing to `path` replaces: `path` itself, or the file its
    symlinks lead to (which may not exist yet). Raises NotARegularFileError for anything
    that is not a regular file, WriteError when the path cannot be examined."""
    try:
        status = os.stat(path)  # follows symlinks, including /proc/self/fd/N
    except FileNotFoundError:
        return Path(os.path.realpath(path))  # absent, or a dangling link: create its target
    except OSError as error:
        raise WriteError(f"cannot write {visible_line(str(path))}: {_reason(error)}") from None
    if not stat.S_ISREG(status.st_mode):
        raise NotARegularFileError(
            f"{visible_line(str(path))} is {_kind(status.st_mode)}, not a regular file; "
            "nothing was written"
        )
    return Path(os.path.realpath(path))


@dataclass
class _Staged:
    shown: str  # the path as the user gave it
    target: Path  # the regular file it leads to
    temporary: str


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _stage(target: Path, data: bytes) -> str:
    """`data` in a new temporary file next to `target`, on disk, with the target's mode."""
    folder = target.parent
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view) :]
            os.fsync(handle)
        finally:
            os.close(handle)
        try:
            existing = os.stat(target)
        except FileNotFoundError:
            os.chmod(temporary, NEW_FILE_MODE & ~_umask())
        else:
            os.chmod(temporary, stat.S_IMODE(existing.st_mode))
            with contextlib.suppress(OSError):  # only root may give a file to another owner
                os.chown(temporary, existing.st_uid, existing.st_gid)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return temporary


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (not every system can open a folder for this)."""
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def write_files_atomically(contents: Mapping[Path, bytes], *, overwrite: bool = True) -> None:
    """Replace each file of `contents` with its bytes: all of them or, on failure, none.

    Without `overwrite`, a path that exists (checked again just before the rename) raises
    TargetExistsError and nothing is written."""
    staged: list[_Staged] = []
    written: list[str] = []
    current = ""
    try:
        for path, data in contents.items():
            current = visible_line(str(path))
            target = writable_target(path)
            if not overwrite and os.path.lexists(path):
                raise TargetExistsError(f"{current} exists; use --force to overwrite it")
            staged.append(_Staged(current, target, _stage(target, data)))
        for item in staged:
            current = item.shown
            writable_target(item.target)  # it may have become a FIFO or a folder meanwhile
            if not overwrite and os.path.lexists(item.target):
                raise TargetExistsError(f"{current} exists; use --force to overwrite it")
            os.replace(item.temporary, item.target)
            written.append(item.shown)
            _sync_folder(item.target.parent)
    except OSError as error:
        left = f"{', '.join(written)} already written" if written else "nothing was written"
        raise WriteError(f"cannot write {current}: {_reason(error)}; {left}") from None
    finally:
        for item in staged:
            with contextlib.suppress(OSError):
                os.unlink(item.temporary)


def write_file_atomically(path: Path, data: bytes, *, overwrite: bool = True) -> None:
    """Replace the file at `path` (through symlinks) with `data`; see write_files_atomically."""
    write_files_atomically({path: data}, overwrite=overwrite)
