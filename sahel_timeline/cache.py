"""A cache of validated store files, so that a query on a big store does not re-read its YAML.

Each store file has one entry, keyed by a hash of the file's bytes, the package version
and the cache format: any edit invalidates exactly that file's entry. An entry is a first
line of JSON (the file's groups, the findings of the per-file rules, warnings included, and
a column-wise index of its incidents: `store_index.IncidentIndex`) followed by one line of
JSON per incident. A query parses the first line, filters and sorts the index and decodes
only the lines of the incidents it returns.

A second kind of entry holds the findings of the rules that span records (duplicate ids,
unknown groups, related ids, possible duplicates), keyed by the list of files and their
content keys: a warm run does not apply them again, and when any file changes they are
recomputed from the indexes. The future-date warning depends on today, so it is never
cached: it is computed from the index on every load.

Reading an entry never runs code: it is JSON, not pickle or marshal, and every value is
checked for its type while the objects are rebuilt; an entry that is truncated, corrupt,
from another version or otherwise odd is a miss, and the file is read again and the entry
rewritten (a record found odd only when a query decodes it has the file read again then).
Entries are written to a temporary file and moved into place with `os.replace`, so two
processes loading the same store at once never see half an entry. A cache folder that
cannot be written is not an error: the store is loaded without it.

Location: `$XDG_CACHE_HOME/sahel-timeline`, else `~/.cache/sahel-timeline`.
`SAHEL_TIMELINE_NO_CACHE=1` (or `--no-cache`) bypasses it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import mmap
import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sahel_timeline import __version__
from sahel_timeline.findings import Finding
from sahel_timeline.memory import collector_paused
from sahel_timeline.model import (
    Figure,
    FileContent,
    FuzzyDate,
    Group,
    Incident,
    Location,
    Origin,
    Perpetrator,
    Source,
)
from sahel_timeline.store_index import FileSource, IncidentIndex

CACHE_FORMAT = 6  # bump when the layout below or the meaning of a FileContent changes
NO_CACHE_ENVIRONMENT_VARIABLE = "SAHEL_TIMELINE_NO_CACHE"
FREEZE_MIN_BYTES = 1024 * 1024  # an index of about 5,000 incidents
CACHE_FOLDER_NAME = "sahel-timeline"
_FALSE_WORDS = ("", "0", "false", "no", "off")

_OPT_STR = (str, type(None))
_OPT_INT = (int, type(None))
_OPT_LIST = (list, type(None))
_NUM = (int, float, type(None))
_ONLY_STR = {str}
_ONLY_INT = {int}


class CacheMissError(ValueError):
    """An entry that cannot be used: absent, stale, corrupt or of another version."""


def cache_disabled(environ: Mapping[str, str]) -> bool:
    return environ.get(NO_CACHE_ENVIRONMENT_VARIABLE, "").strip().lower() not in _FALSE_WORDS


def default_cache_folder(environ: Mapping[str, str]) -> Path:
    base = environ.get("XDG_CACHE_HOME", "").strip()
    # The XDG spec: a relative XDG_CACHE_HOME is invalid and must be ignored.
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / CACHE_FOLDER_NAME


def content_key(data: bytes) -> str:
    """What an entry is valid for: the file's bytes, this version and the cache format."""
    digest = hashlib.sha256(data)
    digest.update(f"\0{__version__}\0{CACHE_FORMAT}".encode())
    return digest.hexdigest()


class Cache:
    """The validated content of store files, one JSON entry per file, in `folder`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.writable = True  # set to False after the first failed write: no use retrying

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> Cache | None:
        """The user's cache, or None when SAHEL_TIMELINE_NO_CACHE asks to go without."""
        if cache_disabled(environ):
            return None
        return cls(default_cache_folder(environ))

    def entry_path(self, file: str, path: Path) -> Path:
        # One entry per (name shown in findings, real path): an edit replaces the entry
        # instead of adding one, and two files with the same bytes keep their own names.
        try:
            real = str(path.resolve())
        except OSError:
            real = str(path.absolute())
        name = hashlib.sha256(f"{file}\0{real}".encode("utf-8", "surrogatepass")).hexdigest()
        return self.folder / "files" / name[:2] / f"{name}.json"

    def get(self, file: str, path: Path, key: str) -> FileSource | None:
        """The cached content of `path` when its entry matches `key`, else None."""
        return self._decode(file, path, key, None)

    def get_unchanged(self, file: str, path: Path, fingerprint: list[int]) -> FileSource | None:
        """The cached content of `path` when the file has not been touched since its entry
        was written (same size, modification and change times, inode), else None.

        The entry is still the one keyed by the file's bytes: this only spares hashing a
        big file again when nothing can have written to it (any write changes its change
        time, which no tool can set back).
        """
        return self._decode(file, path, None, fingerprint)

    def _decode(
        self, file: str, path: Path, key: str | None, fingerprint: list[int] | None
    ) -> FileSource | None:
        try:
            with open(self.entry_path(file, path), "rb") as stream:
                # Mapped, not read: a query touches only the pages of the records it decodes.
                data = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):  # ValueError: an empty file cannot be mapped
            return None
        try:
            return decode_source(data, file, key, fingerprint)
        except (ValueError, TypeError, KeyError, IndexError, RecursionError):
            return None

    def put(
        self,
        file: str,
        path: Path,
        key: str,
        content: FileContent,
        fingerprint: list[int] | None = None,
    ) -> None:
        """Store `content` atomically; failing to write is silent (the cache is optional).

        `fingerprint` is the file's `file_fingerprint` taken before its bytes were read."""
        self._write(self.entry_path(file, path), encode_entry(content, key, fingerprint))

    def store_entry_path(self, store_key: str) -> Path:
        return self.folder / "stores" / store_key[:2] / f"{store_key}.json"

    def get_store_findings(self, store_key: str) -> list[Finding] | None:
        """The cached findings of the rules that span records, for the files of `store_key`."""
        try:
            data = self.store_entry_path(store_key).read_bytes()
        except OSError:
            return None
        try:
            entry = json.loads(data)
            if (
                type(entry) is not dict
                or entry.get("format") != CACHE_FORMAT
                or entry.get("version") != __version__
                or entry.get("key") != store_key
                or type(entry.get("findings")) is not list
            ):
                return None
            return [Finding(*_check(values, _FINDING_TYPES)) for values in entry["findings"]]
        except (ValueError, TypeError, KeyError, IndexError, RecursionError):
            return None

    def put_store_findings(self, store_key: str, findings: list[Finding]) -> None:
        entry = {
            "format": CACHE_FORMAT,
            "version": __version__,
            "key": store_key,
            "findings": [_finding_data(f) for f in findings],
        }
        data = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self._write(self.store_entry_path(store_key), data)

    def _write(self, target: Path, data: bytes) -> None:
        if not self.writable:
            return
        temporary = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".json")
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, target)
            temporary = None
        except OSError:
            self.writable = False
        finally:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)


def store_key(files: list[tuple[str, str]]) -> str:
    """What a store-level entry is valid for: each file's name and content key, in order."""
    digest = hashlib.sha256(f"{__version__}\0{CACHE_FORMAT}".encode())
    for name, key in files:
        digest.update(f"\0{name}\0{key}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------------
# The entry layout: records are lists in a fixed field order (smaller and faster to read than
# objects with named keys); marks are flattened to [path, line, column, path, line, column...].


def _date(value: FuzzyDate | None) -> list[int | None] | None:
    return None if value is None else [value.year, value.month, value.day]


def _figure(value: Figure | None) -> list[int | None] | None:
    return None if value is None else [value.low, value.high, value.best]


def _marks(marks: dict[str, tuple[int, int]]) -> list[Any]:
    return [part for path, (line, column) in marks.items() for part in (path, line, column)]


def _location_data(location: Location) -> list[Any]:
    return [
        location.country, location.country_code, location.admin1, location.place,
        location.site, location.lat, location.lon, location.precision,
    ]  # fmt: skip


def _incident_data(incident: Incident, file: str) -> list[Any]:
    location = incident.location
    origin = incident.origin
    assert origin is not None and origin.file == file
    return [
        incident.id,
        incident.title,
        _date(incident.date),
        incident.kind,
        _date(incident.end_date),
        incident.time,
        _location_data(location),
        list(incident.tactics),
        list(incident.targets),
        [[p.group, p.status, _date(p.claimed_on)] for p in incident.perpetrators],
        _figure(incident.killed),
        _figure(incident.attackers_killed),
        _figure(incident.wounded),
        incident.summary,
        incident.notes,
        list(incident.tags),
        [
            [s.title, s.author, s.publisher, _date(s.published), s.url, s.title_checked]
            for s in incident.sources
        ],
        list(incident.related),
        incident.extensions,
        origin.line,
        origin.column,
        _marks(incident.marks),
        incident.date_margin_days,
        list(incident.target_groups),
    ]


def _group_data(group: Group, file: str) -> list[Any]:
    origin = group.origin
    assert origin is not None and origin.file == file
    return [
        group.id, group.name, group.short, list(group.aliases), group.affiliation,
        _date(group.formed), group.merged_into, group.notes, group.extensions,
        origin.line, origin.column, _marks(group.marks), group.kind,
    ]  # fmt: skip


def _finding_data(f: Finding) -> list[Any]:
    return [f.file, f.line, f.column, f.severity, f.rule, f.message, f.more]


def _dumps(value: Any) -> bytes:
    # A compact dump never holds a raw newline: the entry's lines are its records.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def file_fingerprint(path: Path) -> list[int] | None:
    """What changes whenever a file is written: size, modification and change times (ns),
    inode and device; None for anything that is not a regular file."""
    try:
        status = path.stat()
    except OSError:
        return None
    if not stat.S_ISREG(status.st_mode):
        return None
    return [
        status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino, status.st_dev
    ]  # fmt: skip


def encode_entry(content: FileContent, key: str, fingerprint: list[int] | None = None) -> bytes:
    file = content.file
    records = [_dumps(_incident_data(incident, file)) + b"\n" for incident in content.incidents]
    offsets = [0]
    for record in records:
        offsets.append(offsets[-1] + len(record))
    header = {
        "format": CACHE_FORMAT,
        "version": __version__,
        "key": key,
        "fingerprint": fingerprint,
        "file": file,
        "groups": [_group_data(group, file) for group in content.groups],
        "findings": [_finding_data(f) for f in content.findings],
        "unloaded_ids": sorted(content.unloaded_ids),
        "index": IncidentIndex.from_incidents(content.incidents).to_data(),
        "offsets": offsets,
    }
    return b"".join([_dumps(header), b"\n", *records])


def _check(values: list[Any], types: tuple[Any, ...]) -> list[Any]:
    if type(values) is not list or len(values) != len(types):
        raise CacheMissError("a record of the wrong shape")
    if not all(map(isinstance, values, types)):
        raise CacheMissError("a value of the wrong type")
    return values


_DATE_TYPES = (int, _OPT_INT, _OPT_INT)
_FIGURE_TYPES = (int, _OPT_INT, _OPT_INT)
_LOCATION_TYPES = (_OPT_STR, _OPT_STR, _OPT_STR, _OPT_STR, _OPT_STR, _NUM, _NUM, _OPT_STR)
_PERPETRATOR_TYPES = (str, str, _OPT_LIST)
_SOURCE_TYPES = (str, _OPT_STR, _OPT_STR, _OPT_LIST, _OPT_STR, bool)
_INCIDENT_TYPES = (
    str, str, list, str, _OPT_LIST, _OPT_STR, list, list, list, list, _OPT_LIST, _OPT_LIST,
    _OPT_LIST, _OPT_STR, _OPT_STR, list, list, list, dict, int, int, list, _OPT_INT, list,
)  # fmt: skip
_GROUP_TYPES = (str, str, _OPT_STR, list, _OPT_STR, _OPT_LIST, _OPT_STR, _OPT_STR, dict, int,
                int, list, _OPT_STR)  # fmt: skip
_FINDING_TYPES = (str, int, int, str, str, str, int)


def _fuzzy(values: list[Any] | None) -> FuzzyDate | None:
    if values is None:
        return None
    year, month, day = _check(values, _DATE_TYPES)
    if (month is None and day is not None) or year < 1:
        raise CacheMissError("an impossible date")
    dt.date(year, month or 1, day or 1)  # ValueError for a month or day that does not exist
    return FuzzyDate(year, month, day)


def _figure_value(values: list[Any] | None) -> Figure | None:
    if values is None:
        return None
    return Figure(*_check(values, _FIGURE_TYPES))


def _strings(values: list[Any]) -> tuple[str, ...]:
    if values and not set(map(type, values)) <= _ONLY_STR:
        raise CacheMissError("a list of text holds something else")
    return tuple(values)


def _marks_value(flat: list[Any]) -> dict[str, tuple[int, int]]:
    # The type checks run in C (map, set): this is the inner loop of a warm load.
    paths, lines, columns = flat[0::3], flat[1::3], flat[2::3]
    if len(flat) % 3 or not (
        set(map(type, paths)) <= _ONLY_STR
        and set(map(type, lines)) <= _ONLY_INT
        and set(map(type, columns)) <= _ONLY_INT
    ):
        raise CacheMissError("marks of the wrong shape or type")
    return dict(zip(paths, zip(lines, columns, strict=True), strict=True))


def _incident(values: list[Any], file: str) -> Incident:
    (
        id_, title, date, kind, end_date, time, location, tactics, targets, perpetrators,
        killed, attackers_killed, wounded, summary, notes, tags, sources, related, extensions,
        line, column, marks, date_margin_days, target_groups,
    ) = _check(values, _INCIDENT_TYPES)  # fmt: skip
    date_value = _fuzzy(date)
    assert date_value is not None
    return Incident(
        id_,
        title,
        date_value,
        kind,
        _fuzzy(end_date),
        time,
        Location(*_check(location, _LOCATION_TYPES)),
        _strings(tactics),
        _strings(targets),
        tuple(
            Perpetrator(group, status, _fuzzy(claimed_on))
            for group, status, claimed_on in (_check(p, _PERPETRATOR_TYPES) for p in perpetrators)
        ),
        _figure_value(killed),
        _figure_value(attackers_killed),
        _figure_value(wounded),
        summary,
        notes,
        _strings(tags),
        tuple(
            Source(title_, author, publisher, _fuzzy(published), url, checked)
            for title_, author, publisher, published, url, checked in (
                _check(s, _SOURCE_TYPES) for s in sources
            )
        ),
        _strings(related),
        extensions,
        Origin(file, line, column),
        _marks_value(marks),
        date_margin_days,
        _strings(target_groups),
    )


def _group(values: list[Any], file: str) -> Group:
    (
        id_, name, short, aliases, affiliation, formed, merged_into, notes, extensions,
        line, column, marks, kind,
    ) = _check(values, _GROUP_TYPES)  # fmt: skip
    return Group(
        id_, name, short, _strings(aliases), affiliation, _fuzzy(formed), merged_into, notes,
        extensions, Origin(file, line, column), _marks_value(marks), kind,
    )  # fmt: skip


def decode_source(
    data: bytes | mmap.mmap, file: str, key: str | None, fingerprint: list[int] | None = None
) -> FileSource:
    """The file of an entry, its records left undecoded; CacheMissError (or ValueError,
    TypeError) when the entry is unusable. A record decodes when a query asks for it.

    The entry must be for `key` (the hash of the file's bytes) or, with `key` None, have
    been written for a file whose fingerprint was `fingerprint`."""
    header_end = data.find(b"\n")
    if header_end < 0:
        raise CacheMissError("an entry without its index line")
    entry = _loads_without_gc(data[:header_end])
    if (
        type(entry) is not dict
        or entry.get("format") != CACHE_FORMAT
        or entry.get("version") != __version__
        or entry.get("file") != file
        or type(entry.get("key")) is not str
        or (key is not None and entry["key"] != key)
        or (key is None and (fingerprint is None or entry.get("fingerprint") != fingerprint))
    ):
        raise CacheMissError("an entry for other bytes, another name or another version")
    key = entry["key"]
    groups, findings = entry["groups"], entry["findings"]
    unloaded_ids, offsets = entry["unloaded_ids"], entry["offsets"]
    if not (
        type(groups) is list
        and type(findings) is list
        and type(unloaded_ids) is list
        and type(offsets) is list
    ):
        raise CacheMissError("an entry of the wrong shape")
    index = IncidentIndex.from_data(entry["index"])
    base = header_end + 1
    if (
        len(offsets) != len(index) + 1
        or not set(map(type, offsets)) <= _ONLY_INT
        or offsets[0] != 0
        or base + offsets[-1] != len(data)
        or not all(map(int.__lt__, offsets, offsets[1:]))
    ):
        raise CacheMissError("records that do not match the index")
    ids = index.ids

    def record(row: int) -> Incident:
        values = json.loads(data[base + offsets[row] : base + offsets[row + 1]])
        incident = _incident(values, file)
        if incident.id != ids[row]:
            raise CacheMissError("a record that does not match the index")
        return incident

    return FileSource(
        file,
        key,
        groups=[_group(values, file) for values in groups],
        findings=[Finding(*_check(values, _FINDING_TYPES)) for values in findings],
        unloaded_ids=set(_strings(unloaded_ids)),
        index=index,
        record=record,
    )


def _loads_without_gc(data: bytes) -> Any:
    # The index is hundreds of thousands of small objects; a big one is also frozen out of
    # later collections (a small one is not worth it).
    with collector_paused(freeze=len(data) >= FREEZE_MIN_BYTES):
        return json.loads(data)


def decode_entry(data: bytes, file: str, key: str) -> FileContent:
    """The FileContent of an entry, every record decoded; CacheMissError when unusable."""
    return decode_source(data, file, key).content()
