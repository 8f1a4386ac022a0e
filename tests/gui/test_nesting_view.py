"""Nested and overlapping spans in the text: fills in levels under the text, brackets at
the edges of a span that holds another, in the entity and the event layer."""

from __future__ import annotations

from PySide6.QtGui import QColor

from annotator.core.labels import load_labels
from annotator.gui.overlay import EventOverlay, Mark, level_step
from annotator.gui.styles import SpanStyles
from annotator.gui.text_view import ArticleTextView

LABELS = load_labels()
TEXT = "Airport news\n\nFlights to Astana International Airport resume from Almaty today."
AIRPORT = (25, 53, "FAC", "gold")  # "Astana International Airport"
ASTANA = (25, 31, "GPE", "gold")
FROM_ALMATY = (54, 72, "EVENT", "pending")  # "resume from Almaty"
ALMATY_TODAY = (66, 78, "DATE", "gold")  # "Almaty today": crosses the one before


def _view(qtbot, spans):
    view = ArticleTextView(SpanStyles(LABELS))
    qtbot.addWidget(view)
    view.resize(760, 300)
    view.show_article(TEXT, "Airport news", list(spans), None)
    view.show()
    qtbot.waitExposed(view)
    return view


def _column(view, x: float, top: float, bottom: float) -> list[str]:
    image = view.viewport().grab().toImage()
    dpr = image.devicePixelRatio()
    return [
        QColor(image.pixel(int(x * dpr), y)).name()
        for y in range(int(top * dpr), int(bottom * dpr))
    ]


def _row(view, left: float, right: float, y: float) -> set[str]:
    image = view.viewport().grab().toImage()
    dpr = image.devicePixelRatio()
    return {
        QColor(image.pixel(x, int(y * dpr))).name()
        for x in range(int(left * dpr) + 2, int(right * dpr) - 2)
    }


def test_nesting_view_inner_fill_is_inset_in_the_outer_fill(qtbot):
    view = _view(qtbot, [AIRPORT, ASTANA])
    styles = view.styles
    (astana,) = view.rects(25, 31)
    step = level_step(astana.height())
    outer, inner = styles.fill("FAC").name(), styles.fill("GPE").name()
    assert outer in _row(view, astana.left() + 3, astana.right(), astana.top() + step / 2)
    assert outer in _row(view, astana.left() + 3, astana.right(), astana.bottom() - step / 2)
    assert inner in _row(view, astana.left(), astana.right(), astana.center().y())
    # the two spans no longer read as two touching blocks: the rest of the airport is FAC
    (rest,) = view.rects(32, 53)
    assert outer in _row(view, rest.left(), rest.right(), rest.center().y())


def test_nesting_view_outer_span_gets_brackets_at_its_edges(qtbot):
    view = _view(qtbot, [AIRPORT, ASTANA])
    ink = view.styles.ink("FAC").name()
    (airport,) = view.rects(25, 53)
    left = _column(view, airport.left() + 0.75, airport.top() + 2, airport.bottom() - 2)
    right = _column(view, airport.right() - 0.75, airport.top() + 2, airport.bottom() - 2)
    fill = view.styles.fill("FAC").lightness()
    for edge in (left, right):  # a dark line, antialiased: darker than the fills around it
        assert sum(QColor(c).lightness() < fill - 40 for c in edge) > len(edge) // 2
    assert QColor(ink).lightness() < fill - 40


def test_nesting_view_crossing_spans_get_levels_but_no_brackets(qtbot):
    view = _view(qtbot, [FROM_ALMATY, ALMATY_TODAY])
    styles = view.styles
    (both,) = view.rects(66, 72)  # "Almaty": covered by both
    step = level_step(both.height())
    # the longer span is the outer level, the shorter one inset
    outer = styles.tint("EVENT").name()
    inner = styles.fill("DATE").name()
    assert inner in _row(view, both.left(), both.right(), both.center().y())
    assert outer in _row(view, both.left(), both.right(), both.top() + step / 2)
    assert not view.highlighter.nest.contains[0] and not view.highlighter.nest.contains[1]
    (span,) = view.rects(54, 72)
    edge = _column(view, span.left() + 0.75, span.top(), span.bottom())
    alone = _view(qtbot, [FROM_ALMATY])  # the same start edge without the crossing span
    assert edge == _column(alone, span.left() + 0.75, span.top(), span.bottom())


def test_nesting_view_event_layer_keeps_levels_and_underlines(qtbot):
    view = _view(qtbot, [AIRPORT, ASTANA])
    colour = "#1d4ed8"
    view.set_event_overlay(
        EventOverlay(((15, 22, True),), (15, 22), "Travel", (Mark(25, 53, "Destination", colour),)),
        reveal=False,
    )
    (astana,) = view.rects(25, 31)
    assert view.styles.fill("GPE").name() in _row(
        view, astana.left(), astana.right(), astana.center().y()
    )
    assert colour in _row(view, astana.left(), astana.right(), astana.bottom() - 1.5)
