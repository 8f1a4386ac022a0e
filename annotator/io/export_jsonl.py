"""Prodigy-compatible JSON Lines: one annotated article per line.

Each line has ``text``, ``meta`` (id, date, language, title, source), ``tokens`` (text,
start, end, id, ws — spaCy tokens of the language's blank tokenizer), ``spans`` (start, end,
label, token_start, token_end with an inclusive end token, as Prodigy's ``ner_manual``),
``answer: "accept"``, ``_annotator_id``, ``_view_id`` and ``events``::

    {"trigger": {"start": 63, "end": 70}, "type": "Meet",
     "arguments": [{"role": "Participant", "start": 0, "end": 21, "label": "PERSON"}],
     "attributes": {"Negation": true}}

This is the lossless format: spans keep their exact character offsets. The ``tokens`` are
the tokenizer's cut at every start and end of an entity, event trigger, event argument and
undecided entity suggestion (``tokens.gold_doc``, the same tokens as the CoNLL and DocBin
exports), so every span has its ``token_start`` / ``token_end`` ("Acme Ltd" before a full
stop ends on the token "Ltd", followed by "."); ``ws`` stays true to the text.
``annotator import`` reads these files back (``annotator.io.jsonl``).

``_view_id`` is ``ner_manual`` when the entity spans are one layer on the tokenizer's own
tokens, else ``spans_manual`` (spans that overlap, or that cut a token of spaCy's
tokenizer): spaCy refuses overlapping ``ner_manual`` spans as ``doc.ents`` (E1010), and
Prodigy's ``data-to-spacy`` puts ``spans_manual`` ones into ``doc.spans``.

Prodigy's ``_input_hash`` / ``_task_hash`` are not written for gold made here: Prodigy
computes them with its own ``set_hashes`` (murmurhash over its input and task keys), whose
exact serialisation is not published, so any value written here would be a number that
looks like Prodigy's and is not (records would be deduplicated on it by mistake).
``prodigy db-in`` hashes records that come without them.

An article imported from Prodigy keeps its record's ``answer`` and underscore fields
(``_session_id``, ``_timestamp``, ``_annotator_id``, ``_input_hash``, ...) in its meta; they
are written back as they were (``_input_hash`` is Prodigy's own value for that input),
except ``answer`` and ``_annotator_id`` (this record is the project annotator's accepted
gold), ``_task_hash`` (it named the imported annotations, not this gold) and ``_view_id``
(computed from the spans).

An article whose annotator left entity suggestions undecided has incomplete entity gold:
its ``meta.entities`` is ``"partial"`` (as for gold made only for events), so consumers
treat unannotated tokens as missing, not as "O"; the report counts such articles.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from functools import cache, partial
from itertools import islice, repeat
from json.encoder import encode_basestring as _string  # what dumps uses for str
from operator import attrgetter, gt, itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.models import ENTITY, PARTIAL, Span, partial_entities
from annotator.core.schema import EventSchema
from annotator.io.export_chunks import Key, Pieces, joined
from annotator.io.export_common import (
    AnnotatedDoc,
    ExportReport,
    Item,
    Rendered,
    TokenTable,
    gold_boundaries,
    pending_entities,
    render_chunks,
    sorted_events,
    sorted_spans,
    span_example,
    warmed,
    write_texts,
)
from annotator.io.token_cache import TRAILING, TokenCache, Tokens
from annotator.io.tokens import blank, gold_doc, recut_offsets

if TYPE_CHECKING:  # spaCy is imported where tokens are made: a cached export needs none
    from spacy.tokens import Doc

SUFFIX = ".jsonl"
MISALIGNED = (
    "spans beyond the end of the article text: kept with exact offsets, without token_start/end"
)
PENDING = (
    'their articles are written with meta.entities = "partial" (their other tokens are not '
    "known to be outside any entity)"
)
ACCEPT = "accept"
DERIVED = frozenset({"_task_hash", "_view_id"})
NER_MANUAL, SPANS_MANUAL = "ner_manual", "spans_manual"
# the token cache's fragment of a text's "tokens" list (_tokens_json's bytes); the number
# changes with _tokens_json's output, so that no older rendering is ever read
FRAGMENT = "jsonl-tokens:1"
SpanRow = tuple[int, int, str]
_SPAN_ORDER = attrgetter("start", "end", "label")
_FIRST, _SECOND, _THIRD = itemgetter(0), itemgetter(1), itemgetter(2)


def event_dict(event: Any) -> dict[str, Any]:
    return {
        "trigger": {"start": event.trigger.start, "end": event.trigger.end},
        "type": event.type,
        "arguments": [a.to_dict() for a in event.arguments],
        "attributes": dict(event.attributes),
    }


def meta_dict(doc: AnnotatedDoc) -> dict[str, Any]:
    art = doc.article
    meta: dict[str, Any] = {
        "id": art.external_id or str(art.id),
        "date": art.date,
        "language": art.lang,
        "title": art.title,
        "source": art.source,
    }
    if art.time:
        meta["time"] = art.time
    if partial_entities(art.meta) or pending_entities(doc):
        meta["entities"] = PARTIAL
    return meta


def imported_fields(doc: AnnotatedDoc) -> dict[str, Any]:
    """The underscore fields the article was imported with (Prodigy's session, timestamp
    ...), with what this record is now: an accepted answer (it is gold; an imported
    "reject" described the text as it came in, not this gold) by this project's annotator
    (whose gold it is, whoever annotated the text before)."""
    kept = {k: v for k, v in doc.article.meta.items() if k.startswith("_") and k not in DERIVED}
    return {**kept, "answer": ACCEPT, "_annotator_id": doc.annotator}


def record(doc: AnnotatedDoc, tokens: Doc, report: ExportReport | None = None) -> dict[str, Any]:
    """The JSON object for one document (``tokens``: the tokenizer's, cut here at the gold's
    boundaries)."""
    head, table, tail = _parts(doc, tokens, report)
    text = doc.article.text
    toks = [
        {"text": text[a:b], "start": a, "end": b, "id": i, "ws": bool(ws)}
        for i, (a, b, ws) in enumerate(zip(table.starts, table.ends, table.spaces))
    ]
    return {**head, "tokens": toks, **tail}


def line(doc: AnnotatedDoc, tokens: Doc, report: ExportReport | None = None) -> str:
    """``json.dumps(record(...), ensure_ascii=False)`` and a line break, byte for byte, with
    the tokens written by one format string each: a dict per token and the encoder's walk
    over it cost 2.5x more, and tokens are most of every line."""
    head, table, tail = _parts(doc, tokens, report)
    text = doc.article.text
    ws = (', "ws": false}', ', "ws": true}')
    toks = ", ".join(
        [
            f'{{"text": {_string(text[a:b])}, "start": {a}, "end": {b}, "id": {i}{ws[w]}'
            for i, (a, b, w) in enumerate(zip(table.starts, table.ends, table.spaces))
        ]
    )
    first = json.dumps(head, ensure_ascii=False)[:-1]
    rest = json.dumps(tail, ensure_ascii=False)[1:]
    return f'{first}, "tokens": [{toks}], {rest}\n'


def _parts(
    doc: AnnotatedDoc, tokens: Doc, report: ExportReport | None
) -> tuple[dict[str, Any], TokenTable, dict[str, Any]]:
    """The record's fields before its tokens, the tokens (cut at the gold's boundaries),
    and the fields after them."""
    raw = tokens
    tokens = gold_doc(tokens, gold_boundaries(doc), doc.article.text)
    raw_table = TokenTable(raw)
    table = raw_table if tokens is raw else TokenTable(tokens)
    spans = []
    ordered = sorted_spans(doc.spans)
    for span in ordered:
        item: dict[str, Any] = span.to_dict()
        aligned = table.align(span)
        if aligned is not None:
            item["token_start"], item["token_end"] = aligned[0], aligned[1] - 1
        elif report is not None:
            report.lose(MISALIGNED, span_example(doc, span))
        spans.append(item)
    events = [event_dict(e) for e in sorted_events(doc.events)]
    if report is not None and (n := pending_entities(doc)):
        report.pending_how = PENDING
        report.pending(doc, n)
    head = {"text": doc.article.text, "meta": meta_dict(doc)}
    tail = {
        "spans": spans,
        "events": events,
        **imported_fields(doc),
        "_view_id": _view_id(ordered, raw_table),
    }
    return head, table, tail


def view_id(spans: Iterable[Span], tokens: Doc) -> str:
    """``ner_manual`` for one layer of spans on whole tokens of the tokenizer's ``tokens``
    (before any cut), else ``spans_manual``."""
    return _view_id(spans, TokenTable(tokens))


def _view_id(spans: Iterable[Span], table: TokenTable) -> str:
    ordered = sorted_spans(spans)
    if any(a.end > b.start for a, b in zip(ordered, ordered[1:])):
        return SPANS_MANUAL
    if any(table.align(s) is None for s in ordered):
        return SPANS_MANUAL
    return NER_MANUAL


def write_jsonl(
    items: Iterable[Item],
    out: Path,
    report: ExportReport | None = None,
    cache: TokenCache | None = None,
) -> dict[str, Path]:
    """Write one JSONL file (no split: ``out``) or one per split (``out/<split>.jsonl``).

    Tokens come from ``cache`` (the project's token cache; None: tokenize here), and
    rendering runs on every core for a large export (``render_chunks``)."""
    report = report or ExportReport()
    work = partial(_lines, cache or TokenCache(None))
    return write_texts(render_chunks(warmed(items), work, report), out, SUFFIX, report)


def _lines(cache: TokenCache, chunk: list[Item]) -> Rendered:
    """One chunk's lines, with the report of what they could not hold (in a worker)."""
    report = ExportReport()
    known = cache.tokens(
        [(d.article.content_hash, d.article.lang, d.article.text) for _, d in chunk]
    )
    lines: list[str | None] = [fast_line(doc, t, report) for (_, doc), t in zip(chunk, known)]
    return lines, report


# -- the same lines from tokens as numbers --------------------------------------------------

_WS = tuple(', "ws": true}' if f & TRAILING else ', "ws": false}' for f in range(8))
# the decimal strings of 0, 1, 2, ...: token ids and offsets looked up, not formatted (a
# lookup is ~4x faster than str(); up to NUMBERS, longer texts format their offsets)
_IDS: list[str] = []
NUMBERS = 1 << 17


def fast_line(doc: AnnotatedDoc, tokens: Tokens, report: ExportReport | None = None) -> str:
    """:func:`line` from the tokenizer's tokens as numbers (the token cache's), byte for
    byte: no ``Doc``, no ``Token`` objects, the tokens' JSON joined at C speed."""
    ordered = list(map(_SPAN_ORDER, sorted_spans(doc.spans)))
    head, toks, tail = _line_parts(doc, ordered, tokens, report)
    if toks is None:  # the tokenizer's own tokens
        toks = _tokens_json(doc.article.text, tokens.starts, tokens.ends, tokens.flags)
    return f"{head}{toks}{tail}"


def _at(offsets: Sequence[int], x: int) -> int | None:
    """The index of ``x`` in the increasing ``offsets``, or None."""
    i = bisect_left(offsets, x)
    return i if i < len(offsets) and offsets[i] == x else None


def _line_parts(
    doc: AnnotatedDoc, ordered: list[SpanRow], tokens: Tokens, report: ExportReport | None
) -> tuple[str, str | None, str]:
    """A line's text before its tokens' JSON, that JSON, and the text after it. The tokens'
    JSON is None when the tokens are the tokenizer's own (no cut): the caller has it kept
    (the token cache's fragment) or renders it. ``ordered``: the entity spans as
    ``(start, end, label)``, sorted and unique."""
    text = doc.article.text
    starts, ends = tokens.starts, tokens.ends
    k = len(ordered)
    span_starts = list(map(_FIRST, ordered))
    span_ends = list(map(_SECOND, ordered))
    # the tokens that start and end where each span does (bisect in C, no dict per text)
    firsts = list(map(bisect_left, repeat(starts, k), span_starts))
    lasts = list(map(bisect_left, repeat(ends, k), span_ends))
    whole = _found(starts, firsts, span_starts) and _found(ends, lasts, span_ends)
    others = [(e.trigger.start, e.trigger.end) for e in doc.events]
    for event in doc.events:
        others += [(a.span.start, a.span.end) for a in event.arguments]
    others += [(s.span.start, s.span.end) for s in doc.pending if s.kind == ENTITY]
    toks: str | None = None
    if whole and all(_at(starts, a) is not None and _at(ends, b) is not None for a, b in others):
        # the tokenizer's tokens serve (char_span(strict) finds every span): one format
        # operation for all spans
        values: list[Any] = [None] * (5 * k)
        values[0::5] = span_starts
        values[1::5] = span_ends
        values[2::5] = map(_string, map(_THIRD, ordered))
        values[3::5] = firsts
        values[4::5] = lasts
        spans_json = _span_format(k) % tuple(values)
    else:
        pairs = {*zip(span_starts, span_ends), *others}
        cut_starts, cut_ends, spaces = recut_offsets(starts, ends, tokens.spaces(), text, pairs)
        toks = _tokens_json(text, cut_starts, cut_ends, [s * TRAILING for s in spaces])
        rendered = []
        for start, end, label in ordered:
            first, last = _at(cut_starts, start), _at(cut_ends, end)
            quoted = _string(label)
            if first is None or last is None:
                if report is not None:
                    report.lose(MISALIGNED, span_example(doc, Span(start, end, label)))
                rendered.append(f'{{"start": {start}, "end": {end}, "label": {quoted}}}')
            else:
                rendered.append(
                    f'{{"start": {start}, "end": {end}, "label": {quoted}, '
                    f'"token_start": {first}, "token_end": {last}}}'
                )
        spans_json = ", ".join(rendered)
    if report is not None and (n := pending_entities(doc)):
        report.pending_how = PENDING
        report.pending(doc, n)
    overlap = any(map(gt, span_ends, islice(span_starts, 1, None)))
    tail = {
        "events": [event_dict(e) for e in sorted_events(doc.events)],
        **imported_fields(doc),
        "_view_id": NER_MANUAL if whole and not overlap else SPANS_MANUAL,
    }
    first_part = json.dumps({"text": text, "meta": meta_dict(doc)}, ensure_ascii=False)[:-1]
    rest = json.dumps(tail, ensure_ascii=False)[1:]
    head = f'{first_part}, "tokens": ['
    return head, toks, f'], "spans": [{spans_json}], {rest}\n'


def _found(offsets: Sequence[int], at: list[int], wanted: list[int]) -> bool:
    """True when ``offsets[at[i]] == wanted[i]`` for every i (``at``: bisect's indexes)."""
    if not at:
        return True
    if max(at) >= len(offsets):
        return False
    return list(map(offsets.__getitem__, at)) == wanted


@cache
def _span_format(k: int) -> str:
    """The %-format of ``k`` spans on whole tokens, as :func:`line` writes them."""
    one = '{"start": %d, "end": %d, "label": %s, "token_start": %d, "token_end": %d}'
    return ", ".join([one] * k)


def gold_lines(
    cache: TokenCache,
    read: Callable[[list[Key]], list[Any]],
    schema: EventSchema | None,
    keys: list[Key],
) -> Pieces:
    """One chunk of a project's gold as JSONL bytes per split, read here (in a worker:
    :mod:`annotator.io.export_chunks`) by ``read``, counted in the chunk's report.

    The tokens' JSON of an article whose tokens need no cut comes from the token cache
    (its ``jsonl-tokens`` fragment: the same bytes, kept by the first export)."""
    report = ExportReport()
    report.schema = schema  # to count arguments whose label misfits the role
    docs = read(keys)
    known = cache.tokens_and_fragments(
        [(d.article.content_hash, d.article.lang, d.article.text) for d in docs], FRAGMENT
    )
    out: dict[str, list[bytes]] = {}
    made = []
    for (split, _, _), doc, (tokens, fragment) in zip(keys, docs, known):
        head, toks, tail = _line_parts(doc, doc.spans, tokens, report)
        if toks is not None:
            body = toks.encode()
        elif fragment is not None:
            body = fragment
        else:
            art = doc.article
            body = _tokens_json(art.text, tokens.starts, tokens.ends, tokens.flags).encode()
            made.append((art.content_hash, art.lang, tokens, body))
        out.setdefault(split, []).extend((head.encode(), body, tail.encode()))
        report.count(split, doc, [label for _, _, label in doc.spans])
    cache.keep_fragments(FRAGMENT, made)
    return joined(out), report


def _tokens_json(text: str, starts: list[int], ends: list[int], flags: bytes | list[int]) -> str:
    """``{"text": ..., "start": .., "end": .., "id": .., "ws": ..}`` per token, joined with
    ", ": nine pieces per token laid into one list by slice assignment (C loops)."""
    n = len(starts)
    if not n:
        return ""
    top = max(n, ends[-1] + 1)
    if top <= NUMBERS:
        if len(_IDS) < top:
            _IDS.extend(map(str, range(len(_IDS), min(2 * top, NUMBERS))))
        number = _IDS.__getitem__
    else:
        if len(_IDS) < n:
            _IDS.extend(map(str, range(len(_IDS), 2 * n)))
        number = str
    words = list(map(text.__getitem__, map(slice, starts, ends)))
    if len(_string(text)) == len(text) + 2:  # nothing to escape anywhere in the text
        quote = '"'
    else:
        words = list(map(_string, words))
        quote = ""
    parts: list[str] = [""] * (9 * n)
    parts[0::9] = [', {"text": ' + quote] * n
    parts[0] = '{"text": ' + quote
    parts[1::9] = words
    parts[2::9] = [quote + ', "start": '] * n
    parts[3::9] = map(number, starts)
    parts[4::9] = [', "end": '] * n
    parts[5::9] = map(number, ends)
    parts[6::9] = [', "id": '] * n
    parts[7::9] = _IDS[:n]
    parts[8::9] = map(_WS.__getitem__, flags)  # flags: TRAILING is what picks
    return "".join(parts)


def tokens_of(text: str, lang: str) -> Tokens:
    """The tokenizer's tokens of ``text`` as numbers (what the token cache keeps)."""
    return Tokens.of(blank(lang).tokenizer(text))
