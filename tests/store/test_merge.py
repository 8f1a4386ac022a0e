"""annotator merge / split: work brought together by content, order-independent,
idempotent, clashes reported, logs still replaying, safe against a kill."""

from __future__ import annotations

import hashlib
import itertools
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core import commands as cmd
from annotator.core.models import Argument, Event, ParsedDoc, Span
from annotator.store import Store
from annotator.store.audit import check
from annotator.store.errors import NotAProjectError
from annotator.store.merge import canonical, merge_file, split

TEXTS = [
    "Tokayev met Mirziyoyev in Astana on Monday.",
    "Japarov visited Dushanbe and met Rahmon.",
    "The Eurasian Bank lent $1 billion to Kyrgyzstan.",
    "Mirziyoyev spoke by telephone with Tokayev.",
]


def _base(path: Path) -> Path:
    with Store(path) as s:
        s.add_docs(
            [
                ParsedDoc(t, lang="en", source=f"{i}.txt", spans=[Span(0, 7, "PERSON")])
                for i, t in enumerate(TEXTS)
            ]
        )
    return path


def _work(path: Path, who: str, variant: int = 0) -> None:
    """Annotate like the window: accept, add, an event with arguments, undo, done."""
    with Store(path) as s:
        for aid in (1, 2, 3):
            (sugg, _), *_ = s.suggestions(aid, who)
            s.apply(
                aid,
                who,
                cmd.Command(
                    "accept",
                    (cmd.set_suggestion(sugg.id, "pending", "accepted"), cmd.add_span(sugg.span)),
                ),
            )  # noqa: E501
            extra = Span(12, 22, "PERSON" if variant == 0 else "ORG")
            did = s.apply(aid, who, cmd.Command("add", (cmd.add_span(extra),)))
            if aid == 2:
                s.apply(aid, who, cmd.Command("undo", ()), undo_of=did)
                continue
            ev = Event(
                Span(8, 11, "Meet"),
                (Argument("Participant", sugg.span), Argument("Participant", extra)),
                uid=f"ev-{aid}" if who in ("alice", "bob") else f"{who}-{aid}",
            )  # noqa: E501
            s.apply(aid, who, cmd.Command("add_event", (cmd.add_event(ev),)))
            if aid == 1:
                s.apply(aid, who, cmd.Command("done", (cmd.set_status("in_progress", "done"),)))


def _project(tmp: Path, name: str, *workers: tuple[str, int]) -> Path:
    path = _base(tmp / name)
    for who, variant in workers:
        _work(path, who, variant)
    return path


@pytest.fixture
def files(tmp_path):
    alice = _project(tmp_path, "alice.db", ("alice", 0))
    bob = _project(tmp_path, "bob.db", ("bob", 1))
    carol = _project(tmp_path, "carol.db", ("carol", 0))
    merged = tmp_path / "merged.db"
    with Store(merged) as m:
        merge_file(m, alice)
        merge_file(m, carol)
    return alice, bob, merged


def _merge_all(target: Path, inputs) -> list:
    with Store(target) as t:
        results = [merge_file(t, p) for p in inputs]
        assert check(t) == []
        return results


def _dump(path: Path) -> dict:
    with Store(path) as s:
        return canonical(s.db)


def test_merge_three_files_in_every_order_give_the_same_project(tmp_path, files):
    dumps = []
    for i, order in enumerate(itertools.permutations(files)):
        target = tmp_path / f"team{i}.db"
        results = _merge_all(target, order)
        assert not any(r.clashes or r.problems for r in results)
        dumps.append(_dump(target))
    assert all(d == dumps[0] for d in dumps[1:])
    team = dumps[0]
    assert len(team["articles"]) == 4 and len(team["suggestions"]) == 4
    whos = {k.split(":")[1] for k in team["pairs"]}
    assert whos == {"alice", "bob", "carol"}


def test_merge_again_changes_nothing(tmp_path, files):
    target = tmp_path / "team.db"
    _merge_all(target, files)
    before = _dump(target)
    with Store(target) as t:
        n = t.db.execute("SELECT count(*) FROM decisions").fetchone()[0]
    again = _merge_all(target, files)
    assert all(r.added == r.extended == 0 and not r.clashes for r in again)
    assert _dump(target) == before
    with Store(target) as t:
        assert t.db.execute("SELECT count(*) FROM decisions").fetchone()[0] == n


def test_merge_keeps_gold_events_states_status_and_undo(tmp_path, files):
    alice, _, _ = files
    target = tmp_path / "team.db"
    _merge_all(target, files)
    with Store(alice) as a, Store(target) as t:
        for aid in (1, 2, 3):
            h = a.get_article(aid).content_hash
            (tid,) = [
                r[0] for r in t.db.execute("SELECT id FROM articles WHERE content_hash=?", [h])
            ]
            assert t.gold_spans(tid, "alice") == a.gold_spans(aid, "alice")
            assert t.gold_events(tid, "alice") == a.gold_events(aid, "alice")
            assert t.status(tid, "alice") == a.status(aid, "alice")
            assert [(s.span, st) for s, st in t.suggestions(tid, "alice")] == [
                (s.span, st) for s, st in a.suggestions(aid, "alice")
            ]
        # undo works on merged history: the last decision of article 3 (the event) undone
        tid = t.db.execute(
            "SELECT id FROM articles WHERE content_hash=?", [a.get_article(3).content_hash]
        ).fetchone()[0]
        last = t.decisions(tid, "alice")[-1]
        t.apply(tid, "alice", cmd.Command("undo", ()), undo_of=last.id)
        assert t.gold_events(tid, "alice") == []
        assert check(t) == []


def test_merge_a_name_clash_is_reported_and_the_rest_goes_on(tmp_path, files):
    alice, _, _ = files
    other = _project(tmp_path, "other.db", ("alice", 1), ("dave", 0))
    target = tmp_path / "team.db"
    with Store(target) as t:
        merge_file(t, alice)
        before = canonical(t.db)
        result = merge_file(t, other)
        assert len(result.clashes) == 2 and "'alice'" in result.clashes[0]
        # article 2: the differing span was undone, the gold is the same: no clash
        assert result.same_gold == 1
        # named as a user finds them: the id in this project and the title
        titles = dict(t.db.execute("SELECT id, title FROM articles"))
        for line in result.clashes:
            aid = int(line.split()[1])
            assert line.startswith(f"article {aid} “{titles[aid][:47]}")
        after = canonical(t.db)
        alice_pairs = {k: v for k, v in after["pairs"].items() if k.endswith(":alice")}
        assert alice_pairs == {k: v for k, v in before["pairs"].items() if k.endswith(":alice")}
        assert any(k.endswith(":dave") for k in after["pairs"])
        renamed = merge_file(t, other, rename={"alice": "alice2"})
        assert renamed.clashes == [] and renamed.added == 3
        assert check(t) == []
    with pytest.raises(ValueError, match="already has an annotator 'dave'"):
        with Store(target) as t:
            merge_file(t, other, rename={"alice": "dave"})


def test_merge_newer_work_extends_older_work_in_either_order(tmp_path, files):
    alice, _, _ = files
    newer = tmp_path / "alice2.db"
    shutil.copy(alice, newer)
    with Store(newer) as s:
        s.apply(2, "alice", cmd.Command("done", (cmd.set_status("in_progress", "done"),)))
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    r1 = _merge_all(one, [alice, newer])
    r2 = _merge_all(two, [newer, alice])
    assert r1[1].extended == 1 and r2[1].older == 1
    assert _dump(one) == _dump(two)


def test_merge_event_uids_stay_unique_across_annotators(tmp_path, files):
    alice, bob, _ = files  # both used uids ev-1, ev-3
    target = tmp_path / "team.db"
    results = _merge_all(target, [alice, bob])
    assert results[1].rekeyed_uids == 2
    with Store(target) as t:
        uids = [r[0] for r in t.db.execute("SELECT uid FROM gold_events")]
        assert len(uids) == len(set(uids)) == 4
        assert len(t.gold_events(1, "bob")) == 1


def test_merge_split_out_work_and_merge_it_back(tmp_path, files):
    target = tmp_path / "team.db"
    _merge_all(target, files)
    out = tmp_path / "bob-out.db"
    with Store(out) as o:
        split(target, o, "bob", all_articles=True)
        assert check(o) == [] and o.annotators() == ["bob"]
        assert o.count_articles() == 4
        o.apply(3, "bob", cmd.Command("done", (cmd.set_status("in_progress", "done"),)))
    with Store(target) as t:
        (result,) = [merge_file(t, out)]
        assert result.extended == 1 and result.clashes == []
        tid = t.db.execute(
            "SELECT id FROM articles WHERE content_hash=?",
            [hashlib.sha256(TEXTS[2].encode()).hexdigest()],
        ).fetchone()[0]
        assert t.status(tid, "bob") == "done"
        assert check(t) == []


def test_merge_bad_inputs_are_refused_and_left_untouched(tmp_path, files):
    alice, _, _ = files
    target = tmp_path / "team.db"
    text = tmp_path / "notes.db"
    text.write_text("not a database at all")
    empty = tmp_path / "empty.db"
    empty.touch()
    with Store(target) as t:
        with pytest.raises(NotAProjectError):
            merge_file(t, text)
        with pytest.raises(NotAProjectError):
            merge_file(t, empty)
        with pytest.raises(ValueError, match="target itself"):
            merge_file(t, target)
        with pytest.raises(FileNotFoundError):
            merge_file(t, tmp_path / "missing.db")
    assert text.read_text() == "not a database at all" and empty.stat().st_size == 0


def test_merge_an_older_project_is_upgraded_in_a_copy_not_in_place(tmp_path):
    v3 = tmp_path / "v3.db"
    shutil.copy(Path(__file__).parent / "fixtures" / "project_v3.db", v3)
    digest = hashlib.sha256(v3.read_bytes()).hexdigest()
    target = tmp_path / "team.db"
    with Store(target) as t:
        result = merge_file(t, v3)
        assert result.added == 2 and check(t) == []
        assert [e.uid for e in t.gold_events(1, "alice")] == ["meet-alice"]
    assert hashlib.sha256(v3.read_bytes()).hexdigest() == digest
    assert not list(tmp_path.glob("v3.db.*"))


KILLER = """
import sys
from annotator.store import Store
from annotator.store.merge import merge_file
with Store(sys.argv[1]) as t:
    for p in sys.argv[2:]:
        merge_file(t, p, progress=lambda d, n: print(d, flush=True))
"""


def _big(path: Path, n: int, who: str) -> Path:
    with Store(path) as s:
        s.add_docs(
            [
                ParsedDoc(
                    f"Article {i}: Tokayev met Japarov.", lang="en", spans=[Span(0, 7, "MISC")]
                )
                for i in range(n)
            ]
        )
        for aid in range(1, n + 1):
            s.apply(aid, who, cmd.Command("add", (cmd.add_span(Span(12, 19, "PERSON")),)))
    return path


def test_merge_killed_midway_and_run_again_gives_the_whole_merge(tmp_path):
    one = _big(tmp_path / "one.db", 1200, "alice")
    two = _big(tmp_path / "two.db", 1200, "bob")
    target = tmp_path / "team.db"
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLER, str(target), str(one), str(two)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert proc.stdout is not None
    for _ in range(3):  # a few batches in, then the plug is pulled
        proc.stdout.readline()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with Store(target) as t:
        assert 0 < t.count_articles() < 2400
        assert check(t) == []  # whole articles only
    _merge_all(target, [one, two])
    clean = tmp_path / "clean.db"
    _merge_all(clean, [one, two])
    assert _dump(target) == _dump(clean)


def test_merge_keeps_the_richer_metadata_of_one_text_in_either_order(tmp_path):
    """The same text imported as a reference-format article (date, time, captions, tags)
    in one file and from JSONL (no date) in another: the merge keeps the date and every
    meta key, whichever file comes first (a new-user trial lost them)."""
    text = "Tokayev met Putin in Astana on Monday."
    meta = {"tags": ["politics"], "captions": ["a photo"]}
    rich = ParsedDoc(text, title="Talks", lang="en", date="2025-03-03", time="10:15",
                     source="001.txt", meta=meta)  # fmt: skip
    plain = ParsedDoc(text, title="Talks", lang="en", source="x.jsonl", meta={"source_line": 4})
    paths = []
    for name, doc in (("rich", rich), ("plain", plain)):
        path = tmp_path / f"{name}.db"
        with Store(path) as s:
            s.add_docs([doc])
        paths.append(path)
    results = []
    for order in (paths, paths[::-1]):
        into = tmp_path / f"into-{len(results)}.db"
        for path in order:
            _merge(into, path)
        with Store(into) as s:
            art = s.get_article(1)
            results.append((art.date, art.time, art.source, art.meta))
    assert results[0] == results[1]
    date, time, source, meta = results[0]
    assert (date, time, source) == ("2025-03-03", "10:15", "001.txt")
    assert meta["tags"] == ["politics"] and meta["captions"] == ["a photo"]
    assert meta["source_line"] == 4


def _merge(into: Path, path: Path) -> None:
    from click.testing import CliRunner

    from annotator.cli.main import cli

    res = CliRunner().invoke(cli, ["merge", str(path), "--into", str(into)])
    assert res.exit_code == 0, res.output
