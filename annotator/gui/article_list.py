"""The article list: a lazy table model over the store, with filters and full-text search.

The model holds only the ids of the rows it shows (one indexed query; for the whole project
in file order usually a ``range``, nothing read per article); titles, dates and counts are
fetched a page at a time when a row is first painted, and a bounded number of pages is kept.
A row is found by its id by bisection while the list is in id order (a dict only for the
other orders). With uniform row heights a 1,000,000-article project paints at once.

Searching asks (``search_requested``) rather than queries: the window runs the search, and
the first time builds the full-text index (seconds for 100k articles), off the GUI thread,
and hands the hits back with ``show_hits``; the box says "indexing…" meanwhile.

The list has an order (the "Order" box; O in the list cycles it): file order, most useful
first (the unfinished articles a trained model and the base model disagree on most,
:mod:`annotator.store.ranking`; the others follow in file order), or the annotator's queue
(the articles ``annotator assign`` gave them). N / P walk the list in that order, and
:meth:`ArticleListModel.next_after` gives the next unfinished article in it (done → next).
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.store import ArticleRow, Store, browse, ranking

PAGE = 200
MAX_PAGES = 64
COLUMNS = ("", "Title", "Date", "Lang", "S / G")
# a narrow pane drops columns so the title stays readable: (column, pane narrower than px)
DROP_WHEN_NARROW = ((2, 330), (4, 250))
STATUS_MARK = {"new": "○", "in_progress": "◐", "done": "●", "skipped": "⊘"}
STATUS_TEXT = {"new": "New", "in_progress": "In progress", "done": "Done", "skipped": "Skipped"}
STATUS_COLOUR = {
    "new": QColor("#8a8f98"),
    "in_progress": QColor("#b7791f"),
    "done": QColor("#2f855a"),
    "skipped": QColor("#9b2c2c"),
}
FILTERS = (
    ("All articles", None),
    ("Unfinished", ("new", "in_progress")),
    ("New", ("new",)),
    ("In progress", ("in_progress",)),
    ("Done", ("done",)),
    ("Skipped", ("skipped",)),
)

FILE, USEFUL, QUEUE = "file", "useful", "queue"
ORDERS = ((FILE, "File order"), (USEFUL, "Most useful first"), (QUEUE, "My queue"))
ORDER_KEY = "O"  # in the list pane (not while typing in the search box): the next order
STEP = 200  # rows whose statuses next_after reads in one query
LIVE_MS = 250  # typing in the search box filters the list once the keys pause this long

Index = QModelIndex | QPersistentModelIndex


class ArticleListModel(QAbstractTableModel):
    order_changed = Signal(str)  # FILE, USEFUL or QUEUE

    def __init__(self, store: Store, annotator: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.annotator = annotator
        self.statuses: tuple[str, ...] | None = None
        self.lang: str | None = None
        self.search_ids: list[int] | None = None  # ranked FTS hits, or None
        self.order = FILE
        self._rank: dict[int, int] = {}  # USEFUL: article id -> place (0: most useful)
        self._assigned: set[int] = set()  # QUEUE: the annotator's articles
        self.useful: ranking.UsefulOrder | None = None  # what USEFUL was ranked by
        self._ids: Sequence[int] = []
        self._row_of: dict[int, int] | None = None  # None: _ids is in id order (bisect)
        self._pages: OrderedDict[int, list[ArticleRow]] = OrderedDict()
        self.reload()

    # -- contents -----------------------------------------------------------------------

    def reload(self) -> None:
        self.beginResetModel()
        filters = {"statuses": self.statuses, "lang": self.lang}
        ids: Sequence[int]
        if self.search_ids is not None:  # the hits, in their order (best first)
            ids = browse.among(self.store, self.annotator, self.search_ids, **filters)
        else:
            ids = browse.shown_ids(self.store, self.annotator, **filters)
        if self.order == USEFUL:  # ranked first; the rest keep their order (stable sort)
            ids = sorted(ids, key=lambda aid: self._rank.get(aid, len(self._rank)))
        elif self.order == QUEUE:
            ids = [aid for aid in ids if aid in self._assigned]
        self._ids = ids
        in_id_order = self.search_ids is None and self.order != USEFUL
        self._row_of = None if in_id_order else {aid: row for row, aid in enumerate(ids)}
        self._pages.clear()
        self.endResetModel()

    def set_filter(
        self,
        statuses: tuple[str, ...] | None = None,
        lang: str | None = None,
        search_ids: list[int] | None = None,
    ) -> None:
        self.statuses, self.lang, self.search_ids = statuses, lang, search_ids
        self.reload()

    def set_source(self, store: Store, annotator: str) -> None:
        self.store, self.annotator = store, annotator
        self.search_ids = None
        if self.order != FILE and self.prepare_order(self.order):  # another project or person
            self.order = FILE
            self.order_changed.emit(FILE)
        self.reload()

    def set_order(self, order: str) -> str | None:
        """Show the list in ``order``; None when done, else why not (the order is kept)."""
        why = self.prepare_order(order)
        if why is None:
            self.order = order
            self.reload()
            self.order_changed.emit(order)
        return why

    def prepare_order(self, order: str) -> str | None:
        """Read what ``order`` sorts by; why it cannot be used (None: it can)."""
        if order == USEFUL:
            found = ranking.useful_order(self.store, self.annotator)
            if found is None:
                return "no trained model in this project (Model → Train, Ctrl+Shift+T)"
            self._rank = {aid: place for place, (aid, _) in enumerate(found.ranked)}
            self.useful = found
        elif order == QUEUE:
            mine = browse.assigned(self.store, self.annotator)
            if not mine:
                return f"no article is assigned to {self.annotator} (annotator assign)"
            self._assigned = set(mine)
        elif order != FILE:
            return f"unknown order {order!r}"
        return None

    def next_after(self, article_id: int | None) -> int | None:
        """The first unfinished article after ``article_id`` in the list's order (from
        the top when it is not in the list; wrapping round), or None when the list holds
        none: "done → next" follows the list."""
        row = self.row_of(article_id) if article_id is not None else None
        start = 0 if row is None else row + 1
        ids, total = self._ids, len(self._ids)
        for at in range(0, total, STEP):  # from start, wrapping round; no copy of the ids
            chunk = [ids[(start + k) % total] for k in range(at, min(at + STEP, total))]
            open_ = browse.unfinished_among(self.store, self.annotator, chunk)
            found = next((aid for aid in chunk if aid in open_), None)
            if found is not None:
                return found
        return None

    def article_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, article_id: int) -> int | None:
        if self._row_of is not None:
            return self._row_of.get(article_id)
        ids = self._ids
        if isinstance(ids, range):
            return ids.index(article_id) if article_id in ids else None
        row = bisect.bisect_left(ids, article_id)
        return row if row < len(ids) and ids[row] == article_id else None

    def refresh_article(self, article_id: int) -> None:
        """Re-read one article's row (its status or counts changed)."""
        row = self.row_of(article_id)
        if row is None:
            return
        page = self._pages.get(row // PAGE)
        if page is not None:
            fresh = self.store.list_articles(self.annotator, ids=[article_id])
            if fresh:
                page[row % PAGE] = fresh[0]
        last = self.columnCount() - 1
        self.dataChanged.emit(self.index(row, 0), self.index(row, last))

    def _row(self, row: int) -> ArticleRow | None:
        number = row // PAGE
        page = self._pages.get(number)
        if page is None:
            ids = self._ids[number * PAGE : (number + 1) * PAGE]
            by_id = {r.id: r for r in self.store.list_articles(self.annotator, ids=ids)}
            page = self._pages[number] = [by_id[i] for i in ids if i in by_id]
            if len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        offset = row % PAGE
        return page[offset] if offset < len(page) else None

    # -- Qt model -----------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return ("Status", "Title", "Date", "Language", "Suggestions / gold spans (yours)")[
                    section
                ]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        row = self._row(index.row())
        if row is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            status = STATUS_TEXT.get(row.status, row.status)
            return f"{row.title or '(untitled)'}\n{status} · {row.date or 'no date'} · {row.lang}"
        if role == Qt.ItemDataRole.ForegroundRole and col == 0:
            return STATUS_COLOUR.get(row.status)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (0, 3, 4):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    @staticmethod
    def _display(row: ArticleRow, col: int) -> str:
        values = (
            STATUS_MARK.get(row.status, "?"),
            row.title or "(untitled)",
            row.date or "",
            row.lang,
            f"{row.suggestions} / {row.gold}",
        )
        return values[col]


class ArticleListPane(QWidget):
    """Search box, status and language filters, and the table."""

    article_activated = Signal(int)
    search_requested = Signal(str)  # a query to run; answered by show_hits
    search_finished = Signal(int)  # hits shown
    message = Signal(str)  # for the status bar (also shown there when the pane has one)

    def __init__(self, model: ArticleListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.search = QLineEdit(
            placeholderText="Search articles: words or prefixes, Enter  (Ctrl+F)"
        )
        self.search.setClearButtonEnabled(True)
        self.busy_note = QLabel(self.search)
        self.busy_note.setObjectName("searchBusy")
        self.busy_note.hide()
        self._hits: tuple[str, list[int]] | None = None  # the last answered query
        self._open_first = False
        self._shown: int | None = None  # the open article: its row stays selected
        self.search.setMinimumWidth(60)  # the pane may be narrow: the text keeps the room
        self.status_box = QComboBox()
        self.status_box.setObjectName("statusFilter")
        self.status_box.setToolTip("Articles by status (Ctrl+Shift+S: the next one)")
        for text, value in FILTERS:
            self.status_box.addItem(text, value)
        self.lang_box = QComboBox()
        self.lang_box.setObjectName("langFilter")
        self.lang_box.setToolTip("Articles by language (Ctrl+Shift+L: the next one)")
        self.order_box = QComboBox()
        self.order_box.setObjectName("listOrder")
        self.order_box.setToolTip(f"Order of the list ({ORDER_KEY} in the list: the next one)")
        for value, text in ORDERS:
            self.order_box.addItem(text, value)
        for box in (self.status_box, self.lang_box, self.order_box):
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(4)
        self.table = _table(model)
        # after the view's own reset (which clears the selection): select the open article again
        model.modelReset.connect(self._reselect)
        self._build_layout()
        self.fill_languages()
        self.search.returnPressed.connect(self._on_search_return_pressed)
        self.search.textChanged.connect(self._on_search_text_changed)
        # the list filters as you type (a pause of LIVE_MS), in the search thread; Enter
        # also opens the best hit
        self._live = QTimer(self)
        self._live.setSingleShot(True)
        self._live.setInterval(LIVE_MS)
        self._live.timeout.connect(self.apply_filters)
        self.status_box.currentIndexChanged.connect(self.apply_filters)
        self.lang_box.currentIndexChanged.connect(self.apply_filters)
        self._asked = FILE  # the order last asked for: O goes on from it
        self.order_box.activated.connect(self._on_order_box_activated)
        model.order_changed.connect(self._on_model_order_changed)
        # a key of the pane, not a window action: typing "o" in the search box stays text
        # (a line edit claims printable keys before shortcuts)
        self.order_key = QShortcut(QKeySequence(ORDER_KEY), self)
        self.order_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.order_key.activated.connect(self.cycle_order)
        self.table.activated.connect(self._on_table_activated)
        self.table.clicked.connect(self._on_table_activated)

    def _build_layout(self) -> None:
        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(self.status_box, 2)
        filters.addWidget(self.lang_box, 1)
        # beside the search box, not the filters: a third box there widens the narrowest pane
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.search, 3)
        top.addWidget(self.order_box, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 0, 6)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)

    def fill_languages(self) -> None:
        self.lang_box.blockSignals(True)
        self.lang_box.clear()
        self.lang_box.addItem("All languages", None)
        for lang in browse.languages(self.model.store):
            self.lang_box.addItem(lang.upper(), lang)
        self.lang_box.blockSignals(False)

    @property
    def lang(self) -> str | None:
        return self.lang_box.currentData()

    def cycle_filter(self, which: str, step: int = 1) -> str:
        """Choose the next status ("status") or language ("lang") filter; say which."""
        box = self.status_box if which == "status" else self.lang_box
        if box.count():
            box.setCurrentIndex((box.currentIndex() + step) % box.count())
        return box.currentText()

    def set_order(self, order: str) -> bool:
        """Order the list (FILE, USEFUL or QUEUE) and say so in the status bar; when the
        order cannot be used (no trained model, nothing assigned), say why and keep the
        order the list has."""
        why = self.model.set_order(order)
        name = dict(ORDERS).get(order, order)
        if why is not None:
            self._say(f"{name}: {why}; the list stays in {self._order_name()}.")
            self.order_box.setCurrentIndex(self.order_box.findData(self.model.order))
            return False
        self._say(f"Article list: {name.lower()}, {self.model.rowCount()} shown{self._why()}")
        return True

    def cycle_order(self, step: int = 1) -> str:
        """Ask for the order after the one last asked for (O): one that cannot be used
        says why, and the next O goes on to the one after it. Returns the list's order."""
        values = [value for value, _ in ORDERS]
        self._asked = values[(values.index(self._asked) + step) % len(values)]
        self.set_order(self._asked)
        return self._order_name()

    def next_after(self, article_id: int | None) -> int | None:
        """The next unfinished article in the list's order (see the model's)."""
        return self.model.next_after(article_id)

    def _order_name(self) -> str:
        return dict(ORDERS)[self.model.order].lower()

    def _why(self) -> str:
        useful = self.model.useful
        if self.model.order != USEFUL or useful is None:
            return ""
        pairs = "; ".join(
            f"{lang}: {base or '?'} vs {trained}" for lang, base, trained in useful.pairs
        )
        return f" ({len(useful.ranked)} ranked by model disagreement, {pairs})"

    def _say(self, text: str) -> None:
        self.message.emit(text)
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, 8000)

    def _on_order_box_activated(self, index: int) -> None:
        self._asked = self.order_box.itemData(index)
        self.set_order(self._asked)

    def _on_model_order_changed(self, order: str) -> None:
        self.order_box.setCurrentIndex(self.order_box.findData(order))

    def apply_filters(self) -> None:
        query = self.search.text().strip()
        if query and (self._hits is None or self._hits[0] != query):
            self.search_requested.emit(query)  # show_hits applies the filters
            return
        hits = self._hits[1] if query and self._hits else None
        self.model.set_filter(self.status_box.currentData(), self.lang, hits)

    def show_hits(self, query: str, ids: list[int]) -> None:
        """The answer to a search request; a stale one (the box changed since) is dropped."""
        if query != self.search.text().strip():
            return
        self._hits = (query, ids)
        self.model.set_filter(self.status_box.currentData(), self.lang, ids)
        if self._open_first:
            self._open_first = False
            first = self.model.article_id(0)
            if first is not None:
                self.article_activated.emit(first)
            self.search_finished.emit(self.model.rowCount())

    def forget_hits(self) -> None:
        """The project changed: the next search asks again."""
        self._hits = None

    def show_busy(self, text: str) -> None:
        """A note inside the search box, right-aligned ("indexing…"), or none."""
        self.busy_note.setText(text)
        self.busy_note.setVisible(bool(text))
        if text:
            self.busy_note.adjustSize()
            box = self.search.rect()
            note = self.busy_note.sizeHint()
            x = box.right() - note.width() - 28  # left of the clear button
            self.busy_note.move(x, (box.height() - note.height()) // 2)
        self.search.setPlaceholderText(
            f"Search articles — {text}" if text else "Search articles  (Ctrl+F)"
        )

    def _on_search_return_pressed(self) -> None:
        """Enter searches and opens the best hit; N / P then walk the hits."""
        self._live.stop()
        self._open_first = True
        self._hits = None  # search again: articles may have been added
        self.apply_filters()
        if not self.search.text().strip():
            self._open_first = False

    def _on_search_text_changed(self, text: str) -> None:
        if text.strip():
            self._live.start()  # (again): searched when the typing pauses
            return
        self._live.stop()
        if self.model.search_ids is not None:
            self.apply_filters()

    def _on_table_activated(self, index: QModelIndex) -> None:
        aid = self.model.article_id(index.row())
        if aid is not None:
            self.article_activated.emit(aid)

    def _reselect(self) -> None:
        if self._shown is not None:
            self.show_article(self._shown)

    def show_article(self, article_id: int) -> None:
        """Select and scroll to an article's row, if the current filter shows it (again
        after a filter, an order or a search changes the list)."""
        self._shown = article_id
        row = self.model.row_of(article_id)
        if row is None:
            self.table.clearSelection()
            return
        index = self.model.index(row, 1)
        self.table.selectionModel().setCurrentIndex(
            index,
            self.table.selectionModel().SelectionFlag.ClearAndSelect
            | self.table.selectionModel().SelectionFlag.Rows,
        )
        self.table.scrollTo(index)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        for column, below in DROP_WHEN_NARROW:
            self.table.setColumnHidden(column, event.size().width() < below)

    def neighbour(self, article_id: int | None, step: int) -> int | None:
        """The article ``step`` rows away in the list (N / P)."""
        row = self.model.row_of(article_id) if article_id is not None else None
        target = (0 if step > 0 else self.model.rowCount() - 1) if row is None else row + step
        return self.model.article_id(target)


def _table(model: ArticleListModel) -> QTableView:
    table = QTableView()
    table.setObjectName("articleList")
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(False)
    table.setShowGrid(False)
    table.setAlternatingRowColors(True)
    table.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
    vh = table.verticalHeader()
    vh.setVisible(False)
    vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # uniform rows: fast for 100k
    vh.setDefaultSectionSize(table.fontMetrics().height() + 8)
    hh = table.horizontalHeader()
    hh.setHighlightSections(False)
    hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    hh.setMinimumSectionSize(24)
    for col, width in ((0, 22), (2, 82), (3, 44), (4, 60)):
        table.setColumnWidth(col, width)
    return table
