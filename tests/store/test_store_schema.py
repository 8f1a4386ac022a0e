"""Project files: marked as ours, foreign files refused untouched, v1 files upgraded intact."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from annotator.core import commands as cmd
from annotator.core.models import ParsedDoc, Span
from annotator.store import Store, schema
from annotator.store.audit import check
from annotator.store.errors import NewerSchemaError, NotAProjectError

# made by the code of schema v1 (commit b3215a4): alice's gold of 2 articles with events,
# imported as gold; bob's accept / reject / add+undo / done on a third
V1 = Path(__file__).parent / "fixtures" / "project_v1.db"


def _raw(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


V1_QUERIES = {
    "decisions": "SELECT id, article_id, annotator, at, action, before, after, undo_of, redo_of "
    "FROM decisions ORDER BY id",
    "spans": 'SELECT article_id, annotator, start, "end", label FROM gold_spans ORDER BY 1,2,3,4,5',
    "events": "SELECT uid, article_id, annotator, trigger_start, trigger_end, type, attributes "
    "FROM gold_events ORDER BY uid",
    "arguments": "SELECT * FROM gold_arguments ORDER BY event_uid, position",
    "status": "SELECT article_id, annotator, status FROM article_status ORDER BY 1, 2",
    "states": "SELECT suggestion_id, annotator, state FROM suggestion_states ORDER BY 1, 2",
    "articles": "SELECT id, content_hash, text FROM articles ORDER BY id",
}


def test_store_schema_v1_project_upgrades_with_everything_intact_and_a_backup(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(V1, path)
    before = {k: _raw(path, q) for k, q in V1_QUERIES.items()}
    assert _raw(path, "PRAGMA user_version") == [(1,)]
    assert len(before["decisions"]) == 7 and len(before["events"]) == 33
    with Store(path) as store:
        assert store.backup_path == tmp_path / "old.db.v1.bak"
        assert schema.user_version(store.db) == schema.VERSION == 8
        assert check(store) == []
        assert store.gold_spans(4, "bob") == [Span(0, 7, "PERSON")]
        assert len(store.gold_events(1, "alice")) == 14
    after = {k: _raw(path, q) for k, q in V1_QUERIES.items()}
    assert after == before
    assert _raw(path, "PRAGMA application_id") == [(schema.APPLICATION_ID,)]
    backup = {k: _raw(tmp_path / "old.db.v1.bak", q) for k, q in V1_QUERIES.items()}
    assert backup == before and _raw(tmp_path / "old.db.v1.bak", "PRAGMA user_version") == [(1,)]


def test_store_schema_two_processes_opening_an_old_project_at_once_both_succeed(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(V1, path)
    code = "import sys; from annotator.store import Store; Store(sys.argv[1]).close(); print('ok')"
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=60)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0] and outs == ["ok\n", "ok\n"]
    assert _raw(path, "PRAGMA user_version") == [(schema.VERSION,)]
    assert len(_raw(path, "SELECT * FROM decisions")) == 7


def test_store_schema_another_programs_database_is_refused_and_left_as_it_was(tmp_path):
    path = tmp_path / "photos.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photos(id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO photos(name) VALUES ('cat.jpg')")
    conn.commit()
    conn.close()
    original = path.read_bytes()
    with pytest.raises(NotAProjectError, match="another program"):
        Store(path)
    assert path.read_bytes() == original
    assert not Path(f"{path}-wal").exists()
    assert _raw(path, "PRAGMA journal_mode") == [("delete",)]


def test_store_schema_a_file_that_is_not_sqlite_is_refused(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("shopping list\n" * 100)
    with pytest.raises(NotAProjectError, match="not an annotator project"):
        Store(path)
    assert path.read_text() == "shopping list\n" * 100


def test_store_schema_an_empty_file_becomes_a_project(tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    with Store(path) as store:
        assert schema.user_version(store.db) == schema.VERSION
    assert _raw(path, "PRAGMA application_id") == [(schema.APPLICATION_ID,)]


def test_store_schema_decisions_log_is_append_only_for_any_writer(db_path, sample_doc):
    with Store(db_path) as store:
        aid = store.add_docs([sample_doc])[0].article_id
        store.apply(aid, "a", cmd.Command("add", (cmd.add_span(Span(0, 7, "PERSON")),)))
    conn = sqlite3.connect(db_path)
    for sql in ("UPDATE decisions SET action = 'forged'", "DELETE FROM decisions"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(sql)
    with pytest.raises(sqlite3.IntegrityError, match="invalid article_status.status"):
        conn.execute("UPDATE article_status SET status = 'finished'")
    with pytest.raises(sqlite3.IntegrityError, match="invalid suggestion_states.state"):
        conn.execute("INSERT INTO suggestion_states VALUES (1, 'a', 'maybe', '')")
    conn.close()


def test_store_schema_check_names_gold_written_outside_the_log(db_path, sample_doc):
    with Store(db_path) as store:
        aid = store.add_docs([sample_doc])[0].article_id
        store.apply(aid, "a", cmd.Command("add", (cmd.add_span(Span(0, 7, "PERSON")),)))
        assert check(store) == []
        store.db.execute(
            'INSERT INTO gold_spans(article_id, annotator, start, "end", label) '
            "VALUES (?, 'a', 12, 22, 'PERSON')",
            [aid],
        )
        store.db.conn.commit()
        (problem,) = check(store)
    assert f"article {aid}, a: gold spans differ from the log" in problem
    assert "12..22" in problem or "12" in problem


def test_store_schema_a_newer_project_is_refused_before_anything_changes(tmp_path):
    path = tmp_path / "newer.db"
    with Store(path) as store:
        store.db.execute("PRAGMA journal_mode=DELETE")
        store.db.execute(f"PRAGMA user_version = {schema.VERSION + 1}")
    original = path.read_bytes()
    with pytest.raises(NewerSchemaError, match="newer than this annotator"):
        Store(path)
    assert path.read_bytes() == original
    assert _raw(path, "PRAGMA journal_mode") == [("delete",)]


def test_store_schema_a_database_holding_only_a_view_is_not_empty(tmp_path):
    path = tmp_path / "view.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE VIEW answer AS SELECT 42")
    conn.commit()
    conn.close()
    with pytest.raises(NotAProjectError):
        Store(path)


@pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root to drop to nobody"
)
def test_store_schema_a_project_in_a_read_only_folder_says_read_only(tmp_path):
    folder = Path(tempfile.mkdtemp(prefix="ro-project-"))
    try:
        with Store(folder / "p.db") as store:
            store.add_docs([ParsedDoc("Astana hosts talks.")])
        folder.chmod(0o755)
        (folder / "p.db").chmod(0o644)
        annotator = Path(sys.executable).with_name("annotator")
        nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        res = subprocess.run(
            [*nobody, str(annotator), "stats", "--db", str(folder / "p.db")],
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        shutil.rmtree(folder)
    assert res.returncode == 1
    assert "not an annotator project" not in res.stderr
    assert "read-only" in res.stderr or "cannot be opened" in res.stderr, res.stderr


def test_store_schema_check_names_an_event_edited_outside_the_log(db_path, sample_doc):
    from annotator.core.models import Argument, Event

    with Store(db_path) as store:
        aid = store.add_docs([sample_doc])[0].article_id
        ev = Event(Span(30, 35, "Meet"), (Argument("Participant", Span(0, 7, "PERSON")),))
        entity = cmd.add_span(Span(0, 7, "PERSON"))
        store.apply(aid, "a", cmd.Command("event", (entity, cmd.add_event(ev))))
        store.db.execute("UPDATE gold_arguments SET role = 'Place'")
        store.db.conn.commit()
        (problem,) = check(store)
    assert f"1 edited outside the log ['{ev.uid}']" in problem


# made by the code of schema v2 (commit e8f58cb) with fixtures/make_project_v2.py: alice's
# event kept an ORG argument after she relabelled the entity PERSON, an argument with no
# entity (Monday), a SPAN topic, and "Akim Kumar Aksakalov" nudged to "Kumar Aksakalov"
# after the event was made; bob's gold is consistent
V2 = Path(__file__).parent / "fixtures" / "project_v2.db"


def test_store_schema_v2_arguments_are_linked_to_gold_entities_and_reported(tmp_path):
    path = tmp_path / "v2.db"
    shutil.copy(V2, path)
    assert _raw(path, "PRAGMA user_version") == [(2,)]
    bob_before = _raw(path, "SELECT * FROM gold_arguments WHERE event_uid = 'meet-bob'")
    with Store(path) as store:
        assert store.backup_path == tmp_path / "v2.db.v2.bak"
        notes = "\n".join(store.migration_notes)
        assert "1 entity added for arguments, 2 arguments moved" in notes
        assert "Participant 0..21 ORG → 0..21 PERSON" in notes
        assert "Participant 26..46 PERSON → 31..46 PERSON" in notes
        meet, disc = store.gold_events(1, "alice")
        assert [(a.role, a.span) for a in meet.arguments] == [
            ("Participant", Span(0, 21, "PERSON")),
            ("Participant", Span(31, 46, "PERSON")),
            ("Place", Span(50, 56, "GPE")),
            ("Time", Span(60, 66, "DATE")),
        ]
        assert disc.arguments[0].span == Span(83, 97, "SPAN")  # a phrase, not an entity
        assert Span(60, 66, "DATE") in store.gold_spans(1, "alice")
        assert all(s.label != "SPAN" for s in store.gold_spans(1, "alice"))
        assert check(store) == []  # the log (with its "migrate" decision) replays to this
        (logged,) = [d for d in store.decisions(1, "alice") if d.action == "migrate"]
        assert not [d for d in store.decisions(1, "bob") if d.action == "migrate"]
        # undo stops at the migration: nothing before it can be taken back
        from annotator.core.history import rebuild

        assert rebuild(store.decisions(1, "alice")).undo == []
        assert logged.command.changes[0].kind == "span"
    assert _raw(path, "SELECT * FROM gold_arguments WHERE event_uid = 'meet-bob'") == bob_before
    # the backup is the v2 file as it was
    assert _raw(tmp_path / "v2.db.v2.bak", "PRAGMA user_version") == [(2,)]


def test_store_schema_arguments_need_their_entity_for_any_writer(db_path, sample_doc):
    """The triggers of migration 3 hold for plain SQL from another program too."""
    from annotator.core.models import Argument, Event

    with Store(db_path) as store:
        aid = store.add_docs([sample_doc])[0].article_id
        person = Span(0, 7, "PERSON")
        ev = Event(Span(30, 35, "Meet"), (Argument("Participant", person),), uid="e1")
        store.apply(aid, "a", cmd.Command("event", (cmd.add_span(person), cmd.add_event(ev))))
    conn = sqlite3.connect(db_path)
    with pytest.raises(sqlite3.IntegrityError, match="event argument"):
        conn.execute("DELETE FROM gold_spans")
    with pytest.raises(sqlite3.IntegrityError, match="event argument"):
        conn.execute("UPDATE gold_spans SET label = 'ORG'")
    with pytest.raises(sqlite3.IntegrityError, match="event argument"):
        conn.execute("INSERT INTO gold_arguments VALUES ('e1', 1, 'Place', 37, 43, 'GPE')")
    with pytest.raises(sqlite3.IntegrityError, match="event argument"):
        conn.execute("UPDATE gold_arguments SET label = 'ORG'")
    conn.execute("INSERT INTO gold_arguments VALUES ('e1', 1, 'Topic', 37, 43, 'SPAN')")
    conn.rollback()
    conn.close()


def test_store_schema_v4_project_gains_the_models_table_and_keeps_its_gold(tmp_path):
    """Made by the code of schema v4 (one gold span): migration 5 adds the models table."""
    path = tmp_path / "v4.db"
    shutil.copy(Path(__file__).parent / "fixtures" / "project_v4.db", path)
    assert _raw(path, "PRAGMA user_version") == [(4,)]
    with Store(path) as store:
        assert schema.user_version(store.db) == schema.VERSION
        assert store.gold_spans(1, "ann") == [Span(0, 7, "PERSON")]
        assert check(store) == []
        from annotator.store.models import models, register

        assert models(store) == []
        assert register(store, name="m", path="/x", lang="en", base="b", data_hash="h",
                        scores={}) == "1"  # fmt: skip
