from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotator.store import Store
from annotator.workflows import importing


def _snapshot(store: Store) -> list[tuple]:
    return [
        (a.title, a.lang, a.date)
        for a in (store.get_article(r.id) for r in store.list_articles("x"))
    ]


def test_importing_parallel_reading_gives_the_same_result_in_the_same_order(
    monkeypatch, corpus_dir, tmp_path
):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00garbage" * 10)
    serial = Store()
    s1 = importing.import_paths(serial, [corpus_dir, bad])
    monkeypatch.setattr(importing, "PARALLEL_FROM", 1)
    parallel = Store()
    s2 = importing.import_paths(parallel, [corpus_dir, bad])
    assert (s1.imported, s1.duplicates, [str(e) for e in s1.errors]) == (
        s2.imported,
        s2.duplicates,
        [str(e) for e in s2.errors],
    )
    assert s1.imported >= 30 and len(s1.errors) == 1
    assert _snapshot(serial) == _snapshot(parallel)


def test_importing_a_failing_file_leaves_nothing_behind(tmp_path):
    good = tmp_path / "a.jsonl"
    good.write_text('{"text": "Astana", "spans": [{"start": 0, "end": 99, "label": "GPE"}]}\n')
    store = Store()
    summary = importing.import_paths(store, [good])
    assert summary.imported == 0 and summary.failed == 1
    assert "past the end" in str(summary.errors[0]) or "99" in str(summary.errors[0])
    assert store.count_articles() == 0


def test_importing_stops_between_files_and_keeps_what_it_read(monkeypatch, corpus_dir):
    monkeypatch.setattr(importing, "PARALLEL_FROM", 1)  # also through the process pool
    store = Store()
    seen = []
    summary = importing.import_paths(
        store,
        sorted(corpus_dir.glob("*.txt")),
        on_file=seen.append,
        should_stop=lambda: len(seen) >= 3,
    )
    assert summary.stopped and summary.files == 3 and summary.imported == 3
    assert store.count_articles() == 3


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its exit status is left to collect


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_importing_sigkilled_import_takes_its_pool_workers_with_it(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(importing.PARALLEL_FROM + 3000):
        (folder / f"{i:05}.txt").write_text(f"Title {i}\n\nBody of article {i}.\n")
    annotator = Path(sys.executable).with_name("annotator")
    proc = subprocess.Popen(
        [str(annotator), "import", str(folder), "--db", str(tmp_path / "p.db")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
        workers = [c for c in _children(proc.pid) if "spawn" in _cmdline(c)]
        time.sleep(0.05)
    assert len(workers) >= 2, "the import did not start its worker pool"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    deadline = time.monotonic() + 5
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [w for w in workers if _alive(w)]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""
