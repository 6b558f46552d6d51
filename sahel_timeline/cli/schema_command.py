"""`sahel-timeline schema`: the JSON Schema of the store format, for editors and other tools."""

from __future__ import annotations

import sys

from sahel_timeline.cli.base import app
from sahel_timeline.store.json_schema import store_json_schema_text


@app.command(
    epilog=(
        "Example:\n\n"
        "  sahel-timeline schema > store.schema.json\n\n"
        "  then start a store file with: # yaml-language-server: $schema=store.schema.json"
    ),
)
def schema() -> None:
    """Print the JSON Schema (draft 2020-12) of a store file.

    Editors that speak the YAML language server complete and check entries as they are
    typed. Rules that span records (unique ids, known groups) stay with validate.
    """
    sys.stdout.write(store_json_schema_text())
