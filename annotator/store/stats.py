"""Counts for ``annotator stats`` and the window's status bar."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from typing import Any

from annotator.core.models import Argument, Event, Span
from annotator.core.schema import EventSchema, load_schema, misfit_arguments
from annotator.core.spans import problem
from annotator.store.errors import StoreError
from annotator.store.store import Store


def project_stats(store: Store, schema: EventSchema | None = None) -> dict[str, Any]:
    q = store.db.execute
    by_lang = dict(q("SELECT lang, count(*) FROM articles GROUP BY lang ORDER BY lang"))
    status: dict[str, dict[str, int]] = {}
    for who, st, n in q(
        "SELECT annotator, status, count(*) FROM article_status GROUP BY 1, 2 ORDER BY 1, 2"
    ):
        status.setdefault(who, {})[st] = n
    total = sum(by_lang.values())
    for counts in status.values():  # articles an annotator never opened are new to them
        counts["new"] = counts.get("new", 0) + total - sum(counts.values())
    unclean, examples = unclean_gold(store)
    return {
        "articles": total,
        "languages": by_lang,
        "status": status,
        "suggestions": _nested(suggestion_counts(store)),
        "models": [{"model": m, "version": v, "articles": n} for m, v, n in q(RUNS_BY_MODEL)],
        "gold_spans": dict(q("SELECT label, count(*) FROM gold_spans GROUP BY 1 ORDER BY 1")),
        "gold_events": dict(q("SELECT type, count(*) FROM gold_events GROUP BY 1 ORDER BY 1")),
        "unclean_gold": {"count": unclean, "examples": examples},
        "misfit_arguments": misfits(store, schema or load_schema()),
        "annotators": {
            who: n
            for who, n in q("SELECT annotator, count(*) FROM decisions GROUP BY 1 ORDER BY 1")
        },
    }


# walks idx_suggestion_runs_model (schema v7) in order: no sort of every run
RUNS_BY_MODEL = "SELECT model, model_version, count(*) FROM suggestion_runs GROUP BY 1, 2"


def suggestion_counts(store: Store) -> list[tuple[str, str, int]]:
    """(kind, label, count) of the stored suggestions, by kind and label.

    Read from the counts the store keeps (schema migration 6) plus a count of the
    suggestions added since (an id range); those are then added to the kept counts, when
    the project can be written at once (read-only or busy: counted, not kept).
    """
    with contextlib.suppress(sqlite3.Error, StoreError):
        waited = store.lock_timeout
        store.lock_timeout = 0.2  # stats never waits for an import to finish
        try:
            with store.write():
                _keep_counts(store)
        finally:
            store.lock_timeout = waited
    with _snapshot(store):
        upto, kept = _kept_counts(store)
        totals = dict(kept)
        for kind, label, n in store.db.execute(_NEWER, [upto]):
            totals[kind, label] = totals.get((kind, label), 0) + n
    return [(kind, label, n) for (kind, label), n in sorted(totals.items()) if n > 0]


_NEWER = "SELECT kind, label, count(*) FROM suggestions WHERE id > ? GROUP BY 1, 2"


def _kept_counts(store: Store) -> tuple[int, dict[tuple[str, str], int]]:
    upto = store.db.execute("SELECT upto FROM suggestion_counts_upto").fetchone()[0]
    rows = store.db.execute("SELECT kind, label, n FROM suggestion_counts")
    return upto, {(kind, label): n for kind, label, n in rows}


def _keep_counts(store: Store) -> None:
    """Add the suggestions past ``upto`` to the kept counts (in the caller's write)."""
    upto, _ = _kept_counts(store)
    top = store.db.execute("SELECT coalesce(max(id), 0) FROM suggestions").fetchone()[0]
    if top <= upto:
        return
    fresh = store.db.execute(_NEWER, [upto]).fetchall()
    store.db.conn.executemany(
        "INSERT INTO suggestion_counts VALUES (?, ?, ?) "
        "ON CONFLICT (kind, label) DO UPDATE SET n = n + excluded.n",
        fresh,
    )
    store.db.execute("UPDATE suggestion_counts_upto SET upto = ?", [top])


@contextlib.contextmanager
def _snapshot(store: Store) -> Iterator[None]:
    """Read in one transaction: the kept counts and the rows past them agree."""
    conn = store.db.conn
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        conn.execute("COMMIT")


def _nested(rows: Any) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for kind, label, n in rows:
        out.setdefault(kind, {})[label] = n
    return out


_GOLD_SPANS = """SELECT article_id, annotator, start, "end", label FROM gold_spans
  UNION ALL SELECT article_id, annotator, trigger_start, trigger_end, type FROM gold_events
  UNION ALL SELECT ev.article_id, ev.annotator, g.start, g."end", g.label
    FROM gold_arguments g JOIN gold_events ev ON ev.uid = g.event_uid"""
_TEXTS = 500  # article texts read per query


def unclean_gold(store: Store, limit: int = 5) -> tuple[int, list[str]]:
    """How many gold spans (entities, triggers, arguments) break the span rule, and the
    first few as lines (article, annotator, why).

    Each article's text is read once, not once per span (a join re-reads the text for
    every span: 0.5 s at 1,000,000 articles); a quick test in Python (out of range, space
    at an edge, a line break inside) picks the spans :func:`core.spans.problem` judges.
    """
    rows = store.db.execute(_GOLD_SPANS).fetchall()
    ids = sorted({row[0] for row in rows})
    texts: dict[int, str] = {}
    for i in range(0, len(ids), _TEXTS):
        chunk = ids[i : i + _TEXTS]
        marks = ", ".join("?" * len(chunk))
        sql = f"SELECT id, text FROM articles WHERE id IN ({marks})"
        texts.update(store.db.execute(sql, chunk))
    found = []
    for aid, who, start, end, label in rows:
        text = texts.get(aid)
        if text is None:  # no such article: ``annotator check`` reports it
            continue
        if (
            0 <= start < end <= len(text)
            and not text[start].isspace()
            and not text[end - 1].isspace()
            and "\n" not in text[start:end]
        ):
            continue
        why = problem(text, Span(start, end, label))
        if why is not None:
            found.append((aid, who, start, why))
    found.sort()
    return len(found), [f"article {aid}, {who}: {why}" for aid, who, _, why in found[:limit]]


def misfits(store: Store, schema: EventSchema, limit: int = 5) -> dict[str, Any]:
    """Gold event arguments whose entity label their role does not take (by the schema),
    and the first few as lines."""
    sql = """SELECT ev.article_id, ev.annotator, ev.uid, ev.type, ev.trigger_start,
        ev.trigger_end, g.role, g.start, g."end", g.label
        FROM gold_arguments g JOIN gold_events ev ON ev.uid = g.event_uid
        ORDER BY ev.article_id, ev.annotator, g.start, ev.trigger_start"""
    count, examples = 0, []
    for aid, who, uid, typ, t_start, t_end, role, start, end, label in store.db.execute(sql):
        arg = Argument(role, Span(start, end, label))
        if not misfit_arguments(schema, [Event(Span(0, 1, typ), (arg,), uid=uid)]):
            continue
        count += 1
        if len(examples) < limit:  # the event by its trigger: two events may share the entity
            examples.append(
                f"article {aid}, {who}: {typ} at {t_start}..{t_end}: {role} ← {label} "
                f"{start}..{end}"
            )
    return {"count": count, "examples": examples}
