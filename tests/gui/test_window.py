"""Keyboard flows of the annotation window, with the database checked after each."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from annotator.core import commands as cmd
from annotator.core.models import ParsedDoc, Span
from annotator.gui.controller import SUGGESTED
from annotator.store import Store

TEXT_1 = (
    "Tokayev and Mirziyoyev hold talks in Astana\n\n"
    "President Kassym-Jomart Tokayev met Shavkat Mirziyoyev in Astana on April 21."
)
TEXT_2 = "Astana hosts a forum\n\nTokayev opened the forum in Astana."
TEXT_3 = "Budget news\n\nThe ministry published the budget."
WHO = "tester"
TOKAYEV, MIRZ, ASTANA = Span(0, 7, "PERSON"), Span(12, 22, "PERSON"), Span(37, 43, "GPE")


def _doc(text: str) -> ParsedDoc:
    return ParsedDoc(text=text, title=text.split("\n")[0], lang="en", source="t.txt")


@pytest.fixture
def project(db_path):
    s = Store(db_path)
    s.add_docs([_doc(TEXT_1), _doc(TEXT_2), _doc(TEXT_3)])
    yield s
    s.close()


@pytest.fixture
def window(make_window, project, qtbot):
    """A window on article 1, its suggestions (from the worker) shown."""
    w = make_window(project, WHO, start=False)
    with qtbot.waitSignal(w.controller.changed, timeout=10_000, check_params_cb=_suggested(1)):
        w.controller.start()
    return w


def _suggested(aid):
    return lambda update: update.kind == SUGGESTED and update.article_id == aid


def key(w, k, mods=Qt.KeyboardModifier.NoModifier):
    """Press a key in the article text, where the annotator's focus lives."""
    w.text.setFocus()
    QTest.keyClick(w.text, k, mods)


def gold(store, aid=1):
    return store.gold_spans(aid, WHO)


def states(store, aid=1):
    return {s.span: st for s, st in store.suggestions(aid, WHO)}


def test_window_opens_first_unfinished_article_with_first_suggestion_current(window, project):
    c = window.controller
    assert c.article.id == 1
    assert c.review.current_item.span == TOKAYEV
    assert c.review.current_item.state == "pending"
    assert window.text.toPlainText() == TEXT_1
    assert window.text.hasFocus()


def test_window_accept_with_a_saves_gold_and_moves_on(window, project):
    key(window, Qt.Key.Key_A)
    assert gold(project) == [TOKAYEV]
    assert states(project)[TOKAYEV] == "accepted"
    assert window.controller.review.current_item.span == MIRZ
    assert project.status(1, WHO) == "in_progress"
    assert project.decisions(1, WHO)[-1].action == "accept"


SHIFT, ALT, CTRL = (
    Qt.KeyboardModifier.ShiftModifier,
    Qt.KeyboardModifier.AltModifier,
    Qt.KeyboardModifier.ControlModifier,
)


def test_window_reject_with_x_hides_the_suggestion(window, project):
    key(window, Qt.Key.Key_X)
    assert states(project)[TOKAYEV] == "rejected"
    assert gold(project) == []
    shown = [s[:2] for s in window.text.highlighter._spans]
    assert (0, 7) not in shown


def test_window_x_on_gold_that_is_no_pending_suggestion_says_what_removes_it(window, project):
    key(window, Qt.Key.Key_A)  # Tokayev accepted: gold, no longer pending
    key(window, Qt.Key.Key_K)
    assert window.controller.review.current_item.span == TOKAYEV
    key(window, Qt.Key.Key_X)
    assert gold(project) == [TOKAYEV]  # nothing changed ...
    assert "Delete removes it" in window.statusBar().currentMessage()  # ... and it says why


def test_window_j_k_and_arrows_move_between_suggestions(window):
    c = window.controller
    key(window, Qt.Key.Key_J)
    assert c.review.current_item.span == MIRZ
    key(window, Qt.Key.Key_Down)
    assert c.review.current_item.span == ASTANA
    key(window, Qt.Key.Key_K)
    key(window, Qt.Key.Key_Up)
    assert c.review.current_item.span == TOKAYEV
    row = window.review_panel.table.currentIndex().row()
    assert row == c.review.current


def test_window_shift_a_accepts_all_as_one_undo_step(window, project):
    before = len(project.decisions(1, WHO))
    key(window, Qt.Key.Key_A, SHIFT)
    assert len(gold(project)) == 6  # 3 in the title, 3 in the body
    assert set(states(project).values()) == {"accepted"}
    assert len(project.decisions(1, WHO)) == before + 1
    key(window, Qt.Key.Key_Z, CTRL)
    assert gold(project) == []
    assert set(states(project).values()) == {"pending"}
    assert window.controller.review.current_item.span == TOKAYEV  # back at the top


def test_window_number_key_relabels_the_current_suggestion(window, project):
    key(window, Qt.Key.Key_2)  # ORG
    assert gold(project) == [Span(0, 7, "ORG")]
    assert states(project)[TOKAYEV] == "rejected"
    assert window.controller.review.current_item.span == Span(0, 7, "ORG")
    key(window, Qt.Key.Key_3)  # relabel the gold span again: GPE
    assert gold(project) == [Span(0, 7, "GPE")]


def test_window_number_key_labels_the_text_selection(window, project):
    window.text.select(54, 68)  # " Kassym-Jomart": labelled as selected, spaces trimmed
    key(window, Qt.Key.Key_1)
    assert Span(55, 68, "PERSON") in gold(project)
    assert project.decisions(1, WHO)[-1].action == "add_span"


def test_window_mouse_selection_snaps_to_tokens_unless_alt(window, project, qtbot):
    view = window.text
    view.select(83, 86)  # "avk" inside "Shavkat"
    QTest.mouseRelease(
        view.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        view.cursorRect().center(),
    )
    assert view.selection() == (81, 88)
    key(window, Qt.Key.Key_1)
    assert Span(81, 88, "PERSON") in gold(project)
    view.select(83, 86)
    QTest.mouseRelease(
        view.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.AltModifier,
        view.cursorRect().center(),
    )
    assert view.selection() == (83, 86)


def test_window_alt_arrows_move_boundaries_by_a_token(window, project):
    key(window, Qt.Key.Key_A)  # Tokayev accepted; current is now Mirziyoyev (pending)
    key(window, Qt.Key.Key_K)  # back to the gold Tokayev
    key(window, Qt.Key.Key_Right, ALT | SHIFT)  # end one token right: "Tokayev and"
    assert Span(0, 11, "PERSON") in gold(project)
    key(window, Qt.Key.Key_Left, ALT | SHIFT)
    assert TOKAYEV in gold(project)
    key(window, Qt.Key.Key_J)  # Mirziyoyev, pending: moving its start corrects it
    key(window, Qt.Key.Key_Left, ALT)
    assert Span(8, 22, "PERSON") in gold(project)
    assert states(project)[MIRZ] == "rejected"
    key(window, Qt.Key.Key_Right, ALT)
    assert MIRZ in gold(project) and Span(8, 22, "PERSON") not in gold(project)


def test_window_delete_removes_the_gold_span(window, project):
    key(window, Qt.Key.Key_A)
    key(window, Qt.Key.Key_K)
    key(window, Qt.Key.Key_Delete)
    assert gold(project) == []
    assert states(project)[TOKAYEV] == "rejected"


def test_window_ctrl_enter_marks_done_and_opens_next_unfinished(window, project, qtbot):
    key(window, Qt.Key.Key_A, SHIFT)  # nothing left pending: Ctrl+Enter does not ask
    key(window, Qt.Key.Key_Return, CTRL)
    assert not window.done_prompt.popup.isVisible()
    assert project.status(1, WHO) == "done"
    assert window.controller.article.id == 2
    # its suggestions were asked for ahead of time, while article 1 was open
    qtbot.waitUntil(lambda: window.controller.review.pending_count() == 3, timeout=10_000)
    assert window.list_pane.table.currentIndex().row() == 1
    assert window.progress_label.text() == "Done 1 / 3"


def test_window_ctrl_shift_enter_skips(window, project):
    key(window, Qt.Key.Key_Return, CTRL | SHIFT)
    assert project.status(1, WHO) == "skipped"
    assert window.controller.article.id == 2


def test_window_n_and_p_open_next_and_previous_article(window):
    key(window, Qt.Key.Key_N)
    assert window.controller.article.id == 2
    key(window, Qt.Key.Key_N)
    assert window.controller.article.id == 3
    key(window, Qt.Key.Key_P)
    assert window.controller.article.id == 2


def test_window_undo_redo_unlimited_within_the_article(window, project):
    key(window, Qt.Key.Key_A)
    key(window, Qt.Key.Key_X)
    key(window, Qt.Key.Key_A)
    assert gold(project) == [TOKAYEV, ASTANA]
    for _ in range(3):
        key(window, Qt.Key.Key_Z, CTRL)
    assert gold(project) == [] and set(states(project).values()) == {"pending"}
    key(window, Qt.Key.Key_Z, CTRL | SHIFT)
    key(window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert gold(project) == [TOKAYEV] and states(project)[MIRZ] == "rejected"
    log = project.decisions(1, WHO)
    assert [d.undo_of is not None for d in log[-5:]] == [True, True, True, False, False]
    assert log[-1].redo_of is not None


def test_window_undo_after_reopening_the_project(make_window, window, project, db_path, qtbot):
    key(window, Qt.Key.Key_A)
    key(window, Qt.Key.Key_A)
    key(window, Qt.Key.Key_Z, CTRL)  # Mirziyoyev back to pending: one redo waiting
    window.close()
    project.close()
    again = Store(db_path)
    try:
        w2 = make_window(again, WHO)
        assert w2.controller.article.id == 1
        assert gold(again) == [TOKAYEV]
        key(w2, Qt.Key.Key_Z, CTRL | SHIFT)  # redo from the previous session
        assert gold(again) == [TOKAYEV, MIRZ]
        key(w2, Qt.Key.Key_Z, CTRL)
        key(w2, Qt.Key.Key_Z, CTRL)
        assert gold(again) == []
        key(w2, Qt.Key.Key_Z, CTRL)  # nothing more: the log starts here
        assert gold(again) == []
        assert "Nothing to undo" in w2.statusBar().currentMessage()
    finally:
        w2.close()
        again.close()


def test_window_ctrl_f_searches_and_opens_the_best_hit(window, qtbot):
    key(window, Qt.Key.Key_F, CTRL)
    search = window.list_pane.search
    assert search.hasFocus()
    qtbot.keyClicks(search, "budget")  # letters type: they do not trigger shortcuts
    assert window.controller.article.id == 1
    qtbot.keyClick(search, Qt.Key.Key_Return)  # searched (and indexed) off the GUI thread
    qtbot.waitUntil(lambda: window.controller.article.id == 3, timeout=10_000)
    model = window.list_model
    assert [model.article_id(r) for r in range(model.rowCount())] == [3]
    assert window.text.hasFocus()
    key(window, Qt.Key.Key_F, CTRL)
    qtbot.keyClick(search, Qt.Key.Key_Escape)
    assert window.text.hasFocus()


def test_window_search_filters_the_list_as_you_type_without_opening(window, qtbot):
    key(window, Qt.Key.Key_F, CTRL)
    search, model = window.list_pane.search, window.list_model
    qtbot.keyClicks(search, "tokay")  # a prefix, no Enter: the list follows the typing
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=10_000)
    assert [model.article_id(r) for r in range(model.rowCount())] == [1, 2]
    assert search.hasFocus() and window.controller.article.id == 1  # nothing opened
    qtbot.keyClicks(search, "ev forum")  # "tokayev forum": only article 2 has both
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=10_000)
    assert model.article_id(0) == 2 and window.controller.article.id == 1
    qtbot.keyClick(search, Qt.Key.Key_Return)  # Enter opens the best hit
    qtbot.waitUntil(lambda: window.controller.article.id == 2, timeout=10_000)
    search.clear()  # an empty box shows every article again, at once
    assert model.rowCount() == 3


def test_window_filters_by_status_and_language(window):
    key(window, Qt.Key.Key_A, SHIFT)
    key(window, Qt.Key.Key_Return, CTRL)  # article 1 done
    pane = window.list_pane
    pane.status_box.setCurrentIndex(pane.status_box.findText("Done"))
    assert [pane.model.article_id(r) for r in range(pane.model.rowCount())] == [1]
    pane.status_box.setCurrentIndex(0)
    pane.lang_box.setCurrentIndex(pane.lang_box.findData("en"))
    assert pane.model.rowCount() == 3


def test_window_records_the_annotator_with_every_decision(window, project):
    window.set_annotator("alice")
    key(window, Qt.Key.Key_A)
    assert project.gold_spans(1, "alice") == [TOKAYEV]
    assert project.gold_spans(1, WHO) == []
    assert window.prefs.annotator == "alice"
    assert "alice" in window.prefs.path.read_text()


def test_window_status_bar_shows_progress_and_model(window):
    key(window, Qt.Key.Key_A)
    assert window.pace_label.text().startswith("Today 1 ·")
    assert window.model_label.text() == "Model: blank 0"
    assert window.who_label.text() == "Annotator: tester"


def test_window_quit_with_ctrl_q_stops_the_worker(window):
    key(window, Qt.Key.Key_Q, CTRL)
    assert not window.isVisible()
    assert not window.controller.worker.thread.isRunning()


def test_window_remembers_splitter_sizes(make_window, project, tmp_path):
    w = make_window(project, WHO, worker=False)
    w.splitter.setSizes([200, 700, 300])
    sizes = w.splitter.sizes()
    w.close()
    w2 = make_window(project, WHO, worker=False)
    # the offscreen screen is narrower than the window, so only the text pane may differ
    restored = w2.splitter.sizes()
    assert (restored[0], restored[2]) == (sizes[0], sizes[2])


def test_window_undo_of_an_edit_changed_elsewhere_is_refused_and_rebuilt(window, project, qtbot):
    key(window, Qt.Key.Key_A)  # Tokayev gold
    # another window on the same project removes that gold span meanwhile
    project.db.execute("DELETE FROM gold_spans WHERE article_id = 1")
    project.db.conn.commit()
    key(window, Qt.Key.Key_Z, CTRL)
    assert window.statusBar().currentMessage().startswith("Not saved:")
    assert gold(project) == []
    assert window.controller.stack().count() == 1  # rebuilt from the log
    assert window.controller.review.items  # the view shows what the store holds


def test_window_a_refused_edit_drops_the_stale_history_and_undo_follows_the_log(
    window, project
):
    """Another process decides the same suggestion (an import, another window): the next
    key is refused and the view reloads; Ctrl+Z then undoes the store's last decision of
    the annotator (as after a restart), not the window's own earlier command, which failed
    with an internal id (new-user trial)."""
    key(window, Qt.Key.Key_A)  # Tokayev accepted here
    other = Store(project.path)  # another process: Mirziyoyev rejected, Astana accepted
    sids = {s.span: s.id for s, _ in other.suggestions(1, WHO)}
    change = (cmd.set_suggestion(sids[MIRZ], "pending", "rejected"),)
    other.apply(1, WHO, cmd.Command("reject", change))
    other.close()
    key(window, Qt.Key.Key_A)  # the window still thinks Mirziyoyev is pending
    assert window.statusBar().currentMessage().startswith("Not saved:")
    key(window, Qt.Key.Key_Z, CTRL)  # the other process's reject is the last decision
    assert states(project)[MIRZ] == "pending"
    key(window, Qt.Key.Key_Z, CTRL)  # then the window's own accept
    assert gold(project) == []


def test_window_shows_the_worker_busy_while_suggesting(make_window, project, qtbot):
    import threading

    release = threading.Event()

    class Slow:
        def suggest(self, article_id, lang, text):
            release.wait(10)
            return []

        def model_info(self, lang):
            return "slow", "1"

    w = make_window(project, WHO, service=Slow)
    try:
        assert w.busy.isVisible()
        assert "Asking the model" in w.review_panel.summary.text()
        w.text.setFocus()
        QTest.keyClick(w.text, Qt.Key.Key_N)  # the window stays responsive meanwhile
        assert w.controller.article.id == 2
        with qtbot.waitSignal(w.controller.worker.busy_changed, timeout=10_000):
            release.set()
        qtbot.waitUntil(lambda: not w.busy.isVisible(), timeout=10_000)
        runs = project.db.execute("SELECT article_id, model FROM suggestion_runs").fetchall()
        assert (1, "slow") in runs
    finally:
        release.set()


def test_window_click_on_a_span_makes_it_current_and_palette_labels_it(window, project):
    view = window.text
    m = view._map
    (rect,) = view.span_rects(m.to_utf16(37), m.to_utf16(43))  # Astana in the title
    QTest.mouseClick(
        view.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        rect.center().toPoint(),
    )
    assert window.controller.review.current_item.span == ASTANA
    window.review_panel.palette.buttons["LOC"].click()
    assert gold(project) == [Span(37, 43, "LOC")]
    assert window.text.hasFocus()


def test_window_done_next_stays_in_the_language_filter(make_window, store):
    docs = [_doc(TEXT_1), _doc(TEXT_2), _doc(TEXT_3)]
    docs[1].lang = "ru"
    store.add_docs(docs)
    w = make_window(store, WHO, worker=False)
    w.list_pane.lang_box.setCurrentIndex(w.list_pane.lang_box.findData("en"))
    key(w, Qt.Key.Key_Return, CTRL)
    assert w.controller.article.id == 3
    assert store.status(1, WHO) == "done"


# -- the store refuses a write: say why, keep the view on what the store holds ---------------

READ_ONLY = "Not saved: the project file (or its folder) is read-only"


def _read_only(store):
    store.db.execute("PRAGMA query_only=1")  # writes fail: "attempt to write a readonly database"


def test_window_read_only_project_says_read_only_not_busy(window, project):
    before = (states(project), len(project.decisions(1, WHO)), project.status(1, WHO))
    _read_only(project)
    key(window, Qt.Key.Key_A)
    assert window.statusBar().currentMessage() == READ_ONLY
    assert (states(project), len(project.decisions(1, WHO)), project.status(1, WHO)) == before
    item = window.controller.review.current_item
    assert (item.span, item.state) == (TOKAYEV, "pending")  # the view shows the store
    assert window.controller.stack().count() == 0


def test_window_done_that_was_not_saved_stays_on_the_article(window, project):
    key(window, Qt.Key.Key_A, SHIFT)
    _read_only(project)
    key(window, Qt.Key.Key_Return, CTRL)
    assert window.statusBar().currentMessage() == READ_ONLY
    assert project.status(1, WHO) == "in_progress"
    assert window.controller.article.id == 1  # not moved on as if it were done


def test_window_full_disk_says_the_disk_is_full(make_window, db_path):
    words = " ".join(f"Name{i}" for i in range(400))
    spans = [Span(m, m + len(f"Name{i}"), "PERSON") for i, m in _starts(words)]
    with Store(db_path) as store:
        store.add_docs([ParsedDoc(text=words, title="Names", lang="en", spans=spans)])
        w = make_window(store, WHO, worker=False)
        pages = store.db.execute("PRAGMA page_count").fetchone()[0]
        store.db.execute(f"PRAGMA max_page_count={pages}")  # no room for one more page
        key(w, Qt.Key.Key_A, SHIFT)  # 400 gold spans and their log entry need new pages
        assert w.statusBar().currentMessage() == "Not saved: the disk is full"
        assert store.gold_spans(1, WHO) == []
        assert {st for _, st in store.suggestions(1, WHO)} == {"pending"}
        assert w.controller.review.pending_count() == 400
        w.close()


def _starts(words):
    out, pos = [], 0
    for i, word in enumerate(words.split(" ")):
        out.append((i, pos))
        pos += len(word) + 1
    return out


def test_window_suggestions_the_store_refuses_are_reported(make_window, project, qtbot):
    _read_only(project)
    w = make_window(project, WHO, start=False)
    said = []
    w.controller.message.connect(said.append)  # the status bar shows the last one
    w.controller.start()  # asks for article 1, and article 2 ahead of time
    expected = "Not saved: suggestions for article 1: the project file (or its folder) is read-only"
    qtbot.waitUntil(lambda: expected in said, timeout=10_000)
    assert project.suggestions(1, WHO) == []


def test_window_marks_a_read_only_project_in_the_status_bar(make_window, project):
    w = make_window(project, WHO, worker=False)
    assert not w.read_only_label.isVisible()
    _read_only(project)
    w2 = make_window(project, WHO, worker=False)
    assert w2.read_only_label.isVisible()
    assert "Read-only project" in w2.statusBar().currentMessage()
