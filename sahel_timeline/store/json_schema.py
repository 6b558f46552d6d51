"""The JSON Schema (draft 2020-12) of a store file, built from the validator's own specs.

`schema.py` is the one definition of the format; this module only assembles its specs'
`json_schema()` into a document editors can use (the YAML language server completes and
checks entries as they are typed). Rules that span records (duplicate ids, unknown groups,
related ids, coordinates inside the country) cannot be said in JSON Schema and remain the
validator's.
"""

from __future__ import annotations

import json
from typing import Any

from sahel_timeline.store import schema
from sahel_timeline.vocab import SCHEMA_VERSION

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = f"urn:sahel-timeline:store-format:v{SCHEMA_VERSION}"

# Records named in `$defs`, so editors show their names and the document stays readable.
NAMED_RECORDS: dict[str, schema.Record] = {
    "incident": schema.INCIDENT,
    "group": schema.GROUP,
    "perpetrator": schema.PERPETRATOR,
    "location": schema.LOCATION,
    "source": schema.SOURCE,
    "figureRange": schema.FIGURE_RANGE,
}


def store_json_schema() -> dict[str, Any]:
    """The whole document: one store file (`schema_version`, `groups`, `incidents`)."""
    definitions = {name: record.json_schema() for name, record in NAMED_RECORDS.items()}
    references = [(body, {"$ref": f"#/$defs/{name}"}) for name, body in definitions.items()]
    root = schema.STORE_FILE.json_schema()
    root["properties"]["schema_version"]["const"] = SCHEMA_VERSION
    return {
        "$schema": DRAFT,
        "$id": SCHEMA_ID,
        "title": f"sahel-timeline store file (format v{SCHEMA_VERSION})",
        "description": (
            "One YAML file of a sahel-timeline incident store. Cross-record rules (unique ids, "
            "known groups and related ids, coordinates inside the country) are checked by "
            "`sahel-timeline validate`."
        ),
        **_with_references(root, references),
        "$defs": {
            name: _with_references(body, references, keep=body)
            for name, body in definitions.items()
        },
    }


def _with_references(
    value: Any, references: list[tuple[dict[str, Any], dict[str, str]]], keep: Any = None
) -> Any:
    """`value` with every sub-schema equal to a named record replaced by a `$ref` to it."""
    if isinstance(value, dict):
        if value is not keep:
            for body, reference in references:
                if value == body:
                    return reference
        return {key: _with_references(child, references) for key, child in value.items()}
    if isinstance(value, list):
        return [_with_references(child, references) for child in value]
    return value


def store_json_schema_text() -> str:
    return json.dumps(store_json_schema(), indent=2, ensure_ascii=False) + "\n"
