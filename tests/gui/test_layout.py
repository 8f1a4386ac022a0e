"""The window's layout: the text keeps the most room at laptop sizes, whatever was saved."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QSplitter, QWidget

from annotator.core.models import ParsedDoc
from annotator.gui.window_state import TEXT_MIN, TEXT_SHARE, default_sizes, fit_sizes
from annotator.store import Store

WHO = "tester"
CTRL = Qt.KeyboardModifier.ControlModifier
MINS = (180, 400, 320)


@pytest.fixture
def project(db_path):
    s = Store(db_path)
    text = "Astana hosts a forum\n\nTokayev opened the forum in Astana."
    s.add_docs([ParsedDoc(text=text, title="Astana hosts a forum", lang="en", source="a.txt")])
    yield s
    s.close()


def _settings(tmp_path) -> QSettings:
    """The settings file the make_window fixture gives its windows."""
    return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)


def _assert_text_has_the_most_room(window) -> None:
    sizes = window.splitter.sizes()
    assert sizes[1] >= TEXT_MIN
    assert sizes[1] >= TEXT_SHARE * sum(sizes) - 1
    assert sizes[1] == max(sizes)
    assert window.text.width() >= TEXT_MIN - 2  # the text view fills the middle pane


def _resize(window, qtbot, width: int, height: int) -> None:
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.splitter.width() >= width - 20)
    QTest.qWait(20)


@pytest.mark.parametrize("size", [(1024, 700), (1280, 800), (1366, 768), (1920, 1080)])
def test_layout_text_keeps_the_most_room_at_laptop_sizes(make_window, project, qtbot, size):
    w = make_window(project, WHO, worker=False)
    w.set_list_visible(True)  # the offscreen screen is narrow: the list starts hidden there
    _resize(w, qtbot, *size)
    _assert_text_has_the_most_room(w)
    assert w.splitter.sizes()[0] > 0 and w.splitter.sizes()[2] > 0


def test_layout_shrinking_the_window_squeezes_the_side_panes_first(make_window, project, qtbot):
    w = make_window(project, WHO, worker=False)
    w.set_list_visible(True)
    _resize(w, qtbot, 1600, 900)
    _resize(w, qtbot, 1024, 700)
    _assert_text_has_the_most_room(w)


def test_layout_a_wider_window_widens_the_side_panes_too(make_window, project, qtbot):
    w = make_window(project, WHO, worker=False)
    w.set_list_visible(True)
    _resize(w, qtbot, 1024, 700)
    before = w.splitter.sizes()
    _resize(w, qtbot, 1920, 1080)
    after = w.splitter.sizes()
    assert after[0] >= before[0] + 80 and after[2] >= before[2] + 80  # titles, columns
    _assert_text_has_the_most_room(w)


def test_layout_squashing_saved_splitter_state_is_not_restored_as_is(
    make_window, project, qtbot, tmp_path
):
    # a state saved by an old version (or on another screen): the text 100 px wide
    old = QSplitter(Qt.Orientation.Horizontal)
    for _ in range(3):
        old.addWidget(QWidget())
    old.resize(1300, 600)
    old.setSizes([600, 100, 600])
    assert old.sizes()[1] == 100
    settings = _settings(tmp_path)
    settings.setValue("window/splitter", old.saveState())
    settings.setValue("window/list_hidden", False)
    settings.sync()
    w = make_window(project, WHO, worker=False)
    for size in ((1280, 800), (1024, 700)):
        _resize(w, qtbot, *size)
        _assert_text_has_the_most_room(w)


def test_layout_dragging_a_handle_cannot_squash_the_text(make_window, project, qtbot):
    w = make_window(project, WHO, worker=False)
    w.set_list_visible(True)
    _resize(w, qtbot, 1280, 800)
    w.splitter.moveSplitter(1100, 2)  # the review pane's handle far to the right…
    w.splitter.moveSplitter(100, 1)  # …and the list's to the left: the text grows
    _assert_text_has_the_most_room(w)
    w.splitter.moveSplitter(900, 1)  # the list's handle dragged into the text
    _assert_text_has_the_most_room(w)


def test_layout_ctrl_l_hides_and_shows_the_article_list_remembered(
    make_window, project, qtbot, tmp_path
):
    w = make_window(project, WHO, worker=False)
    w.set_list_visible(True)
    _resize(w, qtbot, 1280, 800)
    w.text.setFocus()
    QTest.keyClick(w.text, Qt.Key.Key_L, CTRL)
    assert w.list_pane.isHidden()
    qtbot.waitUntil(lambda: w.splitter.sizes()[0] == 0)
    _assert_text_has_the_most_room(w)
    w.close()
    w2 = make_window(project, WHO, worker=False)
    assert w2.list_pane.isHidden()  # remembered
    w2.text.setFocus()
    QTest.keyClick(w2.text, Qt.Key.Key_L, CTRL)
    assert not w2.list_pane.isHidden()
    qtbot.waitUntil(lambda: w2.splitter.sizes()[0] > 0)
    _resize(w2, qtbot, 1280, 800)  # the offscreen screen made the restored window narrow
    _assert_text_has_the_most_room(w2)
    assert w2.actions["toggle_list"].isChecked()
    w2.close()
    assert _settings(tmp_path).value("window/list_hidden", type=bool) is False


def test_layout_search_key_brings_a_hidden_list_back(make_window, project):
    w = make_window(project, WHO, worker=False)
    w.set_list_visible(False)
    w.text.setFocus()
    QTest.keyClick(w.text, Qt.Key.Key_F, CTRL)
    assert not w.list_pane.isHidden()
    assert w.list_pane.search.hasFocus()


def test_layout_first_start_on_a_narrow_screen_hides_the_list(make_window, project):
    w = make_window(project, WHO, worker=False)
    screen = w.screen().availableGeometry().width()
    assert w.list_pane.isHidden() == (screen < sum(w.splitter.minimums()))


# -- the rule, without a window --------------------------------------------------------------


def test_layout_fit_sizes_gives_the_text_its_share_from_the_side_panes():
    fitted = fit_sizes([600, 100, 600], MINS)
    assert sum(fitted) == 1300
    assert fitted[1] >= 0.45 * 1300 and fitted[1] == max(fitted)
    assert fitted[0] >= MINS[0] and fitted[2] >= MINS[2]


def test_layout_fit_sizes_keeps_a_hidden_pane_hidden_and_the_text_widest():
    assert fit_sizes([0, 400, 900], MINS)[0] == 0
    fitted = fit_sizes([0, 400, 900], MINS)
    assert fitted[1] >= fitted[2] and sum(fitted) == 1300


def test_layout_fit_sizes_leaves_a_good_layout_alone():
    assert fit_sizes([300, 700, 366], MINS) == [300, 700, 366]


def test_layout_default_sizes_are_in_reading_proportions():
    sizes = default_sizes(1366, MINS)
    assert sum(sizes) == 1366
    assert sizes[1] == max(sizes) and sizes[1] >= 0.45 * 1366
    assert sizes[0] >= MINS[0] and sizes[2] >= MINS[2]


@pytest.mark.parametrize("size", [(1024, 700), (1366, 768), (1920, 1080)])
def test_layout_review_lists_keep_their_text_column_readable(make_window, project, qtbot, size):
    # at 1366×768 a new user saw the events list's text column cut to 2–3 characters
    from annotator.gui.review_panel import TEXT_CHARS

    w = make_window(project, WHO, worker=False)
    w.set_list_visible(True)
    _resize(w, qtbot, *size)
    panel = w.review_panel
    for table in (panel.table, panel.event_table):
        w.controller.set_mode("events" if table is panel.event_table else "entities")
        qtbot.waitUntil(table.isVisible)
        QTest.qWait(20)
        char = table.fontMetrics().averageCharWidth()
        assert table.columnWidth(1) >= char * TEXT_CHARS - 2, (size, table.objectName())
        share = panel.shares[table]
        for col, chars in share.order:  # no column below its few characters
            assert table.columnWidth(col) >= min(share.fitted[col], char * chars)
        if size[0] >= 1920:  # room enough: every column as fitted
            assert all(table.columnWidth(c) == wd for c, wd in share.fitted.items())
