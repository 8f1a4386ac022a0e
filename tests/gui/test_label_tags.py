"""Label tags in the text: room made after each span (offsets unchanged), chips painted in
the label's colour, switched on and off from the view and its context menu."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QFont

from annotator.core.labels import load_labels
from annotator.gui.overlay import TAG_GAP, tag_rects, tag_room
from annotator.gui.styles import SpanStyles
from annotator.gui.text_view import ArticleTextView

LABELS = load_labels()
TEXT = "Airport news\n\nFlights to Astana International Airport, closed in May, resume."
AIRPORT = (25, 53, "FAC", "gold")  # "Astana International Airport"
ASTANA = (25, 31, "GPE", "gold")
MAY = (65, 68, "DATE", "pending")


def _view(qtbot, spans=(AIRPORT, ASTANA, MAY), tags=True, current=None):
    view = ArticleTextView(SpanStyles(LABELS), label_tags=tags)
    qtbot.addWidget(view)
    view.resize(760, 300)
    view.show_article(TEXT, "Airport news", list(spans), current)
    view.show()
    qtbot.waitExposed(view)
    return view


def _colours(view, rect) -> set[str]:
    image = view.viewport().grab().toImage()
    dpr = image.devicePixelRatio()
    return {
        QColor(image.pixel(x, y)).name()
        for x in range(int(rect.left() * dpr) + 1, int(rect.right() * dpr) - 1)
        for y in range(int(rect.top() * dpr) + 1, int(rect.bottom() * dpr) - 1)
    }


def test_label_tags_rects_fill_the_room_after_the_span():
    widths = [30.0, 24.0]
    room = tag_room(widths)
    assert room == 30 + 24 + 3 * TAG_GAP
    first, second = tag_rects(200.0, 10.0, 20.0, widths, 12.0)
    assert first.left() == pytest.approx(200 - room + TAG_GAP)
    assert second.left() == pytest.approx(first.right() + TAG_GAP)
    assert second.right() == pytest.approx(200 - TAG_GAP)  # a gap before the next character
    assert (first.top(), first.height()) == (14.0, 12.0)  # centred on the line
    assert tag_rects(200.0, 10.0, 20.0, [], 12.0) == [] and tag_room([]) == 0


def test_label_tags_make_room_without_changing_the_text_or_offsets(qtbot):
    view = _view(qtbot, tags=False)
    (plain,) = view.rects(25, 31)
    view.set_label_tags(True)
    assert view.label_tags_on() and view.label_tags_action.isChecked()
    (tagged,) = view.rects(25, 31)
    room = view.label_tags.room(["GPE"])
    assert tagged.width() == pytest.approx(plain.width() + room, abs=1)
    assert view.document().toPlainText() == TEXT
    view.select(25, 31)
    assert view.textCursor().selectedText() == "Astana"
    view.set_label_tags(False)
    (again,) = view.rects(25, 31)
    assert again.width() == pytest.approx(plain.width(), abs=0.5)


def test_label_tags_are_painted_in_the_label_colour_after_each_span(qtbot):
    view = _view(qtbot)
    styles, tags = view.styles, view.label_tags
    for (start, end, label, state), end_label in ((ASTANA, "GPE"), (AIRPORT, "FAC")):
        last = view.rects(start, end)[-1]
        (rect,) = tags.rects(last, [end_label])
        background, ink = styles.tag_colours(label, state)
        seen = _colours(view, rect)
        assert background.name() in seen and ink.name() in seen  # chip and letters
    (may,) = view.rects(65, 68)
    (rect,) = tags.rects(may, ["DATE"])
    background, ink = styles.tag_colours("DATE", "pending")
    assert background == QColor("#ffffff") and ink.name() in _colours(view, rect)


def test_label_tags_off_paint_no_chip(qtbot):
    view = _view(qtbot, tags=False)
    last = view.rects(*ASTANA[:2])[-1]
    background, _ = view.styles.tag_colours("GPE", "gold")
    right_of_span = last.translated(last.width(), 0)
    assert background.name() not in _colours(view, right_of_span)


def test_label_tags_toggle_from_the_action_and_the_context_menu(qtbot):
    view = _view(qtbot, tags=False)
    with qtbot.waitSignal(view.label_tags_changed) as blocker:
        view.label_tags_action.trigger()
    assert blocker.args == [True] and view.label_tags_on()
    view.toggle_label_tags()
    assert not view.label_tags_on() and not view.label_tags_action.isChecked()
    menu = view.context_menu(view.viewport().rect().center())
    (action,) = [a for a in menu.actions() if a.text() == "Label tags in the text"]
    assert action.isCheckable() and not action.isChecked()
    action.trigger()
    assert view.label_tags_on()
    menu.deleteLater()


def test_label_tags_hidpi_font_is_smaller_than_the_text(qtbot):
    view = _view(qtbot)
    assert view.label_tags.font.pointSizeF() < view.font().pointSizeF()
    assert view.label_tags.font.weight() >= QFont.Weight.DemiBold
    assert view.label_tags.height < view.rects(*ASTANA[:2])[0].height()


def test_label_tags_current_outline_leaves_the_next_character_alone(qtbot):
    view = _view(qtbot, spans=(AIRPORT,), tags=False, current=(25, 53, "FAC"))
    (comma,) = view.rects(53, 54)
    ink = view.outline_colour().name()
    assert ink not in _colours(view, comma.adjusted(-1, 0, 0, 0))
    (airport,) = view.current_rects()
    assert ink in _colours(view, airport.adjusted(-1, -1, 1, 1))


def test_label_tags_one_tag_for_a_suggestion_and_the_gold_it_became(qtbot):
    spans = [(25, 31, "GPE", "pending"), (25, 31, "GPE", "gold"), (25, 31, "LOC", "pending")]
    view = _view(qtbot, spans=spans)
    (seg,) = view.highlighter.visible(0, len(TEXT))
    assert view.highlighter.tags(seg) == [("GPE", "gold"), ("LOC", "pending")]
    assert not any(view.highlighter.nest.contains)  # the same range: no brackets
