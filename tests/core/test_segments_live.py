"""LiveSegments: the incremental segments and nesting equal a full recompute after every
change, on random edit sequences and on a real article's spans."""

from __future__ import annotations

import json
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.paths import datasets_dir
from annotator.core.segments import LiveSegments, Segment, _sweep, nesting, segments


def _by_position(live: LiveSegments) -> list[Segment]:
    """The live segments with members as positions in the current list (what
    :func:`segments` returns)."""
    pos = live.position
    return [Segment(s.start, s.end, tuple(pos[m] for m in s.members)) for s in live.index.segments]


def _check(live: LiveSegments, ranges: list[tuple[int, int]]) -> None:
    assert live.ranges == ranges
    assert [live.slots[slot] for slot in live.order] == ranges
    assert _by_position(live) == segments(ranges)
    full = nesting(ranges)
    assert tuple(live.depth[slot] for slot in live.order) == full.depth
    assert tuple(live.contains[slot] for slot in live.order) == full.contains
    assert live.index._starts == [s.start for s in live.index.segments]
    assert live.index._ends == [s.end for s in live.index.segments]


def test_segments_live_accept_changes_nothing_and_a_removal_only_its_stretch():
    ranges = [(0, 5), (6, 20), (8, 12), (30, 34), (40, 44)]
    live = LiveSegments(ranges)
    assert live.update(list(ranges)) is None
    smaller = [(0, 5), (6, 20), (30, 34), (40, 44)]
    assert live.update(smaller) == (6, 20)  # the outer span holding the removed one
    _check(live, smaller)
    moved = [(0, 5), (6, 20), (29, 34), (40, 44)]
    assert live.update(moved) == (29, 34)
    _check(live, moved)


def test_segments_live_reordered_survivors_fall_back_to_a_full_recompute():
    live = LiveSegments([(0, 4), (0, 4), (10, 12)])
    assert live.update([(10, 12), (0, 4), (0, 4)]) == (0, 12)
    _check(live, [(10, 12), (0, 4), (0, 4)])


ranges_st = st.tuples(st.integers(0, 60), st.integers(0, 12)).map(lambda t: (t[0], t[0] + t[1]))
edit_st = st.tuples(st.sampled_from("adms"), st.integers(0, 1000), ranges_st)


def _edit(ranges: list, edit: tuple) -> list:
    kind, at, r = edit
    out = list(ranges)
    if kind == "a" or not out:
        out.insert(at % (len(out) + 1), r)
    elif kind == "d":
        del out[at % len(out)]
    elif kind == "m":
        out[at % len(out)] = r
    else:  # shuffle: the survivors change order
        random.Random(at).shuffle(out)
    return out


@settings(max_examples=150, deadline=None)
@given(st.lists(ranges_st, max_size=15), st.lists(edit_st, max_size=12), st.booleans())
def test_segments_live_equals_a_full_recompute_after_every_edit(start, edits, keep_sorted):
    ranges = sorted(start) if keep_sorted else list(start)
    live = LiveSegments(ranges)
    _check(live, ranges)
    for edit in edits:
        ranges = _edit(ranges, edit)
        if keep_sorted:
            ranges.sort()
        live.update(ranges)
        _check(live, ranges)


def _article_ranges() -> tuple[str, list[tuple[int, int]]]:
    """A real article's entities, event triggers and argument extents: nested and
    crossing spans, as the window shows them."""
    path = datasets_dir() / "gold" / "events_gold.jsonl"
    record = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    found = {(s["start"], s["end"]) for s in record["spans"]}
    for event in record["events"]:
        found.add((event["trigger"]["start"], event["trigger"]["end"]))
        found.update((a["start"], a["end"]) for a in event["arguments"])
    return record["text"], sorted(found)


def test_segments_live_random_decisions_on_a_real_article_equal_a_full_recompute():
    text, pool = _article_ranges()
    assert len(pool) > 40 and any(n.contains for n in [nesting(pool)])
    words = [(m, m + len(w)) for m, w in _words(text)]
    rng = random.Random(13)
    for _ in range(20):
        ranges = sorted(rng.sample(pool, len(pool) * 2 // 3))
        live = LiveSegments(ranges)
        for _ in range(40):
            ranges = _decide(rng, ranges, pool, words, len(text))
            live.update(ranges)
            _check(live, ranges)


def _words(text: str) -> list[tuple[int, str]]:
    out, at = [], 0
    for word in text.split():
        at = text.index(word, at)
        out.append((at, word))
        at += len(word)
    return out


def _decide(rng: random.Random, ranges: list, pool: list, words: list, size: int) -> list:
    """One decision as the text sees it: a span hidden (reject, delete), added (a new span
    over words, a suggestion back by undo), or moved by a boundary key."""
    out = list(ranges)
    kind = rng.choice("rama")
    if kind == "r" and out:
        out.pop(rng.randrange(len(out)))
    elif kind == "a":
        first = rng.randrange(len(words))
        last = min(len(words) - 1, first + rng.randrange(4))
        out.append(rng.choice([(words[first][0], words[last][1]), rng.choice(pool)]))
    elif out:
        n = rng.randrange(len(out))
        s, e = out[n]
        s, e = max(0, s + rng.choice((-2, -1, 1))), min(size, e + rng.choice((-1, 1, 3)))
        out[n] = (min(s, e), max(s, e))
    return sorted(out)


@given(st.lists(ranges_st, max_size=25))
def test_segments_live_groups_equal_one_sweep_over_all_spans(spans):
    """segments() sweeps only groups of overlapping spans: the same segments, members in
    the same order, as one sweep over every span."""
    live = [i for i, (s, e) in enumerate(spans) if e > s]
    assert segments(spans) == (_sweep(spans, live) if live else [])
