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
  Labels are kept only for tokens some span covers; the rest are counted per article.
- Cohen's κ (Cohen 1960): (p_o − p_e) / (1 − p_e), per pair of annotators.
- Fleiss' κ (Fleiss 1971), over the tokens every annotator labelled.
- Krippendorff's α, nominal (Krippendorff 2011, "Computing Krippendorff's
  Alpha-Reliability"), by the ``krippendorff`` package; tokens every annotator labels alike
  only add to the diagonal of the coincidence matrix, so they go in as one unit per label
  (exactly the same matrix, and fast).
- Krippendorff's unitizing α_U (Krippendorff 1995, "On the reliability of unitizing
  continuous data"; 2004, Content Analysis 2nd ed., §12.4, example p. 254), implemented
  in :mod:`annotator.core.unitizing` (no Python package computes it; DKPro Statistics'
  Java implementation, which INCEpTION uses, gives the same figures on that example):
  per label, the annotated articles laid end to end form one continuum of characters;
  units are gold spans.
- Span F1 (exact: offsets and label; overlap: a span counts when a span of the other
  annotator with the same label overlaps it), symmetric between the two annotators.
- Events: :func:`annotator.core.evaluate.evaluate`'s keys with one annotator as
  "predicted", the other as "gold" (F1 is symmetric): the ACE trigger and argument
  levels, matched over the corpus at once (:mod:`annotator.core.agreement_events`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, reduce
from itertools import chain, combinations, repeat
from operator import attrgetter
from typing import Any

import krippendorff
import numpy as np

from annotator.core.adjudication import Version
from annotator.core.agreement_events import event_keys, event_report
from annotator.core.evaluate import EVENT_METRICS, Score
from annotator.core.unitizing import (  # noqa: F401 (_joined, _pair_disagreement: tests)
    Unitized,
    _joined,
    _pair_disagreement,
    alpha_unitizing,
    unitizing_arrays,
)

NAN = float("nan")
_START, _END, _LABEL = attrgetter("start"), attrgetter("end"), attrgetter("label")
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
    return _fleiss(np.asarray(labels), 0)


def _fleiss(x: np.ndarray, zeros: int) -> float:
    """:func:`fleiss_kappa` of ``x`` and ``zeros`` more items everyone rated 0."""
    m, n = x.shape
    n += zeros
    if m < 2 or n == 0:
        return NAN
    agree = sum((x[i] == x[j]).astype(np.int64) for i, j in combinations(range(m), 2))
    agree = int(np.sum(agree)) + zeros * m * (m - 1) // 2
    p_bar = float(agree) * 2 / (m * (m - 1) * n)  # mean of P_i
    counts = np.bincount(x.ravel(), minlength=1)
    counts[0] += zeros * m
    p_j = counts / (m * n)
    p_e = float(p_j @ p_j)
    return NAN if p_e == 1 else (p_bar - p_e) / (1 - p_e)


def alpha_nominal(labels: Any) -> float:
    """Krippendorff's α (nominal) of an (annotators × units) array of category codes,
    -1 where an annotator gave no value, by the ``krippendorff`` package."""
    x = np.asarray(labels, dtype=np.int16)  # label codes: small, and passes are cheap
    if x.size == 0:
        return NAN
    if len(x) == 2 and x.min() >= 0:  # two values in every unit (a pair's common tokens)
        return _pair_alpha(x[0], x[1], 0)
    return _alpha_pooled(x, 0)


def _pair_alpha(a: np.ndarray, b: np.ndarray, zeros: int) -> float:
    """α of two annotators' values of every unit, and ``zeros`` more units both gave 0."""
    return _alpha_of_counts(_pair_value_counts(a, b, zeros))


def _alpha_pooled(x: np.ndarray, pooled_zeros: int) -> float:
    """The general :func:`alpha_nominal`, with ``pooled_zeros`` more values of 0 in
    unanimous units of two or more values (units that only add to the diagonal)."""
    x = np.asarray(x, dtype=np.int16)
    if x.size == 0 and not pooled_zeros:
        return NAN
    # row by row: numpy reduces a short axis 0 of a wide array slowly
    valid = [r >= 0 for r in x]
    m_u = np.zeros(x.shape[1], dtype=np.int64)
    for v in valid:
        m_u += v
    pairable = m_u >= 2
    if not pairable.any():
        return NAN
    high = reduce(np.maximum, x)  # of the values given (no value is negative)
    k = int(high[pairable].max()) + 1
    low = np.full(x.shape[1], k, dtype=np.int16)
    for r, v in zip(x, valid):
        np.minimum(low, np.where(v, r, k), out=low)
    same = pairable & (high == low)
    # a unanimous unit with m values adds m to o_cc (Krippendorff 2011, eq. for o_ck):
    # all of one label together are one unit holding their sum
    pooled = np.bincount(high[same], weights=m_u[same], minlength=k)
    pooled[0] += pooled_zeros
    rows = [np.diag(pooled)[pooled > 0]]
    split = np.flatnonzero(pairable & ~same)
    if split.size:
        counts = np.zeros(split.size * k)
        for r, v in zip(x, valid):
            ok = v[split]
            counts += np.bincount(np.flatnonzero(ok) * k + r[split][ok], minlength=counts.size)
        rows.append(counts.reshape(split.size, k))
    return _alpha_of_counts(np.vstack(rows))


def _pair_value_counts(a: np.ndarray, b: np.ndarray, zeros: int) -> np.ndarray:
    """:func:`alpha_nominal`'s pooled value counts when every unit has two values
    (and ``zeros`` more units of two 0s)."""
    k = int(max(a.max(), b.max())) + 1 if a.size else 1
    same = a == b
    pooled = np.bincount(a[same], minlength=k) * 2
    pooled[0] += 2 * zeros
    rows = [np.diag(pooled)[pooled > 0]]
    split = np.flatnonzero(~same)
    if split.size:
        counts = np.zeros(split.size * k)
        counts += np.bincount(np.arange(split.size) * k + a[split], minlength=counts.size)
        counts += np.bincount(np.arange(split.size) * k + b[split], minlength=counts.size)
        rows.append(counts.reshape(split.size, k))
    return np.vstack(rows)


def _alpha_of_counts(value_counts: np.ndarray) -> float:
    if np.count_nonzero(value_counts.sum(axis=0)) < 2:
        return NAN  # one label only: no variation to agree on
    return float(krippendorff.alpha(value_counts=value_counts, level_of_measurement="nominal"))


# -- the corpus as arrays -------------------------------------------------------------------

_WORD, _SPACE = re.compile(r"\w"), re.compile(r"\s")


@cache
def _classes() -> np.ndarray:
    """0 space, 1 word character, 2 other, for every code point of the BMP (a word
    character is never a space: :func:`_class`'s order does not matter here)."""
    chars = "".join(map(chr, range(0x10000)))
    out = np.full(0x10000, 2, dtype=np.int8)
    out[[m.start() for m in _SPACE.finditer(chars)]] = 0
    out[[m.start() for m in _WORD.finditer(chars)]] = 1
    return out


def _class(ch: str) -> int:
    return 1 if _WORD.match(ch) else 0 if _SPACE.match(ch) else 2


def tokenize(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends of the regex tokens ``\\w+|[^\\w\\s]`` of ``text``, vectorised
    (the same tokens as :func:`annotator.core.review.regex_tokens`)."""
    cp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    if not cp.size or cp.max() < 0x10000:
        cls = _classes()[cp]
    else:
        cls = np.empty(cp.size, dtype=np.int8)
        bmp = cp < 0x10000
        cls[bmp] = _classes()[cp[bmp]]
        for i in np.flatnonzero(~bmp):
            cls[i] = _class(chr(cp[i]))
    # a word run starts where the word flag steps up and ends where it steps down; every
    # other non-space character is a token of its own: two sorted lists, merged
    step = np.diff((cls == 1).view(np.int8), prepend=np.int8(0), append=np.int8(0))
    other = np.flatnonzero(cls == 2)
    starts = np.concatenate([np.flatnonzero(step == 1), other])
    ends = np.concatenate([np.flatnonzero(step == -1), other + 1])
    starts.sort(kind="stable")
    ends.sort(kind="stable")
    return starts, ends


class Corpus:
    """The articles as arrays: tokens of all texts laid end to end (a newline between
    two articles), and per annotator a label code per token (-1: not annotated)."""

    def __init__(self, docs: Sequence[Doc], annotators: Sequence[str], label: str | None):
        self.docs, self.annotators, self.label = list(docs), list(annotators), label
        self._done: dict[tuple[str, bool], np.ndarray] = {}
        self._units: dict[str, dict[str, np.ndarray]] = {}
        lengths = np.array([len(d.text) + 1 for d in self.docs], dtype=np.int64)
        self.offsets = np.r_[0, np.cumsum(lengths)[:-1]] if len(self.docs) else lengths
        self.lengths = lengths - 1
        self.starts, self.ends = tokenize("\n".join(d.text for d in self.docs))
        self.doc_tokens = np.searchsorted(self.starts, np.r_[self.offsets, np.inf])
        self.token_doc = np.repeat(np.arange(len(self.docs)), np.diff(self.doc_tokens))
        every = chain.from_iterable(v.spans for d in self.docs for v in d.versions.values())
        names = set(map(_LABEL, every))
        self.labels = sorted(names if label is None else names & {label})
        self.code = {lab: i + 1 for i, lab in enumerate(self.labels)}
        self.spans = {a: self._spans(a) for a in self.annotators}
        self._token_ranges = {a: self._span_tokens(a) for a in self.annotators}
        self._cover()
        self.tokens = {a: self._token_labels(a) for a in self.annotators}
        self.event_keys, self.event_ids = event_keys(self)

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

    def units(self, who: str) -> dict[str, np.ndarray]:
        """``who``'s spans (doc, start, end, code) sorted by code, then start in the
        texts laid end to end (what :func:`_joined_sorted` needs; ends need no order)."""
        if who not in self._units:
            sp = self.spans[who]
            total = int(self.lengths.sum()) + len(self.docs) + 1
            order = np.argsort(sp["code"] * total + sp["gstart"], kind="stable")
            self._units[who] = {k: sp[k][order] for k in ("doc", "start", "end", "code")}
        return self._units[who]

    def _spans(self, who: str) -> dict[str, np.ndarray]:
        """doc, start, end, code and global start/end of ``who``'s gold spans (articles
        with full entity gold only)."""
        docs = self.done(who, entities=True)
        lists = [self.docs[i].versions[who].spans for i in docs.tolist()]
        flat = list(chain.from_iterable(lists))
        n = len(flat)
        # C-level maps over the spans: a Python loop per span costs seconds at 10k articles
        doc = np.repeat(docs, np.fromiter(map(len, lists), np.int64, len(lists)))
        start = np.fromiter(map(_START, flat), np.int64, n)
        end = np.fromiter(map(_END, flat), np.int64, n)
        code = np.fromiter(map(self.code.get, map(_LABEL, flat), repeat(0)), np.int64, n)
        keep = code > 0  # the label asked for, if one was
        out = {"doc": doc[keep], "start": start[keep], "end": end[keep], "code": code[keep]}
        out["gstart"] = out["start"] + self.offsets[out["doc"]]
        out["gend"] = out["end"] + self.offsets[out["doc"]]
        total = int(self.lengths.sum()) + len(self.docs) + 1
        k = len(self.labels) + 1
        # one integer per span (global offsets and label) for exact matching
        out["key"] = (out["gstart"] * total + (out["gend"] - out["gstart"])) * k + out["code"]
        return out

    def _span_tokens(self, who: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The token range [first, last) and code of each of ``who``'s spans, shortest
        first (a token takes the label of the longest span over it: set last)."""
        sp = self.spans[who]
        g_start, g_end = sp["gstart"], sp["gend"]
        first = np.searchsorted(self.ends, g_start, side="right")
        last = np.searchsorted(self.starts, g_end, side="left")
        order = np.argsort(g_end - g_start, kind="stable")
        return first[order], last[order], sp["code"][order]

    def _cover(self) -> None:
        """Token labels are kept only for the tokens some span covers: every other token
        is "O" for each annotator with full entity gold of its article, unlabelled for the
        rest, so per article a count of them (``rest``) is all the statistics need."""
        n_docs = len(self.docs)
        covered = np.zeros(self.starts.size, dtype=bool)
        for first, last, _ in self._token_ranges.values():
            covered[_ranges(first, last)] = True
        self.covered = np.flatnonzero(covered)
        self._position = np.cumsum(covered) - 1  # token index → index among the covered
        self.token_doc = self.token_doc[self.covered]
        per_doc = np.diff(self.doc_tokens).astype(np.int64)
        self.rest = per_doc - np.bincount(self.token_doc, minlength=n_docs)
        self.full = {a: _mask(self.done(a, entities=True), n_docs) for a in self.annotators}

    def _token_labels(self, who: str) -> np.ndarray:
        """``who``'s label code of each covered token (-1: no full entity gold there)."""
        out = np.where(self.full[who][self.token_doc], 0, -1).astype(np.int16)
        first, last, codes = self._token_ranges[who]
        count = np.maximum(last - first, 0)
        out[self._position[_ranges(first, last)]] = np.repeat(codes, count)
        return out

    def uncovered(self, names: Sequence[str]) -> np.ndarray:
        """Per article: its tokens no span covers that every one of ``names`` labels "O"."""
        both = reduce(np.logical_and, [self.full[w] for w in names])
        return np.where(both, self.rest, 0)


def _ranges(first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """The concatenated aranges [first[i], last[i])."""
    count = np.maximum(last - first, 0)
    base = np.repeat(first - (np.cumsum(count) - count), count)
    return base + np.arange(int(count.sum()))


def _nan_none(x: float) -> float | None:
    # + 0.0: a κ of -0.00001 is 0, not "-0.0"
    return None if x is None or math.isnan(x) else round(float(x), 4) + 0.0


def _f1(score: Score) -> float:
    return score.f1 if score.predicted + score.gold else NAN


def span_counts(sa: dict, sb: dict, k: int) -> tuple[np.ndarray, ...]:
    """Per label code (index 0 unused) of two annotators' spans (``Corpus.spans`` arrays):
    exact matches, a's and b's span counts, a's spans that a span of b with the same label
    overlaps, and b's that one of a overlaps."""
    _, ia, _ = np.intersect1d(sa["key"], sb["key"], assume_unique=True, return_indices=True)
    tp = np.bincount(sa["code"][ia], minlength=k)
    n_a, n_b = np.bincount(sa["code"], minlength=k), np.bincount(sb["code"], minlength=k)
    return tp, n_a, n_b, _overlapped(sa, sb, k), _overlapped(sb, sa, k)


def span_scores(counts: tuple[np.ndarray, ...], code: int | None = None) -> tuple[Score, Score]:
    """Exact and overlap agreement from :func:`span_counts`, of one label code or all."""
    tp, n_a, n_b, hit_a, hit_b = (int(c.sum() if code is None else c[code]) for c in counts)
    # overlap: precision from a's spans hit, recall from b's (F1 = 2PR/(P+R))
    return Score(tp, n_a, n_b), _overlap_score(hit_a, n_a, hit_b, n_b)


@dataclass(frozen=True)
class OverlapScore(Score):
    tp_gold: int = 0

    @property
    def recall(self) -> float:
        return self.tp_gold / self.gold if self.gold else 0.0


def _overlap_score(hit_a: int, n_a: int, hit_b: int, n_b: int) -> OverlapScore:
    return OverlapScore(hit_a, n_a, n_b, hit_b)


def _subset(spans: dict[str, np.ndarray], docs: np.ndarray) -> dict[str, np.ndarray]:
    mask = np.zeros(int(spans["doc"].max(initial=-1)) + 1, dtype=bool)
    mask[docs[docs < mask.size]] = True
    keep = mask[spans["doc"]]
    if keep.all():  # the usual case: both annotators finished the same articles
        return spans
    return {k: v[keep] for k, v in spans.items()}


def _overlapped(one: dict, two: dict, k: int) -> np.ndarray:
    """Per label code: how many of ``one``'s spans a span of ``two`` with the same label
    overlaps. One pass over all labels: a position is ``code × big + offset``, so a span
    of ``two`` with another label is never "before and reaching past" one of ``one``."""
    big = int(max(one["gend"].max(initial=0), two["gend"].max(initial=0))) + 1
    order = np.argsort(two["code"] * big + two["gstart"], kind="stable")
    s2 = (two["code"] * big + two["gstart"])[order]
    if not s2.size:
        return np.zeros(k, dtype=np.int64)
    reach = np.maximum.accumulate((two["code"] * big + two["gend"])[order])
    base = one["code"] * big
    before = np.searchsorted(s2, base + one["gend"], side="left")
    hit = (before > 0) & (reach[np.maximum(before - 1, 0)] > base + one["gstart"])
    return np.bincount(one["code"][hit], minlength=k)


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
        sp = _subset(corpus.units(w), docs)
        base = shift[sp["doc"]]
        units.append(np.column_stack([sp["start"] + base, sp["end"] + base, sp["code"] - 1]))
    # sorted already: by label, then article (laid end to end in order) and start
    return unitizing_arrays(units, total, corpus.labels, ordered=True)


def _common(corpus: Corpus, names: Sequence[str], entities: bool) -> np.ndarray:
    sets = [set(corpus.done(w, entities=entities).tolist()) for w in names]
    return np.array(sorted(set.intersection(*sets)) if sets else [], dtype=np.int64)


def pair_report(corpus: Corpus, a: str, b: str) -> dict[str, Any]:
    docs = _common(corpus, (a, b), entities=True)
    k = len(corpus.labels) + 1
    x, y = _pair_tokens(corpus, a, b)
    zeros = int(corpus.uncovered((a, b)).sum())  # (O, O) tokens beside x and y
    table = _confusion(x, y, k)
    table[0, 0] += zeros
    sa, sb = (_subset(corpus.spans[w], docs) for w in (a, b))
    counts = span_counts(sa, sb, k)
    exact, overlap = span_scores(counts)
    alpha_u, per_label_u = unitizing(corpus, (a, b), docs)
    labels = {}
    for lab, code in corpus.code.items():
        e, o = span_scores(counts, code)
        labels[lab] = {
            "span_f1_exact": _nan_none(_f1(e)),
            "span_f1_overlap": _nan_none(_f1(o)),
            "cohen_kappa": _nan_none(cohen_kappa(_binary(table, code))),
            "alpha_unitizing": _nan_none(per_label_u[lab].alpha) if lab in per_label_u else None,
        }
    events = event_report(corpus, a, b, _common(corpus, (a, b), entities=False))
    return {
        "annotators": [a, b],
        "articles": int(len(_common(corpus, (a, b), entities=False))),
        "articles_with_entities": int(docs.size),
        "tokens": int(x.size) + zeros,
        "span_exact": _score_dict(exact),
        "span_overlap": _score_dict(overlap),
        "cohen_kappa": _nan_none(cohen_kappa(table)),
        "alpha_nominal": _nan_none(_pair_alpha(x, y, zeros)) if x.size + zeros else None,
        "alpha_unitizing": _nan_none(alpha_u.alpha),
        "events": {key: events[key].to_dict() for key, _ in EVENT_METRICS},
        "labels": labels,
    }


def _score_dict(score: Score) -> dict[str, Any]:
    """A span score; with no span on either side (no article both annotated with full
    entity gold, e.g. gold made for events only) its figures are undefined, not 0."""
    out = score.to_dict()
    if not score.predicted + score.gold:
        out.update(precision=None, recall=None, f1=None)
    return out


def marked(score: dict[str, Any]) -> bool:
    """True when either annotator of a pair marked something this score counts: agreement
    is then defined (0 when one marked events and the other none), else undefined."""
    return bool(score["gold"] or score["predicted"])


def _mean(values: Sequence[float | None]) -> float | None:
    got = [v for v in values if v is not None]
    return round(sum(got) / len(got), 4) if got else None


def overall_report(corpus: Corpus, pairs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    names = corpus.annotators
    docs = _common(corpus, names, entities=True)
    tokens = np.vstack([corpus.tokens[w] for w in names]) if names else np.zeros((0, 0))
    # row by row: numpy reduces a short axis 0 of a wide array slowly
    labelled = reduce(np.logical_and, [t >= 0 for t in tokens]) if tokens.size else None
    everyone = tokens[:, labelled] if tokens.size else tokens
    zeros = int(corpus.uncovered(names).sum()) if names else 0  # "O" from everyone
    given = sum(f.astype(np.int64) for f in corpus.full.values()) if names else 0
    pooled = int(np.sum(np.where(given >= 2, corpus.rest * given, 0))) if names else 0
    any_tokens = bool(tokens.size) or bool(corpus.rest.sum() and names)
    alpha_u, per_label_u = unitizing(corpus, names, docs)
    done = sum(_mask(corpus.done(w), len(corpus.docs)).astype(np.int64) for w in names)
    out = {
        # the base of each figure: Fleiss κ and α_U on the articles done by all with full
        # entity gold, α on those done by two or more with it, pairs each on their own
        "articles_all_annotators": int(len(_common(corpus, names, entities=False))),
        "articles_all_annotators_full_entities": int(docs.size),
        "articles_two_or_more": int(np.count_nonzero(np.asarray(done) >= 2)),
        "articles_two_or_more_full_entities": int(np.count_nonzero(np.asarray(given) >= 2)),
        "fleiss_kappa": (_nan_none(_fleiss(everyone, zeros)) if everyone.size or zeros else None),
        "alpha_nominal": _nan_none(_alpha_pooled(tokens, pooled)) if any_tokens else None,
        "alpha_unitizing": _nan_none(alpha_u.alpha),
        "mean_cohen_kappa": _mean([p["cohen_kappa"] for p in pairs]),
        "mean_span_f1_exact": _mean([p["span_exact"]["f1"] for p in pairs]),
        "mean_span_f1_overlap": _mean([p["span_overlap"]["f1"] for p in pairs]),
        "events": {
            key: _mean([p["events"][key]["f1"] for p in pairs if marked(p["events"][key])])
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
    """Per article with two or more annotators: mean pairwise exact span F1 and κ (the
    pairs' values summed in pair order, as a Python ``sum`` would: the same figures)."""
    n = len(corpus.docs)
    has = {w: _mask(corpus.done(w), n) for w in corpus.annotators}
    f1_sum, f1_count = np.zeros(n), np.zeros(n, dtype=np.int64)
    kappa_sum, kappa_count = np.zeros(n), np.zeros(n, dtype=np.int64)
    for a, b in combinations(corpus.annotators, 2):
        both = has[a] & has[b]
        for value, total, count in (
            (_per_doc_f1(corpus, a, b), f1_sum, f1_count),
            (_per_doc_kappa(corpus, a, b, n), kappa_sum, kappa_count),
        ):
            ok = both & ~np.isnan(value)
            total[ok] += value[ok]
            count += ok
    f1 = np.round(f1_sum / np.maximum(f1_count, 1), 4).tolist()
    sums, counts = kappa_sum.tolist(), kappa_count.tolist()
    kappa = [round(t / c, 4) if c else None for t, c in zip(sums, counts)]
    shared = sum(m.astype(np.int64) for m in has.values()) if has else np.zeros(n, np.int64)
    out = []
    for i in np.flatnonzero(shared >= 2).tolist():
        d = corpus.docs[i]
        out.append(
            {
                "article_id": d.article_id,
                "annotators": [w for w in corpus.annotators if has[w][i]],
                "span_f1_exact": f1[i] if f1_count[i] else None,
                "cohen_kappa": kappa[i],
            }
        )
    return out


def _mask(indexes: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros(n, dtype=bool)
    out[indexes] = True
    return out


def _per_doc_f1(corpus: Corpus, a: str, b: str) -> np.ndarray:
    """Exact span F1 per article (NaN where a or b has no full entity gold of it, or
    where neither has a span: there is nothing to agree on, which is not agreement)."""
    sa, sb = corpus.spans[a], corpus.spans[b]
    n = len(corpus.docs)
    _, ia, _ = np.intersect1d(sa["key"], sb["key"], assume_unique=True, return_indices=True)
    tp = np.bincount(sa["doc"][ia], minlength=n)
    size = np.bincount(sa["doc"], minlength=n) + np.bincount(sb["doc"], minlength=n)
    full = _mask(corpus.done(a, entities=True), n) & _mask(corpus.done(b, entities=True), n)
    with np.errstate(divide="ignore", invalid="ignore"):  # no span either side: undefined
        f1 = np.where(size == 0, NAN, 2 * tp / size)
    return np.where(full, f1, NAN)


def _per_doc_kappa(corpus: Corpus, a: str, b: str, n_docs: int) -> np.ndarray:
    """Cohen's κ per article, rounded as the report rounds (NaN: none)."""
    ta, tb = corpus.tokens[a], corpus.tokens[b]
    both = (ta >= 0) & (tb >= 0)
    doc, x, y = corpus.token_doc[both], ta[both], tb[both]
    zeros = corpus.uncovered((a, b))  # (O, O) tokens of each article beside x and y
    k = len(corpus.labels) + 1
    n = (np.bincount(doc, minlength=n_docs) + zeros).astype(float)
    same = np.bincount(doc, weights=(x == y), minlength=n_docs) + zeros
    p_o = same / np.maximum(n, 1)
    pa = np.bincount(doc * k + x, minlength=n_docs * k).reshape(n_docs, k)
    pb = np.bincount(doc * k + y, minlength=n_docs * k).reshape(n_docs, k)
    pa[:, 0] += zeros
    pb[:, 0] += zeros
    p_e = (pa * pb).sum(axis=1) / np.maximum(n, 1) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = np.where(n == 0, NAN, (p_o - p_e) / (1 - p_e))
    return np.array([NAN if math.isnan(v) else round(v, 4) for v in kappa.tolist()])


def labels_used(docs: Sequence[Doc]) -> tuple[set[str], set[str]]:
    """The entity labels and the event types of every version of ``docs``."""
    versions = [v for d in docs for v in d.versions.values()]
    spans = {s.label for v in versions for s in v.spans}
    kinds = {e.trigger.label for v in versions for e in v.events}
    return spans, kinds


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
