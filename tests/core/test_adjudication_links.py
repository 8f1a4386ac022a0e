"""Adjudication adds annotators' events as accepting an event does: each argument on the
adjudicated entity at its offsets (whose label wins) or on a new entity, and a SPAN phrase
(an indicator, a topic) never made an entity — so the adjudicated gold never holds a
"SPAN" entity nor two labels on one span."""

from __future__ import annotations

from annotator.core import commands as cmd
from annotator.core.adjudication import Version, compare, merge_command, table_rows, take_command
from annotator.core.article_state import ArticleState
from annotator.core.models import Argument, Event, Span

KZ, KZ_LOC = Span(0, 10, "GPE"), Span(0, 10, "LOC")
TRADE = Span(20, 34, "SPAN")  # "bilateral trade": an Indicator phrase, no entity
FIG = Span(35, 40, "EconomicFigure")
FIGURE = Event(FIG, (Argument("Area", KZ), Argument("Indicator", TRADE)))
FIGURE_LOC = Event(FIG, (Argument("Area", KZ_LOC), Argument("Indicator", TRADE)))


def _gold_after(spans, events, command):
    state = ArticleState.read([], list(spans), list(events), "new")
    state.absorb(command)
    return state.sorted_spans(), state.sorted_events()


def _added_spans(command) -> list[Span]:
    return [Span.from_dict(c.after) for c in command.changes if c.kind == cmd.SPAN and c.after]


def test_adjudication_links_merge_keeps_span_phrases_out_of_the_entities():
    comparison = compare({"alice": Version((KZ,), (FIGURE,)), "bob": Version((KZ,), (FIGURE,))})
    merge = merge_command(comparison, [], [])
    assert _added_spans(merge) == [KZ]  # not TRADE
    spans, events = _gold_after([], [], merge)
    assert spans == [KZ]
    assert [e.arguments for e in events] == [FIGURE.arguments]  # the phrase stays an argument


def test_adjudication_links_take_an_event_links_to_the_adjudicated_entity():
    """alice: GPE "Kazakhstan" and an event on it; bob: LOC and an event on LOC. The
    adjudicator takes alice's entity, then bob's event: the event's Area is the GPE
    entity gold holds (its label wins), and gold holds one label on the span."""
    comparison = compare(
        {"alice": Version((KZ,), (FIGURE,)), "bob": Version((KZ_LOC,), (FIGURE_LOC,))}
    )
    rows = table_rows(comparison)
    kz_row = next(i for i, r in enumerate(rows) if r.kind == "span" and r.item == KZ)
    take_kz = take_command(rows, kz_row, "alice", [], [])
    spans, events = _gold_after([], [], take_kz)
    assert spans == [KZ] and events == []
    rows = table_rows(comparison, spans, events)
    ev_row = next(i for i, r in enumerate(rows) if r.kind == "event" and r.item == FIGURE_LOC)
    take_event = take_command(rows, ev_row, "bob", spans, events)
    assert TRADE not in _added_spans(take_event) and KZ_LOC not in _added_spans(take_event)
    spans, events = _gold_after(spans, events, take_event)
    assert spans == [KZ]
    assert [a.span for a in events[0].arguments] == [KZ, TRADE]


def test_adjudication_links_take_entity_and_event_of_one_group_link_to_the_new_entity():
    """One disagreement holding both the entity and the event: taking bob's whole version
    puts his LOC entity in and links his event to it (not to the GPE going out)."""
    comparison = compare(
        {"alice": Version((KZ,), (FIGURE,)), "bob": Version((KZ_LOC,), (FIGURE_LOC,))}
    )
    gold_spans, gold_events = [KZ], [FIGURE]
    rows = table_rows(comparison, gold_spans, gold_events)
    loc_row = next(i for i, r in enumerate(rows) if r.kind == "span" and r.item == KZ_LOC)
    take = take_command(rows, loc_row, "bob", gold_spans, gold_events)
    spans, events = _gold_after(gold_spans, gold_events, take)
    assert spans == [KZ_LOC]
    assert all(a.span != KZ for e in events for a in e.arguments)


def test_adjudication_links_take_an_event_keeps_out_the_overlapping_span_decided_against():
    """alice: "the Ministry" (ORG) and an event on it; bob: "Ministry" (ORG) and an event
    on his span. The adjudicator takes alice's entity, then bob's event: its Participant
    links to the adjudicated "the Ministry", bob's overlapping span does not come back."""
    whole, inner = Span(0, 12, "ORG"), Span(4, 12, "ORG")
    met = Span(13, 16, "Meet")
    alice_ev = Event(met, (Argument("Participant", whole),), (("Negation", True),))
    bob_ev = Event(met, (Argument("Participant", inner),))
    comparison = compare(
        {"alice": Version((whole,), (alice_ev,)), "bob": Version((inner,), (bob_ev,))}
    )
    rows = table_rows(comparison)
    span_row = next(i for i, r in enumerate(rows) if r.kind == "span" and r.item == whole)
    spans, events = _gold_after([], [], take_command(rows, span_row, "alice", [], []))
    assert spans == [whole] and events == []
    rows = table_rows(comparison, spans, events)
    ev_row = next(i for i, r in enumerate(rows) if r.kind == "event" and r.item == bob_ev)
    take_event = take_command(rows, ev_row, "bob", spans, events)
    assert _added_spans(take_event) == []
    spans, events = _gold_after(spans, events, take_event)
    assert spans == [whole]
    assert [a.span for a in events[0].arguments] == [whole]
