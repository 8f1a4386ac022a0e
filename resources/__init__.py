"""Bundled resources (label sets, event schema, patterns, guidelines, styles)."""
