"""Train the learned trigger model on the bundled event gold and write its weights.

    python -m annotator.suggest.trigger_train         # writes resources/events/trigger_model.json
    python -m annotator.suggest.trigger_train --cv    # nested leave-one-split-out table only

Needs scikit-learn (``pip install -e '.[train-args]'``); the app itself does not. Training
reads only the gold of ``arg_train.SPLITS`` through ``arg_train.gold_lines`` (the reserved
articles are never read) and is deterministic: the same gold, spaCy model and code give the
same file.

The threshold is chosen by leave-one-split-out cross-validation: each split's candidates are
scored by a model trained on the others, and the threshold is the one with the best pooled
trigger-classification F1 of lexicon + model whose pooled precision is no lower than the
lexicon's alone. ``--cv`` reports an honest (nested) estimate: for each held-out split the
threshold is chosen the same way on the other splits only, and the argument model (trained
on the other splits as ``arg_train`` trains it) fills the arguments of both trigger sets.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.evaluate import Score, evaluate
from annotator.core.models import Event
from annotator.suggest import arg_model as am
from annotator.suggest import arg_train as at
from annotator.suggest import trigger_model as tm

C_GATE = 0.3  # inverse L2 strength of the gate (is it a trigger)
C_TYPE = 1.0  # and of the type model (few examples, each type's words differ)
MIN_COUNT = 2  # features seen fewer times are left out
THRESHOLDS = tuple(round(0.20 + 0.05 * k, 2) for k in range(15))  # 0.20 .. 0.90
NEVER = 1.01  # add nothing
ROUND = 5
NONE = ""


@dataclass
class Article:
    split: str
    doc: object  # the parsed spaCy Doc
    cands: list[tuple[int, list[str]]]  # (token index, features)
    labels: list[str]  # the gold type of each candidate ("" none)
    gold: list[Event]
    # frozenset of added (token, type) -> the rules' events with them (rule arguments)
    cache: dict = field(default_factory=dict)


def collect(lines: Sequence[dict], nlp=None, suggester=None) -> list[Article]:  # noqa: ANN001
    """Parse every article, run the lexicon, list the candidates with their gold types."""
    from annotator.suggest.events import EventSuggester, _Run

    nlp = nlp or at._nlp()
    suggester = suggester or EventSuggester(arg_model=None, trigger_model=None)
    out = []
    for d in lines:
        doc = nlp(d["text"])
        run = _Run(suggester.schema, doc)
        found = run.candidates(suggester._phrases, suggester._lexicon)
        cands = tm.candidates(run, found, suggester.schema.light_verbs)
        gold = [Event.from_dict(e) for e in d["events"]]
        ends = {e.trigger.end: e.type for e in gold}
        idx, text = run.parse.idx, run.parse.text
        labels = [ends.get(idx[i] + len(text[i]), NONE) for i, _ in cands]
        out.append(Article(d["meta"]["split"], doc, cands, labels, gold))
    return out


# -- fitting ----------------------------------------------------------------------------------


def _matrix(samples: Sequence[list[str]]):  # noqa: ANN202
    from scipy.sparse import csr_matrix

    counts = Counter(f for feats in samples for f in set(feats))
    index: dict[str, int] = {}
    rows, cols = [], []
    for n, feats in enumerate(samples):
        for f in sorted(set(feats)):
            if counts[f] >= MIN_COUNT:
                cols.append(index.setdefault(f, len(index)))
                rows.append(n)
    x = csr_matrix(([1.0] * len(rows), (rows, cols)), shape=(len(samples), len(index)))
    return x, sorted(index, key=index.get)


def _weights(names: list[str], coef) -> dict[str, float]:  # noqa: ANN001
    out = {f: round(float(w), ROUND) for f, w in zip(names, coef, strict=True)}
    return dict(sorted((f, w) for f, w in out.items() if w != 0.0))


def fit(arts: Sequence[Article], threshold: float = 0.5) -> tm.TriggerModel:
    """The gate on every candidate, the type model on the triggers among them."""
    from sklearn.linear_model import LogisticRegression

    feats = [f for a in arts for _, f in a.cands]
    labels = [y for a in arts for y in a.labels]
    x, names = _matrix(feats)
    gate = LogisticRegression(C=C_GATE, solver="liblinear", random_state=0, intercept_scaling=10)
    gate.fit(x, [int(y != NONE) for y in labels])
    gate_lin = am.Linear(
        _weights(names, gate.coef_[0]), round(float(gate.intercept_[0]), ROUND), threshold
    )
    pos = [(f, y) for f, y in zip(feats, labels, strict=True) if y != NONE]
    xt, tnames = _matrix([f for f, _ in pos])
    kinds = sorted({y for _, y in pos})
    types = {}
    if len(kinds) == 1:
        types[kinds[0]] = am.Linear({}, 0.0, 0.0)
    else:
        clf = LogisticRegression(C=C_TYPE, solver="lbfgs", max_iter=2000, random_state=0)
        clf.fit(xt, [y for _, y in pos])
        rows = clf.coef_ if len(kinds) > 2 else [-clf.coef_[0], clf.coef_[0]]
        biases = clf.intercept_ if len(kinds) > 2 else [-clf.intercept_[0], clf.intercept_[0]]
        for name, row, bias in zip(clf.classes_, rows, biases, strict=True):
            types[str(name)] = am.Linear(_weights(tnames, row), round(float(bias), ROUND), 0.0)
    return tm.TriggerModel(gate_lin, types, threshold, {})


def predict(model: tm.TriggerModel, art: Article) -> list[tuple[str, float]]:
    """(best type, gate x type probability) of each candidate (gate below every threshold:
    no type)."""
    out = []
    low = tm.TriggerModel(model.gate, model.types, min(THRESHOLDS), model.meta)
    for _, feats in art.cands:
        out.append(low.best(feats))
    return out


# -- scoring ----------------------------------------------------------------------------------


def added(art: Article, probs: Sequence[tuple[str, float]], threshold: float) -> dict:
    """(token, type) -> probability of the candidates at or above the threshold."""
    return {
        (i, name): p
        for (i, _), (name, p) in zip(art.cands, probs, strict=True)
        if name and p >= threshold
    }


def pairs_of(art: Article, extra: dict, suggester):  # noqa: ANN001, ANN201
    """The run and the rules' pairs with the extra triggers (cached by the extra set)."""
    key = frozenset(extra)
    found = art.cache.get(key)
    if found is None:
        found = art.cache[key] = suggester.rule_pairs(art.doc, added=dict(extra))
    return found


def events(art: Article, extra: dict, suggester, arg: am.ArgModel | None = None) -> list[Event]:  # noqa: ANN001
    from annotator.suggest.events import _unique

    run, pairs = pairs_of(art, extra, suggester)
    if arg is not None:
        pairs = am.apply(run, pairs, arg)
    return [s.as_event() for s in _unique([s for _, s in pairs])]


def report(
    arts: Sequence[Article],
    extras: Sequence[dict],
    suggester,  # noqa: ANN001
    arg: am.ArgModel | None = None,
) -> tuple[Score, Score]:
    """Pooled (trigger classification, argument classification) over the articles."""
    pairs = []
    for art, extra in zip(arts, extras, strict=True):
        pairs.append((([], events(art, extra, suggester, arg)), ([], art.gold)))
    ev = evaluate(pairs).events
    return ev["trigger_classification"], ev["argument_classification"]


def out_of_fold(arts: Sequence[Article], splits: Sequence[str]) -> dict[int, list]:
    """Article index -> trigger probabilities from models trained without its split."""
    return at.out_of_fold(arts, splits, fit, predict)


def choose_threshold(arts: Sequence[Article], probs: dict[int, list], suggester) -> float:  # noqa: ANN001
    """The threshold with the best pooled TC F1 whose pooled precision is no lower than the
    lexicon's alone (1.01: add nothing)."""
    sel = sorted(probs)
    subset = [arts[n] for n in sel]
    lexicon, _ = report(subset, [{}] * len(subset), suggester)
    best, best_f1 = NEVER, lexicon.f1
    for t in THRESHOLDS:
        extras = [added(arts[n], probs[n], t) for n in sel]
        tc, _ = report(subset, extras, suggester)
        if tc.precision >= lexicon.precision and tc.f1 > best_f1 + 1e-9:
            best, best_f1 = t, tc.f1
    return best


def train(arts: Sequence[Article], suggester) -> tm.TriggerModel:  # noqa: ANN001
    """The shipped model: fitted on every split, the threshold from leave-one-split-out CV."""
    threshold = choose_threshold(arts, out_of_fold(arts, at.SPLITS), suggester)
    model = fit(arts, threshold)
    meta = {
        "trained_on": list(at.SPLITS),
        "articles": len(arts),
        "candidates": sum(len(a.cands) for a in arts),
        "triggers": sum(y != NONE for a in arts for y in a.labels),
        "C_gate": C_GATE,
        "C_type": C_TYPE,
    }
    return tm.TriggerModel(model.gate, model.types, threshold, meta)


def to_json(model: tm.TriggerModel) -> str:
    return json.dumps(model.to_dict(), indent=0, ensure_ascii=False, sort_keys=False) + "\n"


# -- nested cross-validation ------------------------------------------------------------------


@dataclass
class Row:
    split: str
    threshold: float
    tc: tuple[Score, Score]  # lexicon, lexicon + model
    ac: tuple[Score, Score]  # (rules + arg model) on each trigger set
    added: int


def _arg_articles(arts: Sequence[Article], suggester) -> list[at.Article]:  # noqa: ANN001
    """``arg_train``'s view of the articles (lexicon triggers), from the parsed docs."""
    out = []
    for a in arts:
        run, pairs = pairs_of(a, {}, suggester)
        found, kept = am.examine(run, pairs, None)
        labels = at._labels(pairs, [(c.event, c.role, c.span) for c in found], a.gold)
        args = [(k.event, k.argument.role, k.argument.span) for k in kept]
        kept_labels = at._labels(pairs, args, a.gold)
        out.append(at.Article(a.split, pairs, found, labels, kept, kept_labels, a.gold))
    return out


def cross_validate(arts: Sequence[Article], suggester, with_args: bool = True) -> list[Row]:  # noqa: ANN001
    rows = []
    arg_arts = _arg_articles(arts, suggester) if with_args else []
    for held in at.SPLITS:
        inner = [s for s in at.SPLITS if s != held]
        train_arts = [a for a in arts if a.split in inner]
        t = choose_threshold(train_arts, out_of_fold(train_arts, inner), suggester)
        model = fit(train_arts, t)
        test = [a for a in arts if a.split == held]
        extras = [added(a, predict(model, a), t) for a in test]
        arg = None
        if with_args:
            arg_train = [a for a in arg_arts if a.split in inner]
            add, keep = at.choose_thresholds(arg_train, at.out_of_fold(arg_train, inner))
            arg = at.fit(arg_train, add, keep)
        before = report(test, [{}] * len(test), suggester, arg)
        after = report(test, extras, suggester, arg)
        n = sum(len(e) for e in extras)
        rows.append(Row(held, t, (before[0], after[0]), (before[1], after[1]), n))
    return rows


def _fmt(s: Score) -> str:
    return f"{s.precision:.3f} / {s.recall:.3f} / {s.f1:.3f}"


def _pool(scores: Sequence[Score]) -> Score:
    return Score(
        sum(s.tp for s in scores), sum(s.predicted for s in scores), sum(s.gold for s in scores)
    )


def print_cv(rows: Sequence[Row]) -> None:
    print(
        "| held-out split | TC lexicon | TC lexicon + model | AC before | AC after "
        "| threshold | added |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r.split} | {_fmt(r.tc[0])} | {_fmt(r.tc[1])} | {_fmt(r.ac[0])} "
            f"| {_fmt(r.ac[1])} | {r.threshold:.2f} | {r.added} |"
        )
    for name, group in (("new-style", at.NEW_STYLE), ("all", at.SPLITS)):
        sel = [r for r in rows if r.split in group]
        cells = [_fmt(_pool([getattr(r, k)[j] for r in sel])) for k in ("tc", "ac") for j in (0, 1)]
        print(f"| {name} (pooled) | {' | '.join(cells)} | | {sum(r.added for r in sel)} |")


def main(argv: Sequence[str] | None = None) -> int:
    from annotator.suggest.events import EventSuggester

    ap = argparse.ArgumentParser(
        prog="python -m annotator.suggest.trigger_train", description=__doc__
    )
    ap.add_argument("--cv", action="store_true", help="print the cross-validation table only")
    ap.add_argument("--no-args", action="store_true", help="--cv without the argument model")
    ap.add_argument("--out", type=Path, default=tm.default_path(), help="where to write the model")
    args = ap.parse_args(argv)
    suggester = EventSuggester(arg_model=None, trigger_model=None)
    arts = collect(at.gold_lines(), suggester=suggester)
    if args.cv:
        print_cv(cross_validate(arts, suggester, with_args=not args.no_args))
        return 0
    model = train(arts, suggester)
    args.out.write_text(to_json(model), encoding="utf-8")
    print(f"wrote {args.out}: threshold {model.threshold}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
