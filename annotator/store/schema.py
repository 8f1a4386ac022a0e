"""The gold dataset's schema as numbered migrations (``PRAGMA user_version``).

Migrations run on open; before migrating an existing database a backup copy is written
next to it (``<name>.v<old>.bak``). Append new migrations at the end, never edit one
that has shipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import sqlite_utils

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


MIGRATIONS: list[Migration] = [_m001_initial]
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


def migrate(db: sqlite_utils.Database, path: Path | None) -> Path | None:
    """Bring the schema up to date; return the backup written, if any."""
    current = user_version(db)
    if current > VERSION:
        raise RuntimeError(
            f"database schema v{current} is newer than this annotator (v{VERSION}); upgrade"
        )
    if current == VERSION:
        return None
    saved = backup(db.conn, path, current) if path is not None and current > 0 else None
    for number, step in enumerate(MIGRATIONS[current:], start=current + 1):
        with db.atomic():
            step(db)
            db.execute(f"PRAGMA user_version = {number}")
    return saved
