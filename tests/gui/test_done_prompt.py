"""Ctrl+Enter with suggestions still pending: accept the rest / reject the rest / cancel.

A done article is exported as complete, so nothing may stay pending in it without a
choice. Every test checks the store, not only the view.
"""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from annotator.core.models import EVENT, Argument, ParsedDoc, Span, Suggestion
from annotator.gui.prefs import DONE_ACCEPT, DONE_REJECT
from annotator.store import Store

TEXT = (
    "Tokayev and Mirziyoyev hold talks in Astana\n\n"
    "President Kassym-Jomart Tokayev met Shavkat Mirziyoyev in Astana on April 21."
)
OTHER = "Budget news\n\nThe ministry published the budget."
WHO = "tester"
TOKAYEV, MIRZ, ASTANA = Span(0, 7, "PERSON"), Span(12, 22, "PERSON"), Span(37, 43, "GPE")
TALKS, MET = Span(28, 33, "Meet"), Span(77, 80, "Meet")
ATTRS = (("Modality", "actual"), ("Negation", False))
NOMOD = Qt.KeyboardModifier.NoModifier
SHIFT, CTRL = Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.ControlModifier


def _suggestions() -> list[Suggestion]:
    talks_args = (Argument("Participant", TOKAYEV), Argument("Place", ASTANA))
    return [Suggestion(s) for s in (TOKAYEV, MIRZ, ASTANA)] + [
        Suggestion(TALKS, EVENT, talks_args, ATTRS),
        Suggestion(MET, EVENT, (), ATTRS),
    ]


@pytest.fixture
def project(db_path):
    s = Store(db_path)
    s.add_docs(
        [
            ParsedDoc(text=TEXT, title=TEXT.split("\n")[0], lang="en", source="a.txt"),
            ParsedDoc(text=OTHER, title="Budget news", lang="en", source="b.txt"),
        ]
    )
    s.add_suggestions([(1, _suggestions())], "rules+events", "1")
    yield s
    s.close()


@pytest.fixture
def window(make_window, project):
    return make_window(project, WHO, worker=False)


def key(w, k, mods=NOMOD):
    w.text.setFocus()
    QTest.keyClick(w.text, k, mods)


def popup_key(w, k, mods=NOMOD):
    popup = w.done_prompt.popup
    assert popup.isVisible()
    QTest.keyClick(popup, k, mods)


def snapshot(store, aid=1):
    """Everything a decision can change, as the store holds it."""
    return (
        store.status(aid, WHO),
        sorted((s.kind, s.span.start, s.span.end, st) for s, st in store.suggestions(aid, WHO)),
        store.gold_spans(aid, WHO),
        sorted(e.trigger.start for e in store.gold_events(aid, WHO)),
        len(store.decisions(aid, WHO)),
    )


def states(store, aid=1):
    return sorted({st for _, st in store.suggestions(aid, WHO)})


def test_done_prompt_asks_on_ctrl_enter_with_pending_and_cancel_changes_nothing(window, project):
    key(window, Qt.Key.Key_A)  # Tokayev accepted: two entities and two events still pending
    before = snapshot(project)
    for cancel in (Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_C):
        key(window, Qt.Key.Key_Return, CTRL)
        popup = window.done_prompt.popup
        assert popup.isVisible()
        assert popup.subtitle.text() == "2 entity suggestions and 2 event suggestions are pending."
        assert "Accept the rest" in popup.body.text() and "Reject the rest" in popup.body.text()
        popup_key(window, cancel)
        assert not popup.isVisible()
        assert snapshot(project) == before
        assert window.controller.article.id == 1
        assert window.controller.review.pending_count() == 2
        assert window.statusBar().currentMessage().startswith("Not marked done")
    assert window.text.hasFocus()


def test_done_prompt_other_keys_do_not_reach_the_window_underneath(window, project):
    before = snapshot(project)
    key(window, Qt.Key.Key_Return, CTRL)
    popup_key(window, Qt.Key.Key_J)  # a review key: swallowed while the question is open
    popup_key(window, Qt.Key.Key_Return, CTRL)  # pressed twice by habit: the safe choice
    assert not window.done_prompt.popup.isVisible()
    assert snapshot(project) == before


def test_done_prompt_accept_the_rest_is_one_command_and_one_undo_step(window, project):
    key(window, Qt.Key.Key_X)  # Tokayev rejected by hand: stays rejected
    before = snapshot(project)
    key(window, Qt.Key.Key_Return, CTRL)
    popup_key(window, Qt.Key.Key_A)
    assert project.status(1, WHO) == "done"
    assert project.gold_spans(1, WHO) == [MIRZ, ASTANA]
    got = {(s.kind, s.span): st for s, st in project.suggestions(1, WHO)}
    assert got[("entity", TOKAYEV)] == "rejected"
    assert {st for (kind, span), st in got.items() if span != TOKAYEV} == {"accepted"}
    assert sorted(e.trigger for e in project.gold_events(1, WHO)) == [TALKS, MET]
    log = project.decisions(1, WHO)
    assert len(log) == before[-1] + 1 and log[-1].action == "accept_rest_done"
    assert window.controller.article.id == 2  # done → next
    key(window, Qt.Key.Key_P)
    assert window.controller.article.id == 1
    assert window.controller.stack().undo_action() == "accept_rest_done"
    key(window, Qt.Key.Key_Z, CTRL)  # ONE undo brings all of it back
    assert snapshot(project)[:4] == before[:4]
    assert window.controller.review.pending_count() == 2


def test_done_prompt_reject_the_rest_marks_done_with_nothing_pending(window, project):
    key(window, Qt.Key.Key_A)
    key(window, Qt.Key.Key_Return, CTRL)
    popup_key(window, Qt.Key.Key_X)
    assert project.status(1, WHO) == "done"
    assert project.gold_spans(1, WHO) == [TOKAYEV]
    assert project.gold_events(1, WHO) == []
    pending = [s for s, st in project.suggestions(1, WHO) if st == "pending"]
    assert pending == []
    assert project.decisions(1, WHO)[-1].action == "reject_rest_done"
    assert window.controller.article.id == 2


def test_done_prompt_preference_decides_without_asking(window, project, tmp_path):
    dialog = window.edit_preferences()  # File → Preferences
    box = dialog.done_box
    assert box.currentData() == "ask"  # the default
    box.setCurrentIndex(box.findData(DONE_REJECT))
    dialog.accept()
    saved = json.loads((tmp_path / "preferences.json").read_text())
    assert saved["done_with_pending"] == DONE_REJECT
    key(window, Qt.Key.Key_Return, CTRL)
    assert not window.done_prompt.popup.isVisible()
    assert project.status(1, WHO) == "done"
    assert states(project) == ["rejected"]
    assert window.controller.article.id == 2


def test_done_prompt_accept_preference_survives_a_restart(make_window, project, tmp_path):
    (tmp_path / "preferences.json").write_text(json.dumps({"done_with_pending": DONE_ACCEPT}))
    from PySide6.QtCore import QSettings

    from annotator.gui.app import create_window
    from annotator.gui.prefs import Preferences

    w = create_window(
        project,
        WHO,
        settings=QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat),
        prefs=Preferences.load(tmp_path / "preferences.json"),
        service_factory=None,
    )
    try:
        w.controller.start()
        w.controller.done_and_next()
        assert not w.done_prompt.popup.isVisible()
        assert project.status(1, WHO) == "done"
        assert states(project) == ["accepted"]
    finally:
        w.close()


def test_done_prompt_skip_does_not_ask(window, project):
    key(window, Qt.Key.Key_Return, CTRL | SHIFT)
    assert not window.done_prompt.popup.isVisible()
    assert project.status(1, WHO) == "skipped"
    assert states(project) == ["pending"]  # skipped articles are not exported


def test_done_prompt_a_done_article_with_new_suggestions_asks_too(window, project):
    key(window, Qt.Key.Key_A, SHIFT)
    key(window, Qt.Key.Key_Tab)
    key(window, Qt.Key.Key_A, SHIFT)  # every entity and event accepted
    key(window, Qt.Key.Key_Return, CTRL)
    assert project.status(1, WHO) == "done"
    project.add_suggestions([(1, [Suggestion(Span(113, 121, "DATE"))])], "other", "2")
    key(window, Qt.Key.Key_P)
    assert window.controller.article.id == 1
    key(window, Qt.Key.Key_Return, CTRL)
    popup_key(window, Qt.Key.Key_A)
    assert Span(113, 121, "DATE") in project.gold_spans(1, WHO)
    assert project.status(1, WHO) == "done"
    assert project.decisions(1, WHO)[-1].action == "accept_rest_done"


def test_done_prompt_answer_for_an_article_no_longer_open_is_ignored(window, project):
    key(window, Qt.Key.Key_Return, CTRL)
    window.done_prompt.popup.hide()  # e.g. a click in the article list closed it…
    window.controller.open_article(2)  # …and opened another article
    assert not window.controller.finish_pending(DONE_ACCEPT, 1)
    assert project.status(2, WHO) == "new" and project.status(1, WHO) == "new"


def test_done_prompt_accept_the_rest_links_arguments_to_the_entities_it_accepts(
    make_window, db_path
):
    """An event whose argument has an entity suggestion's offsets but another label (the
    event rules read "Astana" as a Place of type LOC, the model as GPE) links to that entity
    when both are accepted at once, instead of making a second gold span on the same words
    (new-user trial: "Kazakh" NORP and "Kazakh" PERSON both gold)."""
    s = Store(db_path)
    s.add_docs([ParsedDoc(text=TEXT, title="t", lang="en", source="a.txt")])
    as_loc = Span(ASTANA.start, ASTANA.end, "LOC")
    talks = Suggestion(
        TALKS, EVENT, (Argument("Participant", TOKAYEV), Argument("Place", as_loc)), ATTRS
    )
    s.add_suggestions([(1, [Suggestion(TOKAYEV), Suggestion(ASTANA), talks])], "m", "1")
    w = make_window(s, WHO, worker=False)
    key(w, Qt.Key.Key_Return, CTRL)
    popup_key(w, Qt.Key.Key_A)
    assert s.status(1, WHO) == "done"
    assert s.gold_spans(1, WHO) == [TOKAYEV, ASTANA]  # one span on "Astana", the entity's
    (event,) = s.gold_events(1, WHO)
    assert [(a.role, a.span) for a in event.arguments] == [
        ("Participant", TOKAYEV),
        ("Place", ASTANA),
    ]
    s.close()


def test_done_prompt_accept_the_rest_links_an_argument_to_the_overlapping_entity_it_accepts(
    make_window, db_path
):
    """The event rules take "Ministry of Finance" as a Participant, the model tags "the
    Ministry of Finance": accepting the rest keeps one gold entity on those words (the
    model's, which the argument links to), not two overlapping ORG spans (new-user trial)."""
    text = "Talks held\n\nThe minister of the Ministry of Finance met Tokayev in Astana."
    whole = Span(text.index("the Ministry"), text.index(" met"), "ORG")
    inner = Span(text.index("Ministry of"), whole.end, "ORG")
    tok = Span(text.index("Tokayev"), text.index("Tokayev") + 7, "PERSON")
    met = Span(text.index("met"), text.index("met") + 3, "Meet")
    s = Store(db_path)
    s.add_docs([ParsedDoc(text=text, title="Talks held", lang="en", source="m.txt")])
    event = Suggestion(met, EVENT, (Argument("Participant", inner), Argument("Participant", tok)))
    s.add_suggestions([(1, [Suggestion(whole), Suggestion(tok), event])], "m", "1")
    w = make_window(s, WHO, worker=False)
    key(w, Qt.Key.Key_Return, CTRL)
    popup_key(w, Qt.Key.Key_A)
    assert s.status(1, WHO) == "done"
    assert s.gold_spans(1, WHO) == [whole, tok]
    (gold,) = s.gold_events(1, WHO)
    assert [a.span for a in gold.arguments] == [whole, tok]
    s.close()
