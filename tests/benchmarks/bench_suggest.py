"""``annotator suggest`` vs raw ``nlp.pipe`` on the same texts and model, and 2 processes.

Run with ``make bench`` (or ``pytest tests/benchmarks/bench_suggest.py -m benchmark -s``).
Goals: the suggest code path (store reads, suggest_texts, add_suggestions per batch) runs at
>= 0.9x the words/s of raw ``nlp.pipe`` with the same components; ``--n-process 2`` is
>= 1.7x faster than one process. ``ANNOTATOR_BENCH_N`` changes the article count (2,000).
The machine has 2 cores and may be shared: the load average is printed with the figures.
"""

from __future__ import annotations

import os
import time

import pytest

from annotator.core.models import ParsedDoc
from annotator.core.paths import datasets_dir
from annotator.store import Store
from annotator.suggest import load_pipeline
from annotator.workflows.importing import import_paths
from annotator.workflows.suggesting import plan_suggest, suggest_pending

N = int(os.environ.get("ANNOTATOR_BENCH_N", "2000"))
BATCH = 32


def _english_texts(n: int) -> list[str]:
    """n distinct English articles: corpus texts with their paragraphs rotated."""
    with Store() as store:
        import_paths(store, [datasets_dir()])
        corpus = [t for _, lang, t in store.pending_for_model("-", "-") if lang == "en"]
    texts = []
    for k in range(n):
        paragraphs = corpus[k % len(corpus)].split("\n\n")
        turn = (k // len(corpus)) % len(paragraphs)
        body = paragraphs[1:][turn:] + paragraphs[1:][:turn]
        texts.append("\n\n".join([paragraphs[0], *body, f"Edition {k}."]))
    return texts


def _words(texts: list[str]) -> int:
    return sum(len(t.split()) for t in texts)


def _raw(nlp, texts: list[str], n_process: int) -> tuple[float, int]:
    t0 = time.perf_counter()
    ents = sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=BATCH, n_process=n_process))
    return time.perf_counter() - t0, ents


def _ours(tmp_path, name: str, texts: list[str], pipeline, n_process: int) -> tuple[float, int]:
    with Store(tmp_path / f"{name}.db") as store:
        store.add_docs([ParsedDoc(text=t, lang="en", source=str(i)) for i, t in enumerate(texts)])
        t0 = time.perf_counter()
        summary = suggest_pending(
            store,
            plan_suggest(store),
            batch_size=BATCH,
            n_process=n_process,
            loader=lambda spec, **kw: pipeline,  # loaded once, outside the timing
        )
        elapsed = time.perf_counter() - t0
    assert summary.articles == len(texts) and not summary.interrupted
    return elapsed, summary.suggestions


@pytest.mark.benchmark
def test_bench_suggest_vs_raw_nlp_pipe(tmp_path):
    texts = _english_texts(N)
    words = _words(texts)
    pipeline = load_pipeline("en")  # entities only: the components `annotator suggest` runs
    load_before = os.getloadavg()[0]
    raw1, ents1 = _raw(pipeline.nlp, texts, 1)
    ours1, sugg1 = _ours(tmp_path, "one", texts, pipeline, 1)
    ours2, sugg2 = _ours(tmp_path, "two", texts, pipeline, 2)
    raw2, ents2 = _raw(pipeline.nlp, texts, 2)
    load_after = os.getloadavg()[0]
    assert ents1 == sugg1 == sugg2 == ents2  # same work: every entity became a suggestion

    def rate(seconds: float) -> str:
        return f"{words / seconds:,.0f} words/s ({seconds:.1f}s)"

    print(
        f"\nsuggest {N:,} English articles, {words:,} words, {pipeline.model} "
        f"{pipeline.version}, components {'+'.join(pipeline.components)}, batch {BATCH}, "
        f"load average {load_before:.2f} -> {load_after:.2f} on {os.cpu_count()} cores\n"
        f"  raw nlp.pipe, 1 process:       {rate(raw1)}\n"
        f"  annotator suggest, 1 process:  {rate(ours1)}  -> {raw1 / ours1:.2f}x raw "
        f"(goal >= 0.9x)\n"
        f"  annotator suggest, 2 processes: {rate(ours2)} -> {ours1 / ours2:.2f}x one process "
        f"(goal >= 1.7x)\n"
        f"  raw nlp.pipe, 2 processes:     {rate(raw2)}  -> {raw1 / raw2:.2f}x one process; "
        f"annotator suggest at {raw2 / ours2:.2f}x raw\n"
        f"  {sugg1:,} suggestions"
    )
    assert raw1 / ours1 >= 0.9
