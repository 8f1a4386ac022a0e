"""The bulk path of :meth:`Store.add_docs`: new articles' imported spans, many at once.

Almost every document of a bulk import is a new article whose entity spans become either
import suggestions or an annotator's gold. For those, the rows of a whole batch go in with
one ``executemany`` per table, the values every row shares written into the statement
(binding twelve values per row was most of the insert's time), and the spans never
become ``Span`` objects (:meth:`ParsedDoc.span_rows`).

What lands is what the per-document path (``Store._add_one``) writes, row for row: the
same suggestions (cleaned by :func:`annotator.core.spans.clean_rows`, the same rule as
``clean_suggestions``), the same gold spans, the same status row and the same logged
decision, byte for byte (``tests/store/test_bulk_add_same.py`` compares them). Anything
else — documents with events, articles already stored, spans the store would refuse —
takes the per-document path. A batch is one savepoint: if SQLite refuses any of its rows
(a gold span or status already there), none of them stays and each document of it goes
the per-document way, which says which one failed and why.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain

from annotator.core.models import (
    PARTIAL,
    PackedRows,
    ParsedDoc,
    SpanRow,
    partial_entities,
    rows_with_article,
)
from annotator.core.spans import DROPPED, TRIMMED, clean_rows
from annotator.core.text import content_hash
from annotator.store.suggestions import insert_entity_rows_sql, sql_text

IMPORT = "import"  # the source and model of imported suggestions, the gold decision's action

# what the bulk path derives from a document's text and spans (ParsedDoc.derived): an
# import's worker process computes them (prepare) while this process stores the chunk before
HASH, CLEANED, GOLD = "content_hash", "clean_rows", "gold_rows"


def text_hash(doc: ParsedDoc) -> str:
    return content_hash(doc.text)


def cleaned(doc: ParsedDoc) -> tuple[list[SpanRow], int, int]:
    """The rows as import suggestions (:func:`clean_rows`), and how many were trimmed and
    dropped."""
    counted: Counter[str] = Counter()
    rows = clean_rows(doc.text, doc.span_rows(), counted)
    return rows, counted[TRIMMED], counted[DROPPED]


def gold_rows(doc: ParsedDoc) -> tuple[list[SpanRow], str]:
    """The rows as gold spans (each once, in order), and their part of the logged
    decision's ``after`` (:func:`_after`)."""
    rows = doc.span_rows()
    if len(set(rows)) != len(rows):
        rows = list(dict.fromkeys(rows))
    labels: dict[str, str] = {}
    parts = []
    for start, end, label in rows:
        text = labels.get(label)
        if text is None:
            text = labels[label] = _json(label)
        parts.append(f'{{"kind":"span","start":{start},"end":{end},"label":{text}}}')
    return rows, ",".join(parts)


def prepare(doc: ParsedDoc, as_gold: bool) -> None:
    """Compute what storing ``doc`` on the bulk path will need (in a worker process)."""
    doc.derived(HASH, text_hash)
    if as_gold:
        doc.derived(GOLD, gold_rows)
    else:
        doc.derived(CLEANED, cleaned)


def bulk_ready(doc: ParsedDoc) -> bool:
    """Whether a new article's document can take the bulk path (no events; every span
    inside the text, which the per-document path would refuse)."""
    return not doc.events and doc.span_end() <= len(doc.text)


@dataclass
class Pending:
    """New articles waiting for their rows: ``(index in the batch, article id, doc)``."""

    # rows: a list, or packed as they came from a worker process
    suggestions: list[tuple[int, int, list[SpanRow] | PackedRows]] = field(default_factory=list)
    cleaned: Counter[str] = field(default_factory=Counter)
    gold: list[tuple[int, int, ParsedDoc]] = field(default_factory=list)

    def add_suggestions(self, index: int, article_id: int, doc: ParsedDoc) -> None:
        rows, trimmed, dropped = doc.derived(CLEANED, cleaned)
        if trimmed:
            self.cleaned[TRIMMED] += trimmed
        if dropped:
            self.cleaned[DROPPED] += dropped
        self.suggestions.append((index, article_id, rows))

    def __bool__(self) -> bool:
        return bool(self.suggestions or self.gold)

    def indexes(self) -> list[int]:
        return [i for i, _, _ in self.suggestions] + [i for i, _, _ in self.gold]

    def clear(self) -> None:
        self.suggestions.clear()
        self.gold.clear()
        self.cleaned.clear()


def write(conn: sqlite3.Connection, pending: Pending, annotator: str, stamp: str) -> bool:
    """Insert the pending rows in one savepoint; False (nothing written) if SQLite refused
    any of them."""
    conn.execute("SAVEPOINT bulk_import")
    try:
        if pending.suggestions:
            sql = insert_entity_rows_sql(IMPORT, IMPORT, "", stamp)
            conn.executemany(
                sql,
                chain.from_iterable(
                    rows_with_article(aid, rows) for _, aid, rows in pending.suggestions
                ),
            )
        if pending.gold:
            _gold(conn, pending.gold, annotator, stamp)
    except (sqlite3.IntegrityError, ValueError):
        conn.execute("ROLLBACK TO bulk_import")
        conn.execute("RELEASE bulk_import")
        return False
    conn.execute("RELEASE bulk_import")
    return True


def _gold(
    conn: sqlite3.Connection, docs: list[tuple[int, int, ParsedDoc]], annotator: str, stamp: str
) -> None:
    """Each new article's gold as the decision ``gold_command`` makes of it (its spans
    added, the status new -> done), applied and logged."""
    who, at = sql_text(annotator), sql_text(stamp)
    spans: list[Iterable[tuple]] = []
    statuses, logs = [], []
    for _, aid, doc in docs:
        rows, after = doc.derived(GOLD, gold_rows)
        spans.append(rows_with_article(aid, rows))
        flag = PARTIAL if partial_entities(doc.meta) else None
        statuses.append((aid, aid, flag))
        logs.append((aid, _before(len(rows)), _after(after, flag)))
    # plain INSERTs: a span or status already there (it cannot be, for a new article) is
    # an IntegrityError, and the per-document path sorts it out
    conn.executemany(
        'INSERT INTO gold_spans (article_id, annotator, start, "end", label, created_at) '
        f"VALUES (?, {who}, ?, ?, ?, {at})",
        chain.from_iterable(spans),
    )
    # the suggestions there when the status was set (see changes._set_status)
    conn.executemany(
        "INSERT INTO article_status (article_id, annotator, status, updated_at, "
        f"suggestions_upto, entities) VALUES (?, {who}, 'done', {at}, "
        "(SELECT coalesce(max(id), 0) FROM suggestions WHERE article_id = ?), ?)",
        statuses,
    )
    conn.executemany(
        "INSERT INTO decisions (article_id, annotator, at, action, before, after, undo_of, "
        f"redo_of) VALUES (?, {who}, {at}, '{IMPORT}', ?, ?, NULL, NULL)",
        logs,
    )


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _before(n: int) -> str:
    """The logged ``before`` of n span additions and the status change (rows._dumps)."""
    status = '{"kind":"status","status":"new","entities":null}'
    return "[" + "null," * n + status + "]"


def _after(spans: str, flag: str | None) -> str:
    """The logged ``after``: the span additions (gold_rows), then the status change."""
    status = f'{{"kind":"status","status":"done","entities":{_json(flag)}}}'
    return f"[{spans},{status}]" if spans else f"[{status}]"
