"""Agreement over 10,000 generated articles with 3 annotators, and the store read behind
the window's review mode (3 annotators' versions of one article with 500 spans each).

Run with ``pytest tests/benchmarks/bench_agreement.py -m benchmark -s``; with a CPU hog
beside it: ``timeout 120 sh -c 'while :; do :; done' &`` first.
Goals (issue 11): agreement under 10 s; opening an article in review mode under 50 ms.
"""

from __future__ import annotations

import random
import resource
import time

import pytest

from annotator.core import commands as cmd
from annotator.core.adjudication import Version
from annotator.core.agreement import Doc, agreement
from annotator.core.models import Argument, Event, ParsedDoc, Span
from annotator.store import Store
from annotator.store.team import adjudication

WORDS = (
    "the President of Kazakhstan met with delegation in Astana on Monday and discussed "
    "trade turnover which reached billion dollars last year according to ministry"
).split()
LABELS = ("PERSON", "ORG", "GPE", "DATE", "MONEY", "NORP")


def _article(rng: random.Random, words: int = 420, spans: int = 40) -> tuple[str, list[Span]]:
    tokens = [rng.choice(WORDS) for _ in range(words)]
    starts, pos = [], 0
    for t in tokens:
        starts.append(pos)
        pos += len(t) + 1
    text = " ".join(tokens)
    picked = sorted(rng.sample(range(0, words - 3, 3), spans))
    gold = []
    for i in picked:
        n = rng.randint(1, 2)
        gold.append(Span(starts[i], starts[i + n - 1] + len(tokens[i + n - 1]), rng.choice(LABELS)))
    return text, gold


def _vary(rng: random.Random, spans: list[Span], rate: float = 0.1) -> list[Span]:
    out = []
    for s in spans:
        r = rng.random()
        if r < rate / 3:
            continue  # missed
        if r < 2 * rate / 3:
            out.append(Span(s.start, s.end, rng.choice(LABELS)))  # another label
        elif r < rate:
            out.append(Span(s.start, s.end + 1, s.label))  # another boundary
        else:
            out.append(s)
    return out


def _events(spans: list[Span]) -> tuple[Event, ...]:
    return tuple(
        Event(Span(s.start, s.end, "Meet"), (Argument("Participant", t),))
        for s, t in zip(spans[0:9:3], spans[1:10:3])
    )


def generate(n: int, seed: int = 1) -> list[Doc]:
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        text, gold = _article(rng)
        versions = {}
        for who in ("alice", "bob", "carol"):
            spans = gold if who == "alice" else _vary(rng, gold)
            versions[who] = Version(tuple(spans), _events(spans), "done")
        docs.append(Doc(i + 1, text, versions))
    return docs


@pytest.mark.benchmark
def test_bench_agreement_10000_articles_3_annotators_under_10_s():
    docs = generate(10_000)
    start = time.perf_counter()
    report = agreement(docs, ["alice", "bob", "carol"])
    took = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    o = report["overall"]
    print(
        f"\nagreement over {len(docs):,} articles, 3 annotators: {took:.2f} s, "
        f"peak RSS {rss:.0f} MB; Fleiss κ {o['fleiss_kappa']}, α {o['alpha_nominal']}, "
        f"α_U {o['alpha_unitizing']}, mean span F1 {o['mean_span_f1_exact']}"
    )
    assert took < 10


@pytest.mark.benchmark
def test_bench_agreement_review_mode_read_of_3_versions_of_500_spans(tmp_path):
    rng = random.Random(3)
    text, gold = _article(rng, words=5000, spans=500)
    with Store(tmp_path / "review.db") as store:
        (added,) = store.add_docs([ParsedDoc(text, lang="en")])
        aid = added.article_id
        for who in ("alice", "bob", "carol"):
            spans = gold if who == "alice" else _vary(rng, gold)
            store.apply(aid, who, cmd.Command("add", tuple(cmd.add_span(s) for s in spans)))
        times = []
        for _ in range(20):
            start = time.perf_counter()
            result = adjudication(store, aid)
            times.append(time.perf_counter() - start)
    times.sort()
    median, worst = times[len(times) // 2] * 1000, times[-1] * 1000
    print(
        f"\nreview mode read (3 versions × ~500 spans, agreed set and disagreements): "
        f"median {median:.1f} ms, worst {worst:.1f} ms; {len(result.agreed_spans)} agreed, "
        f"{len(result.disagreements)} disagreements"
    )
    assert median < 50
