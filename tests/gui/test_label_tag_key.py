"""T shows the label tags in the text; the choice is remembered across restarts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from annotator.core.models import ParsedDoc, Span


def test_label_tag_key_toggles_and_is_remembered(make_window, store):
    store.add_docs([ParsedDoc("Tokayev met Mirziyoyev in Astana.", lang="en", spans=[
        Span(0, 7, "PERSON")])], as_gold=True, annotator="tester")  # fmt: skip
    w = make_window(store, "tester", worker=False)
    assert not w.text.label_tags_on()
    w.text.setFocus()
    QTest.keyClick(w.text, Qt.Key.Key_T)
    assert w.text.label_tags_on() and w.text.toPlainText().startswith("Tokayev")
    w.save_state()
    again = make_window(store, "tester", worker=False)
    assert again.text.label_tags_on()
    again.text.setFocus()
    QTest.keyClick(again.text, Qt.Key.Key_T)
    assert not again.text.label_tags_on()
