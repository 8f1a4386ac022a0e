"""Opening projects and importing into them from the window (errors as one-line messages)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

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


def import_with_feedback(
    parent: QWidget, store: Store, paths: Sequence[str | Path], annotator: str
) -> str:
    """Import with a busy cursor; list the files that failed; return the summary line."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        summary = import_paths(store, list(paths), annotator=annotator)
        store.update_search_index()
    finally:
        QApplication.restoreOverrideCursor()
    if summary.errors:
        lines = [str(e) for e in summary.errors[:MAX_LISTED_ERRORS]]
        more = len(summary.errors) - len(lines)
        if more:
            lines.append(f"… and {more} more")
        QMessageBox.warning(parent, "Some files were not imported", "\n".join(lines))
    return summary.line()
