"""Text normalisation, assembly of the annotatable text, and offset maps."""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from dataclasses import dataclass

BOM = "\ufeff"
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")  # characters that take 2 UTF-16 units


@dataclass(frozen=True)
class Normalized:
    """Normalised text plus a map from original to normalised code-point offsets."""

    text: str
    _removed: tuple[int, ...]  # original offsets of removed characters, sorted

    def map_offset(self, original: int) -> int:
        """Offset in ``text`` of the original offset (removed chars collapse forward)."""
        return original - bisect_right(self._removed, original - 1)


def normalize(raw: str) -> Normalized:
    """Strip a leading BOM and turn CRLF / CR into LF, keeping an offset map."""
    removed = [0] if raw.startswith(BOM) else []
    # a CR followed by LF is dropped; a lone CR becomes LF (same length)
    removed += [m.start() for m in re.finditer("\r\n", raw)]
    body = raw[1:] if raw.startswith(BOM) else raw
    return Normalized(body.replace("\r\n", "\n").replace("\r", "\n"), tuple(removed))


@dataclass(frozen=True)
class Section:
    kind: str  # "title" | "paragraph"
    start: int
    end: int


SEPARATOR = "\n\n"


def assemble(title: str, paragraphs: list[str]) -> tuple[str, list[Section]]:
    """Join title and body paragraphs with blank lines; return text and exact sections."""
    parts = [("title", title)] if title else []
    parts += [("paragraph", p) for p in paragraphs if p]
    chunks: list[str] = []
    sections: list[Section] = []
    pos = 0
    for kind, chunk in parts:
        if chunks:
            chunks.append(SEPARATOR)
            pos += len(SEPARATOR)
        chunks.append(chunk)
        sections.append(Section(kind, pos, pos + len(chunk)))
        pos += len(chunk)
    return "".join(chunks), sections


def content_hash(text: str) -> str:
    """Identity of an article's annotatable text (re-imports are no-ops)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Utf16Map:
    """Convert between code-point offsets (ours) and UTF-16 units (Qt's).

    Only characters outside the BMP differ; texts without them map 1:1 cheaply.
    """

    def __init__(self, text: str) -> None:
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]  # C speed on long texts
        # UTF-16 position of each astral char, for the reverse lookup
        self._astral16 = [i + k for k, i in enumerate(self._astral)]

    def to_utf16(self, offset: int) -> int:
        return offset + bisect_right(self._astral, offset - 1)

    def from_utf16(self, unit: int) -> int:
        # astral chars whose (2-unit) encoding ends at or before `unit`
        before = bisect_right(self._astral16, unit - 2)
        return unit - before
