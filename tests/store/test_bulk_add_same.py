"""Store.add_docs' bulk path (annotator.store.bulk_import) writes what the per-document
path writes: the same rows in every table, the same logged decisions byte for byte, the
same results and the same counts of cleaned spans."""

from __future__ import annotations

import pickle
import re
import sqlite3
from collections import Counter

import pytest

from annotator.core.models import Argument, Event, ParsedDoc, Span
from annotator.store import Store, bulk_import

TEXT = "Tokayev met Putin in Astana.\n\nThe  talks  went well in Moscow ."


def _docs() -> list[ParsedDoc]:
    clean = [Span(0, 7, "PERSON"), Span(12, 17, "PERSON"), Span(21, 27, "GPE")]
    messy = [
        Span(0, 8, "PERSON"),  # trailing space: trimmed
        Span(21, 32, "GPE"),  # across the paragraph break: dropped
        Span(28, 30, "X"),  # only whitespace: dropped
        Span(40, 47, "X"),  # two spaces first: trimmed
        Span(55, 61, "GPE"),
        Span(55, 62, "GPE"),  # trimmed to the one before: once
        Span(0, 7, 'O\'Brien "label" ü'),  # a label to quote
    ]
    event = Event(Span(8, 11, "Meet"), (Argument("Participant", Span(0, 7, "PERSON")),))
    rows = ParsedDoc.with_span_rows(
        [(0, 7, "PERSON"), (12, 17, "PERSON")], text=TEXT + " rows", lang="en", source="r"
    )
    return [
        ParsedDoc(TEXT + " A", lang="en", source="a", spans=list(clean)),
        ParsedDoc(TEXT + " B", lang="en", source="b", spans=list(messy)),
        ParsedDoc(TEXT, lang="en", source="c", spans=list(clean), events=[event]),
        ParsedDoc(TEXT + " D", lang="en", source="d", spans=[], annotated=True),
        ParsedDoc(TEXT + " A", lang="en", source="a-again", spans=list(clean)),  # a duplicate
        ParsedDoc(
            TEXT + " E", lang="en", source="e", spans=list(clean), meta={"entities": "partial"}
        ),  # fmt: skip
        ParsedDoc(TEXT + " F", lang="en", source="f", spans=[Span(0, 1, "X")], annotated=False),
        rows,
        ParsedDoc(TEXT + " G", lang="en", source="g", spans=[Span(3, 99, "PERSON")]),  # too long
    ]


TABLES = {
    "articles": "id, content_hash, source, external_id, lang, date, time, title, text, meta",
    "suggestions": 'id, article_id, kind, start, "end", label, arguments, attributes, score, '
    "source, model, model_version",
    "gold_spans": 'id, article_id, annotator, start, "end", label',
    "gold_events": "article_id, annotator, trigger_start, trigger_end, type, attributes",
    "gold_arguments": 'position, role, start, "end", label',
    "article_status": "article_id, annotator, status, suggestions_upto, entities",
    "decisions": "id, article_id, annotator, action, before, after, undo_of, redo_of",
    "suggestion_runs": "article_id, model, model_version",
}


def _state(store: Store) -> dict[str, list[tuple]]:
    """Every table's rows (events' uids are new random ones: left out)."""
    state = {
        table: store.db.execute(f"SELECT {cols} FROM {table} ORDER BY 1, 2, 3").fetchall()
        for table, cols in TABLES.items()
    }
    state["decisions"] = [
        tuple(UID.sub("", v) if isinstance(v, str) else v for v in row)
        for row in state["decisions"]
    ]
    return state


UID = re.compile(r'"uid":"[0-9a-f]{32}"')


def _crossed(docs: list[ParsedDoc], as_gold: bool) -> list[ParsedDoc]:
    """The documents as an import's worker process hands them over: prepared, pickled
    (their span rows packed), unpickled."""
    for doc in docs:
        bulk_import.prepare(doc, as_gold)
    return pickle.loads(pickle.dumps(docs))


def _import(
    bulk: bool, monkeypatch: pytest.MonkeyPatch, crossed: bool = False, **how: object
) -> tuple:
    with monkeypatch.context() as patch:
        if not bulk:  # every document the per-document way, as before the bulk path
            patch.setattr(bulk_import, "bulk_ready", lambda doc: False)
        store = Store()
        store.add_docs([ParsedDoc("Already here.", lang="en")])
        tally: Counter[str] = Counter()
        docs = _crossed(_docs(), bool(how)) if crossed else _docs()
        results = store.add_docs(docs, tally=tally, **how)  # type: ignore[arg-type]
        docs = _crossed(_docs(), bool(how)) if crossed else _docs()
        again = store.add_docs(docs, tally=tally, **how)  # type: ignore[arg-type]
        # add_docs leaves foreign keys unchecked in its transaction: every reference holds,
        # and they are checked again after it
        assert store.db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert store.db.execute("PRAGMA foreign_keys").fetchone() == (1,)
        return _state(store), results, again, tally


@pytest.mark.parametrize(
    "how",
    [{}, {"as_gold": True, "annotator": "ann"}, {"as_gold": True, "annotator": "o'neil",
                                                 "empty_is_gold": True}],
)  # fmt: skip
@pytest.mark.parametrize("crossed", [False, True], ids=["here", "from-a-worker"])
def test_bulk_path_writes_what_the_per_document_path_writes(monkeypatch, how, crossed):
    bulk_state, bulk_results, bulk_again, bulk_tally = _import(True, monkeypatch, crossed, **how)
    slow_state, slow_results, slow_again, slow_tally = _import(False, monkeypatch, **how)
    assert bulk_results == slow_results
    assert bulk_again == slow_again
    assert bulk_tally == slow_tally
    for table in TABLES:
        assert bulk_state[table] == slow_state[table], table
    # the batch holds what the test is about
    if how:
        # a, b, c, d (empty gold), e, rows; f too with empty_is_gold; g failed
        assert len(bulk_state["decisions"]) == 6 + bool(how.get("empty_is_gold"))
        assert ("partial",) in {(r[4],) for r in bulk_state["article_status"]}
    else:
        assert +bulk_tally == Counter(trimmed=3, dropped=3)  # G's span too
        assert any(r[5] == 'O\'Brien "label" ü' for r in bulk_state["suggestions"])
    failed = [r.source for r in bulk_results if r.gold == "failed"]
    assert failed == (["g"] if how else [])  # gold refuses a span past the end of the text


def test_a_refused_bulk_row_sends_the_batch_the_per_document_way():
    """A status row already there for a new article's id (left by another program) makes
    SQLite refuse the bulk insert: nothing of it stays, and the per-document path stores
    every document as before."""
    store = Store()
    store.db.execute("PRAGMA foreign_keys=OFF")
    store.db.execute(
        "INSERT INTO article_status (article_id, annotator, status, updated_at) "
        "VALUES (2, 'ann', 'in_progress', 'x')"
    )
    store.db.execute("PRAGMA foreign_keys=ON")
    docs = [ParsedDoc(f"{TEXT} {n}", lang="en", spans=[Span(0, 1, "N")]) for n in "12"]
    results = store.add_docs(docs, as_gold=True, annotator="ann")
    assert [(r.article_id, r.gold) for r in results] == [(1, "added"), (2, "added")]
    rows = store.db.execute("SELECT article_id, status FROM article_status ORDER BY 1").fetchall()
    assert rows == [(1, "done"), (2, "done")]
    logged = store.db.execute("SELECT article_id, before FROM decisions ORDER BY 1").fetchall()
    assert [r[0] for r in logged] == [1, 2]
    assert '"status":"in_progress"' in logged[1][1]  # the per-document path's decision
    assert store.db.execute("SELECT count(*) FROM gold_spans").fetchone() == (2,)


def test_foreign_keys_are_checked_again_after_a_failed_add_docs(monkeypatch):
    """add_docs turns SQLite's reference check off for its own transaction only: after a
    failure inside it too, a dangling reference is refused again."""
    store = Store()

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(bulk_import, "write", broken)
    with pytest.raises(RuntimeError):
        store.add_docs([ParsedDoc(TEXT, lang="en", spans=[Span(0, 7, "PERSON")])])
    assert store.db.execute("SELECT count(*) FROM articles").fetchone() == (0,)
    _refuses_a_dangling_reference(store)


def test_add_docs_inside_another_transaction_keeps_foreign_keys_checked():
    store = Store()
    with store.write():
        store.add_docs([ParsedDoc(TEXT, lang="en", spans=[Span(0, 7, "PERSON")])])
        assert store.db.execute("PRAGMA foreign_keys").fetchone() == (1,)
        _refuses_a_dangling_reference(store)


def _refuses_a_dangling_reference(store: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        store.db.execute(
            'INSERT INTO suggestions (article_id, kind, start, "end", label, source) '
            "VALUES (99, 'entity', 0, 1, 'X', 'import')"
        )
