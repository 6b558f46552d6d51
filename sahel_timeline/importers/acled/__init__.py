"""ACLED export files -> entries of the store format, one module per step.

1. `rows` reads a CSV export driven by its header (`detect_layout`), turning each row into an
   `AcledRecord` or a `RowProblem` that names the line;
2. `events` keeps the rows the user asked for (`RowSelection`: country, dates, event type)
   and folds the rows of one event (`event_id_cnty`) into one `AcledEvent` (the monadic
   export repeats an event once per actor);
3. `entries` maps an event to an `ImportedEntry`: store fields in order, with perpetrators
   as `GroupSpec`s that `actors.resolve_groups` later matches against a registry;
4. `store_merge` plans the entries' merge into a store (new, updated, gone) and writes it,
   through `store_text`, which renders entries as YAML and edits a store file's text in
   place; `pipeline` runs the whole import (`run_acled_import`).

The mapping tables (`actors`, `event_types` of both taxonomies) are documented in
docs/acled-import.md. Everything before `store_merge` is pure: no terminal, no file
writing.
"""
