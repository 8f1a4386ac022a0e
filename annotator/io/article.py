"""The reference article format.

::

     date 2025-04-22 EN
        Title line

        13:45, 22 April 2025

        Body paragraph ...

        Caption of a photo
        Photo credit: Agency

        More body ...

        tag line
        Author Name
        Author Name
        Автор

Captions, credits, tags and the author become metadata; the annotatable text is the
title and the body paragraphs joined by blank lines (``annotator.core.text.assemble``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from annotator.core.models import ParsedDoc
from annotator.core.text import assemble, normalize
from annotator.io.errors import ParseError
from annotator.io.plaintext import Block, norm_lang, sections_meta, split_blocks, stem

# Loose on purpose: anything that starts like a header is parsed as one, so a bad date or
# language gets a precise error instead of silently importing the header as a title.
HEADER_RE = re.compile(r"[ \t]*date[ \t]+([0-9]{4}-[0-9]{2}-[0-9]{2})(?:[ \t]+(\S+))?[ \t]*\r?")
LANG_RE = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,19}")
CREDIT_RE = re.compile(r"photo[ \t]+credits?[ \t]*:[ \t]*", re.IGNORECASE)
AUTHOR_MARKERS = frozenset({"автор", "author"})
SENTENCE_END = tuple('.!?…:;"”»')
MAX_NAME = 100
MAX_TAGS = 400

# Time lines: "13:45, 22 April 2025", "22 April 2025, 13:45", "13:45", "22.04.2025 13:45"
CLOCK_RE = re.compile(r"\b([0-9]{1,2}):([0-9]{2})\b")
WORD_DATE_RE = re.compile(r"\b([0-9]{1,2})[ \t]+([^\W\d_]+)\.?,?[ \t]+([0-9]{4})\b")
DOT_DATE_RE = re.compile(r"\b([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})\b")
MAX_TIME_LINE = 60

_EN = "january february march april may june july august september october november december"
_RU_GEN = "января февраля марта апреля мая июня июля августа сентября октября ноября декабря"
_RU_NOM = "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь"
_KK = "қаңтар ақпан наурыз сәуір мамыр маусым шілде тамыз қыркүйек қазан қараша желтоқсан"
MONTHS: dict[str, int] = {}
for _names in (_EN, _RU_GEN, _RU_NOM, _KK):
    MONTHS.update({name: i for i, name in enumerate(_names.split(), 1)})
MONTHS.update({name[:3]: i for i, name in enumerate(_EN.split(), 1)})
MONTHS["sept"] = 9


def is_article(text: str) -> bool:
    """Whether the first non-blank line (after a BOM) is a ``date YYYY-MM-DD LANG`` header."""
    head = text.lstrip("\ufeff \t\r\n")
    end = head.find("\n")
    return HEADER_RE.fullmatch(head if end < 0 else head[:end]) is not None


def parse_article(raw: str, source: str = "", lang: str | None = None) -> ParsedDoc:
    """Parse one article in the reference format; raise ``ParseError`` on bad content.

    ``lang`` overrides the header's language; both are lower-cased.
    """
    text = normalize(raw).text
    header, line_no, rest = _split_header(text)
    date, header_lang = _parse_header(header, line_no)
    blocks = split_blocks(rest)
    if not blocks:
        raise ParseError("only a header: no title or body", line_no)
    title = blocks[0][0]
    blocks = _drop_first_line(blocks)
    time_raw, blocks = _take_time(blocks)
    author, tags, blocks = _take_tail(blocks)
    photos, paragraphs = _split_photos(blocks)
    if not paragraphs:
        raise ParseError("no body paragraphs after the title")
    body, sections = assemble(title, paragraphs)
    meta: dict[str, Any] = {
        "format": "article",
        "header_lang": header_lang,
        "time_raw": time_raw,
        "photos": photos,
        "tags": tags,
        "author": author,
        "sections": sections_meta(sections),
    }
    return ParsedDoc(
        text=body,
        title=title,
        lang=norm_lang(lang, header_lang, line_no),
        date=date,
        time=parse_time(time_raw, date) if time_raw else None,
        source=source,
        external_id=stem(source),
        meta=meta,
    )


def _split_header(text: str) -> tuple[str, int, str]:
    """The first non-blank line, its 1-based number, and everything after it."""
    start = len(text) - len(text.lstrip())
    line_no = text.count("\n", 0, start) + 1
    start = text.rfind("\n", 0, start) + 1  # keep the header's own indentation
    end = text.find("\n", start)
    if end < 0:
        return text[start:], line_no, ""
    return text[start:end], line_no, text[end + 1 :]


def _parse_header(header: str, line_no: int) -> tuple[str, str | None]:
    match = HEADER_RE.fullmatch(header)
    if not match:
        shown = header.strip()[:60]
        raise ParseError(f"expected a ' date YYYY-MM-DD LANG' header, found {shown!r}", line_no)
    date, lang = match.groups()
    try:
        dt.date.fromisoformat(date)
    except ValueError:
        raise ParseError(f"impossible date {date} in the header", line_no) from None
    if lang is not None and not LANG_RE.fullmatch(lang):
        raise ParseError(f"{lang[:30]!r} in the header is not a language code", line_no)
    return date, lang.lower() if lang else None


def _drop_first_line(blocks: list[Block]) -> list[Block]:
    first = blocks[0][1:]
    return ([first] if first else []) + blocks[1:]


def _take_time(blocks: list[Block]) -> tuple[str | None, list[Block]]:
    """Consume the time line that may follow the title."""
    if not blocks:
        return None, blocks
    line = blocks[0][0]
    if len(line) > MAX_TIME_LINE or not _is_time_line(line):
        return None, blocks
    return line, _drop_first_line(blocks)


def _is_time_line(line: str) -> bool:
    if CLOCK_RE.match(line):
        return True
    # a date first only counts when it is a real date ("15 years 2020" is body text)
    return bool(WORD_DATE_RE.match(line) or DOT_DATE_RE.match(line)) and bool(_line_date(line))


def parse_time(raw: str, header_date: str) -> str:
    """ISO-ish time of a time line: "13:45, 22 April 2025" gives "2025-04-22T13:45".

    A clock without a date takes the header's date, a date without a clock stays a date,
    and a line that makes no sense is returned as it is.
    """
    clock = CLOCK_RE.search(raw)
    hhmm = None
    if clock and int(clock[1]) < 24 and int(clock[2]) < 60:
        hhmm = f"{int(clock[1]):02d}:{clock[2]}"
    day = _line_date(raw)
    if day and hhmm:
        return f"{day}T{hhmm}"
    if hhmm:
        return f"{header_date}T{hhmm}"
    return day or raw


def _line_date(raw: str) -> str | None:
    if match := WORD_DATE_RE.search(raw):
        day, month, year = int(match[1]), MONTHS.get(match[2].lower()), int(match[3])
    elif match := DOT_DATE_RE.search(raw):
        day, month, year = int(match[1]), int(match[2]), int(match[3])
    else:
        return None
    try:
        return dt.date(year, month or 0, day).isoformat()
    except ValueError:
        return None


def _take_tail(blocks: list[Block]) -> tuple[str | None, str | None, list[Block]]:
    """Consume ``tags / author / author / Автор`` at the end; return author, tags, rest.

    Автор may be missing, so the author line repeated twice is the main signal; a single
    author line is only taken when the Автор marker follows it. The tags line is the line
    before the author within the same block.
    """
    blocks = [list(b) for b in blocks]
    if blocks and blocks[-1][-1].lower() in AUTHOR_MARKERS:
        blocks[-1].pop()
        blocks = [b for b in blocks if b]
        marker = True
    else:
        marker = False
    if not blocks:
        return None, None, blocks
    last = blocks[-1]
    author = None
    if len(last) >= 2 and last[-1] == last[-2] and _is_name(last[-1]):
        author = last[-1]
        del last[-2:]
    elif marker and _is_name(last[-1]):
        author = last.pop()
    tags = last.pop() if author and last and _is_tags(last[-1]) else None
    return author, tags, [b for b in blocks if b]


def _is_name(line: str) -> bool:
    short = len(line) <= MAX_NAME and len(line.split()) <= 8
    return short and not line.endswith(SENTENCE_END) and not CREDIT_RE.match(line)


def _is_tags(line: str) -> bool:
    return len(line) <= MAX_TAGS and not line.endswith(SENTENCE_END) and not CREDIT_RE.match(line)


def _split_photos(blocks: list[Block]) -> tuple[list[dict[str, str | None]], list[str]]:
    """Take caption/credit pairs out of the blocks; return photos and body paragraphs.

    The caption is the line directly before a ``Photo credit:`` line in the same block;
    body lines before and after a photo become separate paragraphs.
    """
    photos: list[dict[str, str | None]] = []
    paragraphs: list[str] = []
    for block in blocks:
        pending: list[str] = []
        for line in block:
            credit = CREDIT_RE.match(line)
            if credit is None:
                pending.append(line)
                continue
            caption = pending.pop() if pending else None
            photos.append({"caption": caption, "credit": line[credit.end() :] or None})
            if pending:
                paragraphs.append("\n".join(pending))
                pending = []
        if pending:
            paragraphs.append("\n".join(pending))
    return photos, paragraphs
