"""The main window: article list | article text | review panel, a status bar, the menus.

The window only lays out views and routes: keys go through the action table to the
controller, and the controller's one ``changed`` signal comes back here to update each view
as little as needed. Importing and searching run in worker threads (:mod:`annotator.gui.jobs`)
over connections of their own, so the window never freezes on them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from annotator import __version__
from annotator.core.labels import LabelSet
from annotator.core.review import REJECTED, Review
from annotator.gui import project
from annotator.gui.actions import ACTIONS, ShortcutsDialog, build_actions, label_actions
from annotator.gui.adjudication import AdjudicationSession
from annotator.gui.adjudication_panel import AdjudicationDetails, AdjudicationPanel
from annotator.gui.adjudication_window import AdjudicationMixin
from annotator.gui.article_list import ArticleListModel, ArticleListPane
from annotator.gui.controller import CURRENT, ENTITIES, EVENTS, MODE, OPENED, Controller, Update
from annotator.gui.done_prompt import DonePrompt
from annotator.gui.event_keys import EventKeys, event_overlay
from annotator.gui.guidelines import GuidelinePanel, entity_guideline, event_guideline
from annotator.gui.hint_bar import HintBar
from annotator.gui.jobs import JobHost, SearchResult, import_job, search_job
from annotator.gui.label_picker import LabelPicker
from annotator.gui.model_loop import ModelLoop
from annotator.gui.prefs import Preferences
from annotator.gui.prefs_dialog import PreferencesDialog
from annotator.gui.review_panel import ReviewPanel
from annotator.gui.status_bar import ElidedLabel, StatusFitter
from annotator.gui.styles import SpanStyles
from annotator.gui.text_view import ArticleTextView, ViewSpan
from annotator.gui.window_state import (
    LIST_MIN,
    TEXT_MIN,
    PaneSplitter,
    load_session,
    project_key,
    reopen,
    save_session,
    session_of,
)
from annotator.store.team import ADJUDICATOR

MENUS = ("File", "Edit", "View", "Events", "Label", "Navigate", "Team", "Model", "Help")
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
    "negation",
    "label_1",
    "guideline",
}


class MainWindow(AdjudicationMixin, QMainWindow):
    import_finished = Signal(object)  # the ImportSummary, or None when it stopped

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
        self.review_panel = ReviewPanel(labels, self.styles, controller.schema)
        self.event_keys = EventKeys(self)
        self.done_prompt = DonePrompt(self)
        controller.done_policy = prefs.done_policy
        self.model_loop = ModelLoop(self)
        self.model_loop.message.connect(self.statusBar().showMessage)
        self.import_jobs = JobHost("import-jobs", self)
        self.search_jobs = JobHost("search-jobs", self)
        self.label_picker = LabelPicker(labels, self.styles, self)
        self.guide = GuidelinePanel()
        self.hint_bar = HintBar()
        self.adjudication: AdjudicationSession | None = None
        self.adjudication_panel = AdjudicationPanel(self.styles)
        self.adjudication_panel.hide()
        self.adjudication_details = AdjudicationDetails()
        self._build_panes()
        self.actions = build_actions(self, self.specs)
        self._build_menus()
        self._build_status_bar()
        self._connect()
        self._restore_state()
        self.show_read_only()
        self.text.setFocus()

    # -- building -----------------------------------------------------------------------

    def _build_panes(self) -> None:
        """List | text (the guideline panel under it) | review, the hint bar below."""
        middle = QWidget()
        box = QVBoxLayout(middle)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(4)
        box.addWidget(self.text, 3)
        box.addWidget(self.guide)
        box.addWidget(self.adjudication_panel, 2)
        middle.setMinimumWidth(TEXT_MIN)
        self.list_pane.setMinimumWidth(LIST_MIN)
        # the review panel, or beside an adjudication its details: one slot, one width
        self.side = QStackedWidget()
        self.side.addWidget(self.review_panel)
        self.side.addWidget(self.adjudication_details)
        self.splitter = PaneSplitter((self.list_pane, middle, self.side))
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.splitter, 1)
        outer.addWidget(self.hint_bar)
        self.setCentralWidget(central)

    def _build_menus(self) -> None:
        menus = {name: self.menuBar().addMenu(f"&{name}") for name in MENUS}
        for spec in self.specs:
            if spec.id in SEPARATE_BEFORE:
                menus[spec.menu].addSeparator()
            menus[spec.menu].addAction(self.actions[spec.id])

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.progress_label = ElidedLabel()
        self.pace_label = ElidedLabel()
        self.model_label = ElidedLabel()
        self.who_label = ElidedLabel()
        self.read_only_label = QLabel("Read-only")
        self.read_only_label.setObjectName("readOnly")
        self.read_only_label.setToolTip("This project cannot be written: nothing will be saved")
        self.read_only_label.hide()
        self.busy = QProgressBar()
        self.busy.setObjectName("busyIndicator")
        self.busy.setRange(0, 0)  # indeterminate: "the model is working"
        self.busy.setFixedSize(64, 10)
        self.busy.setTextVisible(False)
        self.busy.setToolTip("Suggesting in the background")
        self.busy.hide()
        self.import_bar = QProgressBar()
        self.import_bar.setObjectName("importProgress")
        self.import_bar.setFixedWidth(180)
        self.import_bar.setFormat("Importing %v / %m files")
        self.import_bar.hide()
        for widget in (
            self.read_only_label,
            self.import_bar,
            self.busy,
            self.model_label,
            self.pace_label,
            self.progress_label,
            self.who_label,
        ):
            bar.addPermanentWidget(widget)
        # the labels yield to the messages (most useful first), elided with a tooltip
        labels = (self.progress_label, self.who_label, self.pace_label, self.model_label)
        others = (self.read_only_label, self.import_bar, self.busy)
        self.status_fitter = StatusFitter(bar, labels, others)
        # where the annotator is, saved a moment after an article opens (not before its
        # first paint: QSettings writes the file) and when the window closes
        self._session_timer = QTimer(self, singleShot=True, interval=2_000)
        self._session_timer.timeout.connect(self.save_session)
        self._pace_timer = QTimer(self, interval=15_000)
        self._pace_timer.timeout.connect(self.update_status)
        self._pace_timer.start()

    def _connect(self) -> None:
        c = self.controller
        c.next_after = self.list_pane.next_after  # done -> next follows the list's order
        c.changed.connect(self._on_controller_changed)
        c.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        if c.worker is not None:
            c.worker.busy_changed.connect(self._on_worker_busy_changed)
        self.list_pane.article_activated.connect(self._on_list_article_activated)
        self.list_pane.search_finished.connect(self._on_list_search_finished)
        self.list_pane.lang_box.currentIndexChanged.connect(self._on_list_lang_changed)
        self.list_pane.search_requested.connect(self._on_list_search_requested)
        self.review_panel.item_clicked.connect(lambda row: c.set_current(row, ENTITIES))
        self.review_panel.event_row_clicked.connect(lambda row: c.set_current(row, EVENTS))
        self.review_panel.tab_chosen.connect(
            lambda tab: c.set_mode(EVENTS if tab == 1 else ENTITIES)
        )
        self.review_panel.label_clicked.connect(self.apply_label)
        self.text.offset_clicked.connect(c.select_at)
        self.text.range_selected.connect(self._on_text_range_selected)
        self.label_picker.picked.connect(self.apply_label)
        self.label_picker.cancelled.connect(self.text.setFocus)
        self.adjudication_panel.row_clicked.connect(self._on_adjudication_row_clicked)
        for name in ("toggle_list", "toggle_hints", "guideline"):
            self.actions[name].setCheckable(True)

    # -- reacting to the controller ------------------------------------------------------

    def _on_controller_changed(self, update: Update) -> None:
        c = self.controller
        open_id = c.article.id if c.article else None
        if update.article_id != open_id and update.kind != OPENED:
            self.list_model.refresh_article(update.article_id)  # e.g. prefetched suggestions
            return
        if self.adjudication is not None:
            if update.kind != OPENED or open_id != self.adjudication.article.id:
                self.leave_adjudication()  # another article (or project): the normal view
            else:
                return  # the text shows the adjudicated version meanwhile
        review = c.review
        self.review_panel.show_mode(c.mode == EVENTS)
        self.hint_bar.show_mode(c.mode == EVENTS)
        if update.kind == OPENED:
            self._show_article()
            self._session_timer.start()
        elif update.kind == CURRENT:
            self.review_panel.show_current(review)
            self.review_panel.show_current_event(c.events)
        elif update.kind != MODE:
            if update.ranges != ():  # () : no entity span changed (e.g. an event decision)
                self.text.update_spans(view_spans(review), update.ranges)
            self.review_panel.show_review(review)
            self.review_panel.show_events(c.events)
            self.list_model.refresh_article(open_id)
        self.sync_text_layer()
        if not self.guide.isHidden():
            self.guide.show_html(self._guideline_html())
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
        self.text.show_article(a.text, a.title, view_spans(c.review), None)
        self.review_panel.show_review(c.review)
        self.review_panel.show_events(c.events)
        if c.asking and not c.review.items:
            self.review_panel.summary.setText("Asking the model for suggestions…")
        self.list_pane.show_article(a.id)
        self.list_model.refresh_article(a.id)
        self.setWindowTitle(self._title(a.title))

    def sync_text_layer(self) -> None:
        """The text's transient layer follows the active list: the current entity, or
        the selected event with its arguments (and an argument being picked)."""
        c = self.controller
        if c.mode == EVENTS:
            self.text.set_current(None, reveal=False)
            overlay = event_overlay(c.events, self.styles, self.event_keys.candidate)
            self.text.set_event_overlay(overlay)
        else:
            self.text.set_event_overlay(None, reveal=False)
            self.text.set_current(_current(c.review))

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
        if self.adjudication is not None:
            self.who_label.setText(f"Adjudicating as: {ADJUDICATOR}")
        self.status_fitter.fit()

    def _on_worker_busy_changed(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.update_status()

    def _on_list_article_activated(self, article_id: int) -> None:
        c = self.controller
        if c.article is None or c.article.id != article_id:  # a double click opens once
            c.open_article(article_id)

    def _on_list_lang_changed(self, _index: int) -> None:
        self.controller.lang_filter = self.list_pane.lang  # "done → next" stays in it

    def _on_list_search_requested(self, query: str) -> None:
        """Search (and, the first time, build the index) in the search thread."""
        store = self.controller.store
        pane = self.list_pane
        pane.show_busy("indexing…")

        def done(result: SearchResult) -> None:
            if store is self.controller.store:  # not an answer for a closed project
                pane.show_busy("")
                pane.show_hits(result.query, result.ids)

        def failed(reason: str) -> None:
            pane.show_busy("")
            self.statusBar().showMessage(f"Search failed: {reason}", 8000)

        self.search_jobs.submit(store, search_job(query), done=done, failed=failed)

    def _on_list_search_finished(self, hits: int) -> None:
        if hits:
            self.text.setFocus()
            self.statusBar().showMessage(f"{hits} matching: N / P walk through them", 6000)
        else:
            self.statusBar().showMessage("No article matches.", 6000)

    def _on_text_range_selected(self, start: int, end: int) -> None:
        self.statusBar().showMessage(
            "Press 1–9 or L (or click a label) to label the selection", 5000
        )

    # -- handlers of the action table ------------------------------------------------------

    def apply_key(self, key: int) -> None:
        if self.adjudication is not None:
            self.adjudication.take(key)  # number keys take annotator n's version
            return
        selection = self._label_selection()
        if selection is not False:
            self.controller.apply_key(key, selection)

    def apply_label(self, name: str) -> None:
        if self.adjudication is not None:
            self.adjudication.relabel(name)
        elif (selection := self._label_selection()) is not False:
            self.controller.apply_label(name, selection)
        self.text.setFocus()

    def _label_selection(self) -> tuple[int, int] | None | bool:
        """The text selection a label key labels, widened to whole tokens (a keyboard
        selection by characters as a mouse one); False, said in the status bar, when only
        whitespace is selected (the key must not relabel the current item instead)."""
        selection = self.text.snapped_selection()
        if selection is False:
            self.statusBar().showMessage(
                "Only spaces are selected: select a word first (Shift+arrows)", 6000
            )
        return selection

    def step_article(self, step: int) -> None:
        c = self.controller
        target = self.list_pane.neighbour(c.article.id if c.article else None, step)
        if target is None:
            self.statusBar().showMessage("No more articles in this list.", 4000)
        else:
            c.open_article(target)

    def pick_label(self) -> None:
        """The type-to-filter label picker over the text (L): every label, not only 1–9."""
        if self.controller.review is None:
            return
        x = max(0, (self.text.width() - self.label_picker.width()) // 2)
        self.label_picker.open_at(self.text.mapToGlobal(QPoint(x, 32)))

    def cycle_filter(self, which: str) -> None:
        """The article list's next status ("status") or language ("lang") filter."""
        text = self.list_pane.cycle_filter(which)
        shown = self.list_model.rowCount()
        self.statusBar().showMessage(f"Article list: {text}, {shown} shown", 5000)

    def toggle_article_list(self) -> None:
        self.set_list_visible(self.list_pane.isHidden())

    def set_list_visible(self, visible: bool) -> None:
        if not visible and self.list_pane.isAncestorOf(self.focusWidget()):
            self.text.setFocus()
        self.list_pane.setVisible(visible)
        self.actions["toggle_list"].setChecked(visible)
        QTimer.singleShot(0, self.splitter, self.splitter.fit)  # once the panes are laid out

    def toggle_hints(self) -> None:
        self.set_hints_visible(self.hint_bar.isHidden())

    def set_hints_visible(self, visible: bool) -> None:
        self.hint_bar.setVisible(visible)
        self.actions["toggle_hints"].setChecked(visible)

    def toggle_guideline(self) -> None:
        """The guideline of the current item's label or event type, under the text (F2)."""
        if self.guide.isHidden():
            self.guide.show_html(self._guideline_html())
            self.guide.show()
        else:
            self.guide.hide()
        self.actions["guideline"].setChecked(not self.guide.isHidden())

    def _guideline_html(self) -> str:
        c = self.controller
        if c.mode == EVENTS:
            return event_guideline(c.labels, c.events)
        return entity_guideline(c.labels, c.review)

    def focus_search(self) -> None:
        if self.list_pane.isHidden():
            self.set_list_visible(True)
        self.list_pane.search.setFocus()
        self.list_pane.search.selectAll()

    def focus_text(self) -> None:
        """Escape: back to the text, closing the guideline panel (or leaving
        adjudication)."""
        if self.adjudication is not None and self.guide.isHidden():
            self.leave_adjudication()
        if not self.guide.isHidden():
            self.toggle_guideline()
        self.text.setFocus()

    def show_shortcuts(self) -> None:
        ShortcutsDialog(self.specs, self).exec()

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About annotator",
            f"annotator {__version__}\nGold NER and event data from news articles, with spaCy.",
        )

    def edit_preferences(self) -> PreferencesDialog:
        """The preferences dialog, open without blocking; OK applies and saves it."""
        dialog = PreferencesDialog(self.prefs, self.controller.annotator, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._on_preferences_accepted(dialog))
        dialog.open()
        return dialog

    def _on_preferences_accepted(self, dialog: PreferencesDialog) -> None:
        files = (dialog.labels_file, dialog.schema_file)
        if files != (self.prefs.labels_file, self.prefs.schema_file):
            self.prefs.labels_file, self.prefs.schema_file = files
            self.statusBar().showMessage(
                "The label set and event schema apply on the next start.", 10000
            )
        self.set_done_policy(dialog.done_policy)  # saves the preferences
        if dialog.annotator:
            self.set_annotator(dialog.annotator)

    def set_done_policy(self, policy: str) -> None:
        """What Ctrl+Enter does with pending suggestions: ask, accept or reject them."""
        self.prefs.done_with_pending = policy
        self.prefs.save()
        self.controller.done_policy = self.prefs.done_policy

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
            self.switch_store(project.open_project(Path(path), self))

    def new_project(self, path: str | Path | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self, "New project", "project.db", "Annotator projects (*.db)"
            )
        if path and self.switch_store(project.open_project(Path(path), self)):
            self.statusBar().showMessage("New project: File → Import adds articles.", 8000)

    def switch_store(self, store: object) -> bool:
        """Show ``store`` instead of the open project (None: keep the open one)."""
        if store is None:
            return False
        old = self.controller.store
        self.list_pane.search.clear()
        self.list_pane.forget_hits()
        self.list_model.set_source(store, self.controller.annotator)
        self.list_pane.fill_languages()
        self.controller.set_store(store)
        old.close()
        self.show_read_only()
        return True

    def show_read_only(self) -> None:
        """A "Read-only" mark in the status bar when the project cannot be written; what
        opening it changed in an older project's data, if anything."""
        read_only = project.is_read_only(self.controller.store)
        self.read_only_label.setVisible(read_only)
        notes = getattr(self.controller.store, "migration_notes", [])
        if notes:
            self.statusBar().showMessage(f"Project upgraded: {notes[0]}", 20000)
        if read_only:
            self.statusBar().showMessage("Read-only project: changes will not be saved.", 10000)

    def import_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Import articles", "", "Articles (*.txt *.jsonl *.json *.ann *.conll);;All (*)"
        )
        self.import_paths(paths)

    def import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a folder of articles")
        self.import_paths([folder] if folder else [])

    def train_model(self) -> None:
        """Train on the open article's language's gold in the background (again: stop)."""
        c = self.controller
        lang = c.article.lang if c.article else "en"
        self.model_loop.train(c.store, lang, c.annotator)

    def open_most_useful(self) -> None:
        """The unfinished article the base and the trained model disagree on most."""
        c = self.controller
        lang = c.article.lang if c.article else "en"
        found = self.model_loop.most_useful(c.store, c.annotator, lang)
        if found is not None:
            c.open_article(found)

    def import_paths(self, paths: list[str]) -> None:
        """Import in the import thread; the bar in the status bar shows the files done."""
        if not paths:
            return
        if self.import_jobs.busy:
            self.statusBar().showMessage("An import is running: wait for it to finish.", 6000)
            return
        store = self.controller.store
        self.import_bar.setRange(0, 0)
        self.import_bar.show()
        self.statusBar().showMessage("Importing…  the window stays usable meanwhile.", 6000)

        def done(summary: object) -> None:
            self.import_bar.hide()
            if store is self.controller.store:
                self._import_finished(summary)
            self.import_finished.emit(summary)

        def failed(reason: str) -> None:
            self.import_bar.hide()
            self.statusBar().showMessage(f"Import stopped: {reason}", 10000)
            if store is self.controller.store:
                self.list_model.reload()  # the batches stored before it stopped
            self.import_finished.emit(None)

        job = import_job(paths, self.controller.annotator)
        self.import_jobs.submit(
            store, job, done=done, failed=failed, progress=self._on_import_progress
        )

    def _on_import_progress(self, done: int, total: int) -> None:
        self.import_bar.setRange(0, max(total, 1))
        self.import_bar.setValue(done)

    def _import_finished(self, summary: object) -> None:
        self.list_pane.fill_languages()
        self.list_model.reload()
        self.list_pane.forget_hits()  # new articles: search again
        self.controller.stats.refresh_counts()
        if self.controller.article is None:
            self.controller.start()
        elif self.list_model.row_of(self.controller.article.id) is not None:
            self.list_pane.show_article(self.controller.article.id)
        self.update_status()
        detected = summary.languages_line()
        line = f"Import: {summary.line()}" + (f"; {detected}" if detected else "")
        self.statusBar().showMessage(line, 10000)
        project.report_errors(self, summary)

    # -- state ----------------------------------------------------------------------------

    def _restore_state(self) -> None:
        screen = self.screen().availableGeometry() if self.screen() else None
        # first start on a screen too narrow for three panes: the list starts hidden
        narrow = screen is not None and screen.width() < sum(self.splitter.minimums())
        self.set_list_visible(not self.settings.value("window/list_hidden", narrow, type=bool))
        self.set_hints_visible(self.settings.value("window/hints", True, type=bool))
        self.text.set_label_tags(self.settings.value("window/label_tags", False, type=bool))
        geometry = self.settings.value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self._default_geometry()
            if narrow:
                self.statusBar().showMessage("Narrow screen: Ctrl+L shows the article list.", 15000)
        splitter = self.settings.value("window/splitter")
        if splitter is None or not self.splitter.restoreState(splitter):
            self.splitter.set_default_sizes(self.width())
        self.splitter.setChildrenCollapsible(False)  # an old saved state may say otherwise
        self.splitter.fit()  # a state saved on another screen must not squash the text

    def _default_geometry(self) -> None:
        """First start: most of the screen, but never narrower than the panes need."""
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is None:
            self.resize(1320, 760)
            return
        need = self.minimumSizeHint().width()
        self.resize(max(need, min(1600, screen.width())), min(1000, screen.height()))
        centre = screen.center() - self.rect().center()
        self.move(max(screen.left(), centre.x()), max(screen.top(), centre.y()))

    def save_state(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.setValue("window/list_hidden", self.list_pane.isHidden())
        self.settings.setValue("window/hints", not self.hint_bar.isHidden())
        self.settings.setValue("window/label_tags", self.text.label_tags_on())
        self.save_session()
        self.settings.sync()

    def save_session(self) -> None:
        """Where the annotator is: the open article, its current item and list."""
        session = session_of(self.controller)
        if session is not None:
            save_session(self.settings, session)

    def start(self) -> None:
        """Reopen the article that was open last, on the same item and list; else the
        first unfinished article."""
        path = self.controller.store.path
        saved = load_session(self.settings, project_key(path)) if path is not None else None
        if not reopen(self.controller, saved):
            self.controller.start()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        self.save_state()
        self.event_keys.popup.close()
        self.done_prompt.popup.close()
        self.label_picker.close()
        self.import_jobs.stop()
        self.search_jobs.stop()
        self.model_loop.stop()
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
