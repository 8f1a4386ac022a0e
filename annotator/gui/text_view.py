"""The article text: read-only, title set apart, spans highlighted, the current one outlined.

Spans are painted by a ``QSyntaxHighlighter`` over the segments of the spans
(:mod:`annotator.gui.highlighter`; one cached format per combination of covering spans): a
decision recomputes the segments around the spans it changed and re-formats and repaints
only the blocks it touched. Where spans nest or overlap, their fills are painted under the text in
levels and a span holding another gets brackets; label tags (``set_label_tags``, also in
the context menu) name each span after its last character (:mod:`annotator.gui.overlay`).
The current item is a transient layer: a rounded outline painted inside its rectangles;
in the events list, the selected event is, with notes in a margin right of the text
naming what is marked. Offsets come in as code points and are converted to Qt's UTF-16
units here.

The text is read-only but selectable with the keyboard too (Shift+arrows, Ctrl+Shift+arrows)
so that a new span or event trigger never needs the mouse.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QPoint, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QContextMenuEvent,
    QFont,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QTextEdit, QWidget

from annotator.core.segments import Segment
from annotator.core.text import Utf16Map
from annotator.gui.highlighter import SpanHighlighter, ViewSpan
from annotator.gui.overlay import (
    GUTTER,
    EventOverlay,
    LabelTags,
    MarginNotes,
    Note,
    level_step,
    outline,
    overlay_notes,
    paint_bracket,
    paint_levels,
    paint_overlay,
)
from annotator.gui.styles import TRIGGER_FILL, SpanStyles

__all__ = ["ArticleTextView", "SpanHighlighter", "ViewSpan"]

Snapper = Callable[[int, int], "tuple[int, int] | None"]


class ArticleTextView(QPlainTextEdit):
    range_selected = Signal(int, int)  # a mouse selection (code points), snapped
    offset_clicked = Signal(int)  # a click without selection (code point)
    label_tags_changed = Signal(bool)  # the tags were switched on or off (to remember it)

    def __init__(
        self, styles: SpanStyles, parent: QWidget | None = None, *, label_tags: bool = False
    ) -> None:
        super().__init__(parent)
        self.setObjectName("articleText")
        self.setReadOnly(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        flags = Qt.TextInteractionFlag
        self.setTextInteractionFlags(flags.TextSelectableByMouse | flags.TextSelectableByKeyboard)
        self.setUndoRedoEnabled(False)
        self.document().setDocumentMargin(16)
        font = self.font()  # hours of reading: a size up from the interface font
        font.setPointSizeF(max(font.pointSizeF() * 1.2, 11.0))
        self.setFont(font)
        self.styles = styles
        self.highlighter = SpanHighlighter(styles)
        self.snapper: Snapper | None = None
        self._exact: tuple[int, int] | None = None  # an Alt+mouse selection: not snapped
        self._map = Utf16Map("")
        self._same16 = True  # the text has no character outside the BMP
        self._current: tuple[int, int, str] | None = None  # UTF-16 start, end, label
        self.overlay: EventOverlay | None = None  # code points
        self.margin = MarginNotes(self)
        self.setViewportMargins(0, 0, GUTTER, 0)
        self._notes_held = False  # while a new text is formatted: notes once, at the end
        self.updateRequest.connect(lambda *_: self._notes_held or self._update_notes())
        self.verticalScrollBar().valueChanged.connect(self._format_shown)
        self.label_tags = LabelTags(self.font())
        self.label_tags_action = QAction("Label tags in the text", self)
        self.label_tags_action.setCheckable(True)
        self.label_tags_action.setToolTip("Name each span's label in a small tag after it")
        self.label_tags_action.toggled.connect(self.set_label_tags)
        self.set_label_tags(label_tags)

    # -- label tags ---------------------------------------------------------------------

    def set_label_tags(self, on: bool) -> None:
        """Show (or hide) a tag with the label after every span; the lines re-wrap."""
        if self.label_tags_on() == on and self.label_tags_action.isChecked() == on:
            return
        self.highlighter.label_tags = self.label_tags if on else None
        self.label_tags_action.setChecked(on)
        if self.highlighter.document() is not None:
            self.highlighter.rehighlight()
        self.viewport().update()
        self.label_tags_changed.emit(on)

    def toggle_label_tags(self) -> None:
        self.set_label_tags(not self.label_tags_on())

    def label_tags_on(self) -> bool:
        return self.highlighter.label_tags is not None

    def context_menu(self, pos: QPoint) -> QMenu:
        """Qt's menu (copy, select all) and the label tags switch."""
        menu = self.createStandardContextMenu(pos)
        menu.addSeparator()
        menu.addAction(self.label_tags_action)
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 (Qt override)
        menu = self.context_menu(event.pos())
        menu.exec(event.globalPos())
        menu.deleteLater()

    # -- content ------------------------------------------------------------------------

    def show_article(
        self,
        text: str,
        title: str,
        spans: Sequence[ViewSpan],
        current: tuple[int, int, str] | None,
    ) -> None:
        """Replace the text; highlight once (the highlighter is detached meanwhile)."""
        self._notes_held = True  # each block formatted asks for a repaint
        self.highlighter.setDocument(None)
        self._map = Utf16Map(text)
        self._same16 = self._map.to_utf16(len(text)) == len(text)
        self._current = None
        self.overlay = None
        self.setExtraSelections([])
        # setPlainText inserts with the caret's format: after a caret in the bold title the
        # whole next article would come out bold
        self.setCurrentCharFormat(QTextCharFormat())
        self.setPlainText(text)
        if title and text.startswith(title):
            self._format_title(self._map.to_utf16(len(title)))
        self.highlighter.set_spans(self._to16(spans), reset=True)
        self.highlighter.show_text(self.document(), self._may_show(current))
        self._notes_held = False
        self.set_current(current)
        self._update_notes()

    def _may_show(self, current: tuple[int, int, str] | None) -> list[tuple[int, int]]:
        """What a new text may show first (UTF-16): its first screens, and as much
        around the current item (a generous guess from the font and the viewport); a
        block outside waits (``_format_shown``)."""
        metrics, port = self.fontMetrics(), self.viewport().rect()
        lines = port.height() // max(metrics.lineSpacing(), 1) + 2
        screen = 2 * lines * max(port.width() // max(metrics.averageCharWidth(), 1), 40)
        out = [(0, screen)]
        if current is not None:
            at = self._map.to_utf16(current[0])
            out.append((at - screen, at + screen))
        return out

    def _format_shown(self, *_: object) -> None:
        """Format the blocks in view that still wait (after a scroll, a resize)."""
        if not self.highlighter.pending:
            return
        block, offset = self.firstVisibleBlock(), self.contentOffset()
        bottom, shown = self.viewport().rect().bottom(), []
        while block.isValid():
            if self.blockBoundingGeometry(block).translated(offset).top() > bottom:
                break
            shown.append(block)
            block = block.next()
        self.highlighter.format_blocks(shown)

    def _format_title(self, end16: int) -> None:
        fmt = QTextCharFormat()
        fmt.setFontWeight(QFont.Weight.DemiBold)
        fmt.setFontPointSize(self.font().pointSizeF() * 1.3)
        cursor = QTextCursor(self.document())
        cursor.setPosition(end16, QTextCursor.MoveMode.KeepAnchor)
        cursor.mergeCharFormat(fmt)

    def update_spans(
        self, spans: Sequence[ViewSpan], changed: Sequence[tuple[int, int]] | None
    ) -> None:
        """New spans; re-highlight the blocks of ``changed`` (code points), or all."""
        self.highlighter.set_spans(self._to16(spans))
        if changed is None:
            self.highlighter.rehighlight()
            return
        for start, end in changed:
            self.highlighter.rehighlight_range(self._map.to_utf16(start), self._map.to_utf16(end))

    def _to16(self, spans: Sequence[ViewSpan]) -> list[ViewSpan]:
        m = self._map
        if self._same16:  # no character outside the BMP: the offsets are the same
            return list(spans)
        return [(m.to_utf16(s), m.to_utf16(e), label, state) for s, e, label, state in spans]

    # -- the current item ---------------------------------------------------------------

    def set_current(self, span: tuple[int, int, str] | None, reveal: bool = True) -> None:
        old, before = self._current, self.current_rects()
        self._current = None
        if span is not None:
            self._current = (self._map.to_utf16(span[0]), self._map.to_utf16(span[1]), span[2])
        if reveal and self._current:
            self._reveal(*self._current[:2])
        if old != self._current:  # repaint where the outline was and where it goes
            self._update_rects(before + self.current_rects())
            self._update_notes()

    def _update_rects(self, rects: Sequence[QRectF]) -> None:
        port = self.viewport()
        for rect in rects:
            port.update(rect.toAlignedRect().adjusted(-2, -2, 2, 2))

    def current_rects(self) -> list[QRectF]:
        """Viewport rectangles of the current span, one per line it covers."""
        return self.span_rects(*self._current[:2]) if self._current else []

    def _reveal(self, start16: int, end16: int) -> None:
        """Put the caret at the start of the range (keyboard selection starts there) and
        scroll only when the range is not wholly in view, then to the middle: the next
        keys, which mostly walk to the next span, find it in view without a scroll (a
        scroll repaints the whole text)."""
        shown = self._in_view(start16, end16)
        cursor = QTextCursor(self.document())
        for pos in (start16,) if shown else (end16, start16):  # a long span shows its start
            cursor.setPosition(pos)
            self.setTextCursor(cursor)
            self.ensureCursorVisible()
        if not shown:
            self.centerCursor()

    def _in_view(self, start16: int, end16: int) -> bool:
        port = QRectF(self.viewport().rect())
        rects = self.span_rects(start16, end16)
        return bool(rects) and all(port.contains(rect) for rect in rects)

    def span_rects(self, start16: int, end16: int) -> list[QRectF]:
        rects: list[QRectF] = []
        block = self.document().findBlock(start16)
        offset = self.contentOffset()
        while block.isValid() and block.position() < end16:
            top_left = self.blockBoundingGeometry(block).translated(offset).topLeft()
            base = block.position()
            a, b = max(start16, base) - base, min(end16, base + block.length() - 1) - base
            layout = block.layout()
            for i in range(layout.lineCount()):
                line = layout.lineAt(i)
                lo, hi = max(a, line.textStart()), min(b, line.textStart() + line.textLength())
                if lo >= hi:
                    continue
                x1, x2 = line.cursorToX(lo)[0], line.cursorToX(hi)[0]
                rects.append(QRectF(x1, line.y(), x2 - x1, line.height()).translated(top_left))
            block = block.next()
        return rects

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        self.highlighter.painted()
        shown = self.highlighter.visible(*self._range16_in(event.rect()))
        layered = [seg for seg in shown if len(seg.members) > 1]
        if layered:  # under the text: nested and overlapping spans' fills in levels
            painter = QPainter(self.viewport())
            self._paint_levels(painter, layered)
            painter.end()
        super().paintEvent(event)
        tags = self.label_tags_on()
        if not (self._current or self.overlay is not None or layered or (tags and shown)):
            return
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_brackets(painter, layered)
        if tags:
            self._paint_tags(painter, shown)
        if self.overlay is not None:
            paint_overlay(painter, self.overlay, self.visible_rects())
        if self._current:
            outline(painter, self.current_rects(), QPen(self.outline_colour(), 2))
        painter.end()

    def _visible_range16(self) -> tuple[int, int]:
        first = self.firstVisibleBlock().position()
        last = self.cursorForPosition(self.viewport().rect().bottomRight()).block()
        return first, last.position() + last.length()

    def _visible_segments(self) -> list[Segment]:
        return self.highlighter.visible(*self._visible_range16())

    def _range16_in(self, rect: QRect) -> tuple[int, int]:
        """The text (UTF-16, whole blocks) painted in a viewport rectangle: a repaint of
        one changed block or of the current item's lines paints the layers there only."""
        block, offset = self.firstVisibleBlock(), self.contentOffset()
        first = last = -1
        while block.isValid():
            geometry = self.blockBoundingGeometry(block).translated(offset)
            if geometry.top() > rect.bottom():
                break
            if geometry.bottom() >= rect.top():
                first = block.position() if first < 0 else first
                last = block.position() + block.length()
            block = block.next()
        return (first, last) if first >= 0 else (0, 0)

    def _paint_levels(self, painter: QPainter, layered: Sequence[Segment]) -> None:
        spans, styles = self.highlighter.slot_spans, self.styles
        for seg in layered:
            colours = [styles.layer(*spans[i][2:]) for i in reversed(seg.members)]
            for rect in self.span_rects(seg.start, seg.end):
                paint_levels(painter, rect, colours, level_step(rect.height()))

    def _paint_brackets(self, painter: QPainter, layered: Sequence[Segment]) -> None:
        """Brackets at both edges of each span on screen that holds another."""
        spans, live = self.highlighter.slot_spans, self.highlighter.live
        outer = {i for seg in layered for i in seg.members if live.contains[i]}
        for i in sorted(outer, key=live.position.__getitem__):
            start, end, label, _ = spans[i]  # type: ignore[misc]
            rects = self.span_rects(start, end)
            if not rects:
                continue
            ink = self.styles.ink(label)
            inset = min(live.depth[i], 2) * level_step(rects[0].height())
            paint_bracket(painter, rects[0], left=True, inset=inset, colour=ink)
            paint_bracket(painter, rects[-1], left=False, inset=inset, colour=ink)

    def _paint_tags(self, painter: QPainter, shown: Sequence[Segment]) -> None:
        """Each segment's tags after its last character; a block's geometry is looked up
        once for all the tags in it (this runs on every repaint)."""
        doc, offset = self.document(), self.contentOffset()
        block, origin = None, None
        for seg in shown:
            tags = self.highlighter.tags(seg)
            if not tags:
                continue
            last = seg.end - 1
            if block is None or not block.position() <= last < block.position() + block.length():
                block = doc.findBlock(last)
                origin = self.blockBoundingGeometry(block).translated(offset).topLeft()
            line = block.layout().lineForTextPosition(last - block.position())
            if line.isValid():
                right = line.cursorToX(seg.end - block.position())[0]
                rect = QRectF(origin.x(), origin.y() + line.y(), right, line.height())
                self.label_tags.paint(painter, rect, tags, self.styles)

    # -- the event layer and the margin notes -------------------------------------------

    def set_event_overlay(self, overlay: EventOverlay | None, reveal: bool = True) -> None:
        """Show the events (None: none); reveal the current argument, else the trigger."""
        if overlay == self.overlay:
            return
        self.overlay = overlay
        target = overlay and (overlay.candidate or overlay.current or overlay.trigger)
        if reveal and target:
            self._reveal(self._map.to_utf16(target[0]), self._map.to_utf16(target[1]))
        self.setExtraSelections(self._trigger_fill(overlay))
        self.viewport().update()
        self._update_notes()

    def _trigger_fill(self, overlay: EventOverlay | None) -> list[QTextEdit.ExtraSelection]:
        """The selected trigger's fill goes under the text (an extra selection); its box
        is painted over the viewport."""
        if overlay is None or overlay.trigger is None:
            return []
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._map.to_utf16(overlay.trigger[0]))
        cursor.setPosition(self._map.to_utf16(overlay.trigger[1]), QTextCursor.MoveMode.KeepAnchor)
        selection.cursor = cursor
        fmt = QTextCharFormat()
        fmt.setBackground(TRIGGER_FILL)
        selection.format = fmt
        return [selection]

    def rects(self, start: int, end: int) -> list[QRectF]:
        """Viewport rectangles of a code point range, one per line."""
        return self.span_rects(self._map.to_utf16(start), self._map.to_utf16(end))

    def global_rects(self, start: int, end: int) -> list[QRect]:
        """``rects`` in screen coordinates (where a popup must not go)."""
        port = self.viewport()
        return [
            QRect(port.mapToGlobal(r.topLeft().toPoint()), r.size().toSize())
            for r in self.rects(start, end)
        ]

    def visible_rects(self):  # noqa: ANN201
        """``rects`` that skips ranges outside the visible lines: an article with a hundred
        events paints only the triggers on screen."""
        first, end = self._visible_range16()
        m = self._map

        def rects(start: int, stop: int) -> list[QRectF]:
            start16, stop16 = m.to_utf16(start), m.to_utf16(stop)
            return [] if stop16 <= first or start16 >= end else self.span_rects(start16, stop16)

        return rects

    def notes(self) -> list[Note]:
        if self.overlay is not None:
            return overlay_notes(self.overlay, self.visible_rects())
        if self._current:
            first = self.current_rects()[:1]
            ink = self.outline_colour()
            return [Note(r.top(), r.height(), self._current[2], ink, True) for r in first]
        return []

    def _update_notes(self) -> None:
        self.margin.set_notes(self.notes())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        port = self.viewport().geometry()
        self.margin.setGeometry(QRect(port.right() + 1, port.top(), GUTTER, port.height()))
        self._format_shown()

    def outline_colour(self) -> QColor:
        return self.styles.ink(self._current[2]) if self._current else QColor("#000000")

    # -- selection ----------------------------------------------------------------------

    def selection(self) -> tuple[int, int] | None:
        """The selected range in code points, or None."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        start, end = sorted((cursor.selectionStart(), cursor.selectionEnd()))
        return self._map.from_utf16(start), self._map.from_utf16(end)

    def snapped_selection(self) -> tuple[int, int] | None | bool:
        """The selection widened to the tokens it touches (as a mouse selection is), shown
        so; False when only whitespace is selected (nothing to label), None when there is
        no selection. A mouse selection made with Alt stays exact (part of a token)."""
        chosen = self.selection()
        if chosen is None or self.snapper is None or chosen == self._exact:
            return chosen
        snapped = self.snapper(*chosen)
        if snapped is None:
            return False
        if snapped != chosen:
            self.select(*snapped)
        return snapped

    def select(self, start: int, end: int) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._map.to_utf16(start))
        cursor.setPosition(self._map.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton:
            return
        chosen = self.selection()
        if chosen is None:
            pos = self.cursorForPosition(event.position().toPoint()).position()
            self.offset_clicked.emit(self._map.from_utf16(pos))
            return
        alt = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
        self._exact = chosen if alt else None
        if self.snapper is not None and not alt:
            snapped = self.snapper(*chosen)
            if snapped is None:  # only whitespace was selected
                cursor = self.textCursor()
                cursor.clearSelection()
                self.setTextCursor(cursor)
                return
            chosen = snapped
            self.select(*chosen)
        self.range_selected.emit(*chosen)
