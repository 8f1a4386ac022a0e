"""Exports whose workers read the gold themselves (``annotator.io.export_chunks``) stay
byte-identical to the golden hashes: a project file, small chunks so that every export runs
in worker processes, the token cache cold and then warm (the JSONL tokens' fragments kept
by the first export, read by the second), and with damaged or mismatched fragments."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from test_export_golden import GOLDEN, RUNS, _digests, _project

from annotator.cli.export_cmd import run_export
from annotator.io import export_common, token_cache
from annotator.io.token_cache import TokenCache, sidecar_path
from annotator.store import Store

ANNOTATOR = "ann"
GOLD_RUNS = {name: run for name, run in RUNS.items() if "suggestions" not in run[1]}


def _file_project(tmp_path: Path) -> Path:
    """The golden project, copied into a file (the workers open it by its path)."""
    store = _project()
    path = tmp_path / "project.db"
    target = sqlite3.connect(path)
    store.db.conn.backup(target)
    target.close()
    store.close()
    return path


def _export_all(path: Path, out: Path) -> dict[str, dict[str, str]]:
    found = {}
    with Store(path) as store:
        for name, (fmt, options) in GOLD_RUNS.items():
            options = {"annotator": ANNOTATOR, **options}
            report, _ = run_export(store, fmt, out / name, **options)
            found[name] = _digests(out / name)
            found[name]["report"] = "\n".join(report.loss_lines() + report.summary_lines())
    return found


def test_export_chunked_in_workers_byte_identical_cold_then_warm(tmp_path, monkeypatch):
    monkeypatch.setattr(export_common, "CHUNK", 16)  # many chunks: worker processes
    path = _file_project(tmp_path)
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    expected = {name: expected[name] for name in GOLD_RUNS}
    assert _export_all(path, tmp_path / "cold") == expected
    sidecar = sqlite3.connect(sidecar_path(path))
    kept = sidecar.execute("SELECT count(*), total(length) FROM fragments").fetchone()
    assert kept[0] > 100  # the first JSONL export kept the tokens' JSON of its articles
    assert _fragments(path).stat().st_size == kept[1]  # their bytes, appended once each
    # the warm export reads them (renders none): a rendering now would fail the export
    monkeypatch.setattr(TokenCache, "keep_fragments", _no_rendering)
    assert _export_all(path, tmp_path / "warm") == expected


def _no_rendering(self, kind, made):  # noqa: ANN001, ANN202
    if made:  # rendered, not read: keep_fragments would keep them
        raise AssertionError(f"{len(made)} kept fragments were rendered again")


def _fragments(project: Path) -> Path:
    return Path(f"{sidecar_path(project)}.fragments")


def test_export_chunked_damaged_or_foreign_fragments_are_not_read(tmp_path, monkeypatch):
    monkeypatch.setattr(export_common, "CHUNK", 16)
    path = _file_project(tmp_path)
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    with Store(path) as store:
        run_export(store, "jsonl", tmp_path / "first.jsonl", annotator=ANNOTATOR)
    sidecar = sqlite3.connect(sidecar_path(path), isolation_level=None)
    rows = sidecar.execute(
        "SELECT content_hash, offset, length, crc FROM fragments ORDER BY offset"
    ).fetchall()
    damaged, foreign, other = rows[0], rows[1], rows[2]
    # a changed byte in the file, and a whole, well-formed fragment of another text put
    # under this one's key with its CRC (which covers the other text's tokens, not these)
    data = bytearray(_fragments(path).read_bytes())
    at = data.index(b'"id": 1,', damaged[1])
    assert at < damaged[1] + damaged[2]
    data[at + 7] = ord("7")
    _fragments(path).write_bytes(bytes(data))
    sidecar.execute(
        "UPDATE fragments SET (offset, length, crc) = (?, ?, ?) WHERE content_hash = ?",
        [*other[1:], foreign[0]],
    )
    sidecar.close()
    with Store(path) as store:
        run_export(store, "jsonl", tmp_path / "again.jsonl", annotator=ANNOTATOR)
    assert _digests(tmp_path / "again.jsonl") == {"again.jsonl": expected["jsonl"]["jsonl"]}


@pytest.mark.parametrize("harm", ["deleted", "cut short", "replaced"])
def test_export_chunked_fragments_file_lost_cut_or_replaced_renders_again(
    tmp_path, monkeypatch, harm
):
    """The fragments file is only trusted through its CRCs: deleted, cut short (a power cut
    lost its end) or replaced by other bytes, the export renders what fails and stays
    byte-identical; the next export keeps new fragments that read back."""
    monkeypatch.setattr(export_common, "CHUNK", 16)
    path = _file_project(tmp_path)
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))["jsonl"]["jsonl"]
    with Store(path) as store:
        run_export(store, "jsonl", tmp_path / "first.jsonl", annotator=ANNOTATOR)
        fragments = _fragments(path)
        size = fragments.stat().st_size
        if harm == "deleted":
            fragments.unlink()
        elif harm == "cut short":
            os.truncate(fragments, size // 2)
        else:
            fragments.unlink()
            fragments.write_bytes(bytes(reversed(Path(tmp_path / "first.jsonl").read_bytes())))
        # the same process (the window exports again), then a new one
        run_export(store, "jsonl", tmp_path / "again.jsonl", annotator=ANNOTATOR)
        assert _digests(tmp_path / "again.jsonl") == {"again.jsonl": expected}
    monkeypatch.setattr(TokenCache, "keep_fragments", _no_rendering)
    with Store(path) as store:
        run_export(store, "jsonl", tmp_path / "third.jsonl", annotator=ANNOTATOR)
    assert _digests(tmp_path / "third.jsonl") == {"third.jsonl": expected}


def test_export_chunked_fragments_file_restarts_when_mostly_unreferred(tmp_path, monkeypatch):
    """Fragments no index row refers to (another tokenizer's, rendered again) are never
    removed one by one: once they are most of a large file, the next export that keeps
    fragments starts the file afresh."""
    monkeypatch.setattr(export_common, "CHUNK", 16)
    path = _file_project(tmp_path)
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))["jsonl"]["jsonl"]
    with Store(path) as store:
        run_export(store, "jsonl", tmp_path / "first.jsonl", annotator=ANNOTATOR)
    live = _fragments(path).stat().st_size
    with _fragments(path).open("ab") as f:
        f.write(b"x" * (3 * live))  # dead bytes: no row refers to them
    monkeypatch.setattr(token_cache, "FRAGMENTS_RESTART", live)
    sidecar = sqlite3.connect(sidecar_path(path), isolation_level=None)
    sidecar.execute(
        "DELETE FROM fragments WHERE content_hash IN "
        "(SELECT content_hash FROM fragments ORDER BY offset LIMIT 3)"
    )
    sidecar.close()
    with Store(path) as store:  # three fragments to keep: the file starts afresh
        run_export(store, "jsonl", tmp_path / "again.jsonl", annotator=ANNOTATOR)
    assert _digests(tmp_path / "again.jsonl") == {"again.jsonl": expected}
    assert _fragments(path).stat().st_size < live  # only the three new ones
    with Store(path) as store:  # everything rendered again once, then read
        run_export(store, "jsonl", tmp_path / "third.jsonl", annotator=ANNOTATOR)
        monkeypatch.setattr(TokenCache, "keep_fragments", _no_rendering)
        run_export(store, "jsonl", tmp_path / "fourth.jsonl", annotator=ANNOTATOR)
    assert _digests(tmp_path / "fourth.jsonl") == {"fourth.jsonl": expected}


def test_tokenizer_version_remembered_per_installation(tmp_path, monkeypatch):
    """The version is computed once per installation fingerprint and read back from the
    sidecar; another fingerprint (an upgrade, a new plugin) computes it again."""
    monkeypatch.setattr(token_cache, "_REMEMBERED", {})  # nothing remembered in this process
    cache = TokenCache(tmp_path / "p.db.tokens")
    real = token_cache.tokenizer_version("en")
    assert cache.version("en") == real
    conn = sqlite3.connect(tmp_path / "p.db.tokens")
    (installed,) = conn.execute(
        "SELECT installation FROM remembered WHERE lang = 'en' AND name = 'version'"
    ).fetchone()
    assert installed == token_cache.installation("en")
    # a remembered answer is what is read back (here a planted one, to see it is read)
    conn.execute("UPDATE remembered SET value = 'planted' WHERE lang = 'en' AND name = 'version'")
    conn.commit()
    monkeypatch.setattr(token_cache, "_REMEMBERED", {})
    assert TokenCache(tmp_path / "p.db.tokens").version("en") == "planted"
    # another installation: the planted answer is not read, the version is computed
    monkeypatch.setattr(token_cache, "installation", lambda lang: "another installation")
    monkeypatch.setattr(token_cache, "_REMEMBERED", {})
    assert TokenCache(tmp_path / "p.db.tokens").version("en") == real


def test_installation_fingerprint_changes_with_spacy_files(tmp_path, monkeypatch):
    """A file of spaCy's language data that changes (size or time) changes the
    fingerprint, as a new installed distribution does."""
    import importlib.util

    before = token_cache.installation.__wrapped__("en")
    root = Path(importlib.util.find_spec("spacy").origin).parent
    lang_file = root / "lang" / "en" / "__init__.py"
    real_stat = Path.stat

    class Touched:  # the file as it is after an edit: one second newer
        def __init__(self, st):
            self.st_mode, self.st_size = st.st_mode, st.st_size
            self.st_mtime_ns = st.st_mtime_ns + 10**9

    def changed(self, *args, **kwargs):
        st = real_stat(self, *args, **kwargs)
        return Touched(st) if self == lang_file else st

    monkeypatch.setattr(Path, "stat", changed)
    assert token_cache.installation.__wrapped__("en") != before
    monkeypatch.undo()
    plugin = tmp_path / "site"
    (plugin / "spacy_lang_plugin-1.0.dist-info").mkdir(parents=True)
    monkeypatch.setattr(sys, "path", [*sys.path, str(plugin)])
    assert token_cache.installation.__wrapped__("en") != before


@pytest.mark.parametrize("fmt", ["jsonl", "conll"])
def test_export_of_cached_tokens_imports_no_spacy(tmp_path, fmt):
    """A second JSONL or CoNLL export (tokens and their JSON cached, the tokenizer version
    and the sentencizer's characters remembered) does not import spaCy (the first one
    does: it tokenizes)."""
    path = _file_project(tmp_path)
    script = f"""
import sys
from pathlib import Path
from annotator.io import export_common
export_common.CHUNK = 16
from annotator.cli.export_cmd import run_export
from annotator.store import Store
with Store({str(path)!r}) as store:
    run_export(store, {fmt!r}, Path(sys.argv[1]), annotator={ANNOTATOR!r})
print("spacy" in sys.modules)
"""
    runs = [
        subprocess.run(
            [sys.executable, "-c", script, str(tmp_path / f"out{i}")],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()[-1]
        for i in range(2)
    ]
    assert runs == ["True", "False"]  # the first tokenizes; the second reads the cache
    first = (tmp_path / "out0").read_bytes()
    assert first == (tmp_path / "out1").read_bytes()


def test_the_parent_checkpoints_the_token_cache_between_chunks(tmp_path, monkeypatch):
    """The export's parent process copies the token cache's log into its file between the
    workers' chunks (every chunk here: CHECKPOINT_BYTES 0), and the exports stay
    byte-identical, cold and warm."""
    monkeypatch.setattr(export_common, "CHUNK", 16)
    monkeypatch.setattr(token_cache, "CHECKPOINT_BYTES", 0)
    calls: list[int] = []
    real = TokenCache.checkpoint

    def counted(self: TokenCache, at_least: int | None = None) -> None:
        calls.append(os.getpid())
        real(self, at_least)

    monkeypatch.setattr(TokenCache, "checkpoint", counted)
    path = _file_project(tmp_path)
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    for run in ("cold", "warm"):
        with Store(path) as store:
            run_export(store, "jsonl", tmp_path / f"{run}.jsonl", annotator=ANNOTATOR)
        assert _digests(tmp_path / f"{run}.jsonl") == {f"{run}.jsonl": expected["jsonl"]["jsonl"]}
    with Store(path) as store:
        chunks = -(-store.count_articles() // export_common.CHUNK)
    assert len(calls) >= 2 * (chunks - 1) and set(calls) == {os.getpid()}


def test_checkpoint_copies_the_log_once_it_is_large_enough(tmp_path):
    sidecar = tmp_path / "p.db.tokens"
    cache = TokenCache(sidecar)
    conn = cache._connect()
    assert conn is not None
    conn.execute("PRAGMA wal_autocheckpoint=0")  # only checkpoint() copies
    tokens = token_cache.Tokens(list(range(0, 4000, 2)), list(range(1, 4001, 2)), b"\0" * 2000)
    cache._write([((f"{i:064x}", "en", "x" * 4001), tokens) for i in range(200)])
    before = sidecar.stat().st_size
    log = Path(f"{sidecar}-wal").stat().st_size
    assert log > 1_000_000  # the rows are in the log, not yet in the file
    cache.checkpoint(at_least=log + 1)
    assert sidecar.stat().st_size == before
    cache.checkpoint(at_least=log)
    assert sidecar.stat().st_size > before + 1_000_000
    cache.close()
    cache = TokenCache(sidecar)  # an unreadable log is no error: nothing happens
    cache.path = tmp_path / "nowhere" / "p.db.tokens"
    cache.checkpoint(at_least=0)


CONCURRENT = r"""
import sys
from pathlib import Path
from annotator.cli.export_cmd import run_export
from annotator.io import export_common
from annotator.store import Store
export_common.CHUNK = 16
with Store(sys.argv[1]) as store:
    run_export(store, "jsonl", Path(sys.argv[2]), annotator="ann")
"""


def test_export_chunked_two_first_exports_at_once_keep_fragments_that_read_back(
    tmp_path, monkeypatch
):
    """Two processes exporting a project for the first time at once both append to the
    fragments file: both exports are byte-identical, and every fragment the index names
    reads back whole (a third export renders none)."""
    monkeypatch.setattr(export_common, "CHUNK", 16)
    path = _file_project(tmp_path)
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))["jsonl"]["jsonl"]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CONCURRENT, str(path), str(tmp_path / f"{n}.jsonl")]
        )
        for n in ("one", "two")
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    for n in ("one", "two"):
        assert _digests(tmp_path / f"{n}.jsonl") == {f"{n}.jsonl": expected}
    monkeypatch.setattr(TokenCache, "keep_fragments", _no_rendering)
    with Store(path) as store:
        run_export(store, "jsonl", tmp_path / "third.jsonl", annotator=ANNOTATOR)
    assert _digests(tmp_path / "third.jsonl") == {"third.jsonl": expected}


def test_export_chunked_a_busy_sidecar_when_the_fragments_file_restarts_costs_only_speed(
    tmp_path, monkeypatch
):
    """Starting the fragments file afresh needs the sidecar's write lock: another process
    holding it made the export fail, naming the project as locked (review finding). Now
    the export is written; only the keeping of fragments waits for another time."""
    path = _file_project(tmp_path)
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))["jsonl"]["jsonl"]
    with Store(path) as store:
        run_export(store, "jsonl", tmp_path / "first.jsonl", annotator=ANNOTATOR)
    sidecar = sqlite3.connect(sidecar_path(path), isolation_level=None)
    sidecar.execute("DELETE FROM fragments")  # all of the file unreferred: a restart is due
    monkeypatch.setattr(token_cache, "FRAGMENTS_RESTART", 1)
    sidecar.execute("BEGIN IMMEDIATE")  # another writer holds the sidecar
    try:
        with Store(path) as store:
            run_export(store, "jsonl", tmp_path / "again.jsonl", annotator=ANNOTATOR)
    finally:
        sidecar.execute("ROLLBACK")
        sidecar.close()
    assert _digests(tmp_path / "again.jsonl") == {"again.jsonl": expected}
