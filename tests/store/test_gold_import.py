"""Gold imported for texts already in the project; input without annotations never gold."""

from __future__ import annotations

from dataclasses import replace

from annotator.core import commands as cmd
from annotator.core.models import Argument, Event, ParsedDoc, Span
from annotator.store import gold_import as gi
from annotator.store.audit import check


def _gold(doc: ParsedDoc) -> ParsedDoc:
    ev = Event(Span(30, 35, "Meet"), (Argument("Participant", Span(0, 7, "PERSON")),))
    return replace(doc, events=[ev], annotated=True)


def test_gold_import_attaches_to_an_article_already_there(store, sample_doc):
    plain = replace(sample_doc, spans=[])
    (first,) = store.add_docs([plain])
    (res,) = store.add_docs([_gold(sample_doc)], as_gold=True, annotator="alice")
    assert (res.article_id, res.new, res.gold) == (first.article_id, False, gi.ATTACHED)
    aid = first.article_id
    assert store.gold_spans(aid, "alice") == sorted(sample_doc.spans)
    assert [e.type for e in store.gold_events(aid, "alice")] == ["Meet"]
    assert store.status(aid, "alice") == "done"
    assert [d.action for d in store.decisions(aid, "alice")] == ["import"]
    assert store.count_articles() == 1 and check(store) == []


def test_gold_import_the_same_gold_again_changes_nothing(store, sample_doc):
    store.add_docs([_gold(sample_doc)], as_gold=True, annotator="alice")
    (res,) = store.add_docs([_gold(sample_doc)], as_gold=True, annotator="alice")
    assert res.gold == gi.UNCHANGED
    assert len(store.decisions(res.article_id, "alice")) == 1


def test_gold_import_different_gold_is_refused_without_replace(store, sample_doc):
    (first,) = store.add_docs([_gold(sample_doc)], as_gold=True, annotator="alice")
    aid = first.article_id
    store.apply(aid, "alice", cmd.Command("add", (cmd.add_span(Span(45, 54, "PERSON")),)))
    kept = (store.gold_spans(aid, "alice"), store.gold_events(aid, "alice"))
    other = replace(_gold(sample_doc), spans=[Span(0, 7, "ORG")])
    (res,) = store.add_docs([other], as_gold=True, annotator="alice")
    assert res.gold == gi.CONFLICT
    assert (store.gold_spans(aid, "alice"), store.gold_events(aid, "alice")) == kept
    assert len(store.decisions(aid, "alice")) == 2


def test_gold_import_replace_is_one_logged_undoable_decision(store, sample_doc):
    (first,) = store.add_docs([_gold(sample_doc)], as_gold=True, annotator="alice")
    aid = first.article_id
    old = (store.gold_spans(aid, "alice"), store.gold_events(aid, "alice"))
    other = replace(_gold(sample_doc), spans=[Span(0, 7, "ORG")], events=[])
    (res,) = store.add_docs([other], as_gold=True, annotator="alice", replace=True)
    assert res.gold == gi.REPLACED
    assert store.gold_spans(aid, "alice") == [Span(0, 7, "ORG")]
    assert store.gold_events(aid, "alice") == []
    last = store.decisions(aid, "alice")[-1]
    assert last.action == "import:replace"
    store.apply(aid, "alice", last.command.inverse(), undo_of=last.id)
    assert (store.gold_spans(aid, "alice"), store.gold_events(aid, "alice")) == old
    assert check(store) == []


def test_gold_import_other_annotators_are_untouched(store, sample_doc):
    (first,) = store.add_docs([_gold(sample_doc)], as_gold=True, annotator="alice")
    (res,) = store.add_docs(
        [replace(_gold(sample_doc), spans=[Span(0, 7, "ORG")])], as_gold=True, annotator="bob"
    )
    assert res.gold == gi.ATTACHED
    assert store.gold_spans(first.article_id, "alice") == sorted(sample_doc.spans)


def test_gold_import_text_without_annotations_is_not_gold(store, sample_doc):
    plain = ParsedDoc(text=sample_doc.text, title="t", lang="en")  # a plain .txt
    (res,) = store.add_docs([plain], as_gold=True, annotator="alice")
    assert res.new and res.gold == gi.NOT_ANNOTATED
    assert store.status(res.article_id, "alice") == "new"
    assert list(store.iter_gold(annotator="alice")) == []
    assert store.decisions(res.article_id, "alice") == []


def test_gold_import_empty_is_gold_when_asked(store, sample_doc):
    plain = ParsedDoc(text=sample_doc.text, title="t", lang="en")
    (res,) = store.add_docs([plain], as_gold=True, annotator="alice", empty_is_gold=True)
    assert res.gold == gi.ADDED and store.status(res.article_id, "alice") == "done"
    (doc,) = store.iter_gold(annotator="alice")
    assert doc.spans == [] and doc.events == []


def test_gold_import_explicitly_unannotated_input_with_spans_stays_suggestions(store, sample_doc):
    rejected = replace(sample_doc, annotated=False)  # e.g. a Prodigy line answered "reject"
    (res,) = store.add_docs([rejected], as_gold=True, annotator="alice")
    assert res.gold == gi.NOT_ANNOTATED
    assert store.gold_spans(res.article_id, "alice") == []
    assert len(store.suggestions(res.article_id, "alice")) == 3


def test_gold_import_pending_suggestions_reach_iter_gold(store, sample_doc):
    aid = store.add_docs([sample_doc])[0].article_id
    (s1, _), (s2, _), (s3, _) = store.suggestions(aid, "a")
    store.apply(
        aid,
        "a",
        cmd.Command(
            "mixed",
            (
                cmd.add_span(s1.span),
                cmd.set_suggestion(s1.id, cmd.PENDING, cmd.ACCEPTED),
                cmd.set_suggestion(s2.id, cmd.PENDING, cmd.REJECTED),
                cmd.set_status("new", "done"),
            ),
        ),
    )
    (doc,) = store.iter_gold(annotator="a")
    assert [s.span for s in doc.pending] == [s3.span]
    store.apply(aid, "a", cmd.Command("same", (cmd.add_span(s3.span),)))
    (doc,) = store.iter_gold(annotator="a")
    assert doc.pending == []  # a gold span equal to the suggestion decides it
