"""How fast the events list answers: a keystroke in it to the repaint of the text.

Run with ``pytest tests/benchmarks/bench_gui_events.py -m benchmark -s``. A 5,000-word
article with 500 entity suggestions and 150 event suggestions (3 arguments each): every
accepted event rebuilds both review lists from the store, the events list model and the
text's event layer.
"""

from __future__ import annotations

import random
import statistics
import time

import pytest
from paint_clock import PaintClock, wait_painted
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest

from annotator.core.models import EVENT, Argument, ParsedDoc, Span, Suggestion
from annotator.gui.app import application, create_window
from annotator.gui.prefs import Preferences
from annotator.store import Store

WORDS = "the minister met talks trade billion region Astana Kazakhstan signed visit".split()
ATTRS = (("Modality", "actual"), ("Negation", False))


def _article(rng: random.Random) -> tuple[ParsedDoc, list[Suggestion]]:
    paras = [" ".join(rng.choice(WORDS) for _ in range(100)) + "." for _ in range(50)]
    text = "Events bench\n\n" + "\n\n".join(paras)
    starts = [i for i in range(1, len(text)) if text[i - 1] == " " and text[i] != " "]
    spans = []
    for s in sorted(rng.sample(starts, 650)):
        e = text.find(" ", s)
        if e > s and "\n" not in text[s:e]:
            spans.append(Span(s, e, "PERSON"))
    entities = [Suggestion(s) for s in spans[:500]]
    events = []
    for k in range(500, len(spans) - 3, 1):
        if len(events) == 150:
            break
        trigger = Span(spans[k].start, spans[k].end, "Meet")
        args = tuple(Argument("Participant", spans[(k * 7 + j) % 500]) for j in range(3))
        events.append(Suggestion(trigger, EVENT, args, ATTRS))
    doc = ParsedDoc(text=text, title="Events bench", lang="en", source="bench.txt")
    return doc, entities + events


def _wait_paint(clock: PaintClock, since: float, timeout: float = 2.0) -> float:
    return wait_painted(clock, since, timeout)


@pytest.mark.benchmark
def test_bench_gui_events_keystroke_to_repaint(tmp_path):
    store = Store(tmp_path / "events.db")
    doc, suggestions = _article(random.Random(5))
    store.add_docs([doc])
    store.add_suggestions([(1, suggestions)], "bench", "1")
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
    window.controller.start()
    clock = PaintClock(window.review_panel.event_table.viewport())  # every key changes it
    window.text.setFocus()
    QTest.keyClick(window.text, Qt.Key.Key_Tab)
    timings: dict[str, list[float]] = {}
    plain, shift = Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier
    # J walks the rows; A accepts the pending event and moves on to the next pending one;
    # Shift+N accepts it negated and stays there, then toggles the gold event
    for name, key, mods in (
        ("J", Qt.Key.Key_J, plain),
        ("A", Qt.Key.Key_A, plain),
        ("Shift+N", Qt.Key.Key_N, shift),
    ):
        for _ in range(40):
            t0 = time.perf_counter()
            QTest.keyClick(window.text, key, mods)
            timings.setdefault(name, []).append(_wait_paint(clock, t0))
    gold = len(store.gold_events(1, "bench"))
    rows = window.review_panel.event_model.rowCount()
    window.close()
    store.close()
    print(f"\n{rows} event rows, {gold} gold events at the end")
    for name, values in timings.items():
        v = sorted(values)
        print(f"{name:8} -> repaint: median {statistics.median(v) * 1000:.1f} ms, "
              f"max {v[-1] * 1000:.1f} ms")  # fmt: skip
    assert gold == 41
    assert statistics.median(timings["A"]) < 0.1
