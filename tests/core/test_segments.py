from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from annotator.core.segments import Segment, SegmentIndex, segments


def test_segments_empty_and_degenerate_spans_give_nothing():
    assert segments([]) == []
    assert segments([(3, 3)]) == []


def test_segments_overlap_splits_into_runs_innermost_first():
    # 0..10 outer, 4..6 inner
    assert segments([(0, 10), (4, 6)]) == [
        Segment(0, 4, (0,)),
        Segment(4, 6, (1, 0)),
        Segment(6, 10, (0,)),
    ]


def test_segments_adjacent_spans_stay_apart_and_gaps_are_left_out():
    assert segments([(0, 5), (5, 9), (12, 14)]) == [
        Segment(0, 5, (0,)),
        Segment(5, 9, (1,)),
        Segment(12, 14, (2,)),
    ]


def test_segments_identical_spans_share_one_segment():
    assert segments([(2, 4), (2, 4)]) == [Segment(2, 4, (0, 1))]


spans_strategy = st.lists(
    st.tuples(st.integers(0, 40), st.integers(0, 40)).map(lambda t: (min(t), max(t))),
    max_size=12,
)


@given(spans_strategy)
def test_segments_cover_exactly_the_spans_and_are_maximal(spans):
    segs = segments(spans)
    covered = {}
    for seg in segs:
        assert seg.start < seg.end
        for pos in range(seg.start, seg.end):
            assert pos not in covered
            covered[pos] = set(seg.members)
    for pos in range(41):
        expected = {i for i, (s, e) in enumerate(spans) if s <= pos < e}
        assert covered.get(pos, set()) == expected
    for a, b in zip(segs, segs[1:]):
        assert a.end <= b.start
        if a.end == b.start:
            assert set(a.members) != set(b.members)
    for seg in segs:
        lengths = [spans[i][1] - spans[i][0] for i in seg.members]
        assert lengths == sorted(lengths)


@given(spans_strategy, st.integers(0, 40), st.integers(1, 10))
def test_segments_index_finds_exactly_the_intersecting_segments(spans, start, width):
    segs = segments(spans)
    end = start + width
    expected = [s for s in segs if s.start < end and start < s.end]
    assert SegmentIndex(segs).overlapping(start, end) == expected
