"""Putting the window together: application, style, labels, worker, controller, window."""

from __future__ import annotations

import gc
import sqlite3
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from annotator.core.labels import LabelSet
from annotator.core.paths import resources_dir
from annotator.core.schema import EventSchema
from annotator.gui import project
from annotator.gui.controller import Controller
from annotator.gui.prefs import Preferences, read_labels, read_schema
from annotator.gui.signals import SignalQuitter
from annotator.gui.window import MainWindow
from annotator.gui.worker import Service, Tokenizer, WorkerHost, default_service, spacy_tokenizer
from annotator.store import Store
from annotator.store.errors import StoreError, describe

ORG = APP = "annotator"


def application(argv: list[str] | None = None) -> QApplication:
    """The QApplication, created and styled once."""
    app = QApplication.instance()
    if app is not None and app.property("annotator_styled"):
        return app  # type: ignore[return-value]
    app = app or QApplication(argv if argv is not None else sys.argv[:1])
    app.setProperty("annotator_styled", True)
    app.setOrganizationName(ORG)
    app.setApplicationName(APP)
    app.setStyle("Fusion")  # the same look on every desktop; the sheet refines it
    app.setStyleSheet(stylesheet())
    return app  # type: ignore[return-value]


def stylesheet() -> str:
    path = resources_dir() / "style.qss"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def labels_for(prefs: Preferences) -> tuple[LabelSet, str | None]:
    """The preferred label set, or the bundled one and a one-line reason."""
    return read_labels(prefs.labels_file)


def schema_for(prefs: Preferences) -> tuple[EventSchema, str | None]:
    """The preferred event schema, or the bundled one and the first reason it is not."""
    return read_schema(prefs.schema_file)


def create_window(
    store: Store,
    annotator: str,
    *,
    settings: QSettings,
    prefs: Preferences,
    service_factory: Callable[[], Service] | None = default_service,
    tokenizer_factory: Callable[[str], Tokenizer] = spacy_tokenizer,
) -> MainWindow:
    """The window over an open store; ``service_factory=None`` runs without a worker."""
    labels, problem = labels_for(prefs)
    schema, schema_problem = schema_for(prefs)
    worker = None
    if service_factory is default_service and prefs.schema_file and not schema_problem:
        # the window's worker suggests events under the schema the annotator works with
        service_factory = partial(default_service, Path(prefs.schema_file))
    if service_factory is not None:
        worker = WorkerHost(service_factory, tokenizer_factory)
    controller = Controller(store, annotator, labels, worker, schema=schema)
    window = MainWindow(controller, labels, settings, prefs)
    worker and worker.setParent(window)
    if problem:
        controller.message.emit(f"Using the bundled labels: {problem}")
    if schema_problem:
        controller.message.emit(f"Using the bundled event schema: {schema_problem}")
    return window


def run(
    store: Store,
    *,
    annotator: str = "",
    default_annotator: str = "annotator",
    samples: bool = False,
    settings: QSettings | None = None,
    prefs_path: Path | None = None,
) -> int:
    """Open the window on an open project and run until it closes; return the exit code.

    The annotator is ``annotator``, else the preferences' name, else ``default_annotator``
    (the OS user, passed in by the command line).
    """
    app = application()
    prefs = Preferences.load(prefs_path)
    problem = None
    if samples and store.count_articles() == 0:
        try:
            project.import_samples(store)
        except (sqlite3.Error, StoreError) as exc:  # e.g. a read-only project: still open it
            problem = f"The sample articles were not imported: {describe(exc)}"
    window = create_window(
        store,
        annotator or prefs.annotator or default_annotator,
        settings=settings or QSettings(ORG, APP),
        prefs=prefs,
    )
    window.start()  # the article and item open when the window last closed, if any
    if problem:
        window.statusBar().showMessage(problem, 15000)
    window.show()
    # the objects made so far live as long as the window: keep them out of the garbage
    # collector's full passes (one such pass cost 150-400 ms, in about one switch in 20)
    gc.freeze()
    # logout, shutdown, kill: close as Ctrl+Q does (else the last decisions stay in -wal)
    quitter = SignalQuitter(lambda _signum: quit_app(app))
    try:
        return app.exec()
    finally:
        quitter.restore()
        window.controller.store.close()


def quit_app(app: QApplication) -> None:
    """Close every window (each saves its state and stops its workers), then end the
    event loop, also one a dialog runs."""
    app.closeAllWindows()
    app.quit()
