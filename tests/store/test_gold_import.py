"""Gold imported for texts already in the project; input without annotations never gold."""

from __future__ import annotations

from dataclasses import replace

from annotator.core import commands as cmd
from annotator.core.models import Argument, Event, ParsedDoc, Span, Suggestion
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


def _done(store, aid, who):
    store.apply(aid, who, cmd.Command("done", (cmd.set_status(store.status(aid, who), "done"),)))


def test_gold_import_suggestions_made_after_done_are_predictions_not_holes(store, sample_doc):
    aid = store.add_docs([_gold(sample_doc)], as_gold=True, annotator="alice")[0].article_id
    store.add_suggestions([(aid, [Suggestion(Span(37, 43, "ORG"))])], "m", "1")
    (doc,) = store.iter_gold(annotator="alice")
    assert doc.pending == []  # a model run on finished gold does not make it partial


def test_gold_import_decides_the_suggestions_already_there(store, sample_doc):
    aid = store.add_docs([replace(sample_doc, spans=[])])[0].article_id
    right, wrong = Suggestion(Span(0, 7, "PERSON")), Suggestion(Span(37, 43, "ORG"))
    store.add_suggestions([(aid, [right, wrong])], "m", "1")
    store.add_docs([_gold(sample_doc)], as_gold=True, annotator="alice")
    states = {s.span: st for s, st in store.suggestions(aid, "alice")}
    assert states == {right.span: "accepted", wrong.span: "rejected"}
    (doc,) = store.iter_gold(annotator="alice")
    assert doc.pending == [] and check(store) == []


def test_gold_import_event_uids_from_the_input_never_clash(store, sample_doc):
    ev = Event(Span(30, 35, "Meet"), uid="1")  # files number events per document
    other = ParsedDoc("Another text with a meeting.", events=[Event(Span(20, 27, "Meet"), uid="1")])
    docs = [replace(sample_doc, events=[ev], annotated=True), replace(other, annotated=True)]
    results = store.add_docs(docs, as_gold=True, annotator="alice")
    assert [r.gold for r in results] == [gi.ADDED, gi.ADDED]
    again = store.add_docs(docs, as_gold=True, annotator="bob")
    assert [r.gold for r in again] == [gi.ATTACHED, gi.ATTACHED]
    uids = [e.uid for d in store.iter_gold() for e in d.events]
    assert len(uids) == 4 and "1" not in uids and len(set(uids)) == 4


def test_gold_import_a_refused_document_leaves_no_trace_and_the_batch_goes_on(store, sample_doc):
    bad = ParsedDoc("Short.", spans=[Span(0, 5, "X")], annotated=True)
    bad_event = Event(Span(0, 5, "Meet"), (Argument("P", Span(0, 5, "X")),))
    # an argument past the end is refused by the store, not by ParsedDoc.problems
    bad = replace(bad, events=[replace(bad_event, arguments=(Argument("P", Span(0, 99, "X")),))])
    results = store.add_docs([bad, _gold(sample_doc)], as_gold=True, annotator="alice")
    assert results[0].gold == gi.FAILED and "past the end" in results[0].reason
    assert results[1].gold == gi.ADDED
    assert store.count_articles() == 1 and check(store) == []


def test_gold_import_same_gold_on_an_article_in_progress_completes_it(store, sample_doc):
    aid = store.add_docs([replace(sample_doc, spans=[])])[0].article_id
    store.apply(aid, "alice", cmd.Command("add", (cmd.add_span(Span(0, 7, "PERSON")),)))
    doc = replace(sample_doc, spans=[Span(0, 7, "PERSON")], annotated=True)
    (res,) = store.add_docs([doc], as_gold=True, annotator="alice")
    assert res.gold == gi.ATTACHED and store.status(aid, "alice") == "done"


def test_gold_import_partial_entity_gold_is_per_annotator(store, sample_doc):
    plain = replace(sample_doc, spans=[])
    aid = store.add_docs([plain])[0].article_id
    partial = replace(_gold(sample_doc), spans=[Span(0, 7, "PERSON")], meta={"entities": "partial"})
    store.add_docs([partial], as_gold=True, annotator="events")  # attached: flag kept
    store.add_docs([_gold(sample_doc)], as_gold=True, annotator="full")
    flags = {d.annotator: d.article.meta.get("entities") for d in store.iter_gold()}
    assert flags == {"events": "partial", "full": None}
    assert "entities" not in store.get_article(aid).meta
    other = ParsedDoc(
        "Partial from the start.", spans=[Span(0, 7, "X")], meta={"entities": "partial"}
    )
    new_id = store.add_docs([other], as_gold=True, annotator="events")[0].article_id
    assert "entities" not in store.get_article(new_id).meta
    (doc,) = [d for d in store.iter_gold(annotator="events") if d.article.id == new_id]
    assert doc.article.meta["entities"] == "partial"


def test_gold_import_partial_flag_is_part_of_the_logged_and_undoable_decision(store, sample_doc):
    partial = replace(_gold(sample_doc), meta={"entities": "partial"})
    (res,) = store.add_docs([partial], as_gold=True, annotator="a")
    full = replace(_gold(sample_doc), spans=[Span(0, 7, "PERSON")])  # full entity gold now
    store.add_docs([full], as_gold=True, annotator="a", replace=True)
    flags = lambda: [d.article.meta.get("entities") for d in store.iter_gold(annotator="a")]  # noqa: E731
    assert flags() == [None]
    last = store.decisions(res.article_id, "a")[-1]
    store.apply(res.article_id, "a", last.command.inverse(), undo_of=last.id)
    assert flags() == ["partial"]  # undo brings the flag back with the spans
    assert store.gold_spans(res.article_id, "a") == sorted(sample_doc.spans)


def test_gold_import_partial_entity_gold_leaves_the_entities_it_lacks_pending(store, sample_doc):
    """Partial entity gold (only the entities the events use) says nothing about the others:
    their suggestions stay to be reviewed, not rejected (a new-user trial lost 30 model
    suggestions per article to a --replace of events gold). Wrong events are still rejected,
    and full gold still rejects what it lacks."""
    aid = store.add_docs([replace(sample_doc, spans=[])])[0].article_id
    used, other = Suggestion(Span(0, 7, "PERSON")), Suggestion(Span(37, 43, "GPE"))
    wrong_event = Suggestion(Span(28, 33, "Meet"), kind="event")  # "talks"
    store.add_suggestions([(aid, [used, other, wrong_event])], "m", "1")
    partial = replace(_gold(sample_doc), spans=[Span(0, 7, "PERSON")], meta={"entities": "partial"})
    store.add_docs([partial], as_gold=True, annotator="events")
    states = {(s.kind, s.span): st for s, st in store.suggestions(aid, "events")}
    assert states == {
        ("entity", used.span): "accepted",
        ("entity", other.span): "pending",
        ("event", wrong_event.span): "rejected",
    }
    (doc,) = store.iter_gold(annotator="events")
    assert [s.span for s in doc.pending] == [other.span] and check(store) == []
    # replacing it with full gold decides the rest, as one undoable decision
    full = replace(_gold(sample_doc), spans=[Span(0, 7, "PERSON")])
    (res,) = store.add_docs([full], as_gold=True, annotator="events", replace=True)
    assert res.gold == gi.REPLACED
    states = {(s.kind, s.span): st for s, st in store.suggestions(aid, "events")}
    assert states[("entity", other.span)] == "rejected"


def test_gold_import_replace_leaves_no_suggestion_accepted_for_gold_it_took_away(store, sample_doc):
    """--replace makes the new gold the truth for the suggestions too: one accepted for a
    span the gold no longer has becomes rejected (it stayed accepted, and counts of accepted
    suggestions were wrong: new-user trial); one rejected before and now in the gold is
    accepted; all in the one logged, undoable decision."""
    aid = store.add_docs([replace(sample_doc, spans=[])])[0].article_id
    tok, astana = Suggestion(Span(0, 7, "PERSON")), Suggestion(Span(37, 43, "GPE"))
    store.add_suggestions([(aid, [tok, astana])], "m", "1")
    store.add_docs([replace(_gold(sample_doc), spans=[tok.span])], as_gold=True, annotator="a")
    states = {s.span: st for s, st in store.suggestions(aid, "a")}
    assert states == {tok.span: "accepted", astana.span: "rejected"}
    other = replace(_gold(sample_doc), spans=[astana.span], events=[])
    (res,) = store.add_docs([other], as_gold=True, annotator="a", replace=True)
    assert res.gold == gi.REPLACED
    states = {s.span: st for s, st in store.suggestions(aid, "a")}
    assert states == {tok.span: "rejected", astana.span: "accepted"}
    assert check(store) == []
