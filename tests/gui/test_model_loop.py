"""The model loop in the window: train in the background, re-suggest, most useful next."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest

from annotator.core.models import ParsedDoc, Span
from annotator.store import Store
from annotator.store.models import models

NAMES = ["Aliya Nurlanova", "Daniyar Seitkali", "Marat Ospanov", "Gulnara Abenova"]
CITIES = ["Astana", "Almaty", "Shymkent", "Aktobe", "Karaganda", "Taraz"]


def _docs(n: int, offset: int = 0) -> list[ParsedDoc]:
    out = []
    for i in range(offset, offset + n):
        name, city = NAMES[i % len(NAMES)], CITIES[i % len(CITIES)]
        text = f"{name} visited {city} on day {i}.\n\nThe visit of {name} was short."
        at = text.index(city)
        spans = [Span(0, len(name), "PERSON"), Span(at, at + len(city), "GPE")]
        out.append(ParsedDoc(text, title=f"Visit {i}", lang="en", spans=spans, source=f"{i}"))
    return out


def test_model_loop_trains_in_the_background_and_resuggests(make_window, tmp_path, qtbot):
    store = Store(tmp_path / "p.db")
    store.add_docs(_docs(30), as_gold=True, annotator="tester")
    store.add_docs([ParsedDoc(d.text, lang="en", source="new") for d in _docs(4, offset=100)])
    w = make_window(store, "tester", worker=False)
    w.model_loop.base, w.model_loop.max_steps = "blank", 60
    w.text.setFocus()
    ticks: list[float] = []  # the GUI thread's event loop, sampled while training runs
    clock = QTimer(w, interval=20)
    clock.timeout.connect(lambda: ticks.append(time.perf_counter()))
    clock.start()
    with qtbot.waitSignal(w.model_loop.trained, timeout=240_000) as blocker:
        QTest.keyClick(w.text, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier
                       | Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
        assert w.model_loop.busy  # training runs in its own thread: the window goes on
        QTest.keyClick(w.text, Qt.Key.Key_N)
    clock.stop()
    # never frozen: the event loop ran all along (training the 60 steps takes seconds; a
    # window waiting on it would show one gap as long as the whole training)
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    assert len(ticks) > 20 and max(gaps) < 1.0, (len(ticks), max(gaps, default=None))
    result = blocker.args[0]
    assert (result.name, result.version) == ("trained-en", "1")
    assert [m.key for m in models(store)] == ["trained-en@1"]
    assert "Trained trained-en@1" in w.statusBar().currentMessage()
    unfinished = store.db.execute(
        "SELECT count(DISTINCT r.article_id) FROM suggestion_runs r WHERE r.model = 'trained-en'"
    ).fetchone()[0]
    assert unfinished == 4  # the articles nobody finished got the new model's suggestions
    # most useful next needs a second model on them: none here, and it says so
    QTest.keyClick(w.text, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    assert "No unfinished article has suggestions from both models" in (
        w.statusBar().currentMessage()
    )
    store.close()
