"""Segmentation of overlapping spans into maximal runs with the same covering spans.

The text view paints one format per segment, so overlapping spans stay readable: a run
covered by spans 3 and 7 gets a format made from both, a run covered by 3 alone its own.
Segmenting by span *instances* (not labels) keeps two adjacent spans with the same label
apart.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    members: tuple[int, ...]  # indices of the covering spans, shortest span first


def segments(spans: Sequence[tuple[int, int]]) -> list[Segment]:
    """Maximal runs of positions covered by the same set of spans, in text order.

    ``spans`` are ``(start, end)`` pairs, end exclusive; empty spans cover nothing.
    Positions covered by no span are left out. Members are ordered innermost first
    (shortest span, then input order) so callers can give the innermost span the fill.
    """
    points = sorted({p for s, e in spans if e > s for p in (s, e)})
    if not points:
        return []
    starts: dict[int, list[int]] = {}
    ends: dict[int, list[int]] = {}
    for i, (s, e) in enumerate(spans):
        if e > s:
            starts.setdefault(s, []).append(i)
            ends.setdefault(e, []).append(i)
    out: list[Segment] = []
    active: set[int] = set()
    for here, following in zip(points, points[1:]):
        active.difference_update(ends.get(here, ()))
        active.update(starts.get(here, ()))
        if active:
            order = sorted(active, key=lambda i: (spans[i][1] - spans[i][0], i))
            out.append(Segment(here, following, tuple(order)))
    return out


class SegmentIndex:
    """Sorted segments with a fast lookup of those intersecting a range (one text block)."""

    def __init__(self, segs: Sequence[Segment]) -> None:
        self.segments = list(segs)
        self._starts = [s.start for s in self.segments]
        self._ends = [s.end for s in self.segments]

    def overlapping(self, start: int, end: int) -> list[Segment]:
        """The segments that intersect ``[start, end)``."""
        first = bisect_right(self._ends, start)
        last = bisect_left(self._starts, end)
        return self.segments[first:last]

    def __len__(self) -> int:
        return len(self.segments)
