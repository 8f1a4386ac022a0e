"""The one action table: id, text, shortcuts, handler, menu.

Menus, keyboard shortcuts and Help → Keyboard shortcuts are all generated from it, so
what the help says is what the keys do. The review keys (J/K, A, X, Shift+A, Delete, the
number keys) act on the list shown in the review panel; Tab switches it between entities
and events.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.labels import LabelSet

if TYPE_CHECKING:
    from annotator.gui.window import MainWindow

Handler = Callable[["MainWindow"], object]


@dataclass(frozen=True)
class ActionSpec:
    id: str
    text: str
    shortcuts: tuple[str, ...]
    handler: Handler
    menu: str  # File | Edit | View | Events | Label | Navigate | Team | Model | Help


def _c(name: str, *args: object) -> Handler:
    """A handler calling a controller method."""
    return lambda w: getattr(w.controller, name)(*args)


def _w(name: str, *args: object) -> Handler:
    """A handler calling a window method (keys that mean something else while
    adjudicating: the window routes them)."""
    return lambda w: getattr(w, name)(*args)


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("open", "&Open project…", ("Ctrl+O",), lambda w: w.open_project(), "File"),
    ActionSpec("new", "&New project…", ("Ctrl+Shift+N",), lambda w: w.new_project(), "File"),
    ActionSpec("import", "&Import files…", ("Ctrl+I",), lambda w: w.import_files(), "File"),
    ActionSpec(
        "import_folder", "Import &folder…", ("Ctrl+Shift+I",), lambda w: w.import_folder(), "File"
    ),
    ActionSpec("preferences", "&Preferences…", ("Ctrl+,",), lambda w: w.edit_preferences(), "File"),
    ActionSpec("quit", "&Quit", ("Ctrl+Q",), lambda w: w.close(), "File"),
    ActionSpec("undo", "&Undo", ("Ctrl+Z",), _w("undo"), "Edit"),
    ActionSpec("redo", "&Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), _w("redo"), "Edit"),
    ActionSpec("accept", "&Accept suggestion (span or whole event)", ("A",), _c("accept"), "Edit"),
    ActionSpec(
        "reject",
        "Re&ject suggestion or argument",
        ("X",),
        _w("reject"),
        "Edit",
    ),  # fmt: skip
    ActionSpec(
        "accept_all",
        "Accept a&ll pending (of the current list)",
        ("Shift+A",),
        _c("accept_all"),
        "Edit",
    ),  # fmt: skip
    ActionSpec("delete", "&Delete gold span, event or argument", ("Delete",), _w("delete"), "Edit"),
    ActionSpec(
        "start_left", "Move start left", ("Alt+Left",), _w("move_boundary", "start", -1), "Edit"
    ),
    ActionSpec(
        "start_right", "Move start right", ("Alt+Right",), _w("move_boundary", "start", 1), "Edit"
    ),
    ActionSpec(
        "end_left", "Move end left", ("Alt+Shift+Left",), _w("move_boundary", "end", -1), "Edit"
    ),
    ActionSpec(
        "end_right", "Move end right", ("Alt+Shift+Right",), _w("move_boundary", "end", 1), "Edit"
    ),
    ActionSpec(
        "new_event",
        "New &event from the selection, or change the event's type",
        ("E",),
        lambda w: w.event_keys.new_event(),
        "Events",
    ),
    ActionSpec(
        "add_argument",
        "Add an a&rgument to the event (pick a span, then a role)",
        ("R",),
        lambda w: w.event_keys.add_argument(),
        "Events",
    ),
    ActionSpec(
        "negation",
        "Toggle the event's &negation",
        ("Shift+N",),
        _c("step_attribute", "Negation"),
        "Events",
    ),  # fmt: skip
    ActionSpec(
        "modality",
        "Cycle the event's &modality (actual, future, hypothetical)",
        ("M",),
        _c("step_attribute", "Modality"),
        "Events",
    ),  # fmt: skip
    ActionSpec(
        "toggle_mode",
        "Switch the review list: entities / events",
        ("Tab",),
        _c("toggle_mode"),
        "Navigate",
    ),  # fmt: skip
    ActionSpec(
        "next_item", "&Next item in the list", ("J", "Down"), _w("move_current", 1), "Navigate"
    ),
    ActionSpec(
        "prev_item", "&Previous item in the list", ("K", "Up"), _w("move_current", -1), "Navigate"
    ),
    ActionSpec(
        "next_pending",
        "Next pending suggestion",
        ("Shift+J",),
        _c("move_pending", 1),
        "Navigate",
    ),
    ActionSpec(
        "prev_pending",
        "Previous pending suggestion",
        ("Shift+K",),
        _c("move_pending", -1),
        "Navigate",
    ),
    ActionSpec(
        "list_order",
        "Article list &order: file order / most useful first / my queue",
        ("Ctrl+Shift+O",),
        lambda w: w.list_pane.cycle_order(),
        "Navigate",
    ),
    ActionSpec("next_event", "Next e&vent", ("]",), _c("move_event", 1), "Navigate"),
    ActionSpec("prev_event", "Previous event", ("[",), _c("move_event", -1), "Navigate"),
    ActionSpec(
        "expand_event",
        "Expand the event (J/K then walk its arguments)",
        ("Right",),
        _c("expand_event", True),
        "Navigate",
    ),
    ActionSpec(
        "collapse_event",
        "Collapse the event (J/K walk events)",
        ("Left",),
        _c("expand_event", False),
        "Navigate",
    ),
    ActionSpec(
        "done",
        "Mark &done, open next unfinished",
        ("Ctrl+Return", "Ctrl+Enter"),
        _w("done_and_next"),
        "Navigate",
    ),
    ActionSpec(
        "skip",
        "&Skip, open next unfinished",
        ("Ctrl+Shift+Return", "Ctrl+Shift+Enter"),
        _c("skip_and_next"),
        "Navigate",
    ),
    ActionSpec("next_article", "Next &article", ("N",), lambda w: w.step_article(1), "Navigate"),
    ActionSpec(
        "prev_article", "Previous a&rticle", ("P",), lambda w: w.step_article(-1), "Navigate"
    ),
    ActionSpec("search", "&Search articles", ("Ctrl+F",), lambda w: w.focus_search(), "Navigate"),
    ActionSpec(
        "status_filter",
        "Next status &filter of the article list (all, unfinished, new, …)",
        ("Ctrl+Shift+S",),
        lambda w: w.cycle_filter("status"),
        "Navigate",
    ),
    ActionSpec(
        "lang_filter",
        "Next lan&guage filter of the article list",
        ("Ctrl+Shift+L",),
        lambda w: w.cycle_filter("lang"),
        "Navigate",
    ),
    ActionSpec("text", "Back to the &text", ("Escape",), lambda w: w.focus_text(), "Navigate"),
    ActionSpec(
        "toggle_list",
        "Show / hide the article &list",
        ("Ctrl+L",),
        lambda w: w.toggle_article_list(),
        "View",
    ),
    ActionSpec(
        "toggle_hints",
        "Show / hide the key &hints bar",
        ("Ctrl+H",),
        lambda w: w.toggle_hints(),
        "View",
    ),
    ActionSpec(
        "label_tags",
        "Label &tags in the text",
        ("T",),
        lambda w: w.text.toggle_label_tags(),
        "View",
    ),
    ActionSpec(
        "guideline",
        "&Guideline of the current label or event type",
        ("F2",),
        lambda w: w.toggle_guideline(),
        "View",
    ),
    ActionSpec(
        "adjudicate",
        "&Adjudicate this article: versions side by side; 1–9 take annotator n's, X / Delete "
        "none, L / Alt+arrows edit (again or Esc: leave)",
        ("Ctrl+Shift+A",),
        _w("toggle_adjudication"),
        "Team",
    ),
    ActionSpec(
        "next_disagreement",
        "Next &disagreement (adjudicating)",
        ("D",),
        _w("next_disagreement", 1),
        "Team",
    ),
    ActionSpec(
        "prev_disagreement",
        "Previous disagreement (adjudicating)",
        ("Shift+D",),
        _w("next_disagreement", -1),
        "Team",
    ),
    ActionSpec(
        "train",
        "&Train a model on the gold, then re-suggest (again: stop)",
        ("Ctrl+Shift+T",),
        lambda w: w.train_model(),
        "Model",
    ),
    ActionSpec(
        "most_useful",
        "Open the &most useful article next (where the models disagree most)",
        ("Ctrl+U",),
        lambda w: w.open_most_useful(),
        "Model",
    ),
    ActionSpec("shortcuts", "&Keyboard shortcuts", ("F1",), lambda w: w.show_shortcuts(), "Help"),
    ActionSpec("about", "&About", (), lambda w: w.show_about(), "Help"),
)


def label_actions(labels: LabelSet) -> tuple[ActionSpec, ...]:
    """The label picker, then one action per label (the first nine with their number
    key): label the selection or the current item."""
    picker = ActionSpec(
        "label_picker", "Pick a &label by name…", ("L",), lambda w: w.pick_label(), "Label"
    )
    keyed = sorted((lab for lab in labels.labels if lab.key), key=lambda lab: lab.key or 0)
    rest = [lab for lab in labels.labels if not lab.key]
    return (picker,) + tuple(
        ActionSpec(
            f"label_{label.key}" if label.key else f"label_{label.name}",
            f"Label {label.name}",
            (str(label.key),) if label.key else (),
            (lambda w, key=label.key: w.apply_key(key))
            if label.key
            else (lambda w, name=label.name: w.apply_label(name)),
            "Label",
        )
        for label in keyed + rest
    )


# What works while adjudicating (the rest would act on the annotator's own version,
# hidden meanwhile): moving, taking (number keys, X, Delete), editing the adjudicated
# entity (label picker, boundary keys), undo, done, leaving, and the view.
ADJUDICATION_ACTIONS = frozenset(
    {
        "undo", "redo", "reject", "delete", "start_left", "start_right", "end_left",
        "end_right", "next_item", "prev_item", "done", "text", "adjudicate",
        "next_disagreement", "prev_disagreement", "label_picker", "toggle_list",
        "toggle_hints", "label_tags", "guideline", "shortcuts", "about", "quit", "search",
    }
)  # fmt: skip


def _run(window: MainWindow, spec: ActionSpec) -> None:
    if getattr(window, "adjudication", None) is not None and not (
        spec.id in ADJUDICATION_ACTIONS or spec.id.startswith("label_")
    ):
        window.statusBar().showMessage(
            f"{spec.text.replace('&', '').rstrip('…')}: not while adjudicating (Esc leaves).", 6000
        )
        return
    spec.handler(window)


def build_actions(window: MainWindow, specs: Sequence[ActionSpec]) -> dict[str, QAction]:
    actions: dict[str, QAction] = {}
    for spec in specs:
        action = QAction(spec.text, window)
        action.setObjectName(f"action_{spec.id}")
        action.setShortcuts([QKeySequence(s) for s in spec.shortcuts])
        action.triggered.connect(lambda _=False, spec=spec: _run(window, spec))
        window.addAction(action)  # shortcuts work with the menus closed
        actions[spec.id] = action
    return actions


# What shared keys do in the events list (help rows only: the keys are the actions above).
EVENT_KEY_NOTES = (
    ("Events", "In the events list: accept / reject the whole event (on its row)", "A, X"),
    ("Events", "In the events list: reject the current argument (on its row)", "X, Delete"),
    ("Events", "In the events list: give the current argument the type's n-th role", "1–9"),
    ("Events", "In the argument picker: another span, then a role key", "J / K, 1–9"),
)
# Keys the text view handles itself (Qt's keyboard selection) and keys of the label picker.
TEXT_KEY_NOTES = (
    (
        "Edit",
        "Select text from the current item's start, a character at a time",
        "Shift+Left / Right",
    ),
    (
        "Edit",
        "Select text from the current item's start, a word at a time",
        "Ctrl+Shift+Left / Right",
    ),
    ("Edit", "Select text from the current item's start, a line at a time", "Shift+Down / Up"),
    ("Edit", "Then label the selection, or make it an event's trigger", "1–9, L, E"),
    (
        "Label",
        "In the label picker: type to filter, choose, apply, cancel",
        "Up / Down, Enter, Esc",
    ),
)
# The question Ctrl+Enter asks while suggestions are pending (annotator.gui.done_prompt).
DONE_KEY_NOTES = (
    ("Navigate", "Done with suggestions pending: accept / reject the rest, or cancel", "A, X, C"),
)


def shortcut_rows(specs: Sequence[ActionSpec]) -> list[tuple[str, str, str]]:
    """(menu, action, keys) for the help table, keys as the platform shows them."""
    rows = []
    for spec in specs:
        if not spec.shortcuts:
            continue
        keys = ", ".join(
            QKeySequence(s).toString(QKeySequence.SequenceFormat.NativeText) for s in spec.shortcuts
        )
        rows.append((spec.menu, spec.text.replace("&", "").rstrip("…"), keys))
    return rows + list(EVENT_KEY_NOTES) + list(TEXT_KEY_NOTES) + list(DONE_KEY_NOTES)


class ShortcutsDialog(QDialog):
    def __init__(self, specs: Sequence[ActionSpec], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        rows = shortcut_rows(specs)
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels(["Menu", "Action", "Keys"])
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(760, 660)
