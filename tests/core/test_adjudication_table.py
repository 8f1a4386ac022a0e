"""The adjudication table's rows and the take / merge commands, without Qt."""

from __future__ import annotations

from annotator.core import commands as cmd
from annotator.core.adjudication import (
    MERGE,
    TAKE,
    TAKE_NONE,
    Version,
    compare,
    merge_command,
    table_rows,
    take_command,
)
from annotator.core.article_state import ArticleState
from annotator.core.models import Argument, Event, Span

A, B = Span(0, 5, "PERSON"), Span(10, 15, "GPE")
B_LOC = Span(10, 15, "LOC")
C, C_WIDE = Span(20, 25, "ORG"), Span(20, 30, "ORG")
MEET = Event(Span(40, 45, "Meet"), (Argument("Participant", A), Argument("Place", B)))
MEET_LOC = Event(Span(40, 45, "Meet"), (Argument("Participant", A), Argument("Place", B_LOC)))


def _comparison():
    return compare(
        {
            "alice": Version((A, B, C), (MEET,)),
            "bob": Version((A, B_LOC, C_WIDE), (MEET_LOC,)),
        }
    )


def _apply(spans, events, command):
    state = ArticleState.read([], list(spans), list(events), "new")
    state.absorb(command)
    return state


def test_adjudication_table_rows_mark_who_has_what():
    rows = table_rows(_comparison())
    by_item = {(r.kind, r.span, r.item if r.kind == "event" else None): r for r in rows}
    assert by_item[("span", A, None)].agreed and by_item[("span", A, None)].region is None
    b, b_loc = by_item[("span", B, None)], by_item[("span", B_LOC, None)]
    assert b.has == {"alice"} and b_loc.has == {"bob"} and b.region == b_loc.region is not None
    assert by_item[("span", C, None)].region == by_item[("span", C_WIDE, None)].region
    events = [r for r in rows if r.kind == "event"]
    assert len(events) == 2 and not any(r.agreed for r in events)
    assert [r.span.start for r in rows] == sorted(r.span.start for r in rows)


def test_adjudication_table_merge_adds_only_what_everyone_has():
    comparison = _comparison()
    merge = merge_command(comparison, [], [])
    assert merge.action == MERGE
    assert merge.changes == (cmd.add_span(A),)
    assert merge_command(comparison, [A], []) is None  # gold has it all: nothing to do


def test_adjudication_table_merge_brings_an_agreed_events_entities():
    meet = Event(Span(40, 45, "Meet"), (Argument("Participant", A),))
    comparison = compare({"x": Version((), (meet,)), "y": Version((), (meet,))})
    merge = merge_command(comparison, [], [])
    state = _apply([], [], merge)
    assert set(state.spans) == {A} and list(state.events.values()) == [meet]
    assert merge_command(comparison, [A], list(state.events.values())) is None


def test_adjudication_table_take_replaces_the_whole_disagreement():
    comparison = _comparison()
    gold = [A, B]
    rows = table_rows(comparison, gold)
    i = next(i for i, r in enumerate(rows) if r.span == B_LOC)
    take = take_command(rows, i, "bob", gold, [])
    assert take.action == TAKE
    assert set(_apply(gold, [], take).spans) == {A, B_LOC}
    rows = table_rows(comparison, [A, B_LOC])
    none = take_command(rows, i, None, [A, B_LOC], [])
    assert none.action == TAKE_NONE and set(_apply([A, B_LOC], [], none).spans) == {A}
    assert take_command(rows, i, "bob", [A, B_LOC], []) is None  # bob's already


def test_adjudication_table_take_relabel_carries_event_arguments():
    comparison = _comparison()
    gold_event = Event(MEET.trigger, MEET.arguments, uid="g1")
    gold = [A, B]
    rows = table_rows(comparison, gold, [gold_event])
    i = next(i for i, r in enumerate(rows) if r.span == B)
    state = _apply(gold, [gold_event], take_command(rows, i, "bob", gold, [gold_event]))
    assert set(state.spans) == {A, B_LOC}
    assert state.events["g1"] == MEET_LOC  # its Place follows the relabel, same uid


def test_adjudication_table_take_event_brings_its_entities():
    comparison = _comparison()
    gold = [A]
    rows = table_rows(comparison, gold)
    i = next(i for i, r in enumerate(rows) if r.kind == "event" and "bob" in r.has)
    state = _apply(gold, [], take_command(rows, i, "bob", gold, []))
    assert B_LOC in state.spans
    assert list(state.events.values()) == [MEET_LOC]
