"""``annotator export`` is all or nothing: a failure or a killed process never leaves half an
export at ``--out``; with ``--force`` the old export stays until the new one is complete."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import annotator.cli.export_cmd as export_cmd
from annotator.cli.main import cli
from annotator.core.models import Argument, Event, ParsedDoc, Span
from annotator.io import export_common
from annotator.io.export_common import PARTIAL, recover_killed
from annotator.io.tokens import BATCH
from annotator.store import Store

TEMPLATE = "{name} met Shavkat Mirziyoyev in Astana on day {i}. "
FILLER = "The talks went well. "
# (format, --split or None, what --out is)
CASES = [
    ("jsonl", None),
    ("conll", None),
    ("jsonl", "0.5,0.5"),
    ("conll", "0.5,0.5"),
    ("spacy", None),
    ("spacy", "0.5,0.5"),
    ("brat", None),
    ("brat", "0.5,0.5"),
]


FAIL_AT = 2 * BATCH + 10


def _docs(n: int, last_label: str = "GPE", filler: int = 1) -> list[ParsedDoc]:
    docs = []
    for i in range(n):
        name = f"Tokayev{i}"
        text = TEMPLATE.format(name=name, i=i) + FILLER * filler
        astana = text.index("Astana")
        label = last_label if i == n - 1 else "GPE"
        spans = [Span(0, len(name), "PERSON"), Span(astana, astana + 6, label)]
        met = text.index(" met") + 1
        event = Event(Span(met, met + 3, "Meet"), (Argument("Participant", spans[0]),))
        docs.append(ParsedDoc(text, title=f"t{i}", lang="en", spans=spans, events=[event]))
    return docs


def _db(tmp_path: Path, docs: list[ParsedDoc]) -> str:
    path = tmp_path / "p.db"
    with Store(path) as store:
        store.add_docs(docs, as_gold=True, annotator="ann")
    return str(path)


def _args(fmt: str, split: str | None, out: Path, db: str) -> list[str]:
    return ["export", "--format", fmt, "--out", str(out), "--db", db] + (
        ["--split", split] if split else []
    )


def _snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root`` (or ``root`` itself) with a hash of its bytes."""
    if root.is_file():
        return {".": hashlib.sha256(root.read_bytes()).hexdigest()}
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _old_export(
    tmp_path: Path, fmt: str, split: str | None, n: int = 12
) -> tuple[Path, dict[str, str]]:
    """A complete earlier export of ``n`` articles at ``tmp_path/out``."""
    out = tmp_path / "out"
    res = CliRunner().invoke(cli, _args(fmt, split, out, _db(tmp_path / "old", _docs(n))))
    assert res.exit_code == 0, res.output
    return out, _snapshot(out)


def _leftovers(parent: Path, out: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{out.name}"))


def _fail_later(monkeypatch, error: OSError) -> None:
    """Make the export fail with ``error`` after it has written a first part: the
    one-process writers (brat, suggestions) after ``FAIL_AT`` documents, the chunked ones
    (JSONL, CoNLL, spaCy: workers read their own chunks) after two chunks of 40."""
    real_assign, real_chunks = export_cmd.assign, export_cmd.chunk_outputs

    def assign_then_fail(docs, ratios, seed):
        for n, item in enumerate(real_assign(docs, ratios, seed)):
            if n == FAIL_AT:  # after the writer has written a first batch
                raise error
            yield item

    def chunks_then_fail(*args, **kwargs):
        for n, pieces in enumerate(real_chunks(*args, **kwargs)):
            if n == 2:  # two chunks are written (or in the writer's hands)
                raise error
            yield pieces

    monkeypatch.setattr(export_common, "CHUNK", 40)
    monkeypatch.setattr(export_cmd, "assign", assign_then_fail)
    monkeypatch.setattr(export_cmd, "chunk_outputs", chunks_then_fail)


@pytest.mark.parametrize(("fmt", "split"), CASES)
def test_export_atomic_failure_on_a_later_doc_keeps_the_old_output(
    tmp_path, monkeypatch, fmt, split
):
    (tmp_path / "old").mkdir()
    out, before = _old_export(tmp_path, fmt, split)
    _fail_later(monkeypatch, OSError(28, "No space left on device"))
    db = _db(tmp_path, _docs(FAIL_AT + 20))
    res = CliRunner().invoke(cli, [*_args(fmt, split, out, db), "--force"])
    assert res.exit_code == 1 and "No space left on device" in res.stderr
    assert _snapshot(out) == before
    assert _leftovers(tmp_path, out) == []


@pytest.mark.parametrize(("fmt", "split"), CASES)
def test_export_atomic_failure_without_an_old_output_leaves_nothing(
    tmp_path, monkeypatch, fmt, split
):
    _fail_later(monkeypatch, OSError(5, "Input/output error"))
    out = tmp_path / "new" / "out"
    res = CliRunner().invoke(cli, _args(fmt, split, out, _db(tmp_path, _docs(FAIL_AT + 20))))
    assert res.exit_code == 1 and "Input/output error" in res.stderr
    assert not out.exists() and _leftovers(out.parent, out) == []


@pytest.mark.parametrize("fmt", ["jsonl", "conll", "spacy", "brat"])
def test_export_atomic_force_replaces_the_whole_old_folder_when_complete(tmp_path, fmt):
    (tmp_path / "old").mkdir()
    out, _ = _old_export(tmp_path, fmt, "0.4,0.3,0.3", n=12)  # train, dev and test
    db = _db(tmp_path, _docs(9))
    res = CliRunner().invoke(cli, [*_args(fmt, "0.5,0.5", out, db), "--force"])
    assert res.exit_code == 0, res.output
    fresh = tmp_path / "fresh"
    assert CliRunner().invoke(cli, _args(fmt, "0.5,0.5", fresh, db)).exit_code == 0
    after, expected = _snapshot(out), _snapshot(fresh)
    if fmt == "spacy":  # config.cfg names its own folder
        assert after.pop("config.cfg") != expected.pop("config.cfg")
        config = (out / "config.cfg").read_text(encoding="utf-8")
        assert f'train = "{(out / "train.spacy").resolve()}"' in config
    assert after == expected  # nothing of the old export (its test split) is left
    assert _leftovers(tmp_path, out) == []
    for line in res.stdout.splitlines():  # the paths it names are the final ones
        if line.startswith("wrote "):
            assert Path(line.rsplit(" ", 1)[-1]).exists(), line


def test_export_atomic_unsafe_brat_label_in_the_last_article_writes_nothing(tmp_path):
    out = tmp_path / "brat"
    db = _db(tmp_path, _docs(55, last_label="[events]"))
    res = CliRunner().invoke(cli, _args("brat", None, out, db))
    assert res.exit_code == 1
    (line,) = res.stderr.splitlines()
    assert "'[events]'" in line and "article 55" in line
    assert not out.exists() and _leftovers(tmp_path, out) == []


def test_export_atomic_force_refuses_a_folder_holding_other_files(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_bytes(b"precious")
    res = CliRunner().invoke(cli, [*_args("brat", None, out, _db(tmp_path, _docs(3))), "--force"])
    assert res.exit_code == 1 and "thesis.docx" in res.stderr
    assert (out / "thesis.docx").read_bytes() == b"precious"


def _changed(parent: Path, out: Path, before: dict[str, str]) -> bool:
    """Has the export started writing (a partial folder, or a changed target)?"""
    partial = [p for p in parent.iterdir() if p.name.startswith(f".{out.name}")]
    if any(f.is_file() and f.stat().st_size for p in partial for f in p.rglob("*")):
        return True
    try:
        return _snapshot(out) != before if out.exists() else bool(before)
    except OSError:
        return True


@pytest.mark.parametrize(("fmt", "split"), [("jsonl", None), ("brat", "0.5,0.5")])
def test_export_atomic_sigkill_mid_write_leaves_the_old_output(tmp_path, fmt, split):
    (tmp_path / "old").mkdir()
    out, before = _old_export(tmp_path, fmt, split)
    db = _db(tmp_path, _docs(6000, filler=20))
    script = "from annotator.cli.main import main; main()"
    args = [sys.executable, "-c", script, *_args(fmt, split, out, db), "--force"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not _changed(tmp_path, out, before):
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "the export never started writing"
            time.sleep(0.005)
        workers = _children(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the export ended before it was killed"
    assert _snapshot(out) == before
    # its worker processes end with it (they slept for ever, each holding its memory)
    deadline = time.monotonic() + 10
    while (alive := [pid for pid in workers if _alive(pid)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in alive:  # not left behind by a failing run
        os.kill(pid, signal.SIGKILL)
    assert alive == [], f"export workers outlived the killed export: {alive}"


def _children(pid: int) -> list[int]:
    """The processes ``pid`` started (from /proc: their parent is ``pid``)."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_export_atomic_errors_name_the_out_folder_not_the_temporary_one(tmp_path):
    out = tmp_path / "sp"
    res = CliRunner().invoke(cli, _args("spacy", "0.98,0.02", out, _db(tmp_path, _docs(3))))
    assert res.exit_code == 1 and not out.exists()
    assert (
        res.stderr == f"error: {out}: no documents fell in the dev split; spaCy needs both "
        "(export more articles or change --split)\n"
    )


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_export_atomic_next_export_cleans_up_after_a_killed_one(tmp_path):
    out = tmp_path / "brat"
    # killed between moving the old export aside and moving the new one in
    tmp = tmp_path / f".brat{PARTIAL}{_dead_pid()}-abc"
    (tmp / "old").mkdir(parents=True)
    (tmp / "old" / "a.txt").write_text("the old export")
    (tmp / "brat").mkdir()  # the new export, half written
    running = tmp_path / f".brat{PARTIAL}{os.getpid()}-def"  # an export in progress now
    running.mkdir()
    assert recover_killed(out) == [tmp]
    assert (out / "a.txt").read_text() == "the old export"  # put back, not lost
    assert not tmp.exists() and running.exists()
    res = CliRunner().invoke(cli, _args("brat", None, out, _db(tmp_path, _docs(3))))
    assert res.exit_code == 1, res.output  # the restored export is not overwritten unasked
    assert "--force" in res.stderr and (out / "a.txt").exists()


def test_export_atomic_an_export_to_another_name_also_cleans_up_after_a_killed_one(tmp_path):
    """A killed export's temporary folder went only with the next export to that very name;
    an export to any name in the folder now cleans it up (and puts back what it had moved
    aside)."""
    out = tmp_path / "q4a.jsonl"
    out.write_text("the old export")
    tmp = tmp_path / f".q4a.jsonl{PARTIAL}{_dead_pid()}-abc"
    tmp.mkdir()
    os.rename(out, tmp / "old")  # killed after moving the old export aside
    (tmp / "q4a.jsonl").write_text("half of the new one")
    running = tmp_path / f".other.jsonl{PARTIAL}{os.getpid()}-def"  # in progress now
    running.mkdir()
    res = CliRunner().invoke(
        cli, _args("jsonl", None, tmp_path / "new.jsonl", _db(tmp_path, _docs(3)))
    )
    assert res.exit_code == 0, res.output
    assert not tmp.exists() and running.exists()
    assert out.read_text() == "the old export"  # put back, not lost
