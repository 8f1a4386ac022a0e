"""Review items are immutable and shared between rebuilds of an article's review; a
suggestion id reused for another span, or another state or source, gets its own item."""

from __future__ import annotations

from annotator.core.models import Span, Suggestion
from annotator.core.review import ACCEPTED, GOLD, PENDING, REJECTED, Item, Review

TEXT = "Tokayev met Mirziyoyev in Astana on Monday."


def _sugg(sid: int, span: Span, model: str = "m") -> Suggestion:
    return Suggestion(span, model=model, model_version="1", id=sid)


def test_review_items_shared_between_rebuilds():
    a, b = _sugg(1, Span(0, 7, "PERSON")), _sugg(2, Span(12, 22, "PERSON"))
    first = Review(1, TEXT, [(a, PENDING), (b, PENDING)])
    again = Review(1, TEXT, [(a, PENDING), (b, REJECTED)])
    assert again.items[0] is first.items[0]
    assert again.items[1] == Item(b.span, REJECTED, "m", 2)
    assert again.items[1] is not first.items[1]


def test_review_items_a_reused_id_with_another_span_gets_its_own_item():
    old = _sugg(7, Span(0, 7, "PERSON"))
    Review(1, TEXT, [(old, PENDING)])
    reused = _sugg(7, Span(26, 32, "GPE"))  # same id, another project or article
    review = Review(2, TEXT, [(reused, PENDING)])
    assert review.items == [Item(Span(26, 32, "GPE"), PENDING, "m", 7)]
    other_model = _sugg(7, Span(26, 32, "GPE"), model="other")
    assert Review(2, TEXT, [(other_model, PENDING)]).items[0].source == "other"


def test_review_items_gold_items_follow_their_source():
    a = _sugg(3, Span(36, 42, "DATE"))
    manual = Review(1, TEXT, [], gold=[Span(36, 42, "DATE")])
    assert manual.items == [Item(Span(36, 42, "DATE"), GOLD, "manual")]
    accepted = Review(1, TEXT, [(a, ACCEPTED)], gold=[Span(36, 42, "DATE")])
    assert accepted.items == [Item(Span(36, 42, "DATE"), GOLD, "m")]
