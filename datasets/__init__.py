"""Bundled sample corpus, written for this project (CC0)."""
