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

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex
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
        cells = self._cells[row]
        if cells is None:
            cells = self._cells[row] = self.make_cells(self._rows[row])
        values = cells.get(role)
        return None if values is None else values[index.column()]


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
