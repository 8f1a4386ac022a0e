"""The suggestion counts the store keeps for ``stats`` (schema migration 6) always equal a
full recount: after a v5 project's upgrade, imports, model runs and re-runs (rows deleted),
decisions and their undo, a merge, plain SQL from another program, and a killed writer."""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from annotator.core import commands as cmd
from annotator.core.models import ParsedDoc, Span, Suggestion
from annotator.store import Store, schema
from annotator.store.merge import merge_file
from annotator.store.stats import project_stats, suggestion_counts

V5 = Path(__file__).parent / "fixtures" / "project_v5.db"
RECOUNT = "SELECT kind, label, count(*) FROM suggestions GROUP BY 1, 2 ORDER BY 1, 2"


def _recount(store: Store) -> list[tuple]:
    return [tuple(r) for r in store.db.execute(RECOUNT)]


def _kept(store: Store) -> list[tuple]:
    """The kept table alone (what the triggers maintain), after stats caught it up."""
    rows = store.db.execute(
        "SELECT kind, label, n FROM suggestion_counts WHERE n > 0 ORDER BY 1, 2"
    )
    return [tuple(r) for r in rows]


def _exact(store: Store) -> None:
    assert suggestion_counts(store) == _recount(store)
    assert _kept(store) == _recount(store)
    top = store.db.execute("SELECT coalesce(max(id), 0) FROM suggestions").fetchone()[0]
    assert store.db.execute("SELECT upto FROM suggestion_counts_upto").fetchone()[0] == top


def _doc(text: str, spans: list[Span]) -> ParsedDoc:
    return ParsedDoc(text, lang="en", source=f"{text[:10]}.txt", spans=spans)


def test_suggestion_counts_v5_project_upgrades_and_counts_what_it_had(tmp_path):
    path = tmp_path / "v5.db"
    shutil.copy(V5, path)
    with Store(path) as store:
        assert schema.user_version(store.db) == schema.VERSION == 8
        before = _recount(store)
        assert ("entity", "LOC", 1) in before and len(before) == 4
        assert store.db.execute("SELECT count(*) FROM suggestion_counts").fetchone()[0] == 0
        _exact(store)
        stats = project_stats(store)
        assert stats["suggestions"] == {"entity": {"GPE": 3, "LOC": 1, "ORDINAL": 1, "PERSON": 2}}
        assert store.suggestions(1, "alice")[0][1] == "accepted"  # the rest is untouched


def test_suggestion_counts_stay_exact_through_every_writer(tmp_path):
    store = Store(tmp_path / "p.db")
    text = "Kassym-Jomart Tokayev met Shavkat Mirziyoyev in Astana on Monday."
    tok, mir, ast = Span(0, 21, "PERSON"), Span(26, 44, "PERSON"), Span(48, 54, "GPE")
    store.add_docs([_doc(text, [tok, ast]), _doc("Second article about Bishkek.", [])])
    _exact(store)
    store.add_suggestions([(1, [Suggestion(tok), Suggestion(mir)]), (2, [])], "m", "1")
    _exact(store)  # counted since: the kept table moved on
    # a re-run finding other things: stored rows below ``upto`` are deleted (triggers)
    store.add_suggestions([(1, [Suggestion(Span(58, 64, "DATE"))])], "m", "1", force=True)
    assert suggestion_counts(store) == _recount(store)
    _exact(store)
    # decisions and their undo change states and gold, not the suggestions
    sugg = store.suggestions(1, "alice")[0][0]
    accept = cmd.Command("accept", (cmd.set_suggestion(sugg.id, "pending", "accepted"),
                                    cmd.add_span(sugg.span)))  # fmt: skip
    decision = store.apply(1, "alice", accept)
    store.apply(1, "alice", accept.inverse(), undo_of=decision)
    _exact(store)
    # the newest rows deleted, then new ones: SQLite hands the freed ids out again
    top = store.db.execute("SELECT max(id) FROM suggestions").fetchone()[0]
    with store.write():
        store.db.execute("DELETE FROM suggestion_states WHERE suggestion_id >= ?", [top - 1])
        store.db.execute("DELETE FROM suggestions WHERE id >= ?", [top - 1])
    store.add_suggestions([(2, [Suggestion(Span(21, 28, "GPE"))])], "other", "2")
    assert store.db.execute("SELECT max(id) FROM suggestions").fetchone()[0] == top - 1
    _exact(store)
    # a merge of another project adds its suggestions
    other = Store(tmp_path / "other.db")
    other.add_docs([_doc("Third article, from Almaty.", [Span(20, 26, "GPE")]), _doc(text, [mir])])
    other.close()
    merge_file(store, tmp_path / "other.db")
    _exact(store)
    store.close()


def test_suggestion_counts_hold_for_plain_sql_of_another_program(tmp_path):
    store = Store(tmp_path / "p.db")
    store.add_docs([_doc("Almaty and Astana and Bishkek.", [Span(0, 6, "GPE")])])
    store.add_suggestions([(1, [Suggestion(Span(11, 17, "GPE"))])], "m", "1")
    _exact(store)
    conn = sqlite3.connect(tmp_path / "p.db", isolation_level=None)
    conn.execute("UPDATE suggestions SET label = 'LOC' WHERE id = 1")
    conn.execute(
        'INSERT INTO suggestions (id, article_id, kind, start, "end", label, source) '
        "VALUES (1000, 1, 'entity', 22, 29, 'GPE', 'model')"
    )  # above upto: counted by the next stats
    conn.execute("UPDATE suggestions SET id = 1 + (SELECT max(id) FROM suggestions) WHERE id = 2")
    conn.close()
    assert (
        suggestion_counts(store) == _recount(store) == [("entity", "GPE", 2), ("entity", "LOC", 1)]
    )
    _exact(store)
    with store.write():
        store.db.execute("DELETE FROM suggestions WHERE id = 1")
    _exact(store)
    store.close()


def test_suggestion_counts_read_only_project_counts_without_keeping(tmp_path):
    store = Store(tmp_path / "p.db")
    store.add_docs([_doc("Almaty and Astana and Bishkek.", [Span(0, 6, "GPE")])])
    store.close()
    conn = sqlite3.connect(f"file:{tmp_path / 'p.db'}?mode=ro", uri=True)
    store = Store.__new__(Store)  # a project opened where it cannot be written
    store.db = __import__("sqlite_utils").Database(conn)
    store.lock_timeout = 1
    assert suggestion_counts(store) == [("entity", "GPE", 1)]
    assert store.db.execute("SELECT upto FROM suggestion_counts_upto").fetchone()[0] == 0
    conn.close()


IMPORT_FOREVER = r"""
import sys
from annotator.core.models import ParsedDoc, Span
from annotator.store import Store
store = Store(sys.argv[1])
n = 0
while True:
    heads = [f"Article {n}-{k} from " for k in range(200)]
    docs = [ParsedDoc(h + "Almaty.", lang="en", source=h, spans=[Span(len(h), len(h) + 6, "GPE")])
            for h in heads]
    store.add_docs(docs)
    print(n, flush=True)
    n += 1
"""


def test_suggestion_counts_exact_after_a_sigkilled_writer(tmp_path):
    """Imports in another process killed at random points (mid-transaction too), with stats
    keeping the counts in between: the kept counts always equal a recount."""
    db = tmp_path / "p.db"
    Store(db).close()
    for delay in (0.6, 0.9, 1.3):
        proc = subprocess.Popen(
            [sys.executable, "-c", IMPORT_FOREVER, str(db)], stdout=subprocess.PIPE, text=True
        )
        proc.stdout.readline()  # a first batch landed
        with Store(db) as store:
            suggestion_counts(store)  # keeps the counts while the writer goes on
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with Store(db) as store:
            assert store.count_articles() > 0
            _exact(store)
