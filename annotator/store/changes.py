"""Apply :class:`annotator.core.commands.Change` records to the tables.

Called inside the caller's transaction. A change whose ``before`` does not match the
stored state is a conflict (someone else edited the same item): it raises, and the
transaction rolls back, so the store never holds half a command.

Event arguments refer to gold entity spans (triggers of schema migration 3 hold that for
every writer): a command applies in phases — the events it changes are taken out, then
spans, suggestion states and statuses change in command order, then its events go in —
so that a relabelled entity and the arguments that follow it land together.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlite_utils

from annotator.core import commands as cmd
from annotator.core.models import Argument, Event, Span


class ConflictError(RuntimeError):
    """The stored state differs from what a change expected. ``change``: the change it
    refused, for a message in the user's terms (None: not one change, e.g. a command
    that would leave an event argument without its entity)."""

    def __init__(self, message: str, change: cmd.Change | None = None) -> None:
        super().__init__(message)
        self.change = change


@contextmanager
def _about(change: cmd.Change) -> Iterator[None]:
    """A conflict raised meanwhile names ``change`` as the one refused."""
    try:
        yield
    except ConflictError as exc:
        if exc.change is None:
            exc.change = change
        raise


def apply_changes(
    db: sqlite_utils.Database,
    article_id: int,
    annotator: str,
    changes: Iterable[cmd.Change],
    stamp: str,
) -> None:
    changes = list(changes)
    # the offsets guard of a span insert reads the article's length; a long text costs a
    # read of all its pages per statement, so a command adding many spans reads it once
    adds = sum(1 for c in changes if c.kind == cmd.SPAN and c.after is not None)
    length = _length(db, article_id) if adds > 1 else None
    try:
        for change in changes:
            if change.kind == cmd.EVENT and change.before is not None:
                with _about(change):
                    _remove_event(db, article_id, annotator, change)
        _apply_in_order(db, article_id, annotator, changes, stamp, length)
        for change in changes:
            if change.kind == cmd.EVENT and change.after is not None:
                with _about(change):
                    _insert_event(db, article_id, annotator, change, stamp)
    except sqlite3.IntegrityError as exc:
        if REFERENCE_ERROR in str(exc):  # from the triggers: what the user should read
            raise ConflictError(str(exc)) from None
        raise


def _apply_in_order(
    db: sqlite_utils.Database,
    article_id: int,
    annotator: str,
    changes: list[cmd.Change],
    stamp: str,
    length: int | None,
) -> None:
    """Spans, suggestion states and statuses in command order (events are done around)."""
    i = 0
    while i < len(changes):
        change = changes[i]
        run = _adds_from(changes, i) if length is not None else 0
        if run > 1:  # span additions in a row: one prepared statement
            _span_adds(db, article_id, annotator, changes[i : i + run], stamp, length)  # type: ignore[arg-type]
            i += run
            continue
        with _about(change):
            if change.kind == cmd.SPAN:
                _span(db, article_id, annotator, change, stamp, length)
            elif change.kind != cmd.EVENT:
                _APPLY[change.kind](db, article_id, annotator, change, stamp)
        i += 1


# the message of the reference triggers (schema migration 3)
REFERENCE_ERROR = "event argument"


def _length(db: sqlite_utils.Database, article_id: int) -> int:
    row = db.execute("SELECT length(text) FROM articles WHERE id=?", [article_id]).fetchone()
    if row is None:
        raise ConflictError(f"no article with id {article_id}")
    return row[0]


def _span(
    db: sqlite_utils.Database,
    article_id: int,
    annotator: str,
    change: cmd.Change,
    stamp: str,
    length: int | None = None,
) -> None:
    """``length``: the article's, when the caller read it in this transaction."""
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
        if length is not None and new.end > length:
            raise ValueError(f"span {new.start}..{new.end} is past the end of the text")
        # one statement: the article must hold the offsets, the span must be new
        fits = "length(text)>=?" if length is None else "?<=?"
        cur = db.execute(
            'INSERT OR IGNORE INTO gold_spans(article_id, annotator, start, "end", label, '
            f"created_at) SELECT id, ?, ?, ?, ?, ? FROM articles WHERE id=? AND {fits}",
            [annotator, new.start, new.end, new.label, stamp, article_id, new.end]
            + ([] if length is None else [length]),
        )
        if cur.rowcount != 1:
            _check_offsets(db, article_id, new)
            raise ConflictError(f"gold span {new} already exists")


def _adds_from(changes: list[cmd.Change], i: int) -> int:
    """How many span additions follow one another from ``changes[i]`` on."""
    n = 0
    for change in changes[i:]:
        if change.kind != cmd.SPAN or change.before is not None or change.after is None:
            break
        n += 1
    return n


_INSERT_SPAN = (
    'INSERT OR IGNORE INTO gold_spans(article_id, annotator, start, "end", label, created_at) '
    "SELECT id, ?, ?, ?, ?, ? FROM articles WHERE id=? AND ?<=?"
)


def _span_adds(
    db: sqlite_utils.Database,
    article_id: int,
    annotator: str,
    run: list[cmd.Change],
    stamp: str,
    length: int,
) -> None:
    """Span additions in a row as one prepared statement over all of them (an imported
    article's gold adds ~40): the same guarded insert as :func:`_span`'s, row by row in
    SQLite (its triggers fire per row). When any row is refused (the span exists, the
    article is gone, the text is too short) the rows are taken back and :func:`_span`
    applies them one by one, raising the same error at the same span as before."""
    news = [Span.from_dict(c.after) for c in run]  # type: ignore[arg-type]
    rows = [(annotator, n.start, n.end, n.label, stamp, article_id, n.end, length) for n in news]
    if all(n.end <= length for n in news):
        db.execute("SAVEPOINT span_adds")
        try:
            inserted = db.conn.executemany(_INSERT_SPAN, rows).rowcount
        except sqlite3.IntegrityError:  # a trigger refused one: _span says which
            inserted = -1
        if inserted == len(rows):
            db.execute("RELEASE span_adds")
            return
        db.execute("ROLLBACK TO span_adds")
        db.execute("RELEASE span_adds")
    for change in run:
        with _about(change):
            _span(db, article_id, annotator, change, stamp, length)


def _check_offsets(db: sqlite_utils.Database, article_id: int, span: Span) -> None:
    length = db.execute("SELECT length(text) FROM articles WHERE id=?", [article_id]).fetchone()
    if length is None:
        raise ConflictError(f"no article with id {article_id}")
    if span.end > length[0]:
        raise ValueError(f"span {span.start}..{span.end} is past the end of the text")


def _remove_event(db, article_id, annotator, change: cmd.Change) -> None:  # noqa: ANN001
    old = Event.from_dict(change.before)
    stored = _stored_event(db, old.uid, article_id, annotator)
    if stored != old:  # Event equality ignores the uid: compare the content
        raise ConflictError(f"gold event {old.uid} was changed elsewhere")
    db.execute("DELETE FROM gold_arguments WHERE event_uid=?", [old.uid])
    db.execute("DELETE FROM gold_events WHERE uid=?", [old.uid])


def _insert_event(db, article_id, annotator, change: cmd.Change, stamp: str) -> None:  # noqa: ANN001
    event = Event.from_dict(change.after)
    _check_offsets(db, article_id, event.trigger)
    for arg in event.arguments:
        _check_offsets(db, article_id, arg.span)
    if db.execute("SELECT 1 FROM gold_events WHERE uid=?", [event.uid]).fetchone():
        raise ConflictError(f"gold event {event.uid} already exists")
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


def _stored_event(db, uid: str, article_id: int, annotator: str) -> Event | None:  # noqa: ANN001
    row = db.execute(
        "SELECT trigger_start, trigger_end, type, attributes FROM gold_events "
        "WHERE uid=? AND article_id=? AND annotator=?",
        [uid, article_id, annotator],
    ).fetchone()
    if row is None:
        raise ConflictError(f"gold event {uid} is not there to change")
    args = db.execute(
        'SELECT role, start, "end", label FROM gold_arguments WHERE event_uid=? ORDER BY position',
        [uid],
    ).fetchall()
    start, end, typ, attrs = row
    return Event(
        Span(start, end, typ),
        tuple(Argument(r, Span(a, b, lab)) for r, a, b, lab in args),
        tuple(sorted(json.loads(attrs or "{}").items())),
        uid,
    )


def _suggestion(db, article_id, annotator, change: cmd.Change, stamp: str) -> None:  # noqa: ANN001
    value: dict[str, Any] = change.after or change.before or {}
    sid = value["id"]
    expected = (change.before or {}).get("state", cmd.PENDING)
    state = (change.after or {}).get("state", cmd.PENDING)
    if state not in (cmd.PENDING, cmd.ACCEPTED, cmd.REJECTED):
        raise ValueError(f"unknown suggestion state {state!r}")
    # one guarded statement: it changes a row only from the expected state, and only for a
    # suggestion of this article; anything else is diagnosed below (and rolled back)
    mine = "EXISTS (SELECT 1 FROM suggestions WHERE id=? AND article_id=?)"
    if expected == cmd.PENDING and state != cmd.PENDING:
        cur = db.execute(
            "INSERT INTO suggestion_states(suggestion_id, annotator, state, at) "
            "SELECT id, ?, ?, ? FROM suggestions WHERE id=? AND article_id=? "
            "ON CONFLICT DO NOTHING",
            [annotator, state, stamp, sid, article_id],
        )
    elif state == cmd.PENDING and expected != cmd.PENDING:
        cur = db.execute(
            f"DELETE FROM suggestion_states WHERE suggestion_id=? AND annotator=? AND state=? "
            f"AND {mine}",
            [sid, annotator, expected, sid, article_id],
        )
    elif state != expected:
        cur = db.execute(
            f"UPDATE suggestion_states SET state=?, at=? WHERE suggestion_id=? AND annotator=? "
            f"AND state=? AND {mine}",
            [state, stamp, sid, annotator, expected, sid, article_id],
        )
    else:
        cur = None  # no change asked: only check
    if cur is None or cur.rowcount != 1:
        current = _suggestion_state(db, article_id, annotator, sid)
        if current != expected or cur is not None:
            raise ConflictError(f"suggestion {sid} is {current} now, not {expected}")


def _suggestion_state(db, article_id: int, annotator: str, sid: int) -> str:  # noqa: ANN001
    found = db.execute(
        "SELECT 1 FROM suggestions WHERE id=? AND article_id=?", [sid, article_id]
    ).fetchone()
    if not found:
        raise ConflictError(f"suggestion {sid} does not belong to article {article_id}")
    row = db.execute(
        "SELECT state FROM suggestion_states WHERE suggestion_id=? AND annotator=?",
        [sid, annotator],
    ).fetchone()
    return row[0] if row else cmd.PENDING


def _status(db, article_id, annotator, change: cmd.Change, stamp: str) -> None:  # noqa: ANN001
    before, after = change.before or {}, change.after or {}
    expected = before.get("status", "new")
    status = after.get("status", "new")
    if status not in cmd.STATUSES:
        raise ValueError(f"unknown status {status!r}")
    if not _set_status(db, article_id, annotator, before, after, stamp):
        row = db.execute(
            "SELECT status, entities FROM article_status WHERE article_id=? AND annotator=?",
            [article_id, annotator],
        ).fetchone()
        current, flag = row if row else ("new", None)
        if current != expected:
            raise ConflictError(f"the article is {current} now, not {expected}")
        raise ConflictError(f"the gold's entities flag is {flag} now, not {before['entities']}")


def _set_status(db, article_id, annotator, before: dict, after: dict, stamp: str) -> bool:  # noqa: ANN001
    """One guarded statement: the status (and the entities flag, when the change names it)
    change only from what ``before`` says; True when they did."""
    expected = before.get("status", "new")
    guard, args = "article_status.status = ?", [expected]
    if "entities" in before:
        guard += " AND article_status.entities IS ?"
        args.append(before["entities"])
    columns = ["status", "updated_at", "suggestions_upto"]
    if "entities" in after:  # without it, the flag stays as it is
        columns.append("entities")
    # the suggestions there when the status was set: those a "done" left undecided are
    # holes in the gold; later ones are a model's predictions (ids grow, clocks may tie)
    upto = "(SELECT coalesce(max(id), 0) FROM suggestions WHERE article_id = ?)"
    values = [after.get("status", "new"), stamp, article_id]
    values += [after["entities"]] if "entities" in after else []
    sets = ", ".join(f"{c} = excluded.{c}" for c in columns)
    marks = ", ".join(["?", "?", upto] + ["?"] * (len(columns) - 3))
    if expected == "new" and before.get("entities") is None:  # a row may not exist yet
        sql = (
            f"INSERT INTO article_status(article_id, annotator, {', '.join(columns)}) "
            f"VALUES (?, ?, {marks}) ON CONFLICT(article_id, annotator) DO UPDATE SET {sets} "
            f"WHERE {guard}"
        )
        cur = db.execute(sql, [article_id, annotator, *values, *args])
    else:
        assign = ", ".join(
            f"{c} = {upto}" if c == "suggestions_upto" else f"{c} = ?" for c in columns
        )
        sql = f"UPDATE article_status SET {assign} WHERE article_id=? AND annotator=? AND {guard}"
        cur = db.execute(sql, [*values, article_id, annotator, *args])
    return cur.rowcount == 1


def first_touch(db, article_id: int, annotator: str, stamp: str) -> bool:  # noqa: ANN001
    """A new article becomes in_progress with its first edit: one guarded statement; True
    when it did (the caller logs the change with the edit)."""
    new, started = {"status": "new"}, {"status": "in_progress"}
    return _set_status(db, article_id, annotator, new, started, stamp)


_APPLY = {cmd.SPAN: _span, cmd.SUGGESTION: _suggestion, cmd.STATUS: _status}
