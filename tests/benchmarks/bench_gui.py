"""How fast the window answers: a keystroke to the repaint, switching articles, a big project.

Run with ``make bench`` (or ``pytest tests/benchmarks/bench_gui.py -m benchmark -s``).
Goals (issue 4): switching to a 5,000-word article with 500 spans < 50 ms; opening a
100,000-article project to the first painted list < 1.5 s and < 400 MB RSS. Issue 13:
key -> saved and repainted median < 16 ms and p95 < 33 ms, article switch median < 30 ms,
quiet and with a CPU hog (printed, with the key's phases and the main thread's CPU time:
on a shared machine the CPU time says what the code costs, the wall time what it felt
like).
``ANNOTATOR_BENCH_N`` changes the article count of the big project.
"""

from __future__ import annotations

import gc
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
from paint_clock import PaintClock, wait_painted
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest

from annotator.core.models import ParsedDoc, Span, Suggestion
from annotator.gui.app import application, create_window
from annotator.gui.prefs import Preferences
from annotator.store import Store

N = int(os.environ.get("ANNOTATOR_BENCH_N", "100000"))
ROOT = Path(__file__).resolve().parents[2]
WORDS = (
    "the president minister met talks agreement trade billion cooperation region Astana "
    "Almaty Kazakhstan government investment project signed visit economic Tokayev"
).split()
LABELS = ("PERSON", "ORG", "GPE", "DATE", "MONEY")


def _long_article(seed: int, words: int = 5000, spans: int = 500) -> tuple[ParsedDoc, list]:
    rng = random.Random(seed)
    paras, text_words = [], 0
    while text_words < words:
        n = rng.randint(60, 120)
        paras.append(" ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + ".")
        text_words += n
    title = f"Long article {seed}"
    text = title + "\n\n" + "\n\n".join(paras)
    starts = [i for i in range(1, len(text)) if text[i - 1] == " " and text[i] != " "]
    picked = sorted(rng.sample(starts, spans))
    found = []
    for s in picked:
        e = text.find(" ", s)
        e = len(text) if e < 0 else e
        if "\n" not in text[s:e]:
            found.append(
                Suggestion(Span(s, e, rng.choice(LABELS)), model="bench", model_version="1")
            )
    return ParsedDoc(text=text, title=title, lang="en", source=f"{seed}.txt"), found


def _window(store: Store, tmp_path: Path):  # noqa: ANN202
    application()
    window = create_window(
        store,
        "bench",
        settings=QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat),
        prefs=Preferences(path=tmp_path / "p.json"),
        service_factory=None,
    )
    window.resize(1366, 768)
    window.show()
    QTest.qWaitForWindowExposed(window)
    window.activateWindow()
    gc.freeze()  # as annotator.gui.app.run does once the window is up
    return window


def _wait_paint(clock: PaintClock, since: float, timeout: float = 2.0) -> float:
    return wait_painted(clock, since, timeout)


def _hog() -> subprocess.Popen:
    """A CPU hog beside the window (the machine has 2 cores): a busy shell loop."""
    return subprocess.Popen(["sh", "-c", "while :; do :; done"])


def _measure(window, store, clock, keys: int = 40) -> dict[str, list[float]]:
    """Wall time of article switches and keys, and of a key's phases: the store's
    transaction (``Controller._apply``: SQL and the commit's sync to disk), the rest of
    the key's handling (controller and views), and the paint; and the main thread's CPU
    time (what the hog does not change)."""
    c = window.controller
    switches, switch_cpu = [], []
    for k in range(20):
        t0, cpu = time.perf_counter(), time.thread_time()
        c.open_article(1 + k % 2)
        switches.append(_wait_paint(clock, t0))
        switch_cpu.append(time.thread_time() - cpu)
    window.text.setFocus()
    saving: list[float] = []
    apply = c._apply

    def timed_apply(*args):  # noqa: ANN002, ANN202
        t = time.perf_counter()
        try:
            return apply(*args)
        finally:
            saving.append(time.perf_counter() - t)

    c._apply = timed_apply  # the stacks look it up at each push
    out: dict[str, list[float]] = {"store": [], "handle": [], "paint": [], "key_cpu": []}
    presses, statements = [], []
    try:
        for _ in range(keys):
            trace: list[str] = []
            store.db.conn.set_trace_callback(trace.append)
            t0, cpu = time.perf_counter(), time.thread_time()
            QTest.keyClick(window.text, Qt.Key.Key_A)
            handled = time.perf_counter() - t0
            presses.append(_wait_paint(clock, t0))
            out["key_cpu"].append(time.thread_time() - cpu)
            store.db.conn.set_trace_callback(None)
            out["store"].append(saving[-1])
            out["handle"].append(handled - saving[-1])
            out["paint"].append(presses[-1] - handled)
            # statements our code issued (a trigger's work is reported as a repeat of its
            # statement); reads for the article list row are counted apart from the decision
            top = [x for n, x in enumerate(trace) if n == 0 or x != trace[n - 1]]
            statements.append(sum(1 for x in top if x.split()[0] in ("INSERT", "UPDATE", "DELETE")))
    finally:
        del c._apply
    return {
        **out,
        "switch": switches[2:],
        "switch_cpu": switch_cpu[2:],
        "key": presses,
        "statements": statements,
    }


def _ms(values: list[float]) -> str:
    v = sorted(values)
    p95 = v[min(len(v) - 1, int(round(0.95 * (len(v) - 1))))]
    return f"median {statistics.median(v) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


@pytest.mark.benchmark
def test_bench_gui_keystroke_to_repaint_and_article_switch(tmp_path):
    """Issue 13's aims: key -> committed and repainted median < 16 ms, p95 < 33 ms; <= 4
    SQL statements per decision; article switch median < 30 ms; quiet and with a hog."""
    store = Store(tmp_path / "long.db")
    docs = [_long_article(seed) for seed in (1, 2)]
    store.add_docs([d for d, _ in docs])
    store.add_suggestions([(i + 1, s) for i, (_, s) in enumerate(docs)], "bench", "1")
    window = _window(store, tmp_path)
    clock = PaintClock(window.text.viewport())
    c = window.controller
    c.open_article(1)
    words = len(c.article.text.split())
    shown = len(window.text.highlighter._spans)
    quiet = _measure(window, store, clock)
    hog = _hog()
    try:
        loaded = _measure(window, store, clock)
    finally:
        hog.kill()
        hog.wait()
    accepted = len(store.gold_spans(1, "bench")) + len(store.gold_spans(2, "bench"))
    window.close()
    store.close()
    for name, m in (("quiet", quiet), ("with a CPU hog", loaded)):
        print(f"\n{name}: article switch ({words} words, {shown} spans): {_ms(m['switch'])}")
        print(f"{name}:   main-thread CPU per switch: {_ms(m['switch_cpu'])}")
        print(f"{name}: keystroke A -> saved and repainted: {_ms(m['key'])}")
        print(f"{name}:   main-thread CPU per key: {_ms(m['key_cpu'])}")
        phases = ", ".join(
            f"{label} {statistics.median(m[k]) * 1000:.1f}"
            for k, label in (("store", "store"), ("handle", "controller+views"), ("paint", "paint"))
        )
        print(f"{name}:   key phases (median ms): {phases}")
        print(f"{name}: SQL write statements per decision: max {max(m['statements'])}")
    assert accepted == 80
    assert max(quiet["statements"] + loaded["statements"]) <= 4


def _big_project(path: Path, n: int) -> None:
    rng = random.Random(3)
    with Store(path) as store:
        for k in range(0, n, 10_000):
            docs = []
            for i in range(k, min(k + 10_000, n)):
                body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(60, 140)))
                title = f"Article {i}: " + " ".join(rng.choice(WORDS) for _ in range(6))
                docs.append(
                    ParsedDoc(
                        text=f"{title}\n\n{body}.",
                        title=title,
                        lang="en",
                        date=f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
                    )
                )
            store.add_docs(docs)


OPEN_SCRIPT = r"""
import os, sys, time, json
t0 = time.perf_counter()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from pathlib import Path
from PySide6.QtCore import QEvent, QObject, QSettings
from annotator.gui.app import application, create_window
from annotator.gui.prefs import Preferences
from annotator.store import Store

class Clock(QObject):
    at = 0.0
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not self.at:
            self.at = time.perf_counter()
        return False

app = application()
tmp = Path(sys.argv[2])
store = Store(sys.argv[1])
settings = QSettings(str(tmp / "w.ini"), QSettings.Format.IniFormat)
settings.setValue("window/list_hidden", False)  # offscreen is narrow: the list would start hidden
window = create_window(store, "bench",
    settings=settings,
    prefs=Preferences(path=tmp / "p.json"))
clock = Clock()
window.list_pane.table.viewport().installEventFilter(clock)
window.controller.start()
window.show()
while not clock.at:
    app.processEvents()
rss = int(next(l for l in open("/proc/self/status") if l.startswith("VmRSS")).split()[1])
rows = window.list_model.rowCount()
window.close()
print(json.dumps({"first_paint_s": clock.at - t0, "rss_mb": rss / 1024, "rows": rows}))
"""


@pytest.mark.benchmark
def test_bench_gui_open_a_100k_article_project(tmp_path):
    db = tmp_path / "big.db"
    t0 = time.perf_counter()
    _big_project(db, N)
    print(f"\ngenerated {N} articles in {time.perf_counter() - t0:.1f} s")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    runs = []
    for _ in range(3):  # the first run also pays for a cold page cache
        out = subprocess.run(
            [sys.executable, "-c", OPEN_SCRIPT, str(db), str(tmp_path)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=120,
        )
        assert out.returncode == 0, out.stderr
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    for r in runs:
        print(
            f"open {r['rows']} articles -> first painted list: {r['first_paint_s']:.2f} s "
            f"(process start, Qt import included), RSS {r['rss_mb']:.0f} MB"
        )
    best = min(r["first_paint_s"] for r in runs)
    assert runs[0]["rows"] == N
    assert best < 1.5
    assert max(r["rss_mb"] for r in runs) < 400
