"""The main window: article list | article text | review panel, a status bar, the menus.

The window only lays out views and routes: keys go through the action table to the
controller, and the controller's one ``changed`` signal comes back here to update each view
as little as needed.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QWidget,
)

from annotator import __version__
from annotator.core.labels import LabelSet
from annotator.core.review import REJECTED, Review
from annotator.gui import project
from annotator.gui.actions import ACTIONS, ShortcutsDialog, build_actions, label_actions
from annotator.gui.article_list import ArticleListModel, ArticleListPane
from annotator.gui.controller import CURRENT, OPENED, Controller, Update
from annotator.gui.prefs import Preferences
from annotator.gui.review_panel import ReviewPanel
from annotator.gui.styles import SpanStyles
from annotator.gui.text_view import ArticleTextView, ViewSpan

MENUS = ("File", "Edit", "Label", "Navigate", "Help")
# menu entries that start a new group
SEPARATE_BEFORE = {
    "import",
    "preferences",
    "quit",
    "accept",
    "start_left",
    "done",
    "next_article",
    "search",
}


class MainWindow(QMainWindow):
    def __init__(
        self,
        controller: Controller,
        labels: LabelSet,
        settings: QSettings,
        prefs: Preferences,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.settings = settings
        self.prefs = prefs
        self.styles = SpanStyles(labels)
        self.specs = ACTIONS + label_actions(labels)
        self.text = ArticleTextView(self.styles)
        self.text.snapper = controller.snap
        self.list_model = ArticleListModel(controller.store, controller.annotator, self)
        self.list_pane = ArticleListPane(self.list_model)
        self.review_panel = ReviewPanel(labels, self.styles)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        for pane in (self.list_pane, self.text, self.review_panel):
            self.splitter.addWidget(pane)
        self.splitter.setStretchFactor(1, 1)
        self.setCentralWidget(self.splitter)
        self.actions = build_actions(self, self.specs)
        self._build_menus()
        self._build_status_bar()
        self._connect()
        self._restore_state()
        self.text.setFocus()

    # -- building -----------------------------------------------------------------------

    def _build_menus(self) -> None:
        menus = {name: self.menuBar().addMenu(f"&{name}") for name in MENUS}
        for spec in self.specs:
            if spec.id in SEPARATE_BEFORE:
                menus[spec.menu].addSeparator()
            menus[spec.menu].addAction(self.actions[spec.id])

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.progress_label = QLabel()
        self.pace_label = QLabel()
        self.model_label = QLabel()
        self.who_label = QLabel()
        self.busy = QProgressBar()
        self.busy.setObjectName("busyIndicator")
        self.busy.setRange(0, 0)  # indeterminate: "the model is working"
        self.busy.setFixedSize(64, 10)
        self.busy.setTextVisible(False)
        self.busy.setToolTip("Suggesting in the background")
        self.busy.hide()
        for widget in (
            self.busy,
            self.model_label,
            self.pace_label,
            self.progress_label,
            self.who_label,
        ):
            bar.addPermanentWidget(widget)
        self._pace_timer = QTimer(self, interval=15_000)
        self._pace_timer.timeout.connect(self.update_status)
        self._pace_timer.start()

    def _connect(self) -> None:
        c = self.controller
        c.changed.connect(self._on_controller_changed)
        c.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        if c.worker is not None:
            c.worker.busy_changed.connect(self._on_worker_busy_changed)
        self.list_pane.article_activated.connect(self._on_list_article_activated)
        self.list_pane.search_finished.connect(self._on_list_search_finished)
        self.list_pane.lang_box.currentIndexChanged.connect(self._on_list_lang_changed)
        self.review_panel.item_clicked.connect(c.set_current)
        self.review_panel.label_clicked.connect(self.apply_label)
        self.text.offset_clicked.connect(c.select_at)
        self.text.range_selected.connect(self._on_text_range_selected)

    # -- reacting to the controller ------------------------------------------------------

    def _on_controller_changed(self, update: Update) -> None:
        c = self.controller
        open_id = c.article.id if c.article else None
        if update.article_id != open_id and update.kind != OPENED:
            self.list_model.refresh_article(update.article_id)  # e.g. prefetched suggestions
            return
        review = c.review
        if update.kind == OPENED:
            self._show_article()
        elif update.kind == CURRENT:
            self.text.set_current(_current(review))
            self.review_panel.show_current(review)
        else:
            self.text.update_spans(view_spans(review), update.ranges)
            self.text.set_current(_current(review))
            self.review_panel.show_review(review)
            self.list_model.refresh_article(open_id)
        if update.status_changed:
            c.stats.refresh_counts()
        self.update_status()

    def _show_article(self) -> None:
        c = self.controller
        if c.article is None:
            self.text.show_article("", "", [], None)
            self.review_panel.show_review(None)
            self.setWindowTitle(self._title())
            return
        a = c.article
        self.text.show_article(a.text, a.title, view_spans(c.review), _current(c.review))
        self.review_panel.show_review(c.review)
        if c.asking and not c.review.items:
            self.review_panel.summary.setText("Asking the model for suggestions…")
        self.list_pane.show_article(a.id)
        self.list_model.refresh_article(a.id)
        self.setWindowTitle(self._title(a.title))

    def _title(self, article: str = "") -> str:
        path = self.controller.store.path
        name = path.name if path else "in memory"
        return f"{article + ' — ' if article else ''}{name} — annotator"

    def update_status(self) -> None:
        c = self.controller
        s = c.stats
        self.progress_label.setText(f"Done {s.done} / {s.total}")
        self.progress_label.setToolTip(f"{s.skipped} skipped")
        self.pace_label.setText(f"Today {s.today} · {s.per_minute():.1f}/min")
        self.pace_label.setToolTip("Decisions today, and per minute over the last 5 minutes")
        model = c.model_text
        self.model_label.setText(f"Model: {model}" if model else "Model: —")
        self.who_label.setText(f"Annotator: {c.annotator}")

    def _on_worker_busy_changed(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.update_status()

    def _on_list_article_activated(self, article_id: int) -> None:
        c = self.controller
        if c.article is None or c.article.id != article_id:  # a double click opens once
            c.open_article(article_id)

    def _on_list_lang_changed(self, _index: int) -> None:
        self.controller.lang_filter = self.list_pane.lang  # "done → next" stays in it

    def _on_list_search_finished(self, hits: int) -> None:
        if hits:
            self.text.setFocus()
            self.statusBar().showMessage(f"{hits} matching: N / P walk through them", 6000)
        else:
            self.statusBar().showMessage("No article matches.", 6000)

    def _on_text_range_selected(self, start: int, end: int) -> None:
        self.statusBar().showMessage("Press 1–9 (or click a label) to label the selection", 5000)

    # -- handlers of the action table ------------------------------------------------------

    def apply_key(self, key: int) -> None:
        self.controller.apply_key(key, self.text.selection())

    def apply_label(self, name: str) -> None:
        self.controller.apply_label(name, self.text.selection())
        self.text.setFocus()

    def step_article(self, step: int) -> None:
        c = self.controller
        target = self.list_pane.neighbour(c.article.id if c.article else None, step)
        if target is None:
            self.statusBar().showMessage("No more articles in this list.", 4000)
        else:
            c.open_article(target)

    def focus_search(self) -> None:
        self.list_pane.search.setFocus()
        self.list_pane.search.selectAll()

    def focus_text(self) -> None:
        self.text.setFocus()

    def show_shortcuts(self) -> None:
        ShortcutsDialog(self.specs, self).exec()

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About annotator",
            f"annotator {__version__}\nGold NER and event data from news articles, with spaCy.",
        )

    def edit_preferences(self) -> None:
        name, ok = QInputDialog.getText(
            self,
            "Preferences",
            "Annotator name (recorded with every decision):",
            text=self.controller.annotator,
        )
        if ok and name.strip():
            self.set_annotator(name.strip())

    def set_annotator(self, name: str) -> None:
        self.prefs.annotator = name
        self.prefs.save()
        self.controller.set_annotator(name)
        self.list_model.set_source(self.controller.store, name)
        self.list_pane.show_article(self.controller.article.id if self.controller.article else -1)
        self.update_status()

    def open_project(self, path: str | Path | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self, "Open project", "", "Annotator projects (*.db *.sqlite);;All files (*)"
            )
        if path:
            self.switch_store(project.open_project(Path(path)))

    def new_project(self, path: str | Path | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self, "New project", "project.db", "Annotator projects (*.db)"
            )
        if path:
            self.switch_store(project.open_project(Path(path)))
            self.statusBar().showMessage("New project: File → Import adds articles.", 8000)

    def switch_store(self, store: object) -> None:
        if store is None:
            return
        old = self.controller.store
        self.list_pane.search.clear()
        self.list_model.set_source(store, self.controller.annotator)
        self.list_pane.fill_languages()
        self.controller.set_store(store)
        old.close()

    def import_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Import articles", "", "Articles (*.txt *.jsonl *.json *.ann *.conll);;All (*)"
        )
        self.import_paths(paths)

    def import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a folder of articles")
        self.import_paths([folder] if folder else [])

    def import_paths(self, paths: list[str]) -> None:
        if not paths:
            return
        summary = project.import_with_feedback(
            self, self.controller.store, paths, self.controller.annotator
        )
        self.list_pane.fill_languages()
        self.list_model.reload()
        self.controller.stats.refresh_counts()
        if self.controller.article is None:
            self.controller.start()
        self.update_status()
        self.statusBar().showMessage(f"Import: {summary}", 10000)

    # -- state ----------------------------------------------------------------------------

    def _restore_state(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self._default_geometry()
        splitter = self.settings.value("window/splitter")
        if splitter is None or not self.splitter.restoreState(splitter):
            width = self.width()
            self.splitter.setSizes([int(width * 0.28), int(width * 0.46), int(width * 0.26)])

    def _default_geometry(self) -> None:
        """First start: most of the screen, the three panes in reading proportions."""
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is None or screen.width() < 900:
            self.resize(1320, 760)
            return
        self.resize(min(1600, screen.width()), min(1000, screen.height()))
        self.move(screen.center() - self.rect().center())

    def save_state(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        self.save_state()
        if self.controller.worker is not None:
            self.controller.worker.stop()
        super().closeEvent(event)


def view_spans(review: Review | None) -> list[ViewSpan]:
    """What the text shows: gold and pending spans; rejected suggestions are hidden."""
    if review is None:
        return []
    return [
        (i.span.start, i.span.end, i.span.label, i.state)
        for i in review.items
        if i.state != REJECTED
    ]


def _current(review: Review | None) -> tuple[int, int, str] | None:
    item = review.current_item if review else None
    return (item.span.start, item.span.end, item.span.label) if item else None
