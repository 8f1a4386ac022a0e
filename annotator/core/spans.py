"""Clean spans: no span starts or ends with whitespace (or an invisible format character,
:data:`EDGE`) or runs across a paragraph break.

NER cannot learn whitespace at an entity's edge (spaCy's ``debug data`` flags it, and
token-based exports would carry whitespace tokens inside entities), and an entity never
spans two paragraphs: a model that tags ``"Bishkek\\n\\nBISHKEK"`` across a title and a
dateline has found two mentions, not one. The rule holds for every suggestion the store
keeps and for gold from every importer; ``annotator check``/``stats`` find older gold
that breaks it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from annotator.core.models import EVENT, Argument, Event, ParsedDoc, Span, SpanRow, Suggestion

# Characters no span may start or end with: whitespace (exactly what str.isspace() calls
# whitespace: a test checks it) and the invisible format characters (Unicode category Cf
# that show nothing: soft hyphen, zero-width space and (non-)joiners, word joiner, BOM,
# bidirectional marks and isolates) that copy-paste leaves at a word's edge. An entity
# "\u200bAstana" is the entity "Astana" to every model and tool, but not to a string
# comparison. A constant for str.strip() and a set for the per-row check keep the rule as
# cheap as the whitespace test it replaces (clean_rows runs on every span of a bulk import).
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
INVISIBLE = (
    "\u00ad\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\u206a\u206b\u206c\u206d"
    "\u206e\u206f\ufeff"
)
EDGE = WHITESPACE + INVISIBLE
_EDGE_SET = frozenset(EDGE)

# a paragraph break: a line break, optional spaces, another line break
PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")

TRIMMED, DROPPED, ARGUMENTS_DROPPED = "trimmed", "dropped", "arguments dropped"


def clean_offsets(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The offsets without whitespace or invisible characters (:data:`EDGE`) at either
    edge; None when nothing is left or a paragraph break is still inside (which mention
    was meant cannot be told)."""
    part = text[start:end]
    stripped = part.strip(EDGE)
    if not stripped:
        return None
    begin = start + (len(part) - len(part.lstrip(EDGE)))
    finish = begin + len(stripped)
    if PARAGRAPH_BREAK.search(text, begin, finish):
        return None
    return begin, finish


def problem(text: str, span: Span) -> str | None:
    """Why a span breaks the rule, as words for a user (None: it is clean)."""
    found = clean_offsets(text, span.start, span.end)
    if found == (span.start, span.end):
        return None
    shown = text[span.start : span.end]
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    where = f"span {span.start}..{span.end} ({span.label})"
    if found is None and shown.strip(EDGE):
        return f"{where} {shown!r} crosses a paragraph break"
    if found is None:
        hidden = _invisible(text[span.start : span.end])
        return f"{where} is only whitespace" + (hidden and f" and invisible characters ({hidden})")
    # say which invisible characters: they cannot be seen
    if hidden := _invisible(text[span.start : found[0]] + text[found[1] : span.end]):
        return f"{where} {shown!r} has an invisible character ({hidden}) at its edge"
    return f"{where} {shown!r} has whitespace at its edge"


def _invisible(part: str) -> str:
    """The invisible characters in ``part``, named by code point ("U+200B, U+FEFF")."""
    found = sorted(set(part) & frozenset(INVISIBLE))
    return ", ".join(f"U+{ord(c):04X}" for c in found)


def clean_span(text: str, span: Span) -> Span | None:
    found = clean_offsets(text, span.start, span.end)
    return None if found is None else Span(found[0], found[1], span.label)


def clean_event(text: str, event: Event) -> tuple[Event | None, int]:
    """The event with a clean trigger and clean arguments (None when the trigger cannot
    be cleaned), and how many arguments had to be dropped."""
    trigger = clean_span(text, event.trigger)
    if trigger is None:
        return None, 0
    args = []
    for arg in event.arguments:
        span = clean_span(text, arg.span)
        if span is not None:
            args.append(Argument(arg.role, span, arg.rule))
    return replace(event, trigger=trigger, arguments=tuple(args)), len(event.arguments) - len(args)


def clean_suggestions(
    text: str, suggestions: Iterable[Suggestion], tally: Counter[str] | None = None
) -> list[Suggestion]:
    """Suggestions that follow the rule: trimmed where whitespace edges them, dropped where
    nothing or two paragraphs would be left, duplicates (after trimming) once. ``tally``
    counts what was trimmed and dropped."""
    tally = Counter() if tally is None else tally
    out: dict[tuple, Suggestion] = {}
    for s in suggestions:
        cleaned = _clean_one(text, s, tally)
        if cleaned is None:
            tally[DROPPED] += 1
            continue
        if cleaned != s:
            tally[TRIMMED] += 1
        out.setdefault((cleaned.kind, cleaned.span, cleaned.arguments), cleaned)
    return list(out.values())


def _clean_one(text: str, s: Suggestion, tally: Counter[str]) -> Suggestion | None:
    if s.kind != EVENT:
        span = clean_span(text, s.span)
        if span is None:
            return None
        return s if span == s.span else replace(s, span=span)  # most need no trimming
    event, lost = clean_event(text, s.as_event())
    if event is None:
        return None
    tally[ARGUMENTS_DROPPED] += lost
    return replace(s, span=event.trigger, arguments=event.arguments)


def _unclear(text: str, rows: list[SpanRow]) -> bool:
    """Whether any row may break the rule (else every one is clean for sure): whitespace
    or an invisible character at an edge, or a line break inside (a paragraph break needs
    one), or past the end. One pass over all rows (~40 per article)."""
    n = len(text)
    edge = _EDGE_SET
    return any(
        [
            r
            for r in rows
            if r[1] > n
            or text[r[0]] in edge
            or text[r[1] - 1] in edge
            or text.find("\n", r[0], r[1]) >= 0
        ]
    )


def clean_rows(text: str, rows: list[SpanRow], tally: Counter[str] | None = None) -> list[SpanRow]:
    """:func:`clean_suggestions` for entity suggestions given as ``(start, end, label)``
    rows (an import's ~40 per article): the same rows come out, trimmed, dropped, counted
    and made unique the same way, without a Span or Suggestion object for each (``rows``
    itself when nothing changes: do not change the result)."""
    if not _unclear(text, rows):  # ``rows`` itself when nothing changes
        return rows if len(set(rows)) == len(rows) else list(dict.fromkeys(rows))
    tally = Counter() if tally is None else tally
    out: dict[SpanRow, None] = {}
    trimmed = dropped = 0
    for row in rows:
        start, end, label = row
        found = clean_offsets(text, start, end)
        if found is None:
            dropped += 1
            continue
        if found != (start, end):
            trimmed += 1
            row = (found[0], found[1], label)
        out[row] = None
    if trimmed:
        tally[TRIMMED] += trimmed
    if dropped:
        tally[DROPPED] += dropped
    return list(out)


def doc_problems(doc: ParsedDoc) -> list[str]:
    """Every span of a document (entities, triggers, arguments) that breaks the rule."""
    if not doc.events and not _unclear(doc.text, doc.span_rows()):  # the common case
        return []
    spans = list(doc.spans) + [e.trigger for e in doc.events]
    spans += [a.span for e in doc.events for a in e.arguments]
    found = (problem(doc.text, s) for s in dict.fromkeys(spans))
    return [p for p in found if p]


def clean_doc(doc: ParsedDoc, tally: Counter[str] | None = None) -> ParsedDoc:
    """The document with every span cleaned (trimmed, or dropped), counted in ``tally``."""
    tally = Counter() if tally is None else tally
    spans = []
    for span in dict.fromkeys(doc.spans):
        cleaned = clean_span(doc.text, span)
        if cleaned is None:
            tally[DROPPED] += 1
            continue
        tally[TRIMMED] += cleaned != span
        spans.append(cleaned)
    events = []
    for event in doc.events:
        cleaned_event, lost = clean_event(doc.text, event)
        tally[ARGUMENTS_DROPPED] += lost
        if cleaned_event is None:
            tally[DROPPED] += 1
            continue
        tally[TRIMMED] += cleaned_event != event
        events.append(cleaned_event)
    return replace(doc, spans=list(dict.fromkeys(spans)), events=events)
