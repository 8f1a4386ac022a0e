from __future__ import annotations

import pytest

from annotator.core import commands as cmd
from annotator.core.event_review import (
    EventFocus,
    EventReview,
    Row,
    argument_candidates,
    attribute_text,
    type_keys,
)
from annotator.core.models import EVENT, Argument, Event, Span, Suggestion
from annotator.core.schema import load_schema

TEXT = "Tokayev met Mirziyoyev in Astana.\n\nThe talks ended on Monday."
TOKAYEV, MIRZ, ASTANA, MONDAY = (
    Span(0, 7, "PERSON"),
    Span(12, 22, "PERSON"),
    Span(26, 32, "GPE"),
    Span(53, 59, "DATE"),
)
MET, TALKS = Span(8, 11, "Meet"), Span(39, 44, "Meet")
ATTRS = (("Modality", "actual"), ("Negation", False))
ARGS = (Argument("Participant", TOKAYEV), Argument("Participant", MIRZ), Argument("Place", ASTANA))


@pytest.fixture(scope="module")
def schema():
    return load_schema()


def _sugg(sid: int, trigger: Span, args=ARGS) -> Suggestion:
    return Suggestion(trigger, EVENT, args, ATTRS, model="rules", model_version="1", id=sid)


ENTITIES = (TOKAYEV, MIRZ, ASTANA, MONDAY)


def _review(schema, states=("pending", "pending"), gold=(), spans=ENTITIES) -> EventReview:
    """The entities are gold already (arguments link to them; test_links has the rest)."""
    sugg = [(_sugg(1, MET), states[0]), (_sugg(2, TALKS, ()), states[1])]
    return EventReview(4, TEXT, sugg, list(gold), schema, spans)


def test_event_review_rows_list_events_then_their_arguments(schema):
    r = _review(schema)
    assert r.rows == [Row(0), Row(0, 0), Row(0, 1), Row(0, 2), Row(1)]
    assert r.current_row == Row(0) and r.current_item.state == "pending"
    assert r.move(1) and r.current_row == Row(1)  # J/K walk events: arguments passed over
    assert r.move(-1) and r.expand(True) and not r.expand(True)
    assert r.move(1) and r.current_argument == ARGS[0]  # expanded: J walks the arguments
    assert r.move(1) and r.move(1) and r.move(1) and r.current_row == Row(1)
    assert r.move_event(-1) and r.current_row == Row(0)
    r.move(1)
    assert r.expand(False) and r.current_row == Row(0)  # collapsing goes to the event row
    assert r.move_pending(1) and r.current_row == Row(1)
    assert r.move_pending(1) and r.current_row == Row(0)  # wraps
    assert r.pending_count() == 2 and r.gold_count() == 0


def test_event_review_accept_is_one_command_with_a_new_gold_event(schema):
    r = _review(schema)
    step = r.accept()
    assert step.command.action == "accept_event"
    suggestion, added = step.command.changes
    assert suggestion == cmd.set_suggestion(1, "pending", "accepted")
    event = Event.from_dict(added.after)
    assert (event.trigger, event.arguments, event.attributes) == (MET, ARGS, ATTRS)
    assert not event.uid.startswith("suggestion")
    after = EventReview(4, TEXT, [(_sugg(1, MET), "accepted"), (_sugg(2, TALKS, ()), "pending")],
                        [event], schema)  # fmt: skip
    assert after.items[0].source == "rules" and after.items[0].is_gold
    assert after.current_item.event.trigger == MET  # gold first
    after.current = after.locate(step.focus)
    assert after.current_item.event.trigger == TALKS  # on to the next pending event


def test_event_review_reject_whole_event_and_single_argument(schema):
    r = _review(schema)
    assert r.reject().command.changes == (cmd.set_suggestion(1, "pending", "rejected"),)
    r.expand(True)
    r.move(1)
    r.move(1)  # Mirziyoyev's row
    step = r.reject()
    assert step.command.action == "remove_argument"
    assert step.command.changes[0] == cmd.set_suggestion(1, "pending", "accepted")
    event = Event.from_dict(step.command.changes[1].after)
    assert event.arguments == (ARGS[0], ARGS[2])
    assert step.focus.argument == 1


def test_event_review_gold_edits_keep_the_uid(schema):
    gold = Event(MET, ARGS, ATTRS, uid="g1")
    r = _review(schema, ("accepted", "pending"), gold=[gold])
    r.current = r.rows.index(Row(0, 2))
    step = r.set_role("Participant")
    new = Event.from_dict(step.command.changes[0].after)
    assert step.command.changes[0].before["uid"] == new.uid == "g1"
    assert new.arguments[2] == Argument("Participant", ASTANA)
    assert r.set_role("Place") is None  # unchanged
    r.current = r.rows.index(Row(0, 0))
    assert r.set_role("Participant") is None  # would duplicate an argument? no: same role
    removed = r.reject()
    assert removed.command.changes == (
        cmd.replace_event(gold, Event(MET, ARGS[1:], ATTRS, uid="g1")),
    )


def test_event_review_delete_gold_event_rejects_its_suggestion(schema):
    gold = Event(MET, ARGS, ATTRS, uid="g1")
    r = _review(schema, ("accepted", "pending"), gold=[gold])
    step = r.delete()
    assert step.command.changes == (
        cmd.remove_event(gold),
        cmd.set_suggestion(1, "accepted", "rejected"),
    )
    assert r.accept() is None  # gold already


def test_event_review_add_argument_to_pending_accepts_it_with_the_argument(schema):
    r = _review(schema)
    r.current = r.rows.index(Row(1))
    step = r.add_argument(MONDAY, "Time")
    assert step.command.action == "add_argument"
    event = Event.from_dict(step.command.changes[1].after)
    assert event.arguments == (Argument("Time", MONDAY),)
    assert step.focus.argument == 0
    assert r.add_argument(TOKAYEV, "Participant") is not None
    r.current = 0
    assert r.add_argument(TOKAYEV, "Participant") is None  # already there


def test_event_review_attributes_toggle_and_cycle(schema):
    gold = Event(MET, (), ATTRS, uid="g1")
    r = EventReview(4, TEXT, [], [gold], schema)
    negated = Event.from_dict(r.step_attribute("Negation").command.changes[0].after)
    assert negated.attrs["Negation"] is True
    future = Event.from_dict(r.step_attribute("Modality").command.changes[0].after)
    assert future.attrs["Modality"] == "future"
    r2 = EventReview(4, TEXT, [], [Event(MET, (), (("Modality", "hypothetical"),), "g2")], schema)
    back = Event.from_dict(r2.step_attribute("Modality").command.changes[0].after)
    assert back.attrs["Modality"] == "actual"
    assert r.step_attribute("Colour") is None
    assert attribute_text(Event(MET, (), (("Modality", "future"), ("Negation", True))), schema) == (
        "future · negated"
    )
    assert attribute_text(gold, schema) == ""


def test_event_review_create_trims_and_uses_default_attributes(schema):
    r = EventReview(4, TEXT, [], [], schema)
    step = r.create(38, 45, "Meet")  # " talks " -> "talks"
    event = Event.from_dict(step.command.changes[0].after)
    assert event.trigger == TALKS
    assert event.attrs == {"Modality": "actual", "Negation": False}
    again = EventReview(4, TEXT, [], [event], schema)
    assert again.create(39, 44, "Meet") is None
    assert again.create(33, 35, "Meet") is None  # only whitespace


def test_event_review_retype_pending_rejects_and_adds_gold(schema):
    r = _review(schema)
    step = r.retype("Contact")
    assert step.command.changes[0] == cmd.set_suggestion(1, "pending", "rejected")
    assert Event.from_dict(step.command.changes[1].after).type == "Contact"
    gold = Event(MET, (), ATTRS, uid="g1")
    g = EventReview(4, TEXT, [], [gold], schema)
    assert g.retype("Visit").command.changes[0].before["uid"] == "g1"
    assert g.retype("Meet") is None


def test_event_review_accept_all_and_schema_problems(schema):
    wrong = (Argument("Place", MONDAY), Argument("Colour", ASTANA))
    r = EventReview(4, TEXT, [(_sugg(1, MET, wrong), "pending"), (_sugg(2, TALKS), "pending")],
                    [], schema)  # fmt: skip
    assert r.problem_count() == 1
    assert any("DATE" in p for p in r.items[0].problems)
    step = r.accept_all()
    kinds = [c.kind for c in step.command.changes]
    # no entity was gold: each event's arguments become gold with it, Astana only once
    assert kinds == ["suggestion", "suggestion", "span", "span", "event", "span", "span", "event"]
    added = [Span.from_dict(c.after) for c in step.command.changes if c.kind == "span"]
    assert added == [MONDAY, ASTANA, TOKAYEV, MIRZ]


def test_event_review_rejected_events_are_one_row_and_skipped(schema):
    r = _review(schema, ("rejected", "pending"))
    assert r.rows == [Row(0), Row(1)]
    assert r.current_row == Row(1)  # the first visible row
    assert not r.move(-1)


def test_event_review_row_at_prefers_arguments_of_the_current_event(schema):
    r = _review(schema)
    assert r.rows[r.row_at(14)] == Row(0, 1)  # Mirziyoyev
    assert r.rows[r.row_at(40)] == Row(1)  # the trigger "talks"
    assert r.row_at(34) is None


def test_event_review_focus_for_undo_finds_the_event(schema):
    r = _review(schema)
    step = r.accept()
    focus = r.focus_for(step.command.inverse())
    assert focus.trigger == MET
    assert r.focus_for(cmd.Command("x", (cmd.add_span(TOKAYEV),))) is None
    gold = Event.from_dict(step.command.changes[1].after)
    after = EventReview(4, TEXT, [(_sugg(1, MET), "accepted")], [gold], schema)
    assert after.locate(EventFocus(MET, gold.uid, 9)) == after.rows.index(Row(0, 2))


def test_event_review_candidates_prefer_the_paragraph_and_nearness(schema):
    spans = [MONDAY, ASTANA, TOKAYEV, MIRZ, TOKAYEV]
    assert argument_candidates(TEXT, MET, spans) == [TOKAYEV, MIRZ, ASTANA, MONDAY]
    assert argument_candidates(TEXT, TALKS, spans)[0] == MONDAY
    assert argument_candidates(TEXT, MET, spans, taken=[TOKAYEV]) == [MIRZ, ASTANA, MONDAY, TOKAYEV]
    keys = type_keys(schema)
    assert keys[0] == ("1", "Meet") and len(keys) == len(schema.types)
