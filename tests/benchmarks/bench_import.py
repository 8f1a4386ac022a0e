"""Import 100,000 generated articles vs a raw sqlite-utils insert of the same rows.

Run with ``make bench`` (or ``pytest tests/benchmarks/bench_import.py -m benchmark -s``).
Goal: annotator import <= 2x the raw insert. ``ANNOTATOR_BENCH_N`` changes the count.
"""

from __future__ import annotations

import os
import random
import time

import pytest
import sqlite_utils

from annotator.core.text import content_hash
from annotator.io import reader
from annotator.store import Store
from annotator.workflows.importing import import_paths

N = int(os.environ.get("ANNOTATOR_BENCH_N", "100000"))
WORDS = (
    "the president minister met talks agreement trade billion cooperation region "
    "Astana Almaty Kazakhstan government investment project signed visit economic"
).split()


def _article(i: int, rng: random.Random) -> str:
    body = [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 90))).capitalize() + "."
        for _ in range(rng.randint(3, 6))
    ]
    parts = [f" date 2025-{1 + i % 12:02d}-{1 + i % 28:02d} EN", f"    Article {i} title", "",
             "    13:45, 22 April 2025", ""]
    for j, para in enumerate(body):
        parts += [f"    {para}", ""]
        if j == 1:
            parts += ["    Caption of a photo", "    Photo credit: Agency", ""]
    parts += ["    Tag1 Tag2 Tag3", "    Author Name", "    Author Name", "    Автор", ""]
    return "\n".join(parts)


@pytest.mark.benchmark
def test_bench_import_vs_raw_sqlite_utils(tmp_path):
    rng = random.Random(7)
    folder = tmp_path / "corpus"
    for k in range(0, N, 1000):
        sub = folder / f"{k // 1000:03d}"
        sub.mkdir(parents=True)
        for i in range(k, min(k + 1000, N)):
            (sub / f"{i:06d}.txt").write_text(_article(i, rng), encoding="utf-8")

    t0 = time.perf_counter()
    with Store(tmp_path / "annotator.db") as store:
        summary = import_paths(store, [folder])
    ours = time.perf_counter() - t0
    assert summary.imported == N and not summary.errors

    # the same parsed rows, parsed outside the timing, inserted raw
    files, _ = reader.collect_files([folder])
    docs = [d for f in files for d in reader.read_file(f)]
    rows = [
        {"content_hash": content_hash(d.text), "source": d.source, "lang": d.lang,
         "date": d.date, "time": d.time, "title": d.title, "text": d.text,
         "meta": str(d.meta)}
        for d in docs
    ]
    raw_db = sqlite_utils.Database(tmp_path / "raw.db")
    raw_db.execute("PRAGMA journal_mode=WAL")
    t2 = time.perf_counter()
    with raw_db.atomic():
        raw_db["articles"].insert_all(rows, batch_size=1000)
    raw = time.perf_counter() - t2
    t3 = time.perf_counter()
    for f in files:
        list(reader.read_file(f))
    parse_only = time.perf_counter() - t3
    print(
        f"\nimport {N:,} articles: annotator {ours:.2f}s ({N / ours:,.0f}/s); "
        f"raw sqlite-utils insert of the parsed rows {raw:.2f}s; reading+parsing alone "
        f"{parse_only:.2f}s; ratio annotator/raw insert {ours / raw:.2f}x, "
        f"annotator/(parse + raw insert) {ours / (parse_only + raw):.2f}x (goal <= 2x)"
    )
