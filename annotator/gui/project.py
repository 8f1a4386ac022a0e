"""Opening projects, the first-start corpus, and import errors as one-line messages."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from annotator.core.paths import datasets_dir
from annotator.store import Store
from annotator.store.errors import StoreError, describe
from annotator.workflows.importing import ImportSummary, import_paths

MAX_LISTED_ERRORS = 12
# a key in the window writes on the GUI thread: wait briefly for another process's write
# (an import batch, a suggest batch: well under a second), then say "locked", not freeze
WINDOW_LOCK_TIMEOUT = 2.0


def open_project(path: Path, parent: QWidget | None = None) -> Store | None:
    """Open (or create) a project file; tell the user in one line when it cannot be opened."""
    try:
        return Store(path, lock_timeout=WINDOW_LOCK_TIMEOUT)
    except Exception as exc:  # not a project, newer schema, read-only, no permission
        box = QMessageBox(
            QMessageBox.Icon.Warning, "Cannot open project", open_error(path, exc), parent=parent
        )
        box.setObjectName("openError")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # not blocking, like the import errors
        return None


def open_error(path: Path, exc: BaseException) -> str:
    """One line: which file, and what is wrong with it."""
    if isinstance(exc, StoreError | sqlite3.Error):
        return f"{path.name}: {describe(exc)}"
    if isinstance(exc, OSError):
        return f"{path.name}: {exc.strerror or exc}"
    return f"{path.name}: {exc}"


def is_read_only(store: Store) -> bool:
    """The project cannot be written: its file (or folder) is read-only, or the connection
    was opened read-only (``PRAGMA query_only``)."""
    if store.db.execute("PRAGMA query_only").fetchone()[0]:
        return True
    path = store.path
    if path is None:
        return False
    target = path if path.exists() else path.parent
    return not os.access(target, os.W_OK) or not os.access(path.parent, os.W_OK)


def sample_files() -> list[Path]:
    """The bundled corpus (the articles only, not its README)."""
    return sorted(datasets_dir().glob("*.txt"))


def import_samples(store: Store) -> ImportSummary:
    """First start: fill an empty project with the bundled corpus and index it for search."""
    summary = import_paths(store, sample_files(), fmt="article")
    store.update_search_index()
    return summary


def report_errors(parent: QWidget, summary: ImportSummary) -> QMessageBox | None:
    """List the files an import could not read (one line each), if any.

    The box is not modal-blocking: an import ends while the annotator works, and a dialog
    that stops the event loop would stop the window with it.
    """
    if not summary.errors:
        return None
    every = [str(e) for e in summary.errors]
    lines = every[:MAX_LISTED_ERRORS]
    more = len(every) - len(lines)
    if more:
        lines.append(f"… and {more} more (Show Details… lists them all, to read or copy)")
    box = QMessageBox(
        QMessageBox.Icon.Warning, "Some files were not imported", "\n".join(lines), parent=parent
    )
    if more:
        box.setDetailedText("\n".join(every))  # a scrollable, selectable list of every line
    box.setObjectName("importErrors")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
