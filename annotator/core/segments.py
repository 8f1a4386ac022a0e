"""Segmentation of overlapping spans into maximal runs with the same covering spans.

The text view paints one format per segment, so overlapping spans stay readable: a run
covered by spans 3 and 7 gets a format made from both, a run covered by 3 alone its own.
Segmenting by span *instances* (not labels) keeps two adjacent spans with the same label
apart. :func:`nesting` says how deep each span sits (how many spans contain it) and which
spans contain others, so the view can bracket an outer span and inset what it holds.
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
    live = [i for i, (s, e) in enumerate(spans) if e > s]
    if not live:
        return []
    # rank once (shortest span, then input order) instead of sorting by a key at every point
    rank = {i: r for r, i in enumerate(sorted(live, key=lambda i: (spans[i][1] - spans[i][0], i)))}
    changes: dict[int, tuple[list[int], list[int]]] = {}
    for i in live:
        s, e = spans[i]
        changes.setdefault(s, ([], []))[0].append(i)
        changes.setdefault(e, ([], []))[1].append(i)
    points = sorted(changes)
    out: list[Segment] = []
    active: set[int] = set()
    by_rank, add = rank.__getitem__, out.append
    for here, following in zip(points, points[1:]):
        starting, ending = changes[here]
        if ending:
            active.difference_update(ending)
        if starting:
            active.update(starting)
        if len(active) == 1:  # the common case: no overlap, nothing to order
            add(Segment(here, following, tuple(active)))
        elif active:
            add(Segment(here, following, tuple(sorted(active, key=by_rank))))
    return out


@dataclass(frozen=True)
class Nesting:
    """Per span: ``depth`` (how many longer spans contain it) and ``contains`` (whether it
    contains a shorter span). Identical spans (a suggestion and the gold it became) and
    spans that only cross each other contain neither."""

    depth: tuple[int, ...]
    contains: tuple[bool, ...]


def nesting(spans: Sequence[tuple[int, int]]) -> Nesting:
    """How the spans nest (empty spans: depth 0, containing nothing)."""
    depth = [0] * len(spans)
    contains = [False] * len(spans)
    order = sorted(
        (i for i, (s, e) in enumerate(spans) if e > s), key=lambda i: (spans[i][0], -spans[i][1], i)
    )
    open_: list[int] = []  # spans started earlier that may still contain later ones
    for i in order:
        start, end = spans[i]
        open_ = [j for j in open_ if spans[j][1] > start]
        for j in open_:
            # started no later (sort order), ends no later and is not the same range
            if spans[j][1] >= end and spans[j] != (start, end):
                depth[i] += 1
                contains[j] = True
        open_.append(i)
    return Nesting(tuple(depth), tuple(contains))


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
