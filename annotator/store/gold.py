"""Gold spans and events, article status, and the append-only decisions log."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import sqlite_utils

from annotator.core import commands as cmd
from annotator.core.adjudication import ADJUDICATOR
from annotator.core.langs import canonical_lang
from annotator.core.models import (
    PARTIAL,
    Argument,
    Article,
    Event,
    Span,
    Suggestion,
)
from annotator.store.changes import apply_changes, first_touch
from annotator.store.rows import (
    _ARTICLE_COLUMNS,
    Applied,
    GoldDoc,
    LoggedDecision,
    _article,
    _change,
    _dumps,
    _suggestion,
    _tagged,
    now,
)

# logged commands nobody decided in the window (not counted as "today's decisions")
NOT_DECISIONS = ("migrate", "import", "import:replace", "adjudicate:agreed")


class GoldMixin:
    db: sqlite_utils.Database

    def gold_spans(self, article_id: int, annotator: str) -> list[Span]:
        sql = """SELECT start, "end", label FROM gold_spans
            WHERE article_id = ? AND annotator = ? ORDER BY start, "end", label"""
        return [Span(*r) for r in self.db.execute(sql, [article_id, annotator])]

    def gold_events(self, article_id: int, annotator: str) -> list[Event]:
        sql = """SELECT uid, trigger_start, trigger_end, type, attributes FROM gold_events
            WHERE article_id = ? AND annotator = ? ORDER BY trigger_start, created_at, uid"""
        events = []
        for uid, s, e, typ, attrs in self.db.execute(sql, [article_id, annotator]).fetchall():
            args = self.db.execute(
                'SELECT role, start, "end", label FROM gold_arguments WHERE event_uid = ? '
                "ORDER BY position",
                [uid],
            ).fetchall()
            events.append(
                Event(
                    Span(s, e, typ),
                    tuple(Argument(r, Span(a, b, lab)) for r, a, b, lab in args),
                    tuple(sorted(json.loads(attrs or "{}").items())),
                    uid,
                )
            )
        return events

    def status(self, article_id: int, annotator: str) -> str:
        row = self.db.execute(
            "SELECT status FROM article_status WHERE article_id = ? AND annotator = ?",
            [article_id, annotator],
        ).fetchone()
        return row[0] if row else "new"

    def annotators(self) -> list[str]:
        sql = """SELECT annotator FROM article_status UNION SELECT annotator FROM gold_spans
            UNION SELECT annotator FROM decisions ORDER BY 1"""
        return [r[0] for r in self.db.execute(sql)]

    def iter_gold(
        self,
        *,
        annotator: str | None = None,
        status: str | None = "done",
        lang: str | None = None,
    ) -> Iterator[GoldDoc]:
        """Each (article, annotator) with gold, filtered by the annotator's status."""
        pairs = [(a, who) for a, who, _ in gold_pairs(self.db, annotator, status, lang)]
        # batched reads (4 queries per 500 documents, not 4 per document): exports of 100k
        # articles spend their time in spaCy, not here
        for i in range(0, len(pairs), 500):
            yield from self._gold_batch(pairs[i : i + 500])

    def _gold_batch(self, pairs: list[tuple[int, str]]) -> Iterator[GoldDoc]:
        """GoldDocs for (article id, annotator) pairs, as gold_spans/gold_events order them."""
        for raw in gold_rows(self.db, pairs):
            spans = [Span(*s) for s in raw.spans]
            yield GoldDoc(raw.article, raw.annotator, spans, raw.events, raw.pending)

    def _batch_spans(self, ids: list[int]) -> dict[tuple[int, str], list[Span]]:
        return {k: [Span(*s) for s in v] for k, v in _batch_spans(self.db, ids).items()}

    def _batch_events(self, ids: list[int]) -> dict[tuple[int, str], list[Event]]:
        return _batch_events(self.db, ids)

    def _batch_states(
        self, ids: list[int]
    ) -> dict[tuple[int, str], tuple[str, int | None, str | None]]:
        return _batch_states(self.db, ids)

    def _undecided(
        self,
        ids: list[int],
        annotators: set[str],
        states: dict[tuple[int, str], tuple[str, int | None, str | None]],
    ) -> dict[tuple[int, str], list[Suggestion]]:
        return _undecided(self.db, ids, annotators, states)

    # -- decisions ------------------------------------------------------------------------

    def apply(
        self,
        article_id: int,
        annotator: str,
        command: cmd.Command,
        *,
        undo_of: int | None = None,
        redo_of: int | None = None,
    ) -> int:
        """Apply a command and log it, in one transaction; return the decision id."""
        return self.apply_command(
            article_id, annotator, command, undo_of=undo_of, redo_of=redo_of
        ).decision_id

    def apply_command(
        self,
        article_id: int,
        annotator: str,
        command: cmd.Command,
        *,
        undo_of: int | None = None,
        redo_of: int | None = None,
    ) -> Applied:
        """Apply a command and log it, in one transaction; return the decision and the
        command as applied (what changed: a window applies the same to what it shows).

        A first edit of a new article also moves it to in_progress, as part of the logged
        command. An undo (``undo_of``: the decision undone) applies the inverse of that
        logged decision, a redo (``redo_of``: the decision undone before) applies it again,
        so that implied changes are undone and redone too. Each change is one guarded
        statement (see :mod:`annotator.store.changes`): an accept is four statements
        between BEGIN and COMMIT (state, span, first touch, log).
        """
        if not annotator:
            raise ValueError("a decision needs an annotator")
        stamp = now()
        with self.write():
            touch = False
            if undo_of is not None or redo_of is not None:
                logged = self._logged(undo_of or redo_of, article_id, annotator)  # type: ignore[arg-type]
                if logged is not None:
                    command = logged.inverse() if undo_of is not None else logged
            apply_changes(self.db, article_id, annotator, command.changes, stamp)
            if (
                undo_of is None
                and redo_of is None
                and command.changes
                and not any(c.kind == cmd.STATUS for c in command.changes)
            ):
                touch = first_touch(self.db, article_id, annotator, stamp)
            if touch:  # any edit moves a new article to in_progress, logged with the edit
                command = cmd.Command(
                    command.action, (*command.changes, cmd.set_status("new", "in_progress"))
                )
            cur = self.db.execute(
                "INSERT INTO decisions(article_id, annotator, at, action, before, after, "
                "undo_of, redo_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    article_id,
                    annotator,
                    stamp,
                    command.action,
                    _dumps([_tagged(c.kind, c.before) for c in command.changes]),
                    _dumps([_tagged(c.kind, c.after) for c in command.changes]),
                    undo_of,
                    redo_of,
                ],
            )
            return Applied(cur.lastrowid, command)

    def _logged(self, decision_id: int, article_id: int, annotator: str) -> cmd.Command | None:
        """A logged decision of this article and annotator (None: unknown)."""
        row = self.db.execute(
            "SELECT action, before, after FROM decisions WHERE id=? AND article_id=? "
            "AND annotator=?",
            [decision_id, article_id, annotator],
        ).fetchone()
        if row is None:
            return None
        action, before, after = row
        changes = tuple(_change(b, a) for b, a in zip(json.loads(before), json.loads(after)))
        return cmd.Command(action, changes)

    def decisions(self, article_id: int, annotator: str) -> list[LoggedDecision]:
        sql = """SELECT id, action, before, after, undo_of, redo_of FROM decisions
            WHERE article_id = ? AND annotator = ? ORDER BY id"""
        out = []
        for did, action, before, after, undo_of, redo_of in self.db.execute(
            sql, [article_id, annotator]
        ).fetchall():
            changes = tuple(_change(b, a) for b, a in zip(json.loads(before), json.loads(after)))
            out.append(LoggedDecision(did, action, cmd.Command(action, changes), undo_of, redo_of))
        return out

    def decisions_since(self, since: str, annotator: str | None = None) -> int:
        """Decisions made since ``since`` (an ISO stamp): an undo or redo is no new decision,
        nor is what a schema migration, a gold import or adjudication's merge of what the
        annotators agree on logged (nobody decided those in the window)."""
        sql = (
            "SELECT count(*) FROM decisions WHERE at >= ? AND undo_of IS NULL "
            "AND redo_of IS NULL AND action NOT IN (?, ?, ?, ?)"
        ) + (" AND annotator = ?" if annotator else "")
        args = [since, *NOT_DECISIONS] + ([annotator] if annotator else [])
        return self.db.execute(sql, args).fetchone()[0]


# -- gold as plain rows (the exports' read path) ------------------------------------------

SpanRow = tuple[int, int, str]  # (start, end, label): a gold entity without a Span object


@dataclass(frozen=True, slots=True)
class GoldRows:
    """One (article, annotator)'s gold as :class:`GoldDoc` holds it, the entity spans as
    plain ``(start, end, label)`` tuples in ``gold_spans`` order: an export of 10,000
    articles reads 432,000 spans, and a frozen ``Span`` per span was half its reading."""

    article: Article
    annotator: str
    spans: list[SpanRow]
    events: list[Event]
    pending: list[Suggestion]


def gold_pairs(
    db: Any, annotator: str | None = None, status: str | None = "done", lang: str | None = None
) -> list[tuple[int, str, str]]:
    """(article id, annotator, content hash) of each gold :meth:`GoldMixin.iter_gold` reads,
    in its order. ``db``: the store's database or any connection to the project file."""
    where, args = ["1=1"], []
    if annotator:
        where.append("s.annotator = ?")
        args.append(annotator)
    if status:
        where.append("s.status = ?")
        args.append(status)
    if lang:
        where.append("a.lang = ?")
        args.append(canonical_lang(lang))
    sql = f"""SELECT a.id, s.annotator, a.content_hash FROM article_status s
        JOIN articles a ON a.id = s.article_id WHERE {" AND ".join(where)}
        ORDER BY a.id, s.annotator"""
    return db.execute(sql, args).fetchall()


def gold_rows(db: Any, pairs: list[tuple[int, str]]) -> list[GoldRows]:
    """The gold of (article id, annotator) pairs (a batch: 5 queries however many), in
    order. ``db``: the store's database, or a worker's own connection to the project."""
    if not pairs:
        return []
    ids = sorted({a for a, _ in pairs})
    marks = ",".join("?" * len(ids))
    rows = db.execute(f"SELECT * FROM articles WHERE id IN ({marks})", ids)
    articles = {r[0]: _article(dict(zip(_ARTICLE_COLUMNS, r))) for r in rows}
    spans, events = _batch_spans(db, ids), _batch_events(db, ids)
    states = _batch_states(db, ids)
    pending = _undecided(db, ids, {who for _, who in pairs}, states)
    out = []
    for aid, who in pairs:
        golds, evs = spans.get((aid, who), []), events.get((aid, who), [])
        article = articles[aid]
        left = pending.get((aid, who), [])
        if left:
            taken = set(golds) | {(e.trigger.start, e.trigger.end, e.trigger.label) for e in evs}
            left = [s for s in left if (s.span.start, s.span.end, s.span.label) not in taken]
        if states.get((aid, who), (None, None, None))[2] == PARTIAL:
            article = replace(article, meta={**article.meta, "entities": PARTIAL})
        out.append(GoldRows(article, who, golds, evs, left))
    return out


def _batch_spans(db: Any, ids: list[int]) -> dict[tuple[int, str], list[SpanRow]]:
    """Per (article, annotator): its gold spans ordered by (start, end, label), read along
    the unique index (article, annotator, start, end, label): no sort, no object per span.
    The spans come as the rows SQLite gives (``fetchall``, in C) cut by each pair's count:
    no Python work per span. Both queries read one snapshot."""
    marks = ",".join("?" * len(ids))
    where = f"WHERE article_id IN ({marks})"
    with _snapshot(db):
        counts = db.execute(
            f"SELECT article_id, annotator, count(*) FROM gold_spans {where} "
            "GROUP BY article_id, annotator ORDER BY article_id, annotator",
            ids,
        ).fetchall()
        rows = db.execute(
            f'SELECT start, "end", label FROM gold_spans {where} '
            'ORDER BY article_id, annotator, start, "end", label',
            ids,
        ).fetchall()
    out: dict[tuple[int, str], list[SpanRow]] = {}
    at = 0
    for aid, who, n in counts:
        out[(aid, who)] = rows[at : at + n]
        at += n
    return out


@contextmanager
def _snapshot(db: Any) -> Iterator[None]:
    """Reads in one read transaction (one snapshot of the project), unless the connection
    is in a transaction already (then that one is the snapshot)."""
    conn = getattr(db, "conn", db)  # sqlite_utils.Database, or a sqlite3 connection
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        conn.execute("COMMIT")


def _batch_events(db: Any, ids: list[int]) -> dict[tuple[int, str], list[Event]]:
    marks = ",".join("?" * len(ids))
    sql = f"""SELECT g.event_uid, g.role, g.start, g."end", g.label FROM gold_arguments g
        JOIN gold_events e ON e.uid = g.event_uid WHERE e.article_id IN ({marks})
        ORDER BY g.event_uid, g.position"""
    arguments: dict[str, list[Argument]] = {}
    for uid, role, start, end, label in db.execute(sql, ids):
        arguments.setdefault(uid, []).append(Argument(role, Span(start, end, label)))
    out: dict[tuple[int, str], list[Event]] = {}
    sql = f"""SELECT article_id, annotator, uid, trigger_start, trigger_end, type, attributes
        FROM gold_events WHERE article_id IN ({marks})
        ORDER BY trigger_start, created_at, uid"""
    for aid, who, uid, start, end, typ, attrs in db.execute(sql, ids):
        out.setdefault((aid, who), []).append(
            Event(
                Span(start, end, typ),
                tuple(arguments.get(uid, ())),
                tuple(sorted(json.loads(attrs or "{}").items())),
                uid,
            )
        )
    return out


def _batch_states(
    db: Any, ids: list[int]
) -> dict[tuple[int, str], tuple[str, int | None, str | None]]:
    """(status, the last suggestion id when it was set, the gold's entities flag) per
    (article, annotator)."""
    marks = ",".join("?" * len(ids))
    sql = f"""SELECT article_id, annotator, status, suggestions_upto, entities
        FROM article_status WHERE article_id IN ({marks})"""
    return {(a, w): (st, at, ent) for a, w, st, at, ent in db.execute(sql, ids)}


def _undecided(
    db: Any,
    ids: list[int],
    annotators: set[str],
    states: dict[tuple[int, str], tuple[str, int | None, str | None]],
) -> dict[tuple[int, str], list[Suggestion]]:
    """Per (article, annotator): the suggestions with no accept/reject of theirs that
    were there when they marked the article done (any, when it is not done): later
    suggestions are a model's predictions on finished gold, not holes in it. The
    adjudicated version (:data:`~annotator.core.adjudication.ADJUDICATOR`) has none: it is
    made of the annotators' versions, who decided the suggestions."""
    annotators = set(annotators) - {ADJUDICATOR}
    if not annotators:
        return {}
    marks = ",".join("?" * len(ids))
    sql = f"""SELECT g.id, g.kind, g.start, g."end", g.label, g.arguments, g.attributes,
          g.score, g.source, g.model, g.model_version, g.created_at, g.article_id,
          (SELECT group_concat(st.annotator, char(31)) FROM suggestion_states st
           WHERE st.suggestion_id = g.id)
        FROM suggestions g WHERE g.article_id IN ({marks}) ORDER BY g.start, g.id"""
    out: dict[tuple[int, str], list[Suggestion]] = {}
    for row in db.execute(sql, ids):
        sid, aid = row[0], row[12]
        decided = set(row[-1].split("\x1f")) if row[-1] else set()
        for who in annotators - decided:
            status, upto, _ = states.get((aid, who), ("new", None, None))
            if status == "done" and upto is not None and sid > upto:
                continue
            out.setdefault((aid, who), []).append(_suggestion(row))
    return out
