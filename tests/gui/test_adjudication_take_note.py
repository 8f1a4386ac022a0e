"""Taking an annotator's event whose argument's entity the adjudicated version holds with
another label: the gold label wins (as accepting an event does), and the status bar says
what differs from the version taken, rather than making gold neither version silently."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from annotator.core import commands as cmd
from annotator.core.models import Argument, Event, ParsedDoc, Span, new_uid
from annotator.store import Store
from annotator.store.team import ADJUDICATOR

TEXT = "Tokayev and Mirziyoyev hold talks in Astana on Monday."
TOKAYEV, ASTANA, ASTANA_LOC = Span(0, 7, "PERSON"), Span(37, 43, "GPE"), Span(37, 43, "LOC")
TALKS = Span(28, 33, "Meet")
NOMOD = Qt.KeyboardModifier.NoModifier
SHIFT, CTRL = Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.ControlModifier


def _gold(store: Store, who: str, spans: list[Span], event: Event) -> None:
    changes = [cmd.add_span(s) for s in spans] + [cmd.add_event(replace(event, uid=new_uid()))]
    store.apply(1, who, cmd.Command("import", tuple(changes)))
    store.apply(1, who, cmd.Command("done", (cmd.set_status("in_progress", "done"),)))


@pytest.fixture
def project(db_path):
    s = Store(db_path)
    s.add_docs([ParsedDoc(text=TEXT, title=TEXT, lang="en", source="t.txt")])
    # "Astana": a GPE for alice, a LOC for bob, in their events' Place too
    place = (Argument("Participant", TOKAYEV), Argument("Place", ASTANA))
    _gold(s, "alice", [TOKAYEV, ASTANA], Event(TALKS, place))
    place_loc = (Argument("Participant", TOKAYEV), Argument("Place", ASTANA_LOC))
    _gold(s, "bob", [TOKAYEV, ASTANA_LOC], Event(TALKS, place_loc))
    yield s
    s.close()


def key(w, k, mods=NOMOD):
    w.text.setFocus()
    QTest.keyClick(w.text, k, mods)


def test_adjudication_take_note_says_the_gold_label_won(make_window, project):
    w = make_window(project, "tester", worker=False)
    w.controller.open_article(1)
    key(w, Qt.Key.Key_A, CTRL | SHIFT)
    assert w.adjudication.current_row.span == TALKS  # the first disagreement: the event
    key(w, Qt.Key.Key_D)
    assert w.adjudication.current_row.span.start == ASTANA.start
    key(w, Qt.Key.Key_2)  # bob's LOC for "Astana"
    key(w, Qt.Key.Key_D, SHIFT)
    key(w, Qt.Key.Key_1)  # alice's event: its Place takes the gold entity, a LOC
    (event,) = project.gold_events(1, ADJUDICATOR)
    assert Argument("Place", ASTANA_LOC) in event.arguments  # the rule stays
    line = w.statusBar().currentMessage()
    assert line == (
        "Taken from alice, with “Astana” as LOC (the gold entity's label; relabel it to "
        "take alice's GPE). That is bob's version."
    )


def test_adjudication_take_note_is_quiet_when_the_event_is_taken_as_it_is(make_window, project):
    w = make_window(project, "tester", worker=False)
    w.controller.open_article(1)
    key(w, Qt.Key.Key_A, CTRL | SHIFT)
    key(w, Qt.Key.Key_D)
    key(w, Qt.Key.Key_1)  # alice's GPE
    key(w, Qt.Key.Key_D, SHIFT)
    key(w, Qt.Key.Key_1)  # alice's event, whole
    (event,) = project.gold_events(1, ADJUDICATOR)
    assert Argument("Place", ASTANA) in event.arguments
    assert "Taken from" not in w.statusBar().currentMessage()
