"""A store's text and its rules: finding and reading store files, YAML text to nodes, nodes to
validated records, and loading a store into the query engine's database (`load`)."""
