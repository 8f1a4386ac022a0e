"""A small keyboard palette that pops up by the text: "E, then a type key", "R, then a role".

It lists the choices with their keys and takes the next key press: a choice key emits
``chosen``; J/K (or Down/Up) emit ``stepped`` so the caller can offer another candidate
(the argument picker walks the entity spans with them); Escape closes it. A ``default``
choice is also what Return/Enter picks (the safe one, e.g. cancel). While it is open it has
the keyboard, so the window's shortcuts do not fire underneath it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
STEP_KEYS = {
    Qt.Key.Key_J: 1,
    Qt.Key.Key_Down: 1,
    Qt.Key.Key_K: -1,
    Qt.Key.Key_Up: -1,
}


@dataclass(frozen=True)
class Choice:
    key: str  # one character: "1", "a"
    value: str
    text: str  # what the row says
    colour: str = "#1f2328"
    enabled: bool = True  # shown dimmed when False (still choosable: the schema warns)
    hint: str = ""


class ChoicePopup(QFrame):
    chosen = Signal(str)  # the value
    stepped = Signal(int)  # +1 / -1: another candidate
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("choicePopup")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel()
        self.title.setObjectName("choiceTitle")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("choiceSubtitle")
        self.body = QLabel()
        self.body.setObjectName("choiceBody")
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.footer = QLabel()
        self.footer.setObjectName("choiceFooter")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(4)
        for label in (self.title, self.subtitle, self.body, self.footer):
            layout.addWidget(label)
        self.choices: list[Choice] = []
        self.default: str | None = None
        self._done = False

    def open(
        self,
        title: str,
        choices: Sequence[Choice],
        at: QPoint | Callable[[], QPoint],
        *,
        subtitle: str = "",
        footer: str = "Esc closes",
        default: str | None = None,
    ) -> None:
        self.default = default
        self.title.setText(title)
        self.set_choices(choices, subtitle)
        self.footer.setText(footer)
        self._done = False
        self.adjustSize()
        self.move(at() if callable(at) else at)  # a callable can use the final size
        self.show()
        self.setFocus()

    def set_choices(self, choices: Sequence[Choice], subtitle: str = "") -> None:
        self.choices = list(choices)
        self.subtitle.setText(subtitle)
        self.subtitle.setVisible(bool(subtitle))
        self.body.setText(_rows(self.choices))
        self.adjustSize()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        key = Qt.Key(event.key())
        if key == Qt.Key.Key_Escape:
            self.close()
            return
        if key in STEP_KEYS and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self.stepped.emit(STEP_KEYS[key])
            return
        if key in ENTER_KEYS and self.default is not None:
            self._choose(self.default)
            return
        text = event.text().lower()
        for choice in self.choices:
            if text and text == choice.key:
                self._choose(choice.value)
                return
        event.accept()  # other keys are swallowed: nothing happens underneath

    def _choose(self, value: str) -> None:
        self._done = True
        self.close()
        self.chosen.emit(value)

    def closeEvent(self, event) -> None:  # noqa: ANN001, N802 (Qt override)
        if not self._done:
            self._done = True
            self.cancelled.emit()
        super().closeEvent(event)


def _rows(choices: Sequence[Choice]) -> str:
    rows = []
    for c in choices:
        colour = c.colour if c.enabled else "#a0a4ab"
        hint = f"&nbsp;&nbsp;<span style='color:#8a8f98'>{c.hint}</span>" if c.hint else ""
        rows.append(
            f"<tr><td style='padding:1px 8px 1px 0'><b>{c.key}</b></td>"
            f"<td style='color:{colour}'>{c.text}{hint}</td></tr>"
        )
    return f"<table>{''.join(rows)}</table>"
