"""Finding and loading a store (a file or a folder of files) and the rules that span records."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from sahel_timeline.cache import Cache, content_key
from sahel_timeline.errors import SahelError
from sahel_timeline.findings import ERROR, WARNING, Finding, finding_sort_key
from sahel_timeline.loader import MAX_FILE_BYTES, Node, parse_yaml_bytes, read_yaml_file
from sahel_timeline.model import Group, Incident
from sahel_timeline.registry import GroupRegistry
from sahel_timeline.validate import FileContent, validate_document

STORE_ENVIRONMENT_VARIABLE = "SAHEL_TIMELINE_STORE"
DEFAULT_STORE_NAME = "incidents.yaml"
STORE_SUFFIXES = (".yaml", ".yml")
PROGRESS_MIN_BYTES = 2 * 1024 * 1024  # a cold read of this much takes about a second


@dataclass
class Store:
    files: list[str]
    registry: GroupRegistry
    incidents: list[Incident]
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    def incident(self, incident_id: str) -> Incident | None:
        for incident in self.incidents:
            if incident.id == incident_id:
                return incident
        return None


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
    name = str(path)
    try:
        size = path.stat().st_size
        data = path.read_bytes() if size <= MAX_FILE_BYTES and cache is not None else None
    except OSError:
        data = None  # read_yaml_file reports it
    if data is None:
        return _validated_file(*read_yaml_file(path, name), name)
    assert cache is not None
    key = content_key(data)
    cached = cache.get(name, path, key)
    if cached is not None:
        return cached
    if progress is not None and size >= PROGRESS_MIN_BYTES:
        root, findings = parse_yaml_bytes(data, name, progress)
        progress.checking(name)
    else:
        root, findings = parse_yaml_bytes(data, name)
    content = _validated_file(root, findings, name)
    cache.put(name, path, key, content)
    return content


def load_file_bytes(data: bytes, name: str) -> FileContent:
    """Validate one store file given as bytes (stdin, a git revision) under a display name."""
    return _validated_file(*parse_yaml_bytes(data, name), name)


def _validated_file(root: Node | None, findings: list[Finding], name: str) -> FileContent:
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

    With a cache, only the files whose bytes changed are read again; the cross-record
    rules always run on the whole store.
    """
    contents: list[FileContent] = []
    for path in paths:
        contents.extend(load_file(file, cache, progress) for file in store_files(path))
    return assemble_store(contents, now)


def assemble_store(contents: Iterable[FileContent], now: dt.date) -> Store:
    contents = list(contents)
    findings = [finding for content in contents for finding in content.findings]
    groups = [group for content in contents for group in content.groups]
    incidents = [incident for content in contents for incident in content.incidents]
    registry, group_findings = build_registry(groups)
    findings += group_findings
    unloaded_ids = {i for content in contents for i in content.unloaded_ids}
    findings += check_incidents(incidents, registry, now, unloaded_ids)
    findings.sort(key=finding_sort_key)
    return Store([c.file for c in contents], registry, incidents, findings)


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


def check_incidents(
    incidents: list[Incident],
    registry: GroupRegistry,
    now: dt.date,
    unloaded_ids: Collection[str] = (),
) -> list[Finding]:
    findings: list[Finding] = []
    by_id: dict[str, Incident] = {}
    for incident in incidents:
        if incident.id in by_id:
            first = by_id[incident.id]
            message = f"duplicate id {incident.id!r} (first at {_where(first)})"
            findings.append(_finding(incident, "id", ERROR, "duplicate-id", message))
        else:
            by_id[incident.id] = incident
    # Display names first, so that a suggestion reads as the user writes: JNIM, not jnim.
    group_names = [group.short for group in registry if group.short]
    group_names += [name for group in registry for name in group.names()]
    same_day: dict[tuple[str, str, str], Incident] = {}
    for incident in incidents:
        for index, perpetrator in enumerate(incident.perpetrators):
            if registry.resolve(perpetrator.group) is None:
                message = (
                    f"unknown group {perpetrator.group!r}{suggest(perpetrator.group, group_names)}"
                )
                path = f"perpetrators.{index}.group"
                findings.append(_finding(incident, path, ERROR, "unknown-group", message))
        for index, related in enumerate(incident.related):
            if related in unloaded_ids and related != incident.id:
                continue  # that incident's own errors are reported where it is written
            if related not in by_id or related == incident.id:
                what = "the incident itself" if related == incident.id else "not an id in the store"
                message = f"related id {related!r} is {what}{suggest(related, by_id)}"
                findings.append(
                    _finding(incident, f"related.{index}", ERROR, "unknown-related", message)
                )
        if incident.start > now:
            message = f"date {incident.date} is in the future (today is {now.isoformat()})"
            findings.append(_finding(incident, "date", WARNING, "future-date", message))
        place = incident.location.place
        if incident.date.precision == "day" and place and not incident.is_milestone:
            key = (str(incident.date), incident.location.country_code or "", place.casefold())
            if key in same_day:
                first = same_day[key]
                message = f"same day and place as {first.id!r} ({_where(first)}): a duplicate?"
                findings.append(_finding(incident, "date", WARNING, "possible-duplicate", message))
            else:
                same_day[key] = incident
    return findings
