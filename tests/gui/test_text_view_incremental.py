"""The text view's per-decision path (segments recomputed around the changed spans, only
the announced blocks re-formatted and repainted) gives exactly what a full recompute
gives: the same segments and nesting, the same formats in every block as a view opened
on the result and as Qt's own highlighter pass, with and without label tags, over random
decision sequences on a real article of the sample corpus."""

from __future__ import annotations

import json
import random

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QTextCharFormat

from annotator.core.labels import load_labels
from annotator.core.paths import datasets_dir
from annotator.gui.styles import SpanStyles
from annotator.gui.text_view import ArticleTextView

LABELS = load_labels()
NAMES = [label.name for label in LABELS.labels]


def _article() -> tuple[str, str, list[tuple[int, int, str, str]]]:
    """The first gold article: its entities and its events' triggers and arguments (as
    spans of their own), which nest and cross like the window's spans do."""
    path = datasets_dir() / "gold" / "events_gold.jsonl"
    record = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    rng = random.Random(5)
    found = {(s["start"], s["end"], s["label"]) for s in record["spans"]}
    for event in record["events"]:
        found.add((event["trigger"]["start"], event["trigger"]["end"], "EVENT"))
        found.update((a["start"], a["end"], rng.choice(NAMES)) for a in event["arguments"])
    spans = [(s, e, label, rng.choice(("gold", "pending"))) for s, e, label in sorted(found)]
    return record["text"], record["meta"]["title"], spans


def _view(qtbot, text, title, spans, tags):
    view = ArticleTextView(SpanStyles(LABELS), label_tags=tags)
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show_article(text, title, spans, None)
    return view


def _formats(view) -> list[list[tuple[int, int, QTextCharFormat]]]:
    out, block = [], view.document().firstBlock()
    while block.isValid():
        out.append(
            [(r.start, r.length, QTextCharFormat(r.format)) for r in block.layout().formats()]
        )
        block = block.next()
    return out


def _segments(view) -> list[tuple[int, int, tuple]]:
    """Segments with their members as the spans they stand for (slots differ)."""
    hl = view.highlighter
    return [
        (seg.start, seg.end, tuple(hl.slot_spans[m] for m in seg.members))
        for seg in hl.visible(0, view.document().characterCount())
    ]


def _key(span):  # the window's order: position, gold before pending, label
    return (span[0], span[1], span[3] != "gold", span[2])


def _decide(rng, spans, words):
    """One decision as the text sees it; returns the new list and the changed spans."""
    out = list(spans)
    kind = rng.choice(["accept", "reject", "relabel", "move", "add", "delete"])
    pending = [n for n, s in enumerate(out) if s[3] == "pending"]
    gold = [n for n, s in enumerate(out) if s[3] == "gold"]
    if kind == "accept" and pending:
        n = rng.choice(pending)
        out[n] = (*out[n][:3], "gold")
    elif kind in ("reject", "delete") and (pending if kind == "reject" else gold):
        out.pop(rng.choice(pending if kind == "reject" else gold))
    elif kind == "relabel" and gold:
        n = rng.choice(gold)
        out[n] = (*out[n][:2], rng.choice(NAMES), "gold")
    elif kind == "move" and gold:
        n = rng.choice(gold)
        s, e, label, state = out[n]
        s, e = max(0, s + rng.choice((-2, 1))), e + rng.choice((-1, 2))
        out[n] = (min(s, e), max(s, e), label, state)
    else:
        first = rng.randrange(len(words))
        last = min(len(words) - 1, first + rng.randrange(3))
        out.append((words[first][0], words[last][1], rng.choice(NAMES), "gold"))
    out.sort(key=_key)
    return out, sorted(set(spans) ^ set(out))


def _words(text):
    out, at = [], 0
    for word in text.split():
        at = text.index(word, at)
        out.append((at, at + len(word)))
        at += len(word)
    return out


@pytest.mark.parametrize("tags", [False, True])
def test_text_view_incremental_decisions_equal_a_full_recompute(qtbot, tags):
    text, title, spans = _article()
    view = _view(qtbot, text, title, spans, tags)
    words = _words(text)
    rng = random.Random(13 + tags)
    for step in range(120):
        spans, changed = _decide(rng, spans, words)
        view.update_spans(spans, [(s, e) for s, e, _, _ in changed])
        if step % 12 == 11:  # a fresh view: everything computed from scratch
            fresh = _view(qtbot, text, title, spans, tags)
            assert _segments(view) == _segments(fresh)
            assert view.highlighter.nest == fresh.highlighter.nest
            assert _formats(view) == _formats(fresh)
            fresh.highlighter.rehighlight()  # Qt's own highlighter pass: the same formats
            assert _formats(view) == _formats(fresh)


class _Paints(QObject):
    def __init__(self, widget) -> None:
        super().__init__()
        self.rects = []
        widget.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802, ANN001
        if event.type() == QEvent.Type.Paint:
            self.rects.append(event.rect())
        return False


def test_text_view_incremental_decision_repaints_only_its_block(qtbot):
    text, title, spans = _article()
    view = _view(qtbot, text, title, spans, False)
    view.show()
    qtbot.waitExposed(view)
    paints = _Paints(view.viewport())
    qtbot.wait(20)
    paints.rects.clear()
    first = next(s for s in spans if s[0] > len(title) and s[3] == "pending")
    accepted = sorted([s for s in spans if s != first] + [(*first[:3], "gold")], key=_key)
    view.update_spans(accepted, [first[:2]])
    qtbot.waitUntil(lambda: bool(paints.rects))
    height = view.viewport().height()
    block = view.document().findBlock(first[0])
    assert max(r.height() for r in paints.rects) < height / 2
    assert max(r.height() for r in paints.rects) <= view.blockBoundingRect(block).height() + 4
    # the current item's outline moves: its old and new lines are repainted, not the text
    paints.rects.clear()
    view.set_current(first[:3], reveal=False)
    qtbot.waitUntil(lambda: bool(paints.rects))
    assert max(r.height() for r in paints.rects) < height / 2
