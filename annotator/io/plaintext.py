"""Plain text files: the first non-empty line is the title, blank lines separate paragraphs.

Shared helpers for line-based formats live here too (block splitting, titles, sections).
"""

from __future__ import annotations

import os
from typing import Any

from annotator.core.langs import check_lang
from annotator.core.models import ParsedDoc
from annotator.core.text import Section, assemble, normalize
from annotator.io.errors import ParseError
from annotator.io.langdetect import mark_unstated

# Indentation and trailing blanks are layout, not content; NBSP and the rest are kept.
LAYOUT = " \t"
# A first line longer than this is a paragraph, not a headline.
MAX_TITLE = 200
PREVIEW = 120
DEFAULT_LANG = "xx"  # spaCy's code for "multi-language / unknown"

Block = list[str]


def split_blocks(text: str) -> list[Block]:
    """Group lines into blocks separated by blank lines; lines lose indentation."""
    blocks: list[Block] = []
    current: Block = []
    for line in text.split("\n"):
        stripped = line.strip(LAYOUT)
        if stripped and not stripped.isspace():
            current.append(stripped)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def preview_title(text: str, limit: int = PREVIEW) -> str:
    """The first non-blank line, cut at a word boundary to at most ``limit`` characters."""
    line = next((ln.strip() for ln in text.split("\n") if ln.strip()), "")
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:  # only back off to a space when that keeps most of the line
        cut = cut[:space]
    return cut.rstrip() + "…"


def sections_meta(sections: list[Section]) -> list[dict[str, Any]]:
    # dataclasses.asdict deep-copies: 4x slower, and this runs for every imported article
    return [{"kind": s.kind, "start": s.start, "end": s.end} for s in sections]


def stem(source: str) -> str | None:
    # os.path, not Path(source).stem: pathlib parsing costs ~5 us per article
    return os.path.splitext(os.path.basename(source))[0] if source else None


def norm_lang(lang: str | None, fallback: str | None = None, line: int | None = None) -> str:
    """The canonical code of ``lang`` (the --lang override) or else ``fallback`` (the file's).

    Raises ``ParseError`` for a code that is not shaped like a language tag: it names
    resources later, so ``../../x`` must never get in.
    """
    try:
        return check_lang(lang or fallback or DEFAULT_LANG)
    except ValueError as err:
        raise ParseError(str(err), None if lang else line) from None


def parse_plaintext(raw: str, source: str = "", lang: str | None = None) -> ParsedDoc:
    """Parse a plain text article (no ``date`` header).

    The first non-empty line is the title; the other blocks (split on blank lines) are
    paragraphs whose inner single newlines are kept. Lines lose their indentation.
    A very long first line is treated as a paragraph and the title is a preview of it.
    Language: ``lang``, else the import detects it (:mod:`annotator.io.langdetect`).
    """
    blocks = split_blocks(normalize(raw).text)
    if not blocks:
        raise ParseError("no text (the file is blank)")
    first = blocks[0]
    if len(first[0]) > MAX_TITLE:
        title, paragraphs = "", ["\n".join(b) for b in blocks]
    else:
        rest = ["\n".join(first[1:])] if len(first) > 1 else []
        title, paragraphs = first[0], rest + ["\n".join(b) for b in blocks[1:]]
    text, sections = assemble(title, paragraphs)
    doc = ParsedDoc(
        text=text,
        title=title or preview_title(text),
        lang=norm_lang(lang),
        source=source,
        external_id=stem(source),
        meta={"format": "text", "sections": sections_meta(sections)},
    )
    return mark_unstated(doc, lang)  # plain text never says: the import detects it
