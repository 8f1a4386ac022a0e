"""Issue 15: bulk import and export of the 10k generated corpus, against the raw libraries
and Label Studio.

The corpus (``newsgen.bulk_corpus``): 10,000 English articles, ~410 words and ~43 entity
spans each, one Prodigy-style JSONL file. Each step runs in a child process of its own, so
its peak RSS (``ru_maxrss``) is its own:

- import the file with the spans as suggestions; import it as one annotator's gold;
- export that gold as JSONL, CoNLL and DocBin (``run_export``, as ``annotator export``),
  then JSONL and CoNLL again: the first export tokenizes every article and keeps the tokens (and
  the JSONL "tokens" lists) in the project's token cache (``annotator.io.token_cache``),
  the later ones read them; the workers read the gold from the project themselves
  (``annotator.io.export_chunks``).

Each figure is shown with the raw library doing the same work on the same data, measured
in the same run (the machine is shared: the ratio is the stable number):

- import: ``json.loads`` of every line plus sqlite-utils ``insert_all`` of the same article
  and span rows in one transaction;
- JSONL export: ``json.dumps`` of the records it wrote (parsed back);
- CoNLL and DocBin: spaCy's blank English tokenizer over the same texts.

Label Studio 1.23's figures on the same corpus and machine (issue 15: through its REST API,
import with the spans as predictions 27.9 s, JSON export 23.8 s, CoNLL 40.5 s) are printed
beside ours. Peak RSS is the process's own (VmHWM); "worker" is the largest of its worker
processes (the exports render on every core; ru_maxrss, which counts what the worker
inherited from the fork). ``BENCH_BULK_N`` changes the number of articles (the Label
Studio ratio is only meaningful at 10,000). ``BENCH_BULK_100K=1`` also exports a
100,000-article project (made from the 10k one by set-based SQL copies) and checks the
exports' memory stays < 300 MB.

Run: ``.venv/bin/python -m pytest tests/benchmarks/bench_bulk.py -m benchmark -s -p no:randomly``
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlite_utils

sys.path.insert(0, str(Path(__file__).parent))
import newsgen  # noqa: E402

N = int(os.environ.get("BENCH_BULK_N", "10000"))
LABEL_STUDIO = {
    "import suggestions": 27.9,
    "export jsonl": 23.8,
    "export jsonl again": 23.8,
    "export conll": 40.5,
    "export conll again": 40.5,
}
MEMORY_LIMIT_MB = 300

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from annotator.store import Store
what, db, arg = sys.argv[1:4]
started = time.perf_counter()
store = Store(db)
if what.startswith("import"):
    from annotator.workflows.importing import import_paths
    gold = what == "import gold"
    summary = import_paths(store, [arg], as_gold=gold, annotator="bench" if gold else "")
    count = summary.imported
    assert not summary.errors, summary.errors[:3]
else:
    from annotator.cli.export_cmd import run_export
    fmt = what.split()[1]
    report, _ = run_export(store, fmt, Path(arg), annotator="bench")
    count = sum(report.docs.values())
store.close()
seconds = time.perf_counter() - started
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the forking parent
status = Path("/proc/self/status").read_text().split("VmHWM:")[1]
peak = int(status.split()[0]) / 1024
workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "rss_mb": peak, "workers_mb": workers, "count": count}))
"""


def _child(what: str, db: Path, arg: Path) -> dict:
    res = subprocess.run(
        [sys.executable, "-c", CHILD, what, str(db), str(arg)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(res.stdout.strip().splitlines()[-1])


def _corpus(path: Path, n: int) -> list[str]:
    rng = random.Random(15)
    lines = [newsgen.bulk_jsonl_line(newsgen.bulk_article(rng, i)) for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lines


def _raw_import(lines: list[str], db: Path) -> float:
    """json.loads of every line, then sqlite-utils insert_all of the article and span rows
    (the same columns and indexes the store has) in one transaction."""
    started = time.perf_counter()
    records = [json.loads(line) for line in lines]
    parsed = time.perf_counter() - started
    articles = [
        {"id": i, "content_hash": str(hash(r["text"])), "lang": "en", "title": r["meta"]["title"],
         "text": r["text"], "meta": json.dumps(r["meta"])}
        for i, r in enumerate(records, 1)
    ]  # fmt: skip
    spans = [
        {"article_id": i, "kind": "entity", "start": s["start"], "end": s["end"],
         "label": s["label"], "source": "import", "model": "import"}
        for i, r in enumerate(records, 1) for s in r["spans"]
    ]  # fmt: skip
    raw = sqlite_utils.Database(db)
    raw.execute("PRAGMA journal_mode=WAL")
    raw["articles"].create({k: str for k in articles[0]} | {"id": int}, pk="id")
    raw["articles"].create_index(["content_hash"], unique=True)
    raw["spans"].create({k: str for k in spans[0]} | {"start": int, "end": int, "id": int}, pk="id")
    raw["spans"].create_index(["article_id"])
    started = time.perf_counter()
    with raw.atomic():
        raw["articles"].insert_all(articles, batch_size=1000)
        raw["spans"].insert_all(spans, batch_size=1000)
    raw.close()
    return parsed + time.perf_counter() - started


def _raw_dumps(exported: Path) -> float:
    records = [json.loads(line) for line in exported.open(encoding="utf-8")]
    started = time.perf_counter()
    for record in records:
        json.dumps(record, ensure_ascii=False)
    return time.perf_counter() - started


def _raw_tokenize(lines: list[str]) -> float:
    from annotator.io.tokens import blank

    texts = [json.loads(line)["text"] for line in lines]
    tokenizer = blank("en").tokenizer
    started = time.perf_counter()
    for _ in tokenizer.pipe(texts, batch_size=1000):
        pass
    return time.perf_counter() - started


def _row(what: str, got: dict, raw: float | None, raw_what: str) -> str:
    ls = LABEL_STUDIO.get(what) if N == 10_000 else None  # measured on 10k only
    ratio = f"{got['seconds'] / raw:5.1f}x {raw_what} ({raw:.2f} s)" if raw else ""
    vs_ls = f"Label Studio {ls:.1f} s = {ls / got['seconds']:.1f}x ours" if ls else ""
    return (
        f"  {what:<20} {got['seconds']:7.2f} s  peak RSS {got['rss_mb']:4.0f} MB "
        f"(worker {got['workers_mb']:3.0f})  "
        f"{ratio:<44} {vs_ls}"
    )


@pytest.mark.benchmark
def test_bench_bulk_10k_import_and_exports(tmp_path):
    source = tmp_path / "corpus.jsonl"
    lines = _corpus(source, N)
    spans = sum(line.count('"label"') for line in lines)
    raw_import = _raw_import(lines, tmp_path / "raw.db")
    results = {
        "import suggestions": _child("import suggestions", tmp_path / "s.db", source),
        "import gold": _child("import gold", tmp_path / "g.db", source),
    }
    # the first export tokenizes every article and keeps the tokens (the token cache, a
    # sidecar file); the later ones read them
    for fmt in ("jsonl", "conll", "spacy"):
        out = tmp_path / f"export.{fmt}"
        results[f"export {fmt}"] = _child(f"export {fmt}", tmp_path / "g.db", out)
    out = tmp_path / "export-again.jsonl"
    results["export jsonl again"] = _child("export jsonl", tmp_path / "g.db", out)
    out = tmp_path / "export-again.conll"
    results["export conll again"] = _child("export conll", tmp_path / "g.db", out)
    raw = {
        "import suggestions": (raw_import, "json.loads + insert_all"),
        "import gold": (raw_import, "json.loads + insert_all"),
        "export jsonl": (_raw_dumps(tmp_path / "export.jsonl"), "json.dumps"),
        "export conll": (_raw_tokenize(lines), "spaCy tokenizer"),
        "export spacy": (_raw_tokenize(lines), "spaCy tokenizer"),
    }
    raw["export jsonl again"] = raw["export jsonl"]
    raw["export conll again"] = raw["export conll"]
    print(f"\n{N:,} articles, {spans:,} spans; load {os.getloadavg()[0]:.1f} on {os.cpu_count()}")
    for what, got in results.items():
        print(_row(what, got, *raw[what]))
    project = (tmp_path / "g.db").stat().st_size / 1e6
    sidecar = (tmp_path / "g.db.tokens").stat().st_size / 1e6
    fragments = (tmp_path / "g.db.tokens.fragments").stat().st_size / 1e6
    print(
        f"  project {project:.0f} MB, token cache {sidecar:.0f} MB "
        f"+ its JSONL fragments file {fragments:.0f} MB"
    )
    for what, got in results.items():
        assert got["count"] == N, (what, got)


def _hundred_k(db: Path, copies: int) -> None:
    """The 10k gold project copied ``copies`` times by set-based SQL (texts made unique)."""
    conn = sqlite_utils.Database(db)
    top = conn.execute("SELECT max(id) FROM articles").fetchone()[0]
    with conn.atomic():
        for k in range(1, copies):
            off = k * top
            conn.execute(
                f"""INSERT INTO articles (id, content_hash, source, external_id, lang, date,
                time, title, text, meta, imported_at) SELECT id + {off}, content_hash || '-{k}',
                source, external_id, lang, date, time, title, text || ' ', meta, imported_at
                FROM articles WHERE id <= {top}"""
            )
            conn.execute(
                f"""INSERT INTO gold_spans (article_id, annotator, start, "end", label,
                created_at) SELECT article_id + {off}, annotator, start, "end", label,
                created_at FROM gold_spans WHERE article_id <= {top}"""
            )
            conn.execute(
                f"""INSERT INTO article_status (article_id, annotator, status, updated_at,
                suggestions_upto, entities) SELECT article_id + {off}, annotator, status,
                updated_at, suggestions_upto, entities FROM article_status
                WHERE article_id <= {top}"""
            )
    conn.close()


@pytest.mark.benchmark
@pytest.mark.skipif(not os.environ.get("BENCH_BULK_100K"), reason="set BENCH_BULK_100K=1")
def test_bench_bulk_100k_exports_memory_flat(tmp_path):
    source = tmp_path / "corpus.jsonl"
    _corpus(source, 10_000)
    db = tmp_path / "g.db"
    _child("import gold", db, source)
    _hundred_k(db, 10)
    print()
    for fmt in ("conll", "spacy"):  # JSONL: the same streaming as CoNLL, 4 GB of output
        got = _child(f"export {fmt}", db, tmp_path / f"export.{fmt}")
        print(f"  100,000 articles, export {fmt}: {got['seconds']:.1f} s, peak RSS "
              f"{got['rss_mb']:.0f} MB (worker {got['workers_mb']:.0f} MB)")  # fmt: skip
        assert got["count"] == 100_000
        assert got["rss_mb"] < MEMORY_LIMIT_MB
        assert got["workers_mb"] < MEMORY_LIMIT_MB
