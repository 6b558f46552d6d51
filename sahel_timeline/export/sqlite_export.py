"""SQLite: the chosen entries as a database for Datasette, sqlite-utils or a notebook.

Tables with keys: `incidents` (one row per entry, `position` its place in the export's
order), `perpetrators` and `sources` (one row per item, keyed by the incident and the
item's position), `groups` (the whole registry, each group with its parent). The view
`incidents_csv` reads like the default CSV export, one row per entry in the export's order.
Columns are documented in docs/exports.md.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Sequence
from pathlib import Path

from sahel_timeline.export import ExportContext
from sahel_timeline.export.csv_export import FIGURE_FIELDS, LIST_SEPARATOR
from sahel_timeline.model import Figure, FuzzyDate, Incident
from sahel_timeline.registry import GroupRegistry
from sahel_timeline.reports.labels import UNCHECKED_TITLE_MARK, group_label

TABLES = """
CREATE TABLE groups (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    short TEXT,
    display_name TEXT NOT NULL,
    aliases TEXT,
    affiliation TEXT REFERENCES groups (id),
    merged_into TEXT REFERENCES groups (id),
    formed TEXT,
    notes TEXT
);
CREATE TABLE incidents (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    date TEXT NOT NULL,
    end_date TEXT,
    precision TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end TEXT NOT NULL,
    time TEXT,
    title TEXT NOT NULL,
    country TEXT,
    country_code TEXT,
    admin1 TEXT,
    place TEXT,
    site TEXT,
    lat REAL,
    lon REAL,
    location_precision TEXT,
    tactics TEXT,
    targets TEXT,
    killed_low INTEGER,
    killed_high INTEGER,
    killed_best INTEGER,
    attackers_killed_low INTEGER,
    attackers_killed_high INTEGER,
    wounded_low INTEGER,
    wounded_high INTEGER,
    open_ended TEXT,
    summary TEXT,
    notes TEXT,
    tags TEXT,
    related TEXT
);
CREATE TABLE perpetrators (
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    position INTEGER NOT NULL,
    group_ref TEXT NOT NULL,
    group_id TEXT REFERENCES groups (id),
    group_name TEXT NOT NULL,
    status TEXT NOT NULL,
    claimed_on TEXT,
    PRIMARY KEY (incident_id, position)
);
CREATE TABLE sources (
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    author TEXT,
    publisher TEXT,
    published TEXT,
    url TEXT,
    title_checked INTEGER NOT NULL,
    PRIMARY KEY (incident_id, position)
);
CREATE INDEX perpetrators_by_group ON perpetrators (group_id)
"""
# A statement of its own: the list separator holds a semicolon.
CSV_VIEW = """
CREATE VIEW incidents_csv AS
SELECT
    i.id, i.kind, i.date, i.end_date, i.precision, i.title, i.country, i.admin1, i.place,
    i.lat, i.lon,
    (SELECT group_concat(group_name, '{sep}') FROM
        (SELECT group_name FROM perpetrators WHERE incident_id = i.id ORDER BY position))
        AS perpetrators,
    (SELECT group_concat(status, '{sep}') FROM
        (SELECT status FROM perpetrators WHERE incident_id = i.id ORDER BY position))
        AS statuses,
    i.tactics, i.targets, i.killed_low, i.killed_high,
    i.attackers_killed_low, i.attackers_killed_high, i.wounded_low, i.wounded_high,
    i.open_ended,
    (SELECT group_concat(cited, '{sep}') FROM
        (SELECT CASE WHEN url IS NOT NULL AND url != '' THEN label || ' (' || url || ')'
                ELSE label END AS cited
         FROM (SELECT url, CASE WHEN title_checked THEN title ELSE title || ' {unchecked}' END
               AS label, position FROM sources WHERE incident_id = i.id)
         ORDER BY position))
        AS sources,
    i.summary, i.notes
FROM incidents AS i
ORDER BY i.position
""".replace("{sep}", LIST_SEPARATOR).replace("{unchecked}", UNCHECKED_TITLE_MARK)


def export_sqlite(
    incidents: Sequence[Incident], registry: GroupRegistry, context: ExportContext
) -> bytes:
    """The bytes of a SQLite database holding `incidents` (see the module docstring)."""
    handle, name = tempfile.mkstemp(prefix="sahel-export-", suffix=".sqlite")
    os.close(handle)
    path = Path(name)
    try:
        connection = sqlite3.connect(path, isolation_level=None)
        try:
            connection.execute("BEGIN")
            for statement in (*TABLES.split(";"), CSV_VIEW):
                if statement.strip():
                    connection.execute(statement)
            _insert(connection, incidents, registry)
            connection.execute("COMMIT")
        finally:
            connection.close()
        return path.read_bytes()
    finally:
        with contextlib.suppress(OSError):
            path.unlink()


def _date(value: FuzzyDate | None) -> str | None:
    return None if value is None else str(value)


def _low_high(figure: Figure | None) -> tuple[int | None, int | None]:
    return (None, None) if figure is None else (figure.low, figure.high)


def _open_ended(incident: Incident) -> str | None:
    """The figures given as "at least low", as the CSV export names them."""
    names = [
        name for name in FIGURE_FIELDS
        if (figure := getattr(incident, name)) is not None and figure.is_open_ended
    ]  # fmt: skip
    return _joined(names)


def _joined(values: Sequence[str]) -> str | None:
    return LIST_SEPARATOR.join(values) if values else None


def _insert(
    connection: sqlite3.Connection, incidents: Sequence[Incident], registry: GroupRegistry
) -> None:
    connection.executemany(
        "INSERT INTO groups VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (
                group.id, group.name, group.short, group.display_name, _joined(group.aliases),
                group.affiliation if group.affiliation in registry else None,
                group.merged_into if group.merged_into in registry else None,
                _date(group.formed), group.notes,
            )
            for group in registry
        ),
    )  # fmt: skip
    connection.executemany(
        "INSERT INTO incidents VALUES "
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        " ?, ?, ?)",
        (
            (
                incident.id, position, incident.kind, str(incident.date),
                _date(incident.end_date), incident.date.precision,
                incident.start.isoformat(), incident.end.isoformat(), incident.time,
                incident.title, incident.location.country, incident.location.country_code,
                incident.location.admin1, incident.location.place, incident.location.site,
                incident.location.lat, incident.location.lon, incident.location.precision,
                _joined(incident.tactics), _joined(incident.targets),
                *_low_high(incident.killed),
                incident.killed.best if incident.killed is not None else None,
                *_low_high(incident.attackers_killed), *_low_high(incident.wounded),
                _open_ended(incident), incident.summary, incident.notes, _joined(incident.tags),
                _joined(incident.related),
            )
            for position, incident in enumerate(incidents, start=1)
        ),
    )  # fmt: skip
    connection.executemany(
        "INSERT INTO perpetrators VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            (
                incident.id, position, perpetrator.group,
                group.id if (group := registry.resolve(perpetrator.group)) else None,
                group_label(perpetrator.group, registry), perpetrator.status,
                _date(perpetrator.claimed_on),
            )
            for incident in incidents
            for position, perpetrator in enumerate(incident.perpetrators, start=1)
        ),
    )  # fmt: skip
    connection.executemany(
        "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (incident.id, position, source.title, source.author, source.publisher,
             _date(source.published), source.url, int(source.title_checked))
            for incident in incidents
            for position, source in enumerate(incident.sources, start=1)
        ),
    )  # fmt: skip
