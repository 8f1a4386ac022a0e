"""The CoNLL writer's fast path (plain token offsets) writes what spaCy's tag functions do."""

from __future__ import annotations

import pytest
from spacy.training import biluo_to_iob, offsets_to_biluo_tags

from annotator.core.models import Span
from annotator.io.conll import _entity_tags
from annotator.io.export_common import non_overlapping
from annotator.io.tokens import blank


@pytest.mark.parametrize("label", ["ORG", "URL-X", "CALL-U", "U-L-", "L-"])
@pytest.mark.parametrize("words", [1, 2, 3, 4])
def test_conll_plain_entity_tags_as_spacy(label, words):
    doc = blank("en")(" ".join(["Acme"] * words) + " said.")
    end = len(" ".join(["Acme"] * words))
    expected = biluo_to_iob(offsets_to_biluo_tags(doc, [(0, end, label)]))
    assert _entity_tags(label, words) == expected[:words]


def test_conll_plain_non_overlapping_longest_first_as_before():
    spans = [Span(0, 5, "A"), Span(3, 9, "B"), Span(8, 12, "C"), Span(10, 11, "D"),
             Span(12, 14, "E"), Span(0, 14, "F"), Span(20, 22, "G"), Span(21, 22, "H")]  # fmt: skip
    kept, dropped = non_overlapping(spans)
    assert kept == [Span(0, 14, "F"), Span(20, 22, "G")]
    assert dropped == [Span(3, 9, "B"), Span(0, 5, "A"), Span(8, 12, "C"), Span(12, 14, "E"),
                       Span(10, 11, "D"), Span(21, 22, "H")]  # fmt: skip
    kept, _ = non_overlapping(spans[1:5])
    assert kept == [Span(3, 9, "B"), Span(10, 11, "D"), Span(12, 14, "E")]
