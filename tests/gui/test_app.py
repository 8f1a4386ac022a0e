"""Starting the window: first-start import, preferences, projects, the gui command."""

from __future__ import annotations

import json

from click.testing import CliRunner

from annotator.cli import gui_cmd as gui_module
from annotator.gui import project
from annotator.gui.app import labels_for
from annotator.gui.prefs import Preferences
from annotator.store import Store


def test_app_first_start_imports_the_bundled_corpus(store):
    summary = project.import_samples(store)
    assert summary.failed == 0
    assert store.count_articles() == len(project.sample_files()) >= 30
    assert store.search("Tokayev")  # indexed for Ctrl+F at once


def test_app_preferences_round_trip_and_bad_files(tmp_path):
    path = tmp_path / "cfg" / "preferences.json"
    assert Preferences.load(path).annotator == ""
    prefs = Preferences(annotator="aigerim", path=path)
    prefs.save()
    assert json.loads(path.read_text())["annotator"] == "aigerim"
    assert Preferences.load(path).annotator == "aigerim"
    path.write_text("{not json")
    assert Preferences.load(path).annotator == ""


def test_app_bad_label_file_falls_back_with_a_reason(tmp_path):
    bad = tmp_path / "labels.json"
    bad.write_text("[]")
    labels, problem = labels_for(Preferences(labels_file=str(bad)))
    assert "PERSON" in labels.names
    assert problem.startswith(str(bad))


def test_app_open_project_switches_the_window(make_window, store, tmp_path, qtbot):
    window = make_window(store, worker=False)
    other = Store(tmp_path / "other.db")
    project.import_samples(other)
    other.close()
    window.open_project(tmp_path / "other.db")
    c = window.controller
    assert c.store.path == tmp_path / "other.db"
    assert c.article is not None and window.list_model.rowCount() >= 30
    assert window.list_pane.lang_box.count() >= 3  # all + en, kk, ru


def test_app_import_paths_fills_an_empty_project(make_window, store, tmp_path, monkeypatch):
    window = make_window(store, worker=False)
    src = tmp_path / "in.txt"
    src.write_text("A title\n\nSome body text about Astana.\n", encoding="utf-8")
    window.import_paths([str(src)])
    assert store.count_articles() == 1
    assert window.controller.article.title == "A title"
    assert "1 article imported" in window.statusBar().currentMessage()


def test_app_gui_command_opens_the_store_and_passes_the_annotator(monkeypatch, tmp_path):
    seen = {}

    def fake_run(store, **kwargs):
        seen.update(kwargs, path=store.path)
        store.close()
        return 0

    monkeypatch.setattr("annotator.gui.app.run", fake_run)
    db = tmp_path / "p.db"
    result = CliRunner().invoke(gui_module.gui_cmd, ["--db", str(db), "--annotator", "bo"])
    assert result.exit_code == 0, result.output
    assert seen["path"] == db and seen["annotator"] == "bo" and seen["samples"] is False
    result = CliRunner().invoke(gui_module.gui_cmd, ["--db", str(db), "--samples"])
    assert seen["samples"] is True and seen["default_annotator"]


def test_app_gui_command_reports_a_broken_project_in_one_line(tmp_path):
    bad = tmp_path / "broken.db"
    bad.write_bytes(b"this is not sqlite at all" * 100)
    result = CliRunner().invoke(gui_module.gui_cmd, ["--db", str(bad)])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "broken.db" in result.output


def test_app_gui_command_refuses_the_adjudicators_name(tmp_path):
    result = CliRunner().invoke(gui_module.gui_cmd, ["--db", str(tmp_path / "p.db"),
                                                     "--annotator", "gold"])  # fmt: skip
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert "adjudicated version" in result.output and not (tmp_path / "p.db").exists()


def _open_error(window):
    from PySide6.QtWidgets import QMessageBox

    (box,) = [b for b in window.findChildren(QMessageBox, "openError") if b.isVisible()]
    text = box.text()
    box.close()
    return text


def test_app_open_a_file_that_is_not_a_project_says_so_and_keeps_the_open_one(
    make_window, store, tmp_path
):
    import sqlite3

    window = make_window(store, worker=False)
    bad = tmp_path / "notes.db"
    bad.write_bytes(b"this is not sqlite at all" * 100)
    foreign = tmp_path / "places.sqlite"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE places(name TEXT)")
    conn.close()
    for path in (bad, foreign):
        window.open_project(path)  # must not block the window or crash
        text = _open_error(window)
        assert text.startswith(f"{path.name}: not an annotator project") and "\n" not in text
        assert window.controller.store is store
    window.new_project(bad)
    assert _open_error(window).startswith("notes.db: not an annotator project")
    assert "New project" not in window.statusBar().currentMessage()
    assert window.controller.store is store


def test_app_open_a_project_of_a_newer_annotator_says_so(make_window, store, tmp_path):
    import sqlite3

    newer = tmp_path / "newer.db"
    Store(newer).close()  # a project (marked as one), then as a newer annotator leaves it
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    window = make_window(store, worker=False)
    window.open_project(newer)
    text = _open_error(window)
    assert text.startswith("newer.db: ") and "newer" in text[len("newer.db: ") :]
    assert "\n" not in text
    assert window.controller.store is store
