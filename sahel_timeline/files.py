"""Reading a store file's bytes safely: a size limit, no devices, pipes read up to the limit."""

from __future__ import annotations

import stat
from pathlib import Path

from sahel_timeline.findings import ERROR, Finding

MAX_FILE_BYTES = 512 * 1024 * 1024


def read_store_bytes(path: Path, name: str) -> tuple[bytes | None, list[Finding]]:
    """The bytes of one store file, or a finding: unreadable, not a file, or too large.

    Devices (`/dev/zero`, `/dev/urandom`) are refused rather than read forever, and no more
    than the size limit is ever read, even from a pipe whose size is not known in advance.
    """
    limit = MAX_FILE_BYTES // (1024 * 1024)
    try:
        status = path.stat()
        if stat.S_ISREG(status.st_mode):
            if status.st_size > MAX_FILE_BYTES:
                size = status.st_size // (1024 * 1024)
                message = f"file is {size} MiB; the limit is {limit} MiB"
                return None, [Finding(name, 1, 1, ERROR, "file-too-large", message)]
            return path.read_bytes(), []
        if not stat.S_ISFIFO(status.st_mode):
            message = "cannot read file: not a regular file"
            return None, [Finding(name, 1, 1, ERROR, "unreadable-file", message)]
        with path.open("rb") as stream:  # a pipe, e.g. <(git show REV:incidents.yaml)
            data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        reason = error.strerror or str(error)
        return None, [Finding(name, 1, 1, ERROR, "unreadable-file", f"cannot read file: {reason}")]
    if len(data) > MAX_FILE_BYTES:
        message = f"file is larger than the limit of {limit} MiB"
        return None, [Finding(name, 1, 1, ERROR, "file-too-large", message)]
    return data, []
