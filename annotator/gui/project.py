"""Opening projects, the first-start corpus, and import errors as one-line messages."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from annotator.core.paths import datasets_dir
from annotator.store import Store
from annotator.workflows.importing import ImportSummary, import_paths

MAX_LISTED_ERRORS = 12


def open_project(path: Path, parent: QWidget | None = None) -> Store | None:
    """Open (or create) a project file; tell the user in one line when it cannot be opened."""
    try:
        return Store(path)
    except Exception as exc:  # not SQLite, newer schema, no permission
        QMessageBox.warning(parent, "Cannot open project", f"{path}: {exc}")
        return None


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
    lines = [str(e) for e in summary.errors[:MAX_LISTED_ERRORS]]
    more = len(summary.errors) - len(lines)
    if more:
        lines.append(f"… and {more} more")
    box = QMessageBox(
        QMessageBox.Icon.Warning, "Some files were not imported", "\n".join(lines), parent=parent
    )
    box.setObjectName("importErrors")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
