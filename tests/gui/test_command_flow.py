"""The command is the unit of change: the store applies it (a few guarded statements, no
re-read of the article), the window applies the same change in memory, and what it shows
is always what the store holds; undo and redo go through the same stack."""

from __future__ import annotations

import random

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from annotator.core.article_state import ArticleState
from annotator.core.models import EVENT, Argument, ParsedDoc, Span, Suggestion
from annotator.store import Store
from annotator.store.audit import check

TEXT = (
    "Tokayev and Mirziyoyev hold talks in Astana\n\n"
    "President Kassym-Jomart Tokayev met Shavkat Mirziyoyev in Astana on April 21."
)
WHO = "tester"
TOKAYEV, MIRZ, ASTANA = Span(0, 7, "PERSON"), Span(12, 22, "PERSON"), Span(37, 43, "GPE")
TOKAYEV2, SHAVKAT, APRIL = Span(69, 76, "PERSON"), Span(81, 99, "PERSON"), Span(113, 121, "DATE")
TALKS, MET = Span(28, 33, "Meet"), Span(77, 80, "Meet")
ATTRS = (("Modality", "actual"), ("Negation", False))
NOMOD = Qt.KeyboardModifier.NoModifier
SHIFT, CTRL, ALT = (
    Qt.KeyboardModifier.ShiftModifier,
    Qt.KeyboardModifier.ControlModifier,
    Qt.KeyboardModifier.AltModifier,
)


@pytest.fixture
def project(db_path):
    s = Store(db_path)
    s.add_docs([ParsedDoc(text=TEXT, title=TEXT.split("\n")[0], lang="en", source="t.txt")])
    talks = (Argument("Participant", TOKAYEV), Argument("Place", ASTANA))
    met = (Argument("Participant", TOKAYEV2), Argument("Participant", SHAVKAT))
    found = [Suggestion(x) for x in (TOKAYEV, MIRZ, ASTANA, TOKAYEV2, SHAVKAT, APRIL)]
    found += [Suggestion(TALKS, EVENT, talks, ATTRS), Suggestion(MET, EVENT, met, ATTRS)]
    s.add_suggestions([(1, found)], "r", "1")
    yield s
    s.close()


@pytest.fixture
def window(make_window, project):
    return make_window(project, WHO, worker=False)


def key(w, k, mods=NOMOD):
    w.text.setFocus()
    QTest.keyClick(w.text, k, mods)


def stored(store) -> ArticleState:
    return ArticleState.read(
        store.suggestions(1, WHO),
        store.gold_spans(1, WHO),
        store.gold_events(1, WHO),
        store.status(1, WHO),
    )


def shown(window) -> tuple:
    c = window.controller
    return (
        [(i.span, i.state, i.suggestion_id) for i in c.review.items],
        [(i.event, i.state, i.suggestion_id) for i in c.events.items],
        c.review.status,
    )


def fresh(window, store) -> tuple:
    """What the window would show had it read the article again."""
    from annotator.core.event_review import EventReview
    from annotator.core.review import Review

    st = stored(store)
    sugg = list(st.suggestions.values())
    review = Review(1, TEXT, sugg, st.sorted_spans(), st.status, st.sorted_events())
    events = EventReview(1, TEXT, sugg, st.sorted_events(), window.controller.schema,
                         st.sorted_spans())  # fmt: skip
    return (
        [(i.span, i.state, i.suggestion_id) for i in review.items],
        [(i.event, i.state, i.suggestion_id) for i in events.items],
        review.status,
    )


def test_command_flow_a_decision_is_four_guarded_statements_and_no_reread(window, project):
    key(window, Qt.Key.Key_A)  # the first edit also moves the article to in_progress
    statements: list[str] = []
    project.db.conn.set_trace_callback(statements.append)
    try:
        key(window, Qt.Key.Key_A)
    finally:
        project.db.conn.set_trace_callback(None)
    top = [s for n, s in enumerate(statements) if n == 0 or s != statements[n - 1]]  # triggers
    writes = [s for s in top if s.split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert [s.split()[0] for s in top if s.split()[0] in ("BEGIN", "COMMIT")] == ["BEGIN", "COMMIT"]
    assert len(writes) <= 4, writes
    # the article is not read again (its suggestions, gold spans, gold events)
    reads = (
        "SELECT g.id, g.kind",
        'SELECT start, "end", label FROM gold_spans',
        "FROM gold_events",
    )
    assert not [s for s in top if any(r in s for r in reads)], top
    assert shown(window) == fresh(window, project)


def test_command_flow_today_counts_decisions_not_undo_or_redo(window, project):
    key(window, Qt.Key.Key_A)
    key(window, Qt.Key.Key_X)
    key(window, Qt.Key.Key_Z, CTRL)
    key(window, Qt.Key.Key_Z, CTRL | SHIFT)
    stats = window.controller.stats
    assert stats.today == 2 and stats.session == 2
    from annotator.gui.stats import SessionStats

    assert SessionStats(project, WHO).today == 2  # the store agrees after a restart
    assert len(project.decisions(1, WHO)) == 4


KEYS = [
    (Qt.Key.Key_A, NOMOD),
    (Qt.Key.Key_X, NOMOD),
    (Qt.Key.Key_J, NOMOD),
    (Qt.Key.Key_K, NOMOD),
    (Qt.Key.Key_2, NOMOD),
    (Qt.Key.Key_4, NOMOD),
    (Qt.Key.Key_Delete, NOMOD),
    (Qt.Key.Key_Right, ALT | SHIFT),
    (Qt.Key.Key_Left, ALT),
    (Qt.Key.Key_A, SHIFT),
    (Qt.Key.Key_Tab, NOMOD),
    (Qt.Key.Key_Right, NOMOD),
    (Qt.Key.Key_M, NOMOD),
    (Qt.Key.Key_N, SHIFT),
    (Qt.Key.Key_Z, CTRL),
    (Qt.Key.Key_Z, CTRL),
    (Qt.Key.Key_Z, CTRL | SHIFT),
]


@pytest.mark.parametrize("seed", range(6))
def test_command_flow_what_the_window_shows_is_what_the_store_holds(window, project, seed):
    """Random keys (accept, reject, relabel, move, delete, events, undo, redo): after each,
    the lists applied in memory equal a fresh read, and the log replays to the tables."""
    rng = random.Random(seed)
    for _ in range(40):
        k, mods = rng.choice(KEYS)
        key(window, k, mods)
        assert shown(window) == fresh(window, project), (k, mods)
    assert check(project) == []
