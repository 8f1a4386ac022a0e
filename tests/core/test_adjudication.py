"""Annotators' versions of one article: agreed items and disagreements."""

from __future__ import annotations

from annotator.core.adjudication import EVENT, SPAN, Version, compare
from annotator.core.models import Argument, Event, Span

TOK, MIR, AST = Span(0, 7, "PERSON"), Span(12, 22, "PERSON"), Span(26, 32, "GPE")


def test_adjudication_agreed_spans_and_a_disagreement_per_region():
    a = Version((TOK, MIR, AST))
    b = Version((TOK, Span(12, 22, "ORG"), Span(23, 32, "GPE")))
    c = Version((TOK, MIR))
    result = compare({"a": a, "b": b, "c": c})
    assert result.agreed_spans == (TOK,)
    first, second = result.disagreements
    assert (first.kind, first.start, first.end) == (SPAN, 12, 22)
    assert first.items == {"a": (MIR,), "b": (Span(12, 22, "ORG"),), "c": (MIR,)}
    assert (second.start, second.end) == (23, 32)
    assert second.items == {"a": (AST,), "b": (Span(23, 32, "GPE"),), "c": ()}
    assert result.next_disagreement(after=12) is second
    assert result.next_disagreement(after=30) is first  # wraps round


def test_adjudication_events_compare_by_content_not_uid():
    meet = Event(Span(8, 11, "Meet"), (Argument("Participant", TOK),), uid="x")
    same = Event(Span(8, 11, "Meet"), (Argument("Participant", TOK),), uid="y")
    other = Event(Span(8, 11, "Meet"), (Argument("Participant", MIR),), uid="z")
    agreed = compare({"a": Version((TOK,), (meet,)), "b": Version((TOK,), (same,))})
    assert agreed.agreed_events == (meet,) and agreed.disagreements == ()
    differ = compare({"a": Version((TOK, MIR), (meet,)), "b": Version((TOK, MIR), (other,))})
    (d,) = differ.disagreements
    assert d.kind == EVENT and d.items == {"a": (meet,), "b": (other,)}
    assert d.to_dict()["items"]["b"][0]["arguments"][0]["start"] == 12


def test_adjudication_partial_entity_gold_has_no_say_on_entities():
    full = Version((TOK, AST))
    partial = Version((TOK,), partial=True)
    result = compare({"a": full, "b": partial})
    assert result.agreed_spans == (TOK, AST) and result.disagreements == ()


def test_adjudication_identical_versions_have_no_disagreement():
    v = Version((TOK, MIR))
    assert compare({"a": v, "b": v}).disagreements == ()
    assert compare({}).agreed_spans == ()
