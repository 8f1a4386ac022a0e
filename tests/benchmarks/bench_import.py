"""Import 100,000 generated articles vs a raw sqlite-utils insert of the same rows.

Run with ``make bench`` (or ``pytest tests/benchmarks/bench_import.py -m benchmark -s``).
Goal: annotator import <= 2x the raw insert. ``ANNOTATOR_BENCH_N`` changes the count.
"""

from __future__ import annotations

import json
import os
import random
import time

import pytest
import sqlite_utils
from newsgen import write_big_jsonl

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
    parts = [
        f" date 2025-{1 + i % 12:02d}-{1 + i % 28:02d} EN",
        f"    Article {i} title",
        "",
        "    13:45, 22 April 2025",
        "",
    ]
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

    # the same parsed rows: once through Store.add_docs, once raw through sqlite-utils
    t1 = time.perf_counter()
    files, _ = reader.collect_files([folder])
    docs = [d for f in files for d in reader.read_file(f)]
    parse_only = time.perf_counter() - t1
    t2 = time.perf_counter()
    with Store(tmp_path / "store_only.db") as store:
        for k in range(0, len(docs), 500):
            store.add_docs(docs[k : k + 500])
    store_only = time.perf_counter() - t2
    rows = [
        {
            "content_hash": content_hash(d.text),
            "source": d.source,
            "external_id": d.external_id,
            "lang": d.lang,
            "date": d.date,
            "time": d.time,
            "title": d.title,
            "text": d.text,
            "meta": json.dumps(d.meta, ensure_ascii=False),
        }
        for d in docs
    ]
    raw_db = sqlite_utils.Database(tmp_path / "raw.db")
    raw_db.execute("PRAGMA journal_mode=WAL")
    raw_db.execute("PRAGMA synchronous=NORMAL")
    # the same table and unique content-hash index annotator needs to skip duplicates
    raw_db["articles"].create({k: str for k in rows[0]} | {"id": int}, pk="id")
    raw_db["articles"].create_index(["content_hash"], unique=True)
    t3 = time.perf_counter()
    with raw_db.atomic():
        raw_db["articles"].insert_all(rows, batch_size=1000)
    raw = time.perf_counter() - t3
    print(
        f"\nimport {N:,} article files end to end: {ours:.2f}s ({N / ours:,.0f}/s), of which "
        f"reading + parsing the files alone takes {parse_only:.2f}s.\n"
        f"storing the parsed articles: Store.add_docs {store_only:.2f}s vs raw sqlite-utils "
        f"insert_all of the same rows (same table and unique hash index) {raw:.2f}s: "
        f"ratio {store_only / raw:.2f}x (goal <= 2x); "
        f"end to end vs (parse + raw insert): {ours / (parse_only + raw):.2f}x"
    )


JSONL_N = int(os.environ.get("ANNOTATOR_BENCH_JSONL_N", "100000"))

RSS_SCRIPT = r"""
import resource, sys, time
from annotator.store import Store
from annotator.workflows.importing import import_paths
t0 = time.perf_counter()
store = Store(sys.argv[1])
summary = import_paths(store, [sys.argv[2]], fmt="jsonl", as_gold=True, annotator="bench")
store.close()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{summary.imported} {time.perf_counter() - t0:.1f} {peak:.0f}")
"""


@pytest.mark.benchmark
def test_bench_import_a_big_jsonl_with_flat_memory(tmp_path):
    """Issue 14: one JSONL file of 100,000 articles (~40 spans each) imported as gold with
    peak memory under 300 MB (records are streamed; the size limit is per record)."""
    import subprocess
    import sys

    path = tmp_path / "big.jsonl"
    write_big_jsonl(path, JSONL_N, meta={"lang": "en"})
    size_mb = path.stat().st_size / 1e6
    res = subprocess.run(
        [sys.executable, "-c", RSS_SCRIPT, str(tmp_path / "p.db"), str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    imported, seconds, peak = res.stdout.split()
    print(f"\nimport of one {size_mb:.0f} MB JSONL, {JSONL_N} articles x ~42 spans as gold: "
          f"{seconds} s, peak RSS {peak} MB")  # fmt: skip
    assert int(imported) == JSONL_N
    assert float(peak) < 300
