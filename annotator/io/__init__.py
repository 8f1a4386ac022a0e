"""Importers (and, later, exporters): files in, core objects out; never touches the store."""

from __future__ import annotations

from annotator.io.article import parse_article
from annotator.io.errors import ParseError
from annotator.io.jsonl import parse_jsonl_line, read_jsonl
from annotator.io.plaintext import parse_plaintext
from annotator.io.reader import (
    DEFAULT_MAX_BYTES,
    FORMATS,
    Format,
    collect_files,
    detect_format,
    read_file,
    read_paths,
    register_format,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "Format",
    "ParseError",
    "collect_files",
    "detect_format",
    "parse_article",
    "parse_jsonl_line",
    "parse_plaintext",
    "read_file",
    "read_jsonl",
    "read_paths",
    "register_format",
]
