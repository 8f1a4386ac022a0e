"""A bulk import's reading workers (annotator.workflows.import_reader) are forked where that
is safe, spawned elsewhere, and a forked worker reads what a spawned one and the sequential
read read: the same summary, error lines and rows; a killed forked worker is one error
line and the batches before it stay. Their pipes hold a whole chunk (Linux).

(Under pytest, pytest-qt has loaded PySide6, so an import chooses spawn: the forked path is
forced here with ``import_reader.START``.)"""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from annotator.store import Store
from annotator.workflows import import_reader, importing
from annotator.workflows.importing import import_paths

LINUX = sys.platform.startswith("linux")


def _corpus(path: Path, n: int) -> None:
    lines = []
    for i in range(n):
        text = f"Report {i}\n\nTokayev met Putin in Astana on day {i} of the talks."
        spans = [
            {"start": (at := text.index(name)), "end": at + len(name), "label": "PER"}
            for name in ("Tokayev", "Putin")
        ]
        if i % 50 == 3:  # whitespace at the edge: trimmed as a suggestion, refused as gold
            spans.append({"start": 6, "end": 9, "label": "NUM"})
        lines.append(json.dumps({"text": text, "meta": {"lang": "en"}, "spans": spans}))
    lines[210] = lines[210][:-15]  # invalid JSON
    lines[400] = lines[12]  # a duplicate
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _run(tmp_path: Path, name: str, start: str | None, monkeypatch, **how) -> tuple:
    source = tmp_path / "corpus.jsonl"
    if not source.exists():
        _corpus(source, 900)
    monkeypatch.setattr(import_reader, "PARALLEL_BYTES", 1 << 40 if start is None else 0)
    monkeypatch.setattr(import_reader, "START", start)
    methods = []
    real = import_reader.get_context

    def seen(method: str):  # the context the workers were started with
        methods.append(method)
        return real(method)

    monkeypatch.setattr(import_reader, "get_context", seen)
    store = Store(tmp_path / f"{name}.db")
    summary = import_paths(store, [source], **how)
    assert methods == ([] if start is None else [start])
    rows = {
        table: store.db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
        for table in ("suggestions", "gold_spans", "article_status", "decisions")
    }
    rows["articles"] = store.db.execute(
        "SELECT id, content_hash, lang, title, text, meta FROM articles ORDER BY id"
    ).fetchall()
    store.close()
    stamped = {  # without the time stamps (each run has its own)
        table: [tuple(v for v in r if not (isinstance(v, str) and v[:2] == "20")) for r in found]
        for table, found in rows.items()
    }
    errors = [str(e) for e in summary.errors]
    counts = (summary.imported, summary.duplicates, summary.gold, summary.cleaned)
    return errors, counts, stamped


@pytest.mark.skipif(not LINUX, reason="workers are forked on Linux only")
@pytest.mark.parametrize(
    "how", [{}, {"as_gold": True, "annotator": "ann"}], ids=["suggestions", "gold"]
)
def test_forked_spawned_and_sequential_reads_store_the_same(tmp_path, monkeypatch, how):
    seq = _run(tmp_path, "seq", None, monkeypatch, **how)
    forked = _run(tmp_path, "fork", "fork", monkeypatch, **how)
    spawned = _run(tmp_path, "spawn", "spawn", monkeypatch, **how)
    assert forked == seq
    assert spawned == seq
    errors, (imported, duplicates, _, _), rows = seq
    assert any(":211" in e and "invalid JSON" in e for e in errors)
    refused = 18 if how else 0  # gold with whitespace at a span's edge (every 50th)
    assert imported == 898 - refused and duplicates == 1
    assert sum("whitespace at its edge" in e for e in errors) == refused
    assert len(rows["suggestions" if not how else "gold_spans"]) > 1500
    assert not multiprocessing.active_children()


def test_workers_are_forked_only_on_a_main_thread_without_qt(monkeypatch):
    monkeypatch.setattr(import_reader, "START", None)
    assert "PySide6" in sys.modules  # pytest-qt: as in the window's process
    assert import_reader.start_method() == "spawn"
    monkeypatch.delitem(sys.modules, "PySide6")
    assert import_reader.start_method() == ("fork" if LINUX else "spawn")
    chosen = []
    thread = threading.Thread(target=lambda: chosen.append(import_reader.start_method()))
    thread.start()
    thread.join()
    assert chosen == ["spawn"]  # e.g. an import job on a QThread
    # a command-line process, with a Python thread running (tqdm's monitor of a progress bar)
    code = (
        "import threading, time; threading.Thread(target=time.sleep, args=(2,), daemon=True)"
        ".start(); from annotator.workflows import import_reader as r; print(r.start_method())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ("fork" if LINUX else "spawn")


@pytest.mark.skipif(not LINUX, reason="F_SETPIPE_SZ is Linux's")
def test_a_workers_pipe_holds_a_whole_chunk():
    here, there = multiprocessing.Pipe(duplex=False)
    import fcntl

    F_GETPIPE_SZ = 1032
    before = fcntl.fcntl(here.fileno(), F_GETPIPE_SZ)
    import_reader._widen(here)
    assert fcntl.fcntl(here.fileno(), F_GETPIPE_SZ) >= import_reader.PIPE_BYTES > before
    here.close()
    there.close()


@pytest.mark.parametrize("frozen_before", [False, True])
def test_the_heap_is_frozen_while_the_workers_read(tmp_path, monkeypatch, frozen_before):
    """The importing process's heap so far is out of the collector's full collections
    while a file is read by workers (and unfrozen after, unless it was frozen before)."""
    import gc

    source = tmp_path / "corpus.jsonl"
    _corpus(source, 450)
    monkeypatch.setattr(import_reader, "PARALLEL_BYTES", 0)
    seen, calls = [], []
    real = importing._Batch.add

    def add(self, doc):
        # get_freeze_count walks the frozen heap (millions of objects in a full test run):
        # asked at the first, a middle and the last document only
        if len(calls) in (0, 224, 448):
            seen.append(gc.get_freeze_count())
        calls.append(1)
        real(self, doc)

    monkeypatch.setattr(importing._Batch, "add", add)
    if frozen_before:
        gc.freeze()
    try:
        store = Store(tmp_path / "p.db")
        summary = import_paths(store, [source])
        store.close()
        assert summary.imported == 448
        assert len(calls) == 449 and len(seen) == 3 and min(seen) > 0
        assert (gc.get_freeze_count() > 0) == frozen_before
    finally:
        gc.unfreeze()
