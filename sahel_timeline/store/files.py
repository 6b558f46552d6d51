"""Reading a store file's bytes safely: a size limit, no devices, pipes read up to the limit.

The same rules hold for a path and for standard input (`validate -`)."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path
from typing import BinaryIO

from sahel_timeline.findings import ERROR, Finding

MAX_FILE_BYTES = 512 * 1024 * 1024


def read_store_bytes(path: Path, name: str) -> tuple[bytes | None, list[Finding]]:
    """The bytes of one store file, or a finding: unreadable, not a file, or too large.

    Devices (`/dev/zero`, `/dev/urandom`) are refused rather than read forever, and no more
    than the size limit is ever read, even from a pipe whose size is not known in advance.
    """
    try:
        status = path.stat()
        if stat.S_ISREG(status.st_mode):
            if status.st_size > MAX_FILE_BYTES:
                return None, [_too_large(name, status.st_size)]
            return path.read_bytes(), []
        if not stat.S_ISFIFO(status.st_mode):
            return None, [_unreadable(name, "not a regular file")]
        with path.open("rb") as stream:  # a pipe, e.g. <(git show REV:incidents.yaml)
            return _read_up_to_the_limit(stream, name)
    except OSError as error:
        return None, [_unreadable(name, error.strerror or str(error))]


def read_stream_bytes(stream: BinaryIO, name: str) -> tuple[bytes | None, list[Finding]]:
    """The bytes of an open stream such as standard input, under the same limit as files.

    A regular file is refused by its size before it is read, a pipe is read up to the
    limit, and a device other than a terminal (`< /dev/zero`) is refused unread.
    """
    try:
        handle = stream.fileno()
        status = os.fstat(handle)
    except (OSError, ValueError, io.UnsupportedOperation):
        status = None  # not backed by a file descriptor: read up to the limit
    try:
        if status is not None:
            if stat.S_ISREG(status.st_mode) and status.st_size > MAX_FILE_BYTES:
                return None, [_too_large(name, status.st_size)]
            device = stat.S_ISCHR(status.st_mode) or stat.S_ISBLK(status.st_mode)
            if device and not os.isatty(handle):
                return None, [_unreadable(name, "a device, not a file, a pipe or a terminal")]
        return _read_up_to_the_limit(stream, name)
    except OSError as error:
        return None, [_unreadable(name, error.strerror or str(error))]


def _read_up_to_the_limit(stream: BinaryIO, name: str) -> tuple[bytes | None, list[Finding]]:
    data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        message = f"file is larger than the limit of {_limit_mib()} MiB"
        return None, [Finding(name, 1, 1, ERROR, "file-too-large", message)]
    return data, []


def _limit_mib() -> int:
    return MAX_FILE_BYTES // (1024 * 1024)


def _too_large(name: str, size: int) -> Finding:
    message = f"file is {size // (1024 * 1024)} MiB; the limit is {_limit_mib()} MiB"
    return Finding(name, 1, 1, ERROR, "file-too-large", message)


def _unreadable(name: str, reason: str) -> Finding:
    return Finding(name, 1, 1, ERROR, "unreadable-file", f"cannot read file: {reason}")
