"""Loader nodes -> model objects plus findings, one file at a time, one record at a time.

Rules that need the whole store (duplicate ids, unknown groups, related ids) are SQL in
`engine/database.py`; everything that one record can tell about itself is here.
"""

from __future__ import annotations

from collections.abc import Callable

from sahel_timeline.model import (
    FileContent,
    Group,
    Incident,
    Location,
    Origin,
    Perpetrator,
    Source,
)
from sahel_timeline.store import schema
from sahel_timeline.store.loader import Mapping, Node, Scalar, Sequence
from sahel_timeline.store.schema import INVALID, Checker
from sahel_timeline.vocab import SCHEMA_VERSION

INCIDENT_BATCH = 2000  # incidents handed on at once by an IncidentStream


class IncidentStream:
    """Validates a file's incidents one at a time as the loader reads them (its `on_record`)
    and hands them on in batches, so that a big file's incidents are never all in memory.

    `finish` validates the rest of the document (whose incidents list no longer holds the
    streamed items) with the same checker, and gives the file's content without them.
    """

    def __init__(self, file: str, hand_on: Callable[[list[Incident]], None]) -> None:
        self.checker = Checker(file)
        self.unloaded_ids: set[str] = set()
        self._hand_on = hand_on
        self._batch: list[Incident] = []

    def __call__(self, node: Node) -> None:
        incident = validate_incident(node, self.checker)
        if incident is None:
            self.unloaded_ids |= _written_id(node)
            return
        self._batch.append(incident)
        if len(self._batch) >= INCIDENT_BATCH:
            self.flush()

    def flush(self) -> None:
        if self._batch:
            self._hand_on(self._batch)
            self._batch = []

    def finish(self, root: Node | None) -> FileContent:
        self.flush()
        content = validate_document(root, self.checker.file, self.checker)
        content.unloaded_ids |= self.unloaded_ids
        return content


def validate_document(root: Node | None, file: str, checker: Checker | None = None) -> FileContent:
    """A file's groups, incidents and findings; `checker` carries findings already made."""
    checker = checker or Checker(file)
    content = FileContent(file)
    _validate_root(root, checker, content)
    content.findings = checker.findings
    return content


def _validate_root(root: Node | None, checker: Checker, content: FileContent) -> None:
    if root is None:
        checker.error((1, 1), "missing-key", "the file is empty: it needs schema_version: 1")
        return
    if not isinstance(root, Mapping):
        checker.error(
            root, "wrong-type", "a store file is a mapping with schema_version, groups, incidents"
        )
        return
    for key, node in root.items.items():
        if key == "schema_version":
            version = schema.Integer().convert(node, checker)
            if version is not INVALID and version != SCHEMA_VERSION:
                checker.error(
                    node, "schema-version",
                    f"schema_version {version} is not supported (this version reads "
                    f"{SCHEMA_VERSION})",
                )  # fmt: skip
        elif key in ("groups", "incidents"):
            if isinstance(node, Scalar) and node.is_null:
                continue
            if not isinstance(node, Sequence):
                checker.error(node, "wrong-type", f"{key} must be a list")
                continue
            for item in node.items:
                if key == "groups":
                    group = validate_group(item, checker)
                    if group is not None:
                        content.groups.append(group)
                else:
                    incident = validate_incident(item, checker)
                    if incident is not None:
                        content.incidents.append(incident)
                    else:
                        content.unloaded_ids |= _written_id(item)
        elif not key.startswith(schema.EXTENSION_KEY_PREFIX):
            checker.error(
                root.keys[key], "unknown-key",
                f"unknown top-level key {key!r}; known keys: schema_version, groups, incidents",
            )  # fmt: skip
    if "schema_version" not in root.items:
        checker.error(
            root, "missing-key", "the file has no schema_version (write schema_version: 1)"
        )


def _written_id(node: Node) -> set[str]:
    child = node.items.get("id") if isinstance(node, Mapping) else None
    return {child.value} if isinstance(child, Scalar) and not child.is_null else set()


def _mark(node: Node) -> tuple[int, int]:
    return (node.line, node.column)


def validate_group(node: Node, checker: Checker) -> Group | None:
    values = schema.GROUP.convert(node, checker)
    if values is INVALID or "id" not in values or "name" not in values:
        return None
    assert isinstance(node, Mapping)
    marks = {key: _mark(child) for key, child in node.items.items()}
    aliases = node.items.get("aliases")
    if isinstance(aliases, Sequence):
        for index, item in enumerate(aliases.items):
            marks[f"aliases.{index}"] = _mark(item)
    return Group(
        id=values["id"],
        name=values["name"],
        short=values.get("short"),
        aliases=tuple(values.get("aliases") or ()),
        affiliation=values.get("affiliation"),
        formed=values.get("formed"),
        merged_into=values.get("merged_into"),
        notes=values.get("notes"),
        extensions=values.get("extensions", {}),
        origin=Origin(checker.file, node.line, node.column),
        marks=marks,
        kind=values.get("kind"),
    )


def validate_incident(node: Node, checker: Checker) -> Incident | None:
    values = schema.INCIDENT.convert(node, checker)
    if values is INVALID:
        return None
    assert isinstance(node, Mapping)
    kind = values.get("kind", "incident")
    location = _location(values.get("location") or {}, node, checker)
    perpetrator_nodes = _perpetrators(values.get("perpetrators") or [])
    perpetrators = tuple(perpetrator for perpetrator, _ in perpetrator_nodes)
    sources = tuple(_source(source) for source in values.get("sources") or () if "title" in source)
    _check_incident_rules(node, values, kind, location, checker)
    if not {"id", "title", "date"} <= values.keys():
        return None
    marks = _incident_marks(node)
    for index, (_, item) in enumerate(perpetrator_nodes):
        marks[f"perpetrators.{index}.group"] = _mark(item.items["group"])
    incident = Incident(
        id=values["id"],
        title=values["title"],
        date=values["date"],
        kind=kind,
        end_date=values.get("end_date"),
        date_margin_days=values.get("date_margin_days"),
        target_groups=tuple(values.get("target_groups") or ()),
        time=values.get("time"),
        location=location,
        tactics=tuple(values.get("tactics") or ()),
        targets=tuple(values.get("targets") or ()),
        perpetrators=perpetrators,
        killed=values.get("killed"),
        attackers_killed=values.get("attackers_killed"),
        wounded=values.get("wounded"),
        summary=values.get("summary"),
        notes=values.get("notes"),
        tags=tuple(values.get("tags") or ()),
        sources=sources,
        related=tuple(values.get("related") or ()),
        extensions=values.get("extensions", {}),
        origin=Origin(checker.file, node.line, node.column),
        marks=marks,
    )
    _check_claims(node, incident, perpetrator_nodes, checker)
    return incident


def _source(values: dict) -> Source:
    # A source's own `x-` keys are accepted and ignored (the model keeps no extensions there).
    fields = {key: value for key, value in values.items() if key != "extensions"}
    if fields.get("title_checked") is None:
        fields.pop("title_checked", None)  # null or absent: checked, the default
    return Source(**fields)


def _location(values: dict, incident_node: Mapping, checker: Checker) -> Location:
    country = values.get("country")
    node = incident_node.items.get("location")
    lat, lon = values.get("lat"), values.get("lon")
    if isinstance(node, Mapping):
        has_lat, has_lon = _given(node, "lat"), _given(node, "lon")
        if has_lat != has_lon:
            present = node.items["lat" if has_lat else "lon"]
            checker.error(
                present, "coordinates-pair", "lat and lon come together: give both or neither"
            )
            lat = lon = None
        elif (
            lat is not None
            and lon is not None
            and country is not None
            and not country.contains(lat, lon)
        ):
            hint = " (are lat and lon swapped?)" if country.contains(lon, lat) else ""
            checker.error(
                node.items["lat"], "coordinates-outside-country",
                f"{lat:g}, {lon:g} is outside {country.name}{hint}",
            )  # fmt: skip
    return Location(
        country=country.name if country else None,
        country_code=country.alpha3 if country else None,
        admin1=values.get("admin1"),
        place=values.get("place"),
        site=values.get("site"),
        lat=lat,
        lon=lon,
        precision=values.get("precision"),
    )


def _given(node: Mapping, key: str) -> bool:
    child = node.items.get(key)
    return child is not None and not (isinstance(child, Scalar) and child.is_null)


def _perpetrators(converted: list[tuple[dict, Node]]) -> list[tuple[Perpetrator, Mapping]]:
    """The complete perpetrators, each with its node (the claim rules point inside it)."""
    found = []
    for values, item in converted:
        if "group" in values and "status" in values:
            assert isinstance(item, Mapping)
            perpetrator = Perpetrator(values["group"], values["status"], values.get("claimed_on"))
            found.append((perpetrator, item))
    return found


def _check_incident_rules(
    node: Mapping, values: dict, kind: str, location: Location, checker: Checker
) -> None:
    date, end_date = values.get("date"), values.get("end_date")
    # Fuzzy dates are intervals: `end_date: 2018-03` may end a `date: 2018-03-15`.
    if date is not None and end_date is not None and end_date.end < date.start:
        checker.error(
            node.items["end_date"], "date-order",
            f"end_date {end_date} is before date {date}",
        )  # fmt: skip
    if kind != "incident":
        return
    if location.country is None and "country" not in _child_keys(node, "location"):
        checker.error(node, "missing-key", "an incident needs location.country")
    sources = node.items.get("sources")
    if (
        sources is None
        or (isinstance(sources, Sequence) and not sources.items)
        or (isinstance(sources, Scalar) and sources.is_null)
    ):
        checker.error(sources or node, "missing-source", "an incident cites at least one source")
    if not values.get("summary"):
        checker.warning(node, "missing-summary", "the incident has no summary")


def _check_claims(
    node: Mapping,
    incident: Incident,
    perpetrator_nodes: list[tuple[Perpetrator, Mapping]],
    checker: Checker,
) -> None:
    perpetrators_node = node.items.get("perpetrators")
    if not isinstance(perpetrators_node, Sequence):
        return
    items = [item for item in perpetrators_node.items if isinstance(item, Mapping)]
    for item in items:
        status = item.items.get("status")
        claimed_on = item.items.get("claimed_on")
        status_text = status.value if isinstance(status, Scalar) else None
        has_claim_date = isinstance(claimed_on, Scalar) and not claimed_on.is_null
        if has_claim_date and status_text != "claimed":
            assert claimed_on is not None
            checker.error(
                claimed_on, "claim-date-without-claim",
                f"claimed_on is only for status claimed (status is {status_text})",
            )  # fmt: skip
        elif status_text == "claimed" and not has_claim_date:
            checker.warning(item, "claim-date-missing", "claimed, but claimed_on is not given")
    for perpetrator, item in perpetrator_nodes:
        claimed = perpetrator.claimed_on
        if claimed is not None and claimed.end < incident.start:
            checker.error(
                item.items["claimed_on"], "claim-before-incident",
                f"claimed_on {claimed} is before the incident's date {incident.date}",
            )  # fmt: skip


def _child_keys(node: Mapping, key: str) -> set[str]:
    child = node.items.get(key)
    return set(child.items) if isinstance(child, Mapping) else set()


def _incident_marks(node: Mapping) -> dict[str, tuple[int, int]]:
    marks = {key: _mark(child) for key, child in node.items.items()}
    for list_key in ("related", "perpetrators", "target_groups"):
        child = node.items.get(list_key)
        if isinstance(child, Sequence):
            for index, item in enumerate(child.items):
                marks[f"{list_key}.{index}"] = _mark(item)
    return marks
