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
import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.core.models import ParsedDoc
from annotator.core.paths import resources_dir
from annotator.core.text import assemble, normalize
from annotator.io.errors import ParseError
from annotator.io.langdetect import mark_unstated
from annotator.io.plaintext import Block, norm_lang, sections_meta, split_blocks, stem

# Loose on purpose: anything that starts like a header is parsed as one, so a bad date or
# language gets a precise error instead of silently importing the header as a title.
HEADER_RE = re.compile(r"[ \t]*date[ \t]+([0-9]{4}-[0-9]{2}-[0-9]{2})(?:[ \t]+(\S+))?[ \t]*\r?")
LANG_RE = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,19}")
MAX_NAME = 100
MAX_TAGS = 400

# Time lines: "13:45, 22 April 2025", "22 April 2025, 13:45", "13:45", "22.04.2025 13:45"
CLOCK_RE = re.compile(r"\b([0-9]{1,2}):([0-9]{2})\b")
WORD_DATE_RE = re.compile(r"\b([0-9]{1,2})[ \t]+([^\W\d_]+)\.?,?[ \t]+([0-9]{4})\b")
DOT_DATE_RE = re.compile(r"\b([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})\b")
MAX_TIME_LINE = 60

# The language-dependent wording (credit prefixes, the author marker, month names) is data.
FORMAT_FILE = "article_format.toml"


class ArticleFormatError(ParseError):
    """The article format resource is missing or wrong; ``str(err)`` is one line.

    A ``ParseError``, so an import reports it per file like any other reason a file
    cannot be read, instead of stopping with a traceback.
    """


@dataclass(frozen=True)
class ArticleFormat:
    always: re.Pattern[str]  # credit prefixes that count wherever the line stands
    guarded: re.Pattern[str]  # credit prefixes that count only where body text cannot be
    max_length: int
    max_words: int
    max_caption: int
    credit_end: tuple[str, ...]
    markers: frozenset[str]
    months: dict[str, int]
    sentence_end: tuple[str, ...]

    def credit(self, line: str, before: str | None) -> str | None:
        """The credit of a credit line ("" when it names nobody), else None.

        ``before`` is the line directly before it in the same block, if any.
        """
        if match := self.always.match(line):
            return _credit_text(line, match)
        match = self.guarded.match(line)
        if match is None or line.endswith(self.credit_end):
            return None
        if len(line) > self.max_length or len(line.split()) > self.max_words:
            return None
        if before is not None and len(before) > self.max_caption:
            return None
        return _credit_text(line, match)

    def looks_like_credit(self, line: str) -> bool:
        return bool(self.always.match(line) or self.guarded.match(line))


def _credit_text(line: str, match: re.Match[str]) -> str:
    # a label ("Фото:") is dropped; a phrase ("Фото предоставлено ...") is part of the credit
    return line[match.end() :] if match["label"] is not None else line


def load_article_format(path: str | Path) -> ArticleFormat:
    """Read an article format file; any problem raises ``ArticleFormatError`` (one line)."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise _format_error(path, f"cannot read it ({exc.strerror or exc})") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise _format_error(path, f"not valid TOML ({exc})") from None
    try:
        return _build_format(data)
    except (KeyError, TypeError, ValueError) as exc:
        reason = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
        raise _format_error(path, reason) from None


@functools.cache
def article_format() -> ArticleFormat:
    """The bundled article format, read once per process."""
    return load_article_format(resources_dir() / FORMAT_FILE)


def _format_error(path: str | Path, reason: str) -> ArticleFormatError:
    return ArticleFormatError(" ".join(f"article format {path}: {reason}".split()))


def _build_format(data: dict[str, Any]) -> ArticleFormat:
    credit = _table(data, "credit")
    return ArticleFormat(
        always=_prefix_regex(_words(_table(credit, "always"), "credit.always")),
        guarded=_prefix_regex(_words(_table(credit, "guarded"), "credit.guarded")),
        max_length=_count(credit, "max_length"),
        max_words=_count(credit, "max_words"),
        max_caption=_count(credit, "max_caption"),
        credit_end=_chars(credit, "sentence_end"),
        markers=frozenset(m.lower() for m in _strings(_table(data, "author"), "markers")),
        months=_months(_table(_table(data, "time"), "months")),
        sentence_end=_chars(_table(data, "names"), "sentence_end"),
    )


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data[key]
    if not isinstance(value, dict):
        raise TypeError(f"[{key}] must be a table")
    return value


def _strings(table: dict[str, Any], key: str, where: str = "") -> list[str]:
    value = table[key]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise TypeError(f"{where}{key} must be a list of non-empty strings")
    return value


def _words(table: dict[str, Any], where: str) -> list[str]:
    return [w for lang in table for w in _strings(table, lang, f"{where}.")]


def _count(table: dict[str, Any], key: str) -> int:
    value = table[key]
    if type(value) is not int or value < 1:
        raise ValueError(f"{key} must be a positive whole number")
    return value


def _chars(table: dict[str, Any], key: str) -> tuple[str, ...]:
    value = table[key]
    if not isinstance(value, str):
        raise TypeError(f"{key} must be a string of characters")
    return tuple(value)


def _prefix_regex(prefixes: list[str]) -> re.Pattern[str]:
    """One pattern for all prefixes: group ``label`` for "X:" prefixes, ``phrase`` for others."""
    labels: list[str] = []
    phrases: list[str] = []
    for prefix in sorted(set(prefixes), key=lambda p: (-len(p), p)):  # longest first
        words = prefix.removesuffix(":").split()
        body = r"[ \t]+".join(re.escape(w) for w in words).replace("/", r"[ \t]*/[ \t]*")
        if prefix.endswith(":"):
            labels.append(body + r"[ \t]*:")
        else:
            phrases.append(body)
    label = rf"(?P<label>{'|'.join(labels) or '(?!)'})[ \t]*"
    # a phrase is whole words: "Фото из архива" must not match "Фото из архивов ..."
    phrase = rf"(?P<phrase>{'|'.join(phrases) or '(?!)'})(?![^\W_])"
    return re.compile(f"{label}|{phrase}", re.IGNORECASE)


def _months(table: dict[str, Any]) -> dict[str, int]:
    months: dict[str, int] = {}
    for key, names in table.items():
        if not isinstance(names, list) or len(names) != 12:
            raise ValueError(f"time.months.{key} must list the twelve months")
        for number, entry in enumerate(names, 1):
            spellings = [entry] if isinstance(entry, str) else _strings({key: entry}, key)
            for name in spellings:
                if months.setdefault(name.lower(), number) != number:
                    raise ValueError(f"month name {name!r} stands for two months")
    return months


def is_article(text: str) -> bool:
    """Whether the first non-blank line (after a BOM) is a ``date YYYY-MM-DD LANG`` header."""
    head = text.lstrip("\ufeff \t\r\n")
    end = head.find("\n")
    return HEADER_RE.fullmatch(head if end < 0 else head[:end]) is not None


def parse_article(raw: str, source: str = "", lang: str | None = None) -> ParsedDoc:
    """Parse one article in the reference format; raise ``ParseError`` on bad content.

    ``lang`` overrides the header's language; both are lower-cased.
    """
    fmt = article_format()
    text = normalize(raw).text
    header, line_no, rest = _split_header(text)
    date, header_lang = _parse_header(header, line_no)
    blocks = split_blocks(rest)
    if not blocks:
        raise ParseError("only a header: no title or body", line_no)
    title = blocks[0][0]
    blocks = _drop_first_line(blocks)
    time_raw, blocks = _take_time(blocks)
    author, tags, blocks = _take_tail(blocks, fmt)
    photos, paragraphs = _split_photos(blocks, fmt)
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
    doc = ParsedDoc(
        text=body,
        title=title,
        lang=norm_lang(lang, header_lang, line_no),
        date=date,
        time=parse_time(time_raw, date) if time_raw else None,
        source=source,
        external_id=stem(source),
        meta=meta,
    )
    return mark_unstated(doc, lang, header_lang)  # no language in the header: detect it


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
        month = article_format().months.get(match[2].lower())
        day, year = int(match[1]), int(match[3])
    elif match := DOT_DATE_RE.search(raw):
        day, month, year = int(match[1]), int(match[2]), int(match[3])
    else:
        return None
    try:
        return dt.date(year, month or 0, day).isoformat()
    except ValueError:
        return None


def _take_tail(
    blocks: list[Block], fmt: ArticleFormat
) -> tuple[str | None, str | None, list[Block]]:
    """Consume ``tags / author / author / Автор`` at the end; return author, tags, rest.

    Автор may be missing, so the author line repeated twice is the main signal; a single
    author line is only taken when the Автор marker follows it. The tags line is the line
    before the author within the same block.
    """
    blocks = [list(b) for b in blocks]
    if blocks and blocks[-1][-1].lower() in fmt.markers:
        blocks[-1].pop()
        blocks = [b for b in blocks if b]
        marker = True
    else:
        marker = False
    if not blocks:
        return None, None, blocks
    last = blocks[-1]
    author = None
    if len(last) >= 2 and last[-1] == last[-2] and _is_name(last[-1], fmt):
        author = last[-1]
        del last[-2:]
    elif marker and _is_name(last[-1], fmt):
        author = last.pop()
    tags = last.pop() if author and last and _is_tags(last[-1], fmt) else None
    return author, tags, [b for b in blocks if b]


def _is_name(line: str, fmt: ArticleFormat) -> bool:
    short = len(line) <= MAX_NAME and len(line.split()) <= 8
    return short and not line.endswith(fmt.sentence_end) and not fmt.looks_like_credit(line)


def _is_tags(line: str, fmt: ArticleFormat) -> bool:
    return (
        len(line) <= MAX_TAGS
        and not line.endswith(fmt.sentence_end)
        and not fmt.looks_like_credit(line)
    )


def _split_photos(
    blocks: list[Block], fmt: ArticleFormat
) -> tuple[list[dict[str, str | None]], list[str]]:
    """Take caption/credit pairs out of the blocks; return photos and body paragraphs.

    The caption is the line directly before a credit line (``Photo credit:``, ``Фото:``,
    ``Сурет:`` ..., see ``ArticleFormat.credit``) in the same block; body lines before
    and after a photo become separate paragraphs.
    """
    photos: list[dict[str, str | None]] = []
    paragraphs: list[str] = []
    for block in blocks:
        pending: list[str] = []
        for line in block:
            credit = fmt.credit(line, pending[-1] if pending else None)
            if credit is None:
                pending.append(line)
                continue
            caption = pending.pop() if pending else None
            photos.append({"caption": caption, "credit": credit or None})
            if pending:
                paragraphs.append("\n".join(pending))
                pending = []
        if pending:
            paragraphs.append("\n".join(pending))
    return photos, paragraphs
