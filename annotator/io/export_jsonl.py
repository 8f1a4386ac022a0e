"""Prodigy-compatible JSON Lines: one annotated article per line.

Each line has ``text``, ``meta`` (id, date, language, title, source), ``tokens`` (text,
start, end, id, ws — spaCy tokens of the language's blank tokenizer), ``spans`` (start, end,
label, token_start, token_end with an inclusive end token, as Prodigy's ``ner_manual``),
``answer: "accept"``, ``_input_hash`` / ``_task_hash`` (32-bit signed integers like
Prodigy's, stable: derived from SHA-256 of the text, and of the text plus its annotations),
``_annotator_id``, ``_view_id`` and ``events``::

    {"trigger": {"start": 63, "end": 70}, "type": "Meet",
     "arguments": [{"role": "Participant", "start": 0, "end": 21, "label": "PERSON"}],
     "attributes": {"Negation": true}}

This is the lossless format: a span that does not fall on token boundaries keeps its exact
character offsets and simply has no ``token_start`` / ``token_end`` (reported, never moved).
``annotator import`` reads these files back (``annotator.io.jsonl``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from annotator.core.models import PARTIAL, partial_entities
from annotator.io.export_common import (
    AnnotatedDoc,
    ExportReport,
    Item,
    sorted_events,
    sorted_spans,
    span_example,
    write_rendered,
)
from annotator.io.tokens import align, pipe_docs

SUFFIX = ".jsonl"
MISALIGNED = "spans not on token boundaries: kept with exact offsets, without token_start/end"


def hash32(*parts: str) -> int:
    """A stable signed 32-bit integer, the shape of Prodigy's input and task hashes."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


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
    if partial_entities(art.meta):
        meta["entities"] = PARTIAL
    return meta


def record(doc: AnnotatedDoc, tokens: Doc, report: ExportReport | None = None) -> dict[str, Any]:
    """The JSON object for one document (``tokens`` is its spaCy tokenization)."""
    spans = []
    for span in sorted_spans(doc.spans):
        item: dict[str, Any] = span.to_dict()
        aligned = align(tokens, span)
        if aligned is not None:
            item["token_start"], item["token_end"] = aligned.start, aligned.end - 1
        elif report is not None:
            report.lose(MISALIGNED, span_example(doc, span))
        spans.append(item)
    events = [event_dict(e) for e in sorted_events(doc.events)]
    text = doc.article.text
    input_hash = hash32(text)
    annotations = json.dumps([spans, events], sort_keys=True, ensure_ascii=False)
    return {
        "text": text,
        "meta": meta_dict(doc),
        "tokens": [
            {
                "text": t.text,
                "start": t.idx,
                "end": t.idx + len(t),
                "id": t.i,
                "ws": bool(t.whitespace_),
            }
            for t in tokens
        ],
        "spans": spans,
        "events": events,
        "answer": "accept",
        "_input_hash": input_hash,
        "_task_hash": hash32(str(input_hash), annotations),
        "_annotator_id": doc.annotator,
        "_view_id": "ner_manual",
    }


def write_jsonl(
    items: Iterable[Item], out: Path, report: ExportReport | None = None
) -> dict[str, Path]:
    """Write one JSONL file (no split: ``out``) or one per split (``out/<split>.jsonl``)."""
    report = report or ExportReport()
    piped = pipe_docs(items, _text, _lang)
    return write_rendered(
        piped,
        out,
        SUFFIX,
        report,
        lambda tokens, doc: json.dumps(record(doc, tokens, report), ensure_ascii=False) + "\n",
    )


def _text(item: Item) -> str:
    return item[1].article.text


def _lang(item: Item) -> str:
    return item[1].article.lang
