"""How spans nest: depth per span and which spans contain others (drawn as brackets)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from annotator.core.segments import Nesting, nesting


def test_segments_nesting_inner_span_is_one_deeper_and_its_outer_contains_it():
    # "Astana International Airport" (0..28) holds "Astana" (0..6)
    assert nesting([(0, 28), (0, 6)]) == Nesting((0, 1), (True, False))
    assert nesting([(0, 6), (0, 28)]) == Nesting((1, 0), (False, True))


def test_segments_nesting_three_levels_and_a_shared_end():
    # "National Bank of Kazakhstan" holds "Bank of Kazakhstan" holds "Kazakhstan"
    spans = [(0, 27), (9, 27), (17, 27)]
    assert nesting(spans) == Nesting((0, 1, 2), (True, True, False))


def test_segments_nesting_crossing_and_touching_spans_contain_nothing():
    assert nesting([(0, 10), (5, 15)]) == Nesting((0, 0), (False, False))
    assert nesting([(0, 5), (5, 9)]) == Nesting((0, 0), (False, False))


def test_segments_nesting_identical_and_empty_spans_are_flat():
    assert nesting([(2, 4), (2, 4)]) == Nesting((0, 0), (False, False))
    assert nesting([(0, 9), (2, 4), (2, 4)]) == Nesting((0, 1, 1), (True, False, False))
    assert nesting([(0, 10), (3, 3)]) == Nesting((0, 0), (False, False))
    assert nesting([]) == Nesting((), ())


spans_strategy = st.lists(
    st.tuples(st.integers(0, 30), st.integers(0, 30)).map(lambda t: (min(t), max(t))),
    max_size=12,
)


def _contains(spans, j, i) -> bool:
    (sj, ej), (si, ei) = spans[j], spans[i]
    if j == i or ei <= si or ej <= sj or not (sj <= si and ei <= ej):
        return False
    return (sj, ej) != (si, ei)


@given(spans_strategy)
def test_segments_nesting_matches_the_definition(spans):
    result = nesting(spans)
    n = len(spans)
    assert result.depth == tuple(sum(_contains(spans, j, i) for j in range(n)) for i in range(n))
    assert result.contains == tuple(any(_contains(spans, j, i) for i in range(n)) for j in range(n))
