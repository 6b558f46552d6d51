"""The cache of validated store files: one SQLite database per store, so that a query on a big
store does not read its YAML again.

The database has the query engine's tables (`engine`): a query is SQL over it, and only the
incidents it returns are decoded. Its `files` table says, for each store file, what proves
the file unchanged: size, modification and change times, inode and device, the SHA-256 of
its bytes, and when that was last verified. A file is trusted from its stat alone only when
its modification time is more than RACY_SECONDS older than that verification (git's "racy"
rule: on a filesystem with one-second timestamps, a rewrite in the same second as a read
keeps every stat value); otherwise its bytes are hashed, and when they are those the rows
were made from, the new stat is recorded so that later runs do not hash them again. An
edited file replaces only its own rows, in one transaction.

A database that is corrupt, foreign, of another version or unreadable is deleted and built
again; anything at its path that is not a regular file (a FIFO, a folder, a device, a
symbolic link) is left alone and the store is loaded without the cache. Writes are
transactions in WAL mode, so concurrent runs on one cache agree.

Location: `$XDG_CACHE_HOME/sahel-timeline/stores/`, else `~/.cache/sahel-timeline/stores/`;
without a home folder (no HOME and a user unknown to the system) there is no cache.
`SAHEL_TIMELINE_NO_CACHE=1` (or `--no-cache`) bypasses it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pwd
import sqlite3
import stat
from collections.abc import Mapping, Sequence
from pathlib import Path

from sahel_timeline import __version__
from sahel_timeline.engine.database import ENGINE_FORMAT, create_schema, first_row

NO_CACHE_ENVIRONMENT_VARIABLE = "SAHEL_TIMELINE_NO_CACHE"
CACHE_FOLDER_NAME = "sahel-timeline"
RACY_SECONDS = 2  # covers filesystems that keep modification times to the second
BUSY_TIMEOUT_SECONDS = 600.0  # another run reading a big file into the same database
_FALSE_WORDS = ("", "0", "false", "no", "off")
_SIDE_FILES = ("-wal", "-shm", "-journal")
CACHE_VERSION = f"{__version__}/{ENGINE_FORMAT}"


def cache_disabled(environ: Mapping[str, str]) -> bool:
    return environ.get(NO_CACHE_ENVIRONMENT_VARIABLE, "").strip().lower() not in _FALSE_WORDS


def _home_folder(environ: Mapping[str, str]) -> Path | None:
    home = environ.get("HOME", "").strip()
    if home and Path(home).is_absolute():
        return Path(home)
    try:
        return Path(pwd.getpwuid(os.getuid()).pw_dir)
    except (KeyError, OSError):
        return None  # no HOME and a uid that /etc/passwd does not know


def default_cache_folder(environ: Mapping[str, str]) -> Path | None:
    """Where the cache lives; None when neither XDG_CACHE_HOME nor a home folder is known."""
    base = environ.get("XDG_CACHE_HOME", "").strip()
    # The XDG spec: a relative XDG_CACHE_HOME is invalid and must be ignored.
    if base and Path(base).is_absolute():
        return Path(base) / CACHE_FOLDER_NAME
    home = _home_folder(environ)
    return home / ".cache" / CACHE_FOLDER_NAME if home is not None else None


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_status(path: Path) -> os.stat_result | None:
    """The stat of a regular file; None for anything else or a file that cannot be read."""
    try:
        status = path.stat()
    except OSError:
        return None
    return status if stat.S_ISREG(status.st_mode) else None


def stat_values(status: os.stat_result) -> tuple[int, int, int, int, int]:
    return (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino, status.st_dev)


def unchanged_by_stat(
    recorded: Sequence[int | None], verified_ns: int | None, status: os.stat_result
) -> bool:
    """Whether a file's stat alone proves it unchanged since `verified_ns` (git's racy rule)."""
    if verified_ns is None or tuple(recorded) != stat_values(status):
        return False
    return status.st_mtime_ns < verified_ns - RACY_SECONDS * 1_000_000_000


class Cache:
    """The store databases kept in `folder` (`stores/<hash of the store's paths>.sqlite`)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> Cache | None:
        """The user's cache, or None when SAHEL_TIMELINE_NO_CACHE asks to go without or
        there is no folder to keep it in."""
        if cache_disabled(environ):
            return None
        folder = default_cache_folder(environ)
        return cls(folder) if folder is not None else None

    def database_path(self, paths: Sequence[Path]) -> Path:
        # One database per store, named by the real paths of what the user asked to load.
        reals = []
        for path in paths:
            try:
                reals.append(str(path.resolve()))
            except (OSError, RuntimeError):
                reals.append(str(path.absolute()))
        name = hashlib.sha256("\0".join(reals).encode("utf-8", "surrogatepass")).hexdigest()
        return self.folder / "stores" / f"{name[:32]}.sqlite"

    def connect(self, paths: Sequence[Path]) -> sqlite3.Connection | None:
        """The store's database, opened and checked (rebuilt when unusable); None when the
        cache cannot be used (an odd file at its path, a folder that cannot be written)."""
        target = self.database_path(paths)
        for attempt in range(2):
            if not _only_regular_files(target):
                return None
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                return _open_checked(target)
            except (sqlite3.Error, OSError):
                if attempt == 0:
                    discard_database(target)
        return None

    def discard(self, paths: Sequence[Path]) -> None:
        discard_database(self.database_path(paths))


def _only_regular_files(target: Path) -> bool:
    """Whether the database and its side files are regular files or absent (never opened:
    os.lstat, so a FIFO cannot block and a symbolic link is not followed)."""
    for path in (target, *(Path(f"{target}{suffix}") for suffix in _SIDE_FILES)):
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            continue
        except OSError:
            return False
        if not stat.S_ISREG(mode):
            return False
    return True


def _open_checked(target: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(target, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute("BEGIN IMMEDIATE")
        try:
            tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}
            if tables and "meta" not in tables:
                raise sqlite3.DatabaseError("not a sahel-timeline cache")
            create_schema(connection)
            row = first_row(connection.execute("SELECT value FROM meta WHERE key = 'version'"))
            if row is None:
                if tables:
                    raise sqlite3.DatabaseError("a cache without its version")
                connection.execute("INSERT INTO meta VALUES ('version', ?)", (CACHE_VERSION,))
            elif row[0] != CACHE_VERSION:
                raise sqlite3.DatabaseError("a cache of another version")
            connection.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                connection.execute("ROLLBACK")
            raise
    except BaseException:
        connection.close()
        raise
    return connection


def discard_database(target: Path) -> None:
    """Delete a store's database and its side files (only regular files)."""
    for path in (target, *(Path(f"{target}{suffix}") for suffix in _SIDE_FILES)):
        with contextlib.suppress(OSError):
            if stat.S_ISREG(os.lstat(path).st_mode):
                path.unlink()
