"""What the views and exports show, as plain data and plain strings (no terminal): how a
value reads (`labels`), counts per bucket (`stats`), changes since a git revision (`diff`),
curated incidents linked to ACLED events (`links`) and findings as text or JSON
(`findings_formats`)."""
