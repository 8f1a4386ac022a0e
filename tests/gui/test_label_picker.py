"""Every label at the keyboard: the L picker and the Label menu, with the database checked."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMenu

from annotator.core.labels import load_labels
from annotator.core.models import ParsedDoc, Span, Suggestion
from annotator.gui.label_picker import LabelPicker, matches
from annotator.gui.styles import SpanStyles
from annotator.store import Store

TEXT = "Budget law passed\n\nThe Budget Code was signed at 10:30 by the second deputy."
WHO = "tester"
CODE = Span(23, 34, "ORG")  # "Budget Code": a LAW mislabelled as ORG
UNKEYED = ("FAC", "LAW", "PERCENT", "TIME", "ORDINAL", "QUANTITY", "PRODUCT", "WORK_OF_ART",
           "LANGUAGE")  # fmt: skip


@pytest.fixture
def project(db_path):
    s = Store(db_path)
    s.add_docs([ParsedDoc(text=TEXT, title="Budget law passed", lang="en", source="b.txt")])
    s.add_suggestions([(1, [Suggestion(CODE)])], "blank", "0")
    yield s
    s.close()


@pytest.fixture
def window(make_window, project):
    return make_window(project, WHO, worker=False)


def key(w, k, mods=Qt.KeyboardModifier.NoModifier):
    w.text.setFocus()
    QTest.keyClick(w.text, k, mods)


def pick(w, typed: str, *keys: Qt.Key) -> None:
    """L, type ``typed`` into the picker, then press ``keys`` (Enter when none)."""
    key(w, Qt.Key.Key_L)
    picker = w.label_picker
    assert picker.isVisible() and picker.filter.hasFocus()
    QTest.keyClicks(picker.filter, typed)
    for k in keys or (Qt.Key.Key_Return,):
        QTest.keyClick(picker.filter, k)


def gold(store):
    return store.gold_spans(1, WHO)


def test_label_picker_relabels_the_current_item_with_a_label_beyond_nine(window, project):
    assert window.controller.review.current_item.span == CODE
    pick(window, "law")
    assert not window.label_picker.isVisible()
    assert gold(project) == [Span(23, 34, "LAW")]
    assert window.text.hasFocus()  # back to the text for the next key


def test_label_picker_labels_the_keyboard_selection(window, project):
    at = TEXT.index("10:30")
    window.text.select(at, at + 5)
    pick(window, "tim")
    assert Span(at, at + 5, "TIME") in gold(project)


def test_label_picker_down_and_up_choose_among_the_filtered(window, project):
    pick(window, "per", Qt.Key.Key_Down, Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_Return)
    # "per": PERSON, PERCENT (their names start so), then DATE ("periods")
    assert gold(project) == [Span(23, 34, "PERCENT")]


def test_label_picker_escape_cancels_and_changes_nothing(window, project):
    pick(window, "law", Qt.Key.Key_Escape)
    assert not window.label_picker.isVisible()
    assert gold(project) == []
    key(window, Qt.Key.Key_A)  # the window's keys work again
    assert gold(project) == [CODE]


def test_label_picker_a_query_that_finds_nothing_picks_nothing(window, project):
    pick(window, "zzz")
    assert window.label_picker.visible_names() == []
    assert gold(project) == []
    QTest.keyClick(window.label_picker.filter, Qt.Key.Key_Escape)


def test_label_picker_filters_by_word_starts_of_name_and_description(qtbot):
    labels = load_labels()
    picker = LabelPicker(labels, SpanStyles(labels))
    qtbot.addWidget(picker)
    picker.filter.setText("work")
    assert picker.visible_names() == ["WORK_OF_ART"]
    picker.filter.setText("of art")
    assert picker.current_name() == "WORK_OF_ART"
    picker.filter.setText("")
    assert picker.visible_names() == labels.names
    assert matches(labels.get("GPE"), "countries")
    assert not matches(labels.get("GPE"), "untries")


def test_label_picker_label_menu_lists_every_label(window, project):
    menu = next(m for m in window.menuBar().findChildren(QMenu) if m.title() == "&Label")
    texts = [a.text() for a in menu.actions() if a.text()]
    assert {f"Label {name}" for name in load_labels().names} <= set(texts)
    assert "Pick a &label by name…" in texts
    law = next(a for a in menu.actions() if a.text() == "Label LAW")
    assert law.shortcut().isEmpty()  # no number key: the menu item applies it
    law.trigger()
    assert gold(project) == [Span(23, 34, "LAW")]
    assert set(UNKEYED) <= {t.removeprefix("Label ") for t in texts}
