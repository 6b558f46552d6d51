"""The query engine: a store as SQLite tables (`database`), what each filter and sort means
(`query`), records as JSON beside the columns (`record_codec`), and the cache's databases
that spare a warm query the YAML (`cache`)."""
