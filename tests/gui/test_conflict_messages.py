"""A key on something another program changed meanwhile (a ``merge`` into the open
project, a second window): the "Not saved" line names it as the window shows it and says
what happened, never an internal uid."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from annotator.core import commands as cmd
from annotator.core.models import EVENT, Argument, ParsedDoc, Span, Suggestion
from annotator.store import Store

TEXT = "Tokayev met Mirziyoyev in Astana on Monday."
WHO = "tester"
TOKAYEV, MIRZ, ASTANA = Span(0, 7, "PERSON"), Span(12, 22, "PERSON"), Span(26, 32, "GPE")
MET = Span(8, 11, "Meet")
ARGS = (Argument("Participant", TOKAYEV), Argument("Participant", MIRZ))
ATTRS = (("Modality", "actual"), ("Negation", False))


@pytest.fixture
def project(db_path):
    s = Store(db_path)
    s.add_docs([ParsedDoc(text=TEXT, title=TEXT, lang="en", source="t.txt")])
    entities = [Suggestion(x) for x in (TOKAYEV, MIRZ, ASTANA)]
    s.add_suggestions([(1, [*entities, Suggestion(MET, EVENT, ARGS, ATTRS)])], "r", "1")
    yield s
    s.close()


def key(w, k, mods=Qt.KeyboardModifier.NoModifier):
    w.text.setFocus()
    QTest.keyClick(w.text, k, mods)


def elsewhere(db_path, *changes):
    """Another program (a merge, say) changes this annotator's version of the article."""
    with Store(db_path) as other:
        other.apply_command(1, WHO, cmd.Command("merge", tuple(changes)))


def test_conflict_messages_name_the_event_by_type_and_trigger(make_window, project, db_path):
    w = make_window(project, WHO, worker=False)
    key(w, Qt.Key.Key_Tab)
    key(w, Qt.Key.Key_A)  # the event accepted: gold
    (event,) = project.gold_events(1, WHO)
    elsewhere(db_path, cmd.remove_event(event))
    key(w, Qt.Key.Key_Delete)
    line = w.statusBar().currentMessage()
    assert line.startswith("Not saved: the Meet event “met” was changed by another program")
    assert "reloaded" in line
    assert event.uid not in line
    assert w.controller.events.gold_count() == 0  # the window shows what the project holds


def test_conflict_messages_name_the_entity_by_its_words_and_label(make_window, project, db_path):
    w = make_window(project, WHO, worker=False)
    key(w, Qt.Key.Key_A)  # "Tokayev" accepted: gold
    elsewhere(db_path, cmd.remove_span(TOKAYEV))
    key(w, Qt.Key.Key_K)
    assert w.controller.review.current_item.span == TOKAYEV
    key(w, Qt.Key.Key_2)  # relabel it ORG
    line = w.statusBar().currentMessage()
    assert line.startswith("Not saved: the entity “Tokayev” (PERSON) was changed by another")
    assert "gold span" not in line
