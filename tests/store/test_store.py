from __future__ import annotations

import sqlite3

import pytest

from annotator.core import commands as cmd
from annotator.core.models import Argument, Event, ParsedDoc, Span, Suggestion
from annotator.store import ConflictError, Store, schema


def test_store_new_file_has_wal_foreign_keys_and_current_schema(db_path):
    with Store(db_path) as s:
        assert s.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert s.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
        assert schema.user_version(s.db) == schema.VERSION
        assert s.backup_path is None
        tables = set(s.db.table_names())
    assert {
        "articles",
        "suggestions",
        "gold_spans",
        "gold_events",
        "gold_arguments",
        "article_status",
        "decisions",
        "suggestion_states",
    } <= tables


def test_store_migrating_an_old_file_writes_a_backup_first(db_path, monkeypatch, sample_doc):
    with Store(db_path) as s:
        s.add_docs([sample_doc])
    added = []
    before = schema.VERSION

    def _m_next(db):
        added.append(True)
        db["articles"].add_column("priority", int)

    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS + [_m_next])
    monkeypatch.setattr(schema, "VERSION", len(schema.MIGRATIONS))
    with Store(db_path) as s:
        assert added == [True]
        assert s.backup_path is not None and s.backup_path.exists()
        assert "priority" in s.db["articles"].columns_dict
    old = sqlite3.connect(s.backup_path)
    assert old.execute("PRAGMA user_version").fetchone()[0] == before
    assert old.execute("SELECT count(*) FROM articles").fetchone()[0] == 1


def test_store_refuses_a_newer_schema(db_path):
    with Store(db_path) as s:
        s.db.execute(f"PRAGMA user_version = {schema.VERSION + 1}")
    with pytest.raises(RuntimeError, match="newer"):
        Store(db_path)


def test_store_add_docs_skips_duplicates_by_content(store, sample_doc):
    first = store.add_docs([sample_doc, sample_doc])
    assert [r.duplicate for r in first] == [False, True]
    again = store.add_docs([sample_doc])
    assert again[0].duplicate and again[0].article_id == first[0].article_id
    assert store.count_articles() == 1
    art = store.get_article(first[0].article_id)
    assert art.text == sample_doc.text and art.lang == "en" and art.date == "2025-04-21"


def test_store_imported_spans_become_import_suggestions(store, sample_doc):
    aid = store.add_docs([sample_doc])[0].article_id
    sugg = store.suggestions(aid, "ann")
    assert [(s.span, s.source, st) for s, st in sugg] == [
        (sp, "import", "pending") for sp in sample_doc.spans
    ]
    assert store.gold_spans(aid, "ann") == []


def test_store_as_gold_import_logs_decision_and_marks_done(store, sample_doc):
    ev = Event(Span(30, 35, "Meet"), (Argument("Participant", Span(0, 7, "PERSON")),))
    sample_doc.events = [ev]
    aid = store.add_docs([sample_doc], as_gold=True, annotator="ann")[0].article_id
    assert store.gold_spans(aid, "ann") == sorted(sample_doc.spans)
    assert store.gold_events(aid, "ann") == [ev]
    assert store.status(aid, "ann") == "done"
    (decision,) = store.decisions(aid, "ann")
    assert decision.action == "import" and len(decision.command.changes) == 5
    assert store.suggestions(aid, "ann") == []


def test_store_apply_is_one_transaction(store, sample_doc):
    aid = store.add_docs([sample_doc])[0].article_id
    good = cmd.add_span(Span(0, 7, "PERSON"))
    bad = cmd.remove_span(Span(1, 2, "ORG"))  # not there: conflict
    with pytest.raises(ConflictError):
        store.apply(aid, "ann", cmd.Command("mixed", (good, bad)))
    assert store.gold_spans(aid, "ann") == []
    assert store.decisions(aid, "ann") == []
    assert store.status(aid, "ann") == "new"


def test_store_accept_then_undo_restores_state_and_logs_both(store, sample_doc):
    aid = store.add_docs([sample_doc])[0].article_id
    (sugg, _), *_ = store.suggestions(aid, "ann")
    accept = cmd.Command(
        "accept",
        (cmd.add_span(sugg.span), cmd.set_suggestion(sugg.id, cmd.PENDING, cmd.ACCEPTED)),
    )
    did = store.apply(aid, "ann", accept)
    assert store.gold_spans(aid, "ann") == [sugg.span]
    assert store.suggestions(aid, "ann")[0][1] == "accepted"
    assert store.status(aid, "ann") == "in_progress"
    store.apply(aid, "ann", accept.inverse(), undo_of=did)
    assert store.gold_spans(aid, "ann") == []
    assert store.suggestions(aid, "ann")[0][1] == "pending"
    assert store.status(aid, "ann") == "new"  # the implied first touch is undone too
    log = store.decisions(aid, "ann")
    assert [d.action for d in log] == ["accept", "undo:accept"]
    assert log[1].undo_of == did
    touched = accept.changes + (cmd.set_status("new", "in_progress"),)
    assert log[0].command.changes == touched  # before/after survive the JSON round trip
    store.apply(aid, "ann", accept, redo_of=did)
    assert store.gold_spans(aid, "ann") == [sugg.span]
    assert store.status(aid, "ann") == "in_progress"


def test_store_decisions_are_per_annotator(store, sample_doc):
    aid = store.add_docs([sample_doc])[0].article_id
    store.apply(aid, "a", cmd.Command("add", (cmd.add_span(Span(0, 7, "PERSON")),)))
    assert store.gold_spans(aid, "b") == []
    assert store.annotators() == ["a"]


def test_store_rejects_span_past_the_end(store, sample_doc):
    aid = store.add_docs([sample_doc])[0].article_id
    with pytest.raises(ValueError, match="past the end"):
        store.apply(aid, "a", cmd.Command("add", (cmd.add_span(Span(5, 10_000, "X")),)))


def test_store_event_edit_keeps_uid_and_arguments_order(store, sample_doc):
    aid = store.add_docs([sample_doc])[0].article_id
    ev = Event(Span(30, 35, "Meet"), (Argument("Participant", Span(0, 7, "PERSON")),))
    entities = (cmd.add_span(Span(0, 7, "PERSON")), cmd.add_span(Span(37, 43, "GPE")))
    store.apply(aid, "a", cmd.Command("event", (*entities, cmd.add_event(ev))))
    edited = Event(
        ev.trigger,
        ev.arguments + (Argument("Place", Span(37, 43, "GPE")),),
        (("Negation", False),),
        uid=ev.uid,
    )
    store.apply(aid, "a", cmd.Command("arg", (cmd.replace_event(ev, edited),)))
    (got,) = store.gold_events(aid, "a")
    assert got == edited and got.uid == ev.uid and got.attrs == {"Negation": False}


def test_store_model_suggestions_idempotent_and_force_replaces(store, sample_doc):
    aid = store.add_docs([sample_doc])[0].article_id
    rows = [Suggestion(Span(0, 7, "PERSON")), Suggestion(Span(37, 43, "GPE"))]
    assert store.pending_for_model("m", "1") == [(aid, "en", sample_doc.text)]
    assert store.add_suggestions([(aid, rows)], "m", "1") == 2
    assert store.add_suggestions([(aid, rows)], "m", "1") == 0
    assert store.pending_for_model("m", "1") == []
    assert store.pending_for_model("m", "2") != []
    store.apply(aid, "a", cmd.Command("add", (cmd.add_span(Span(12, 22, "PERSON")),)))
    assert store.add_suggestions([(aid, rows[:1])], "m", "1", force=True) == 1
    models = [s for s, _ in store.suggestions(aid, "a") if s.source == "model"]
    assert [s.span for s in models] == [rows[0].span]
    assert store.gold_spans(aid, "a") == [Span(12, 22, "PERSON")]


def test_store_list_articles_filters_and_counts(store, sample_doc):
    other = ParsedDoc(text="Другая статья", title="Другая", lang="RU")
    a, b = (r.article_id for r in store.add_docs([sample_doc, other]))
    store.apply(a, "ann", cmd.Command("done", (cmd.set_status("new", "done"),)))
    rows = store.list_articles("ann")
    assert [(r.id, r.status, r.suggestions) for r in rows] == [(a, "done", 3), (b, "new", 0)]
    assert [r.id for r in store.list_articles("ann", status="new")] == [b]
    assert [r.id for r in store.list_articles("ann", lang="ru")] == [b]
    assert [r.id for r in store.list_articles("ann", limit=1, offset=1)] == [b]
    assert store.languages() == ["en", "ru"]


def test_store_search_indexes_lazily_and_finds_cyrillic(store, sample_doc):
    a, b = (
        r.article_id
        for r in store.add_docs([sample_doc, ParsedDoc(text="Встреча в Астане", lang="ru")])
    )
    assert store.search("Mirziyoyev") == [a]
    assert store.search("астане") == [b]
    c = store.add_docs([ParsedDoc(text="Mirziyoyev again")])[0].article_id
    assert set(store.search("mirziyoyev")) == {a, c}
    assert store.search('"') == []


def test_store_iter_gold_filters_by_status(store, sample_doc):
    aid = store.add_docs([sample_doc])[0].article_id
    store.apply(aid, "a", cmd.Command("add", (cmd.add_span(Span(0, 7, "PERSON")),)))
    assert list(store.iter_gold()) == []
    (doc,) = store.iter_gold(status=None)
    assert doc.spans == [Span(0, 7, "PERSON")] and doc.annotator == "a"
    store.apply(aid, "a", cmd.Command("done", (cmd.set_status("in_progress", "done"),)))
    assert [d.article.id for d in store.iter_gold(annotator="a")] == [aid]
    assert list(store.iter_gold(annotator="b")) == []


def test_store_forced_rerun_keeps_the_decisions_on_suggestions_found_again(store, sample_doc):
    aid = store.add_docs([sample_doc])[0].article_id
    rows = [Suggestion(Span(0, 7, "PERSON")), Suggestion(Span(37, 43, "GPE"))]
    store.add_suggestions([(aid, rows)], "m", "1")
    model = {s.span: s for s, _ in store.suggestions(aid, "a") if s.source == "model"}
    reject = cmd.set_suggestion(model[Span(37, 43, "GPE")].id, cmd.PENDING, cmd.REJECTED)
    store.apply(aid, "a", cmd.Command("reject", (reject,)))
    again = [rows[1], Suggestion(Span(12, 22, "PERSON"))]  # one found again, one new
    assert store.add_suggestions([(aid, again)], "m", "1", force=True) == 2
    states = {s.span: st for s, st in store.suggestions(aid, "a") if s.source == "model"}
    assert states == {Span(37, 43, "GPE"): "rejected", Span(12, 22, "PERSON"): "pending"}
    from annotator.store.audit import check

    assert check(store) == []
