"""The layers painted with the article text: nested spans' fills and brackets, label
tags, the selected event, the argument being picked, and margin notes naming what is
marked.

QPlainTextEdit cannot widen its line spacing, so role names drawn between lines would
cover text. They go into a narrow margin to the right of the text instead ("margin
notes"): each note sits on the line of what it names, in that thing's colour. The event's
trigger gets a box (no entity has one), its arguments a thick underline in their role's
colour, the current argument an outline; a candidate argument a dashed outline. Boxes and
outlines are drawn inside the range's rectangles (the trigger's box reaches left into
the space before it): a box that reached out on the right would cover the next character
(a comma, a closing quote).

Where spans nest or overlap, the fills go under the text in levels: the outermost span's
fill full height, each span inside it inset from the top and the bottom by one step, so
"Astana" inside "Astana International Airport" shows as a window in the airport's colour;
a span that contains another also gets thin brackets at its edges. Label tags are small
rounded chips with the label's name after a span's last character, in room the highlighter
makes with letter spacing (the text and its offsets stay as they are).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import QWidget

from annotator.core.review import GOLD
from annotator.gui.styles import TRIGGER_INK, SpanStyles

GUTTER = 132  # px: room for "EconomicFigure" or "Participant+" in the note font
Range = tuple[int, int]  # code points, end exclusive
MAX_LEVELS = 3  # nested fills deeper than this share the innermost level
TAG_GAP = 3.0  # px before, between and after label tags
TAG_PAD = 4.0  # px left and right of a tag's text


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
        for rect in rects(*overlay.trigger):  # reaching left into the space, never right
            painter.drawRect(rect.adjusted(-2, 0, -1, -1))
    if overlay.current:
        colour = next(
            (QColor(m.colour) for m in overlay.arguments if (m.start, m.end) == overlay.current),
            QColor(TRIGGER_INK),
        )
        outline(painter, rects(*overlay.current), QPen(colour, 2))
    if overlay.candidate:
        pen = QPen(QColor("#111827"), 2, Qt.PenStyle.DashLine)
        outline(painter, rects(*overlay.candidate), pen)


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
            painter.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))


def outline(painter: QPainter, rects: Sequence[QRectF], pen: QPen) -> None:
    """A rounded outline inside each rectangle (the pen's width stays within it)."""
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    half = pen.widthF() / 2
    for rect in rects:
        painter.drawRoundedRect(rect.adjusted(half, half, -half, -half), 3, 3)


# -- nested spans and label tags ------------------------------------------------------


def level_step(line_height: float) -> float:
    """How far each nested level's fill is inset from the line's top and bottom."""
    return max(2.0, round(line_height * 0.17))


def paint_levels(painter: QPainter, rect: QRectF, colours: Sequence[QColor], step: float) -> None:
    """Fills of the spans covering ``rect``, outermost first, each inset one more step."""
    for level, colour in enumerate(colours[:MAX_LEVELS]):
        inset = level * step
        painter.fillRect(rect.adjusted(0, inset, 0, -inset), colour)


def paint_bracket(
    painter: QPainter, rect: QRectF, *, left: bool, inset: float, colour: QColor
) -> None:
    """A thin bracket at a span's start (``left``) or end, its serifs pointing inwards."""
    painter.setPen(QPen(colour, 1.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
    x = rect.left() + 0.75 if left else rect.right() - 0.75
    serif = 3.0 if left else -3.0
    top, bottom = rect.top() + inset + 0.75, rect.bottom() - inset - 0.75
    corners = ((x + serif, top), (x, top), (x, bottom), (x + serif, bottom))
    painter.drawPolyline([QPointF(*corner) for corner in corners])


def tag_rects(
    right: float, top: float, height: float, widths: Sequence[float], tag_height: float
) -> list[QRectF]:
    """Where a span's tags go: side by side in the room after its last character, which
    ends at ``right``, vertically centred on the line (pure geometry, tested)."""
    x = right - tag_room(widths) + TAG_GAP
    y = top + (height - tag_height) / 2
    out = []
    for width in widths:
        out.append(QRectF(x, y, width, tag_height))
        x += width + TAG_GAP
    return out


def tag_room(widths: Sequence[float]) -> float:
    """The letter spacing a span's last character gets for its tags."""
    return sum(widths) + TAG_GAP * (len(widths) + 1) if widths else 0.0


class LabelTags:
    """The tags' font and widths (cached per label) and their painting."""

    def __init__(self, text_font: QFont) -> None:
        self.font = QFont(text_font)
        self.font.setPointSizeF(max(text_font.pointSizeF() * 0.68, 7.0))
        self.font.setWeight(QFont.Weight.DemiBold)
        self.metrics = QFontMetricsF(self.font)
        self.height = math.ceil(self.metrics.height())
        self._widths: dict[str, float] = {}
        self._chips: dict[tuple[str, str, float], QPixmap] = {}

    def width(self, label: str) -> float:
        width = self._widths.get(label)
        if width is None:
            width = math.ceil(self.metrics.horizontalAdvance(label) + 2 * TAG_PAD)
            self._widths[label] = width
        return width

    def room(self, labels: Sequence[str]) -> float:
        return tag_room([self.width(label) for label in labels])

    def rects(self, last: QRectF, labels: Sequence[str]) -> list[QRectF]:
        """The tags' rectangles after a span whose last line's rectangle is ``last``."""
        widths = [self.width(label) for label in labels]
        return tag_rects(last.right(), last.top(), last.height(), widths, self.height)

    def paint(
        self, painter: QPainter, last: QRectF, tags: Sequence[tuple[str, str]], styles: SpanStyles
    ) -> None:
        """``tags``: (label, state), innermost span first. Each chip is drawn once into a
        cached pixmap: a repaint with fifty tags on screen copies fifty small images."""
        dpr = painter.device().devicePixelRatioF()
        for rect, (label, state) in zip(self.rects(last, [t[0] for t in tags]), tags):
            key = (label, state, dpr)
            chip = self._chips.get(key)
            if chip is None:
                chip = self._chips[key] = self._chip(label, state, styles, dpr)
            painter.drawPixmap(rect.topLeft(), chip)

    def _chip(self, label: str, state: str, styles: SpanStyles, dpr: float) -> QPixmap:
        width = self.width(label)
        chip = QPixmap(math.ceil(width * dpr), math.ceil(self.height * dpr))
        chip.setDevicePixelRatio(dpr)
        chip.fill(Qt.GlobalColor.transparent)
        painter = QPainter(chip)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        background, ink = styles.tag_colours(label, state)
        gold = state == GOLD
        style = Qt.PenStyle.SolidLine if gold else Qt.PenStyle.DashLine
        painter.setPen(QPen(background if gold else ink, 1, style))
        painter.setBrush(background)
        rect = QRectF(0, 0, width, self.height)
        painter.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 3, 3)
        painter.setFont(self.font)
        painter.setPen(ink)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)
        painter.end()
        return chip


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
