"""What changed in a store since a git revision: added, removed and changed incidents.

Two loaded stores are compared by incident id; a changed incident lists each field that
changed with its old and new value in display form (figures as `18-19`, dates as written).
The store at a revision is read with `git show REV:path`, never by checking anything out.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from sahel_timeline.errors import SahelError, UsageError
from sahel_timeline.model import Figure, FileContent, FuzzyDate, Incident, Source
from sahel_timeline.reports.labels import source_title_label
from sahel_timeline.store.load import (
    STORE_SUFFIXES,
    Store,
    assemble_store,
    load_file_bytes,
    load_store,
)
from sahel_timeline.visible import visible_line, visible_text

DIFF_FORMATS = ("text", "markdown", "json")
ABSENT = "(none)"


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str | None  # None: the field was not given
    new: str | None


@dataclass(frozen=True)
class IncidentEntry:
    id: str
    date: str
    title: str
    changes: tuple[FieldChange, ...] = ()


@dataclass
class StoreDiff:
    path: str
    base: str
    added: list[IncidentEntry] = field(default_factory=list)
    removed: list[IncidentEntry] = field(default_factory=list)
    changed: list[IncidentEntry] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def counts(self) -> str:
        return f"{len(self.added)} added, {len(self.removed)} removed, {len(self.changed)} changed"


# --- comparing two stores ----------------------------------------------------------------------


def _figure_text(figure: Figure | None) -> str | None:
    if figure is None:
        return None
    if figure.best is not None and not figure.is_exact:
        return f"{figure} (best {figure.best})"
    return str(figure)


def _date_text(date: FuzzyDate | None) -> str | None:
    return None if date is None else str(date)


def _list_text(values: Iterable[str]) -> str | None:
    values = list(values)
    return ", ".join(values) if values else None


def _source_text(source: Source) -> str:
    details = [source.publisher, _date_text(source.published), source.url, source.author]
    extra = ", ".join(d for d in details if d)
    title = source_title_label(source)
    return f"{title} ({extra})" if extra else title


def incident_fields(incident: Incident) -> dict[str, str | None]:
    """The incident as field -> display text, in the order of the data model."""
    location = incident.location
    fields: dict[str, str | None] = {
        "kind": incident.kind,
        "title": incident.title,
        "date": _date_text(incident.date),
        "end_date": _date_text(incident.end_date),
        "date_margin_days": (
            str(incident.date_margin_days) if incident.date_margin_days is not None else None
        ),
        "time": incident.time,
        "location.country": location.country,
        "location.admin1": location.admin1,
        "location.place": location.place,
        "location.site": location.site,
        "location.lat": None if location.lat is None else f"{location.lat:g}",
        "location.lon": None if location.lon is None else f"{location.lon:g}",
        "location.precision": location.precision,
        "tactics": _list_text(incident.tactics),
        "targets": _list_text(incident.targets),
        "target_groups": _list_text(incident.target_groups),
        "perpetrators": _list_text(
            f"{p.group} ({p.status}" + (f" {p.claimed_on})" if p.claimed_on else ")")
            for p in incident.perpetrators
        ),
        "killed": _figure_text(incident.killed),
        "attackers_killed": _figure_text(incident.attackers_killed),
        "wounded": _figure_text(incident.wounded),
        "summary": incident.summary,
        "notes": incident.notes,
        "tags": _list_text(incident.tags),
    }
    for index, source in enumerate(incident.sources, start=1):
        fields[f"sources.{index}"] = _source_text(source)
    fields["related"] = _list_text(incident.related)
    for key, value in sorted(incident.extensions.items()):
        fields[key] = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return fields


def field_changes(old: Incident, new: Incident) -> tuple[FieldChange, ...]:
    before, after = incident_fields(old), incident_fields(new)
    keys = list(after) + [key for key in before if key not in after]
    return tuple(
        FieldChange(key, before.get(key), after.get(key))
        for key in keys
        if before.get(key) != after.get(key)
    )


def _entry(incident: Incident, changes: tuple[FieldChange, ...] = ()) -> IncidentEntry:
    return IncidentEntry(incident.id, str(incident.date), incident.title, changes)


def _by_id(incidents: Iterable[Incident]) -> dict[str, Incident]:
    found: dict[str, Incident] = {}
    for incident in incidents:
        found.setdefault(incident.id, incident)  # a duplicate id is validate's business
    return found


def diff_stores(base: Store, current: Store, path: str, base_name: str) -> StoreDiff:
    old, new = _by_id(base.incidents), _by_id(current.incidents)
    result = StoreDiff(path, base_name)
    for incident_id, incident in new.items():
        if incident_id not in old:
            result.added.append(_entry(incident))
            continue
        changes = field_changes(old[incident_id], incident)
        if changes:
            result.changed.append(_entry(incident, changes))
    result.removed = [_entry(incident) for key, incident in old.items() if key not in new]
    return result


# --- reading a store at a git revision --------------------------------------------------------


def _git(arguments: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *arguments], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise SahelError("git is not installed (diff reads the old store through git)") from None


def _existing_folder(path: Path) -> Path:
    folder = path if path.is_dir() else path.parent
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    return folder


def _path_in_repository(path: Path, root: Path) -> PurePosixPath:
    """`path` relative to the repository's top folder, symlinks resolved."""
    try:
        inside = path.resolve().relative_to(root.resolve())
    except ValueError:
        raise SahelError(
            f"{visible_line(str(path))} leads outside the git repository "
            f"{visible_line(str(root))} (through a symlink): diff reads the old store from "
            "that repository's history, so give a path inside it"
        ) from None
    return PurePosixPath(inside.as_posix())


def load_store_at_revision(path: Path, revision: str, now: dt.date) -> Store:
    """The store at `path` as it was at `revision`; empty when the path did not exist then."""
    folder = _existing_folder(path.absolute())
    top = _git(["rev-parse", "--show-toplevel"], folder)
    if top.returncode != 0:
        raise SahelError(f"{visible_line(str(path))} is not inside a git repository")
    root = Path(top.stdout.decode().strip())
    check = _git(
        ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"], root
    )
    if check.returncode != 0:
        raise UsageError(f"unknown git revision {revision!r}")
    commit = check.stdout.decode().strip()
    relative = _path_in_repository(path, root)
    # Literal: `:(top)x`, `*.yaml` or `:!x` is a file name here, never a git pathspec.
    listing = _git(
        ["--literal-pathspecs", "ls-tree", "-r", "-z", "--name-only", commit, "--", str(relative)],
        root,
    )
    if listing.returncode != 0:
        raise SahelError(f"git ls-tree failed: {listing.stderr.decode(errors='replace').strip()}")
    names = [os.fsdecode(name) for name in listing.stdout.split(b"\0") if name]
    if not names and not path.exists():
        raise SahelError(
            f"{visible_line(str(path))}: no such file or folder, neither now nor at {revision}"
        )
    contents: list[FileContent] = []
    for name in sorted(names, key=lambda n: PurePosixPath(n).relative_to(relative).as_posix()):
        inner = PurePosixPath(name).relative_to(relative)
        if inner.parts and PurePosixPath(name).suffix not in STORE_SUFFIXES:
            continue
        shown = _git(["show", f"{commit}:{name}"], root)
        if shown.returncode != 0:
            raise SahelError(f"git show {revision}:{name} failed")
        display = str(path / inner) if inner.parts else str(path)
        contents.append(load_file_bytes(shown.stdout, display))
    return assemble_store(contents, now)


def diff_against_revision(path: Path, revision: str, now: dt.date) -> tuple[StoreDiff, Store]:
    """Compare the store at `path` with the same path at `revision` (a missing side is empty)."""
    base = load_store_at_revision(path, revision, now)
    current = load_store([path], now) if path.exists() else assemble_store([], now)
    return diff_stores(base, current, str(path), revision), current


# --- rendering ---------------------------------------------------------------------------------


def _shown(value: str | None) -> str:
    return ABSENT if value is None else value


def format_text(diff: StoreDiff) -> str:
    """One line per entry and per changed field, for a terminal: every value on one line,
    control characters shown as escapes (`\\x1b`), never obeyed."""
    lines = [f"{visible_line(diff.path)} compared with {visible_line(diff.base)}: {diff.counts()}"]
    for label, entries in (("added", diff.added), ("removed", diff.removed)):
        lines += [_entry_line(label, e) for e in entries]
    for entry in diff.changed:
        lines.append(_entry_line("changed", entry))
        lines += [
            f"           {visible_text(c.field)}: "
            f"{visible_text(_shown(c.old))} -> {visible_text(_shown(c.new))}"
            for c in entry.changes
        ]
    return "\n".join(lines) + "\n"


def _entry_line(label: str, entry: IncidentEntry) -> str:
    return f"{label:<8} {entry.id}  {entry.date}  {visible_text(entry.title)}"


_MARKDOWN_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "", "\n": "<br>"}
# Only what can start markup in the middle of a line: the text never starts a line.
_MARKDOWN_PUNCTUATION = set("\\`*_[]|~")


def markdown_text(text: str) -> str:
    """Text safe in a GFM table cell: no HTML, no markup, no pipe that splits the cell."""
    out = []
    for char in text:
        if char in _MARKDOWN_ESCAPES:
            out.append(_MARKDOWN_ESCAPES[char])
        elif char in _MARKDOWN_PUNCTUATION:
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def _markdown_table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def format_markdown(diff: StoreDiff) -> str:
    """A pull-request comment: a summary line, then a table per kind of change."""
    lines = [
        f"### Incident changes in {markdown_text(diff.path)} "
        f"compared with {markdown_text(diff.base)}",
        "",
        f"{diff.counts()}." if not diff.is_empty else "No incident was added, removed or changed.",
        "",
    ]
    for label, entries in (("Added", diff.added), ("Removed", diff.removed)):
        if entries:
            lines += [f"**{label}**", ""]
            rows = [(f"`{e.id}`", markdown_text(e.date), markdown_text(e.title)) for e in entries]
            lines += _markdown_table(("id", "date", "title"), rows)
    if diff.changed:
        lines += ["**Changed**", ""]
        for entry in diff.changed:
            lines += [f"`{entry.id}` {markdown_text(entry.title)}", ""]
            rows = [
                (
                    markdown_text(c.field),
                    markdown_text(_shown(c.old)),
                    markdown_text(_shown(c.new)),
                )
                for c in entry.changes
            ]
            lines += _markdown_table(("field", "before", "after"), rows)
    return "\n".join(lines).rstrip("\n") + "\n"


def _entry_data(entry: IncidentEntry) -> dict[str, object]:
    return {"id": entry.id, "date": entry.date, "title": entry.title}


def format_json(diff: StoreDiff) -> str:
    data = {
        "path": diff.path,
        "base": diff.base,
        "added": [_entry_data(e) for e in diff.added],
        "removed": [_entry_data(e) for e in diff.removed],
        "changed": [
            {
                **_entry_data(e),
                "changes": [{"field": c.field, "old": c.old, "new": c.new} for c in e.changes],
            }
            for e in diff.changed
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


DIFF_FORMATTERS = {"text": format_text, "markdown": format_markdown, "json": format_json}
