"""team.versions_of reads many articles' versions in batches: exactly what versions()
gives article by article (spans, events with uids and arguments in order, status, partial
flag), and waiting_for_adjudication built on it finds what the per-article reading found."""

from __future__ import annotations

import random

from annotator.core import commands as cmd
from annotator.core.adjudication import compare
from annotator.core.models import PARTIAL, Argument, Event, ParsedDoc, Span
from annotator.store import team
from annotator.store.team import ADJUDICATOR, versions, versions_of, waiting_for_adjudication

WORDS = "Tokayev met Mirziyoyev in Astana and Tashkent on Monday".split()
WHO = ("alice", "bob", "carol", ADJUDICATOR)


def _project(store, rng: random.Random, n: int) -> None:
    texts = [" ".join(rng.choice(WORDS) for _ in range(30)) + f" {i}." for i in range(n)]
    store.add_docs([ParsedDoc(t, lang="en") for t in texts])
    for aid in range(1, n + 1):
        for who in WHO:
            if rng.random() < 0.3:
                continue
            starts = sorted(rng.sample(range(0, 120, 6), 5))
            spans = [Span(s, s + 5, rng.choice(("PERSON", "GPE"))) for s in starts]
            changes = [cmd.add_span(s) for s in spans]
            for t in range(rng.randint(0, 2)):  # events on the annotator's own entities
                args = tuple(Argument(r, s) for r, s in zip(("Participant", "Place"),
                                                              rng.sample(spans, 2)))  # fmt: skip
                changes.append(cmd.add_event(Event(Span(130 + 6 * t, 133 + 6 * t, "Meet"), args)))
            store.apply(aid, who, cmd.Command("import", tuple(changes)))
            if rng.random() < 0.7:
                flag = (None, PARTIAL) if rng.random() < 0.3 else None
                step = cmd.set_status("in_progress", "done", flag) if flag else cmd.set_status(
                    "in_progress", "done")  # fmt: skip
                store.apply(aid, who, cmd.Command("done", (step,)))


def test_team_versions_batch_equal_versions_article_by_article(store, monkeypatch):
    monkeypatch.setattr(team, "_BATCH", 7)  # several batches, one partly filled
    _project(store, random.Random(11), 20)
    wanted = {aid: ["alice", "bob", "carol", ADJUDICATOR, "nobody"][: 2 + aid % 4]
              for aid in range(1, 21)}  # fmt: skip
    got = versions_of(store, wanted)
    assert sorted(got) == list(range(1, 21))
    for aid, names in wanted.items():
        one = versions(store, aid, names)
        assert got[aid] == one
        for who in names:  # uids too (Event equality may leave them out)
            assert [e.uid for e in got[aid][who].events] == [e.uid for e in one[who].events]
    assert any(v.events for vs in got.values() for v in vs.values())
    assert any(v.partial for vs in got.values() for v in vs.values())


def test_team_versions_batch_waiting_for_adjudication_as_read_one_by_one(store, monkeypatch):
    monkeypatch.setattr(team, "_BATCH", 5)
    _project(store, random.Random(5), 24)
    expected = []
    for aid in range(1, 25):
        rows = store.db.execute(
            "SELECT annotator, status FROM article_status WHERE article_id = ?", [aid]
        ).fetchall()
        done = sorted(w for w, st in rows if st == "done" and w != ADJUDICATOR)
        started = any(w == ADJUDICATOR and st != "new" for w, st in rows)
        if len(done) >= 2 and not started and compare(versions(store, aid, done)).disagreements:
            expected.append(aid)
    assert len(expected) >= 3
    assert waiting_for_adjudication(store) == expected
    assert waiting_for_adjudication(store, limit=2) == expected[:2]
    waiting = team.team_stats(store, examples=3)["waiting_for_adjudication"]
    assert waiting == {"count": len(expected), "examples": expected[:3]}
