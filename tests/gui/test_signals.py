"""SIGTERM and SIGHUP (logout, shutdown, kill) close the window as Ctrl+Q does: the
project closed, its -wal file checkpointed into the project file."""

from __future__ import annotations

import os
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.store import Store

ROOT = Path(__file__).resolve().parents[2]

# the window's process: a decision made through its own store (so it sits in the -wal
# file), then the window as `annotator gui` runs it; "ready" once the event loop runs
WINDOW = r"""
import sys
from pathlib import Path
from PySide6.QtCore import QSettings, QTimer
from annotator.core import commands as cmd
from annotator.core.models import Span
from annotator.gui.app import application, run
from annotator.store import Store

db, home = Path(sys.argv[1]), Path(sys.argv[2])
store = Store(db)
aid = store.db.execute("SELECT min(id) FROM articles").fetchone()[0]
for span in (Span(0, 7, "PERSON"), Span(12, 22, "PERSON"), Span(37, 43, "GPE")):
    store.apply_command(aid, "ann", cmd.Command("add_span", (cmd.add_span(span),)))
app = application()
QTimer.singleShot(0, lambda: print("ready", flush=True))
settings = QSettings(str(home / "settings.ini"), QSettings.Format.IniFormat)
sys.exit(run(store, annotator="ann", settings=settings, prefs_path=home / "prefs.json"))
"""


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX signals")
@pytest.mark.parametrize("signum", [signal.SIGTERM, getattr(signal, "SIGHUP", 1)])
def test_signals_close_the_window_and_checkpoint_the_project(tmp_path, sample_doc, signum):
    db = tmp_path / "t.db"
    with Store(db) as store:
        store.add_docs([sample_doc])
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", WINDOW, str(db), str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        started, _, _ = select.select([proc.stdout], [], [], 60)  # no hang if it never starts
        assert started and proc.stdout.readline().strip() == "ready", proc.poll()
        assert Path(f"{db}-wal").exists()  # the decisions are in the log, not yet the file
        proc.send_signal(signum)
        code = proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert code == 0, proc.stderr.read()
    copy = tmp_path / "copy.db"
    shutil.copyfile(db, copy)  # the project file alone, as a backup or a file copy takes it
    with sqlite3.connect(copy) as conn:
        decisions = conn.execute("SELECT count(*) FROM decisions").fetchone()[0]
    assert decisions == 3
    assert not Path(f"{db}-wal").exists()
