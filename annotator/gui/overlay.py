"""The transient layer over the article text: the selected event, the argument being
picked, and margin notes naming what is marked.

QPlainTextEdit cannot widen its line spacing, so role names drawn between lines would
cover text. They go into a narrow margin to the right of the text instead ("margin
notes"): each note sits on the line of what it names, in that thing's colour. The event's
trigger gets a box (no entity has one), its arguments a thick underline in their role's
colour, the current argument an outline; a candidate argument a dashed outline.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from annotator.gui.styles import TRIGGER_INK

GUTTER = 132  # px: room for "EconomicFigure" or "Participant+" in the note font
Range = tuple[int, int]  # code points, end exclusive


@dataclass(frozen=True)
class Mark:
    """An argument of the selected event: where, its role and colour."""

    start: int
    end: int
    role: str
    colour: str  # "#rrggbb"


@dataclass(frozen=True)
class EventOverlay:
    """What the text shows of events (code points); the window builds it from the review."""

    triggers: tuple[tuple[int, int, bool], ...] = ()  # every visible event: start, end, gold
    trigger: Range | None = None  # the selected event's trigger
    event_type: str = ""
    arguments: tuple[Mark, ...] = ()
    current: Range | None = None  # the current argument row
    candidate: Range | None = None  # a span offered as a new argument
    candidate_note: str = ""


@dataclass(frozen=True)
class Note:
    top: float  # viewport y of the line
    height: float
    text: str
    colour: QColor = field(default_factory=lambda: QColor(TRIGGER_INK))
    bold: bool = False


def paint_overlay(painter: QPainter, overlay: EventOverlay, rects) -> None:  # noqa: ANN001
    """Draw the event layer; ``rects(start, end)`` gives a range's viewport rectangles."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    _paint_other_triggers(painter, overlay, rects)
    for mark in overlay.arguments:
        painter.setPen(QPen(QColor(mark.colour), 3, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
        for rect in rects(mark.start, mark.end):
            y = rect.bottom() - 1.5
            painter.drawLine(rect.left(), y, rect.right(), y)
    if overlay.trigger:
        painter.setPen(QPen(TRIGGER_INK, 2))
        for rect in rects(*overlay.trigger):
            painter.drawRect(rect.adjusted(-2, 0, 2, -1))
    if overlay.current:
        colour = next(
            (QColor(m.colour) for m in overlay.arguments if (m.start, m.end) == overlay.current),
            QColor(TRIGGER_INK),
        )
        _outline(painter, rects(*overlay.current), QPen(colour, 2))
    if overlay.candidate:
        pen = QPen(QColor("#111827"), 2, Qt.PenStyle.DashLine)
        _outline(painter, rects(*overlay.candidate), pen)


def _paint_other_triggers(painter: QPainter, overlay: EventOverlay, rects) -> None:  # noqa: ANN001
    """Every other event's trigger: a faint box, solid when gold, dashed when pending."""
    faint = QColor(TRIGGER_INK)
    faint.setAlpha(120)
    for start, end, gold in overlay.triggers:
        if (start, end) == overlay.trigger:
            continue
        style = Qt.PenStyle.SolidLine if gold else Qt.PenStyle.DashLine
        painter.setPen(QPen(faint, 1, style))
        for rect in rects(start, end):
            painter.drawRect(rect.adjusted(-1, 0, 1, -1))


def _outline(painter: QPainter, rects: list[QRectF], pen: QPen) -> None:
    painter.setPen(pen)
    for rect in rects:
        painter.drawRoundedRect(rect.adjusted(-3, -1, 3, 1), 4, 4)


def overlay_notes(overlay: EventOverlay, rects) -> list[Note]:  # noqa: ANN001
    """Margin notes: the event type on its trigger's line, each role on its argument's."""
    notes = []
    if overlay.trigger:
        first = rects(*overlay.trigger)[:1]
        notes += [Note(r.top(), r.height(), overlay.event_type, bold=True) for r in first]
    for mark in overlay.arguments:
        first = rects(mark.start, mark.end)[:1]
        notes += [Note(r.top(), r.height(), mark.role, QColor(mark.colour)) for r in first]
    if overlay.candidate and overlay.candidate_note:
        first = rects(*overlay.candidate)[:1]
        text = overlay.candidate_note
        notes += [Note(r.top(), r.height(), text, QColor("#111827"), True) for r in first]
    return notes


class MarginNotes(QWidget):
    """The strip right of the text where notes are written."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("marginNotes")
        self.notes: list[Note] = []
        font = QFont(parent.font())
        font.setPointSizeF(max(parent.font().pointSizeF() * 0.78, 8.0))
        self.setFont(font)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def set_notes(self, notes: list[Note]) -> None:
        if notes != self.notes:
            self.notes = notes
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#fafaf8"))
        painter.setPen(QPen(QColor("#e4e4e0"), 1))
        painter.drawLine(0, 0, 0, self.height())
        bottom = -1.0  # notes on one line stack downwards instead of overlapping
        for note in sorted(self.notes, key=lambda n: n.top):
            font = QFont(self.font())
            font.setBold(note.bold)
            metrics = QFontMetricsF(font)
            top = max(note.top + (note.height - metrics.height()) / 2, bottom)
            painter.setFont(font)
            painter.setPen(note.colour)
            text = metrics.elidedText(note.text, Qt.TextElideMode.ElideRight, GUTTER - 14)
            painter.drawText(QRectF(8, top, GUTTER - 10, metrics.height()), text)
            bottom = top + metrics.height()
        painter.end()
