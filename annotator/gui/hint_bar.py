"""A slim bar under the panes with the main keys of the list the keys act on.

It is a reminder, not the reference: F1 lists every key (from the action table). View →
Key hints (Ctrl+H) hides it; the window remembers that.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

ENTITY_HINTS = (
    ("A", "accept"),
    ("X", "reject"),
    ("J / K", "next / prev"),
    ("1–9", "label"),
    ("L", "labels…"),
    ("Shift+→", "select"),
    ("Tab", "events"),
    ("F2", "guideline"),
    ("Ctrl+Enter", "done"),
    ("F1", "all keys"),
)
EVENT_HINTS = (
    ("A", "accept"),
    ("X", "reject"),
    ("J / K", "next / prev"),
    ("→ / ←", "arguments"),
    ("E", "event"),
    ("R", "argument"),
    ("1–9", "role"),
    ("Tab", "entities"),
    ("F2", "guideline"),
    ("Ctrl+Enter", "done"),
    ("F1", "all keys"),
)
KEY_STYLE = (
    "background:#ffffff; border:1px solid #cfcfca; border-radius:3px; "
    "padding:0 4px; font-weight:600; color:#1f2328"
)


def hint_html(events_mode: bool) -> str:
    hints = EVENT_HINTS if events_mode else ENTITY_HINTS
    return "&nbsp;&nbsp;·&nbsp;&nbsp;".join(
        f"<span style='{KEY_STYLE}'>&nbsp;{escape(key)}&nbsp;</span>&nbsp;{escape(text)}"
        for key, text in hints
    )


class HintBar(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("hintBar")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setStyleSheet("QLabel#hintBar { color:#4b5058; padding:2px 8px; }")
        self.setToolTip("The main keys (F1: all of them). Ctrl+H hides this bar.")
        self.events_mode: bool | None = None
        self.show_mode(False)

    def show_mode(self, events_mode: bool) -> None:
        if events_mode != self.events_mode:
            self.events_mode = events_mode
            self.setText(hint_html(events_mode))

    def minimumSizeHint(self):  # noqa: ANN201, N802 (Qt override)
        # a narrow window cuts the hints at the right rather than growing to fit them
        hint = super().minimumSizeHint()
        hint.setWidth(0)
        return hint
