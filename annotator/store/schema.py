"""The gold dataset's schema as numbered migrations (``PRAGMA user_version``).

Migrations run on open; before migrating an existing database a backup copy is written
next to it (``<name>.v<old>.bak``). Append new migrations at the end, never edit one
that has shipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager as ContextManager
from pathlib import Path

import sqlite_utils

from annotator.store.errors import NewerSchemaError, NotAProjectError, describe

Migration = Callable[[sqlite_utils.Database], None]


def _m001_initial(db: sqlite_utils.Database) -> None:
    db["articles"].create(
        {
            "id": int,
            "content_hash": str,
            "source": str,
            "external_id": str,
            "lang": str,
            "date": str,
            "time": str,
            "title": str,
            "text": str,
            "meta": str,  # JSON: tags, author, photo captions and credits, sections ...
            "imported_at": str,
        },
        pk="id",
        not_null={"content_hash", "text", "lang"},
    )
    db["articles"].create_index(["content_hash"], unique=True)
    db["articles"].create_index(["lang"])
    db["suggestions"].create(
        {
            "id": int,
            "article_id": int,
            "kind": str,  # entity | event
            "start": int,
            "end": int,
            "label": str,  # entity label or event type
            "arguments": str,  # JSON list of {role, start, end, label} (events)
            "attributes": str,  # JSON object (events)
            "score": float,
            "source": str,  # model | import
            "model": str,
            "model_version": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"article_id", "kind", "start", "end", "label", "source"},
    )
    db["suggestions"].create_index(["article_id"])
    db["suggestions"].create_index(["model", "model_version"])
    # one row per (article, model, version) that ran, even when it found nothing
    db["suggestion_runs"].create(
        {"article_id": int, "model": str, "model_version": str, "at": str},
        pk=("article_id", "model", "model_version"),
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["suggestion_states"].create(
        {"suggestion_id": int, "annotator": str, "state": str, "at": str},
        pk=("suggestion_id", "annotator"),
        foreign_keys=[("suggestion_id", "suggestions", "id")],
    )
    db["gold_spans"].create(
        {
            "id": int,
            "article_id": int,
            "annotator": str,
            "start": int,
            "end": int,
            "label": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"article_id", "annotator", "start", "end", "label"},
    )
    db["gold_spans"].create_index(["article_id", "annotator", "start", "end", "label"], unique=True)
    db["gold_events"].create(
        {
            "uid": str,
            "article_id": int,
            "annotator": str,
            "trigger_start": int,
            "trigger_end": int,
            "type": str,
            "attributes": str,  # JSON object, e.g. {"Negation": true, "Modality": "future"}
            "created_at": str,
        },
        pk="uid",
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"article_id", "annotator", "trigger_start", "trigger_end", "type"},
    )
    db["gold_events"].create_index(["article_id", "annotator"])
    db["gold_arguments"].create(
        {
            "event_uid": str,
            "position": int,
            "role": str,
            "start": int,
            "end": int,
            "label": str,
        },
        pk=("event_uid", "position"),
        foreign_keys=[("event_uid", "gold_events", "uid")],
    )
    db["article_status"].create(
        {"article_id": int, "annotator": str, "status": str, "updated_at": str},
        pk=("article_id", "annotator"),
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["article_status"].create_index(["annotator", "status"])
    db["decisions"].create(
        {
            "id": int,
            "article_id": int,
            "annotator": str,
            "at": str,
            "action": str,
            "before": str,  # JSON list, aligned with "after": one entry per change
            "after": str,  # JSON list of {kind, ...value} or null
            "undo_of": int,  # the decision this one undoes
            "redo_of": int,  # the decision this one redoes
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["decisions"].create_index(["article_id", "annotator"])
    # full-text search over title and text, filled lazily (see Store.search)
    db.execute(
        "CREATE VIRTUAL TABLE articles_fts USING fts5("
        "title, text, content='articles', content_rowid='id', tokenize='unicode61')"
    )
    db["meta"].create({"key": str, "value": str}, pk="key")


# "ANNT": marks a file as an annotator project (PRAGMA application_id), so that no
# command ever turns another program's SQLite file into one
APPLICATION_ID = 0x414E4E54
STATES = ("accepted", "rejected")  # a stored suggestion state; "pending" is no row


def _m002_integrity(db: sqlite_utils.Database) -> None:
    """Mark the file as a project; make the log append-only and the states checked; a
    per-annotator flag for partial entity gold.

    The triggers hold for every writer, including plain SQL from another program: a
    decision once logged is never rewritten, and a status or suggestion state outside
    the known values is refused instead of stored.
    """
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    for op in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER decisions_append_only_{op.lower()} BEFORE {op} ON decisions "
            "BEGIN SELECT RAISE(ABORT, 'the decisions log is append-only'); END"
        )
    # the values as of this migration (a migration never changes once shipped)
    _check_trigger(db, "article_status", "status", ("new", "in_progress", "done", "skipped"))
    _check_trigger(db, "suggestion_states", "state", STATES)
    db["suggestion_states"].create_index(["annotator"], if_not_exists=True)
    # "partial": this annotator's gold marks only some entities (e.g. gold made for events);
    # per annotator, as an article can have full gold from one and partial from another
    db["article_status"].add_column("entities", str)
    # the last suggestion id of the article when the status was set (see changes._status);
    # for older rows, the suggestions made before the status changed
    db["article_status"].add_column("suggestions_upto", int)
    db.execute(
        """UPDATE article_status SET suggestions_upto = (SELECT coalesce(max(g.id), 0)
        FROM suggestions g WHERE g.article_id = article_status.article_id
        AND g.created_at <= article_status.updated_at)"""
    )


def _check_trigger(db: sqlite_utils.Database, table: str, column: str, values: tuple) -> None:
    allowed = ", ".join(f"'{v}'" for v in values)
    for op in ("INSERT", "UPDATE"):
        db.execute(
            f"CREATE TRIGGER {table}_{column}_check_{op.lower()} BEFORE {op} ON {table} "
            f"WHEN NEW.{column} NOT IN ({allowed}) "
            f"BEGIN SELECT RAISE(ABORT, 'invalid {table}.{column}'); END"
        )


MIGRATIONS: list[Migration] = [_m001_initial, _m002_integrity]
VERSION = len(MIGRATIONS)


def user_version(db: sqlite_utils.Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def backup(conn: sqlite3.Connection, path: Path, old: int) -> Path:
    target = path.with_name(f"{path.name}.v{old}.bak")
    dest = sqlite3.connect(target)
    try:
        conn.backup(dest)
    finally:
        dest.close()
    return target


def check_project(db: sqlite_utils.Database) -> None:
    """Refuse a file that is not an annotator project (an empty file or database is fine),
    or a project newer than this code. Runs before anything writes to the file (WAL mode,
    migrations), so a refused file is left exactly as it was.
    """
    try:
        app = db.execute("PRAGMA application_id").fetchone()[0]
        version = user_version(db)
        objects = {r[0]: r[1] for r in db.execute("SELECT name, type FROM sqlite_master")}
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc) or "encrypted" in str(exc):
            raise NotAProjectError(f"not an annotator project ({describe(exc)})") from None
        raise  # read-only, unable to open, ...: the caller describes it as it is
    if app == APPLICATION_ID and version > VERSION:
        raise NewerSchemaError(
            f"the project has schema v{version}, newer than this annotator (v{VERSION}); "
            "upgrade annotator"
        )
    if app == APPLICATION_ID or (app == 0 and version == 0 and not objects):
        return
    tables = {name for name, kind in objects.items() if kind == "table"}
    if app == 0 and version == 1 and V1_TABLES <= tables:
        return  # a project of schema v1, made before projects were marked
    raise NotAProjectError(
        "not an annotator project (an SQLite database of another program); "
        "choose a new file name for a project"
    )


V1_TABLES = {"articles", "suggestions", "gold_spans", "gold_events", "decisions", "meta"}


def migrate(
    db: sqlite_utils.Database, path: Path | None, write: Callable[[], ContextManager]
) -> Path | None:
    """Bring the schema up to date in one write transaction; return the backup, if any.

    ``write`` opens the store's write transaction (BEGIN IMMEDIATE): two processes opening
    one old project at once do not both migrate it, the second finds it done.
    """
    current = user_version(db)
    if current > VERSION:
        raise NewerSchemaError(
            f"the project has schema v{current}, newer than this annotator (v{VERSION}); "
            "upgrade annotator"
        )
    if current == VERSION:
        return None
    saved = backup(db.conn, path, current) if path is not None and current > 0 else None
    with write():
        current = user_version(db)  # again, under the lock
        for number, step in enumerate(MIGRATIONS[current:], start=current + 1):
            step(db)
            db.execute(f"PRAGMA user_version = {number}")
    return saved
