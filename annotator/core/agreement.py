"""Inter-annotator agreement: span F1, Cohen's and Fleiss' κ and Krippendorff's α on
tokens, Krippendorff's unitizing α_U on spans, and ACE-level event agreement.

Pure computations over what the store hands in (:class:`Doc`: an article's text and the
versions of the annotators who finished it). Unlike the rest of ``core`` this module uses
numpy and the ``krippendorff`` package (both declared dependencies): a 10,000-article
project has millions of tokens, and per-token Python loops would take minutes.

Definitions (each checked against a worked example in tests/core/test_agreement.py):

- Tokens are the regex tokens the window falls back on (``\\w+|[^\\w\\s]``,
  :func:`annotator.core.review.regex_tokens`), computed here vectorised, so agreement
  never needs a spaCy model. A token takes the label of the longest gold span it overlaps,
  else ``O``. An annotator whose entity gold of an article is partial has no tokens there.
- Cohen's κ (Cohen 1960): (p_o − p_e) / (1 − p_e), per pair of annotators.
- Fleiss' κ (Fleiss 1971), over the tokens every annotator labelled.
- Krippendorff's α, nominal (Krippendorff 2011, "Computing Krippendorff's
  Alpha-Reliability"), by the ``krippendorff`` package; tokens every annotator labels alike
  only add to the diagonal of the coincidence matrix, so they go in as one unit per label
  (exactly the same matrix, and fast).
- Krippendorff's unitizing α_U (Krippendorff 1995, "On the reliability of unitizing
  continuous data"; 2004, Content Analysis 2nd ed., §12.4, example p. 254), implemented
  here (no Python package computes it; DKPro Statistics' Java implementation, which
  INCEpTION uses, gives the same figures on that example): per label, the annotated
  articles laid end to end form one continuum of characters; units are gold spans.
- Span F1 (exact: offsets and label; overlap: a span counts when a span of the other
  annotator with the same label overlaps it), symmetric between the two annotators.
- Events: :func:`annotator.core.evaluate.evaluate` with one annotator as "predicted",
  the other as "gold" (F1 is symmetric): the ACE trigger and argument levels.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import chain, combinations
from typing import Any

import krippendorff
import numpy as np

from annotator.core.adjudication import Version
from annotator.core.evaluate import EVENT_METRICS, Score, _arguments, _triggers, match

NAN = float("nan")
TOKENISATION = "regex tokens \\w+|[^\\w\\s] (annotator.core.review.regex_tokens); no spaCy"


@dataclass(frozen=True)
class Doc:
    article_id: int
    text: str
    versions: Mapping[str, Version]  # the annotators who finished the article


# -- textbook coefficients ------------------------------------------------------------------


def cohen_kappa(table: Any) -> float:
    """Cohen's κ of a square confusion table (rows: one annotator, columns: the other)."""
    t = np.asarray(table, dtype=float)
    n = t.sum()
    if n == 0:
        return NAN
    p_o = np.trace(t) / n
    p_e = float(t.sum(axis=1) @ t.sum(axis=0)) / (n * n)
    return NAN if p_e == 1 else float((p_o - p_e) / (1 - p_e))


def fleiss_kappa(labels: Any) -> float:
    """Fleiss' κ of an (annotators × items) array of category codes (≥ 0), every item
    rated by every annotator."""
    x = np.asarray(labels)
    m, n = x.shape
    if m < 2 or n == 0:
        return NAN
    agree = sum((x[i] == x[j]).astype(np.int64) for i, j in combinations(range(m), 2))
    p_bar = float(np.sum(agree)) * 2 / (m * (m - 1) * n)  # mean of P_i
    p_j = np.bincount(x.ravel()) / (m * n)
    p_e = float(p_j @ p_j)
    return NAN if p_e == 1 else (p_bar - p_e) / (1 - p_e)


def alpha_nominal(labels: Any) -> float:
    """Krippendorff's α (nominal) of an (annotators × units) array of category codes,
    -1 where an annotator gave no value, by the ``krippendorff`` package."""
    x = np.asarray(labels, dtype=np.int16)  # label codes: small, and passes are cheap
    valid = x >= 0
    m_u = valid.sum(axis=0)
    x, valid, m_u = x[:, m_u >= 2], valid[:, m_u >= 2], m_u[m_u >= 2]  # pairable units
    if x.size == 0:
        return NAN
    k = int(x.max()) + 1
    high = np.where(valid, x, -1).max(axis=0)
    low = np.where(valid, x, k).min(axis=0)
    same = high == low
    # a unanimous unit with m values adds m to o_cc (Krippendorff 2011, eq. for o_ck):
    # all of one label together are one unit holding their sum
    pooled = np.bincount(high[same], weights=m_u[same], minlength=k)
    rows = [np.diag(pooled)[pooled > 0]]
    split = np.flatnonzero(~same)
    if split.size:
        counts = np.zeros(split.size * k)
        for r in range(x.shape[0]):
            ok = valid[r, split]
            counts += np.bincount(np.flatnonzero(ok) * k + x[r, split][ok], minlength=counts.size)
        rows.append(counts.reshape(split.size, k))
    value_counts = np.vstack(rows)
    if np.count_nonzero(value_counts.sum(axis=0)) < 2:
        return NAN  # one label only: no variation to agree on
    return float(krippendorff.alpha(value_counts=value_counts, level_of_measurement="nominal"))


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
    units: Sequence[np.ndarray], length: int, cats: Sequence[str]
) -> tuple[Unitized, dict[str, Unitized]]:
    """:func:`alpha_unitizing` on (start, end, category index) arrays, one per observer."""
    m = len(units)
    per: dict[str, Unitized] = {}
    for i, cat in enumerate(cats):
        spans = [_joined(r[r[:, 2] == i, :2]) for r in units]
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


def _joined(spans: Any) -> tuple[np.ndarray, np.ndarray]:
    """Sorted starts and ends of (start, end) rows, overlapping intervals joined."""
    a = np.asarray(spans, dtype=np.int64).reshape(-1, 2)
    if not a.size:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    a = a[np.lexsort((a[:, 1], a[:, 0]))]
    ends = np.maximum.accumulate(a[:, 1])
    new = np.r_[True, a[1:, 0] >= ends[:-1]]
    last = np.r_[np.flatnonzero(new)[1:] - 1, len(a) - 1]
    return a[new, 0], ends[last]


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


# -- the corpus as arrays -------------------------------------------------------------------

_WORD, _SPACE = re.compile(r"\w"), re.compile(r"\s")


@cache
def _classes() -> np.ndarray:
    """0 space, 1 word character, 2 other, for every code point of the BMP."""
    return np.array([_class(chr(c)) for c in range(0x10000)], dtype=np.int8)


def _class(ch: str) -> int:
    return 1 if _WORD.match(ch) else 0 if _SPACE.match(ch) else 2


def tokenize(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends of the regex tokens ``\\w+|[^\\w\\s]`` of ``text``, vectorised
    (the same tokens as :func:`annotator.core.review.regex_tokens`)."""
    cp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    cls = np.empty(cp.size, dtype=np.int8)
    bmp = cp < 0x10000
    cls[bmp] = _classes()[cp[bmp]]
    for i in np.flatnonzero(~bmp):
        cls[i] = _class(chr(cp[i]))
    word, other = cls == 1, cls == 2
    prev_word = np.r_[False, word[:-1]]
    next_word = np.r_[word[1:], False]
    starts = np.flatnonzero(other | (word & ~prev_word))
    ends = np.flatnonzero(other | (word & ~next_word)) + 1
    return starts, ends


class Corpus:
    """The articles as arrays: tokens of all texts laid end to end (a newline between
    two articles), and per annotator a label code per token (-1: not annotated)."""

    def __init__(self, docs: Sequence[Doc], annotators: Sequence[str], label: str | None):
        self.docs, self.annotators, self.label = list(docs), list(annotators), label
        self._done: dict[tuple[str, bool], np.ndarray] = {}
        lengths = np.array([len(d.text) + 1 for d in self.docs], dtype=np.int64)
        self.offsets = np.r_[0, np.cumsum(lengths)[:-1]] if len(self.docs) else lengths
        self.lengths = lengths - 1
        self.starts, self.ends = tokenize("\n".join(d.text for d in self.docs))
        self.doc_tokens = np.searchsorted(self.starts, np.r_[self.offsets, np.inf])
        self.token_doc = np.repeat(np.arange(len(self.docs)), np.diff(self.doc_tokens))
        names = {s.label for d in self.docs for v in d.versions.values() for s in v.spans}
        self.labels = sorted(names if label is None else names & {label})
        self.code = {lab: i + 1 for i, lab in enumerate(self.labels)}
        self.spans = {a: self._spans(a) for a in self.annotators}
        self.tokens = {a: self._token_labels(a) for a in self.annotators}
        self.event_keys = {a: _event_keys(self, a) for a in self.annotators}

    def done(self, who: str, *, entities: bool = False) -> np.ndarray:
        """Indexes of the articles ``who`` finished (with full entity gold, if asked)."""
        key = (who, entities)
        if key not in self._done:
            self._done[key] = np.array(
                [
                    i
                    for i, d in enumerate(self.docs)
                    if who in d.versions and not (entities and d.versions[who].partial)
                ],
                dtype=np.int64,
            )
        return self._done[key]

    def _spans(self, who: str) -> dict[str, np.ndarray]:
        """doc, start, end, code and global start/end of ``who``'s gold spans (articles
        with full entity gold only)."""
        code = self.code
        rows = [
            (i, sp.start, sp.end, code[sp.label])
            for i in self.done(who, entities=True).tolist()
            for sp in self.docs[i].versions[who].spans
            if sp.label in code
        ]
        flat = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=4 * len(rows))
        a = flat.reshape(-1, 4)
        out = {"doc": a[:, 0], "start": a[:, 1], "end": a[:, 2], "code": a[:, 3]}
        out["gstart"] = out["start"] + self.offsets[out["doc"]]
        out["gend"] = out["end"] + self.offsets[out["doc"]]
        total = int(self.lengths.sum()) + len(self.docs) + 1
        k = len(self.labels) + 1
        # one integer per span (global offsets and label) for exact matching
        out["key"] = (out["gstart"] * total + (out["gend"] - out["gstart"])) * k + out["code"]
        return out

    def _token_labels(self, who: str) -> np.ndarray:
        out = np.full(self.starts.size, -1, dtype=np.int16)
        docs = self.done(who, entities=True)
        out[_ranges(self.doc_tokens[docs], self.doc_tokens[docs + 1])] = 0
        sp = self.spans[who]
        g_start, g_end = sp["gstart"], sp["gend"]
        first = np.searchsorted(self.ends, g_start, side="right")
        last = np.searchsorted(self.starts, g_end, side="left")
        order = np.argsort(g_end - g_start, kind="stable")  # the longest span is set last
        first, last, codes = first[order], last[order], sp["code"][order]
        count = np.maximum(last - first, 0)
        out[_ranges(first, last)] = np.repeat(codes, count)
        return out


def _ranges(first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """The concatenated aranges [first[i], last[i])."""
    count = np.maximum(last - first, 0)
    base = np.repeat(first - (np.cumsum(count) - count), count)
    return base + np.arange(int(count.sum()))


def _nan_none(x: float) -> float | None:
    return None if x is None or math.isnan(x) else round(float(x), 4)


def _f1(score: Score) -> float:
    return score.f1 if score.predicted + score.gold else NAN


def span_scores(offsets: np.ndarray, sa: dict, sb: dict) -> tuple[Score, Score]:
    """Exact and overlap agreement of two annotators' spans (``Corpus.spans`` arrays)."""
    tp = np.intersect1d(sa["key"], sb["key"], assume_unique=True).size
    exact = Score(int(tp), int(sa["key"].size), int(sb["key"].size))
    hit_a, hit_b = _overlapped(sa, sb), _overlapped(sb, sa)
    # overlap: precision from a's spans hit, recall from b's (F1 = 2PR/(P+R))
    return exact, _overlap_score(hit_a, int(sa["key"].size), hit_b, int(sb["key"].size))


@dataclass(frozen=True)
class OverlapScore(Score):
    tp_gold: int = 0

    @property
    def recall(self) -> float:
        return self.tp_gold / self.gold if self.gold else 0.0


def _overlap_score(hit_a: int, n_a: int, hit_b: int, n_b: int) -> OverlapScore:
    return OverlapScore(hit_a, n_a, n_b, hit_b)


def _subset(spans: dict[str, np.ndarray], docs: np.ndarray) -> dict[str, np.ndarray]:
    keep = np.isin(spans["doc"], docs)
    return {k: v[keep] for k, v in spans.items()}


def _overlapped(one: dict, two: dict) -> int:
    """How many of ``one``'s spans a span of ``two`` with the same label overlaps."""
    hits = 0
    for code in np.unique(one["code"]):
        m1, m2 = one["code"] == code, two["code"] == code
        s1, e1 = one["gstart"][m1], one["gend"][m1]
        order = np.argsort(two["gstart"][m2], kind="stable")
        s2, e2 = two["gstart"][m2][order], two["gend"][m2][order]
        if not s2.size:
            continue
        reach = np.maximum.accumulate(e2)  # the furthest end among spans starting before
        before = np.searchsorted(s2, e1, side="left")
        hits += int(np.sum((before > 0) & (reach[np.maximum(before - 1, 0)] > s1)))
    return hits


def _pair_tokens(corpus: Corpus, a: str, b: str) -> tuple[np.ndarray, np.ndarray]:
    ta, tb = corpus.tokens[a], corpus.tokens[b]
    both = (ta >= 0) & (tb >= 0)
    return ta[both], tb[both]


def _confusion(x: np.ndarray, y: np.ndarray, k: int) -> np.ndarray:
    return np.bincount(x.astype(np.int64) * k + y, minlength=k * k).reshape(k, k)


def _binary(table: np.ndarray, code: int) -> np.ndarray:
    """The 2×2 table of one label against all others."""
    both = table[code, code]
    row, col, n = table[code].sum(), table[:, code].sum(), table.sum()
    return np.array([[both, row - both], [col - both, n - row - col + both]])


def unitizing(corpus: Corpus, names: Sequence[str], docs: np.ndarray) -> tuple:
    """α_U of ``names`` over the articles ``docs``, laid end to end."""
    shift = np.zeros(len(corpus.docs), dtype=np.int64)
    lengths = corpus.lengths[docs]
    shift[docs] = np.r_[0, np.cumsum(lengths)[:-1]] if docs.size else []
    total = int(lengths.sum())
    if total == 0:
        return Unitized(NAN, 0.0, 0.0), {}
    units = []
    for w in names:
        sp = _subset(corpus.spans[w], docs)
        base = shift[sp["doc"]]
        units.append(np.column_stack([sp["start"] + base, sp["end"] + base, sp["code"] - 1]))
    return unitizing_arrays(units, total, corpus.labels)


def _event_keys(corpus: Corpus, who: str) -> dict[str, list[tuple]]:
    """Per ACE level (evaluate.py's keys), ``who``'s events of the corpus with their
    article index in front: one multiset match over the corpus is the sum of the
    per-article matches."""
    out: dict[str, list[tuple]] = {key: [] for key, _ in EVENT_METRICS}
    label = corpus.label
    for i in corpus.done(who).tolist():
        events = [e for e in corpus.docs[i].versions[who].events if label in (None, e.type)]
        if not events:
            continue
        levels = {
            "trigger_identification": _triggers(events, False),
            "trigger_classification": _triggers(events, True),
            "argument_identification": _arguments(events, "identification"),
            "argument_classification": _arguments(events, "classification"),
            "argument_strict": _arguments(events, "strict"),
        }
        for key, keys in levels.items():
            out[key] += [(i, *k) for k in keys]
    return out


def _event_report(corpus: Corpus, a: str, b: str, docs: np.ndarray) -> dict[str, Score]:
    both = set(docs.tolist())
    ka, kb = corpus.event_keys[a], corpus.event_keys[b]
    return {
        key: match([k for k in ka[key] if k[0] in both], [k for k in kb[key] if k[0] in both])
        for key, _ in EVENT_METRICS
    }


def _common(corpus: Corpus, names: Sequence[str], entities: bool) -> np.ndarray:
    sets = [set(corpus.done(w, entities=entities).tolist()) for w in names]
    return np.array(sorted(set.intersection(*sets)) if sets else [], dtype=np.int64)


def pair_report(corpus: Corpus, a: str, b: str) -> dict[str, Any]:
    docs = _common(corpus, (a, b), entities=True)
    k = len(corpus.labels) + 1
    x, y = _pair_tokens(corpus, a, b)
    table = _confusion(x, y, k)
    sa, sb = (_subset(corpus.spans[w], docs) for w in (a, b))
    exact, overlap = span_scores(corpus.offsets, sa, sb)
    alpha_u, per_label_u = unitizing(corpus, (a, b), docs)
    labels = {}
    for lab, code in corpus.code.items():
        e, o = span_scores(corpus.offsets, _subset_code(sa, code), _subset_code(sb, code))
        labels[lab] = {
            "span_f1_exact": _nan_none(_f1(e)),
            "span_f1_overlap": _nan_none(_f1(o)),
            "cohen_kappa": _nan_none(cohen_kappa(_binary(table, code))),
            "alpha_unitizing": _nan_none(per_label_u[lab].alpha) if lab in per_label_u else None,
        }
    events = _event_report(corpus, a, b, _common(corpus, (a, b), entities=False))
    return {
        "annotators": [a, b],
        "articles": int(len(_common(corpus, (a, b), entities=False))),
        "articles_with_entities": int(docs.size),
        "tokens": int(x.size),
        "span_exact": exact.to_dict(),
        "span_overlap": overlap.to_dict(),
        "cohen_kappa": _nan_none(cohen_kappa(table)),
        "alpha_nominal": _nan_none(alpha_nominal(np.vstack([x, y]))) if x.size else None,
        "alpha_unitizing": _nan_none(alpha_u.alpha),
        "events": {key: events[key].to_dict() for key, _ in EVENT_METRICS},
        "labels": labels,
    }


def _subset_code(spans: dict[str, np.ndarray], code: int) -> dict[str, np.ndarray]:
    keep = spans["code"] == code
    return {k: v[keep] for k, v in spans.items()}


def _mean(values: Sequence[float | None]) -> float | None:
    got = [v for v in values if v is not None]
    return round(sum(got) / len(got), 4) if got else None


def overall_report(corpus: Corpus, pairs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    names = corpus.annotators
    docs = _common(corpus, names, entities=True)
    tokens = np.vstack([corpus.tokens[w] for w in names]) if names else np.zeros((0, 0))
    everyone = tokens[:, (tokens >= 0).all(axis=0)] if tokens.size else tokens
    alpha_u, per_label_u = unitizing(corpus, names, docs)
    out = {
        "articles_all_annotators": int(len(_common(corpus, names, entities=False))),
        "fleiss_kappa": _nan_none(fleiss_kappa(everyone)) if everyone.size else None,
        "alpha_nominal": _nan_none(alpha_nominal(tokens)) if tokens.size else None,
        "alpha_unitizing": _nan_none(alpha_u.alpha),
        "mean_cohen_kappa": _mean([p["cohen_kappa"] for p in pairs]),
        "mean_span_f1_exact": _mean([p["span_exact"]["f1"] for p in pairs]),
        "mean_span_f1_overlap": _mean([p["span_overlap"]["f1"] for p in pairs]),
        "events": {
            key: _mean([p["events"][key]["f1"] for p in pairs if p["events"][key]["gold"]])
            for key, _ in EVENT_METRICS
        },
    }
    out["labels"] = {
        lab: {
            "mean_span_f1_exact": _mean([p["labels"][lab]["span_f1_exact"] for p in pairs]),
            "mean_span_f1_overlap": _mean([p["labels"][lab]["span_f1_overlap"] for p in pairs]),
            "mean_cohen_kappa": _mean([p["labels"][lab]["cohen_kappa"] for p in pairs]),
            "alpha_unitizing": _nan_none(per_label_u[lab].alpha) if lab in per_label_u else None,
        }
        for lab in corpus.labels
    }
    return out


def article_report(corpus: Corpus) -> list[dict[str, Any]]:
    """Per article with two or more annotators: mean pairwise exact span F1 and κ."""
    out = []
    n_docs = len(corpus.docs)
    f1 = {p: _per_doc_f1(corpus, *p) for p in combinations(corpus.annotators, 2)}
    kappa = {p: _per_doc_kappa(corpus, *p, n_docs) for p in f1}
    for i, d in enumerate(corpus.docs):
        who = [w for w in corpus.annotators if w in d.versions]
        if len(who) < 2:
            continue
        pairs = [p for p in f1 if p[0] in who and p[1] in who]
        out.append(
            {
                "article_id": d.article_id,
                "annotators": who,
                "span_f1_exact": _mean([f1[p][i] for p in pairs]),
                "cohen_kappa": _mean([kappa[p][i] for p in pairs]),
            }
        )
    return out


def _per_doc_f1(corpus: Corpus, a: str, b: str) -> list[float | None]:
    sa, sb = corpus.spans[a], corpus.spans[b]
    n = len(corpus.docs)
    _, ia, _ = np.intersect1d(sa["key"], sb["key"], assume_unique=True, return_indices=True)
    tp = np.bincount(sa["doc"][ia], minlength=n)
    size = np.bincount(sa["doc"], minlength=n) + np.bincount(sb["doc"], minlength=n)
    full = set(corpus.done(a, entities=True).tolist()) & set(corpus.done(b, entities=True).tolist())
    return [
        None if i not in full else (1.0 if size[i] == 0 else 2 * tp[i] / size[i]) for i in range(n)
    ]


def _per_doc_kappa(corpus: Corpus, a: str, b: str, n_docs: int) -> list[float | None]:
    ta, tb = corpus.tokens[a], corpus.tokens[b]
    both = (ta >= 0) & (tb >= 0)
    doc, x, y = corpus.token_doc[both], ta[both], tb[both]
    k = len(corpus.labels) + 1
    n = np.bincount(doc, minlength=n_docs).astype(float)
    p_o = np.bincount(doc, weights=(x == y), minlength=n_docs) / np.maximum(n, 1)
    pa = np.bincount(doc * k + x, minlength=n_docs * k).reshape(n_docs, k)
    pb = np.bincount(doc * k + y, minlength=n_docs * k).reshape(n_docs, k)
    p_e = (pa * pb).sum(axis=1) / np.maximum(n, 1) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = (p_o - p_e) / (1 - p_e)
    return [None if n[i] == 0 else _nan_none(kappa[i]) for i in range(n_docs)]


def agreement(
    docs: Sequence[Doc], annotators: Sequence[str], *, label: str | None = None
) -> dict[str, Any]:
    """The whole report: overall, per pair, per label and per article (JSON-ready; a
    statistic that cannot be computed, e.g. κ when everything is "O", is None)."""
    names = sorted(annotators)
    corpus = Corpus(docs, names, label)
    pairs = [pair_report(corpus, a, b) for a, b in combinations(names, 2)]
    return {
        "annotators": names,
        "label": label,
        "articles": len(docs),
        "tokenisation": TOKENISATION,
        "overall": overall_report(corpus, pairs),
        "pairs": pairs,
        "articles_detail": article_report(corpus),
    }
