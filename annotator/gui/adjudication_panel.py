"""The adjudication table: one row per distinct item of the article (entity spans and
events), one column per annotator and one for the adjudicated version (``gold``).

A cell shows the item's label (or event type) where that version has it, "—" where it
does not. Rows the annotators disagree on are tinted amber; a cell that holds the item is
filled with the label's colour, so an annotator's lane reads down the column.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core import adjudication as adj
from annotator.gui.adjudication import AdjudicationSession
from annotator.gui.styles import SpanStyles, mix
from annotator.gui.table_model import ColumnsModel
from annotator.store.team import ADJUDICATOR

Index = QModelIndex | QPersistentModelIndex
DISPUTED = QColor("#fde7b0")  # amber: the annotators differ here
GOLD_ONLY = QColor("#e0e7ff")  # the adjudicator's own edit: no annotator has it
ABSENT = "—"
SNIPPET = 64


class AdjudicationModel(ColumnsModel):
    """Rows of an :class:`AdjudicationSession` (read again on :meth:`refresh`)."""

    def __init__(self, styles: SpanStyles, parent: Any = None) -> None:
        super().__init__(parent)
        self.styles = styles
        self.session: AdjudicationSession | None = None
        self.COLUMNS = ()

    def set_session(self, session: AdjudicationSession | None) -> None:
        self.beginResetModel()
        self.session = session
        names = session.names if session else []
        self.COLUMNS = ("item", *(f"{i} {n}" for i, n in enumerate(names, 1)), ADJUDICATOR)
        self.endResetModel()

    def refresh(self) -> None:
        self.beginResetModel()
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        if parent.isValid() or self.session is None:
            return 0
        return len(self.session.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.session is None:
            return None
        row = self.session.rows[index.row()]
        col = index.column()
        who = self._who(col)
        present = col > 0 and (row.gold is not None if who == ADJUDICATOR else who in row.has)
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                here = "▶ " if index.row() == self.session.current else ""
                return here + self._text(row)
            return row.label if present else ABSENT
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._background(row, present)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row)
        if role == Qt.ItemDataRole.FontRole and (
            col == len(self.COLUMNS) - 1 or index.row() == self.session.current
        ):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and col > 0:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _who(self, col: int) -> str | None:
        if col == 0 or self.session is None:
            return None
        names = self.session.names
        return names[col - 1] if col <= len(names) else ADJUDICATOR

    def _text(self, row: adj.Row) -> str:
        s = row.span
        words = " ".join(self.session.article.text[s.start : s.end].split())
        if len(words) > SNIPPET:
            words = words[: SNIPPET - 1] + "…"
        if row.kind == adj.EVENT:  # two versions of one event differ in their arguments
            roles = ", ".join(f"{a.role}: {a.span.label}" for a in row.item.arguments)
            roles = roles or "no arguments"
            words = f"◆ {words} → {roles}"
        return f"{'≠ ' if not row.agreed else ''}{words}"

    def _background(self, row: adj.Row, present: bool) -> QBrush | None:
        if present:
            colour = self.styles.fill(row.label) if row.kind == adj.SPAN else QColor("#ede4fb")
            return QBrush(mix(colour, DISPUTED, 0.35) if not row.agreed else colour)
        if not row.has:
            return QBrush(GOLD_ONLY)
        return QBrush(DISPUTED) if not row.agreed else None

    def _tooltip(self, row: adj.Row) -> str:
        s = row.span
        where = f"{s.start}–{s.end}"
        if row.kind == adj.EVENT:
            args = ", ".join(f"{a.role}: {self._words(a.span)}" for a in row.item.arguments)
            return f"event {row.label} at {where}" + (f" ({args})" if args else "")
        return f"{row.label} at {where}" + ("" if row.agreed else " — the annotators differ")

    def _words(self, span: Any) -> str:
        return self.session.article.text[span.start : span.end]


class AdjudicationPanel(QWidget):
    """A heading (article, annotators, what is left, the keys) over the table."""

    row_clicked = Signal(int)

    def __init__(self, styles: SpanStyles, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("adjudicationPanel")
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.model = AdjudicationModel(styles, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay with the window
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.clicked.connect(lambda index: self.row_clicked.emit(index.row()))
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 4, 0, 0)
        box.setSpacing(4)
        box.addWidget(self.heading)
        box.addWidget(self.table, 1)

    def show_session(self, session: AdjudicationSession | None) -> None:
        self.model.set_session(session)
        if session is not None:  # the item column takes the room the lanes leave
            header = self.table.horizontalHeader()
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            lane = self.fontMetrics().horizontalAdvance("EconomicFigure") + 24
            for col in range(1, len(self.model.COLUMNS)):
                self.table.setColumnWidth(col, lane)
        self.show_heading(session)
        self.show_current(session)

    def refresh(self, session: AdjudicationSession) -> None:
        self.model.refresh()
        self.show_heading(session)
        self.show_current(session)

    def show_heading(self, session: AdjudicationSession | None) -> None:
        if session is None:
            self.heading.clear()
            return
        keys = ", ".join(f"{i} {n}" for i, n in enumerate(session.names, 1))
        left = session.open_disagreements()
        self.heading.setText(
            f"Adjudicating “{session.article.title or session.article.id}”: "
            f"{session.disagreements} disagreements ({left} with nothing in gold yet), "
            "adjudicated version "
            f"'{ADJUDICATOR}' ({session.state.status}). Take: {keys}; X none; "
            "D / Shift+D next / previous disagreement; Esc leaves."
        )

    def show_current(self, session: AdjudicationSession | None) -> None:
        if session is None or session.current is None:
            self.table.clearSelection()
            return
        index = self.model.index(session.current, 0)
        self.table.selectRow(session.current)
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        last = self.model.columnCount() - 1
        self.model.dataChanged.emit(
            self.model.index(0, 0), self.model.index(self.model.rowCount() - 1, last)
        )


class AdjudicationDetails(QWidget):
    """Beside the text while adjudicating (in the review panel's place, so that the text
    keeps its width): each version of the current row in full, and the keys."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("adjudicationDetails")
        self.title = QLabel("Adjudication")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.PlainText)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.keys = QLabel()
        self.keys.setWordWrap(True)
        self.keys.setTextFormat(Qt.TextFormat.PlainText)
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 8, 8, 8)
        box.addWidget(self.title)
        box.addWidget(self.body, 1)
        box.addWidget(self.keys)

    def show_row(self, session: AdjudicationSession | None) -> None:
        if session is None:
            self.body.clear()
            self.keys.clear()
            return
        takes = "\n".join(f"{i}  take {n}'s version" for i, n in enumerate(session.names, 1))
        self.keys.setText(
            f"{takes}\nX, Delete  take none\nD / Shift+D  next / previous disagreement\n"
            "J / K  next / previous row\nL, Alt+arrows  relabel / move gold's entity\n"
            "Ctrl+Z / Ctrl+Shift+Z  undo / redo\nCtrl+Enter  gold is done\nEsc  leave"
        )
        row = session.current_row
        if row is None:
            self.body.setText("Nothing in this article yet.")
            return
        text = session.article.text
        lines = [f"“{' '.join(text[row.span.start : row.span.end].split())}”", ""]
        for who in (*session.names, ADJUDICATOR):
            has = row.gold is not None if who == ADJUDICATOR else who in row.has
            lines.append(f"{who}: {_describe(row, text) if has else '—'}")
        if not row.agreed:
            lines += ["", "The annotators differ here."]
        self.body.setText("\n".join(lines))


def _describe(row: adj.Row, text: str) -> str:
    if row.kind == adj.SPAN:
        return row.label
    args = "; ".join(
        f"{a.role}: {' '.join(text[a.span.start : a.span.end].split())} ({a.span.label})"
        for a in row.item.arguments
    )
    return f"{row.label} event" + (f" — {args}" if args else "")
