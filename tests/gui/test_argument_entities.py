"""Event arguments stand on gold entities, in the window: every carry-over by keyboard,
with the database checked after each step and after each undo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from annotator.core.models import EVENT, Argument, ParsedDoc, Span, Suggestion
from annotator.gui.controller import ENTITIES
from annotator.store import Store
from annotator.store.audit import check

TEXT = (
    "Tokayev and Mirziyoyev hold talks in Astana\n\n"
    "President Kassym-Jomart Tokayev met Shavkat Mirziyoyev in Astana on April 21."
)
WHO = "tester"
TOKAYEV, MIRZ, ASTANA = Span(0, 7, "PERSON"), Span(12, 22, "PERSON"), Span(37, 43, "GPE")
TALKS = Span(28, 33, "Meet")
ATTRS = (("Modality", "actual"), ("Negation", False))
TALKS_ARGS = (
    Argument("Participant", TOKAYEV, "subj-active"),
    Argument("Participant", MIRZ, "conj-list"),
    Argument("Place", ASTANA, "model:0.87"),
)
NOMOD = Qt.KeyboardModifier.NoModifier
ALT, SHIFT = Qt.KeyboardModifier.AltModifier, Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def project(db_path):
    s = Store(db_path)
    s.add_docs([ParsedDoc(text=TEXT, title=TEXT.split("\n")[0], lang="en", source="t.txt")])
    entities = [Suggestion(x) for x in (TOKAYEV, MIRZ, ASTANA)]
    s.add_suggestions([(1, [*entities, Suggestion(TALKS, EVENT, TALKS_ARGS, ATTRS)])], "r", "1")
    yield s
    s.close()


@pytest.fixture
def window(make_window, project):
    """The event "talks" accepted from the events list; back in the entities list."""
    w = make_window(project, WHO, worker=False)
    key(w, Qt.Key.Key_Tab)
    key(w, Qt.Key.Key_A)
    key(w, Qt.Key.Key_Tab)
    return w


def key(w, k, mods=NOMOD):
    w.text.setFocus()
    QTest.keyClick(w.text, k, mods)


def arguments(store):
    (event,) = store.gold_events(1, WHO)
    return [(a.role, a.span) for a in event.arguments]


def entities(store):
    return store.gold_spans(1, WHO)


def to_entity(w, span):
    review = w.controller.review
    w.controller.set_current(next(n for n, it in enumerate(review.items) if it.span == span))


def test_argument_entities_accepting_the_event_made_its_entities_gold(window, project):
    assert entities(project) == [TOKAYEV, MIRZ, ASTANA]
    states = {s.span: st for s, st in project.suggestions(1, WHO)}
    assert states[TOKAYEV] == states[MIRZ] == states[ASTANA] == "accepted"
    assert arguments(project) == [("Participant", TOKAYEV), ("Participant", MIRZ),
                                  ("Place", ASTANA)]  # fmt: skip
    assert check(project) == []


def test_argument_entities_relabel_carries_over_and_undoes_as_one(window, project):
    to_entity(window, TOKAYEV)
    key(window, Qt.Key.Key_2)  # ORG
    org = Span(0, 7, "ORG")
    assert org in entities(project) and TOKAYEV not in entities(project)
    assert arguments(project)[0] == ("Participant", org)
    assert "1 event argument changed with it" in window.statusBar().currentMessage()
    key(window, Qt.Key.Key_Z, CTRL)
    assert TOKAYEV in entities(project) and org not in entities(project)
    assert arguments(project)[0] == ("Participant", TOKAYEV)
    # the entities list stays (a new user's next Shift+A, meant for entities, accepted
    # every pending event after undo had switched to the events list)
    assert window.controller.mode == ENTITIES
    assert window.controller.review.current_item.span == TOKAYEV
    key(window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert arguments(project)[0] == ("Participant", org)
    assert window.controller.mode == ENTITIES
    assert check(project) == []


def test_argument_entities_nudge_carries_over_and_undoes(window, project):
    to_entity(window, TOKAYEV)
    key(window, Qt.Key.Key_Right, ALT | SHIFT)  # "Tokayev and"
    wider = Span(0, 11, "PERSON")
    assert arguments(project)[0] == ("Participant", wider)
    assert entities(project)[0] == wider
    key(window, Qt.Key.Key_Z, CTRL)
    assert arguments(project)[0] == ("Participant", TOKAYEV)
    assert entities(project)[0] == TOKAYEV
    assert check(project) == []


def test_argument_entities_delete_removes_the_argument_in_the_same_step(window, project):
    to_entity(window, MIRZ)
    key(window, Qt.Key.Key_Delete)
    assert MIRZ not in entities(project)
    assert arguments(project) == [("Participant", TOKAYEV), ("Place", ASTANA)]
    assert "1 event argument removed with it" in window.statusBar().currentMessage()
    key(window, Qt.Key.Key_Z, CTRL)
    assert MIRZ in entities(project)
    assert arguments(project) == [("Participant", TOKAYEV), ("Participant", MIRZ),
                                  ("Place", ASTANA)]  # fmt: skip
    assert check(project) == []


def test_argument_entities_alt_arrows_on_an_argument_row_move_the_entity(window, project):
    key(window, Qt.Key.Key_Tab)  # the events list
    c = window.controller
    c.set_current(c.events.rows.index(next(r for r in c.events.rows if r.argument == 2)))
    assert c.events.current_argument.span == ASTANA
    key(window, Qt.Key.Key_Left, ALT)  # start one token left: "in Astana"
    moved = Span(34, 43, "GPE")
    assert arguments(project)[2] == ("Place", moved)
    assert moved in entities(project) and ASTANA not in entities(project)
    assert c.events.current_argument.span == moved  # still on the argument row
    key(window, Qt.Key.Key_Right, ALT)
    assert arguments(project)[2] == ("Place", ASTANA)
    key(window, Qt.Key.Key_Right, ALT | SHIFT)  # past the end of the line: refused
    key(window, Qt.Key.Key_Z, CTRL)
    key(window, Qt.Key.Key_Z, CTRL)
    assert arguments(project)[2] == ("Place", ASTANA) and check(project) == []


def test_argument_entities_a_label_that_no_longer_fits_its_role_is_flagged(window, project):
    to_entity(window, ASTANA)
    key(window, Qt.Key.Key_5)  # a label Place does not take
    label = window.controller.review.current_item.span.label
    model = window.review_panel.event_model
    row = next(n for n in range(model.rowCount()) if "Place" in (model.index(n, 0).data() or ""))
    assert model.index(row, 0).data().startswith("⚠")
    assert f"Place does not take {label}" in model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)


def test_argument_entities_pending_arguments_show_the_rule(make_window, project):
    w = make_window(project, WHO, worker=False)
    key(w, Qt.Key.Key_Tab)
    model = w.review_panel.event_model
    assert model.index(1, 2).data() == "PERSON · subj-active"
    assert "proposed by the rule conj-list" in model.index(2, 0).data(Qt.ItemDataRole.ToolTipRole)
    # an argument the learned argument model added says so, and how sure it was
    assert model.index(3, 2).data() == "GPE · model:0.87"
    tip = model.index(3, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "added by the argument model (probability 0.87)" in tip


def test_argument_entities_an_upgraded_project_says_so_and_its_event_edits_carry_over(
    make_window, tmp_path
):
    """A schema-v2 project (arguments not yet on entities) opened in the window."""
    import shutil
    from pathlib import Path

    path = tmp_path / "v2.db"
    shutil.copy(Path(__file__).parents[1] / "store" / "fixtures" / "project_v2.db", path)
    store = Store(path)
    try:
        w = make_window(store, "alice", worker=False)
        assert "Project upgraded: event arguments now refer to gold entities" in (
            w.statusBar().currentMessage()
        )
        tokayev = Span(0, 21, "PERSON")
        to_entity(w, tokayev)
        key(w, Qt.Key.Key_Delete)  # the entity of an argument of alice's Meet event
        meet = next(e for e in store.gold_events(1, "alice") if e.uid == "meet-alice")
        assert tokayev not in [a.span for a in meet.arguments]
        key(w, Qt.Key.Key_Z, CTRL)
        meet = next(e for e in store.gold_events(1, "alice") if e.uid == "meet-alice")
        assert meet.arguments[0].span == tokayev
        assert check(store) == []
    finally:
        store.close()
