"""Apply :class:`annotator.core.commands.Change` records to the tables.

Called inside the caller's transaction. A change whose ``before`` does not match the
stored state is a conflict (someone else edited the same item): it raises, and the
transaction rolls back, so the store never holds half a command.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import sqlite_utils

from annotator.core import commands as cmd
from annotator.core.models import Event, Span


class ConflictError(RuntimeError):
    """The stored state differs from what a change expected."""


def apply_changes(
    db: sqlite_utils.Database,
    article_id: int,
    annotator: str,
    changes: Iterable[cmd.Change],
    stamp: str,
) -> None:
    for change in changes:
        _APPLY[change.kind](db, article_id, annotator, change, stamp)


def _span(db, article_id, annotator, change: cmd.Change, stamp: str) -> None:  # noqa: ANN001
    if change.before is not None:
        old = Span.from_dict(change.before)
        cur = db.execute(
            'DELETE FROM gold_spans WHERE article_id=? AND annotator=? AND start=? AND "end"=? '
            "AND label=?",
            [article_id, annotator, old.start, old.end, old.label],
        )
        if cur.rowcount != 1:
            raise ConflictError(f"gold span {old} is not there to remove")
    if change.after is not None:
        new = Span.from_dict(change.after)
        _check_offsets(db, article_id, new)
        cur = db.execute(
            'INSERT OR IGNORE INTO gold_spans(article_id, annotator, start, "end", label, '
            "created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [article_id, annotator, new.start, new.end, new.label, stamp],
        )
        if cur.rowcount != 1:
            raise ConflictError(f"gold span {new} already exists")


def _check_offsets(db: sqlite_utils.Database, article_id: int, span: Span) -> None:
    length = db.execute("SELECT length(text) FROM articles WHERE id=?", [article_id]).fetchone()
    if length is None:
        raise ConflictError(f"no article with id {article_id}")
    if span.end > length[0]:
        raise ValueError(f"span {span.start}..{span.end} is past the end of the text")


def _event(db, article_id, annotator, change: cmd.Change, stamp: str) -> None:  # noqa: ANN001
    if change.before is not None:
        uid = change.before["uid"]
        db.execute("DELETE FROM gold_arguments WHERE event_uid=?", [uid])
        cur = db.execute(
            "DELETE FROM gold_events WHERE uid=? AND article_id=? AND annotator=?",
            [uid, article_id, annotator],
        )
        if cur.rowcount != 1:
            raise ConflictError(f"gold event {uid} is not there to change")
    if change.after is not None:
        event = Event.from_dict(change.after)
        _check_offsets(db, article_id, event.trigger)
        db["gold_events"].insert(
            {
                "uid": event.uid,
                "article_id": article_id,
                "annotator": annotator,
                "trigger_start": event.trigger.start,
                "trigger_end": event.trigger.end,
                "type": event.type,
                "attributes": json.dumps(dict(event.attributes), ensure_ascii=False),
                "created_at": stamp,
            }
        )
        db["gold_arguments"].insert_all(
            {"event_uid": event.uid, "position": i, "role": a.role, **a.span.to_dict()}
            for i, a in enumerate(event.arguments)
        )


def _suggestion(db, article_id, annotator, change: cmd.Change, stamp: str) -> None:  # noqa: ANN001
    value: dict[str, Any] = change.after or change.before or {}
    sid = value["id"]
    found = db.execute(
        "SELECT 1 FROM suggestions WHERE id=? AND article_id=?", [sid, article_id]
    ).fetchone()
    if not found:
        raise ConflictError(f"suggestion {sid} does not belong to article {article_id}")
    state = (change.after or {}).get("state", cmd.PENDING)
    if state == cmd.PENDING:
        db.execute(
            "DELETE FROM suggestion_states WHERE suggestion_id=? AND annotator=?", [sid, annotator]
        )
    else:
        db["suggestion_states"].upsert(
            {"suggestion_id": sid, "annotator": annotator, "state": state, "at": stamp},
            pk=("suggestion_id", "annotator"),
        )


def _status(db, article_id, annotator, change: cmd.Change, stamp: str) -> None:  # noqa: ANN001
    status = (change.after or {}).get("status", "new")
    db["article_status"].upsert(
        {"article_id": article_id, "annotator": annotator, "status": status, "updated_at": stamp},
        pk=("article_id", "annotator"),
    )


_APPLY = {cmd.SPAN: _span, cmd.EVENT: _event, cmd.SUGGESTION: _suggestion, cmd.STATUS: _status}
