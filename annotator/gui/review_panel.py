"""The review panel: the article's suggestions and gold spans, and the label palette.

The list is a table model over :class:`annotator.core.review.Review` items (label, text,
source, state); the current item is its selected row. The palette shows every label with
its number key and colour; hovering shows the label's one-line guideline. The "Events" tab
lists the article's events and their arguments (:mod:`annotator.gui.event_list`), with the
keys of the current event's roles under it. The tab shown is the controller's mode: the
list the review keys act on. The label, role, source and state columns are as wide as
the longest text they can show (every label of the set, every type and role of the
schema); the text column takes the rest, and a row's tooltip says all it holds. When the
pane is too narrow for that, the other columns give way (:data:`GIVE_WAY`, each down to a
few characters, elided) so that the text column keeps :data:`TEXT_CHARS` characters.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QStyle,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.event_review import EventReview
from annotator.core.labels import LabelSet
from annotator.core.review import GOLD, PENDING, REJECTED, Item, Review
from annotator.core.schema import EventSchema
from annotator.gui.event_list import EventListModel, column_samples
from annotator.gui.styles import SpanStyles
from annotator.gui.table_model import Cells, CellsDelegate, RowsModel

COLUMNS = ("Label", "Text", "Source", "State")
STATE_TEXT = {GOLD: "gold", PENDING: "pending", REJECTED: "rejected"}
SOURCE_TEXT = ("import", "manual", "model")
Samples = dict[int, Sequence[tuple[str, bool]]]  # column -> (text, bold) it may show
MUTED = QColor("#9aa0a6")
TEXT_CHARS = 16  # the text column keeps room for this many characters when the pane narrows
# (column, characters it keeps at least) in the order the columns give way: in the entities
# list the label (its colour swatch stays), then source, then state; in the events list the
# details, then event/role, then state
GIVE_WAY = ((0, 6), (2, 6), (3, 5))
EVENTS_GIVE_WAY = ((2, 6), (0, 8), (3, 5))


class ReviewModel(RowsModel[Item]):
    """The entity list: one row per item of the review (rows and cells as
    :class:`~annotator.gui.table_model.RowsModel` keeps them)."""

    COLUMNS = COLUMNS

    def __init__(self, styles: SpanStyles, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.styles = styles

    def set_review(self, review: Review | None) -> None:
        self.set_rows(review.items if review else [], review.text if review else "")

    def item(self, row: int) -> Item | None:
        return self.row_value(row)

    def make_cells(self, item: Item) -> Cells:
        """Every role this row answers, one value per column."""
        span = item.span
        label = span.label
        text = self._text[span.start : span.end]
        source = item.source if item.source in SOURCE_TEXT else "model"  # full name: tooltip
        state = STATE_TEXT.get(item.state, item.state)
        tip = f"{label} {span.start}–{span.end}: {text}\nfrom {item.source}"
        swatch = self.styles.fill(label) if item.is_gold else self.styles.tint(label)
        cells: Cells = {
            Qt.ItemDataRole.DisplayRole: (label, " ".join(text.split()), source, state),
            Qt.ItemDataRole.DecorationRole: (swatch, None, None, None),
            Qt.ItemDataRole.ToolTipRole: (tip,) * len(COLUMNS),
        }
        if item.state == REJECTED:
            cells[Qt.ItemDataRole.ForegroundRole] = (MUTED,) * len(COLUMNS)
            cells[Qt.ItemDataRole.FontRole] = (None, _struck(), None, None)
        return cells


def _struck() -> QFont:
    font = QFont()
    font.setStrikeOut(True)
    return font


class LabelPalette(QWidget):
    """A button per label: number key, name, colour; the guideline as tooltip."""

    label_clicked = Signal(str)

    def __init__(self, labels: LabelSet, styles: SpanStyles, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("labelPalette")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(4)
        self.buttons: dict[str, QToolButton] = {}
        for n, label in enumerate(labels.labels):
            button = QToolButton()
            button.setObjectName("labelButton")
            key = f"{label.key}  " if label.key else ""
            button.setText(f"{key}{label.name}")
            button.setToolTip(_tooltip(label.name, label.key, label.guideline))
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setSizePolicy(
                button.sizePolicy().Policy.Expanding, button.sizePolicy().Policy.Fixed
            )
            fill, ink = styles.fill(label.name).name(), styles.ink(label.name).name()
            button.setStyleSheet(
                f"QToolButton {{ background: {fill}; border: 1px solid {ink}; }}"
                f"QToolButton:hover {{ border: 2px solid {ink}; }}"
            )
            button.clicked.connect(lambda _=False, name=label.name: self.label_clicked.emit(name))
            grid.addWidget(button, n // 3, n % 3)
            self.buttons[label.name] = button


def _tooltip(name: str, key: int | None, guideline: str) -> str:
    head = f"<b>{name}</b>" + (f" — key {key}" if key else "")
    return f"<p style='white-space:pre-wrap'>{head}<br>{guideline}</p>"


class ReviewPanel(QWidget):
    item_clicked = Signal(int)  # row of the entities list
    event_row_clicked = Signal(int)  # row of the events list
    tab_chosen = Signal(int)  # 0 entities, 1 events (a click on the tab)
    label_clicked = Signal(str)

    def __init__(
        self,
        labels: LabelSet,
        styles: SpanStyles,
        schema: EventSchema,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.styles = styles
        self.model = ReviewModel(styles, self)
        self.event_model = EventListModel(styles, schema, self)
        self.summary = QLabel()
        self.summary.setObjectName("reviewSummary")
        self.event_summary = QLabel()
        self.event_summary.setObjectName("reviewSummary")
        self.roles = QLabel()
        self.roles.setObjectName("roleKeys")
        self.roles.setWordWrap(True)
        self.table = _table(self.model)
        self.event_table = _table(self.event_model, "eventList")
        self.shares = {
            self.table: ColumnShare(self.table, GIVE_WAY),
            self.event_table: ColumnShare(self.event_table, EVENTS_GIVE_WAY),
        }
        self.fit_columns(labels, schema)
        self.tabs = QTabWidget()
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        widest = "000 pending · 000 gold · in progress"
        self.tabs.addTab(_page(self.summary, widest, self.table), "Entities")
        widest = "000 pending · 000 gold · ⚠ 00 not fitting the schema"
        events = _page(self.event_summary, widest, self.event_table, self.roles)
        self.tabs.addTab(events, "Events")
        self.tabs.setTabToolTip(0, "Entity spans (Tab switches the list the keys act on)")
        self.tabs.setTabToolTip(1, "Events and their arguments (Tab switches)")
        self.palette = LabelPalette(labels, styles)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 6, 6)
        layout.addWidget(self.tabs, 1)
        self.palette_title = QLabel("Labels  (number keys; hover for the guideline)")
        layout.addWidget(self.palette_title)
        layout.addWidget(self.palette)
        self.table.clicked.connect(lambda index: self.item_clicked.emit(index.row()))
        self.event_table.clicked.connect(lambda index: self.event_row_clicked.emit(index.row()))
        self.tabs.tabBarClicked.connect(self.tab_chosen)
        self.palette.label_clicked.connect(self.label_clicked)

    def fit_columns(self, labels: LabelSet, schema: EventSchema) -> None:
        """Size the columns for this label set and schema (again after either changes)."""
        names = [label.name for label in labels.labels]
        entity: Samples = {
            0: [(name, False) for name in names],
            2: [(text, False) for text in SOURCE_TEXT],
            3: [(text, False) for text in STATE_TEXT.values()],
        }
        self.shares[self.table].set_fitted(fit_columns(self.table, entity))
        fitted = fit_columns(self.event_table, column_samples(schema, names))
        self.shares[self.event_table].set_fitted(fitted)

    def current_event_rects(self) -> list[QRect]:
        """Global rectangles of the current event's rows (the event and its arguments) in
        the events list, as far as they are shown: what a palette must not cover."""
        table, model = self.event_table, self.event_model
        current = model.row_view(table.currentIndex().row()) if table.isVisible() else None
        if current is None:
            return []
        port, last = table.viewport(), model.columnCount() - 1
        out = []
        for row in range(model.rowCount()):
            if model.row_view(row).item != current.item:
                continue
            rect = table.visualRect(model.index(row, 0)).united(
                table.visualRect(model.index(row, last))
            )
            if rect.intersects(port.rect()):
                out.append(QRect(port.mapToGlobal(rect.topLeft()), rect.size()))
        return out

    def show_mode(self, events_mode: bool) -> None:
        self.tabs.setCurrentIndex(1 if events_mode else 0)
        # in the events list the number keys choose roles (listed under it), not labels
        self.palette_title.setVisible(not events_mode)
        self.palette.setVisible(not events_mode)

    def show_review(self, review: Review | None) -> None:
        self.model.set_review(review)
        self.show_current(review)

    def show_current(self, review: Review | None) -> None:
        _select(self.table, review.current if review else None)
        self.summary.setText(_summary(review))

    def show_events(self, events: EventReview | None) -> None:
        self.event_model.set_events(events)
        self.show_current_event(events)

    def show_current_event(self, events: EventReview | None) -> None:
        _select(self.event_table, events.current if events else None)
        self.event_summary.setText(_event_summary(events))
        self.roles.setText(self._role_keys(events))

    def _role_keys(self, events: EventReview | None) -> str:
        item = events.current_item if events else None
        if item is None:
            return "E: new event from the selection"
        keys = " ".join(
            f"<span style='color:{self.styles.role_ink(n).name()}'><b>{n + 1}</b>&nbsp;"
            f"{role.name}{role.cardinality if role.cardinality != '1' else ''}</span>"
            for n, role in enumerate(events.roles())
        )
        return f"<b>{item.event.type}</b> roles: {keys or '—'}"


class LineHolder(QWidget):
    """Holds a one-line label outside any layout, so that a new text repaints the label
    alone. Inside a layout every new text (the counts change with each key) re-lays out
    the panes up to the window, and the tab widget answers with a repaint of itself and
    the whole list under it. As wide as the layout makes it; at least as wide as
    ``widest`` (what the label shows at most, as the label itself asked before)."""

    def __init__(self, label: QLabel, widest: str) -> None:
        super().__init__()
        self.label = label
        label.setParent(self)
        label.ensurePolished()  # the style sheet's padding counts in the size
        text = label.text()
        label.setText(widest)
        self._hint = label.sizeHint()
        label.setText(text)
        self.setFixedHeight(self._hint.height())
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return self._hint

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return self._hint

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        self.label.setGeometry(self.rect())


def _page(summary: QLabel, widest: str, table: QTableView, footer: QLabel | None = None) -> QWidget:
    page = QWidget()
    box = QVBoxLayout(page)
    box.setContentsMargins(0, 6, 0, 0)
    box.addWidget(LineHolder(summary, widest))
    box.addWidget(table, 1)
    if footer is not None:
        box.addWidget(footer)
    return page


def _select(table: QTableView, row: int | None) -> None:
    if row is None:
        table.clearSelection()
        return
    index = table.model().index(row, 0)
    reveal(table, index)  # first: a new current index scrolls it just into view itself
    selection = table.selectionModel()
    flags = selection.SelectionFlag
    if selection.currentIndex() != index or not selection.isRowSelected(row):
        selection.setCurrentIndex(index, flags.ClearAndSelect | flags.Rows)


def reveal(table: QTableView, index: QModelIndex) -> None:
    """Scroll only when the row is not wholly in view, and then put it in the middle: the
    next keys (J/K, A, X walk row by row) find their rows in view without a scroll, which
    repaints the whole list."""
    if not index.isValid():
        return
    rect = table.visualRect(index)
    port = table.viewport().rect()
    if rect.top() >= port.top() and rect.bottom() <= port.bottom():
        return
    table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)


def _event_summary(events: EventReview | None) -> str:
    if events is None:
        return "No article open"
    text = f"{events.pending_count()} pending · {events.gold_count()} gold"
    problems = events.problem_count()
    return text + (f" · ⚠ {problems} not fitting the schema" if problems else "")


def _summary(review: Review | None) -> str:
    if review is None:
        return "No article open"
    states = Counter(item.state for item in review.items)  # one pass, at every key
    pending, gold = states[PENDING], states[GOLD]
    status = review.status.replace("_", " ")
    return f"{pending} pending · {gold} gold · {status}"


def _table(model: QAbstractTableModel, name: str = "reviewList") -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.setItemDelegate(CellsDelegate(table))  # the style's look, without its cost
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys belong to the text view
    table.setWordWrap(False)
    table.setShowGrid(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    vh = table.verticalHeader()
    vh.setVisible(False)
    vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vh.setDefaultSectionSize(table.fontMetrics().height() + 8)
    hh = table.horizontalHeader()
    hh.setHighlightSections(False)
    hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    hh.setMinimumSectionSize(36)
    return table


def fit_columns(table: QTableView, samples: Samples) -> dict[int, int]:
    """Make each sampled column as wide as its widest text (with the colour swatch of
    column 0 and the style's margins), and at least as wide as its header; return the
    widths."""
    header = table.horizontalHeader()
    out = {}
    for col, texts in samples.items():
        widest = max((cell_width(table, text, bold, col == 0) for text, bold in texts), default=0)
        out[col] = max(widest, header.sectionSizeFromContents(col).width())
        header.resizeSection(col, out[col])
    return out


class ColumnShare(QObject):
    """Keeps a table's stretching text column (1) readable in a narrow pane: the fitted
    columns give way in ``order`` (:data:`GIVE_WAY`), each down to a few characters (elided;
    the tooltip has all), until the text column has :data:`TEXT_CHARS` characters; a wider
    pane gives them back. Applied when the table's viewport is resized."""

    def __init__(self, table: QTableView, order: Sequence[tuple[int, int]] = GIVE_WAY) -> None:
        super().__init__(table)
        self.table = table
        self.order = order
        self.fitted: dict[int, int] = {}
        table.viewport().installEventFilter(self)

    def set_fitted(self, widths: dict[int, int]) -> None:
        self.fitted = dict(widths)
        self.apply()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt)
        if event.type() == QEvent.Type.Resize:
            self.apply()
        return False

    def widths(self, available: int) -> dict[int, int]:
        """The fixed columns' widths for a viewport ``available`` pixels wide."""
        char = self.table.fontMetrics().averageCharWidth()
        widths = dict(self.fitted)
        deficit = sum(widths.values()) + char * TEXT_CHARS - available
        for col, chars in self.order:
            if deficit <= 0:
                break
            if col not in widths:
                continue
            floor = min(widths[col], char * chars + 2 * char)  # and the cell's margins
            give = min(deficit, widths[col] - floor)
            widths[col] -= give
            deficit -= give
        return widths

    def apply(self) -> None:
        if not self.fitted:
            return
        header = self.table.horizontalHeader()
        for col, width in self.widths(self.table.viewport().width()).items():
            if header.sectionSize(col) != width:
                header.resizeSection(col, width)


def cell_width(table: QTableView, text: str, bold: bool, decorated: bool) -> int:
    """The width a cell needs to show ``text`` whole, as the table's style measures it."""
    option = QStyleOptionViewItem()
    option.initFrom(table)
    font = QFont(table.font())
    if bold:
        font.setWeight(QFont.Weight.DemiBold)
    option.font, option.fontMetrics, option.text = font, QFontMetrics(font), text
    features = QStyleOptionViewItem.ViewItemFeature.HasDisplay
    if decorated:
        features |= QStyleOptionViewItem.ViewItemFeature.HasDecoration
        extent = table.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize, None, table)
        option.decorationSize = QSize(extent, extent)
    option.features = features
    style = table.style()
    size = style.sizeFromContents(QStyle.ContentsType.CT_ItemViewItem, option, QSize(), table)
    return size.width() + 2  # the selection frame's pixel either side
