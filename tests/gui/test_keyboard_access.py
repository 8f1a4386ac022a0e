"""Keyboard paths of issue 13: list filters, guidelines, the hint bar, reopening where the
annotator was, keyboard text selection, and the label set / schema in Preferences."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest

from annotator.core.event_review import Row
from annotator.core.models import EVENT, Argument, ParsedDoc, Span, Suggestion
from annotator.gui.app import create_window
from annotator.gui.controller import ENTITIES, EVENTS
from annotator.gui.prefs import Preferences
from annotator.gui.prefs_dialog import PreferencesDialog
from annotator.store import Store

TEXT_1 = (
    "Tokayev and Mirziyoyev hold talks in Astana\n\n"
    "President Kassym-Jomart Tokayev met Shavkat Mirziyoyev in Astana on April 21."
)
TEXT_2 = "Astana hosts a forum\n\nTokayev opened the forum in Astana."
TEXT_3 = "Алматы принимает форум\n\nФорум открылся в Алматы."
WHO = "tester"
TOKAYEV, MIRZ, ASTANA = Span(0, 7, "PERSON"), Span(12, 22, "PERSON"), Span(37, 43, "GPE")
TALKS = Span(28, 33, "Meet")
ARGS = (Argument("Participant", TOKAYEV), Argument("Participant", MIRZ))
FORUM_ASTANA, FORUM_TOKAYEV = Span(0, 6, "GPE"), Span(22, 29, "PERSON")
NOMOD = Qt.KeyboardModifier.NoModifier
SHIFT, CTRL = Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.ControlModifier


def _doc(text: str, lang: str = "en") -> ParsedDoc:
    return ParsedDoc(text=text, title=text.split("\n")[0], lang=lang, source="t.txt")


@pytest.fixture
def project(db_path):
    s = Store(db_path)
    s.add_docs([_doc(TEXT_1), _doc(TEXT_2), _doc(TEXT_3, "kk")])
    first = [Suggestion(TOKAYEV), Suggestion(MIRZ), Suggestion(ASTANA)]
    first.append(Suggestion(TALKS, EVENT, ARGS, (("Modality", "actual"), ("Negation", False))))
    s.add_suggestions([(1, first), (2, [Suggestion(FORUM_ASTANA), Suggestion(FORUM_TOKAYEV)])],
                      "rules+events", "1")  # fmt: skip
    yield s
    s.close()


@pytest.fixture
def window(make_window, project):
    return make_window(project, WHO, worker=False)


def key(w, k, mods=NOMOD):
    """Press a key in the article text, where the annotator's focus lives."""
    w.text.setFocus()
    QTest.keyClick(w.text, k, mods)


def ids(w) -> list[int]:
    model = w.list_model
    return [model.article_id(r) for r in range(model.rowCount())]


# -- the article list's filters ---------------------------------------------------------------


def test_keyboard_status_filter_cycles_with_ctrl_shift_s(window, project):
    key(window, Qt.Key.Key_N)  # article 2
    key(window, Qt.Key.Key_Return, CTRL)  # 2 has pending suggestions: the prompt asks…
    assert window.done_prompt.popup.isVisible()
    QTest.keyClick(window.done_prompt.popup, Qt.Key.Key_X)  # …reject the rest, done
    assert project.status(2, WHO) == "done"
    box = window.list_pane.status_box
    assert box.currentText() == "All articles" and ids(window) == [1, 2, 3]
    key(window, Qt.Key.Key_S, CTRL | SHIFT)
    assert box.currentText() == "Unfinished" and ids(window) == [1, 3]
    assert "Unfinished, 2 shown" in window.statusBar().currentMessage()
    for _ in range(3):  # New, In progress, Done
        key(window, Qt.Key.Key_S, CTRL | SHIFT)
    assert box.currentText() == "Done" and ids(window) == [2]
    for _ in range(2):  # Skipped, then round to All
        key(window, Qt.Key.Key_S, CTRL | SHIFT)
    assert box.currentText() == "All articles" and ids(window) == [1, 2, 3]


def test_keyboard_the_open_articles_row_stays_selected_through_filters(window):
    """A filter, a language filter or a cleared search rebuilds the list: the open
    article's row is selected again wherever the list shows it."""
    key(window, Qt.Key.Key_N)  # article 2

    def selected() -> list[int]:
        rows = window.list_pane.table.selectionModel().selectedRows()
        return [window.list_model.article_id(i.row()) for i in rows]

    assert selected() == [2]
    key(window, Qt.Key.Key_S, CTRL | SHIFT)  # Unfinished: 2 is still in the list
    assert selected() == [2]
    key(window, Qt.Key.Key_L, CTRL | SHIFT)  # en
    assert selected() == [2]
    key(window, Qt.Key.Key_L, CTRL | SHIFT)  # kk: 2 is not shown
    assert selected() == []
    key(window, Qt.Key.Key_L, CTRL | SHIFT)  # every language again
    assert selected() == [2]


def test_keyboard_language_filter_cycles_and_n_p_follow_it(window):
    box = window.list_pane.lang_box
    key(window, Qt.Key.Key_L, CTRL | SHIFT)
    assert box.currentData() == "en" and ids(window) == [1, 2]
    assert window.controller.lang_filter == "en"  # done → next stays in the language
    key(window, Qt.Key.Key_L, CTRL | SHIFT)
    assert box.currentData() == "kk" and ids(window) == [3]
    key(window, Qt.Key.Key_N)
    assert window.controller.article.id == 3
    key(window, Qt.Key.Key_L, CTRL | SHIFT)
    assert box.currentData() is None and ids(window) == [1, 2, 3]


# -- guidelines at a key ----------------------------------------------------------------------


def test_keyboard_f2_shows_the_current_labels_guideline_and_follows_it(window):
    labels = window.controller.labels
    assert window.guide.isHidden()
    key(window, Qt.Key.Key_F2)
    assert not window.guide.isHidden()
    assert (
        "PERSON" in window.guide.text and labels.get("PERSON").guideline[:30] in window.guide.text
    )
    key(window, Qt.Key.Key_J)
    key(window, Qt.Key.Key_J)  # Astana
    assert "GPE" in window.guide.text and labels.get("GPE").guideline[:30] in window.guide.text
    key(window, Qt.Key.Key_Escape)
    assert window.guide.isHidden()
    key(window, Qt.Key.Key_F2)
    key(window, Qt.Key.Key_F2)
    assert window.guide.isHidden()


def test_keyboard_f2_in_the_events_list_shows_the_type_its_roles_and_the_arguments_label(window):
    key(window, Qt.Key.Key_Tab)
    key(window, Qt.Key.Key_F2)
    text = window.guide.text
    meet = window.controller.schema.get("Meet")
    assert "Meet" in text and meet.description[:30] in text
    assert all(role.name in text for role in meet.roles)
    key(window, Qt.Key.Key_Right)  # expand: J walks the arguments
    key(window, Qt.Key.Key_J)
    assert window.controller.events.current_argument == ARGS[0]
    assert "Argument <b>Participant</b>" in window.guide.text and "PERSON" in window.guide.text
    key(window, Qt.Key.Key_Escape)
    assert window.guide.isHidden()


# -- the hint bar -----------------------------------------------------------------------------


def test_keyboard_hint_bar_shows_the_lists_keys_and_hides_with_ctrl_h(make_window, project):
    w = make_window(project, WHO, worker=False)
    bar = w.hint_bar
    assert not bar.isHidden() and "accept" in bar.text() and "labels…" in bar.text()
    key(w, Qt.Key.Key_Tab)
    assert "argument" in bar.text() and "role" in bar.text()
    key(w, Qt.Key.Key_H, CTRL)
    assert bar.isHidden() and not w.actions["toggle_hints"].isChecked()
    w.close()
    w2 = make_window(project, WHO, worker=False)
    assert w2.hint_bar.isHidden()  # remembered
    w2.actions["toggle_hints"].trigger()  # the View menu's item
    assert not w2.hint_bar.isHidden()


# -- reopening where the annotator was ----------------------------------------------------------


def test_keyboard_reopening_goes_to_the_last_article_and_item(make_window, project):
    w = make_window(project, WHO, worker=False, start=False)
    w.start()
    assert w.controller.article.id == 1  # nothing saved yet: the first unfinished
    key(w, Qt.Key.Key_N)
    key(w, Qt.Key.Key_J)
    assert w.controller.review.current_item.span == FORUM_TOKAYEV
    w.close()
    w2 = make_window(project, WHO, worker=False, start=False)
    w2.start()
    c = w2.controller
    assert c.article.id == 2 and c.mode == ENTITIES
    assert c.review.current_item.span == FORUM_TOKAYEV
    assert w2.list_pane.table.currentIndex().row() == 1  # the list shows it too


def test_keyboard_reopening_restores_the_events_list_and_argument_row(make_window, project):
    w = make_window(project, WHO, worker=False, start=False)
    w.start()
    key(w, Qt.Key.Key_Tab)
    key(w, Qt.Key.Key_Right)
    key(w, Qt.Key.Key_J)
    key(w, Qt.Key.Key_J)
    assert w.controller.events.current_row == Row(0, 1)
    w.close()
    w2 = make_window(project, WHO, worker=False, start=False)
    w2.start()
    c = w2.controller
    assert c.mode == EVENTS and c.events.current_row == Row(0, 1)
    assert c.events.current_argument == ARGS[1]
    key(w2, Qt.Key.Key_J)  # still expanded: J walks on in the arguments, then to the end
    assert c.events.current_row in (Row(0, 1), Row(0, None))


def test_keyboard_reopening_each_project_where_it_was_left(make_window, project, tmp_path):
    """Two projects opened in turn (one settings file): each reopens on its own article,
    not on the last one of whichever project was opened last."""
    w = make_window(project, WHO, worker=False, start=False)
    w.start()
    key(w, Qt.Key.Key_N)
    key(w, Qt.Key.Key_N)
    assert w.controller.article.id == 3
    w.close()
    other = Store(tmp_path / "other.db")
    other.add_docs([_doc(TEXT_2), _doc(TEXT_1)])
    w2 = make_window(other, WHO, worker=False, start=False)
    w2.start()
    key(w2, Qt.Key.Key_N)
    assert w2.controller.article.id == 2
    w2.close()
    w3 = make_window(project, WHO, worker=False, start=False)
    w3.start()
    assert w3.controller.article.id == 3  # the first project's own last article
    w3.close()
    w4 = make_window(other, WHO, worker=False, start=False)
    w4.start()
    assert w4.controller.article.id == 2
    other.close()


def test_keyboard_reopening_a_missing_article_falls_back_to_the_first_unfinished(
    make_window, project, tmp_path
):
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    settings.setValue("session/project", str(project.path.resolve()))
    settings.setValue("session/article", 99)
    settings.sync()
    w = make_window(project, WHO, worker=False, start=False)
    w.start()
    assert w.controller.article.id == 1


def test_keyboard_reopening_ignores_a_session_of_another_project(make_window, project, tmp_path):
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    settings.setValue("session/project", str(tmp_path / "other.db"))
    settings.setValue("session/article", 2)
    settings.sync()
    w = make_window(project, WHO, worker=False, start=False)
    w.start()
    assert w.controller.article.id == 1


# -- keyboard text selection ----------------------------------------------------------------


def test_keyboard_shift_arrows_select_from_the_current_item_then_a_number_labels_it(
    window, project
):
    assert window.controller.review.current_item.span == TOKAYEV
    for _ in range(3):
        key(window, Qt.Key.Key_Right, SHIFT)
    assert window.text.selection() == (0, 3)
    key(window, Qt.Key.Key_5)
    # widened to the whole token, as a mouse selection is (a new user labelled "Tok")
    assert Span(0, 7, "NORP") in project.gold_spans(1, WHO)
    assert Span(0, 3, "NORP") not in project.gold_spans(1, WHO)


def test_keyboard_selection_of_only_spaces_labels_nothing_and_says_so(window, project):
    before = project.gold_spans(1, WHO)
    current = window.controller.review.current_item.span
    window.text.select(7, 8)  # the space after "Tokayev"
    key(window, Qt.Key.Key_5)
    assert project.gold_spans(1, WHO) == before  # neither a span nor a relabel of the current
    assert window.controller.review.current_item.span == current
    assert "Only spaces are selected" in window.statusBar().currentMessage()


def test_keyboard_ctrl_shift_arrows_select_words_then_l_labels_them(window, project):
    key(window, Qt.Key.Key_J)
    key(window, Qt.Key.Key_J)  # Astana, at 37
    key(window, Qt.Key.Key_Left, CTRL | SHIFT)  # back over "in "
    key(window, Qt.Key.Key_Left, CTRL | SHIFT)  # and "talks "
    assert window.text.selection() == (28, 37)
    key(window, Qt.Key.Key_L)
    QTest.keyClicks(window.label_picker.filter, "event")
    QTest.keyClick(window.label_picker.filter, Qt.Key.Key_Return)
    assert Span(28, 36, "EVENT") in project.gold_spans(1, WHO)  # "talks in", space trimmed


# -- preferences: label set and event schema ------------------------------------------------


def _open_preferences(w) -> PreferencesDialog:
    key(w, Qt.Key.Key_Comma, CTRL)
    dialog = w.findChild(PreferencesDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_keyboard_preferences_refuse_a_bad_label_file_with_one_line(window, tmp_path):
    bad = tmp_path / "labels.json"
    bad.write_text('{"labels": [{"name": "X", "colour": "red"}]}')
    dialog = _open_preferences(window)
    dialog.labels_edit.setText(str(bad))
    dialog.accept()
    assert dialog.isVisible()  # stays open: nothing saved
    line = dialog.error.text()
    assert line.startswith("Label set: ") and "colour" in line and "\n" not in line
    assert window.prefs.labels_file == ""
    dialog.reject()


def test_keyboard_preferences_refuse_a_bad_schema_with_one_line(window, tmp_path):
    bad = tmp_path / "schema.toml"
    bad.write_text("[types.Meet\n")
    dialog = _open_preferences(window)
    dialog.schema_edit.setText(str(bad))
    dialog.accept()
    assert dialog.isVisible() and dialog.error.text().startswith("Event schema: ")
    assert "not valid TOML" in dialog.error.text()
    dialog.reject()


def test_keyboard_preferences_refuse_the_adjudicators_name(window, project):
    dialog = _open_preferences(window)
    dialog.name.setText(" gold ")  # the adjudicated version's own name (a new user chose it)
    dialog.accept()
    assert dialog.isVisible() and "adjudicated version" in dialog.error.text()
    assert window.controller.annotator == WHO  # nothing changed
    dialog.reject()


def test_keyboard_preferences_label_set_and_schema_apply_on_the_next_start(
    window, project, tmp_path, qtbot
):
    labels = tmp_path / "mine.json"
    labels.write_text(json.dumps({"name": "mine", "labels": [
        {"name": "PERSON", "key": 1, "colour": "#f9cfa6", "guideline": "People."},
        {"name": "TREATY", "colour": "#bcd3f7", "guideline": "Signed agreements."},
    ]}))  # fmt: skip
    dialog = _open_preferences(window)
    dialog.labels_edit.setText(str(labels))
    dialog.name.setText("aigerim")
    dialog.accept()
    assert not dialog.isVisible()
    assert "next start" in window.statusBar().currentMessage()
    saved = json.loads((tmp_path / "preferences.json").read_text())
    assert saved["labels_file"] == str(labels) and saved["annotator"] == "aigerim"
    # the next start: the window is built with the chosen label set
    again = create_window(
        project,
        "aigerim",
        settings=QSettings(str(tmp_path / "w2.ini"), QSettings.Format.IniFormat),
        prefs=Preferences.load(tmp_path / "preferences.json"),
        service_factory=None,
    )
    qtbot.addWidget(again)
    assert again.controller.labels.names == ["PERSON", "TREATY"]
    assert "action_label_TREATY" in {a.objectName() for a in again.actions.values()}
    again.close()
