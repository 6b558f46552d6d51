"""Importers: other datasets' files -> entries of the store format."""
