"""The article text: spans painted in their label colours, pending vs gold, UTF-16 offsets."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QTextCharFormat

from annotator.core.labels import load_labels
from annotator.gui.styles import SpanStyles
from annotator.gui.text_view import ArticleTextView

LABELS = load_labels()
TEXT = "Tokayev visits Astana\n\nTokayev met Mirziyoyev in Astana on Monday.\n\nNothing here."


def _view(qtbot, text=TEXT, spans=(), current=None):
    view = ArticleTextView(SpanStyles(LABELS))
    qtbot.addWidget(view)
    view.resize(700, 400)
    view.show_article(text, text.split("\n")[0], list(spans), current)
    view.show()
    qtbot.waitExposed(view)
    return view


def _formats(view, block_number):
    block = view.document().findBlockByNumber(block_number)
    return [(r.start, r.length, QTextCharFormat(r.format)) for r in block.layout().formats()]


def test_text_view_gold_is_filled_and_pending_is_dashed(qtbot):
    view = _view(qtbot, spans=[(23, 30, "PERSON", "gold"), (35, 45, "PERSON", "pending")])
    styles = view.styles
    (s1, n1, gold), (s2, n2, pending) = _formats(view, 2)
    assert (s1, n1, s2, n2) == (0, 7, 12, 10)
    assert gold.background().color() == styles.fill("PERSON")
    assert gold.underlineStyle() == QTextCharFormat.UnderlineStyle.NoUnderline
    assert pending.background().color() == styles.tint("PERSON")
    assert pending.underlineStyle() == QTextCharFormat.UnderlineStyle.DashUnderline
    assert pending.background().color() != gold.background().color()


def test_text_view_overlap_keeps_inner_fill_and_outer_underline(qtbot):
    # "Tokayev met Mirziyoyev" (gold PERSON inside a pending EVENT-ish span)
    view = _view(qtbot, spans=[(23, 45, "EVENT", "pending"), (35, 45, "PERSON", "gold")])
    runs = _formats(view, 2)
    assert [(s, n) for s, n, _ in runs] == [(0, 12), (12, 10)]
    inner = runs[1][2]
    # the fills of nested spans are painted under the text in levels (issue 13): the
    # inner span's fill in the middle of the line, the outer span's at its top and bottom
    (rect,) = view.rects(35, 45)
    image = view.viewport().grab().toImage()
    dpr = image.devicePixelRatio()
    xs = range(int(rect.left() * dpr) + 1, int(rect.right() * dpr) - 1)

    def row(y: float) -> set[str]:
        return {QColor(image.pixel(x, int(y * dpr))).name() for x in xs}

    assert view.styles.fill("PERSON").name() in row(rect.center().y())
    assert view.styles.tint("EVENT").name() in row(rect.top() + 1)
    assert inner.underlineColor() == view.styles.ink("EVENT")


def test_text_view_offsets_survive_astral_characters(qtbot):
    text = "😀 Astana\n\nok"
    view = _view(qtbot, text=text, spans=[(2, 8, "GPE", "gold")])
    ((start, length, fmt),) = _formats(view, 0)
    assert (start, length) == (3, 6)  # the emoji is two UTF-16 units
    view.select(2, 8)
    assert view.selection() == (2, 8)
    assert view.textCursor().selectedText() == "Astana"


def test_text_view_title_is_set_apart(qtbot):
    view = _view(qtbot)
    title = view.document().firstBlock().begin().fragment().charFormat()
    body = view.document().findBlockByNumber(2).begin().fragment().charFormat()
    assert title.fontWeight() > body.fontWeight()
    assert title.fontPointSize() > view.font().pointSizeF()


def test_text_view_rehighlights_only_the_touched_blocks(qtbot):
    view = _view(qtbot, spans=[(23, 30, "PERSON", "gold")])
    # block 2 changes too, but only block 0 is announced: block 2 must not be repainted
    view.update_spans([(0, 7, "PERSON", "pending"), (23, 30, "ORG", "gold")], [(0, 7)])
    assert [(s, n) for s, n, _ in _formats(view, 0)] == [(0, 7)]
    assert _formats(view, 2)[0][2].background().color() == view.styles.fill("PERSON")
    view.update_spans([(0, 7, "PERSON", "pending"), (23, 30, "ORG", "gold")], None)
    assert _formats(view, 2)[0][2].background().color() == view.styles.fill("ORG")


def _pixel_in(view, rect_f) -> QColor:
    image = view.viewport().grab().toImage()
    dpr = image.devicePixelRatio()
    point = rect_f.center()
    return QColor(image.pixel(int(point.x() * dpr), int(rect_f.top() * dpr + 2)))


def test_text_view_screenshot_pixel_inside_a_span_has_the_label_colour(qtbot):
    view = _view(qtbot, spans=[(23, 30, "PERSON", "gold"), (35, 45, "ORG", "pending")])
    m16 = view._map
    (gold_rect,) = view.span_rects(m16.to_utf16(23), m16.to_utf16(30))
    (pending_rect,) = view.span_rects(m16.to_utf16(35), m16.to_utf16(45))
    assert _pixel_in(view, gold_rect) == view.styles.fill("PERSON")
    assert _pixel_in(view, pending_rect) == view.styles.tint("ORG")
    (plain_rect,) = view.span_rects(m16.to_utf16(31), m16.to_utf16(34))  # "met"
    assert _pixel_in(view, plain_rect) == QColor("#ffffff")


def test_text_view_current_span_is_outlined(qtbot):
    view = _view(qtbot, spans=[(23, 30, "PERSON", "gold")], current=(23, 30, "PERSON"))
    (rect,) = view.current_rects()
    image = view.viewport().grab().toImage()
    dpr = image.devicePixelRatio()
    # the outline is drawn inside the span (issue 13: it covered the next character)
    left_edge = QColor(image.pixel(int((rect.left() + 1) * dpr), int(rect.center().y() * dpr)))
    assert left_edge.lightness() < 160  # a dark outline, not the span's fill
    view.set_current(None)
    image = view.viewport().grab().toImage()
    assert QColor(
        image.pixel(int((rect.left() + 1) * dpr), int(rect.center().y() * dpr))
    ) == view.styles.fill("PERSON")


def test_text_view_next_article_does_not_inherit_the_title_format(qtbot):
    view = _view(qtbot, current=(0, 7, "PERSON"))  # the caret now sits in the bold title
    assert view.textCursor().position() == 0
    view.set_current((2, 5, "PERSON"))
    view.show_article("Other title\n\nPlain body text.", "Other title", [], None)
    body = view.document().findBlockByNumber(2).begin().fragment().charFormat()
    assert body.fontWeight() == QFont.Weight.Normal
    assert body.fontPointSize() in (0, view.font().pointSizeF())
