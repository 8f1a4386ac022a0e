"""File → Preferences: the annotator's name, the label set, the event schema, and what
marking done does with pending suggestions.

A label or schema file is checked with the loaders the window starts with
(:func:`annotator.gui.prefs.read_labels` / ``read_schema``) when OK is pressed: a bad file
keeps the dialog open with one line saying why. A new label set or schema applies on the
next start (the palette, the keys, the lists and the worker are built from them).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from annotator.gui.prefs import (
    DONE_ACCEPT,
    DONE_ASK,
    DONE_REJECT,
    Preferences,
    read_labels,
    read_schema,
)
from annotator.store.team import ADJUDICATOR, RESERVED_NAME

DONE_TEXT = {
    DONE_ASK: "Ask",
    DONE_ACCEPT: "Accept them",
    DONE_REJECT: "Reject them",
}
BUNDLED = "(bundled)"
NEXT_START = "The label set and the event schema apply on the next start."


class PreferencesDialog(QDialog):
    def __init__(self, prefs: Preferences, annotator: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle("Preferences")
        self.name = QLineEdit(annotator)
        self.name.setObjectName("annotatorName")
        self.labels_edit = _path_edit("labelsFile", prefs.labels_file, "resources/labels.json")
        self.schema_edit = _path_edit(
            "schemaFile", prefs.schema_file, "resources/events/schema.toml"
        )
        self.done_box = QComboBox()
        self.done_box.setObjectName("doneWithPending")
        for value, text in DONE_TEXT.items():
            self.done_box.addItem(text, value)
        self.done_box.setCurrentIndex(self.done_box.findData(prefs.done_policy))
        self.error = QLabel()
        self.error.setObjectName("preferencesError")
        self.error.setStyleSheet("color: #9b2c2c;")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QFormLayout(self)
        layout.addRow("&Annotator name (recorded with every decision):", self.name)
        layout.addRow("&Label set (JSON):", self._chooser(self.labels_edit, "Label set", "*.json"))
        layout.addRow(
            "Event &schema (TOML):", self._chooser(self.schema_edit, "Event schema", "*.toml")
        )
        layout.addRow("", QLabel(f"<i>{NEXT_START}</i>"))
        layout.addRow("When marking &done with pending suggestions:", self.done_box)
        layout.addRow(self.error)
        layout.addRow(buttons)
        self.resize(640, self.sizeHint().height())

    def _chooser(self, edit: QLineEdit, what: str, pattern: str) -> QWidget:
        """The path box, "Choose…" (a file dialog) and "Bundled" (empty the box)."""
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        choose = QPushButton("Choose…")
        choose.clicked.connect(lambda: self._choose(edit, what, pattern))
        bundled = QPushButton("Bundled")
        bundled.setToolTip(f"Use the {what.lower()} that comes with annotator")
        bundled.clicked.connect(edit.clear)
        box.addWidget(edit, 1)
        box.addWidget(choose)
        box.addWidget(bundled)
        return row

    def _choose(self, edit: QLineEdit, what: str, pattern: str) -> None:
        start = str(Path(edit.text()).parent) if edit.text() else ""
        path, _ = QFileDialog.getOpenFileName(
            self, f"Choose the {what.lower()}", start, f"{what} ({pattern});;All files (*)"
        )
        if path:
            edit.setText(path)

    def problem(self) -> str | None:
        """Why the name or the chosen files cannot be used (one line), or None."""
        if self.annotator == ADJUDICATOR:
            return RESERVED_NAME
        _, labels = read_labels(self.labels_file)
        if labels:
            return f"Label set: {labels}"
        _, schema = read_schema(self.schema_file)
        return f"Event schema: {schema}" if schema else None

    def accept(self) -> None:
        problem = self.problem()
        self.error.setText(problem or "")
        self.error.setVisible(bool(problem))
        if problem is None:
            super().accept()

    @property
    def annotator(self) -> str:
        return self.name.text().strip()

    @property
    def labels_file(self) -> str:
        return self.labels_edit.text().strip()

    @property
    def schema_file(self) -> str:
        return self.schema_edit.text().strip()

    @property
    def done_policy(self) -> str:
        return self.done_box.currentData()


def _path_edit(name: str, value: str, bundled: str) -> QLineEdit:
    edit = QLineEdit(value)
    edit.setObjectName(name)
    edit.setPlaceholderText(f"{BUNDLED} {bundled}")
    edit.setClearButtonEnabled(True)
    return edit
