"""Event agreement at the ACE levels of :mod:`annotator.core.evaluate` (trigger
identification and classification; argument identification, classification, and with
the trigger), over a whole :class:`~annotator.core.agreement.Corpus` at once: every
annotator's events become integer rows (article, offsets, type and role codes), equal
rows of two annotators share an id, and a multiset match is a minimum of two counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain
from operator import attrgetter
from typing import TYPE_CHECKING

import numpy as np

from annotator.core.evaluate import EVENT_METRICS, Score

if TYPE_CHECKING:
    from annotator.core.agreement import Corpus

_START, _END, _LABEL = attrgetter("start"), attrgetter("end"), attrgetter("label")


EventKeys = dict[str, tuple[np.ndarray, np.ndarray]]  # level → (article index, key id)
_TRIGGER, _ARGUMENTS, _SPAN, _ROLE = (
    attrgetter("trigger"),
    attrgetter("arguments"),
    attrgetter("span"),
    attrgetter("role"),
)


def _codes(names: Iterable[str], table: dict[str, int]) -> np.ndarray:
    """An integer per name, the same for equal names (``table`` grows)."""
    names = list(names)
    for name in set(names):
        table.setdefault(name, len(table))
    return np.fromiter(map(table.__getitem__, names), np.int64, len(names))


def _event_rows(corpus: Corpus, who: str, table: dict[str, int]) -> list[np.ndarray]:
    """``who``'s events of the corpus as integer rows, one matrix per ACE level
    (evaluate.py's keys with the article index in front): triggers (article, start, end),
    with the type; arguments (article, start, end, type), with the role, with the
    trigger's start and end. Built by C-level maps: a Python loop per event is seconds."""
    docs = corpus.done(who)
    lists = [corpus.docs[i].versions[who].events for i in docs.tolist()]
    events = list(chain.from_iterable(lists))
    triggers = list(map(_TRIGGER, events))
    n = len(events)
    doc = np.repeat(docs, np.fromiter(map(len, lists), np.int64, len(lists)))
    start = np.fromiter(map(_START, triggers), np.int64, n)
    end = np.fromiter(map(_END, triggers), np.int64, n)
    kind = _codes(map(_LABEL, triggers), table)
    arg_lists = list(map(_ARGUMENTS, events))
    args = list(chain.from_iterable(arg_lists))
    spans = list(map(_SPAN, args))
    of = np.repeat(np.arange(n), np.fromiter(map(len, arg_lists), np.int64, n))
    a_start = np.fromiter(map(_START, spans), np.int64, len(args))
    a_end = np.fromiter(map(_END, spans), np.int64, len(args))
    role = _codes(map(_ROLE, args), table)
    if corpus.label is not None:  # only events of this type
        keep = kind == table.setdefault(corpus.label, len(table))
        doc, start, end, kind = doc[keep], start[keep], end[keep], kind[keep]
        a_keep = keep[of]
        a_start, a_end, role = a_start[a_keep], a_end[a_keep], role[a_keep]
        of = (np.cumsum(keep) - 1)[of[a_keep]]
    a_base = [doc[of], a_start, a_end, kind[of]]
    return [
        np.column_stack([doc, start, end]),
        np.column_stack([doc, start, end, kind]),
        np.column_stack(a_base),
        np.column_stack([*a_base, role]),
        np.column_stack([*a_base, role, start[of], end[of]]),
    ]


def _row_ids(rows: np.ndarray) -> tuple[np.ndarray, int]:
    """An id per row of an integer matrix, equal for equal rows; and how many ids."""
    if not len(rows):
        return np.zeros(0, dtype=np.int64), 0
    order = np.lexsort(rows.T[::-1])
    ordered = rows[order]
    new = np.r_[True, (ordered[1:] != ordered[:-1]).any(axis=1)]
    ids = np.empty(len(rows), dtype=np.int64)
    ids[order] = np.cumsum(new) - 1
    return ids, int(new.sum())


def event_keys(corpus: Corpus) -> tuple[dict[str, EventKeys], dict[str, int]]:
    """Per annotator and ACE level, their events of the corpus as (article index, key id):
    equal keys of two annotators share an id, so one multiset match over the corpus is
    the sum of the per-article matches. Also how many ids each level has."""
    table: dict[str, int] = {}
    rows = {w: _event_rows(corpus, w, table) for w in corpus.annotators}
    keys: dict[str, EventKeys] = {w: {} for w in corpus.annotators}
    sizes = {}
    for i, (level, _) in enumerate(EVENT_METRICS):
        mats = [rows[w][i] for w in corpus.annotators]
        ids, sizes[level] = _row_ids(np.vstack(mats) if mats else np.zeros((0, 3), np.int64))
        cuts = np.cumsum([len(m) for m in mats])[:-1]
        for w, m, part in zip(corpus.annotators, mats, np.split(ids, cuts)):
            keys[w][level] = (m[:, 0], part)
    return keys, sizes


def event_report(corpus: Corpus, a: str, b: str, docs: np.ndarray) -> dict[str, Score]:
    """evaluate.match of a's keys against b's on the articles ``docs``, as counts."""
    mask = np.zeros(len(corpus.docs), dtype=bool)
    mask[docs] = True
    out = {}
    for level, _ in EVENT_METRICS:
        n = corpus.event_ids[level]
        (doc_a, ids_a), (doc_b, ids_b) = corpus.event_keys[a][level], corpus.event_keys[b][level]
        ids_a, ids_b = ids_a[mask[doc_a]], ids_b[mask[doc_b]]
        tp = np.minimum(np.bincount(ids_a, minlength=n), np.bincount(ids_b, minlength=n))
        out[level] = Score(int(tp.sum()), int(ids_a.size), int(ids_b.size))
    return out
