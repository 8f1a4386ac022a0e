"""The boundary keys on an argument that is a phrase (SPAN: a topic, an indicator), not an
entity: they move the phrase itself, as one undoable edit of its gold event."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from annotator.core.models import EVENT, Argument, ParsedDoc, Span, Suggestion
from annotator.store import Store
from annotator.store.audit import check

TEXT = "Kazakhstan grain exports rose 12 percent in 2024."
WHO = "tester"
AREA, INDICATOR = Span(0, 10, "GPE"), Span(11, 24, "SPAN")  # "grain exports"
CHANGE = Span(30, 40, "PERCENT")
ROSE = Span(25, 29, "EconomicFigure")
ARGS = (Argument("Indicator", INDICATOR), Argument("Area", AREA), Argument("Change", CHANGE))
ATTRS = (("Modality", "actual"), ("Negation", False))
NOMOD, ALT = Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.AltModifier
SHIFT, CTRL = Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def project(db_path):
    s = Store(db_path)
    s.add_docs([ParsedDoc(text=TEXT, title=TEXT, lang="en", source="t.txt")])
    entities = [Suggestion(x) for x in (AREA, CHANGE)]
    s.add_suggestions([(1, [*entities, Suggestion(ROSE, EVENT, ARGS, ATTRS)])], "r", "1")
    yield s
    s.close()


def key(w, k, mods=NOMOD):
    w.text.setFocus()
    QTest.keyClick(w.text, k, mods)


def indicator(store):
    (event,) = store.gold_events(1, WHO)
    return next(a.span for a in event.arguments if a.role == "Indicator")


def on_indicator(w, *, accept=True):
    """Events list, the event accepted (A), expanded, on its Indicator row."""
    key(w, Qt.Key.Key_Tab)
    if accept:
        key(w, Qt.Key.Key_A)
    key(w, Qt.Key.Key_Right)
    key(w, Qt.Key.Key_J)
    assert w.controller.events.current_argument.role == "Indicator"


def test_phrase_arguments_boundary_keys_move_a_gold_events_phrase(make_window, project):
    w = make_window(project, WHO, worker=False)
    on_indicator(w)
    key(w, Qt.Key.Key_Left, ALT | SHIFT)  # its end one token left: "grain"
    assert indicator(project) == Span(11, 16, "SPAN")
    assert "accept the event first" not in w.statusBar().currentMessage()
    assert w.controller.events.current_argument.span == Span(11, 16, "SPAN")  # still on it
    key(w, Qt.Key.Key_Right, ALT)  # its start one token right: nothing would be left
    key(w, Qt.Key.Key_Left, ALT | SHIFT)
    assert indicator(project) == Span(11, 16, "SPAN")
    key(w, Qt.Key.Key_Right, ALT | SHIFT)
    key(w, Qt.Key.Key_Right, ALT | SHIFT)  # "grain exports rose"
    assert indicator(project) == Span(11, 29, "SPAN")
    assert all(s.label != "SPAN" for s in project.gold_spans(1, WHO))  # never an entity
    key(w, Qt.Key.Key_Z, CTRL)  # one undo step per key
    assert indicator(project) == INDICATOR
    assert check(project) == []


def test_phrase_arguments_stop_at_the_text_and_line_edges(make_window, project):
    w = make_window(project, WHO, worker=False)
    on_indicator(w)
    for _ in range(6):
        key(w, Qt.Key.Key_Right, ALT | SHIFT)  # "… rose 12 percent in 2024."
    assert indicator(project) == Span(11, len(TEXT), "SPAN")
    key(w, Qt.Key.Key_Right, ALT | SHIFT)  # past the text: stays
    assert indicator(project) == Span(11, len(TEXT), "SPAN")


def test_phrase_arguments_of_a_suggested_event_say_accept_first(make_window, project):
    w = make_window(project, WHO, worker=False)
    on_indicator(w, accept=False)
    key(w, Qt.Key.Key_Left, ALT | SHIFT)
    assert project.gold_events(1, WHO) == []
    assert "accept it first" in w.statusBar().currentMessage()
