"""Every label at the keyboard: a type-to-filter picker, like a command palette (key L).

The number keys reach the first nine labels; this reaches all of them. Typing filters by
the start of a word of the label's name or description (``work`` finds WORK_OF_ART;
``per`` PERSON and PERCENT first, then DATE for "periods"); Up/Down move, Enter picks,
Escape cancels. Picking emits ``picked``: the window applies the label
exactly as a number key would (to the text selection, else to the current item). While it
is open it has the keyboard, so the window's single-letter shortcuts do not fire.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.labels import Label, LabelSet
from annotator.gui.styles import SpanStyles

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
MOVE_KEYS = {
    Qt.Key.Key_Down: 1,
    Qt.Key.Key_Up: -1,
    Qt.Key.Key_PageDown: 5,
    Qt.Key.Key_PageUp: -5,
}


def matches(label: Label, query: str) -> bool:
    """Does every word of ``query`` (any case) start a word of the label's name or
    description?"""
    words = set(_words(f"{label.name} {label.description}"))
    return all(any(w.startswith(q) for w in words) for q in _words(query))


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.lower())


def rank(label: Label, query: str) -> int:
    """0 for a label whose name starts with the query, 1 for one found elsewhere."""
    q = query.strip().lower().replace(" ", "_")
    return 0 if q and label.name.lower().startswith(q) else 1


class LabelPicker(QFrame):
    picked = Signal(str)  # the label's name
    cancelled = Signal()

    def __init__(self, labels: LabelSet, styles: SpanStyles, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("labelPicker")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.labels = labels
        self.styles = styles
        self.title = QLabel("<b>Label</b> — type to filter, ↑/↓, Enter applies, Esc cancels")
        self.filter = QLineEdit(placeholderText="Label name or description…")
        self.filter.setObjectName("labelFilter")
        self.list = QListWidget()
        self.list.setObjectName("labelChoices")
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing stays in the filter
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        self.filter.textChanged.connect(self._on_filter_text_changed)
        self.filter.installEventFilter(self)
        self.list.itemActivated.connect(lambda item: self._pick(item))
        self.list.itemClicked.connect(lambda item: self._pick(item))
        self._done = False
        self._on_filter_text_changed("")
        self.resize(420, 360)

    def open_at(self, at: QPoint) -> None:
        """Show all labels, the first one chosen, at ``at`` (global position)."""
        self._done = False
        self.filter.clear()
        self._on_filter_text_changed("")
        self.move(at)
        self.show()
        self.raise_()
        self.activateWindow()
        self.filter.setFocus()

    def visible_names(self) -> list[str]:
        return [self._name(i) for i in self._visible()]

    def current_name(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item and not item.isHidden() else None

    # -- reacting ---------------------------------------------------------------------------

    def _on_filter_text_changed(self, text: str) -> None:
        """Show the labels the text finds, those whose name starts with it first (in the
        label set's order otherwise); the first one shown is chosen."""
        order = sorted(
            range(len(self.labels.labels)),
            key=lambda n: (rank(self.labels.labels[n], text), n),
        )
        self.list.clear()
        for n in order:
            label = self.labels.labels[n]
            item = _item(label, self.styles)
            self.list.addItem(item)
            item.setHidden(not matches(label, text))  # only an item in the list can hide
        rows = self._visible()
        self.list.setCurrentRow(rows[0] if rows else -1)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.filter and event.type() == QEvent.Type.KeyPress:
            return self._key(event)  # type: ignore[arg-type]
        return super().eventFilter(watched, event)

    def _key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key in MOVE_KEYS:
            self._move(MOVE_KEYS[key])
        elif key in ENTER_KEYS:
            self._pick(self.list.currentItem())
        elif key == Qt.Key.Key_Escape:
            self.close()
        else:
            return False
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if not self._key(event):
            super().keyPressEvent(event)

    def _move(self, step: int) -> None:
        rows = self._visible()
        if not rows:
            return
        at = rows.index(self.list.currentRow()) if self.list.currentRow() in rows else -1
        target = rows[max(0, min(len(rows) - 1, at + step))]
        self.list.setCurrentRow(target)

    def _pick(self, item: QListWidgetItem | None) -> None:
        if item is None or item.isHidden():
            return
        self._done = True
        self.hide()
        self.picked.emit(item.data(Qt.ItemDataRole.UserRole))

    def hideEvent(self, event) -> None:  # noqa: ANN001, N802 (Qt override)
        super().hideEvent(event)
        if not self._done:
            self._done = True
            self.cancelled.emit()

    def _visible(self) -> list[int]:
        return [r for r in range(self.list.count()) if not self.list.item(r).isHidden()]

    def _name(self, row: int) -> str:
        return self.list.item(row).data(Qt.ItemDataRole.UserRole)


def _item(label: Label, styles: SpanStyles) -> QListWidgetItem:
    key = str(label.key) if label.key else " "
    text = f"{key}   {label.name}"
    if label.description:
        text += f"   — {label.description}"
    item = QListWidgetItem(text)
    item.setData(Qt.ItemDataRole.UserRole, label.name)
    item.setData(Qt.ItemDataRole.DecorationRole, styles.fill(label.name))
    if label.guideline:
        item.setToolTip(label.guideline)
    return item
