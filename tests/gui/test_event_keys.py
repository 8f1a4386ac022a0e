"""Event keyboard flows of the annotation window, with the database checked after each."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest

from annotator.core.event_review import Row
from annotator.core.models import EVENT, Argument, ParsedDoc, Span, Suggestion
from annotator.core.schema import load_schema
from annotator.gui.actions import shortcut_rows
from annotator.gui.event_list import EventListModel
from annotator.gui.styles import TRIGGER_INK, SpanStyles
from annotator.store import Store

TEXT = (
    "Tokayev and Mirziyoyev hold talks in Astana\n\n"
    "President Kassym-Jomart Tokayev met Shavkat Mirziyoyev in Astana on April 21."
)
WHO = "tester"
TOKAYEV, MIRZ, ASTANA = Span(0, 7, "PERSON"), Span(12, 22, "PERSON"), Span(37, 43, "GPE")
TOKAYEV2, SHAVKAT, ASTANA2 = Span(69, 76, "PERSON"), Span(81, 99, "PERSON"), Span(103, 109, "GPE")
APRIL = Span(113, 121, "DATE")
TALKS, MET = Span(28, 33, "Meet"), Span(77, 80, "Meet")
ATTRS = (("Modality", "actual"), ("Negation", False))
TALKS_ARGS = (
    Argument("Participant", TOKAYEV),
    Argument("Participant", MIRZ),
    Argument("Place", ASTANA),
)
MET_ARGS = (Argument("Participant", TOKAYEV2), Argument("Participant", SHAVKAT))
NOMOD = Qt.KeyboardModifier.NoModifier
SHIFT, CTRL = Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.ControlModifier


def _suggestions() -> list[Suggestion]:
    entities = [TOKAYEV, MIRZ, ASTANA, TOKAYEV2, SHAVKAT, ASTANA2, APRIL]
    return [Suggestion(s) for s in entities] + [
        Suggestion(TALKS, EVENT, TALKS_ARGS, ATTRS),
        Suggestion(MET, EVENT, MET_ARGS, ATTRS),
    ]


@pytest.fixture
def project(db_path):
    s = Store(db_path)
    s.add_docs([ParsedDoc(text=TEXT, title=TEXT.split("\n")[0], lang="en", source="t.txt")])
    s.add_suggestions([(1, _suggestions())], "rules+events", "1")
    yield s
    s.close()


@pytest.fixture
def window(make_window, project):
    """A window on the article, the events list active."""
    w = make_window(project, WHO, worker=False)
    key(w, Qt.Key.Key_Tab)
    return w


def key(w, k, mods=NOMOD):
    w.text.setFocus()
    QTest.keyClick(w.text, k, mods)


def events(store):
    return store.gold_events(1, WHO)


def event_states(store):
    return {s.span: st for s, st in store.suggestions(1, WHO, kind=EVENT)}


def actions(store):
    return [d.action for d in store.decisions(1, WHO)]


def current(w):
    return w.controller.events.current_row


def popup_key(w, k):
    popup = w.event_keys.popup
    assert popup.isVisible()
    QTest.keyClick(popup, k)


def test_events_tab_switches_the_list_and_the_text_layer(window):
    c = window.controller
    assert c.mode == "events"
    assert window.review_panel.tabs.currentIndex() == 1
    assert current(window) == Row(0)  # the "talks" event, pending
    overlay = window.text.overlay
    assert overlay.trigger == (28, 33) and overlay.event_type == "Meet"
    assert [(m.start, m.end, m.role) for m in overlay.arguments] == [
        (0, 7, "Participant"),
        (12, 22, "Participant"),
        (37, 43, "Place"),
    ]
    assert window.text.current_rects() == []  # no entity outline in the events list
    notes = [n.text for n in window.text.notes()]
    assert notes == ["Meet", "Participant", "Participant", "Place"]
    assert window.review_panel.palette.isHidden()  # number keys mean roles here
    key(window, Qt.Key.Key_Tab)
    assert c.mode == "entities" and window.text.overlay is None
    assert window.review_panel.tabs.currentIndex() == 0
    assert not window.review_panel.palette.isHidden()


def test_events_a_accepts_the_whole_event_as_one_decision(window, project):
    before = len(actions(project))
    key(window, Qt.Key.Key_A)
    (gold,) = events(project)
    assert (gold.trigger, gold.arguments, gold.attributes) == (TALKS, TALKS_ARGS, ATTRS)
    assert event_states(project)[TALKS] == "accepted"
    assert actions(project)[before:] == ["accept_event"]
    assert window.controller.events.current_item.event.trigger == MET  # next pending
    model = window.review_panel.event_model
    assert model.index(0, 3).data() == "gold"


def test_events_x_rejects_the_whole_event(window, project):
    key(window, Qt.Key.Key_X)
    assert event_states(project)[TALKS] == "rejected"
    assert events(project) == []
    assert window.controller.events.current_item.event.trigger == MET
    assert window.review_panel.event_model.rowCount() == 1 + 1 + 2  # rejected: one row


def test_events_x_on_an_argument_rejects_only_it(window, project):
    key(window, Qt.Key.Key_Right)  # expand "talks": J walks its arguments
    key(window, Qt.Key.Key_J)
    key(window, Qt.Key.Key_J)
    assert window.controller.events.current_argument == TALKS_ARGS[1]
    key(window, Qt.Key.Key_X)
    (gold,) = events(project)
    assert gold.arguments == (TALKS_ARGS[0], TALKS_ARGS[2])
    assert event_states(project)[TALKS] == "accepted"  # its trigger and type were right
    assert actions(project)[-1] == "remove_argument"
    assert window.controller.events.current_argument == TALKS_ARGS[2]  # the row below
    key(window, Qt.Key.Key_Delete)  # on a gold event's argument: removes it too
    assert events(project)[0].arguments == (TALKS_ARGS[0],)
    assert events(project)[0].uid == gold.uid


def test_events_number_key_changes_the_role_of_the_current_argument(window, project):
    key(window, Qt.Key.Key_A)  # accept "talks"; current moves on to "met"
    key(window, Qt.Key.Key_K)  # back up: "talks" (J/K walk events)
    assert window.controller.events.current_argument is None
    key(window, Qt.Key.Key_Right)  # expanded: K from "met" would now stop at its Place
    for _ in range(3):
        key(window, Qt.Key.Key_J)
    assert window.controller.events.current_argument == TALKS_ARGS[2]
    key(window, Qt.Key.Key_5)  # Meet roles: Participant Host Topic Place Time
    (gold,) = events(project)
    assert gold.arguments[2] == Argument("Time", ASTANA)
    assert actions(project)[-1] == "set_role"
    assert window.review_panel.event_model.index(3, 0).data() == "⚠ Time"  # takes no GPE
    assert "⚠" in window.review_panel.event_model.index(0, 0).data()  # Time takes no GPE
    tip = window.review_panel.event_model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "role Time does not take GPE" in tip
    # accepting the event made its arguments' entities gold (their suggestions accepted)
    assert project.gold_spans(1, WHO) == [TOKAYEV, MIRZ, ASTANA]


def test_events_e_then_a_type_key_creates_an_event_from_a_keyboard_selection(window, project):
    view = window.text
    view.select(23, 23)  # the caret before "hold"; Ctrl+Shift+Right selects the word
    key(window, Qt.Key.Key_Right, CTRL | SHIFT)
    assert view.selection() == (23, 28)  # "hold " (the trigger is trimmed)
    key(window, Qt.Key.Key_E)
    popup = window.event_keys.popup
    assert popup.isVisible() and "Meet" in popup.body.text() and "Personnel" in popup.body.text()
    assert "“hold”" in popup.subtitle.text()
    popup_key(window, Qt.Key.Key_3)  # 1 Meet, 2 Contact, 3 Visit
    assert not popup.isVisible()
    (gold,) = events(project)
    assert gold.trigger == Span(23, 27, "Visit") and gold.arguments == ()
    assert gold.attrs == {"Modality": "actual", "Negation": False}
    assert actions(project)[-1] == "add_event"
    assert window.controller.events.current_item.event.uid == gold.uid
    assert window.text.hasFocus()


def test_events_r_after_e_does_not_offer_the_trigger_itself(window, project):
    # a new user made an event with E on a word that is also an entity ("Akorda"), then
    # pressed R: the first candidate offered was that entity, the event's own trigger
    window.text.select(37, 43)  # "Astana", an entity suggestion
    key(window, Qt.Key.Key_E)
    popup_key(window, Qt.Key.Key_1)  # Meet
    assert window.controller.events.current_item.event.trigger == Span(37, 43, "Meet")
    key(window, Qt.Key.Key_R)
    keys = window.event_keys
    assert keys.candidates and all((c.start, c.end) != (37, 43) for c in keys.candidates)
    assert keys.candidate == MIRZ  # the nearest other entity of the paragraph
    popup_key(window, Qt.Key.Key_Escape)


def test_events_e_on_an_event_changes_its_type_and_escape_cancels(window, project):
    key(window, Qt.Key.Key_A)  # "talks" gold; current: "met" (pending)
    key(window, Qt.Key.Key_E)
    popup_key(window, Qt.Key.Key_Escape)
    assert not window.event_keys.popup.isVisible()
    assert len(actions(project)) == 1
    key(window, Qt.Key.Key_E)
    popup_key(window, Qt.Key.Key_2)  # Contact
    assert event_states(project)[MET] == "rejected"  # the model's type was wrong
    types = {e.trigger for e in events(project)}
    assert types == {TALKS, Span(77, 80, "Contact")}


def test_events_r_adds_an_argument_picked_with_j_and_a_role_key(window, project):
    key(window, Qt.Key.Key_J)
    key(window, Qt.Key.Key_J)
    key(window, Qt.Key.Key_J)
    key(window, Qt.Key.Key_J)
    assert window.controller.events.current_item.event.trigger == MET
    key(window, Qt.Key.Key_R)
    keys = window.event_keys
    # nearest first in the trigger's paragraph; its arguments (Tokayev, Mirziyoyev) last
    assert keys.candidate == ASTANA2
    assert window.text.overlay.candidate == (103, 109)
    assert keys.candidates[-2:] == [TOKAYEV2, SHAVKAT]
    port = window.text.viewport()
    for start, end in ((77, 80), (103, 109)):  # the popup covers neither trigger nor candidate
        for rect in window.text.rects(start, end):
            shown = QRect(port.mapToGlobal(rect.topLeft().toPoint()), rect.size().toSize())
            assert not keys.popup.geometry().intersects(shown)
    popup_key(window, Qt.Key.Key_K)  # wraps around to the last
    assert keys.candidate == SHAVKAT
    popup_key(window, Qt.Key.Key_J)
    popup_key(window, Qt.Key.Key_J)
    assert keys.candidate == APRIL
    assert "April 21" in keys.popup.subtitle.text()
    popup_key(window, Qt.Key.Key_5)  # Time
    (gold,) = events(project)
    assert gold.trigger == MET and gold.arguments == (*MET_ARGS, Argument("Time", APRIL))
    assert event_states(project)[MET] == "accepted"
    assert actions(project)[-1] == "add_argument"
    assert window.controller.events.current_argument == Argument("Time", APRIL)
    assert window.text.overlay.candidate is None


def test_events_r_offers_the_text_selection_first(window, project):
    key(window, Qt.Key.Key_A)  # "talks" is gold now, and current again after K
    key(window, Qt.Key.Key_K)
    key(window, Qt.Key.Key_K)
    key(window, Qt.Key.Key_K)
    key(window, Qt.Key.Key_K)
    window.text.select(45, 54)  # "President": no entity, so a SPAN
    key(window, Qt.Key.Key_R)
    assert window.event_keys.candidate == Span(45, 54, "SPAN")
    popup_key(window, Qt.Key.Key_1)
    assert Argument("Participant", Span(45, 54, "SPAN")) in events(project)[0].arguments


def test_events_negation_and_modality_keys(window, project):
    key(window, Qt.Key.Key_N, SHIFT)  # on a pending event: accepts it, negated
    (gold,) = events(project)
    assert gold.attrs["Negation"] is True and event_states(project)[TALKS] == "accepted"
    key(window, Qt.Key.Key_M)
    assert events(project)[0].attrs["Modality"] == "future"
    key(window, Qt.Key.Key_M)
    assert events(project)[0].attrs["Modality"] == "hypothetical"
    assert events(project)[0].uid == gold.uid
    assert actions(project)[-3:] == ["set_attribute"] * 3
    assert window.review_panel.event_model.index(0, 2).data() == "hypothetical · negated"


def test_events_undo_redo_each_step(window, project):
    key(window, Qt.Key.Key_A)
    key(window, Qt.Key.Key_X)
    assert events(project)[0].trigger == TALKS and event_states(project)[MET] == "rejected"
    key(window, Qt.Key.Key_Z, CTRL)
    assert event_states(project)[MET] == "pending"
    key(window, Qt.Key.Key_Z, CTRL)
    assert events(project) == [] and event_states(project)[TALKS] == "pending"
    assert window.controller.events.current_item.event.trigger == TALKS
    key(window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert [e.trigger for e in events(project)] == [TALKS]
    log = project.decisions(1, WHO)
    assert [d.undo_of is not None for d in log] == [False, False, True, True, False]
    assert log[-1].redo_of == log[0].id


def test_events_undo_after_reopening(make_window, window, project, db_path):
    key(window, Qt.Key.Key_A)
    key(window, Qt.Key.Key_N, SHIFT)  # "met" accepted, negated
    key(window, Qt.Key.Key_Z, CTRL)  # one redo waiting
    window.close()
    project.close()
    again = Store(db_path)
    try:
        w2 = make_window(again, WHO, worker=False)
        assert [e.trigger for e in events(again)] == [TALKS]
        key(w2, Qt.Key.Key_Z, CTRL | SHIFT)  # redo from the previous session
        assert events(again)[1].attrs["Negation"] is True
        assert w2.controller.mode == "events"  # undo and redo show what they changed
        key(w2, Qt.Key.Key_Z, CTRL)
        key(w2, Qt.Key.Key_Z, CTRL)
        assert events(again) == []
        assert set(event_states(again).values()) == {"pending"}
        key(w2, Qt.Key.Key_Z, CTRL)
        assert "Nothing to undo" in w2.statusBar().currentMessage()
    finally:
        w2.close()
        again.close()


def test_events_shift_a_accepts_all_events_as_one_step(window, project):
    key(window, Qt.Key.Key_A, SHIFT)
    assert [e.trigger for e in events(project)] == [TALKS, MET]
    # their arguments' entities became gold with them, each once
    assert project.gold_spans(1, WHO) == [TOKAYEV, MIRZ, ASTANA, TOKAYEV2, SHAVKAT]
    assert actions(project) == ["accept_all_events"]
    key(window, Qt.Key.Key_Z, CTRL)
    assert events(project) == []


def test_events_delete_removes_a_gold_event(window, project):
    key(window, Qt.Key.Key_A)
    key(window, Qt.Key.Key_K)
    key(window, Qt.Key.Key_K)
    key(window, Qt.Key.Key_K)
    key(window, Qt.Key.Key_K)
    assert current(window) == Row(0) and window.controller.events.current_item.is_gold
    key(window, Qt.Key.Key_Delete)
    assert events(project) == []
    assert event_states(project)[TALKS] == "rejected"


def test_events_click_in_the_text_selects_trigger_or_argument(window):
    view = window.text
    (rect,) = view.rects(13, 20)  # inside "Mirziyoyev", an argument of the current event
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, NOMOD, rect.center().toPoint())
    assert window.controller.events.current_argument == TALKS_ARGS[1]
    (rect,) = view.rects(78, 79)  # the "met" trigger
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, NOMOD, rect.center().toPoint())
    assert current(window) == Row(1)
    window.review_panel.event_table.clicked.emit(window.review_panel.event_model.index(0, 1))
    assert current(window) == Row(0)


def test_events_layer_paints_trigger_box_and_role_underlines(window):
    view = window.text
    image = view.viewport().grab().toImage()
    dpr = image.devicePixelRatio()
    (trig,) = view.rects(28, 33)
    left = QColor(image.pixel(int((trig.left() - 2) * dpr), int(trig.center().y() * dpr)))
    assert left.red() == TRIGGER_INK.red() or left.lightness() < 200  # the box edge
    (arg,) = view.rects(0, 7)
    under = QColor(image.pixel(int(arg.center().x() * dpr), int((arg.bottom() - 1.5) * dpr)))
    assert under == window.styles.role_ink(0)  # Participant: the first role's colour
    inside = QColor(image.pixel(int(trig.center().x() * dpr), int((trig.top() + 2) * dpr)))
    assert inside.lightness() > 200 and inside.blue() > inside.green()  # the violet tint


def test_events_help_and_menus_list_the_event_keys(window):
    texts = [a.text() for a in window.menuBar().actions()]
    assert "&Events" in texts
    rows = {r[2] for r in shortcut_rows(window.specs)}
    assert {"E", "R", "M", "Shift+N", "Tab", "1–9"} <= rows


def test_event_list_model_passes_the_model_tester(qtmodeltester, window):
    model = EventListModel(SpanStyles(window.controller.labels), load_schema())
    model.set_events(window.controller.events)
    qtmodeltester.check(model)
    assert model.rowCount() == 1 + 3 + 1 + 2
    assert [model.index(r, 0).data().strip() for r in range(4)] == [
        "▸ Meet",
        "Participant",
        "Participant",
        "Place",
    ]
    assert model.index(1, 2).data() == "PERSON"
    model.set_events(None)
    qtmodeltester.check(model)
    assert model.rowCount() == 0


def test_events_keys_jump_to_the_next_pending_item_and_the_next_event(window, project):
    c = window.controller
    key(window, Qt.Key.Key_A)  # "talks" accepted: "met" is current
    key(window, Qt.Key.Key_J, SHIFT)  # the next pending event: "met" again (the only one)
    assert c.events.current_item.event.trigger == MET
    key(window, Qt.Key.Key_Tab)  # the entities: Tokayev (gold now), then pending ones
    key(window, Qt.Key.Key_J, SHIFT)
    assert c.review.current_item.state == "pending"
    first = c.review.current_item.span
    key(window, Qt.Key.Key_J, SHIFT)
    assert c.review.current_item.state == "pending" and c.review.current_item.span != first
    key(window, Qt.Key.Key_K, SHIFT)
    assert c.review.current_item.span == first
    key(window, Qt.Key.Key_BracketLeft)  # the previous event, from the entities list
    assert c.mode == "events" and c.events.current_item.event.trigger == TALKS
    key(window, Qt.Key.Key_BracketRight)
    assert c.events.current_item.event.trigger == MET
    assert "Next pending suggestion" in {r[1] for r in shortcut_rows(window.specs)}
