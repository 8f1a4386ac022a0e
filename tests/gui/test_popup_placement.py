"""The E and R palettes: placed where they cover neither the current span nor the current
event's trigger, arguments and rows; an event type's description is shown whole."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtTest import QTest

from annotator.core.models import EVENT, Argument, ParsedDoc, Span, Suggestion
from annotator.core.schema import load_schema
from annotator.gui.choice_popup import place, united
from annotator.store import Store

TEXT = (
    "Tokayev and Mirziyoyev hold talks in Astana\n\n"
    "President Kassym-Jomart Tokayev met Shavkat Mirziyoyev in Astana on April 21. "
    "Both leaders discussed trade, transport and water with ministers from Tashkent."
)
TOKAYEV, MIRZ, ASTANA = Span(0, 7, "PERSON"), Span(12, 22, "PERSON"), Span(37, 43, "GPE")
TOKAYEV2, SHAVKAT, ASTANA2 = Span(69, 76, "PERSON"), Span(81, 99, "PERSON"), Span(103, 109, "GPE")
TALKS, MET = Span(28, 33, "Meet"), Span(77, 80, "Meet")
ATTRS = (("Modality", "actual"), ("Negation", False))
SCREEN = QRect(0, 0, 1366, 768)


def test_popup_placement_goes_below_the_target_when_that_is_free():
    target = QRect(100, 100, 60, 20)
    spot = place(QSize(200, 120), target, [], SCREEN)
    assert spot == QPoint(100, target.bottom() + 7)


def test_popup_placement_avoids_an_argument_on_the_next_line():
    target = QRect(100, 100, 60, 20)
    argument = QRect(90, 122, 80, 20)  # right below the trigger
    size = QSize(200, 120)
    spot = place(size, target, [argument], SCREEN)
    box = QRect(spot, size)
    assert not box.intersects(argument) and not box.intersects(target)
    assert SCREEN.contains(box)


def test_popup_placement_stays_on_screen_and_covers_the_least_when_nothing_is_free():
    target = QRect(10, 700, 60, 20)  # near the bottom: no room below
    size = QSize(300, 200)
    box = QRect(place(size, target, [], SCREEN), size)
    assert SCREEN.contains(box) and not box.intersects(target)
    everything = [QRect(0, 0, 1366, 768)]
    box = QRect(place(size, target, everything, SCREEN), size)
    assert SCREEN.contains(box)


def test_popup_placement_united_holds_every_rectangle():
    rects = [QRect(10, 10, 5, 5), QRect(50, 40, 10, 10)]
    assert united(rects) == QRect(QPoint(10, 10), QPoint(59, 49))


def _window(make_window, db_path):
    store = Store(db_path)
    store.add_docs([ParsedDoc(text=TEXT, title=TEXT.split("\n")[0], lang="en", source="t.txt")])
    entities = [TOKAYEV, MIRZ, ASTANA, TOKAYEV2, SHAVKAT, ASTANA2]
    store.add_suggestions(
        [
            (
                1,
                [Suggestion(s) for s in entities]
                + [
                    Suggestion(
                        TALKS,
                        EVENT,
                        (Argument("Participant", TOKAYEV), Argument("Place", ASTANA)),
                        ATTRS,
                    ),
                    Suggestion(
                        MET,
                        EVENT,
                        (Argument("Participant", TOKAYEV2), Argument("Participant", SHAVKAT)),
                        ATTRS,
                    ),
                ],
            )
        ],
        "rules+events",
        "1",
    )
    window = make_window(store, "tester", worker=False)
    window.resize(1024, 700)
    window.text.setFocus()
    QTest.keyClick(window.text, Qt.Key.Key_Tab)  # the events list
    return window, store


def _select_event(window, trigger: Span) -> None:
    model = window.review_panel.event_model
    row = next(
        r
        for r in range(model.rowCount())
        if model.row_view(r).argument is None and model.row_view(r).item.event.trigger == trigger
    )
    window.review_panel.event_table.clicked.emit(model.index(row, 1))


def _kept_clear(window, trigger: Span, arguments: list[Span]) -> list[QRect]:
    text = window.text
    rects = [r for s in (trigger, *arguments) for r in text.global_rects(s.start, s.end)]
    rows = window.review_panel.current_event_rects()
    assert len(rows) >= 1 + len(arguments) or not window.review_panel.event_table.isVisible()
    return rects + rows


def test_popup_placement_r_and_e_leave_the_current_event_visible(make_window, db_path):
    window, store = _window(make_window, db_path)
    try:
        _select_event(window, MET)
        assert window.controller.events.current_item.event.trigger == MET
        popup = window.event_keys.popup
        for key in (Qt.Key.Key_R, Qt.Key.Key_E):
            window.text.setFocus()
            QTest.keyClick(window.text, key)
            assert popup.isVisible()
            clear = _kept_clear(window, MET, [TOKAYEV2, SHAVKAT])
            candidate = window.event_keys.candidate
            if candidate is not None:
                clear += window.text.global_rects(candidate.start, candidate.end)
            for rect in clear:
                assert not popup.geometry().intersects(rect), (key, rect, popup.geometry())
            QTest.keyClick(popup, Qt.Key.Key_Escape)
            assert not popup.isVisible()
    finally:
        store.close()


def test_popup_placement_e_shows_each_type_description_whole(make_window, db_path):
    window, store = _window(make_window, db_path)
    try:
        _select_event(window, MET)
        window.text.setFocus()
        QTest.keyClick(window.text, Qt.Key.Key_E)
        popup = window.event_keys.popup
        body = popup.body.text()
        for etype in load_schema().types.values():
            assert etype.description in body  # not cut with an ellipsis
        assert popup.width() <= popup.fontMetrics().averageCharWidth() * 90
        QTest.keyClick(popup, Qt.Key.Key_Escape)
    finally:
        store.close()
