"""Finding and loading a store (a file or a folder of files) and the rules that span records."""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import difflib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, overload

from sahel_timeline.cache import Cache, content_key, file_fingerprint, store_key
from sahel_timeline.errors import SahelError
from sahel_timeline.files import read_store_bytes
from sahel_timeline.findings import ERROR, WARNING, Finding, finding_sort_key
from sahel_timeline.memory import collector_paused
from sahel_timeline.model import FileContent, Group, Incident
from sahel_timeline.query import Query, run_query
from sahel_timeline.registry import GroupRegistry

if TYPE_CHECKING:
    from sahel_timeline.loader import Node

from sahel_timeline.store_index import (
    MILESTONE,
    FileSource,
    IncidentIndex,
    rows_in_the_future,
    select_rows,
)

STORE_ENVIRONMENT_VARIABLE = "SAHEL_TIMELINE_STORE"
DEFAULT_STORE_NAME = "incidents.yaml"
STORE_SUFFIXES = (".yaml", ".yml")
PROGRESS_MIN_BYTES = 2 * 1024 * 1024  # a cold read of this much takes about a second
DAY_PRECISION_LENGTH = len("2018-03-02")


class Store:
    """A loaded store: its files, group registry, findings and incidents.

    Incidents are built only when asked for: `select` filters and sorts the index and
    builds the incidents it returns; `incidents` builds them all (once).
    """

    def __init__(
        self,
        files: list[str],
        registry: GroupRegistry,
        index: IncidentIndex,
        record: Callable[[int], Incident],
        findings: list[Finding] | None = None,
    ) -> None:
        self.files = files
        self.registry = registry
        self.index = index
        self.findings: list[Finding] = findings if findings is not None else []
        self._record = record
        self._incidents: list[Incident] | None = None

    @property
    def incidents(self) -> list[Incident]:
        """Every incident and milestone, in store order."""
        if self._incidents is None:
            self._incidents = [self._record(row) for row in range(len(self.index))]
        return self._incidents

    @property
    def incident_count(self) -> int:
        """How many incidents and milestones the store holds (without building them)."""
        return len(self.index)

    @property
    def milestone_count(self) -> int:
        return self.index.kinds.count(MILESTONE)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    def incident(self, incident_id: str) -> Incident | None:
        try:
            return self._record(self.index.ids.index(incident_id))
        except ValueError:
            return None

    def incidents_by_id(self) -> Mapping[str, Incident]:
        """Incidents by id (the last one of a duplicated id), built when looked up."""
        return _IncidentsById(self)

    def select(self, query: Query, *, apply_limit: bool = True) -> list[Incident]:
        """`query.run_query(store.incidents, query, registry)`, building only what it returns."""
        if not apply_limit and query.limit is not None:
            query = dataclasses.replace(query, limit=None)
        rows = select_rows(self.index, query, self.registry)
        if rows is None:
            return run_query(self.incidents, query, self.registry)
        if self._incidents is not None:
            return [self._incidents[row] for row in rows]
        return [self._record(row) for row in rows]

    def select_lazily(self, query: Query, *, apply_limit: bool = True) -> Sequence[Incident]:
        """What `select` returns, each incident built only when it is read: a view can write
        the first entries of a long result before the others are built."""
        if not apply_limit and query.limit is not None:
            query = dataclasses.replace(query, limit=None)
        rows = select_rows(self.index, query, self.registry)
        if rows is None or self._incidents is not None:
            return self.select(query)
        return _LazyIncidents(self._record, rows)


class _LazyIncidents(Sequence[Incident]):
    """Incidents of the given rows, built one by one as they are read (and not kept)."""

    def __init__(self, record: Callable[[int], Incident], rows: list[int]) -> None:
        self._record = record
        self._rows = rows

    @overload
    def __getitem__(self, position: int) -> Incident: ...

    @overload
    def __getitem__(self, position: slice) -> Sequence[Incident]: ...

    def __getitem__(self, position: int | slice) -> Incident | Sequence[Incident]:
        if isinstance(position, slice):
            return _LazyIncidents(self._record, self._rows[position])
        return self._record(self._rows[position])

    def __len__(self) -> int:
        return len(self._rows)


class _IncidentsById(Mapping[str, Incident]):
    def __init__(self, store: Store) -> None:
        self._store = store
        self._rows = {incident_id: row for row, incident_id in enumerate(store.index.ids)}

    def __getitem__(self, incident_id: str) -> Incident:
        return self._store._record(self._rows[incident_id])

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


def shipped_store_path() -> Path:
    """The curated store inside the installed package (the repository's incidents.yaml).

    A wheel carries it as package data; a source checkout reads the file at the root.
    """
    packaged = Path(__file__).parent / "data" / DEFAULT_STORE_NAME
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parent.parent / DEFAULT_STORE_NAME


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


def load_file(
    path: Path, cache: Cache | None = None, progress: LoadProgress | None = None
) -> FileContent:
    """Read and validate one store file; every problem becomes a finding.

    With a cache, a file whose bytes have not changed since it was last validated is
    taken from the cache, findings included; otherwise it is read and the cache updated.
    `progress` hears about files of more than PROGRESS_MIN_BYTES that are read cold.
    """
    return load_file_source(path, cache, progress).content()


def load_file_source(
    path: Path, cache: Cache | None = None, progress: LoadProgress | None = None
) -> FileSource:
    """Like `load_file`, but a cached file's incidents are built only when asked for."""
    name = str(path)
    # Taken before the bytes are read: a file written meanwhile no longer matches it.
    fingerprint = file_fingerprint(path) if cache is not None else None
    if cache is not None and fingerprint is not None:
        untouched = cache.get_unchanged(name, path, fingerprint)
        if untouched is not None:
            untouched._reload = lambda: load_file(path, cache).incidents
            return untouched
    data, unreadable = read_store_bytes(path, name)
    if data is None:
        return FileSource.from_content(FileContent(name, findings=unreadable))
    if cache is None:
        return FileSource.from_content(load_file_bytes(data, name))
    key = content_key(data)
    cached = cache.get(name, path, key)
    if cached is not None:
        cached._reload = lambda: _read_and_cache(data, name, path, key, cache).incidents
        return cached
    content = _read_and_cache(data, name, path, key, cache, progress, fingerprint)
    return FileSource.from_content(content, key)


def _read_and_cache(
    data: bytes,
    name: str,
    path: Path,
    key: str,
    cache: Cache,
    progress: LoadProgress | None = None,
    fingerprint: list[int] | None = None,
) -> FileContent:
    content = parse_and_validate(data, name, progress)
    cache.put(name, path, key, content, fingerprint)
    return content


def load_file_bytes(data: bytes, name: str) -> FileContent:
    """Validate one store file given as bytes (stdin, a git revision) under a display name."""
    return parse_and_validate(data, name)


def parse_and_validate(data: bytes, name: str, progress: LoadProgress | None = None) -> FileContent:
    """A cold read: parse the bytes and validate what they hold, every problem a finding."""
    from sahel_timeline.loader import parse_yaml_bytes  # only a cold file needs the parser

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
    from sahel_timeline.validate import validate_document

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

    With a cache, only the files whose bytes changed are read again, and the findings of
    the cross-record rules are reused while no file changed.
    """
    sources: list[FileSource] = []
    for path in paths:
        sources.extend(load_file_source(file, cache, progress) for file in store_files(path))
    return assemble_store(sources, now, cache)


def assemble_store(
    contents: Iterable[FileContent | FileSource], now: dt.date, cache: Cache | None = None
) -> Store:
    sources = [c if isinstance(c, FileSource) else FileSource.from_content(c) for c in contents]
    findings = [finding for source in sources for finding in source.findings]
    groups = [group for source in sources for group in source.groups]
    index = IncidentIndex.concatenate([source.index for source in sources])
    record = _store_records(sources)
    registry, group_findings = build_registry(groups)
    findings += group_findings
    where = _Where(sources)
    keys = [(source.file, source.key) for source in sources]
    key = store_key(keys) if cache is not None and all(k for _, k in keys) else None  # type: ignore[arg-type]
    cross_record = cache.get_store_findings(key) if cache is not None and key else None
    if cross_record is None:
        unloaded_ids = {i for source in sources for i in source.unloaded_ids}
        cross_record = check_incidents(index, registry, unloaded_ids, record, where)
        if cache is not None and key:
            cache.put_store_findings(key, cross_record)
    findings += cross_record
    findings += future_date_findings(index, now, record)
    findings.sort(key=finding_sort_key)
    return Store([s.file for s in sources], registry, index, record, findings)


def _store_records(sources: list[FileSource]) -> Callable[[int], Incident]:
    """A store row -> the incident, built by the file that holds it."""
    if len(sources) == 1:
        return sources[0].record
    starts = [0]
    for source in sources:
        starts.append(starts[-1] + len(source.index))

    def record(row: int) -> Incident:
        if row < 0:
            raise IndexError(row)
        number = bisect.bisect_right(starts, row) - 1
        return sources[number].record(row - starts[number])

    return record


class _Where:
    """`file:line` of a store row, for the messages that point at another record."""

    def __init__(self, sources: list[FileSource]) -> None:
        self._files = [source.file for source in sources]
        self._starts = [0]
        for source in sources:
            self._starts.append(self._starts[-1] + len(source.index))
        self._lines = [line for source in sources for line in source.index.lines]

    def __call__(self, row: int) -> str:
        number = bisect.bisect_right(self._starts, row) - 1
        return f"{self._files[number]}:{self._lines[row]}"


def _finding(
    record: Incident | Group, path: str, severity: str, rule: str, message: str
) -> Finding:
    assert record.origin is not None
    line, column = record.marks.get(path, (record.origin.line, record.origin.column))
    return Finding(record.origin.file, line, column, severity, rule, message)


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
            findings.append(_finding(group, "id", ERROR, "duplicate-id", message))
            continue
        for name in group.names():
            owner = registry.owner_of_name(name)
            if owner is not None and owner != group.id:
                message = f"the name {name!r} already belongs to group {owner!r}"
                path = _name_path(group, name)
                findings.append(_finding(group, path, ERROR, "ambiguous-group-name", message))
        registry.add(group)
    for group in registry:
        for key in ("affiliation", "merged_into"):
            target = getattr(group, key)
            if target is not None and target not in registry:
                message = f"{key} {target!r} is not a group id in the registry"
                findings.append(_finding(group, key, ERROR, "unknown-group", message))
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
                findings.append(_finding(group, "id", ERROR, "group-cycle", message))
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


IMPORTED_ID_PREFIX = "acled-"  # ids the ACLED importer owns


def check_incidents(
    index: IncidentIndex,
    registry: GroupRegistry,
    unloaded_ids: Collection[str],
    record: Callable[[int], Incident],
    where: Callable[[int], str],
) -> list[Finding]:
    """The rules that span records, on the index; `record` builds only the incidents that
    have a finding (for the position of the value at fault)."""
    findings: list[Finding] = []
    by_id: dict[str, int] = {}
    for row, incident_id in enumerate(index.ids):
        if incident_id in by_id:
            message = f"duplicate id {incident_id!r} (first at {where(by_id[incident_id])})"
            findings.append(_finding(record(row), "id", ERROR, "duplicate-id", message))
        else:
            by_id[incident_id] = row
    # Display names first, so that a suggestion reads as the user writes: JNIM, not jnim.
    group_names = [group.short for group in registry if group.short]
    group_names += [name for group in registry for name in group.names()]
    # Rows name the same few groups again and again: each packed list is resolved once.
    unknown_of: dict[str, list[tuple[int, str]]] = {}
    same_day: dict[tuple[str, str, str, bool], int] = {}
    ids, dates, kinds, places, codes = (
        index.ids, index.dates, index.kinds, index.places, index.country_codes,
    )  # fmt: skip

    def unknown_groups(packed: str) -> list[tuple[int, str]]:
        unknown = unknown_of.get(packed)
        if unknown is None:
            unknown = unknown_of[packed] = [
                (position, group)
                for position, group in enumerate(index.values(packed))
                if registry.resolve(group) is None
            ]
        return unknown

    for row, (groups, targeted, related_ids) in enumerate(
        zip(index.perpetrator_groups, index.target_groups, index.related, strict=True)
    ):
        for paths, packed in (("perpetrators.{}.group", groups), ("target_groups.{}", targeted)):
            for position, group in unknown_groups(packed) if packed else ():
                message = f"unknown group {group!r}{suggest(group, group_names)}"
                findings.append(
                    _finding(record(row), paths.format(position), ERROR, "unknown-group", message)
                )
        incident_id = ids[row]
        for position, related in enumerate(index.values(related_ids) if related_ids else ()):
            if related in unloaded_ids and related != incident_id:
                continue  # that incident's own errors are reported where it is written
            if related not in by_id or related == incident_id:
                what = "the incident itself" if related == incident_id else "not an id in the store"
                message = f"related id {related!r} is {what}{suggest(related, by_id)}"
                findings.append(
                    _finding(record(row), f"related.{position}", ERROR, "unknown-related", message)
                )
        place = places[row]
        if place and len(dates[row]) == DAY_PRECISION_LENGTH and kinds[row] != MILESTONE:
            # Two events of one dataset with distinct ids are distinct events (ACLED's
            # `acled-` entries): only an entry and one of another origin can duplicate.
            imported = incident_id.startswith(IMPORTED_ID_PREFIX)
            key = (dates[row], codes[row] or "", place.casefold(), imported)
            other = (*key[:3], not imported)
            first = same_day.get(key) if not imported else None
            if first is None:
                first = same_day.get(other)
            if first is not None:
                message = f"same day and place as {ids[first]!r} ({where(first)}): a duplicate?"
                findings.append(
                    _finding(record(row), "date", WARNING, "possible-duplicate", message)
                )
            same_day.setdefault(key, row)
    return findings


def future_date_findings(
    index: IncidentIndex, now: dt.date, record: Callable[[int], Incident]
) -> list[Finding]:
    """Incidents dated after `now` (never cached: tomorrow they may be fine)."""
    findings = []
    for row in rows_in_the_future(index, now):
        message = f"date {index.dates[row]} is in the future (today is {now.isoformat()})"
        findings.append(_finding(record(row), "date", WARNING, "future-date", message))
    return findings
