"""Long store work off the GUI thread: importing files, building the search index.

A :class:`JobHost` owns one ``QThread``; each job is a plain function
``work(store, progress, cancelled)`` run there over its OWN :class:`Store` connection to
the same project file (SQLite's WAL lets it write while the window reads; the window's
connection never leaves the GUI thread). Results, progress and failures come back by
signal, so the window only touches widgets on its own thread. An in-memory project (tests)
has no file a second connection could open: its jobs run at once on the caller's thread.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from annotator.store import Store
from annotator.store.errors import StoreError, describe
from annotator.workflows.importing import ImportSummary, import_paths

Progress = Callable[[int, int], None]
Work = Callable[[Store, Progress, Callable[[], bool]], Any]
PROGRESS_EVERY = 0.1  # seconds between progress signals: a 100k-file import sends ~few hundred


class Cancelled(Exception):
    """Raised inside a job when the window asked it to stop."""


class StoreJob(QObject):
    """One piece of work; lives in the host's thread while it runs."""

    progressed = Signal(int, int)  # done, total
    finished = Signal(object)  # the work's result
    failed = Signal(str)  # one line
    _start = Signal()

    def __init__(self, db_path: Path | None, work: Work, store: Store | None = None) -> None:
        super().__init__()
        self.db_path = db_path
        self.work = work
        self._store = store  # only for in-memory projects, used on the caller's thread
        self._cancel = threading.Event()
        self._last = 0.0
        self._start.connect(self.run)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def progress(self, done: int, total: int) -> None:
        if self.cancelled:
            raise Cancelled
        now = time.monotonic()
        if now - self._last >= PROGRESS_EVERY or done >= total:
            self._last = now
            self.progressed.emit(done, total)

    @Slot()
    def run(self) -> None:
        try:
            store = self._store or Store(self.db_path)
        except Exception as exc:  # the file vanished, no permission
            self.failed.emit(f"{self.db_path}: {_one_line(exc)}")
            return
        try:
            result = self.work(store, self.progress, lambda: self.cancelled)
        except Cancelled:
            self.failed.emit("cancelled")
        except Exception as exc:  # reported as one line; the window carries on
            self.failed.emit(_one_line(exc))
        else:
            self.finished.emit(result)
        finally:
            if self._store is None:
                store.close()


class _Relay(QObject):
    """Lives on the GUI thread: the job's signals reach the caller's callbacks here, so
    they run on the GUI thread whatever thread the job emitted from."""

    def __init__(
        self,
        host: JobHost,
        job: StoreJob,
        done: Callable[[Any], None],
        failed: Callable[[str], None],
        progress: Progress | None,
    ) -> None:
        super().__init__(host)
        self.host, self.job = host, job
        self.done, self.fail, self.progress = done, failed, progress

    @Slot(object)
    def on_finished(self, result: object) -> None:
        self.host.forget(self)
        self.done(result)

    @Slot(str)
    def on_failed(self, reason: str) -> None:
        self.host.forget(self)
        self.fail(reason)

    @Slot(int, int)
    def on_progressed(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)


class JobHost(QObject):
    """Runs jobs one after another in its own thread."""

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thread = QThread()
        self.thread.setObjectName(name)
        self.thread.start()
        self._relays: list[_Relay] = []
        self._ended: list[_Relay] = []  # finished jobs, freed after the thread (see forget)

    @property
    def busy(self) -> bool:
        return bool(self._relays)

    def submit(
        self,
        store: Store,
        work: Work,
        *,
        done: Callable[[Any], None],
        failed: Callable[[str], None],
        progress: Progress | None = None,
    ) -> StoreJob:
        """Run ``work`` over a connection of its own to ``store``'s file."""
        job = StoreJob(store.path, work, store if store.path is None else None)
        relay = _Relay(self, job, done, failed, progress)
        job.finished.connect(relay.on_finished)
        job.failed.connect(relay.on_failed)
        job.progressed.connect(relay.on_progressed)
        self._relays.append(relay)
        if store.path is None:
            job.run()  # nothing else could open an in-memory database
        else:
            job.moveToThread(self.thread)
            job._start.emit()  # queued: runs in the thread
        return job

    def forget(self, relay: _Relay) -> None:
        if relay in self._relays:
            self._relays.remove(relay)
            # Kept, not deleted: a job lives in the worker thread, and freeing it from here
            # (deleteLater in its thread racing Python dropping its last reference on this
            # one) crashed the event loop now and then. They go once the thread has ended.
            self._ended.append(relay)

    def stop(self) -> None:
        """Cancel what is queued or running, wait for the thread to end (idempotent)."""
        for relay in self._relays:
            relay.job.cancel()
        if self.thread.isRunning():
            self.thread.quit()
            self.thread.wait()
        self._relays.clear()
        self._ended.clear()  # the thread is gone: nothing can touch the jobs any more


# -- the jobs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchResult:
    query: str
    ids: list[int]
    indexed: int  # articles added to the index first


def import_job(paths: Sequence[str | Path], annotator: str) -> Work:
    """Import files (counted first, for the progress bar); returns the ImportSummary."""

    def work(store: Store, progress: Progress, cancelled: Callable[[], bool]) -> ImportSummary:
        total, done = 0, 0

        def on_total(n: int) -> None:
            nonlocal total
            total = n
            progress(0, total)

        def on_file(_path: Path) -> None:
            nonlocal done
            done += 1
            progress(done, total)

        return import_paths(
            store,
            list(paths),
            annotator=annotator,
            on_file=on_file,
            should_stop=cancelled,
            on_total=on_total,
        )

    return work


def search_job(query: str) -> Work:
    """Bring the full-text index up to date (the slow part, once), then search."""

    def work(store: Store, progress: Progress, cancelled: Callable[[], bool]) -> SearchResult:
        progress(0, 1)
        indexed = store.update_search_index()
        progress(1, 1)
        return SearchResult(query, store.search(query), indexed)

    return work


def _one_line(exc: BaseException) -> str:
    """What went wrong, as the user should read it: read-only, disk full, locked…"""
    if isinstance(exc, sqlite3.Error | StoreError):
        return describe(exc)
    return str(exc) or type(exc).__name__
