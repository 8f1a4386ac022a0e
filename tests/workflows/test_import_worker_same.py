"""A large JSONL file is read and checked by a worker process (import_reader) while the
import stores: the summary (imported, duplicates, every error line with file:line and its
reason, skipped lines, cleaned spans, detected languages) and the project's rows are the
ones the sequential read gives, and a stopped import or a killed worker leaves whole
batches and no process behind."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sys
from pathlib import Path

import pytest

from annotator.store import Store
from annotator.workflows import import_reader, importing
from annotator.workflows.importing import import_paths

WORDS = "Tokayev met Putin in Astana on Monday and they talked about grain and oil".split()


def _line(i: int) -> str:
    body = " ".join(WORDS[(i + k) % len(WORDS)] for k in range(40))
    text = f"Report {i}\n\nTokayev said: {body}."
    spans = [{"start": text.index("Tokayev"), "end": text.index("Tokayev") + 7, "label": "PER"}]
    record = {"text": text, "meta": {"title": f"Report {i}", "lang": "en"}, "spans": spans}
    if i % 50 == 3:  # whitespace at the edge: trimmed as a suggestion, refused as gold
        record["spans"] = [{"start": 6, "end": 9, "label": "NUM"}, *spans]
    if i % 97 == 5:  # no language: detected (in the worker)
        del record["meta"]["lang"]
    if i % 120 == 7:
        record["answer"] = "ignore"
    return json.dumps(record)


def _corpus(path: Path, n: int = 700) -> None:
    lines = [_line(i) for i in range(n)]
    lines[210] = lines[210][:-15]  # invalid JSON
    lines[333] = json.dumps({"text": "Bad span", "spans": [{"start": 0, "end": 99, "label": "X"}]})
    lines[400] = lines[12]  # the same text again: a duplicate
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _run(tmp_path: Path, name: str, parallel: bool, monkeypatch, **how):
    source = tmp_path / "corpus.jsonl"
    if not source.exists():
        _corpus(source)
    monkeypatch.setattr(import_reader, "PARALLEL_BYTES", 0 if parallel else 1 << 40)
    started = []
    real = import_reader.read_checked

    def watched(*args, **kwargs):
        started.append(True)
        return real(*args, **kwargs)

    monkeypatch.setattr(import_reader, "read_checked", watched)
    store = Store(tmp_path / f"{name}.db")
    summary = import_paths(store, [source], **how)
    assert bool(started) == parallel
    rows = {
        table: store.db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
        for table in ("suggestions", "gold_spans", "article_status")
    }
    rows["articles"] = store.db.execute(
        "SELECT id, content_hash, source, external_id, lang, title, meta FROM articles"
    ).fetchall()
    store.close()
    return summary, rows


def _stamps_out(rows: dict) -> dict:
    """Rows without their time stamps (each run has its own)."""
    out = {}
    for table, found in rows.items():
        out[table] = [
            tuple(v for v in row if not (isinstance(v, str) and v[:2] == "20" and "T" in v))
            for row in found
        ]
    return out


@pytest.mark.parametrize(
    "how",
    [{}, {"as_gold": True, "annotator": "ann"}, {"as_gold": True, "annotator": "ann",
                                                 "trim_spans": True}],
    ids=["suggestions", "gold", "gold-trimmed"],
)  # fmt: skip
def test_the_worker_reads_what_the_sequential_read_reads(tmp_path, monkeypatch, how):
    seq, seq_rows = _run(tmp_path, "seq", False, monkeypatch, **how)
    par, par_rows = _run(tmp_path, "par", True, monkeypatch, **how)
    assert [str(e) for e in par.errors] == [str(e) for e in seq.errors]
    assert [str(s) for s in par.skipped] == [str(s) for s in seq.skipped]
    for field in ("imported", "duplicates", "gold", "cleaned", "detected", "article_ids"):
        assert getattr(par, field) == getattr(seq, field), field
    assert _stamps_out(par_rows) == _stamps_out(seq_rows)
    # the file holds what the test is about
    lines = [(e.line, e.reason.split(":")[0]) for e in seq.errors]
    assert (211, "invalid JSON") in lines and any(n == 334 for n, _ in lines)
    assert seq.duplicates == 1 and len(seq.skipped) == 6 and sum(seq.detected.values()) == 8
    if how.get("trim_spans") or not how:
        assert seq.cleaned["trimmed"] == 14
    else:  # gold with whitespace at a span's edge is refused, naming the line
        assert sum("has whitespace at its edge" in e.reason for e in seq.errors) == 14
    assert not multiprocessing.active_children()


def test_a_stopped_import_ends_its_worker_and_keeps_whole_batches(tmp_path, monkeypatch):
    source = tmp_path / "corpus.jsonl"
    _corpus(source, 3 * importing.BATCH)
    monkeypatch.setattr(import_reader, "PARALLEL_BYTES", 0)
    store = Store(tmp_path / "p.db")
    asked = []  # asked before the file, then after each stored batch: stop after the first

    def stop() -> bool:
        asked.append(True)
        return len(asked) > 1

    summary = import_paths(store, [source], should_stop=stop)
    assert summary.stopped
    # the one batch stored before it asked (one of its records is a duplicate)
    assert store.count_articles() == summary.imported == importing.BATCH - 1
    assert not multiprocessing.active_children()
    store.close()


KILLED_BATCHES = 20
START_METHODS = ["spawn", *(["fork"] if sys.platform.startswith("linux") else [])]


@pytest.mark.parametrize("start", START_METHODS)
def test_a_killed_worker_is_one_error_and_the_records_before_it_stay(tmp_path, monkeypatch, start):
    """A worker spawned (the window's process) or forked (the command line on Linux).
    The file is long enough that the worker is still reading when it is killed (with six
    batches it sometimes had read the whole file already, and no error was due)."""
    source = tmp_path / "corpus.jsonl"
    _corpus(source, KILLED_BATCHES * importing.BATCH)
    monkeypatch.setattr(import_reader, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(import_reader, "START", start)
    killed = []

    def kill_the_worker() -> bool:
        for child in multiprocessing.active_children():
            if not killed:
                os.kill(child.pid, signal.SIGKILL)
                killed.append(child.pid)
        return False

    store = Store(tmp_path / "p.db")
    summary = import_paths(store, [source], should_stop=kill_the_worker)
    assert killed
    assert "the process reading this file stopped" in str(summary.errors[-1])
    assert "corpus.jsonl" in str(summary.errors[-1])
    stored = store.count_articles()
    assert importing.BATCH <= stored < KILLED_BATCHES * importing.BATCH - 10
    assert stored == summary.imported
    # importing the file again adds the rest (records already stored are known by text)
    monkeypatch.setattr(import_reader, "PARALLEL_BYTES", 1 << 40)
    again = import_paths(store, [source])
    assert again.duplicates == stored + 1  # line 401 repeats line 13
    assert store.count_articles() == stored + again.imported
    assert not multiprocessing.active_children()
    store.close()


def _same(tmp_path: Path, monkeypatch, source: Path) -> None:
    results = []
    for parallel in (False, True):
        monkeypatch.setattr(import_reader, "PARALLEL_BYTES", 0 if parallel else 1 << 40)
        store = Store(tmp_path / f"{parallel}.db")
        summary = import_paths(store, [source])
        texts = store.db.execute("SELECT id, content_hash FROM articles ORDER BY id").fetchall()
        sugg = store.db.execute("SELECT article_id, start, label FROM suggestions").fetchall()
        results.append(([str(e) for e in summary.errors], summary.imported, texts, sugg))
        store.close()
    assert results[0] == results[1]
    assert results[0][1] > 0


def test_blocks_of_blank_lines_keep_the_order(tmp_path, monkeypatch):
    """A whole block of the file (CHUNK lines) blank: no worker sends it, the blocks after
    it still come in the file's order."""
    source = tmp_path / "gaps.jsonl"
    lines = [_line(i) for i in range(900)]
    lines[150:650] = [""] * 500  # blocks 1 and 2 (lines 201-600) have no record
    lines[700] = "{not json"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _same(tmp_path, monkeypatch, source)


def test_a_label_studio_array_is_read_by_one_worker(tmp_path, monkeypatch):
    source = tmp_path / "tasks.json"
    texts = [json.loads(_line(i))["text"] for i in range(450)]
    tasks = [{"data": {"text": text}, "annotations": []} for text in texts]
    tasks[222] = {"data": {"text": 5}}
    source.write_text(json.dumps(tasks), encoding="utf-8")
    _same(tmp_path, monkeypatch, source)
