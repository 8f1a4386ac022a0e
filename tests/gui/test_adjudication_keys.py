"""Adjudication in the window, driven by the keyboard, with the store checked after each
step: agreed items merged into 'gold' on entering (once), 1/2 take an annotator's version,
X takes none, L and Alt+arrows edit the adjudicated entity, D walks the disagreements,
Ctrl+Z / Ctrl+Shift+Z undo and redo on gold's own stack, Esc leaves."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from annotator.core import commands as cmd
from annotator.core.adjudication import MERGE
from annotator.core.models import Argument, Event, ParsedDoc, Span, new_uid
from annotator.store import Store
from annotator.store.audit import check
from annotator.store.team import ADJUDICATOR

TEXT = (
    "Tokayev and Mirziyoyev hold talks in Astana\n\n"
    "President Kassym-Jomart Tokayev met Shavkat Mirziyoyev in Astana on April 21."
)
TOKAYEV, MIRZ, ASTANA = Span(0, 7, "PERSON"), Span(12, 22, "PERSON"), Span(37, 43, "GPE")
MIRZ_ORG = Span(12, 22, "ORG")
APRIL = Span(113, 121, "DATE")
APRIL_LONG = Span(110, 121, "DATE")  # "on April 21": a boundary slip
SHAVKAT = Span(81, 99, "PERSON")
TALKS = Span(28, 33, "Meet")
EVENT_A = Event(TALKS, (Argument("Participant", TOKAYEV), Argument("Place", ASTANA)))
NOMOD = Qt.KeyboardModifier.NoModifier
SHIFT, CTRL, ALT = (
    Qt.KeyboardModifier.ShiftModifier,
    Qt.KeyboardModifier.ControlModifier,
    Qt.KeyboardModifier.AltModifier,
)


def _gold(store: Store, who: str, spans: list[Span], events: tuple[Event, ...] = ()) -> None:
    # every annotator's event has its own uid
    changes = [cmd.add_span(s) for s in spans]
    changes += [cmd.add_event(replace(e, uid=new_uid())) for e in events]
    store.apply(1, who, cmd.Command("import", tuple(changes)))
    store.apply(1, who, cmd.Command("done", (cmd.set_status("in_progress", "done"),)))


@pytest.fixture
def project(db_path):
    s = Store(db_path)
    s.add_docs([ParsedDoc(text=TEXT, title=TEXT.split("\n")[0], lang="en", source="t.txt")])
    # agreed: TOKAYEV, ASTANA, the talks event; differ: MIRZ (PERSON / ORG), SHAVKAT (bob
    # only), APRIL (boundaries)
    _gold(s, "alice", [TOKAYEV, MIRZ, ASTANA, APRIL], (EVENT_A,))
    _gold(s, "bob", [TOKAYEV, MIRZ_ORG, ASTANA, SHAVKAT, APRIL_LONG], (EVENT_A,))
    yield s
    s.close()


@pytest.fixture
def window(make_window, project):
    w = make_window(project, "tester", worker=False)
    w.controller.open_article(1)
    return w


def key(w, k, mods=NOMOD):
    w.text.setFocus()
    QTest.keyClick(w.text, k, mods)


def gold(store: Store) -> set[Span]:
    return set(store.gold_spans(1, ADJUDICATOR))


def current(w) -> Span:
    return w.adjudication.current_row.span


def test_adjudication_keys_enter_merges_agreed_items_once(window, project):
    key(window, Qt.Key.Key_A, CTRL | SHIFT)
    assert window.adjudication is not None
    assert not window.adjudication_panel.isHidden() and window.review_panel.isHidden()
    assert "1  take alice's version" in window.adjudication_details.keys.text()
    assert gold(project) == {TOKAYEV, ASTANA}
    (event,) = project.gold_events(1, ADJUDICATOR)
    assert event == EVENT_A  # same content, the adjudicator's own uid
    assert [d.command.action for d in project.decisions(1, ADJUDICATOR)] == [MERGE]
    key(window, Qt.Key.Key_Escape)
    assert window.adjudication is None and window.adjudication_panel.isHidden()
    assert not window.review_panel.isHidden()
    key(window, Qt.Key.Key_A, CTRL | SHIFT)  # re-entering changes nothing
    assert [d.command.action for d in project.decisions(1, ADJUDICATOR)] == [MERGE]
    assert gold(project) == {TOKAYEV, ASTANA}
    key(window, Qt.Key.Key_A, CTRL | SHIFT)  # the same key leaves
    assert window.adjudication is None
    assert check(project) == []


def test_adjudication_keys_take_take_none_next_and_undo(window, project):
    key(window, Qt.Key.Key_A, CTRL | SHIFT)
    a = window.adjudication
    assert a.names == ["alice", "bob"]
    assert current(window) in (MIRZ, MIRZ_ORG)  # the first disagreement
    key(window, Qt.Key.Key_2)  # bob's version: ORG
    assert gold(project) == {TOKAYEV, ASTANA, MIRZ_ORG}
    key(window, Qt.Key.Key_1)  # alice's: PERSON instead
    assert gold(project) == {TOKAYEV, ASTANA, MIRZ}
    key(window, Qt.Key.Key_D)  # next disagreement: Shavkat (bob only)
    assert current(window) == SHAVKAT
    key(window, Qt.Key.Key_2)
    assert SHAVKAT in gold(project)
    key(window, Qt.Key.Key_X)  # take none
    assert SHAVKAT not in gold(project)
    key(window, Qt.Key.Key_D)
    assert current(window) in (APRIL, APRIL_LONG)
    key(window, Qt.Key.Key_2)
    assert gold(project) == {TOKAYEV, ASTANA, MIRZ, APRIL_LONG}
    key(window, Qt.Key.Key_Z, CTRL)  # undo the take
    assert gold(project) == {TOKAYEV, ASTANA, MIRZ}
    key(window, Qt.Key.Key_Z, CTRL | SHIFT)  # redo it
    assert gold(project) == {TOKAYEV, ASTANA, MIRZ, APRIL_LONG}
    key(window, Qt.Key.Key_D, SHIFT)  # back to Shavkat
    assert current(window) == SHAVKAT
    assert project.status(1, ADJUDICATOR) == "in_progress"
    key(window, Qt.Key.Key_Return, CTRL)  # the adjudicated version is done
    assert project.status(1, ADJUDICATOR) == "done"
    assert project.gold_spans(1, "alice") == sorted([TOKAYEV, MIRZ, ASTANA, APRIL])
    assert check(project) == []


def test_adjudication_keys_done_with_undecided_disagreements_asks_first(window, project):
    # a new user marked gold done with most disagreements untaken, and was not asked
    key(window, Qt.Key.Key_A, CTRL | SHIFT)
    key(window, Qt.Key.Key_2)  # Mirziyoyev: bob's; Shavkat and April still undecided
    key(window, Qt.Key.Key_Return, CTRL)
    assert project.status(1, ADJUDICATOR) == "in_progress"
    assert "Not done: 2 disagreements have nothing in gold" in window.statusBar().currentMessage()
    key(window, Qt.Key.Key_D)
    key(window, Qt.Key.Key_X)  # Shavkat: none, decided (a change: Ctrl+Enter asks again)
    key(window, Qt.Key.Key_Return, CTRL)
    assert project.status(1, ADJUDICATOR) == "in_progress"
    assert "1 disagreement has nothing" in window.statusBar().currentMessage()
    key(window, Qt.Key.Key_Return, CTRL)  # again: done as it is
    assert project.status(1, ADJUDICATOR) == "done"
    assert gold(project) == {TOKAYEV, ASTANA, MIRZ_ORG}
    assert check(project) == []


def test_adjudication_keys_edit_the_adjudicated_entity(window, project):
    key(window, Qt.Key.Key_A, CTRL | SHIFT)
    key(window, Qt.Key.Key_1)  # Mirziyoyev as PERSON
    assert MIRZ in gold(project)
    window.apply_label("NORP")  # what the label picker (L) calls with the chosen label
    assert Span(12, 22, "NORP") in gold(project) and MIRZ not in gold(project)
    assert current(window) == Span(12, 22, "NORP")
    row = window.adjudication.current_row
    assert row.has == frozenset() and row.gold is not None  # the adjudicator's own
    key(window, Qt.Key.Key_Right, ALT | SHIFT)  # the end a token on: "Mirziyoyev hold"
    assert Span(12, 27, "NORP") in gold(project) and Span(12, 22, "NORP") not in gold(project)
    assert current(window) == Span(12, 27, "NORP")
    key(window, Qt.Key.Key_Z, CTRL)
    assert Span(12, 22, "NORP") in gold(project)
    key(window, Qt.Key.Key_Z, CTRL)
    assert MIRZ in gold(project)
    assert check(project) == []


def test_adjudication_keys_other_review_keys_are_shut(window, project):
    key(window, Qt.Key.Key_A, CTRL | SHIFT)
    before = project.decisions(1, "tester")
    key(window, Qt.Key.Key_A)  # accept: the annotator's own version is not on screen
    key(window, Qt.Key.Key_N)  # next article: stays
    assert project.decisions(1, "tester") == before
    assert window.adjudication is not None
    assert "not while adjudicating" in window.statusBar().currentMessage()


def test_adjudication_keys_take_an_event_brings_its_entities(window, project):
    project.apply(
        1,
        "bob",
        cmd.Command(
            "add",
            (cmd.add_event(Event(Span(77, 80, "Meet"), (Argument("Participant", SHAVKAT),))),),
        ),
    )
    key(window, Qt.Key.Key_A, CTRL | SHIFT)
    rows = window.adjudication.rows
    index = next(i for i, r in enumerate(rows) if r.kind == "event" and not r.agreed)
    window.adjudication.set_current(index)
    key(window, Qt.Key.Key_2)
    met = [e for e in project.gold_events(1, ADJUDICATOR) if e.trigger.start == 77]
    assert len(met) == 1 and SHAVKAT in gold(project)
    key(window, Qt.Key.Key_X)
    assert not [e for e in project.gold_events(1, ADJUDICATOR) if e.trigger.start == 77]
    assert check(project) == []


def test_adjudication_keys_table_shows_each_version(window, project, qtmodeltester):
    key(window, Qt.Key.Key_A, CTRL | SHIFT)
    model = window.adjudication_panel.model
    qtmodeltester.check(model)
    assert model.COLUMNS == ("item", "1 alice", "2 bob", ADJUDICATOR)
    rows = window.adjudication.rows
    i = next(i for i, r in enumerate(rows) if r.span == SHAVKAT)
    assert [model.index(i, c).data() for c in range(1, 4)] == ["—", "PERSON", "—"]
    assert model.index(i, 0).data().startswith("≠ ")
    j = next(i for i, r in enumerate(rows) if r.span == TOKAYEV)
    assert [model.index(j, c).data() for c in range(1, 4)] == ["PERSON"] * 3


def test_adjudication_keys_a_single_annotator_has_nothing_to_adjudicate(make_window, db_path):
    s = Store(db_path)
    s.add_docs([ParsedDoc(text=TEXT, title="t", lang="en", source="t.txt")])
    _gold(s, "alice", [TOKAYEV])
    w = make_window(s, "tester", worker=False)
    w.controller.open_article(1)
    key(w, Qt.Key.Key_A, CTRL | SHIFT)
    assert w.adjudication is None
    assert "Nothing to adjudicate" in w.statusBar().currentMessage()
    assert s.decisions(1, ADJUDICATOR) == []
    s.close()


def test_adjudication_keys_adjudicating_as_gold_then_the_normal_view(make_window, project):
    w = make_window(project, ADJUDICATOR, worker=False)
    w.controller.open_article(1)
    key(w, Qt.Key.Key_A, CTRL | SHIFT)
    key(w, Qt.Key.Key_2)  # bob's ORG for Mirziyoyev
    key(w, Qt.Key.Key_Escape)
    assert set(w.controller.state.spans) == gold(project) == {TOKAYEV, ASTANA, MIRZ_ORG}
    key(w, Qt.Key.Key_Z, CTRL)  # the normal view's undo takes back the same take
    assert gold(project) == {TOKAYEV, ASTANA}
    assert check(project) == []


def test_adjudication_keys_nothing_agreed_still_shows_every_row(make_window, db_path):
    """Two versions with no item in common: nothing is merged, and the table still has a
    row per item with the first disagreement current."""
    s = Store(db_path)
    s.add_docs([ParsedDoc(text=TEXT, title=TEXT.split("\n")[0], lang="en", source="t.txt")])
    _gold(s, "alice", [TOKAYEV, MIRZ])
    _gold(s, "bob", [MIRZ_ORG, SHAVKAT])
    w = make_window(s, "tester", worker=False)
    w.controller.open_article(1)
    key(w, Qt.Key.Key_A, CTRL | SHIFT)
    assert w.adjudication is not None
    assert {r.span for r in w.adjudication.rows} == {TOKAYEV, MIRZ, MIRZ_ORG, SHAVKAT}
    assert current(w) == TOKAYEV
    assert gold(s) == set()
    actions = [d.action for d in s.decisions(1, ADJUDICATOR)]
    assert MERGE not in actions
    key(w, Qt.Key.Key_1)  # take alice's version of the first disagreement
    assert TOKAYEV in gold(s)
    s.close()


def test_adjudication_keys_span_phrases_and_taken_events_stay_on_gold_entities(
    make_window, db_path
):
    """An agreed event's Topic phrase is no entity after the merge; taking bob's event
    whose Place is LOC after taking alice's GPE leaves one label on "Astana" (gold's)."""
    s = Store(db_path)
    s.add_docs([ParsedDoc(text=TEXT, title=TEXT.split("\n")[0], lang="en", source="t.txt")])
    topic = Span(12, 22, "SPAN")  # a phrase, not an entity
    agreed = Event(TALKS, (Argument("Participant", TOKAYEV), Argument("Topic", topic)))
    astana_loc = Span(37, 43, "LOC")
    talks_at = Event(Span(77, 80, "Meet"), (Argument("Place", ASTANA),))
    talks_at_loc = Event(Span(77, 80, "Meet"), (Argument("Place", astana_loc),))
    _gold(s, "alice", [TOKAYEV, ASTANA], (agreed, talks_at))
    _gold(s, "bob", [TOKAYEV, astana_loc], (agreed, talks_at_loc))
    w = make_window(s, "tester", worker=False)
    w.controller.open_article(1)
    key(w, Qt.Key.Key_A, CTRL | SHIFT)
    assert gold(s) == {TOKAYEV}  # the Topic phrase is not made an entity
    (merged,) = s.gold_events(1, ADJUDICATOR)
    assert Argument("Topic", topic) in merged.arguments
    while current(w) != ASTANA:
        key(w, Qt.Key.Key_D)
    key(w, Qt.Key.Key_1)  # alice's GPE
    assert gold(s) == {TOKAYEV, ASTANA}
    rows = w.adjudication.rows
    w.adjudication.set_current(next(i for i, r in enumerate(rows) if r.item == talks_at_loc))
    key(w, Qt.Key.Key_2)  # bob's event: its Place links to gold's GPE
    assert gold(s) == {TOKAYEV, ASTANA}
    places = [
        a.span for e in s.gold_events(1, ADJUDICATOR) for a in e.arguments if a.role == "Place"
    ]
    assert places == [ASTANA]
    assert check(s) == []
    s.close()
