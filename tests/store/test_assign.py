"""Assignments (schema v4): each article to N annotators, balanced and deterministic;
each annotator's queue; a v3 project opens and upgrades with its gold intact."""

from __future__ import annotations

import shutil
import sqlite3
from collections import Counter
from itertools import combinations
from pathlib import Path

import pytest

from annotator.core import commands as cmd
from annotator.core.models import ParsedDoc, Span
from annotator.store import Store, schema
from annotator.store.audit import check
from annotator.store.browse import next_assigned, queue
from annotator.store.team import assign, assigned_counts, assignments

# made by the code of schema v3 with fixtures/make_project_v3.py (see there)
V3 = Path(__file__).parent / "fixtures" / "project_v3.db"


def _docs(n: int) -> list[ParsedDoc]:
    return [ParsedDoc(f"Article number {i} about Astana.", lang="en") for i in range(n)]


def test_assign_v3_project_upgrades_to_assignments_with_gold_intact(tmp_path):
    path = tmp_path / "v3.db"
    shutil.copy(V3, path)
    conn = sqlite3.connect(path)
    before = conn.execute("SELECT * FROM decisions ORDER BY id").fetchall()
    conn.close()
    with Store(path) as store:
        assert schema.user_version(store.db) == schema.VERSION >= 4
        assert store.backup_path == tmp_path / "v3.db.v3.bak"
        assert store.migration_notes == []
        assert check(store) == []
        assert len(store.gold_spans(1, "alice")) == 3 and store.status(1, "bob") == "done"
        assert [e.uid for e in store.gold_events(1, "alice")] == ["meet-alice"]
        assert assignments(store) == {}
        assign(store, ["alice", "bob"], overlap=2)
        assert assignments(store) == {1: ["alice", "bob"], 2: ["alice", "bob"]}
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT * FROM decisions ORDER BY id").fetchall() == before
    conn.close()


def test_assign_is_balanced_over_annotators_and_pairs(store):
    store.add_docs(_docs(60))
    result = assign(store, ["c", "a", "b", "d"], overlap=2)
    assert result.articles == 60 and result.rows == 120
    table = assignments(store)
    assert all(len(who) == 2 for who in table.values())
    load = Counter(w for who in table.values() for w in who)
    assert set(load.values()) == {30}
    pairs = Counter(tuple(who) for who in table.values())
    assert set(pairs) == set(combinations("abcd", 2)) and set(pairs.values()) == {10}


def test_assign_is_deterministic_by_content_hash_whatever_the_import_order(tmp_path):
    docs = _docs(25)
    one, two = Store(tmp_path / "one.db"), Store(tmp_path / "two.db")
    one.add_docs(docs)
    two.add_docs(list(reversed(docs)))
    assign(one, ["a", "b", "c"], overlap=2)
    assign(two, ["b", "c", "a"], overlap=2)
    by_hash = lambda s: {  # noqa: E731
        s.get_article(aid).content_hash: who for aid, who in assignments(s).items()
    }
    assert by_hash(one) == by_hash(two)
    one.close()
    two.close()


def test_assign_again_keeps_what_was_assigned_and_adds_new_articles(store):
    store.add_docs(_docs(9))
    assign(store, ["a", "b", "c"], overlap=2)
    first = assignments(store)
    again = assign(store, ["a", "b", "c"], overlap=2)
    assert again.articles == 0 and assignments(store) == first
    store.add_docs([ParsedDoc("A tenth article.", lang="en")])
    assert assign(store, ["a", "b", "c"], overlap=2).articles == 1
    assert {k: v for k, v in assignments(store).items() if k in first} == first
    assert sum(assigned_counts(store).values()) == 20


@pytest.mark.parametrize(
    ("names", "overlap", "message"),
    [
        ([], 1, "no annotators"),
        (["a", "b"], 3, "overlap 3"),
        (["a", "a"], 1, "twice"),
        (["a", ""], 1, "empty"),
        (["a"], 0, "overlap 0"),
    ],
)
def test_assign_refuses_bad_options_and_writes_nothing(store, names, overlap, message):
    store.add_docs(_docs(3))
    with pytest.raises(ValueError, match=message):
        assign(store, names, overlap=overlap)
    assert assignments(store) == {}


def test_assign_queue_is_the_unfinished_assigned_articles_in_order(store):
    store.add_docs(_docs(6))
    assign(store, ["a", "b", "c"], overlap=2)
    mine = queue(store, "a")
    assert mine == sorted(aid for aid, who in assignments(store).items() if "a" in who)
    first, second = mine[0], mine[1]
    assert next_assigned(store, "a") == first
    store.apply(first, "a", cmd.Command("add", (cmd.add_span(Span(0, 7, "ORG")),)))
    assert next_assigned(store, "a") == first  # in progress is unfinished
    store.apply(first, "a", cmd.Command("done", (cmd.set_status("in_progress", "done"),)))
    assert next_assigned(store, "a") == second and first not in queue(store, "a")
    assert next_assigned(store, "a", after=mine[-1]) == second  # wraps round
    assert next_assigned(store, "nobody") is None and queue(store, "nobody") == []
