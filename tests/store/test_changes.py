"""Every kind of change checks its ``before`` against the stored state (stale = conflict)."""

from __future__ import annotations

import pytest

from annotator.core import commands as cmd
from annotator.core.models import Argument, Event, Span
from annotator.store import ConflictError


def _snapshot(store, aid, who):
    return (
        store.gold_spans(aid, who),
        [(e, e.uid) for e in store.gold_events(aid, who)],
        [(s.id, st) for s, st in store.suggestions(aid, who)],
        store.status(aid, who),
        len(store.decisions(aid, who)),
    )


def test_changes_stale_suggestion_state_conflicts_and_changes_nothing(store, sample_doc):
    aid = store.add_docs([sample_doc])[0].article_id
    (sugg, _), *_ = store.suggestions(aid, "ann")
    reject = cmd.set_suggestion(sugg.id, cmd.PENDING, cmd.REJECTED)
    store.apply(aid, "ann", cmd.Command("reject", (reject,)))
    before = _snapshot(store, aid, "ann")
    # a second window still thinks the suggestion is pending and accepts it
    stale = cmd.Command(
        "accept",
        (cmd.add_span(sugg.span), cmd.set_suggestion(sugg.id, cmd.PENDING, cmd.ACCEPTED)),
    )
    with pytest.raises(ConflictError, match="rejected now, not pending"):
        store.apply(aid, "ann", stale)
    assert _snapshot(store, aid, "ann") == before


def test_changes_stale_status_conflicts(store, sample_doc):
    aid = store.add_docs([sample_doc])[0].article_id
    store.apply(aid, "ann", cmd.Command("done", (cmd.set_status("new", "done"),)))
    before = _snapshot(store, aid, "ann")
    with pytest.raises(ConflictError, match="done now, not in_progress"):
        store.apply(aid, "ann", cmd.Command("skip", (cmd.set_status("in_progress", "skipped"),)))
    assert _snapshot(store, aid, "ann") == before


def test_changes_stale_event_edit_conflicts(store, sample_doc):
    aid = store.add_docs([sample_doc])[0].article_id
    ev = Event(Span(30, 35, "Meet"), (Argument("Participant", Span(0, 7, "PERSON")),))
    store.apply(aid, "a", cmd.Command("event", (cmd.add_event(ev),)))
    place = Event(ev.trigger, ev.arguments + (Argument("Place", Span(37, 43, "GPE")),), uid=ev.uid)
    store.apply(aid, "a", cmd.Command("place", (cmd.replace_event(ev, place),)))
    before = _snapshot(store, aid, "a")
    # another window edits the event as it was before the Place was added
    negated = Event(ev.trigger, ev.arguments, (("Negation", True),), uid=ev.uid)
    with pytest.raises(ConflictError, match="changed elsewhere"):
        store.apply(aid, "a", cmd.Command("negate", (cmd.replace_event(ev, negated),)))
    assert _snapshot(store, aid, "a") == before


def test_changes_event_added_twice_conflicts(store, sample_doc):
    aid = store.add_docs([sample_doc])[0].article_id
    ev = Event(Span(30, 35, "Meet"))
    store.apply(aid, "a", cmd.Command("event", (cmd.add_event(ev),)))
    with pytest.raises(ConflictError, match="already exists"):
        store.apply(aid, "a", cmd.Command("event", (cmd.add_event(ev),)))
    assert len(store.gold_events(aid, "a")) == 1


def test_changes_argument_past_the_end_is_refused(store, sample_doc):
    aid = store.add_docs([sample_doc])[0].article_id
    ev = Event(Span(30, 35, "Meet"), (Argument("Place", Span(37, 9_999, "GPE")),))
    with pytest.raises(ValueError, match="past the end"):
        store.apply(aid, "a", cmd.Command("event", (cmd.add_event(ev),)))
    assert store.gold_events(aid, "a") == []


def test_changes_unknown_states_are_refused(store, sample_doc):
    aid = store.add_docs([sample_doc])[0].article_id
    (sugg, _), *_ = store.suggestions(aid, "ann")
    odd = cmd.Change(
        cmd.SUGGESTION, {"id": sugg.id, "state": "pending"}, {"id": sugg.id, "state": "maybe"}
    )
    with pytest.raises(ValueError, match="unknown suggestion state"):
        store.apply(aid, "ann", cmd.Command("odd", (odd,)))
    odd = cmd.Change(cmd.STATUS, {"status": "new"}, {"status": "finished"})
    with pytest.raises(ValueError, match="unknown status"):
        store.apply(aid, "ann", cmd.Command("odd", (odd,)))
    assert store.status(aid, "ann") == "new" and store.decisions(aid, "ann") == []


def test_changes_undo_of_a_decision_overtaken_elsewhere_conflicts(store, sample_doc):
    aid = store.add_docs([sample_doc])[0].article_id
    (sugg, _), *_ = store.suggestions(aid, "ann")
    accept = cmd.Command(
        "accept",
        (cmd.add_span(sugg.span), cmd.set_suggestion(sugg.id, cmd.PENDING, cmd.ACCEPTED)),
    )
    did = store.apply(aid, "ann", accept)
    relabel = Span(sugg.span.start, sugg.span.end, "ORG")
    store.apply(aid, "ann", cmd.Command("label", (cmd.replace_span(sugg.span, relabel),)))
    with pytest.raises(ConflictError):
        store.apply(aid, "ann", accept.inverse(), undo_of=did)
    assert store.gold_spans(aid, "ann") == [relabel]
    assert store.suggestions(aid, "ann")[0][1] == "accepted"
