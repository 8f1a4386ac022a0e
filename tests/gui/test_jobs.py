"""Import and search run in worker threads over their own connections; the window stays live."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from annotator.core.models import ParsedDoc
from annotator.gui import jobs
from annotator.gui.jobs import JobHost, import_job, search_job
from annotator.store import Store


def _files(folder, n):
    folder.mkdir()
    for i in range(n):
        (folder / f"{i:03}.txt").write_text(
            f"Article {i}\n\nTokayev spoke about grain exports number {i}.\n", encoding="utf-8"
        )
    return folder


@pytest.fixture
def project(db_path):
    s = Store(db_path)
    s.add_docs([ParsedDoc(text="Old news\n\nNothing here.", title="Old news", lang="en")])
    yield s
    s.close()


def test_jobs_import_runs_off_the_gui_thread_on_its_own_connection(
    make_window, project, tmp_path, qtbot, monkeypatch
):
    seen = {}
    real = jobs.import_paths

    def slow_import(store, paths, **kwargs):
        seen["thread"] = threading.get_ident()
        seen["store"] = store
        time.sleep(0.4)  # long enough for the GUI thread to show it is not blocked
        return real(store, paths, **kwargs)

    monkeypatch.setattr(jobs, "import_paths", slow_import)
    window = make_window(project, "me", worker=False)
    ticks = []
    timer = QTimer(window, interval=20)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    folder = _files(tmp_path / "in", 40)
    with qtbot.waitSignal(window.import_finished, timeout=20_000) as finished:
        window.import_paths([str(folder)])
        assert window.import_bar.isVisible()
        QTest.keyClick(window.text, Qt.Key.Key_N)  # keys still work meanwhile
    timer.stop()
    summary = finished.args[0]
    assert summary.imported == 40 and summary.failed == 0
    assert seen["thread"] != threading.get_ident()
    assert seen["store"] is not project and seen["store"].db.conn is not project.db.conn
    assert len(ticks) >= 8  # ~20 ticks in 0.4 s: the event loop kept running
    assert project.count_articles() == 41
    assert window.list_model.rowCount() == 41  # the list was refreshed
    assert "40 articles imported" in window.statusBar().currentMessage()
    assert not window.import_bar.isVisible()
    assert window.import_bar.maximum() == 40 and window.import_bar.value() == 40
    window.close()
    assert not window.import_jobs.thread.isRunning()
    assert not window.search_jobs.thread.isRunning()


def test_jobs_import_errors_are_listed_without_blocking(make_window, project, tmp_path, qtbot):
    window = make_window(project, "me", worker=False)
    good = tmp_path / "good.txt"
    good.write_text("A title\n\nSome body text about Astana.\n", encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok"}\n{not json\n', encoding="utf-8")
    with qtbot.waitSignal(window.import_finished, timeout=20_000) as finished:
        window.import_paths([str(good), str(bad), str(tmp_path / "missing.txt")])
    assert finished.args[0].failed == 2
    box = window.findChild(QMessageBox, "importErrors")
    assert box is not None and box.isVisible()
    assert "bad.jsonl:2" in box.text() and "missing.txt" in box.text()
    box.close()


def test_jobs_a_second_import_waits_for_the_first(make_window, project, tmp_path, qtbot):
    window = make_window(project, "me", worker=False)
    folder = _files(tmp_path / "in", 5)
    with qtbot.waitSignal(window.import_finished, timeout=20_000):
        window.import_paths([str(folder)])
        window.import_paths([str(folder)])
        assert "An import is running" in window.statusBar().currentMessage()
    assert project.count_articles() == 6


def test_jobs_search_indexes_in_the_worker_and_says_so(
    make_window, project, tmp_path, qtbot, monkeypatch
):
    threads = []
    real = Store.update_search_index

    def watched(self):
        threads.append(threading.get_ident())
        return real(self)

    monkeypatch.setattr(Store, "update_search_index", watched)
    project.add_docs([ParsedDoc(text="Grain\n\nWheat exports grew.", title="Grain", lang="en")])
    window = make_window(project, "me", worker=False)
    pane = window.list_pane
    QTest.keyClick(window.text, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(pane.search, "wheat")
    with qtbot.waitSignal(pane.search_finished, timeout=10_000) as found:
        QTest.keyClick(pane.search, Qt.Key.Key_Return)
        assert pane.busy_note.isVisible() and pane.busy_note.text() == "indexing…"
    assert found.args == [1]
    assert window.controller.article.id == 2
    assert not pane.busy_note.isVisible()
    assert threads and threading.get_ident() not in threads
    searched = len(threads)
    pane.status_box.setCurrentIndex(1)  # another filter: the hits are reused, no new search
    assert len(threads) == searched
    assert [pane.model.article_id(r) for r in range(pane.model.rowCount())] == [2]


def test_jobs_host_reports_failures_and_cancels(qtbot, db_path):
    Store(db_path).close()
    host = JobHost("test-jobs")
    results = []
    try:

        def broken(store, progress, cancelled):
            raise ValueError("no such table: nothing")

        host.submit(Store(db_path), broken, done=results.append, failed=results.append)
        qtbot.waitUntil(lambda: results == ["no such table: nothing"], timeout=5_000)
        started = threading.Event()

        def endless(store, progress, cancelled):
            started.set()
            for i in range(10_000):
                time.sleep(0.01)
                progress(i, 10_000)

        host.submit(Store(db_path), endless, done=results.append, failed=results.append)
        assert started.wait(5)
    finally:
        host.stop()  # cancels the running job and waits for the thread
    assert not host.thread.isRunning()


def test_jobs_run_at_once_for_an_in_memory_project(store):
    store.add_docs([ParsedDoc(text="Wheat\n\nWheat grew.", title="Wheat", lang="en")])
    host = JobHost("test-jobs")
    got = []
    try:
        host.submit(store, search_job("wheat"), done=got.append, failed=got.append)
        assert got[0].ids == [1] and got[0].indexed == 1
        host.submit(store, import_job([], "me"), done=got.append, failed=got.append)
        assert got[1].imported == 0
    finally:
        host.stop()


def test_jobs_a_store_failure_is_reported_as_what_it_is(qtbot, db_path):
    Store(db_path).close()
    host = JobHost("test-jobs")
    results = []

    def read_only_import(store, progress, cancelled):
        store.db.execute("PRAGMA query_only=1")  # a real "attempt to write a readonly database"
        return store.add_docs([ParsedDoc(text="Wheat\n\nWheat grew.", title="Wheat", lang="en")])

    try:
        host.submit(Store(db_path), read_only_import, done=results.append, failed=results.append)
        qtbot.waitUntil(lambda: bool(results), timeout=5_000)
    finally:
        host.stop()
    assert results == ["the project file (or its folder) is read-only"]


def test_jobs_every_import_error_can_be_read_beyond_the_first_ones(
    make_window, project, tmp_path, qtbot
):
    """The box lists the first errors and "… and N more"; Show Details holds every line, to
    read or copy (the rest could not be seen at all)."""
    window = make_window(project, "me", worker=False)
    missing = [str(tmp_path / f"missing-{i:02}.txt") for i in range(20)]
    with qtbot.waitSignal(window.import_finished, timeout=20_000) as finished:
        window.import_paths(missing)
    assert finished.args[0].failed == 20
    box = window.findChild(QMessageBox, "importErrors")
    assert "and 8 more" in box.text() and "missing-19.txt" not in box.text()
    details = box.detailedText().splitlines()
    assert len(details) == 20 and "missing-19.txt" in details[-1]
    box.close()
