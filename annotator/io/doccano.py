"""doccano sequence labelling: ``export --format doccano`` (JSONL) and ``doccano-conll``.

JSONL, one article per line, as doccano imports it (its "JSONL" sequence labelling
format; other keys become the example's metadata)::

    {"text": "Tokayev met Mirziyoyev.", "label": [[0, 7, "PERSON"], [12, 22, "PERSON"]],
     "id": "ext-id", "title": "...", "lang": "en", "date": "2025-04-22",
     "annotator": "alice"}

An article whose entity gold is partial (only some entities annotated, or suggestions left
undecided) carries ``"partial_entities": true``, which an import reads back.

Offsets are the article's own (code points, end exclusive), so the round trip through
``annotator import`` is exact for entities. Events have no place in it: counted.

CoNLL as doccano's own parser reads it: each line a token, one tab, its IOB2 tag (exactly
two columns, else "A line must be separated by tab and has two columns"), and a blank
line after each *example*: doccano makes every blank-line block one example, with the
tokens joined by spaces as its text. So an article is one block here (no sentence breaks,
no ``-DOCSTART-`` line, which doccano would read as a token), tokens and tags as in the
CoNLL export (:mod:`annotator.io.conll`: same tokens, same overlap and whitespace policy).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from annotator.core.models import PARTIAL_KEY, partial_entities
from annotator.io.conll import Tagged, _block_tags, _writable, check_labels
from annotator.io.export_common import (
    AnnotatedDoc,
    ExportReport,
    Item,
    SplitFiles,
    pending_entities,
    sorted_spans,
    write_rendered,
)
from annotator.io.tokens import pipe_docs

JSONL_SUFFIX = ".jsonl"
CONLL_SUFFIX = ".conll"
EVENTS = "events (doccano sequence labelling cannot hold them): not written"


def doccano_record(doc: AnnotatedDoc, report: ExportReport | None = None) -> dict[str, Any]:
    art = doc.article
    if report is not None:
        if doc.events:
            report.lose(EVENTS, n=len(doc.events))
        report.pending(doc)
    record: dict[str, Any] = {
        "text": art.text,
        "label": [[s.start, s.end, s.label] for s in sorted_spans(doc.spans)],
        "id": art.external_id or str(art.id),
        "title": art.title,
        "lang": art.lang,
    }
    if art.date:
        record["date"] = art.date
    record["annotator"] = doc.annotator
    if partial_entities(art.meta) or pending_entities(doc):
        # only some entities are gold (doccano keeps it as the example's metadata; an
        # import reads it back): training must not take the rest of the text as no entity
        record[PARTIAL_KEY] = True
    return record


def write_doccano(
    items: Iterable[Item], out: Path, report: ExportReport | None = None
) -> dict[str, Path]:
    """doccano JSONL: one file (no split: ``out``) or ``out/<split>.jsonl``."""
    report = report or ExportReport()
    with SplitFiles(out, JSONL_SUFFIX) as files:
        for split, doc in items:
            report.count(split, doc)
            files.write(split, json.dumps(doccano_record(doc, report), ensure_ascii=False) + "\n")
    return files.paths


def doccano_block(tokens: Doc, doc: AnnotatedDoc, tagged: Tagged, report: ExportReport) -> str:
    """One article as one doccano CoNLL example: ``token<TAB>tag`` lines, a blank line."""
    tags = _block_tags(tokens, doc, tagged, report)
    lines = [f"{t.text}\t{tag}" for t, tag in zip(tokens, tags) if not t.is_space]
    return "\n".join(lines) + "\n\n" if lines else ""


def write_doccano_conll(
    items: Iterable[Item], out: Path, report: ExportReport | None = None
) -> dict[str, Path]:
    """doccano's tab-separated CoNLL: one file (no split: ``out``) or one per split."""
    report = report or ExportReport()

    def text(prepared: tuple[Doc, Tagged], doc: AnnotatedDoc) -> str:
        tokens, tagged = prepared
        return doccano_block(tokens, doc, tagged, report)

    def checked(items: Iterable[Item]) -> Iterable[Item]:
        for split, doc in items:
            check_labels(doc)
            yield split, doc

    piped = pipe_docs(checked(items), lambda i: i[1].article.text, lambda i: i[1].article.lang)
    return write_rendered(_writable(piped, report, docstart=False), out, CONLL_SUFFIX, report, text)
