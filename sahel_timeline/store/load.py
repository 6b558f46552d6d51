"""Finding and loading a store (a file or a folder of files) into the query engine's database."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import difflib
import itertools
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, overload

from sahel_timeline.engine import database as engine
from sahel_timeline.engine.cache import (
    Cache,
    content_hash,
    file_status,
    stat_values,
    unchanged_by_stat,
)
from sahel_timeline.engine.database import IMPORTED_ID_PREFIX as IMPORTED_ID_PREFIX  # for importers
from sahel_timeline.engine.query import Query
from sahel_timeline.engine.record_codec import (
    RecordError,
    decode_finding,
    decode_group,
    decode_incident,
)
from sahel_timeline.errors import SahelError
from sahel_timeline.findings import ERROR, Finding, capped, finding_sort_key
from sahel_timeline.model import FileContent, Group, Incident
from sahel_timeline.registry import GroupRegistry
from sahel_timeline.store.files import read_store_bytes
from sahel_timeline.store.memory import collector_paused

if TYPE_CHECKING:
    from sahel_timeline.store.loader import Node

STORE_ENVIRONMENT_VARIABLE = "SAHEL_TIMELINE_STORE"
DEFAULT_STORE_NAME = "incidents.yaml"
STORE_SUFFIXES = (".yaml", ".yml")
PROGRESS_MIN_BYTES = 2 * 1024 * 1024  # a cold read of this much takes about a second
_FROM = "incidents AS i JOIN files AS f ON f.file_id = i.file_id"
# The databases `load_store` opened, for `close_stores` (a connection is in a reference cycle
# with its statement cache: without an explicit close it stays open until a collection).
_OPENED: list[sqlite3.Connection] = []


def close_stores() -> None:
    """Close every store database opened so far (at the end of a command)."""
    while _OPENED:
        with contextlib.suppress(sqlite3.Error):
            _OPENED.pop().close()


class Store:
    """A loaded store: its files, group registry, findings and incidents, kept in a SQLite
    database (the cache's, or an in-memory one) that `select` queries.

    Incidents are built only when asked for: `select` builds those it returns; `incidents`
    builds them all (once). In an in-memory store they are the very objects that were read.
    """

    def __init__(
        self,
        files: list[str],
        registry: GroupRegistry,
        connection: sqlite3.Connection,
        findings: list[Finding],
        now: dt.date,
        objects: dict[int, Incident] | None = None,
        reload: Callable[[], Store] | None = None,
    ) -> None:
        self.files = files
        self.registry = registry
        self._connection = connection
        self._findings = findings  # without the future-date warnings: they follow `now`
        self._more_warnings: Callable[[], list[Finding]] = list  # read when asked for
        self._now = now
        self._objects = objects
        self._reload = reload
        self._file_names = dict(connection.execute("SELECT file_id, name FROM files"))
        self._incidents: list[Incident] | None = None
        self._all_findings: list[Finding] | None = None

    @property
    def findings(self) -> list[Finding]:
        """Every finding, warnings included, in file and line order."""
        if self._all_findings is None:
            found = self._findings + self._more_warnings()
            found += engine.future_date_findings(self._connection, self._now)
            self._all_findings = sorted(capped(found), key=finding_sort_key)
        return self._all_findings

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self._findings if f.is_error]

    @property
    def incidents(self) -> list[Incident]:
        """Every incident and milestone, in store order."""
        if self._incidents is None:
            self._incidents = self._build(self._rows(f"SELECT {{}} FROM {_FROM} {_ORDER}"))
        return self._incidents

    @property
    def incident_count(self) -> int:
        """How many incidents and milestones the store holds (without building them)."""
        return int(self._connection.execute("SELECT count(*) FROM incidents").fetchall()[0][0])

    @property
    def milestone_count(self) -> int:
        sql = "SELECT count(*) FROM incidents WHERE kind = ?"
        return int(self._connection.execute(sql, (engine.MILESTONE,)).fetchall()[0][0])

    def incident(self, incident_id: str) -> Incident | None:
        """The first incident with this id, or None."""
        sql = f"SELECT {{}} FROM {_FROM} WHERE i.id = ? {_ORDER} LIMIT 1"
        found = self._build(self._rows(sql, (incident_id,)))
        return found[0] if found else None

    def incidents_by_id(self) -> Mapping[str, Incident]:
        """Incidents by id (the last one of a duplicated id), built when looked up."""
        return _IncidentsById(self)

    def select(self, query: Query, *, apply_limit: bool = True) -> list[Incident]:
        """What `query` selects, in its order; only those incidents are built."""
        if not apply_limit and query.limit is not None:
            query = dataclasses.replace(query, limit=None)
        return self._build(
            lambda: engine.select_rows(
                self._connection, query, self.registry, records=self._objects is None
            )
        )

    def select_lazily(self, query: Query, *, apply_limit: bool = True) -> Sequence[Incident]:
        """What `select` returns, each incident built only when it is read: a view can write
        the first entries of a long result before the others are built."""
        if not apply_limit and query.limit is not None:
            query = dataclasses.replace(query, limit=None)
        return _LazyIncidents(
            self, lambda: engine.stream_rows(self._connection, query, self.registry, records=False)
        )

    def count(self, query: Query) -> int:
        """How many entries `query`'s filter keeps (its limit aside)."""
        return engine.count_rows(self._connection, query.filter, self.registry)

    def _rows(
        self, sql: str, params: Sequence[object] = ()
    ) -> Callable[[], list[tuple[int, int, str | None]]]:
        record = "i.record" if self._objects is None else "NULL"
        columns = f"i.row_id, i.file_id, {record}"
        return lambda: self._connection.execute(sql.format(columns), params).fetchall()

    def _build(self, rows: Callable[[], list[tuple[int, int, str | None]]]) -> list[Incident]:
        """The incidents of the rows `rows()` gives; a cached record found unusable has the
        store read again (its database rebuilt) and the rows asked for again."""
        try:
            with collector_paused():  # many small objects, no cycles among them
                return [self._incident(*row) for row in rows()]
        except (RecordError, sqlite3.DatabaseError):
            if self._reload is None:
                raise
        fresh = self._reload()
        self.__dict__.update(fresh.__dict__)
        with collector_paused():
            return [self._incident(*row) for row in rows()]

    def _incident(self, row_id: int, file_id: int, record: str | None = None) -> Incident:
        if self._objects is not None:
            return self._objects[row_id]
        if record is None:
            sql = "SELECT record FROM incidents WHERE row_id = ?"
            [(record,)] = self._connection.execute(sql, (row_id,)).fetchall()
            if record is None:
                raise RecordError("a row without its record")
        return decode_incident(record, self._file_names[file_id])


_ORDER = "ORDER BY f.position, i.seq"


class _LazyIncidents(Sequence[Incident]):
    """The incidents of a query's rows, each built when it is read (and not kept). The rows
    themselves are fetched as they are needed: the first entries can be written before the
    database has found the last ones; `len` fetches them all."""

    _FETCH = 256  # rows fetched at a time

    def __init__(
        self,
        store: Store,
        ask: Callable[[], Iterable[tuple[int, int, str | None]]],
        rows: list[tuple[int, int, str | None]] | None = None,
    ) -> None:
        self._store = store
        self._ask = ask
        self._rows: list[tuple[int, int, str | None]] = [] if rows is None else rows
        self._pending: Iterator[tuple[int, int, str | None]] | None = (
            iter(ask()) if rows is None else None
        )

    def _fetch(self, count: int | None) -> None:
        """Fetch rows until `count` are held (every row for None) or none are left."""
        while self._pending is not None and (count is None or len(self._rows) < count):
            more = list(itertools.islice(self._pending, self._FETCH))
            if not more:
                self._pending = None
            self._rows += more

    def _all_rows(self) -> list[tuple[int, int, str | None]]:
        self._fetch(None)
        return self._rows

    @overload
    def __getitem__(self, position: int) -> Incident: ...

    @overload
    def __getitem__(self, position: slice) -> Sequence[Incident]: ...

    def __getitem__(self, position: int | slice) -> Incident | Sequence[Incident]:
        if isinstance(position, slice):
            return _LazyIncidents(self._store, self._ask, self._all_rows()[position])
        self._fetch(None if position < 0 else position + 1)
        try:
            return self._store._incident(*self._rows[position])
        except (RecordError, sqlite3.DatabaseError):
            if self._store._reload is None:
                raise
        # A damaged record: the store is read again and the query asked again (new rows).
        fresh = self._store._reload()
        self._store.__dict__.update(fresh.__dict__)
        self._rows, self._pending = list(self._ask()), None
        return self._store._incident(*self._rows[position])

    def __iter__(self) -> Iterator[Incident]:
        position = 0
        while True:
            self._fetch(position + 1)
            if position >= len(self._rows):
                return
            yield self[position]
            position += 1

    def __len__(self) -> int:
        return len(self._all_rows())


class _IncidentsById(Mapping[str, Incident]):
    def __init__(self, store: Store) -> None:
        self._store = store
        sql = f"SELECT i.id, i.row_id, i.file_id FROM {_FROM} {_ORDER}"
        rows = store._connection.execute(sql).fetchall()
        self._rows = {incident_id: (row_id, file_id) for incident_id, row_id, file_id in rows}

    def __getitem__(self, incident_id: str) -> Incident:
        return self._store._incident(*self._rows[incident_id])

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


def shipped_store_path() -> Path:
    """The curated store inside the installed package (the repository's incidents.yaml).

    A wheel carries it as package data; a source checkout reads the file at the root.
    """
    packaged = Path(__file__).parent.parent / "data" / DEFAULT_STORE_NAME
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / DEFAULT_STORE_NAME


def locate_store(option: str | None, environ: Mapping[str, str], cwd: Path) -> Path:
    """`--store` > SAHEL_TIMELINE_STORE > ./incidents.yaml > the curated store shipped inside."""
    chosen = option or environ.get(STORE_ENVIRONMENT_VARIABLE)
    if chosen:
        return Path(chosen)
    local = cwd / DEFAULT_STORE_NAME
    if local.is_file():
        return Path(DEFAULT_STORE_NAME)
    return shipped_store_path()


def store_files(path: Path) -> list[Path]:
    """The YAML files of a store: the file itself, or a folder's files, recursively, sorted."""
    if path.is_dir():
        found = [
            p for p in path.rglob("*")
            if p.suffix in STORE_SUFFIXES and p.is_file()
        ]  # fmt: skip
        if not found:
            raise SahelError(f"{path}: no .yaml or .yml files in this folder")
        return sorted(found, key=lambda p: p.relative_to(path).as_posix())
    if not path.exists():
        raise SahelError(f"{path}: no such file or folder")
    return [path]


class LoadProgress(Protocol):
    """Told about the slow part of a load (reading big files the cache does not hold)."""

    def reading(self, file: str, characters: int) -> None: ...
    def advance(self, characters_read: int) -> None: ...
    def checking(self, file: str) -> None: ...


def load_file(path: Path, progress: LoadProgress | None = None) -> FileContent:
    """Read and validate one store file without the cache; every problem becomes a finding."""
    data, unreadable = read_store_bytes(path, str(path))
    if data is None:
        return FileContent(str(path), findings=unreadable)
    return parse_and_validate(data, str(path), progress)


def load_file_bytes(data: bytes, name: str) -> FileContent:
    """Validate one store file given as bytes (stdin, a git revision) under a display name."""
    return parse_and_validate(data, name)


def parse_and_validate(data: bytes, name: str, progress: LoadProgress | None = None) -> FileContent:
    """A cold read: parse the bytes and validate what they hold, every problem a finding."""
    from sahel_timeline.store.loader import parse_yaml_bytes  # only a cold file needs the parser

    with collector_paused():
        if progress is not None and len(data) >= PROGRESS_MIN_BYTES:
            root, findings = parse_yaml_bytes(data, name, progress)
            progress.checking(name)
        else:
            root, findings = parse_yaml_bytes(data, name)
        return _validated_file(root, findings, name)


def _validated_file(root: Node | None, findings: list[Finding], name: str) -> FileContent:
    # The parser and the validator are imported only when a file is read cold: a query
    # answered from the cache does not pay for them.
    from sahel_timeline.store.validate import validate_document

    content = (
        validate_document(root, name) if not findings or root is not None else FileContent(name)
    )
    content.findings[:0] = findings
    return content


def load_store(
    paths: Sequence[Path],
    now: dt.date,
    cache: Cache | None = None,
    progress: LoadProgress | None = None,
) -> Store:
    """Load every file of the given stores as one store and apply the cross-record rules.

    With a cache, only the files that changed are read again (see `cache`), and the
    findings of the cross-record rules are reused while no file changed. A cache database
    found unusable on the way is rebuilt; without a usable one the store is read cold.
    """
    files = [file for path in paths for file in store_files(path)]
    for attempt in range(2):
        connection = cache.connect(paths) if cache is not None else None
        if connection is None:
            break
        _OPENED.append(connection)
        try:
            return _load_through(connection, files, now, progress, _reloader(paths, now, cache))
        except sqlite3.OperationalError as error:
            connection.close()
            if _busy(error) or cache is None or attempt:
                break  # another run holds the database longer than we wait: go without it
            cache.discard(paths)
        except (sqlite3.DatabaseError, RecordError):
            connection.close()
            if cache is None or attempt:
                break
            cache.discard(paths)
    return _load_without_cache(files, now, progress)


def _busy(error: sqlite3.OperationalError) -> bool:
    return "locked" in str(error) or "busy" in str(error)


def _reloader(paths: Sequence[Path], now: dt.date, cache: Cache | None) -> Callable[[], Store]:
    def reload() -> Store:
        if cache is not None:
            cache.discard(paths)
        return load_store(paths, now, cache)

    return reload


@contextlib.contextmanager
def _write_transaction(connection: sqlite3.Connection) -> Iterator[None]:
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _record_stat(
    connection: sqlite3.Connection,
    name: str,
    status: object,
    digest: str | None,
    verified_ns: int,
) -> None:
    values = stat_values(status) if status is not None else (None,) * 5  # type: ignore[arg-type]
    connection.execute(
        "UPDATE files SET size = ?, mtime_ns = ?, ctime_ns = ?, inode = ?, device = ?, "
        "sha256 = ?, verified_ns = ? WHERE name = ?",
        (*values, digest, verified_ns, name),
    )


def _refresh_file(
    connection: sqlite3.Connection,
    path: Path,
    position: int,
    progress: LoadProgress | None,
) -> str | None:
    """Make the database's rows for `path` those of its current bytes; their SHA-256 (None
    for a file that cannot be read)."""
    name = str(path)
    started = time.time_ns()  # before the stat: a write after it makes the stat differ
    status = file_status(path)
    row = engine.first_row(
        connection.execute(
            "SELECT size, mtime_ns, ctime_ns, inode, device, sha256, verified_ns, position "
            "FROM files WHERE name = ?",
            (name,),
        )
    )
    known = row is not None and row[5] is not None
    if known and status is not None and unchanged_by_stat(row[:5], row[6], status):
        if row[7] != position:
            with _write_transaction(connection):
                engine.file_row_id(connection, name, position)
        return str(row[5])
    data, unreadable = read_store_bytes(path, name)
    digest = content_hash(data) if data is not None else None
    if row is not None and digest is not None and row[5] == digest:
        # The same bytes (a touch, a copy): record the new stat so that it is trusted later.
        with _write_transaction(connection):
            engine.file_row_id(connection, name, position)
            _record_stat(connection, name, status, digest, started)
        return digest
    # One transaction for the whole read: another run waits for it instead of reading the
    # same file too, and finds it done.
    with _write_transaction(connection):
        current = engine.first_row(
            connection.execute("SELECT sha256 FROM files WHERE name = ?", (name,))
        )
        file_id = engine.file_row_id(connection, name, position)
        if digest is None or current is None or current[0] != digest:  # not written meanwhile
            engine.delete_file_rows(connection, file_id)
            if data is None:
                engine.insert_file_extras(
                    connection, file_id, FileContent(name, findings=unreadable)
                )
            else:
                stream_into_database(connection, file_id, data, name, progress)
        _record_stat(connection, name, status if digest else None, digest, started)
    return digest


def stream_into_database(
    connection: sqlite3.Connection,
    file_id: int,
    data: bytes,
    name: str,
    progress: LoadProgress | None = None,
) -> None:
    """A cold read straight into the database: incidents are validated as they are parsed
    and written in batches, so memory holds the file's bytes and one batch, not the file's
    whole tree and every incident."""
    from sahel_timeline.store.loader import parse_yaml_bytes  # only a cold file needs the parser
    from sahel_timeline.store.validate import IncidentStream

    written = 0

    def write(incidents: list[Incident]) -> None:
        nonlocal written
        engine.insert_incidents(connection, file_id, incidents, written)
        written += len(incidents)

    stream = IncidentStream(name, write)
    with collector_paused():
        reading = progress if progress is not None and len(data) >= PROGRESS_MIN_BYTES else None
        root, findings = parse_yaml_bytes(data, name, reading, on_record=stream)
        if reading is not None:
            reading.checking(name)
        if root is None and findings:
            # A file that could not be read to its end: like a cold read of it, no incident
            # and no finding of the records read before the problem.
            engine.delete_file_rows(connection, file_id)
            content = FileContent(name)
        else:
            content = stream.finish(root)
    content.findings[:0] = findings
    engine.insert_file_extras(connection, file_id, content)


def _load_without_cache(files: list[Path], now: dt.date, progress: LoadProgress | None) -> Store:
    """Every file read cold into a private temporary database (SQLite keeps it on disk when
    it grows, and deletes it when it is closed): a big store is never held whole."""
    connection = sqlite3.connect("", isolation_level=None)
    _OPENED.append(connection)
    connection.execute("BEGIN")
    engine.create_schema(connection)
    for position, path in enumerate(files):
        file_id = engine.file_row_id(connection, str(path), position)
        data, unreadable = read_store_bytes(path, str(path))
        if data is None:
            engine.insert_file_extras(
                connection, file_id, FileContent(str(path), findings=unreadable)
            )
        else:
            stream_into_database(connection, file_id, data, str(path), progress)
            del data
    connection.execute("COMMIT")
    return _store_on(connection, [str(path) for path in files], now, None, None, None)


def _load_through(
    connection: sqlite3.Connection,
    files: list[Path],
    now: dt.date,
    progress: LoadProgress | None,
    reload: Callable[[], Store] | None,
) -> Store:
    """The store, its rows in `connection` brought up to date file by file."""
    digests = [_refresh_file(connection, path, position, progress)
               for position, path in enumerate(files)]  # fmt: skip
    names = [str(path) for path in files]
    stale = [
        file_id
        for file_id, name in connection.execute("SELECT file_id, name FROM files")
        if name not in set(names)
    ]
    if stale:
        with _write_transaction(connection):
            for file_id in stale:
                engine.delete_file_rows(connection, file_id)
                connection.execute("DELETE FROM files WHERE file_id = ?", (file_id,))
    key = engine.store_findings_key(list(zip(names, [d or "" for d in digests], strict=True)))
    cacheable = all(digests)
    return _store_on(connection, names, now, None, reload, key if cacheable else None)


def file_contents_through_cache(
    store_path: Path, files: Sequence[Path], cache: Cache
) -> dict[Path, FileContent]:
    """Each file's validated content, taken from the store's cache database when its rows
    are those of the file's bytes (the file is read into it otherwise), as a query would."""
    connection = cache.connect([store_path])
    if connection is not None:
        _OPENED.append(connection)
        try:
            for position, path in enumerate(files):
                _refresh_file(connection, path, position, None)
            return {path: _file_content(connection, str(path)) for path in files}
        except (sqlite3.DatabaseError, RecordError):
            connection.close()
            cache.discard([store_path])
    return {path: load_file(path) for path in files}


def _file_content(connection: sqlite3.Connection, name: str) -> FileContent:
    [(file_id,)] = connection.execute("SELECT file_id FROM files WHERE name = ?", (name,))

    def records(table: str) -> list[str]:
        sql = f"SELECT record FROM {table} WHERE file_id = ? ORDER BY seq"
        return [record for (record,) in connection.execute(sql, (file_id,))]

    unloaded = connection.execute("SELECT id FROM unloaded_ids WHERE file_id = ?", (file_id,))
    with collector_paused():
        return FileContent(
            name,
            groups=[decode_group(record, name) for record in records("groups")],
            incidents=[decode_incident(record, name) for record in records("incidents")],
            findings=[decode_finding(record) for record in records("findings")],
            unloaded_ids={unloaded_id for (unloaded_id,) in unloaded},
        )


def remember_written_files(
    store_path: Path, written: Mapping[Path, tuple[bytes, FileContent]], cache: Cache
) -> None:
    """Give the store's cache database the content of files just written (their bytes and
    validated content), so that the next command does not read them again."""
    connection = cache.connect([store_path])
    if connection is None:
        return
    try:
        for path, (data, content) in written.items():
            name = str(path)
            started = time.time_ns()
            status = file_status(path)
            with _write_transaction(connection):
                row = engine.first_row(
                    connection.execute("SELECT position FROM files WHERE name = ?", (name,))
                )
                file_id = engine.file_row_id(connection, name, row[0] if row else 0)
                engine.delete_file_rows(connection, file_id)
                engine.insert_file_rows(connection, file_id, content)
                _record_stat(connection, name, status, content_hash(data), started)
    except sqlite3.Error:
        pass  # the cache is optional: the next command reads the files
    finally:
        connection.close()


class StoreUpdate:
    """A store's cache database, for writing some of the store's files: the store as it is
    (`before`, read through the cache as a query would), then the store as the new files
    would leave it (`stage`: their rows replace the files' rows and the rules that span
    records are asked there, in one write transaction, so that their incidents are written
    once), and at last `commit` once the files are written, or `rollback`, which leaves the
    database as `before` found it."""

    def __init__(self, connection: sqlite3.Connection, before: Store) -> None:
        self._connection = connection
        self.before = before
        self.before_findings = before.findings  # read now: `stage` changes the rows
        self._staged = False

    @classmethod
    def open(
        cls, store_path: Path, files: Sequence[Path], now: dt.date, cache: Cache
    ) -> StoreUpdate | None:
        """The update of the store at `store_path` (its files `files`, maybe none yet);
        None when its cache database cannot be used (the caller goes without it)."""
        if not files:
            # A store of no file yet: its database can only hold files deleted since, whose
            # rows would be deleted one by one; a new database costs nothing.
            cache.discard([store_path])
        connection = cache.connect([store_path])
        if connection is None:
            return None
        _OPENED.append(connection)
        try:
            before = _load_through(connection, list(files), now, None, None)
            before.incidents  # noqa: B018 - every record read now, a damaged one found here
            return cls(connection, before)
        except (sqlite3.DatabaseError, RecordError) as error:
            connection.close()
            if not (isinstance(error, sqlite3.OperationalError) and _busy(error)):
                cache.discard([store_path])
            return None

    def stage(self, contents: Mapping[Path, FileContent], now: dt.date) -> Store:
        """The store with `contents` in place of (or after) its files, in the database, in
        a write transaction left open for `commit` or `rollback`."""
        connection = self._connection
        connection.execute("BEGIN IMMEDIATE")
        self._staged = True
        positions = dict(connection.execute("SELECT name, position FROM files").fetchall())
        names = list(self.before.files)
        for path, content in contents.items():
            name = str(path)
            if name not in names:  # a new file comes after the store's files
                positions[name] = len(names)
                names.append(name)
            file_id = engine.file_row_id(connection, name, positions[name])
            engine.delete_file_rows(connection, file_id)
            engine.insert_file_rows(connection, file_id, content)
        return _store_on(connection, names, now, None, None, None)

    def commit(self, written: Mapping[Path, bytes]) -> None:
        """Record what proves the files just written unchanged (`written`: their bytes) and
        end the transaction; the cache is optional: a failure leaves the database as it was
        and the next command reads the files."""
        try:
            for path, data in written.items():
                started = time.time_ns()  # before the stat: a write after it makes it differ
                _record_stat(
                    self._connection, str(path), file_status(path), content_hash(data), started
                )
            self._connection.execute("COMMIT")
            self._staged = False
        except sqlite3.Error:
            pass
        finally:
            self.close()

    def rollback(self) -> None:
        """Undo `stage` (nothing to undo without it) and close the database."""
        self.close()

    def close(self) -> None:
        try:
            if self._staged:
                self._staged = False
                self._connection.execute("ROLLBACK")
        except sqlite3.Error:
            pass
        finally:
            self._connection.close()


def assemble_store(contents: Iterable[FileContent], now: dt.date) -> Store:
    """One store of already validated files, in an in-memory database."""
    connection = engine.memory_database()
    objects: dict[int, Incident] = {}
    names = []
    with _write_transaction(connection):  # one transaction, not one per row
        for position, content in enumerate(contents):
            names.append(content.file)
            file_id = engine.file_row_id(connection, content.file, position)
            row_ids = engine.insert_file_rows(connection, file_id, content, records=False)
            objects.update(zip(row_ids, content.incidents, strict=True))
    return _store_on(connection, names, now, objects, None, None)


def _store_on(
    connection: sqlite3.Connection,
    names: list[str],
    now: dt.date,
    objects: dict[int, Incident] | None,
    reload: Callable[[], Store] | None,
    findings_key: str | None,
) -> Store:
    order = "JOIN files AS f ON f.file_id = t.file_id ORDER BY f.position, t.seq"
    groups = [
        decode_group(record, name)
        for record, name in connection.execute(f"SELECT t.record, f.name FROM groups AS t {order}")
    ]
    findings = [
        decode_finding(record)
        for (record,) in connection.execute(f"SELECT t.record FROM findings AS t {order}")
    ]
    registry, group_findings = build_registry(groups)
    findings += group_findings
    store = Store(names, registry, connection, [], now, objects, reload)
    cached = engine.cached_store_findings(connection, findings_key) if findings_key else None
    if cached is None:
        cross_record = capped(
            engine.check_incidents(connection, registry, store._incident, suggest)
        )
        if findings_key:
            with _write_transaction(connection):
                engine.remember_store_findings(connection, findings_key, cross_record)
    else:
        cross_record, store._more_warnings = cached
    store._findings = findings + cross_record
    return store


def _where(record: Incident | Group) -> str:
    assert record.origin is not None
    return f"{record.origin.file}:{record.origin.line}"


def build_registry(groups: list[Group]) -> tuple[GroupRegistry, list[Finding]]:
    findings: list[Finding] = []
    registry = GroupRegistry()
    for group in groups:
        if group.id in registry:
            first = registry.groups[group.id]
            message = f"duplicate group id {group.id!r} (first at {_where(first)})"
            findings.append(engine.record_finding(group, "id", ERROR, "duplicate-id", message))
            continue
        for name in group.names():
            owner = registry.owner_of_name(name)
            if owner is not None and owner != group.id:
                message = f"the name {name!r} already belongs to group {owner!r}"
                path = _name_path(group, name)
                findings.append(
                    engine.record_finding(group, path, ERROR, "ambiguous-group-name", message)
                )
        registry.add(group)
    for group in registry:
        for key in ("affiliation", "merged_into"):
            target = getattr(group, key)
            if target is not None and target not in registry:
                message = f"{key} {target!r} is not a group id in the registry"
                findings.append(engine.record_finding(group, key, ERROR, "unknown-group", message))
    findings += _group_cycles(registry)
    return registry, findings


def _name_path(group: Group, name: str) -> str:
    """The field of `group` that holds `name`, for the finding's position."""
    for key in ("id", "name", "short"):
        if getattr(group, key) == name:
            return key
    return f"aliases.{group.aliases.index(name)}" if name in group.aliases else "aliases"


def _parents(group: Group) -> list[str]:
    return [parent for parent in (group.merged_into, group.affiliation) if parent is not None]


def _group_cycles(registry: GroupRegistry) -> list[Finding]:
    # Both affiliation and merged_into are edges of the tree: a cycle through either one
    # leaves its groups without a root.
    findings = []
    for group in registry:
        seen: set[str] = set()
        pending = _parents(group)
        while pending:
            parent = pending.pop()
            if parent == group.id:
                message = (
                    f"group {group.id!r} is its own ancestor through affiliation or merged_into"
                )
                findings.append(engine.record_finding(group, "id", ERROR, "group-cycle", message))
                break
            if parent in seen or parent not in registry:
                continue
            seen.add(parent)
            pending.extend(_parents(registry.groups[parent]))
    return findings


def suggest(word: str, candidates: Iterable[str]) -> str:
    """` (did you mean X?)` for the candidates close to `word`, ignoring case.

    Close means similar by difflib's ratio, or the same letters in another order (`JMIN`
    for `JNIM`), the typo a ratio ranks lowest on short acronyms.
    """
    by_folded: dict[str, str] = {}
    for candidate in candidates:
        by_folded.setdefault(candidate.casefold(), candidate)
    folded = word.casefold()
    close = difflib.get_close_matches(folded, list(by_folded), n=3, cutoff=0.6)
    letters = sorted(folded)
    close += [c for c in by_folded if sorted(c) == letters and c != folded and c not in close]
    shown = [by_folded[c] for c in close[:3]]
    return f" (did you mean {', '.join(shown)}?)" if shown else ""
