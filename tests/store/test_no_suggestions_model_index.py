"""Schema v8: the suggestions are no longer indexed by (model, model_version): no query
read that index, and every inserted suggestion paid for it. A v7 project upgrades with
every row intact and a backup, and the queries by model still go by an index."""

import shutil
import sqlite3
from pathlib import Path

from annotator.core.models import ParsedDoc, Span, Suggestion
from annotator.store import Store, schema
from annotator.store.stats import project_stats

V7 = Path(__file__).parent / "fixtures" / "project_v7.db"
TABLES = ["articles", "suggestions", "suggestion_runs", "suggestion_states", "gold_spans",
          "decisions", "article_status", "gold_events"]  # fmt: skip
# (not suggestion_counts: stats keeps the counts of what it counted, by design)
MODEL_INDEX = "idx_suggestions_model_model_version"


def _raw(path: Path, sql: str) -> list:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _indexes(path: Path) -> set[str]:
    return {r[0] for r in _raw(path, "SELECT name FROM sqlite_master WHERE type = 'index'")}


def test_v7_project_upgrades_intact_without_the_model_index_and_with_a_backup(tmp_path):
    path = tmp_path / "v7.db"
    shutil.copy(V7, path)
    before = {t: _raw(path, f"SELECT * FROM {t} ORDER BY 1") for t in TABLES}
    assert _raw(path, "PRAGMA user_version") == [(7,)] and before["suggestions"]
    assert MODEL_INDEX in _indexes(path)
    with Store(path) as store:
        assert schema.user_version(store.db) == schema.VERSION == 8
        assert store.backup_path == tmp_path / "v7.db.v7.bak"
        assert store.suggestions(1, "alice")[0][1] == "accepted"
        assert project_stats(store)["models"] == [{"model": "m", "version": "1", "articles": 3}]
    assert {t: _raw(path, f"SELECT * FROM {t} ORDER BY 1") for t in TABLES} == before
    assert MODEL_INDEX not in _indexes(path)
    assert MODEL_INDEX in _indexes(tmp_path / "v7.db.v7.bak")  # the backup is the old file
    # the other indexes are all still there
    assert _indexes(tmp_path / "v7.db.v7.bak") - _indexes(path) == {MODEL_INDEX}


def test_a_new_project_has_no_model_index_and_queries_by_model_use_the_article_index(tmp_path):
    with Store(tmp_path / "p.db") as store:
        store.add_docs([ParsedDoc(f"Article {i} about Astana.", lang="en", source=f"{i}.txt")
                        for i in range(5)])  # fmt: skip
        runs = [(i, [Suggestion(Span(17, 23, "GPE"))]) for i in range(1, 6)]
        store.add_suggestions(runs, "a", "1")
        store.add_suggestions(runs[:2], "b", "2")
        assert MODEL_INDEX not in {i.name for i in store.db["suggestions"].indexes}
        plan = store.db.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM suggestions "
            "WHERE article_id=? AND model=? AND model_version=? AND source='model'",
            [1, "a", "1"],
        ).fetchall()
        assert "idx_suggestions_article_id" in " ".join(r[3] for r in plan), plan
        # re-running a model still replaces only its own suggestions
        store.add_suggestions([(1, [Suggestion(Span(0, 7, "ORG"))])], "a", "1", force=True)
        kept = {(s.model, s.span) for s, _ in store.suggestions(1, "alice")}
        assert kept == {("a", Span(0, 7, "ORG")), ("b", Span(17, 23, "GPE"))}
