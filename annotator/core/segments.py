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
from typing import NamedTuple


class Segment(NamedTuple):
    """A maximal run covered by the same spans. A named tuple, not a dataclass: an
    article makes a thousand of them at every opening, and a tuple is made ~5x faster."""

    start: int
    end: int
    members: tuple[int, ...]  # indices of the covering spans, shortest span first


def segments(spans: Sequence[tuple[int, int]]) -> list[Segment]:
    """Maximal runs of positions covered by the same set of spans, in text order.

    ``spans`` are ``(start, end)`` pairs, end exclusive; empty spans cover nothing.
    Positions covered by no span are left out. Members are ordered innermost first
    (shortest span, then input order) so callers can give the innermost span the fill.
    Spans that overlap nothing (most of an article's) are one segment each; only groups
    of overlapping spans are swept point by point.
    """
    order = sorted((i for i, (s, e) in enumerate(spans) if e > s), key=spans.__getitem__)
    out: list[Segment] = []
    group: list[int] = []
    reach = -1
    for i in order:
        start, end = spans[i]
        if group and start >= reach:  # nothing before reaches this span: a new group
            _add_group(spans, group, out)
            group = []
        group.append(i)
        reach = max(reach, end)
    if group:
        _add_group(spans, group, out)
    return out


def _add_group(spans: Sequence[tuple[int, int]], group: list[int], out: list[Segment]) -> None:
    if len(group) == 1:
        i = group[0]
        out.append(Segment(spans[i][0], spans[i][1], (i,)))
    else:
        out.extend(_sweep(spans, group))


def _sweep(spans: Sequence[tuple[int, int]], live: list[int]) -> list[Segment]:
    """The segments of spans that overlap one another (``live``: their indices)."""
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
        if len(active) == 1:  # no overlap here, nothing to order
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


Range = tuple[int, int]


class LiveSegments:
    """:func:`segments` and :func:`nesting` of a list of ranges that changes a little at a
    time (one decision adds, removes or moves a span or two), kept current by diffing.

    Each range lives in a *slot* that keeps its number while the range stays in the list,
    so the segments and the nesting of the untouched text keep their members: an update
    recomputes only the stretch of text between the nearest points no range crosses on
    either side of what changed (usually one span, a few characters). ``segments`` members
    and ``depth``/``contains`` are by slot; ``order`` gives the slot of each range in the
    caller's order and ``position`` the reverse. Ties in member order (equal lengths) follow
    the caller's order, as in :func:`segments`: when the ranges that stayed keep their
    relative order (a list sorted by position always does), the result equals a full
    recompute over the new list, member for member; otherwise the update is a full one.
    """

    def __init__(self, ranges: Sequence[Range] = ()) -> None:
        self.reset(ranges)

    def reset(self, ranges: Sequence[Range]) -> None:
        """Everything from scratch: slot ``i`` holds the ``i``-th range."""
        self._ranges = list(ranges)
        self.slots: list[Range | None] = list(self._ranges)
        self.order = list(range(len(self._ranges)))
        self.position = list(self.order)  # caller position of each slot (-1: free)
        self.index = SegmentIndex(segments(self._ranges))
        nest = nesting(self._ranges)
        self.depth, self.contains = list(nest.depth), list(nest.contains)
        self._free: list[int] = []

    @property
    def ranges(self) -> list[Range]:
        return self._ranges

    def update(self, ranges: Sequence[Range]) -> Range | None:
        """Take the new list; return the text range whose segments were recomputed (None:
        the ranges are the same as before, nothing to recompute)."""
        new = list(ranges)
        if new == self._ranges:
            return None
        matched = self._match(new)
        if matched is None:  # the ranges that stayed changed their order: start again
            self.reset(new)
            return (0, max((e for _, e in new), default=0))
        order, removed, added = matched
        changed = [self.slots[s] for s in removed] + [new[p] for p in added]
        lo = min(s for s, _ in changed)
        hi = max(e for _, e in changed)
        lo, hi = self._cut_left(lo), self._cut_right(hi)
        for slot in removed:
            self.slots[slot] = None
            self.position[slot] = -1
            self.depth[slot], self.contains[slot] = 0, False
            self._free.append(slot)
        for p in added:
            order[p] = self._take_slot(new[p])
        for p, slot in enumerate(order):
            self.position[slot] = p
        self.order, self._ranges = order, new
        self._recompute(lo, hi)
        return (lo, hi)

    def _match(self, new: list[Range]) -> tuple[list[int], list[int], list[int]] | None:
        """Pair each new range with a slot holding the same range (in order); None when the
        paired slots are out of their old order. Returns (slot per position, -1 for a new
        range), the slots to free and the positions of the new ranges."""
        waiting: dict[Range, list[int]] = {}
        for slot in reversed(self.order):
            waiting.setdefault(self.slots[slot], []).append(slot)  # type: ignore[arg-type]
        order, added, last = [], [], -1
        for p, r in enumerate(new):
            queue = waiting.get(r)
            if queue:
                slot = queue.pop()
                if self.position[slot] < last:
                    return None
                last = self.position[slot]
                order.append(slot)
            else:
                order.append(-1)
                added.append(p)
        removed = [slot for queue in waiting.values() for slot in queue]
        return order, removed, added

    def _take_slot(self, r: Range) -> int:
        if self._free:
            slot = self._free.pop()
            self.slots[slot] = r
            return slot
        self.slots.append(r)
        self.position.append(-1)
        self.depth.append(0)
        self.contains.append(False)
        return len(self.slots) - 1

    def _containing(self, pos: int) -> Segment | None:
        """The (old) segment covering ``pos``, if any."""
        found = bisect_right(self.index._ends, pos)
        segs = self.index.segments
        return segs[found] if found < len(segs) and segs[found].start <= pos else None

    def _cut_left(self, pos: int) -> int:
        """The nearest point at or before ``pos`` that no range crosses."""
        while True:
            seg = self._containing(pos - 1)
            ranges = [self.slots[m] for m in seg.members] if seg else []
            crossing = [s for s, e in ranges if e > pos]  # type: ignore[misc]
            if not crossing:
                return pos
            pos = min(crossing)

    def _cut_right(self, pos: int) -> int:
        """The nearest point at or after ``pos`` that no range crosses."""
        while True:
            seg = self._containing(pos)
            ranges = [self.slots[m] for m in seg.members] if seg else []
            crossing = [e for s, e in ranges if s < pos]  # type: ignore[misc]
            if not crossing:
                return pos
            pos = max(crossing)

    def _recompute(self, lo: int, hi: int) -> None:
        """Segments and nesting of the ranges inside ``[lo, hi)`` (none crosses its ends)."""
        inside = [s for s in self.order if lo <= self.slots[s][0] and self.slots[s][1] <= hi]  # type: ignore[index]
        local = [self.slots[s] for s in inside]
        fresh = [
            Segment(seg.start, seg.end, tuple(inside[m] for m in seg.members))
            for seg in segments(local)  # type: ignore[arg-type]
        ]
        index = self.index
        first = bisect_left(index._starts, lo)
        last = bisect_left(index._starts, hi)
        index.segments[first:last] = fresh
        index._starts[first:last] = [s.start for s in fresh]
        index._ends[first:last] = [s.end for s in fresh]
        nest = nesting(local)  # type: ignore[arg-type]
        for k, slot in enumerate(inside):
            self.depth[slot], self.contains[slot] = nest.depth[k], nest.contains[k]
