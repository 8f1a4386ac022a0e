"""The write path under real contention: other processes, SIGKILL, a held lock.

Every test here starts real processes (``tests/store/procs.py`` or the ``annotator``
command); threads would share one interpreter and hide what SQLite does across processes.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotator.core import commands as cmd
from annotator.core.models import ParsedDoc, Span
from annotator.store import Store
from annotator.store.audit import check
from annotator.store.errors import LockedError

PROCS = Path(__file__).with_name("procs.py")
TEXT = "Kazakhstan and Uzbekistan signed an agreement in Astana on Monday. " * 40


def _start(*args: object) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(PROCS), *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _project(path: Path, n: int = 1) -> list[int]:
    with Store(path) as store:
        docs = [ParsedDoc(text=f"Article {i}. {TEXT}", lang="en") for i in range(n)]
        return [r.article_id for r in store.add_docs(docs)]


def _saved(output: str) -> tuple[list[int], dict]:
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    ids = [x["saved"] for x in lines if "saved" in x]
    end = next((x for x in lines if x.get("finished")), {})
    return ids, end


def _sound(path: Path) -> None:
    with Store(path) as store:
        assert store.db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert check(store) == []


def _logged_ids(path: Path) -> set[int]:
    with Store(path) as store:
        return {r[0] for r in store.db.execute("SELECT id FROM decisions")}


def test_writing_waits_for_another_processes_write(db_path):
    (aid,) = _project(db_path)
    with Store(db_path) as store:  # opened first: the wait measured is the write's alone
        holder = _start("hold", db_path, 1.5)
        assert holder.stdout.readline() == "locked\n"
        t0 = time.monotonic()
        store.apply(aid, "a", cmd.Command("add", (cmd.add_span(Span(0, 10, "GPE")),)))
        waited = time.monotonic() - t0
        assert store.gold_spans(aid, "a") == [Span(0, 10, "GPE")]
    assert holder.wait(30) == 0
    assert waited > 0.3  # it waited for the lock instead of failing at once


def test_writing_gives_up_after_the_lock_timeout_and_changes_nothing(db_path):
    (aid,) = _project(db_path)
    holder = _start("hold", db_path, 3.0)
    assert holder.stdout.readline() == "locked\n"
    with Store(db_path, lock_timeout=0.3) as store:
        with pytest.raises(LockedError, match="locked by another program"):
            store.apply(aid, "a", cmd.Command("add", (cmd.add_span(Span(0, 10, "GPE")),)))
        assert store.gold_spans(aid, "a") == [] and store.decisions(aid, "a") == []
    assert holder.wait(30) == 0


@pytest.mark.slow
def test_writing_two_annotators_decide_at_once_without_a_refused_write(db_path):
    (aid,) = _project(db_path)
    procs = [_start("decide", db_path, aid, who, 150, seed) for who, seed in (("a", 1), ("b", 2))]
    results = [_saved(p.communicate(timeout=120)[0]) for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    for ids, end in results:
        assert end == {"finished": True, "conflicts": 0, "refused": 0}
        assert len(ids) == 150
    assert _logged_ids(db_path) == {i for ids, _ in results for i in ids}
    _sound(db_path)


@pytest.mark.slow
def test_writing_one_annotator_in_two_windows_gets_conflicts_not_losses(db_path):
    (aid,) = _project(db_path)
    go = db_path.with_name("go")
    procs = [_start("decide", db_path, aid, "a", 150, 1, "", go) for _ in range(2)]  # same keys
    firsts = [p.stdout.readline() for p in procs]  # both ready: they start together
    go.touch()
    results = [_saved(first + p.stdout.read()) for first, p in zip(firsts, procs)]
    for p in procs:
        p.wait(120)
    assert [p.returncode for p in procs] == [0, 0]
    assert all(end.get("refused") == 0 for _, end in results)
    saved = [i for ids, _ in results for i in ids]
    assert sum(end["conflicts"] for _, end in results) > 0  # same keys: they collide
    assert _logged_ids(db_path) == set(saved)  # every reported save is there, no other
    _sound(db_path)


@pytest.mark.slow
def test_writing_sigkill_at_random_points_loses_no_saved_decision(db_path):
    aids = _project(db_path, 2)
    rng = random.Random(7)
    reported: set[int] = set()
    for round_no in range(6):
        proc = _start("decide", db_path, aids[round_no % 2], "a", 100_000, round_no)
        first = proc.stdout.readline()  # started and saving (however loaded the machine is)
        time.sleep(rng.random() * 0.8)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
        # read through the same buffered reader as readline (communicate() reads the raw
        # pipe and would miss the lines readline had already buffered)
        ids, end = _saved(first + proc.stdout.read())
        assert ids and not end  # it was killed mid-run, after some saves
        reported.update(ids)
    logged = _logged_ids(db_path)
    assert reported <= logged
    assert len(logged - reported) <= 6  # at most the one in flight per kill
    _sound(db_path)


def _cli(*args: object) -> subprocess.Popen:
    annotator = Path(sys.executable).with_name("annotator")
    return subprocess.Popen(
        [str(annotator), *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


@pytest.mark.slow
def test_writing_two_imports_at_once_both_land(tmp_path, db_path):
    """Also creates the project from two processes at once (no file before)."""
    folders = []
    for name in ("one", "two"):
        folder = tmp_path / name
        folder.mkdir()
        for i in range(1200):
            (folder / f"{i:04}.txt").write_text(f"{name} article {i}\n\n{TEXT}", encoding="utf-8")
        folders.append(folder)
    procs = [_cli("import", folder, "--db", db_path) for folder in folders]
    outs = [p.communicate(timeout=300) for p in procs]
    for proc, (out, err) in zip(procs, outs):
        assert proc.returncode == 0, err
        assert "1200 articles imported" in out and "Traceback" not in err
    with Store(db_path) as store:
        assert store.count_articles() == 2400
    _sound(db_path)


@pytest.mark.slow
def test_writing_a_locked_project_is_one_line_in_the_cli(tmp_path, db_path):
    _project(db_path)
    text = tmp_path / "a.txt"
    text.write_text("A title\n\nSome body.", encoding="utf-8")
    holder = _start("hold", db_path, 8.0)
    assert holder.stdout.readline() == "locked\n"
    env = {**os.environ, "ANNOTATOR_LOCK_TIMEOUT": "0.5"}
    annotator = Path(sys.executable).with_name("annotator")
    res = subprocess.run(
        [str(annotator), "import", str(text), "--db", str(db_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    holder.kill()
    assert res.returncode == 1
    assert res.stderr.strip().splitlines() == [
        "error: the project is locked by another program writing to it (waited 0.5 s); try again"
    ]
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM articles").fetchone() == (1,)


@pytest.mark.slow
@pytest.mark.model
def test_writing_suggest_runs_while_an_annotator_decides(tmp_path, db_path, corpus_dir):
    """The real model's batch run and a decision loop on one project, at once."""
    res = _cli("import", corpus_dir, "--db", db_path)
    assert res.wait(120) == 0
    with Store(db_path) as store:
        aid = store.list_articles("a")[0].id
    suggest = _cli("suggest", "--db", db_path, "--batch-size", "4")
    stop = tmp_path / "stop"
    deciding = _start("decide", db_path, aid, "a", 1_000_000, 3, stop)
    out, err = suggest.communicate(timeout=300)
    stop.touch()
    ids, end = _saved(deciding.communicate(timeout=300)[0])
    assert suggest.returncode == 0, err
    assert "Traceback" not in err
    assert end == {"finished": True, "conflicts": 0, "refused": 0} and len(ids) > 100
    with Store(db_path) as store:
        runs = store.db.execute(
            "SELECT count(DISTINCT article_id), min(at), max(at) FROM suggestion_runs"
        )
        n, first_batch, last_batch = runs.fetchone()
        assert n == store.count_articles()
        decided = store.db.execute("SELECT min(at), max(at) FROM decisions").fetchone()
    assert decided[0] < last_batch and first_batch < decided[1]  # they did overlap
    assert _logged_ids(db_path) == set(ids)
    _sound(db_path)


def test_writing_a_shorter_lock_timeout_set_later_bounds_sqlites_own_wait(db_path):
    """The window opens with the CLI's store, then shortens the wait (GUI thread)."""
    (aid,) = _project(db_path)
    holder = _start("hold", db_path, 8.0)
    assert holder.stdout.readline() == "locked\n"
    with Store(db_path) as store:
        store.lock_timeout = 0.5
        t0 = time.monotonic()
        with pytest.raises(LockedError):
            store.apply(aid, "a", cmd.Command("add", (cmd.add_span(Span(0, 10, "GPE")),)))
        assert time.monotonic() - t0 < 3  # not SQLite's default 5 s busy wait
    holder.kill()
