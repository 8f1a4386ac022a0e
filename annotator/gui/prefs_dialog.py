"""File → Preferences: the annotator's name and what marking done does with pending ones."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QWidget,
)

from annotator.gui.prefs import DONE_ACCEPT, DONE_ASK, DONE_REJECT, Preferences

DONE_TEXT = {
    DONE_ASK: "Ask",
    DONE_ACCEPT: "Accept them",
    DONE_REJECT: "Reject them",
}


class PreferencesDialog(QDialog):
    def __init__(self, prefs: Preferences, annotator: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle("Preferences")
        self.name = QLineEdit(annotator)
        self.name.setObjectName("annotatorName")
        self.done_box = QComboBox()
        self.done_box.setObjectName("doneWithPending")
        for value, text in DONE_TEXT.items():
            self.done_box.addItem(text, value)
        self.done_box.setCurrentIndex(self.done_box.findData(prefs.done_policy))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QFormLayout(self)
        layout.addRow("&Annotator name (recorded with every decision):", self.name)
        layout.addRow("When marking &done with pending suggestions:", self.done_box)
        layout.addRow(buttons)

    @property
    def annotator(self) -> str:
        return self.name.text().strip()

    @property
    def done_policy(self) -> str:
        return self.done_box.currentData()
