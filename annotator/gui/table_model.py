"""What every list model of the window shares: fixed, named columns; and for the review
lists, rows that follow each decision with the smallest signals and cells worked out
once per row.

:class:`RowsModel` holds one value per row (an item of the review, a row of the events
list). ``set_rows`` compares the new rows with the old: rows that stayed keep their place
and their cells, changed rows are announced in runs (``dataChanged``), and rows added or
removed are inserted or removed; only another text (another article) resets the model.
``data()`` runs for every role of every visible cell on each repaint, so what a row
shows is made once (``make_cells``: role -> one value per column) and kept until the row
changes: a repaint is a list index and a dictionary lookup per call.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QIcon,
    QPainter,
    QPalette,
    QPixmap,
    QStaticText,
)
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

Index = QModelIndex | QPersistentModelIndex
SELECTED = QStyle.StateFlag.State_Selected
DISPLAY, DECORATION = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole
FONT, FOREGROUND = Qt.ItemDataRole.FontRole, Qt.ItemDataRole.ForegroundRole
NONE = (None,) * 8  # a role a row does not answer: None in every column
Row = TypeVar("Row")
Cells = dict[int, tuple[Any, ...]]  # role -> the value of each column


class ColumnsModel(QAbstractTableModel):
    """A flat table whose columns are ``COLUMNS`` (headers shown as they are)."""

    COLUMNS: tuple[str, ...] = ()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:  # noqa: N802
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.COLUMNS)
        ):
            return self.COLUMNS[section]
        return None


class RowsModel(ColumnsModel, Generic[Row]):
    """Rows of one text, updated in place; subclasses say what a row shows."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []
        self._cells: list[Cells | None] = []  # per row, made on first use
        self._text = ""

    def make_cells(self, row: Row) -> Cells:
        raise NotImplementedError

    def set_rows(self, rows: Sequence[Row], text: str) -> None:
        new = list(rows)
        if text != self._text or not self._rows or not new:
            self.beginResetModel()
            self._rows, self._text = new, text
            self._cells = [None] * len(new)
            self.endResetModel()
            return
        head = common_head(self._rows, new)
        tail = common_tail(self._rows, new, head)
        self._replace(head, len(self._rows) - tail, new[head : len(new) - tail])

    def _replace(self, first: int, stop: int, rows: list[Row]) -> None:
        """Rows ``first:stop`` become ``rows``: the rows both have are updated in place,
        the rest inserted or removed at the end of the stretch."""
        both = min(stop - first, len(rows))
        changed = [first + n for n in range(both) if self._rows[first + n] != rows[n]]
        for n in changed:
            self._rows[n] = rows[n - first]
            self._cells[n] = None
        for a, b in runs(changed):
            self.dataChanged.emit(self.index(a, 0), self.index(b, self.columnCount() - 1))
        at = first + both
        if len(rows) > both:
            self.beginInsertRows(QModelIndex(), at, first + len(rows) - 1)
            self._rows[at:at] = rows[both:]
            self._cells[at:at] = [None] * (len(rows) - both)
            self.endInsertRows()
        elif stop > at:
            self.beginRemoveRows(QModelIndex(), at, stop - 1)
            del self._rows[at:stop]
            del self._cells[at:stop]
            self.endRemoveRows()

    def row_value(self, row: int) -> Row | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = index.row()
        if not 0 <= row < len(self._rows) or not index.isValid():
            return None
        values = self.cells(row).get(role)
        return None if values is None else values[index.column()]

    def cells(self, row: int) -> Cells:
        """What row ``row`` shows (made on first use)."""
        cells = self._cells[row]
        if cells is None:
            cells = self._cells[row] = self.make_cells(self._rows[row])
        return cells


def common_head(old: Sequence[Any], new: Sequence[Any]) -> int:
    """How many rows both lists start with."""
    n, most = 0, min(len(old), len(new))
    while n < most and old[n] == new[n]:
        n += 1
    return n


def common_tail(old: Sequence[Any], new: Sequence[Any], head: int) -> int:
    """How many rows both lists end with, not reaching back into the common head."""
    n, most = 0, min(len(old), len(new)) - head
    while n < most and old[-1 - n] == new[-1 - n]:
        n += 1
    return n


def runs(rows: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as (first, last) runs of consecutive rows."""
    out: list[tuple[int, int]] = []
    for row in rows:
        if out and out[-1][1] == row - 1:
            out[-1] = (out[-1][0], row)
        else:
            out.append((row, row))
    return out


class CellsDelegate(QStyledItemDelegate):
    """Paints a :class:`RowsModel`'s cells straight from its cells: the selection fill,
    the colour swatch (a decoration colour), and the text in its font and colour, cut
    with an ellipsis, from a laid-out text kept per cell (``QStaticText``). The style's
    item painting lays out every cell's text again at every repaint (~0.1 ms a cell
    under the style sheet); a list scrolled or opened on another article repaints ~70
    cells at once. Colours come from the view's palette, which the style sheet sets
    (``selection-background-color`` and its text colour)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._texts: dict[tuple[str, int, str | None], QStaticText] = {}
        self._swatches: dict[tuple[int, bool], QPixmap] = {}
        # the same for every cell of the view: read once per palette group (an active or
        # inactive window may colour the selection differently)
        self._fixed: dict[object, tuple[int, QSize, QBrush, QColor, QColor]] = {}

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        model = index.model()
        if not isinstance(model, RowsModel):
            super().paint(painter, option, index)
            return
        cells, col = model.cells(index.row()), index.column()
        palette = option.palette
        group = palette.currentColorGroup()
        fixed = self._fixed.get(group) or self._read_fixed(option, palette, group)
        margin, size, fill, text_ink, selected_ink = fixed
        rect = option.rect
        selected = bool(option.state & SELECTED)
        if selected:
            painter.fillRect(rect, fill)
        x = rect.left() + margin
        swatch = cells.get(DECORATION, NONE)[col]
        if swatch is not None:
            top = rect.top() + (rect.height() - size.height()) // 2
            painter.drawPixmap(x, top, self._swatch(swatch, selected, size))
            x += size.width() + 2 * margin
        text = cells.get(DISPLAY, NONE)[col]
        if not text:
            return
        own = cells.get(FONT, NONE)[col]  # bold events, struck-out rejected rows
        font = own or option.font
        ink = selected_ink if selected else cells.get(FOREGROUND, NONE)[col] or text_ink
        painter.setPen(ink)
        painter.setFont(font)
        static = self._static(text, rect.right() - margin - x + 1, font, own and own.key())
        height = static.size().height()
        y = rect.top() + (rect.height() - height) / 2
        if font.strikeOut():  # a laid-out text draws the line a pixel short
            box = QRectF(x, y, static.size().width() + 1, height)
            painter.drawText(box, Qt.AlignmentFlag.AlignLeft, static.text())
        else:
            painter.drawStaticText(QPointF(x, y), static)

    def _read_fixed(self, option: QStyleOptionViewItem, palette: QPalette, group: object) -> tuple:
        """The style's text margin in an item (what it leaves at either end), the
        swatch size and the palette's selection fill and text colours."""
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1
        found = self._fixed[group] = (
            margin,
            QSize(option.decorationSize),
            palette.highlight(),
            palette.text().color(),
            palette.highlightedText().color(),
        )
        return found

    def _swatch(self, colour: QColor, selected: bool, size: QSize) -> QPixmap:
        """The colour as the style draws it: a square, tinted by the style when the row
        is selected (as it tints a selected icon)."""
        key = (colour.rgba(), selected)
        found = self._swatches.get(key)
        if found is None:
            found = QPixmap(size)
            found.fill(colour)
            if selected:  # the way the style's item painting tints it
                found = QIcon(found).pixmap(size, QIcon.Mode.Selected)
            self._swatches[key] = found
        return found

    def _static(self, text: str, width: int, font: QFont, font_key: str | None) -> QStaticText:
        """The text laid out in ``font``, cut to ``width`` (``font_key`` None: the view's
        font, the same for every cell)."""
        key = (text, width, font_key)
        found = self._texts.get(key)
        if found is None:
            if len(self._texts) > 4000:  # the texts of a few articles
                self._texts.clear()
            shown = QFontMetrics(font).elidedText(text, Qt.TextElideMode.ElideRight, width)
            found = self._texts[key] = QStaticText(shown)
            found.setTextFormat(Qt.TextFormat.PlainText)
            found.prepare(font=font)
        return found
