"""The query engine: a store's incidents as a SQLite database, and every filter and sort as SQL.

One definition answers every query: a warm query runs it on the cache's database, and a
store loaded without the cache (`--no-cache`, stdin, a git revision in `diff`) is first
written to an in-memory database with the same tables. The meaning of each filter is in
`query`'s module docstring; this module only says it in SQL.

Tables:
- files: one row per store file, its place in the store (`position`) and, in the cache,
  what proves it unchanged (see `cache`);
- incidents: one row per incident in store order (`position` of the file, `seq` in it), the
  columns filters and sorts use, and the full record as JSON (`record_codec`);
- perpetrators, target_groups, labels (tactics, targets and tags, folded), related: the
  lists of a record;
- incident_text: the full-text index behind `--text` (FTS5, case and accents ignored; on
  a Python whose SQLite lacks FTS5, a table of folded text searched with LIKE);
- groups, findings (the per-file rules), unloaded_ids: the rest of a file's content;
- store_findings: the findings of the rules that span records, by the files they were
  computed for.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sahel_timeline.engine.query import (
    SORT_KEYS,
    Filter,
    Query,
    QueryError,
    country_code_of,
    country_name_of,
    fold_text,
    group_family,
    text_words,
    unknown_value_message,
)
from sahel_timeline.engine.record_codec import (
    decode_finding,
    encode_finding,
    encode_group,
    encode_incident,
)
from sahel_timeline.findings import ERROR, WARNING, Finding
from sahel_timeline.model import FileContent, Group, Incident
from sahel_timeline.registry import GroupRegistry
from sahel_timeline.vocab import UNKNOWN_STATUS

ENGINE_FORMAT = 4  # bump when a table, a column or the shape of a record changes
MILESTONE = "milestone"
IMPORTED_ID_PREFIX = "acled-"  # ids the ACLED importer owns
DAY_PRECISION_LENGTH = len("2018-03-02")

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    file_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    position INTEGER NOT NULL DEFAULT 0,
    size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER, inode INTEGER, device INTEGER,
    sha256 TEXT,
    verified_ns INTEGER
);
CREATE TABLE IF NOT EXISTS incidents (
    row_id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    date TEXT NOT NULL,
    start_day INTEGER NOT NULL,
    end_day INTEGER NOT NULL,
    country3 TEXT,
    country_sort TEXT,
    country_code TEXT,
    place_key TEXT,
    killed INTEGER,
    line INTEGER NOT NULL,
    date_line INTEGER NOT NULL,
    date_column INTEGER NOT NULL,
    day_place INTEGER,
    record TEXT
);
CREATE INDEX IF NOT EXISTS incidents_by_file ON incidents (file_id, seq);
CREATE INDEX IF NOT EXISTS incidents_by_start ON incidents (start_day);
DROP INDEX IF EXISTS incidents_by_country;
CREATE INDEX IF NOT EXISTS incidents_by_country_days ON incidents (country3, start_day, end_day);
CREATE INDEX IF NOT EXISTS incidents_by_id ON incidents (id);
CREATE INDEX IF NOT EXISTS incidents_by_day_place ON incidents (day_place)
    WHERE day_place IS NOT NULL;
CREATE TABLE IF NOT EXISTS perpetrators (
    incident INTEGER NOT NULL, position INTEGER NOT NULL,
    group_ref TEXT NOT NULL, group_key TEXT NOT NULL, status TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS perpetrators_by_incident ON perpetrators (incident);
CREATE TABLE IF NOT EXISTS target_groups (incident INTEGER NOT NULL, position INTEGER NOT NULL,
                                          group_ref TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS target_groups_by_incident ON target_groups (incident);
CREATE TABLE IF NOT EXISTS labels (incident INTEGER NOT NULL, field TEXT NOT NULL,
                                   value TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS labels_by_incident ON labels (incident);
CREATE TABLE IF NOT EXISTS related (incident INTEGER NOT NULL, position INTEGER NOT NULL,
                                    related_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS related_by_incident ON related (incident);
{text_table};
CREATE TABLE IF NOT EXISTS groups (file_id INTEGER NOT NULL, seq INTEGER NOT NULL,
                                   record TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS findings (file_id INTEGER NOT NULL, seq INTEGER NOT NULL,
                                     record TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS unloaded_ids (file_id INTEGER NOT NULL, id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS store_findings (key TEXT PRIMARY KEY, records TEXT NOT NULL);
"""

_FTS5_TABLE = """CREATE VIRTUAL TABLE IF NOT EXISTS incident_text USING fts5 (
    title, summary, notes, place, sources, tokenize = 'unicode61 remove_diacritics 2'
)"""
_FOLDED_TEXT_TABLE = """CREATE TABLE IF NOT EXISTS incident_text (
    rowid INTEGER PRIMARY KEY, title TEXT, summary TEXT, notes TEXT, place TEXT, sources TEXT
)"""


def _sqlite_has_fts5() -> bool:
    connection = sqlite3.connect(":memory:")
    try:
        options = {row[0] for row in connection.execute("PRAGMA compile_options")}
    finally:
        connection.close()
    return "ENABLE_FTS5" in options


HAS_FTS5 = _sqlite_has_fts5()
_TEXT_COLUMNS = ("title", "summary", "notes", "place", "sources")

# Store order: the file's place in the store, then the record's place in the file.
_STORE_ORDER = "f.position, i.seq"
_FROM = "incidents AS i JOIN files AS f ON f.file_id = i.file_id"


def first_row(cursor: sqlite3.Cursor) -> Any:
    """The first row of a query, or None; the statement is run to its end (a statement left
    half-read keeps a read transaction open, which would block another run's writes)."""
    rows = cursor.fetchall()
    return rows[0] if rows else None


def create_schema(connection: sqlite3.Connection) -> None:
    """The engine's tables, inside the caller's transaction (executescript would end it)."""
    text_table = _FTS5_TABLE if HAS_FTS5 else _FOLDED_TEXT_TABLE
    for statement in SCHEMA.replace("{text_table}", text_table).split(";"):
        if statement.strip():
            connection.execute(statement)


def memory_database() -> sqlite3.Connection:
    """An empty database with the engine's tables, for a store loaded without the cache."""
    connection = sqlite3.connect(":memory:", isolation_level=None)
    create_schema(connection)
    return connection


# --- writing a file's rows -------------------------------------------------------------------


def _date_mark(incident: Incident) -> tuple[int, int]:
    origin = incident.origin
    fallback = (origin.line, origin.column) if origin is not None else (1, 1)
    return incident.marks.get("date", fallback)


def _day_place(incident: Incident) -> int | None:
    """A number for the day and place of an incident that could be a duplicate (one dated
    to the day, with a place; not a milestone), so that the possible-duplicate rule groups
    numbers in an index instead of sorting text. Equal numbers are then compared in full."""
    place = incident.location.place
    if incident.is_milestone or not place or incident.date.precision != "day":
        return None
    text = f"{incident.date}\0{incident.location.country_code or ''}\0{place.casefold()}"
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _sources_text(incident: Incident) -> str:
    return "\n".join(
        part
        for source in incident.sources
        for part in (source.title, source.author, source.publisher)
        if part
    )


def file_row_id(connection: sqlite3.Connection, name: str, position: int) -> int:
    """The file_id of `name`, its row created when new; its place in the store updated."""
    connection.execute(
        "INSERT INTO files (name, position) VALUES (?, ?) "
        "ON CONFLICT (name) DO UPDATE SET position = excluded.position",
        (name, position),
    )
    [(file_id,)] = connection.execute(
        "SELECT file_id FROM files WHERE name = ?", (name,)
    ).fetchall()
    return int(file_id)


def delete_file_rows(connection: sqlite3.Connection, file_id: int) -> None:
    """Everything a file contributed, but not its files row."""
    rows = "(SELECT row_id FROM incidents WHERE file_id = ?)"
    for table in ("perpetrators", "target_groups", "labels", "related"):
        connection.execute(f"DELETE FROM {table} WHERE incident IN {rows}", (file_id,))
    connection.execute(f"DELETE FROM incident_text WHERE rowid IN {rows}", (file_id,))
    for table in ("incidents", "groups", "findings", "unloaded_ids"):
        connection.execute(f"DELETE FROM {table} WHERE file_id = ?", (file_id,))


def insert_file_rows(
    connection: sqlite3.Connection, file_id: int, content: FileContent, *, records: bool = True
) -> list[int]:
    """Write a file's content under `file_id`; the row ids of its incidents, in order.

    Without `records` the full records are left out (an in-memory store keeps its objects).
    """
    row_ids = insert_incidents(connection, file_id, content.incidents, 0, records=records)
    insert_file_extras(connection, file_id, content)
    return row_ids


def insert_incidents(
    connection: sqlite3.Connection,
    file_id: int,
    incidents: Sequence[Incident],
    first_seq: int,
    *,
    records: bool = True,
) -> list[int]:
    """Write incidents of a file, the first at place `first_seq` in it; their row ids."""
    [(last,)] = connection.execute("SELECT coalesce(max(row_id), 0) FROM incidents").fetchall()
    first = int(last) + 1
    row_ids = list(range(first, first + len(incidents)))
    if incidents:
        _widen_longest_span(
            connection, max(i.end.toordinal() - i.start.toordinal() for i in incidents)
        )
    connection.executemany(
        "INSERT INTO incidents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (
                row_id, file_id, seq, incident.id, incident.kind, str(incident.date),
                incident.start.toordinal(), incident.end.toordinal(),
                country_code_of(incident.location),
                _folded_or_none(country_name_of(incident.location)),
                incident.location.country_code,
                incident.location.place.casefold() if incident.location.place else None,
                incident.killed.highest_given if incident.killed is not None else None,
                incident.origin.line if incident.origin is not None else 1,
                *_date_mark(incident),
                _day_place(incident),
                encode_incident(incident) if records else None,
            )
            for seq, (row_id, incident) in enumerate(
                zip(row_ids, incidents, strict=True), start=first_seq
            )
        ),
    )  # fmt: skip
    connection.executemany(
        "INSERT INTO perpetrators VALUES (?, ?, ?, ?, ?)",
        (
            (row_id, position, p.group, p.group.strip().casefold(), p.status.casefold())
            for row_id, incident in zip(row_ids, incidents, strict=True)
            for position, p in enumerate(incident.perpetrators)
        ),
    )
    for table, field in (("target_groups", "target_groups"), ("related", "related")):
        connection.executemany(
            f"INSERT INTO {table} VALUES (?, ?, ?)",
            (
                (row_id, position, value)
                for row_id, incident in zip(row_ids, incidents, strict=True)
                for position, value in enumerate(getattr(incident, field))
            ),
        )
    connection.executemany(
        "INSERT INTO labels VALUES (?, ?, ?)",
        (
            (row_id, field, value.casefold())
            for row_id, incident in zip(row_ids, incidents, strict=True)
            for field, values in (
                ("tactic", incident.tactics), ("target", incident.targets), ("tag", incident.tags)
            )
            for value in values
        ),
    )  # fmt: skip
    connection.executemany(
        "INSERT INTO incident_text (rowid, title, summary, notes, place, sources) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            (row_id, *map(_searchable, (
                incident.title, incident.summary, incident.notes,
                " ".join(p for p in (incident.location.place, incident.location.site) if p),
                _sources_text(incident),
            )))
            for row_id, incident in zip(row_ids, incidents, strict=True)
        ),
    )  # fmt: skip
    return row_ids


def _widen_longest_span(connection: sqlite3.Connection, days: int) -> None:
    """Keep `meta.longest_span` at least the longest incident's length in days (it never
    shrinks: a bound that is too wide only costs a little speed)."""
    known = max(longest_span(connection), days)
    connection.execute("INSERT OR REPLACE INTO meta VALUES ('longest_span', ?)", (known,))


def longest_span(connection: sqlite3.Connection) -> int:
    """The longest incident's span in days (as recorded, else measured)."""
    row = first_row(connection.execute("SELECT value FROM meta WHERE key = 'longest_span'"))
    if row is not None:
        return int(row[0])
    sql = "SELECT coalesce(max(end_day - start_day), 0) FROM incidents"
    return int(connection.execute(sql).fetchall()[0][0])


def insert_file_extras(connection: sqlite3.Connection, file_id: int, content: FileContent) -> None:
    """Write a file's groups, findings and the ids of the incidents left out for errors."""
    connection.executemany(
        "INSERT INTO groups VALUES (?, ?, ?)",
        ((file_id, seq, encode_group(group)) for seq, group in enumerate(content.groups)),
    )
    connection.executemany(
        "INSERT INTO findings VALUES (?, ?, ?)",
        ((file_id, seq, encode_finding(f)) for seq, f in enumerate(content.findings)),
    )
    connection.executemany(
        "INSERT INTO unloaded_ids VALUES (?, ?)",
        ((file_id, unloaded) for unloaded in sorted(content.unloaded_ids)),
    )


def _searchable(text: str | None) -> str | None:
    """Text as the search index keeps it: as written for FTS5 (its tokenizer folds it),
    else folded words between single spaces, for LIKE."""
    if HAS_FTS5 or text is None:
        return text
    return " " + " ".join(text_words(fold_text(text))) + " "


def _folded_or_none(text: str | None) -> str | None:
    return fold_text(text) if text else None


# --- filters and sorts ------------------------------------------------------------------------


def _placeholders(values: Sequence[Any]) -> str:
    return ", ".join("?" * len(values))


def _group_keys(refs: Sequence[str], registry: GroupRegistry) -> list[str]:
    """The folded spellings that resolve to a group of the families of `refs`."""
    keys: set[str] = set()
    for ref in refs:
        for group_id in group_family(ref, registry):
            group = registry.groups[group_id]
            keys.update(
                name.strip().casefold()
                for name in group.names()
                if registry.owner_of_name(name.strip()) == group_id
            )
    return sorted(keys)


def text_match_expression(text: str) -> str:
    """FTS5 syntax for `--text`: every word, each as the start of a word, in any order."""
    return " AND ".join('"' + word.replace('"', '""') + '"*' for word in text_words(text))


def filter_sql(
    flt: Filter, registry: GroupRegistry, longest: int | None = None
) -> tuple[str, list[Any]]:
    """The WHERE clause (over `i`, an incidents row) that keeps what `flt` keeps.

    `longest`, the longest incident's span in days, lets `since` bound the start day too,
    so that an index on start days answers a window instead of everything before it.
    """
    clauses: list[str] = []
    params: list[Any] = []
    if flt.since is not None:
        clauses.append("i.end_day >= ?")
        params.append(flt.since.toordinal())
        if longest is not None:
            clauses.append("i.start_day >= ?")
            params.append(flt.since.toordinal() - longest)
    if flt.until is not None:
        clauses.append("i.start_day <= ?")
        params.append(flt.until.toordinal())
    if flt.countries:
        codes = sorted({code.upper() for code in flt.countries})
        clauses.append(f"i.country3 IN ({_placeholders(codes)})")
        params += codes
    if flt.groups or flt.statuses:
        clause, values = _perpetrator_sql(flt, registry)
        clauses.append(clause)
        params += values
    for field, wanted in (("tactic", flt.tactics), ("target", flt.targets), ("tag", flt.tags)):
        if wanted:
            folded = sorted({value.casefold() for value in wanted})
            clauses.append(
                "EXISTS (SELECT 1 FROM labels AS l WHERE l.incident = i.row_id "
                f"AND l.field = ? AND l.value IN ({_placeholders(folded)}))"
            )
            params += [field, *folded]
    if flt.kinds:
        kinds = sorted({kind.casefold() for kind in flt.kinds})
        clauses.append(f"lower(i.kind) IN ({_placeholders(kinds)})")
        params += kinds
    if flt.text and HAS_FTS5:
        clauses.append("i.row_id IN (SELECT rowid FROM incident_text WHERE incident_text MATCH ?)")
        params.append(text_match_expression(flt.text))
    elif flt.text:
        fields = " || ".join(
            f"coalesce(t.{column}, '')"
            for column in ("title", "summary", "notes", "place", "sources")
        )
        for word in text_words(fold_text(flt.text)):
            clauses.append(
                f"i.row_id IN (SELECT t.rowid FROM incident_text AS t WHERE {fields} LIKE ? "
                "ESCAPE '\\')"
            )
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            params.append(f"% {escaped}%")
    if flt.min_killed is not None:
        clauses.append("i.killed >= ?")
        params.append(flt.min_killed)
    return (" AND ".join(clauses) or "1"), params


def _perpetrator_sql(flt: Filter, registry: GroupRegistry) -> tuple[str, list[Any]]:
    statuses = sorted({status.casefold() for status in flt.statuses})
    named = [status for status in statuses if status != UNKNOWN_STATUS]
    conditions: list[str] = []
    params: list[Any] = []
    if flt.groups:
        keys = _group_keys(flt.groups, registry)
        conditions.append(f"p.group_key IN ({_placeholders(keys)})")
        params += keys
    if statuses:
        conditions.append(f"p.status IN ({_placeholders(named)})" if named else "0")
        params += named
    some = (
        "EXISTS (SELECT 1 FROM perpetrators AS p WHERE p.incident = i.row_id AND "
        + " AND ".join(conditions)
        + ")"
    )
    if UNKNOWN_STATUS in statuses and not flt.groups:
        # A milestone has no attribution to be unknown: "unknown" means unattributed attacks.
        unattributed = (
            f"(i.kind != '{MILESTONE}' AND NOT EXISTS "
            "(SELECT 1 FROM perpetrators AS p WHERE p.incident = i.row_id))"
        )
        return f"({some} OR {unattributed})", params
    return some, params


def order_sql(key: str, reverse: bool) -> str:
    """ORDER BY terms for a sort key; entries without the value come last, in date order."""
    direction = "DESC" if reverse else "ASC"
    date_order = ("i.start_day", "i.end_day", "i.id")
    if key == "date":
        return ", ".join([*(f"{c} {direction}" for c in date_order), _STORE_ORDER])
    if key == "id":
        return f"i.id {direction}, {_STORE_ORDER}"
    if key == "killed":
        value = "i.killed"
    elif key == "country":
        value = "i.country_sort"
    else:
        raise QueryError(unknown_value_message("sort key", key, SORT_KEYS), field="sort")
    tie_break = (*date_order, "f.position", "i.seq")
    # Rows without the value: date then store order, whichever the direction; rows with
    # it: by the value then date order, all flipped by `reverse`.
    return ", ".join(
        [
            f"{value} IS NULL",
            f"{value} {direction}",
            *(f"CASE WHEN {value} IS NULL THEN {c} END" for c in tie_break),
            *(f"{c} {direction}" for c in tie_break),
        ]
    )


def select_rows(
    connection: sqlite3.Connection, query: Query, registry: GroupRegistry, *, records: bool
) -> list[tuple[int, int, str | None]]:
    """(row_id, file_id, record) of what `query` selects, in its order; the record is None
    unless `records` asks for it."""
    return stream_rows(connection, query, registry, records=records).fetchall()


def stream_rows(
    connection: sqlite3.Connection, query: Query, registry: GroupRegistry, *, records: bool
) -> sqlite3.Cursor:
    """`select_rows` as a cursor: SQLite hands over the first rows in date order as soon as
    it finds them (the start-day index gives that order), before it has read the rest."""
    where, params = filter_sql(query.filter, registry, longest_span(connection))
    record = "i.record" if records else "NULL"
    sql = (
        f"SELECT i.row_id, i.file_id, {record} FROM {_FROM} WHERE {where} "
        f"ORDER BY {order_sql(query.sort, query.reverse)}"
    )
    if query.limit is not None:
        sql += " LIMIT ?"
        params.append(max(query.limit, 0))
    return connection.execute(sql, params)


def count_rows(connection: sqlite3.Connection, flt: Filter, registry: GroupRegistry) -> int:
    """How many entries `flt` keeps."""
    where, params = filter_sql(flt, registry, longest_span(connection))
    [(count,)] = connection.execute(f"SELECT count(*) FROM {_FROM} WHERE {where}", params)
    return int(count)


# --- queries over a list of incidents ------------------------------------------------------------


def _over_objects(
    incidents: Iterable[Incident], rows: Callable[[sqlite3.Connection], Iterable[int]]
) -> list[Incident]:
    """The incidents whose row ids `rows` gives, asked of an in-memory database of them."""
    items = list(incidents)
    connection = memory_database()
    try:
        file_id = file_row_id(connection, "", 0)
        insert_file_rows(connection, file_id, FileContent("", incidents=items), records=False)
        return [items[row_id - 1] for row_id in rows(connection)]
    finally:
        connection.close()


def run_query(
    incidents: Iterable[Incident], query: Query, registry: GroupRegistry
) -> list[Incident]:
    """Filter, then sort, then keep the first `limit` entries (through an in-memory database)."""
    return _over_objects(
        incidents,
        lambda connection: (
            row_id for row_id, _, _ in select_rows(connection, query, registry, records=False)
        ),
    )


def apply_filter(
    incidents: Iterable[Incident], flt: Filter, registry: GroupRegistry
) -> list[Incident]:
    """The incidents that pass `flt`, in their incoming order."""
    where, params = filter_sql(flt, registry)
    sql = f"SELECT i.row_id FROM {_FROM} WHERE {where} ORDER BY {_STORE_ORDER}"
    return _over_objects(
        incidents, lambda connection: (row_id for (row_id,) in connection.execute(sql, params))
    )


def sort_incidents(
    incidents: Iterable[Incident], key: str = "date", reverse: bool = False
) -> list[Incident]:
    """Incidents in the order of `key` (see `order_sql`); `reverse` flips it."""
    return run_query(incidents, Query(sort=key, reverse=reverse), GroupRegistry())  # type: ignore[arg-type]


# --- the rules that span records ---------------------------------------------------------------


def store_findings_key(files: Sequence[tuple[str, str]]) -> str:
    """What cross-record findings are valid for: each file's name and content hash, in order."""
    digest = hashlib.sha256(f"{ENGINE_FORMAT}".encode())
    for name, content_hash in files:
        digest.update(f"\0{name}\0{content_hash}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def cached_store_findings(
    connection: sqlite3.Connection, key: str
) -> tuple[list[Finding], Callable[[], list[Finding]]] | None:
    """The cached cross-record findings for `key`: the errors, and a function that gives
    the warnings (read only when asked for: a query needs only to know there is no error,
    and a big store may have thousands of possible duplicates)."""
    sql = "SELECT key, records FROM store_findings WHERE key IN (?, ?)"
    rows = dict(connection.execute(sql, (f"{key}/{ERROR}", f"{key}/{WARNING}")).fetchall())
    if len(rows) != 2:
        return None
    errors = [decode_finding(line) for line in rows[f"{key}/{ERROR}"].splitlines()]
    return errors, lambda: [decode_finding(line) for line in rows[f"{key}/{WARNING}"].splitlines()]


def remember_store_findings(
    connection: sqlite3.Connection, key: str, findings: Sequence[Finding]
) -> None:
    connection.execute("DELETE FROM store_findings")
    connection.executemany(
        "INSERT OR REPLACE INTO store_findings VALUES (?, ?)",
        (
            (f"{key}/{severity}",
             "\n".join(encode_finding(f) for f in findings if f.severity == severity))
            for severity in (ERROR, WARNING)
        ),
    )  # fmt: skip


def record_finding(
    record: Incident | Group, path: str, severity: str, rule: str, message: str
) -> Finding:
    """A finding at the value `path` of a record (at the record itself when unmarked)."""
    assert record.origin is not None
    line, column = record.marks.get(path, (record.origin.line, record.origin.column))
    return Finding(record.origin.file, line, column, severity, rule, message)


def check_incidents(
    connection: sqlite3.Connection,
    registry: GroupRegistry,
    record: Callable[[int, int], Incident],
    suggest: Callable[[str, Iterable[str]], str],
) -> list[Finding]:
    """The rules that span records, asked of the database; `record(row_id, file_id)` builds
    only the incidents that have a finding (for the position of the value at fault)."""
    findings: list[Finding] = []
    where = f"SELECT f.name || ':' || i.line FROM {_FROM} WHERE i.row_id = ?"

    def place_of(row_id: int) -> str:
        return str(connection.execute(where, (row_id,)).fetchall()[0][0])

    duplicated = (
        f"SELECT i.row_id, i.file_id, i.id FROM {_FROM} WHERE i.id IN "
        "(SELECT id FROM incidents GROUP BY id HAVING count(*) > 1) "
        f"ORDER BY i.id, {_STORE_ORDER}"
    )
    first_of: dict[str, int] = {}
    for row_id, file_id, incident_id in connection.execute(duplicated).fetchall():
        if incident_id not in first_of:
            first_of[incident_id] = row_id
            continue
        message = f"duplicate id {incident_id!r} (first at {place_of(first_of[incident_id])})"
        findings.append(
            record_finding(record(row_id, file_id), "id", ERROR, "duplicate-id", message)
        )
    findings += _unknown_groups(connection, registry, record, suggest)
    findings += _unknown_related(connection, record, suggest)
    findings += _possible_duplicates(connection, place_of)
    return findings


def _unknown_groups(
    connection: sqlite3.Connection,
    registry: GroupRegistry,
    record: Callable[[int, int], Incident],
    suggest: Callable[[str, Iterable[str]], str],
) -> list[Finding]:
    """Perpetrators and target groups that name no group of the registry."""
    findings = []
    group_names: list[str] = []
    for table, path in (("perpetrators", "perpetrators.{}.group"),
                        ("target_groups", "target_groups.{}")):  # fmt: skip
        refs = [ref for (ref,) in connection.execute(f"SELECT DISTINCT group_ref FROM {table}")]
        unknown = sorted(ref for ref in refs if registry.resolve(ref) is None)
        if not unknown:
            continue
        if not group_names:
            # Display names first, so that a suggestion reads as the user writes: JNIM.
            group_names = [group.short for group in registry if group.short]
            group_names += [name for group in registry for name in group.names()]
        sql = (
            f"SELECT i.row_id, i.file_id, p.position, p.group_ref FROM {_FROM} "
            f"JOIN {table} AS p ON p.incident = i.row_id "
            f"WHERE p.group_ref IN ({_placeholders(unknown)}) ORDER BY {_STORE_ORDER}, p.position"
        )
        for row_id, file_id, position, group in connection.execute(sql, unknown).fetchall():
            message = f"unknown group {group!r}{suggest(group, group_names)}"
            findings.append(
                record_finding(
                    record(row_id, file_id), path.format(position), ERROR, "unknown-group", message
                )
            )
    return findings


def _unknown_related(
    connection: sqlite3.Connection,
    record: Callable[[int, int], Incident],
    suggest: Callable[[str, Iterable[str]], str],
) -> list[Finding]:
    sql = (
        f"SELECT i.row_id, i.file_id, r.position, r.related_id, i.id FROM {_FROM} "
        "JOIN related AS r ON r.incident = i.row_id "
        "WHERE r.related_id = i.id OR (NOT EXISTS "
        "(SELECT 1 FROM incidents AS j WHERE j.id = r.related_id) AND NOT EXISTS "
        "(SELECT 1 FROM unloaded_ids AS u WHERE u.id = r.related_id)) "
        f"ORDER BY {_STORE_ORDER}, r.position"
    )
    rows = connection.execute(sql).fetchall()
    if not rows:
        return []
    known_ids = list(dict.fromkeys(i for (i,) in connection.execute("SELECT id FROM incidents")))
    findings = []
    for row_id, file_id, position, related, incident_id in rows:
        what = "the incident itself" if related == incident_id else "not an id in the store"
        message = f"related id {related!r} is {what}{suggest(related, known_ids)}"
        findings.append(
            record_finding(
                record(row_id, file_id), f"related.{position}", ERROR, "unknown-related", message
            )
        )
    return findings


def _possible_duplicates(
    connection: sqlite3.Connection, place_of: Callable[[int], str]
) -> list[Finding]:
    key = "i.date, coalesce(i.country_code, ''), i.place_key"
    sql = (
        f"SELECT i.row_id, i.id, f.name, i.date_line, i.date_column, {key} FROM {_FROM} "
        "WHERE i.day_place IN (SELECT day_place FROM incidents WHERE day_place IS NOT NULL "
        f"GROUP BY day_place HAVING count(*) > 1) ORDER BY {_STORE_ORDER}"
    )
    # Two events of one dataset with distinct ids are distinct events (ACLED's `acled-`
    # entries): only an entry and one of another origin can duplicate.
    first: dict[tuple[str, ...], tuple[int, str]] = {}
    findings = []
    for row_id, incident_id, file, line, column, *same in connection.execute(sql).fetchall():
        imported = incident_id.startswith(IMPORTED_ID_PREFIX)
        slot, opposite = (*same, str(imported)), (*same, str(not imported))
        earlier = None if imported else first.get(slot)
        if earlier is None:
            earlier = first.get(opposite)
        if earlier is not None:
            message = f"same day and place as {earlier[1]!r} ({place_of(earlier[0])}): a duplicate?"
            findings.append(Finding(file, line, column, WARNING, "possible-duplicate", message))
        first.setdefault(slot, (row_id, incident_id))
    return findings


def future_date_findings(connection: sqlite3.Connection, now: dt.date) -> list[Finding]:
    """Incidents dated after `now` (never cached: tomorrow they may be fine)."""
    sql = (
        f"SELECT f.name, i.date_line, i.date_column, i.date FROM {_FROM} "
        f"WHERE i.start_day > ? ORDER BY {_STORE_ORDER}"
    )
    today = now.isoformat()
    return [
        Finding(file, line, column, WARNING, "future-date",
                f"date {date} is in the future (today is {today})")
        for file, line, column, date in connection.execute(sql, (now.toordinal(),))
    ]  # fmt: skip
