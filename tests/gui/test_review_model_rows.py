"""The review list follows a decision with the smallest signals (changed rows in place,
added or removed rows inserted or removed, never a reset within one article), and after
any sequence its cells are exactly those of a list built afresh."""

from __future__ import annotations

import random

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QMainWindow, QSplitter, QWidget

from annotator.core.labels import load_labels
from annotator.core.models import Span, Suggestion
from annotator.core.review import Review
from annotator.core.schema import load_schema
from annotator.gui.app import stylesheet
from annotator.gui.review_panel import ReviewModel, ReviewPanel
from annotator.gui.styles import SpanStyles

LABELS = load_labels()
NAMES = [label.name for label in LABELS.labels[:6]]
TEXT = " ".join(f"w{i:03d}" for i in range(200))
ROLES = [
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.DecorationRole,
    Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.FontRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.BackgroundRole,
]


def _review(states: dict[int, str], gold: set[tuple[int, str]]) -> Review:
    """Suggestions on words (state per word: pending, accepted, rejected) and gold spans."""
    sugg = [
        (Suggestion(Span(5 * w, 5 * w + 4, NAMES[w % 6]), model="m", id=w + 1), state)
        for w, state in sorted(states.items())
    ]
    spans = [Span(5 * w, 5 * w + 4, label) for w, label in sorted(gold)]
    return Review(1, TEXT, sugg, spans)


def _cells(model: ReviewModel) -> list:
    out = []
    for row in range(model.rowCount()):
        for col in range(model.columnCount()):
            index = model.index(row, col)
            values = [index.data(role) for role in ROLES]
            font = values[3]
            values[3] = None if font is None else font.strikeOut()
            out.append(values)
    return out


class _Signals:
    def __init__(self, model: ReviewModel) -> None:
        self.log: list[tuple] = []
        model.modelReset.connect(lambda: self.log.append(("reset",)))
        model.dataChanged.connect(lambda a, b: self.log.append(("changed", a.row(), b.row())))
        model.rowsInserted.connect(lambda _, a, b: self.log.append(("inserted", a, b)))
        model.rowsRemoved.connect(lambda _, a, b: self.log.append(("removed", a, b)))


def test_review_model_rows_accept_changes_one_row_and_add_inserts_one(qtmodeltester):
    model = ReviewModel(SpanStyles(LABELS))
    states = {w: "pending" for w in range(0, 40, 2)}
    model.set_review(_review(states, set()))
    qtmodeltester.check(model)
    signals = _Signals(model)
    model.set_review(_review({**states, 10: "accepted"}, {(10, NAMES[10 % 6])}))
    assert signals.log == [("changed", 5, 5)]
    signals.log.clear()
    model.set_review(_review({**states, 10: "accepted"}, {(10, NAMES[4]), (11, "GPE")}))
    assert signals.log == [("inserted", 6, 6)]
    signals.log.clear()
    model.set_review(_review(states, set()))
    assert ("reset",) not in signals.log and ("removed", 6, 6) in signals.log
    assert _cells(model) == _cells(_fresh(_review(states, set())))


def _fresh(review: Review) -> ReviewModel:
    model = ReviewModel(SpanStyles(LABELS))
    model.set_review(review)
    return model


def test_review_model_rows_random_decisions_equal_a_fresh_list(qtmodeltester):
    rng = random.Random(7)
    states = {w: "pending" for w in rng.sample(range(200), 60)}
    gold: set[tuple[int, str]] = set()
    model = ReviewModel(SpanStyles(LABELS))
    model.set_review(_review(states, gold))
    signals = _Signals(model)
    for step in range(150):
        word = rng.choice(sorted(states))
        kind = rng.choice(["accept", "reject", "undo", "add", "delete", "relabel"])
        if kind == "accept":
            states[word] = "accepted"
            gold.add((word, NAMES[word % 6]))
        elif kind == "reject":
            states[word] = "rejected"
        elif kind == "undo":
            states[word] = "pending"
            gold.discard((word, NAMES[word % 6]))
        elif kind == "add":
            gold.add((rng.randrange(200), rng.choice(NAMES)))
        elif gold and kind == "delete":
            gold.discard(rng.choice(sorted(gold)))
        elif gold:
            w, _ = rng.choice(sorted(gold))
            gold = {g for g in gold if g[0] != w} | {(w, rng.choice(NAMES))}
        review = _review(states, gold)
        model.set_review(review)
        if step % 75 == 0:
            qtmodeltester.check(model)
        assert [model.item(r) for r in range(model.rowCount())] == review.items
    assert ("reset",) not in signals.log
    assert _cells(model) == _cells(_fresh(_review(states, gold)))


def test_review_model_rows_new_counts_do_not_repaint_the_list(qtbot):
    """The summary's new text (the counts change with every key) repaints the summary,
    not the list: in a layout it re-laid out the panes and the tab widget repainted the
    whole list."""

    class Paints(QObject):
        count = 0

        def eventFilter(self, obj, event) -> bool:  # noqa: N802, ANN001
            self.count += event.type() == QEvent.Type.Paint
            return False

    window = QMainWindow()  # as in the window: the panel in a splitter, the style sheet
    window.setStyleSheet(stylesheet())
    qtbot.addWidget(window)
    panel = ReviewPanel(LABELS, SpanStyles(LABELS), load_schema())
    splitter = QSplitter()
    splitter.addWidget(QWidget())
    splitter.addWidget(panel)
    window.setCentralWidget(splitter)
    window.resize(800, 500)
    states = {w: "pending" for w in range(0, 40, 2)}
    panel.show_review(_review(states, set()))
    window.show()
    qtbot.waitExposed(window)
    paints = Paints()
    panel.table.viewport().installEventFilter(paints)
    qtbot.wait(50)
    paints.count = 0
    panel.summary.setText("19 pending · 1 gold · in progress")
    qtbot.wait(50)
    assert paints.count == 0
    assert panel.summary.isVisible() and panel.summary.width() > 200
