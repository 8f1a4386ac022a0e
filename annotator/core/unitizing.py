"""Krippendorff's unitizing α_U on spans (Krippendorff 1995, "On the reliability of
unitizing continuous data"; 2004, Content Analysis 2nd ed., §12.4, example p. 254),
implemented here: no Python package computes it; DKPro Statistics' Java implementation,
which INCEpTION uses, gives the same figures on that example. Per category, the annotated
articles laid end to end form one continuum of characters; units are gold spans.

Vectorised with numpy (a declared dependency, like :mod:`annotator.core.agreement`,
which uses this): a 10,000-article project has hundreds of thousands of units.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np

NAN = float("nan")


@dataclass(frozen=True)
class Unitized:
    alpha: float
    observed: float  # D_o
    expected: float  # D_e


def alpha_unitizing(
    units: Sequence[Sequence[tuple[int, int, str]]], length: int
) -> tuple[Unitized, dict[str, Unitized]]:
    """Krippendorff's α_U: ``units[r]`` are observer r's (start, end, category) on a
    continuum [0, length); returns the overall figure and one per category. Units of one
    observer and category that overlap are joined first (the definition needs that)."""
    cats = sorted({c for r in units for _, _, c in r})
    code = {c: i for i, c in enumerate(cats)}
    arrays = [
        np.array([(s, e, code[c]) for s, e, c in r], dtype=np.int64).reshape(-1, 3) for r in units
    ]
    return unitizing_arrays(arrays, length, cats)


def unitizing_arrays(
    units: Sequence[np.ndarray], length: int, cats: Sequence[str], *, ordered: bool = False
) -> tuple[Unitized, dict[str, Unitized]]:
    """:func:`alpha_unitizing` on (start, end, category index) arrays, one per observer
    (``ordered``: each sorted by category and start already)."""
    m = len(units)
    per: dict[str, Unitized] = {}
    by_cat = [_by_category(r, len(cats), ordered) for r in units]
    for i, cat in enumerate(cats):
        spans = [_joined_sorted(*parts[i]) for parts in by_cat]
        if not any(s.size for s, _ in spans):
            continue
        d_o = sum(_pair_disagreement(spans[a], spans[b]) for a, b in combinations(range(m), 2))
        d_o = 2 * d_o / (m * (m - 1) * length * length)
        d_e = _expected(spans, length)
        per[cat] = Unitized(_alpha(d_o, d_e), d_o, d_e)
    d_o = sum(u.observed for u in per.values()) / len(per) if per else 0.0
    d_e = sum(u.expected for u in per.values()) / len(per) if per else 0.0
    return Unitized(_alpha(d_o, d_e), d_o, d_e), per


def _alpha(d_o: float, d_e: float) -> float:
    return NAN if d_e == 0 else 1 - d_o / d_e


def _by_category(units: Any, k: int, ordered: bool) -> list[tuple[np.ndarray, np.ndarray]]:
    """Starts and ends of (start, end, category) rows per category 0..k-1, sorted."""
    a = np.asarray(units, dtype=np.int64).reshape(-1, 3)
    if not ordered:
        a = a[np.lexsort((a[:, 1], a[:, 0], a[:, 2]))]
    starts, ends = np.ascontiguousarray(a[:, 0]), np.ascontiguousarray(a[:, 1])
    cuts = np.searchsorted(a[:, 2], np.arange(k + 1))
    return [(starts[cuts[i] : cuts[i + 1]], ends[cuts[i] : cuts[i + 1]]) for i in range(k)]


def _joined(spans: Any) -> tuple[np.ndarray, np.ndarray]:
    """Sorted starts and ends of (start, end) rows, overlapping intervals joined."""
    a = np.asarray(spans, dtype=np.int64).reshape(-1, 2)
    a = a[np.lexsort((a[:, 1], a[:, 0]))]
    return _joined_sorted(a[:, 0], a[:, 1])


def _joined_sorted(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_joined` of intervals already sorted by start (equal starts join anyway,
    whatever the order of their ends)."""
    if not starts.size:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    reach = np.maximum.accumulate(ends)
    new = np.r_[True, starts[1:] >= reach[:-1]]
    last = np.r_[np.flatnonzero(new)[1:] - 1, len(starts) - 1]
    return starts[new], reach[last]


def _overlaps(s1, e1, s2, e2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # noqa: ANN001
    """Pairs (i, j) of overlapping intervals of two sorted, non-overlapping lists, and how
    many intervals of the second list each interval of the first overlaps."""
    lo = np.searchsorted(e2, s1, side="right")
    hi = np.searchsorted(s2, e1, side="left")
    count = np.maximum(hi - lo, 0)
    i = np.repeat(np.arange(len(s1)), count)
    j = lo[i] + np.arange(len(i)) - np.repeat(np.cumsum(count) - count, count)
    return i, j, count


def _pair_disagreement(one: tuple, two: tuple) -> float:
    """Σ δ² over the sections of two observers (Krippendorff 1995): overlapping units
    differ by the squares of their start and end differences; a unit that lies inside the
    other's gap by its length squared; gaps against gaps agree."""
    (s1, e1), (s2, e2) = one, two
    i, j, count = _overlaps(s1, e1, s2, e2)
    total = float(np.sum((s1[i] - s2[j]) ** 2 + (e1[i] - e2[j]) ** 2))
    total += float(np.sum(((e1 - s1)[count == 0]) ** 2))
    hit = np.bincount(j, minlength=len(s2)) if len(s2) else np.zeros(0, np.int64)
    total += float(np.sum(((e2 - s2)[hit == 0]) ** 2))
    return total


def _expected(spans: list[tuple], length: int) -> float:
    """D_e: every unit against every possible position in every observer's gaps."""
    m = len(spans)
    lengths = np.concatenate([(e - s) for s, e in spans]).astype(float)
    if lengths.size == 0:
        return 0.0
    gaps = np.concatenate([np.r_[s, length] - np.r_[0, e] for s, e in spans]).astype(float)
    gaps = np.sort(gaps[gaps > 0])
    suffix = np.r_[np.cumsum(gaps[::-1])[::-1], 0.0]
    first = np.searchsorted(gaps, lengths, side="left")  # gaps at least as long as the unit
    fits = suffix[first] - (lengths - 1) * (len(gaps) - first)
    n_c = lengths.size
    within = (n_c - 1) * (2 * lengths**3 - 3 * lengths**2 + lengths) / 3
    numerator = float(np.sum(within + lengths**2 * fits))
    denominator = m * length * (m * length - 1) - float(np.sum(lengths * (lengths - 1)))
    return 2 / length * numerator / denominator if denominator else 0.0
