"""The span highlighter of the article text: character formats from the segments of the
spans (:class:`annotator.core.segments.LiveSegments`), kept current per decision.

A decision recomputes the segments only around the spans it changed and re-formats only
the blocks it touched, repainting just those blocks (Qt's own ``rehighlightBlock`` makes
the plain text view repaint everything). A new text is formatted at once only where it
may show (its first screens, the current item's); the other blocks after the first
paint, a few at a time when idle, or as soon as they are scrolled into view. Offsets here
are Qt's UTF-16 units.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSignalBlocker, QTimer
from PySide6.QtGui import (
    QSyntaxHighlighter,
    QTextBlock,
    QTextCharFormat,
    QTextDocument,
    QTextLayout,
)

from annotator.core.review import GOLD
from annotator.core.segments import LiveSegments, Nesting, Segment
from annotator.gui.overlay import LabelTags
from annotator.gui.styles import Key, SpanStyles

ViewSpan = tuple[int, int, str, str]  # start, end, label, state (gold | pending)
IDLE_AFTER_PAINT_MS = 15  # a new text's far blocks are formatted from then on


class SpanHighlighter(QSyntaxHighlighter):
    """Formats from the segments of the spans. The segments and the nesting are kept by a
    :class:`~annotator.core.segments.LiveSegments`: a decision recomputes only the stretch
    of text around the spans it touched, not the article. Segment members are its slots
    (``slot_spans`` maps them to spans); ``spans`` is the list as given."""

    def __init__(self, styles: SpanStyles, parent: QTextDocument | None = None) -> None:
        super().__init__(parent)
        self.styles = styles
        self.label_tags: LabelTags | None = None  # set: room for tags after each span
        self._spans: list[ViewSpan] = []  # UTF-16 offsets, in the caller's order
        self.live = LiveSegments()
        self.slot_spans: list[ViewSpan | None] = []  # by slot of ``live``
        # a new text is formatted where it may show at once, the rest when idle
        self.pending: set[int] = set()  # numbers of blocks not formatted yet
        self._now: list[tuple[int, int]] | None = None  # during a new text's first pass
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.timeout.connect(self._format_some)

    # -- a new text: what may show first, the rest when idle ----------------------------

    def show_text(self, doc: QTextDocument, now: Sequence[tuple[int, int]]) -> None:
        """Format a new text: the blocks touching the ranges ``now`` (UTF-16; what may
        show first) at once, in Qt's one pass; the others after the next paint, a few
        at a time when the event loop is idle (an article of thousands of words has a
        hundred blocks and shows five). ``format_blocks`` formats a waiting block before
        it is scrolled into view."""
        self.pending = set()
        self._now = list(now)
        try:
            self.setDocument(doc)
            self.rehighlight()  # now, not on Qt's delayed timer: before the first paint
        finally:
            self._now = None

    def painted(self) -> None:
        """The view painted: go on formatting what waits, when idle."""
        if self.pending and not self._idle.isActive():
            self._idle.start(IDLE_AFTER_PAINT_MS)  # not in the frame the user waits for

    def format_blocks(self, blocks: Sequence[QTextBlock]) -> None:
        """Format the given blocks now if they still wait."""
        doc = self.document()
        for block in blocks:
            if doc is not None and block.blockNumber() in self.pending:
                self._reformat(doc, block)

    def _format_some(self, step: int = 8) -> None:
        doc = self.document()
        if doc is None:
            self.pending.clear()
            return
        for number in sorted(self.pending)[:step]:
            block = doc.findBlockByNumber(number)
            if block.isValid():
                self._reformat(doc, block)  # repaints the block only if it shows
            self.pending.discard(number)
        if self.pending:
            self._idle.start(0)  # a key pressed meanwhile waits for one step at most

    def set_spans(self, spans16: Sequence[ViewSpan], *, reset: bool = False) -> None:
        """New spans (UTF-16 offsets); the caller re-highlights what changed. Only the
        segments around changed ranges are recomputed, unless ``reset``."""
        self._spans = list(spans16)
        ranges = [(s, e) for s, e, _, _ in self._spans]
        if reset:
            self.live.reset(ranges)
        else:
            self.live.update(ranges)
        by_slot: list[ViewSpan | None] = [None] * len(self.live.slots)
        for span, slot in zip(self._spans, self.live.order):
            by_slot[slot] = span
        self.slot_spans = by_slot

    @property
    def spans(self) -> list[ViewSpan]:
        return self._spans

    @property
    def nest(self) -> Nesting:
        """How the spans nest, in the order of ``spans``."""
        live = self.live
        return Nesting(
            tuple(live.depth[slot] for slot in live.order),
            tuple(live.contains[slot] for slot in live.order),
        )

    def key(self, seg: Segment) -> Key:
        by_slot, members = self.slot_spans, seg.members
        if len(members) == 1:  # most segments: one span
            span = by_slot[members[0]]
            return ((span[2], span[3]),)  # type: ignore[index]
        return tuple([(by_slot[i][2], by_slot[i][3]) for i in members])  # type: ignore[index]

    def ending(self, seg: Segment) -> list[int]:
        """The slots of the spans whose last character is the segment's last one,
        innermost first."""
        return [i for i in seg.members if self.slot_spans[i][1] == seg.end]  # type: ignore[index]

    def tags(self, seg: Segment) -> list[tuple[str, str]]:
        """(label, state) of the tags after the segment: one per label and range (a
        suggestion with the label its gold has needs no second tag), gold first."""
        out: dict[tuple[int, str], tuple[str, str]] = {}
        for i in self.ending(seg):
            start, _, label, state = self.slot_spans[i]  # type: ignore[misc]
            if (start, label) not in out or state == GOLD:
                out[(start, label)] = (label, state)
        return list(out.values())

    def visible(self, start16: int, end16: int) -> list[Segment]:
        return self.live.index.overlapping(start16, end16)

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt override)
        block = self.currentBlock()
        if self._now is not None:  # a new text's first pass: far blocks wait
            start, end = block.position(), block.position() + block.length()
            if not any(a < end and start <= b for a, b in self._now):
                self.pending.add(block.blockNumber())
                return
        self.pending.discard(block.blockNumber())
        for start, length, fmt in self._block_formats(block):
            self.setFormat(start, length, fmt)

    def _block_formats(self, block: QTextBlock) -> list[tuple[int, int, QTextCharFormat]]:
        """(start in the block, length, format) of the block's segments, in order; a
        segment that ends a span with tags gives its last character the spaced format."""
        start = block.position()
        end = start + block.length() - 1  # UTF-16 units, without the separator
        out = []
        fmt, tagged = self.styles.format, self.label_tags is not None
        for seg in self.live.index.overlapping(start, end):
            a, b = max(seg.start, start), min(seg.end, end)
            key = self.key(seg)
            tags = self.tags(seg) if tagged and b == seg.end else ()
            if tags:  # room for the tags after the last character (offsets unchanged)
                room = self.label_tags.room([label for label, _ in tags])  # type: ignore[union-attr]
                if b - 1 > a:
                    out.append((a - start, b - 1 - a, fmt(key)))
                out.append((b - 1 - start, 1, self.styles.spaced(key, room)))
            else:
                out.append((a - start, b - a, fmt(key)))
        return out

    def rehighlight_range(self, start16: int, end16: int) -> None:
        """Re-format the blocks of a range and repaint just them (see ``_reformat``)."""
        doc = self.document()
        if doc is None:
            return
        block = doc.findBlock(start16)
        while block.isValid() and block.position() <= end16:
            self._reformat(doc, block)
            block = block.next()

    def _format_ranges(self, block: QTextBlock) -> list[QTextLayout.FormatRange]:
        """The block's formats as Qt's highlighter leaves them: runs of equal formats
        merged into one range."""
        ranges: list[QTextLayout.FormatRange] = []
        for start, length, fmt in self._block_formats(block):
            last = ranges[-1] if ranges else None
            if last is not None and last.start + last.length == start and last.format == fmt:
                last.length += length
                continue
            found = QTextLayout.FormatRange()
            found.start, found.length, found.format = start, length, fmt
            ranges.append(found)
        return ranges

    def _reformat(self, doc: QTextDocument, block: QTextBlock) -> None:
        """What ``rehighlightBlock`` does (runs of equal formats merged, as Qt merges the
        highlighter's), and a repaint of this block alone. Setting a block's formats
        makes Qt 6 announce a change reaching into the next block, which the plain text
        layout answers with a repaint of the whole viewport; so the layout hears nothing
        while the formats change, the block is laid out again here, and the layout is
        told to repaint the block, or everything when its height changed (a new label
        tag can re-wrap the lines)."""
        self.pending.discard(block.blockNumber())
        ranges = self._format_ranges(block)
        layout = doc.documentLayout()
        height = layout.blockBoundingRect(block).height()
        blocker = QSignalBlocker(layout)
        block.layout().setFormats(ranges)
        blocker.unblock()
        if layout.blockBoundingRect(block).height() == height:  # lays the block out again
            layout.updateBlock.emit(block)
        else:
            layout.requestUpdate()
