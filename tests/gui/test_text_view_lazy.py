"""A new long text is formatted where it may show at once and elsewhere after the first
paint, a few blocks at a time: blocks scrolled into view are formatted before they are
painted, decisions meanwhile land, and once idle every block has exactly the formats of
a whole pass."""

from __future__ import annotations

import random

from PySide6.QtGui import QTextCharFormat

from annotator.core.labels import load_labels
from annotator.gui.styles import SpanStyles
from annotator.gui.text_view import ArticleTextView

LABELS = load_labels()
NAMES = [label.name for label in LABELS.labels][:6]


def _long_text(paragraphs: int = 120) -> tuple[str, list[tuple[int, int, str, str]]]:
    rng = random.Random(3)
    words = "the minister met talks trade Astana Almaty Kazakhstan signed visit".split()
    text = "Title\n\n" + "\n\n".join(
        " ".join(rng.choice(words) for _ in range(rng.randint(40, 80))) for _ in range(paragraphs)
    )
    spans, pos = [], 0
    while True:
        start = text.find(" ", pos) + 1
        if start <= 0:
            break
        end = text.find(" ", start)
        if end < 0:
            break
        if "\n" not in text[start:end] and rng.random() < 0.15:
            spans.append((start, end, rng.choice(NAMES), rng.choice(("gold", "pending"))))
        pos = end
    return text, spans


def _formats(view) -> list[list[tuple[int, int, QTextCharFormat]]]:
    out, block = [], view.document().firstBlock()
    while block.isValid():
        out.append(
            [(r.start, r.length, QTextCharFormat(r.format)) for r in block.layout().formats()]
        )
        block = block.next()
    return out


def _whole_pass(view) -> list:
    view.highlighter.rehighlight()
    return _formats(view)


def _view(qtbot, tags: bool = False) -> ArticleTextView:
    view = ArticleTextView(SpanStyles(LABELS), label_tags=tags)
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_text_view_lazy_far_blocks_wait_then_match_a_whole_pass(qtbot):
    text, spans = _long_text()
    view = _view(qtbot)
    view.show_article(text, "Title", spans, None)
    hl = view.highlighter
    blocks = view.document().blockCount()
    assert 0 < len(hl.pending) < blocks  # the first screens are formatted, the rest waits
    assert 0 not in hl.pending
    qtbot.waitUntil(lambda: not hl.pending, timeout=5000)
    lazily = _formats(view)
    assert lazily == _whole_pass(view)
    assert sum(1 for f in lazily if f) > blocks // 3  # the far blocks have their formats


def test_text_view_lazy_a_block_scrolled_into_view_is_formatted_first(qtbot):
    text, spans = _long_text()
    view = _view(qtbot)
    view.show_article(text, "Title", spans, None)
    hl = view.highlighter
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum())  # straight to the end, before anything idle ran
    last = view.document().lastBlock()
    assert last.blockNumber() not in hl.pending
    shown = view.firstVisibleBlock()
    while shown.isValid():
        assert shown.blockNumber() not in hl.pending
        shown = shown.next()
    expected = _formats(view)[last.blockNumber()]
    assert expected  # a long paragraph has spans
    assert hl.pending  # the middle still waits


def test_text_view_lazy_current_item_far_down_is_formatted(qtbot):
    text, spans = _long_text()
    view = _view(qtbot, tags=True)
    far = spans[-3]
    view.show_article(text, "Title", spans, (far[0], far[1], far[2]))
    block = view.document().findBlock(far[0])
    assert block.blockNumber() not in view.highlighter.pending
    assert block.layout().formats()


def test_text_view_lazy_decisions_while_blocks_wait(qtbot):
    text, spans = _long_text()
    view = _view(qtbot)
    view.show_article(text, "Title", spans, None)
    hl = view.highlighter
    rng = random.Random(9)
    for _ in range(20):  # decisions in far blocks before they were formatted
        n = rng.randrange(len(spans))
        s = spans[n]
        spans[n] = (s[0], s[1], s[2], "gold" if s[3] == "pending" else "pending")
        view.update_spans(spans, [(s[0], s[1])])
    qtbot.waitUntil(lambda: not hl.pending, timeout=5000)
    assert _formats(view) == _whole_pass(view)


def test_text_view_lazy_a_new_text_forgets_the_old_ones_waiting_blocks(qtbot):
    text, spans = _long_text()
    view = _view(qtbot)
    view.show_article(text, "Title", spans, None)
    short = "Short\n\nOne paragraph only."
    view.show_article(short, "Short", [(7, 10, NAMES[0], "gold")], None)
    assert not view.highlighter.pending
    qtbot.wait(50)
    assert _formats(view)[2]
    assert _formats(view) == _whole_pass(view)
