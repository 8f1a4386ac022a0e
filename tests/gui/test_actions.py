"""One action table drives menus, shortcuts and the help."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu

from annotator.core.labels import load_labels
from annotator.gui.actions import (
    ACTIONS,
    DONE_KEY_NOTES,
    EVENT_KEY_NOTES,
    TEXT_KEY_NOTES,
    ShortcutsDialog,
    label_actions,
    shortcut_rows,
)

SPECS = ACTIONS + label_actions(load_labels())


def test_actions_every_issue_key_is_bound():
    keys = {s for spec in SPECS for s in spec.shortcuts}
    wanted = {
        "J",
        "K",
        "Down",
        "Up",
        "A",
        "X",
        "Shift+A",
        "Alt+Left",
        "Alt+Right",
        "Alt+Shift+Left",
        "Alt+Shift+Right",
        "Delete",
        "Ctrl+Return",
        "Ctrl+Shift+Return",
        "N",
        "P",
        "Ctrl+Z",
        "Ctrl+Shift+Z",
        "Ctrl+F",
        "Ctrl+Q",
        "Tab",  # entities / events list
        "E",  # new event (then a type key)
        "R",  # add an argument (then a role key)
        "Shift+N",  # negation
        "M",  # modality
    }
    assert wanted <= keys
    assert {str(n) for n in range(1, 10)} <= keys


def test_actions_no_key_is_bound_twice():
    seen = [QKeySequence(s).toString() for spec in SPECS for s in spec.shortcuts]
    assert len(seen) == len(set(seen))
    assert len({spec.id for spec in SPECS}) == len(SPECS)


def test_actions_help_lists_every_shortcut_from_the_table(qtbot):
    dialog = ShortcutsDialog(SPECS)
    qtbot.addWidget(dialog)
    rows = shortcut_rows(SPECS)
    notes = EVENT_KEY_NOTES + TEXT_KEY_NOTES + DONE_KEY_NOTES
    assert dialog.table.rowCount() == len(rows) == sum(1 for s in SPECS if s.shortcuts) + len(notes)
    texts = {dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())}
    assert {"Accept suggestion (span or whole event)", "Label PERSON", "Undo"} <= texts
    assert any("role" in t and "argument" in t for t in texts)
    assert any("pending" in t and "reject the rest" in t for t in texts)  # Ctrl+Enter's question
    keys = {dialog.table.item(r, 2).text() for r in range(dialog.table.rowCount())}
    assert "J, Down" in keys


def test_actions_window_menus_hold_every_action(make_window, store):
    window = make_window(store, worker=False)
    in_menus = {
        a.objectName() for menu in window.menuBar().findChildren(QMenu) for a in menu.actions()
    }
    assert {f"action_{spec.id}" for spec in SPECS} <= in_menus
    assert "This project has no articles yet" in window.statusBar().currentMessage()
