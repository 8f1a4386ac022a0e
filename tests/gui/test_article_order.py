"""The article list's order (issues 11 and 12): file order, most useful first (model
disagreement, needs a trained model), the annotator's queue (``annotator assign``); O in
the list cycles it; ``next_after`` gives the next unfinished article in that order."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from annotator.core import commands as cmd
from annotator.core.models import ParsedDoc, Span, Suggestion
from annotator.gui.article_list import FILE, QUEUE, USEFUL
from annotator.gui.prefs import DONE_ACCEPT
from annotator.store import Store
from annotator.store import models as registry
from annotator.store.team import assign

WHO = "tester"
BASE, TRAINED = "en_core_web_sm", "trained-en"
ASTANA, ALMATY = Span(17, 23, "GPE"), Span(28, 34, "GPE")


def _docs(n: int) -> list[ParsedDoc]:
    return [
        ParsedDoc(text=f"Article {i} about Astana and Almaty.", title=f"A{i}", lang="en")
        for i in range(n)
    ]


@pytest.fixture
def project(db_path):
    s = Store(db_path)
    s.add_docs(_docs(6))  # ids 1..6
    yield s
    s.close()


def _train(store: Store) -> None:
    """Suggestions of a base and a trained model, and the trained one registered:
    they disagree fully on 4, half on 2, not at all on 1; 3, 5, 6 have no trained run."""
    base = {1: [ASTANA, ALMATY], 2: [ASTANA, ALMATY], 3: [ASTANA], 4: [ASTANA]}
    trained = {1: [ASTANA, ALMATY], 2: [ASTANA], 4: [Span(17, 23, "ORG")]}
    for model, found in ((BASE, base), (TRAINED, trained)):
        store.add_suggestions(
            [(aid, [Suggestion(s) for s in spans]) for aid, spans in found.items()], model, "1"
        )
    registry.register(
        store, name=TRAINED, path="models/x", lang="en", base=BASE, data_hash="h", scores={}
    )


def ids(window) -> list[int]:
    model = window.list_model
    return [model.article_id(r) for r in range(model.rowCount())]


def done(store: Store, aid: int) -> None:
    store.apply(aid, WHO, cmd.Command("done", (cmd.set_status("new", "done"),)))


@pytest.fixture
def window(make_window, project):
    return make_window(project, WHO, worker=False)


def press_o(window) -> None:
    window.set_list_visible(True)  # offscreen screens are narrow: the list starts hidden
    window.list_pane.table.setFocus()
    QTest.keyClick(window.list_pane.table, Qt.Key.Key_O)


def test_article_order_most_useful_without_a_model_says_so_and_keeps_file_order(window):
    pane = window.list_pane
    assert window.list_model.order == FILE and ids(window) == [1, 2, 3, 4, 5, 6]
    assert pane.set_order(USEFUL) is False
    message = window.statusBar().currentMessage()
    assert "no trained model" in message and "stays in file order" in message
    assert window.list_model.order == FILE and pane.order_box.currentData() == FILE
    assert ids(window) == [1, 2, 3, 4, 5, 6]


def test_article_order_most_useful_first_ranks_by_disagreement_and_next_follows(window, project):
    _train(project)
    pane = window.list_pane
    assert pane.set_order(USEFUL)
    # 4 (disjoint) then 2 (F1 2/3) then 1 (agree); 3, 5, 6 unranked, in file order
    assert ids(window) == [4, 2, 1, 3, 5, 6]
    assert pane.order_box.currentData() == USEFUL
    assert f"{BASE} vs {TRAINED}" in window.statusBar().currentMessage()
    assert pane.next_after(4) == 2 and pane.next_after(None) == 4
    done(project, 2)  # the DB says done: the next after 4 skips it
    assert project.status(2, WHO) == "done"
    assert pane.next_after(4) == 1
    assert pane.next_after(6) == 4  # wraps round to the top of the list
    pane.set_order(FILE)
    assert ids(window) == [1, 2, 3, 4, 5, 6] and pane.next_after(4) == 5


def test_article_order_my_queue_shows_my_assignments_and_next_walks_them(window, project):
    assign(project, [WHO, "bob"], overlap=1)
    mine = [r[0] for r in project.db.execute(
        "SELECT article_id FROM assignments WHERE annotator = ? ORDER BY article_id", [WHO]
    )]  # fmt: skip
    assert 0 < len(mine) < 6
    pane = window.list_pane
    assert pane.set_order(QUEUE)
    assert ids(window) == mine
    for aid in mine[:-1]:
        done(project, aid)
    assert pane.next_after(mine[0]) == mine[-1]
    done(project, mine[-1])
    assert pane.next_after(mine[0]) is None  # the queue is finished
    # the status filter still applies: Unfinished hides the finished ones
    pane.status_box.setCurrentIndex(pane.status_box.findText("Unfinished"))
    assert ids(window) == []


def test_article_order_key_o_in_the_list_cycles_and_says_why_an_order_is_missing(window, project):
    pane = window.list_pane
    press_o(window)  # most useful first: no model yet
    assert "no trained model" in window.statusBar().currentMessage()
    assert window.list_model.order == FILE
    press_o(window)  # my queue: nothing assigned yet
    assert f"no article is assigned to {WHO}" in window.statusBar().currentMessage()
    press_o(window)  # back to file order
    assert window.list_model.order == FILE
    _train(project)
    assign(project, [WHO], overlap=1)
    press_o(window)
    assert window.list_model.order == USEFUL and ids(window)[:3] == [4, 2, 1]
    press_o(window)
    assert window.list_model.order == QUEUE and ids(window) == [1, 2, 3, 4, 5, 6]
    assert pane.order_box.currentText() == "My queue"


def test_article_order_key_o_types_in_the_search_box(window):
    pane = window.list_pane
    window.set_list_visible(True)
    pane.search.setFocus()
    QTest.keyClick(pane.search, Qt.Key.Key_O)
    assert pane.search.text() == "o" and window.list_model.order == FILE


def test_article_order_follows_the_annotator_when_the_source_changes(window, project):
    assign(project, [WHO], overlap=1)
    pane = window.list_pane
    assert pane.set_order(QUEUE)
    window.list_model.set_source(project, "someone-else")  # nothing assigned to them
    assert window.list_model.order == FILE and pane.order_box.currentData() == FILE
    assert ids(window) == [1, 2, 3, 4, 5, 6]


def test_article_order_n_and_p_walk_the_list_in_its_order(window, project):
    _train(project)
    window.list_pane.set_order(USEFUL)
    window.controller.open_article(4)
    window.text.setFocus()
    QTest.keyClick(window.text, Qt.Key.Key_N)
    assert window.controller.article.id == 2
    QTest.keyClick(window.text, Qt.Key.Key_N)
    assert window.controller.article.id == 1
    QTest.keyClick(window.text, Qt.Key.Key_P)
    assert window.controller.article.id == 2


def test_article_order_done_opens_the_next_unfinished_article_in_the_list_order(window, project):
    _train(project)
    window.list_pane.set_order(USEFUL)  # 4, 2, 1, 3, 5, 6
    window.controller.done_policy = DONE_ACCEPT  # pending suggestions: accept, no question
    window.controller.open_article(4)
    window.text.setFocus()
    QTest.keyClick(window.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert project.status(4, WHO) == "done"
    assert window.controller.article.id == 2
    assign(project, [WHO, "bob"], overlap=1)
    mine = [r[0] for r in project.db.execute(
        "SELECT article_id FROM assignments WHERE annotator = ? ORDER BY article_id", [WHO]
    )]  # fmt: skip
    window.list_pane.set_order(QUEUE)
    first = window.list_pane.next_after(None)
    window.controller.open_article(first)
    window.controller.skip_and_next()
    assert project.status(first, WHO) == "skipped"
    assert window.controller.article.id == window.list_pane.next_after(first)
    assert window.controller.article.id in mine
