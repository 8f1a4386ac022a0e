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
    entities = (cmd.add_span(Span(0, 7, "PERSON")), cmd.add_span(Span(37, 43, "GPE")))
    store.apply(aid, "a", cmd.Command("event", (*entities, cmd.add_event(ev))))
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


def _event_on_entities(store, aid):
    """Tokayev (PERSON) and Astana (GPE) gold, and a Meet event whose arguments they are."""
    from annotator.core.review import Review

    tokayev, astana = Span(0, 7, "PERSON"), Span(37, 43, "GPE")
    event = Event(
        Span(30, 35, "Meet"), (Argument("Participant", tokayev), Argument("Place", astana))
    )
    entities = (cmd.add_span(tokayev), cmd.add_span(astana))
    store.apply(aid, "a", cmd.Command("event", (*entities, cmd.add_event(event))))
    review = Review(aid, store.get_article(aid).text, [], store.gold_spans(aid, "a"),
                    events=store.gold_events(aid, "a"))  # fmt: skip
    review.current = 0  # Tokayev
    return review, event


def test_changes_entity_relabel_carries_over_to_arguments_and_undoes_as_one(store, sample_doc):
    aid = store.add_docs([sample_doc])[0].article_id
    review, event = _event_on_entities(store, aid)
    before = _snapshot(store, aid, "a")
    step = review.relabel("ORG")
    decision = store.apply(aid, "a", step.command)
    (stored,) = store.gold_events(aid, "a")
    assert stored.uid == event.uid
    assert stored.arguments[0] == Argument("Participant", Span(0, 7, "ORG"))
    assert Span(0, 7, "ORG") in store.gold_spans(aid, "a")
    store.apply(aid, "a", step.command.inverse(), undo_of=decision)
    assert _snapshot(store, aid, "a")[:4] == before[:4]


def test_changes_entity_edit_without_its_arguments_is_refused(store, sample_doc):
    """A window whose review did not know the event (or another program) relabels or
    deletes the entity alone: the store refuses, nothing changes."""
    aid = store.add_docs([sample_doc])[0].article_id
    _event_on_entities(store, aid)
    before = _snapshot(store, aid, "a")
    tokayev = Span(0, 7, "PERSON")
    for change in (cmd.replace_span(tokayev, Span(0, 7, "ORG")), cmd.remove_span(tokayev)):
        with pytest.raises(ConflictError, match="event argument"):
            store.apply(aid, "a", cmd.Command("relabel", (change,)))
        assert _snapshot(store, aid, "a") == before
    # an event whose argument is no gold entity is refused too
    loose = Event(Span(30, 35, "Meet"), (Argument("Place", Span(12, 22, "GPE")),))
    with pytest.raises(ConflictError, match="event argument"):
        store.apply(aid, "a", cmd.Command("add_event", (cmd.add_event(loose),)))
    assert _snapshot(store, aid, "a") == before


def test_changes_conflict_names_the_change_it_refused(store, sample_doc):
    """The window words the conflict in the user's terms from the refused change."""
    aid = store.add_docs([sample_doc])[0].article_id
    ev = Event(Span(30, 35, "Meet"), ())
    store.apply(aid, "a", cmd.Command("event", (cmd.add_event(ev),)))
    store.apply(aid, "a", cmd.Command("delete", (cmd.remove_event(ev),)))  # elsewhere
    stale = cmd.remove_event(ev)
    with pytest.raises(ConflictError, match="not there to change") as err:
        store.apply(aid, "a", cmd.Command("delete", (cmd.add_span(Span(0, 7, "PERSON")), stale)))
    assert err.value.change == stale
    gone = cmd.remove_span(Span(37, 43, "GPE"))
    with pytest.raises(ConflictError, match="not there to remove") as err:
        store.apply(aid, "a", cmd.Command("delete", (gone,)))
    assert err.value.change == gone
