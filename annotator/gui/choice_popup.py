"""A small keyboard palette that pops up by the text: "E, then a type key", "R, then a role".

It lists the choices with their keys and takes the next key press: a choice key emits
``chosen``; J/K (or Down/Up) emit ``stepped`` so the caller can offer another candidate
(the argument picker walks the entity spans with them); Escape closes it. A ``default``
choice is also what Return/Enter picks (the safe one, e.g. cancel). While it is open it has
the keyboard, so the window's shortcuts do not fire underneath it.

Long hints (an event type's description) wrap instead of being cut: the palette is at
most ``MAX_WIDTH`` wide. :func:`place` finds where it covers none of what the choice is
about (the trigger, the candidate span, the current event's arguments and rows).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
STEP_KEYS = {
    Qt.Key.Key_J: 1,
    Qt.Key.Key_Down: 1,
    Qt.Key.Key_K: -1,
    Qt.Key.Key_Up: -1,
}
MAX_WIDTH = 76  # in the font's average character widths: past this, hints wrap
GAP = 6  # px between the palette and what it must not cover


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
        self.body.setWordWrap(True)
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
        # a word-wrapped label asks for little width: give it what its rows need, up to a
        # readable measure, so short palettes stay narrow and long hints wrap, not cut
        self.body.setFixedWidth(self._body_width())
        self.adjustSize()

    def _body_width(self) -> int:
        limit = self.fontMetrics().averageCharWidth() * MAX_WIDTH
        probe = QLabel()
        probe.setFont(self.body.font())
        probe.setTextFormat(Qt.TextFormat.RichText)
        probe.setText(self.body.text())
        return min(probe.sizeHint().width(), limit)

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
        hint = f"<td style='color:#6b7079; padding-left:10px'>{escape(c.hint)}</td>"
        rows.append(
            f"<tr><td style='padding:1px 8px 1px 0'><b>{c.key}</b></td>"
            f"<td style='color:{colour}; white-space:nowrap'>{c.text}</td>"
            f"{hint if c.hint else '<td></td>'}</tr>"
        )
    return f"<table cellspacing='0'>{''.join(rows)}</table>"


def place(
    size: QSize, target: QRect, avoid: Sequence[QRect], bounds: QRect, gap: int = GAP
) -> QPoint:
    """Where a palette of ``size`` goes: near ``target`` (below it first, then above, then
    beside), inside ``bounds`` (the screen), covering neither the target nor any of
    ``avoid`` (global rectangles); if nothing is free, where it covers the least."""
    keep = [target, *avoid]
    block = united([target, *avoid])
    ys = [target.bottom() + gap + 1, target.top() - gap - size.height()]
    ys += [r.bottom() + gap + 1 for r in keep] + [r.top() - gap - size.height() for r in keep]
    xs = [target.left(), target.right() + gap + 1, target.left() - gap - size.width()]
    xs += [block.right() + gap + 1, block.left() - gap - size.width()]
    best: tuple[int, int, QPoint] | None = None
    for y in ys:
        for x in xs:
            spot = _inside(QRect(QPoint(x, y), size), bounds)
            covered = sum(_area(spot.intersected(r)) for r in keep)
            far = abs(spot.left() - target.left()) + abs(spot.top() - target.bottom() - gap)
            if best is None or (covered, far) < best[:2]:
                best = (covered, far, spot.topLeft())
    return best[2] if best else target.bottomLeft()


def united(rects: Sequence[QRect]) -> QRect:
    """The smallest rectangle holding all of ``rects`` (at least one)."""
    out = QRect(rects[0])
    for rect in rects[1:]:
        out = out.united(rect)
    return out


def _inside(rect: QRect, bounds: QRect) -> QRect:
    x = max(bounds.left(), min(rect.left(), bounds.right() - rect.width() + 1))
    y = max(bounds.top(), min(rect.top(), bounds.bottom() - rect.height() + 1))
    return QRect(QPoint(x, y), rect.size())


def _area(rect: QRect) -> int:
    return rect.width() * rect.height() if rect.isValid() else 0
