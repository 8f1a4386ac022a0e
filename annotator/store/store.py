"""The gold dataset: one SQLite file per project, the single source of truth.

Every public write runs in one transaction (``Database.atomic``). Readers get core
objects. The GUI, the CLI and the tests share this API.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

from annotator.core import commands as cmd
from annotator.core.models import (
    ENTITY,
    EVENT,
    Argument,
    Article,
    Event,
    ParsedDoc,
    Span,
    Suggestion,
)
from annotator.core.text import content_hash
from annotator.store import schema
from annotator.store.changes import apply_changes


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class AddResult:
    """Outcome of adding one parsed document."""

    source: str
    article_id: int
    duplicate: bool


@dataclass(frozen=True)
class ArticleRow:
    """One line of the article list."""

    id: int
    title: str
    date: str | None
    lang: str
    status: str
    suggestions: int
    gold: int


@dataclass(frozen=True)
class GoldDoc:
    article: Article
    annotator: str
    spans: list[Span]
    events: list[Event]


@dataclass(frozen=True)
class LoggedDecision:
    id: int
    action: str
    command: cmd.Command
    undo_of: int | None
    redo_of: int | None


class Store:
    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = None if str(path) == ":memory:" else Path(path)
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite_utils.Database(self.path if self.path else None, memory=self.path is None)
        if self.path is not None:
            self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA busy_timeout=5000")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.backup_path = schema.migrate(self.db, self.path)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- articles -------------------------------------------------------------------------

    def add_docs(
        self, docs: Sequence[ParsedDoc], *, as_gold: bool = False, annotator: str = ""
    ) -> list[AddResult]:
        """Store parsed documents in one transaction; duplicates (same text) are skipped.

        Spans and events in the documents become ``import`` suggestions, or the
        annotator's gold (article marked done, decisions logged) with ``as_gold``.
        """
        if as_gold and not annotator:
            raise ValueError("importing as gold needs an annotator name")
        hashes = [content_hash(d.text) for d in docs]
        stamp = now()
        with self.db.atomic():
            top = self.db.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0]
            # the unique hash index skips texts already stored (or twice in this batch)
            self.db["articles"].insert_all(
                (self._article_row(h, d, stamp) for h, d in zip(hashes, docs)),
                batch_size=1000,
                ignore=True,
            )
            ids = self._ids_by_hash(hashes)
            stored: set[str] = set()
            for h, d in zip(hashes, docs):
                # as gold, an article without spans is still reviewed: "nothing to mark"
                if ids[h] > top and h not in stored and (as_gold or d.spans or d.events):
                    self._store_annotations(ids[h], d, as_gold, annotator, stamp)
                stored.add(h)
        seen: set[str] = set()
        results = []
        for h, d in zip(hashes, docs):
            results.append(AddResult(d.source, ids[h], ids[h] <= top or h in seen))
            seen.add(h)
        return results

    def _ids_by_hash(self, hashes: list[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for i in range(0, len(hashes), 500):
            chunk = hashes[i : i + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT content_hash, id FROM articles WHERE content_hash IN ({marks})"
            found.update(self.db.execute(sql, chunk).fetchall())
        return found

    @staticmethod
    def _article_row(h: str, d: ParsedDoc, stamp: str) -> dict[str, Any]:
        return {
            "content_hash": h,
            "source": d.source,
            "external_id": d.external_id,
            "lang": (d.lang or "xx").lower(),
            "date": d.date,
            "time": d.time,
            "title": d.title,
            "text": d.text,
            "meta": _dumps(d.meta),
            "imported_at": stamp,
        }

    def _store_annotations(
        self, article_id: int, d: ParsedDoc, as_gold: bool, annotator: str, stamp: str
    ) -> None:
        if not as_gold:
            sugg = [Suggestion(s, source="import", model="import") for s in d.spans]
            sugg += [e_sugg(e) for e in d.events]
            self._insert_suggestions(article_id, sugg, stamp)
            return
        changes = [cmd.add_span(s) for s in dict.fromkeys(d.spans)]
        changes += [cmd.add_event(e) for e in d.events]
        changes.append(cmd.set_status(self.status(article_id, annotator), "done"))
        self.apply(article_id, annotator, cmd.Command("import", tuple(changes)))

    def get_article(self, article_id: int) -> Article:
        row = self.db.execute("SELECT * FROM articles WHERE id = ?", [article_id]).fetchone()
        if row is None:
            raise KeyError(f"no article with id {article_id}")
        return _article(dict(zip(_ARTICLE_COLUMNS, row)))

    def count_articles(self) -> int:
        return self.db.execute("SELECT count(*) FROM articles").fetchone()[0]

    def list_articles(
        self,
        annotator: str,
        *,
        status: str | None = None,
        lang: str | None = None,
        ids: Iterable[int] | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[ArticleRow]:
        """Article list rows, in id order, with this annotator's status and counts."""
        where, args = ["1=1"], [annotator, annotator]
        if status:
            where.append("coalesce(s.status, 'new') = ?")
            args.append(status)
        if lang:
            where.append("a.lang = ?")
            args.append(lang.lower())
        if ids is not None:
            id_list = list(ids)
            where.append(f"a.id IN ({','.join('?' * len(id_list))})")
            args.extend(id_list)
        sql = f"""
            SELECT a.id, a.title, a.date, a.lang, coalesce(s.status, 'new'),
              (SELECT count(*) FROM suggestions g WHERE g.article_id = a.id),
              (SELECT count(*) FROM gold_spans g WHERE g.article_id = a.id AND g.annotator = ?)
            FROM articles a
            LEFT JOIN article_status s ON s.article_id = a.id AND s.annotator = ?
            WHERE {" AND ".join(where)} ORDER BY a.id LIMIT ? OFFSET ?"""
        args += [-1 if limit is None else limit, offset]
        return [ArticleRow(*r) for r in self.db.execute(sql, args).fetchall()]

    def languages(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT DISTINCT lang FROM articles ORDER BY 1")]

    def search(self, query: str, limit: int = 1000) -> list[int]:
        """Ids of articles matching an FTS5 query (plain words work), best first."""
        self.update_search_index()
        words = " ".join(f'"{w}"' for w in query.replace('"', " ").split())
        if not words:
            return []
        sql = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?"
        return [r[0] for r in self.db.execute(sql, [words, limit])]

    def update_search_index(self) -> int:
        """Index articles added since the last search; return how many were indexed.

        Done lazily so that bulk imports stay at raw insert speed.
        """
        done = int(self._meta("fts_upto") or 0)
        top = self.db.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0]
        if top <= done:
            return 0
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO articles_fts(rowid, title, text) "
                "SELECT id, title, text FROM articles WHERE id > ?",
                [done],
            )
            self._set_meta("fts_upto", str(top))
        return top - done

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self.db["meta"].upsert({"key": key, "value": value}, pk="key")

    # -- suggestions ----------------------------------------------------------------------

    def pending_for_model(
        self,
        model: str,
        version: str,
        *,
        lang: str | None = None,
        limit: int | None = None,
        after: int = 0,
        include_done: bool = False,
    ) -> list[tuple[int, str, str]]:
        """(id, lang, text) of articles this model version has not run on yet, by id.

        ``after`` pages through them (ids greater than it); ``include_done`` returns the
        articles it already ran on too (to redo them).
        """
        where, args = self._pending_where(model, version, lang, include_done)
        sql = f"""SELECT a.id, a.lang, a.text FROM articles a {where} AND a.id > ?
            ORDER BY a.id LIMIT ?"""
        return list(self.db.execute(sql, args + [after, -1 if limit is None else limit]))

    def count_pending(
        self, model: str, version: str, *, lang: str | None = None, include_done: bool = False
    ) -> int:
        """How many articles ``pending_for_model`` would return without a limit."""
        where, args = self._pending_where(model, version, lang, include_done)
        return self.db.execute(f"SELECT count(*) FROM articles a {where}", args).fetchone()[0]

    @staticmethod
    def _pending_where(
        model: str, version: str, lang: str | None, include_done: bool
    ) -> tuple[str, list[Any]]:
        if include_done:
            sql, args = "WHERE 1=1", []
        else:
            sql = """LEFT JOIN suggestion_runs r ON r.article_id = a.id
              AND r.model = ? AND r.model_version = ? WHERE r.article_id IS NULL"""
            args = [model, version]
        if lang:
            sql += " AND a.lang = ?"
            args.append(lang.lower())
        return sql, args

    def add_suggestions(
        self,
        results: Iterable[tuple[int, Sequence[Suggestion]]],
        model: str,
        version: str,
        *,
        force: bool = False,
    ) -> int:
        """Store one batch of a model's suggestions in one transaction; return rows added.

        Articles this model version already ran on are skipped unless ``force``, which
        replaces that version's earlier suggestions. Gold is never touched.
        """
        added = 0
        stamp = now()
        with self.db.atomic():
            for article_id, suggestions in results:
                ran = self.db.execute(
                    "SELECT 1 FROM suggestion_runs WHERE article_id=? AND model=? "
                    "AND model_version=?",
                    [article_id, model, version],
                ).fetchone()
                if ran and not force:
                    continue
                if ran:
                    self._delete_suggestions(article_id, model, version)
                rows = [
                    Suggestion(
                        s.span, s.kind, s.arguments, s.attributes, s.score, "model", model, version
                    )
                    for s in suggestions
                ]
                added += self._insert_suggestions(article_id, rows, stamp)
                self.db["suggestion_runs"].upsert(
                    {
                        "article_id": article_id,
                        "model": model,
                        "model_version": version,
                        "at": stamp,
                    },
                    pk=("article_id", "model", "model_version"),
                )
        return added

    def _delete_suggestions(self, article_id: int, model: str, version: str) -> None:
        keep = "article_id=? AND model=? AND model_version=? AND source='model'"
        args = [article_id, model, version]
        self.db.execute(
            f"DELETE FROM suggestion_states WHERE suggestion_id IN "
            f"(SELECT id FROM suggestions WHERE {keep})",
            args,
        )
        self.db.execute(f"DELETE FROM suggestions WHERE {keep}", args)

    def _insert_suggestions(
        self, article_id: int, suggestions: Sequence[Suggestion], stamp: str
    ) -> int:
        rows = [
            {
                "article_id": article_id,
                "kind": s.kind,
                "start": s.span.start,
                "end": s.span.end,
                "label": s.span.label,
                "arguments": _dumps([a.to_dict() for a in s.arguments])
                if s.kind == EVENT
                else None,
                "attributes": _dumps(dict(s.attributes)) if s.kind == EVENT else None,
                "score": s.score,
                "source": s.source,
                "model": s.model,
                "model_version": s.model_version,
                "created_at": stamp,
            }
            for s in suggestions
        ]
        self.db["suggestions"].insert_all(rows)
        return len(rows)

    def suggestions(
        self, article_id: int, annotator: str, *, kind: str | None = None
    ) -> list[tuple[Suggestion, str]]:
        """This article's suggestions with this annotator's state (pending/accepted/rejected)."""
        sql = """SELECT g.id, g.kind, g.start, g."end", g.label, g.arguments, g.attributes,
              g.score, g.source, g.model, g.model_version, coalesce(st.state, 'pending')
            FROM suggestions g LEFT JOIN suggestion_states st
              ON st.suggestion_id = g.id AND st.annotator = ?
            WHERE g.article_id = ?""" + (" AND g.kind = ?" if kind else "")
        args: list[Any] = [annotator, article_id] + ([kind] if kind else [])
        out = [
            (_suggestion(r), r[-1]) for r in self.db.execute(sql + " ORDER BY g.start, g.id", args)
        ]
        return out

    # -- gold -----------------------------------------------------------------------------

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
        where, args = ["1=1"], []
        if annotator:
            where.append("s.annotator = ?")
            args.append(annotator)
        if status:
            where.append("s.status = ?")
            args.append(status)
        if lang:
            where.append("a.lang = ?")
            args.append(lang.lower())
        sql = f"""SELECT a.id, s.annotator FROM article_status s
            JOIN articles a ON a.id = s.article_id WHERE {" AND ".join(where)}
            ORDER BY a.id, s.annotator"""
        pairs = self.db.execute(sql, args).fetchall()
        # batched reads (4 queries per 500 documents, not 4 per document): exports of 100k
        # articles spend their time in spaCy, not here
        for i in range(0, len(pairs), 500):
            yield from self._gold_batch(pairs[i : i + 500])

    def _gold_batch(self, pairs: list[tuple[int, str]]) -> Iterator[GoldDoc]:
        """GoldDocs for (article id, annotator) pairs, as gold_spans/gold_events order them."""
        ids = sorted({a for a, _ in pairs})
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(f"SELECT * FROM articles WHERE id IN ({marks})", ids)
        articles = {r[0]: _article(dict(zip(_ARTICLE_COLUMNS, r))) for r in rows}
        spans: dict[tuple[int, str], list[Span]] = {}
        sql = f"""SELECT article_id, annotator, start, "end", label FROM gold_spans
            WHERE article_id IN ({marks}) ORDER BY start, "end", label"""
        for aid, who, start, end, label in self.db.execute(sql, ids):
            spans.setdefault((aid, who), []).append(Span(start, end, label))
        sql = f"""SELECT g.event_uid, g.role, g.start, g."end", g.label FROM gold_arguments g
            JOIN gold_events e ON e.uid = g.event_uid WHERE e.article_id IN ({marks})
            ORDER BY g.event_uid, g.position"""
        arguments: dict[str, list[Argument]] = {}
        for uid, role, start, end, label in self.db.execute(sql, ids):
            arguments.setdefault(uid, []).append(Argument(role, Span(start, end, label)))
        events: dict[tuple[int, str], list[Event]] = {}
        sql = f"""SELECT article_id, annotator, uid, trigger_start, trigger_end, type, attributes
            FROM gold_events WHERE article_id IN ({marks})
            ORDER BY trigger_start, created_at, uid"""
        for aid, who, uid, start, end, typ, attrs in self.db.execute(sql, ids):
            events.setdefault((aid, who), []).append(
                Event(
                    Span(start, end, typ),
                    tuple(arguments.get(uid, ())),
                    tuple(sorted(json.loads(attrs or "{}").items())),
                    uid,
                )
            )
        for aid, who in pairs:
            yield GoldDoc(articles[aid], who, spans.get((aid, who), []), events.get((aid, who), []))

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
        if not annotator:
            raise ValueError("a decision needs an annotator")
        stamp = now()
        with self.db.atomic():
            apply_changes(self.db, article_id, annotator, command.changes, stamp)
            if not any(c.kind == cmd.STATUS for c in command.changes):
                self._touch_status(article_id, annotator, stamp)
            return (
                self.db["decisions"]
                .insert(
                    {
                        "article_id": article_id,
                        "annotator": annotator,
                        "at": stamp,
                        "action": command.action,
                        "before": _dumps([_tagged(c.kind, c.before) for c in command.changes]),
                        "after": _dumps([_tagged(c.kind, c.after) for c in command.changes]),
                        "undo_of": undo_of,
                        "redo_of": redo_of,
                    }
                )
                .last_pk
            )

    def _touch_status(self, article_id: int, annotator: str, stamp: str) -> None:
        """Any edit moves a new article to in_progress."""
        self.db.execute(
            "INSERT INTO article_status(article_id, annotator, status, updated_at) "
            "VALUES (?, ?, 'in_progress', ?) ON CONFLICT(article_id, annotator) DO NOTHING",
            [article_id, annotator, stamp],
        )

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
        sql = "SELECT count(*) FROM decisions WHERE at >= ?" + (
            " AND annotator = ?" if annotator else ""
        )
        return self.db.execute(sql, [since] + ([annotator] if annotator else [])).fetchone()[0]


_ARTICLE_COLUMNS = (
    "id content_hash source external_id lang date time title text meta imported_at".split()
)


def _article(row: dict[str, Any]) -> Article:
    return Article(
        id=row["id"],
        content_hash=row["content_hash"],
        text=row["text"],
        title=row["title"] or "",
        lang=row["lang"],
        date=row["date"],
        time=row["time"],
        source=row["source"] or "",
        external_id=row["external_id"],
        meta=json.loads(row["meta"] or "{}"),
    )


def _suggestion(r: Sequence[Any]) -> Suggestion:
    sid, kind, start, end, label, args, attrs, score, source, model, version = r[:11]
    return Suggestion(
        span=Span(start, end, label),
        kind=kind,
        arguments=tuple(Argument.from_dict(a) for a in json.loads(args)) if args else (),
        attributes=tuple(sorted(json.loads(attrs).items())) if attrs else (),
        score=score,
        source=source,
        model=model or "",
        model_version=version or "",
        id=sid,
    )


def e_sugg(e: Event) -> Suggestion:
    return Suggestion(e.trigger, EVENT, e.arguments, e.attributes, source="import", model="import")


def _tagged(kind: str, value: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if value is None else {"kind": kind, **value}


def _change(before: dict[str, Any] | None, after: dict[str, Any] | None) -> cmd.Change:
    kind = (before or after or {}).get("kind", "")
    strip = lambda v: None if v is None else {k: x for k, x in v.items() if k != "kind"}  # noqa: E731
    return cmd.Change(kind, strip(before), strip(after))


__all__ = ["Store", "AddResult", "ArticleRow", "GoldDoc", "LoggedDecision", "ENTITY", "EVENT"]
