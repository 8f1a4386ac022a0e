"""A bulk JSONL import stores whole batches (issue 15): killed with SIGKILL in the middle,
the project holds whole batches of articles, each with all its suggestions or gold, and a
broken line in the middle is one error naming file:line while every other record lands."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotator.core.text import content_hash
from annotator.store import Store
from annotator.workflows import importing
from annotator.workflows.importing import import_paths

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
import newsgen  # noqa: E402

N = importing.BATCH * 8


def _corpus(path: Path, n: int, broken_at: int | None = None) -> dict[str, int]:
    """Write ``n`` records (one broken line at ``broken_at``); span counts by text hash."""
    docs = newsgen.bulk_corpus(n, seed=9)
    lines = [newsgen.bulk_jsonl_line(d) for d in docs]
    if broken_at is not None:
        lines[broken_at - 1] = lines[broken_at - 1][:-20]  # cut off: invalid JSON
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {
        content_hash(d.text): len(set(d.spans)) for i, d in enumerate(docs, 1) if i != broken_at
    }


def _count(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.1)
        try:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


@pytest.mark.slow
@pytest.mark.parametrize("gold", [False, True], ids=["suggestions", "gold"])
def test_a_sigkilled_import_leaves_whole_batches(tmp_path, gold):
    source, db = tmp_path / "corpus.jsonl", tmp_path / "p.db"
    spans = _corpus(source, N)
    cmd = [str(Path(sys.executable).with_name("annotator")), "import", str(source), "--db", str(db)]
    if gold:
        cmd += ["--as-gold", "--annotator", "ann"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while _count(db) < importing.BATCH and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the import ended before it could be killed"
    with Store(db) as store:
        stored = store.db.execute("SELECT id, content_hash FROM articles").fetchall()
        assert stored and len(stored) < N and len(stored) % importing.BATCH == 0
        table = "gold_spans" if gold else "suggestions"
        counts = dict(
            store.db.execute(f"SELECT article_id, count(*) FROM {table} GROUP BY article_id")
        )
        for aid, h in stored:
            assert counts.get(aid, 0) == spans[h], aid
        if gold:
            done = store.db.execute("SELECT count(*) FROM article_status WHERE status='done'")
            assert done.fetchone()[0] == len(stored)


def test_a_broken_line_in_the_middle_is_one_error_and_the_rest_lands(tmp_path):
    source = tmp_path / "corpus.jsonl"
    broken = importing.BATCH + 7
    spans = _corpus(source, importing.BATCH * 2 + 5, broken_at=broken)
    store = Store(tmp_path / "p.db")
    summary = import_paths(store, [source])
    assert [(e.line, e.reason.split(":")[0]) for e in summary.errors] == [(broken, "invalid JSON")]
    assert summary.errors[0].source.endswith("corpus.jsonl")
    stored = dict(store.db.execute("SELECT content_hash, id FROM articles").fetchall())
    assert stored.keys() == spans.keys()
    counts = dict(store.db.execute("SELECT article_id, count(*) FROM suggestions GROUP BY 1"))
    assert all(counts[stored[h]] == n for h, n in spans.items())
    store.close()
