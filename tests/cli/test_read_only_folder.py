"""A project in a folder that cannot be written (a USB stick or share mounted read-only):
SQLite cannot make the -shm file a WAL project needs even to be read there. ``merge``
reads such an input when its changes are all in the file; every other command says why it
cannot open it (it said "missing folder or no permission" of a readable file: new-user
trial). Checked by hand on a real read-only bind mount; here the folder's write permission
is what the code asks ``os.access`` about."""

from __future__ import annotations

import os
import shutil
import sqlite3

from click.testing import CliRunner
from test_team_cmds import _file

from annotator.cli.main import cli
from annotator.store import Store, errors


def _read_only(monkeypatch, folder) -> None:
    real = os.access

    def access(path, mode, *args, **kwargs):
        if mode & os.W_OK and os.path.abspath(path) == os.path.abspath(folder):
            return False
        return real(path, mode, *args, **kwargs)

    monkeypatch.setattr(errors.os, "access", access)


def test_merge_reads_a_cleanly_closed_project_from_a_read_only_folder(tmp_path, monkeypatch):
    stick = tmp_path / "stick"
    stick.mkdir()
    alice = _file(stick / "alice.db", "alice")
    _read_only(monkeypatch, stick)
    res = CliRunner().invoke(cli, ["merge", str(alice), "--into", str(tmp_path / "team.db")])
    assert res.exit_code == 0, res.output
    assert "4 added" in res.output
    assert sorted(p.name for p in stick.iterdir()) == ["alice.db"]  # nothing written there
    with Store(tmp_path / "team.db") as s:
        assert s.annotators() == ["alice"] and len(s.gold_spans(1, "alice")) == 2


def test_merge_refuses_a_read_only_project_whose_changes_are_in_its_wal(tmp_path, monkeypatch):
    alice = _file(tmp_path / "alice.db", "alice")
    open_conn = sqlite3.connect(alice)  # a program that has not closed it yet
    open_conn.execute("PRAGMA wal_autocheckpoint=0")
    with open_conn:
        open_conn.execute("UPDATE articles SET title = 'changed' WHERE id = 1")
    stick = tmp_path / "stick"
    stick.mkdir()
    for name in ("alice.db", "alice.db-wal"):
        shutil.copy(tmp_path / name, stick / name)
    open_conn.close()
    assert (stick / "alice.db-wal").stat().st_size > 0
    _read_only(monkeypatch, stick)
    team = tmp_path / "team.db"
    res = CliRunner().invoke(cli, ["merge", str(stick / "alice.db"), "--into", str(team)])
    assert res.exit_code == 1
    assert "latest changes are still in alice.db-wal" in res.output
    assert "folder is read-only" in res.output and not team.exists()


def test_other_commands_say_the_folder_is_read_only(tmp_path, monkeypatch):
    stick = tmp_path / "stick"
    stick.mkdir()
    alice = _file(stick / "alice.db", "alice")
    _read_only(monkeypatch, stick)

    def unopenable(*args, **kwargs):  # what SQLite says there
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr("annotator.cli.common.Store", unopenable)
    res = CliRunner().invoke(cli, ["stats", "--db", str(alice)])
    assert res.exit_code == 1
    assert "its folder is read-only" in res.output and "annotator merge" in res.output
