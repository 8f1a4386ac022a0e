"""Model and imported suggestions: idempotent per (article, model, version) run."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import sqlite_utils

from annotator.core.langs import canonical_lang
from annotator.core.models import (
    ENTITY,
    EVENT,
    Suggestion,
)
from annotator.core.spans import clean_suggestions
from annotator.store.rows import _dumps, _suggestion, now

# how many suggestion objects a store keeps for reuse before it starts again
SUGGESTION_CACHE = 50_000
INSERT_SUGGESTION = """INSERT INTO suggestions (article_id, kind, start, "end", label,
    arguments, attributes, score, source, model, model_version, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""


def sql_text(value: str) -> str:
    """A string as an SQL literal: in single quotes, each quote doubled (SQLite's own
    rule; a NUL, which no stored name holds, is refused)."""
    if "\x00" in value:
        raise ValueError("a NUL character in an SQL text")
    return "'" + value.replace("'", "''") + "'"


def insert_entity_rows_sql(source: str, model: str, version: str, stamp: str) -> str:
    """The insert of entity suggestions whose every column but the article and the span is
    one value for all rows: those are written into the statement, so ``executemany``
    binds four values a row instead of twelve (binding is most of its time: 2.2 against
    5.4 s for 432k rows)."""
    consts = ", ".join(sql_text(v) for v in (source, model, version, stamp))
    return f"""INSERT INTO suggestions (article_id, kind, start, "end", label, source, model,
        model_version, created_at) VALUES (?, '{ENTITY}', ?, ?, ?, {consts})"""


# suggestions not stored again: another version of the same model made them already
PROPOSED_BEFORE = "already proposed by another version of the model"
# an import's suggestions added to texts the project held already (what no import put there)
ADDED_TO_STORED = "suggestions added to texts already in the project"


def _identity(s: Suggestion) -> tuple:
    """What makes two suggestions of one model version the same proposal."""
    return (s.kind, s.span, s.arguments, s.attributes)


class SuggestionsMixin:
    db: sqlite_utils.Database

    def pending_for_model(
        self,
        model: str,
        version: str,
        *,
        lang: str | None = None,
        limit: int | None = None,
        after: int = 0,
        include_done: bool = False,
        unfinished_for: str | None = None,
    ) -> list[tuple[int, str, str]]:
        """(id, lang, text) of articles this model version has not run on yet, by id.

        ``after`` pages through them (ids greater than it); ``include_done`` returns the
        articles it already ran on too (to redo them); ``unfinished_for`` leaves out the
        articles that annotator marked done or skipped.
        """
        where, args = self._pending_where(model, version, lang, include_done, unfinished_for)
        sql = f"""SELECT a.id, a.lang, a.text FROM articles a {where} AND a.id > ?
            ORDER BY a.id LIMIT ?"""
        return list(self.db.execute(sql, args + [after, -1 if limit is None else limit]))

    def count_pending(
        self,
        model: str,
        version: str,
        *,
        lang: str | None = None,
        include_done: bool = False,
        unfinished_for: str | None = None,
    ) -> int:
        """How many articles ``pending_for_model`` would return without a limit."""
        where, args = self._pending_where(model, version, lang, include_done, unfinished_for)
        return self.db.execute(f"SELECT count(*) FROM articles a {where}", args).fetchone()[0]

    @staticmethod
    def _pending_where(
        model: str,
        version: str,
        lang: str | None,
        include_done: bool,
        unfinished_for: str | None = None,
    ) -> tuple[str, list[Any]]:
        if include_done:
            sql, args = "WHERE 1=1", []
        else:
            sql = """LEFT JOIN suggestion_runs r ON r.article_id = a.id
              AND r.model = ? AND r.model_version = ? WHERE r.article_id IS NULL"""
            args = [model, version]
        if lang:
            sql += " AND a.lang = ?"
            args.append(canonical_lang(lang))
        if unfinished_for:
            sql += """ AND NOT EXISTS (SELECT 1 FROM article_status s WHERE s.article_id = a.id
                AND s.annotator = ? AND s.status IN ('done', 'skipped'))"""
            args.append(unfinished_for)
        return sql, args

    def add_suggestions(
        self,
        results: Iterable[tuple[int, Sequence[Suggestion]]],
        model: str,
        version: str,
        *,
        force: bool = False,
        tally: Counter[str] | None = None,
    ) -> int:
        """Store one batch of a model's suggestions in one transaction; return rows added.

        Articles this model version already ran on are skipped unless ``force``, which
        replaces that version's earlier suggestions: those found again keep their row (and
        every annotator's accept or reject of them), the others go. Gold is never touched.
        With ``force`` the count includes the suggestions kept. Suggestions
        are kept clean (:mod:`annotator.core.spans`); ``tally`` counts what was trimmed or
        dropped.
        """
        added = 0
        stamp = now()
        results = list(results)
        texts = self._texts([article_id for article_id, _ in results])
        with self.write():
            for article_id, suggestions in results:
                ran = self.db.execute(
                    "SELECT 1 FROM suggestion_runs WHERE article_id=? AND model=? "
                    "AND model_version=?",
                    [article_id, model, version],
                ).fetchone()
                if ran and not force:
                    continue
                rows = [
                    Suggestion(
                        s.span, s.kind, s.arguments, s.attributes, s.score, "model", model, version
                    )
                    for s in suggestions
                ]
                rows = clean_suggestions(texts[article_id], rows, tally)
                rows = self._not_proposed_before(article_id, model, version, rows, tally)
                if ran:
                    rows, kept = self._keep_found_again(article_id, model, version, rows)
                    added += len(kept)
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

    def _texts(self, ids: list[int]) -> dict[int, str]:
        found: dict[int, str] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            sql = f"SELECT id, text FROM articles WHERE id IN ({','.join('?' * len(chunk))})"
            found.update(self.db.execute(sql, chunk).fetchall())
        missing = set(ids) - found.keys()
        if missing:
            raise ValueError(f"no article with id {min(missing)}")
        return found

    def _not_proposed_before(
        self,
        article_id: int,
        model: str,
        version: str,
        rows: list[Suggestion],
        tally: Counter[str] | None,
    ) -> list[Suggestion]:
        """``rows`` without the proposals another version of this model already made on
        this article (the same kind, span, arguments and attributes): the stored one keeps
        every annotator's decision on it, and nobody is asked twice. (``suggest`` after
        ``suggest --no-events`` stores under another version, "+events…", and stored every
        entity suggestion a second time: the window listed accepted entities again as
        pending.)"""
        before, here = set(), set()
        for s in self._stored(article_id, "model=? AND source='model'", model):
            (here if s.model_version == version else before).add(_identity(s))
        before -= here  # stored by this version too (an older project): a re-run keeps it
        if not before:
            return rows
        fresh = [s for s in rows if _identity(s) not in before]
        if tally is not None and len(fresh) < len(rows):
            tally[PROPOSED_BEFORE] += len(rows) - len(fresh)
        return fresh

    def _stored(self, article_id: int, where: str, *args: Any) -> list[Suggestion]:
        """The article's stored suggestions that ``where`` (SQL, with ``args``) picks."""
        sql = f"""SELECT id, kind, start, "end", label, arguments, attributes, score, source,
            model, model_version FROM suggestions WHERE article_id=? AND {where}"""
        return [_suggestion(r) for r in self.db.execute(sql, [article_id, *args]).fetchall()]

    def _keep_found_again(
        self, article_id: int, model: str, version: str, rows: list[Suggestion]
    ) -> tuple[list[Suggestion], list[int]]:
        """Of a re-run's suggestions: those to insert, and the ids of stored ones found again
        (kept with their states); stored ones not found again are deleted."""
        stored: dict[tuple, list[int]] = {}
        where = "model=? AND model_version=? AND source='model'"
        for s in self._stored(article_id, where, model, version):
            stored.setdefault(_identity(s), []).append(s.id)  # type: ignore[arg-type]
        fresh, kept = [], []
        for s in rows:
            ids = stored.get(_identity(s))
            if ids:
                kept.append(ids.pop())
            else:
                fresh.append(s)
        gone = [i for ids in stored.values() for i in ids]
        for i in range(0, len(gone), 500):
            marks = ",".join("?" * len(gone[i : i + 500]))
            chunk = gone[i : i + 500]
            self.db.execute(
                f"DELETE FROM suggestion_states WHERE suggestion_id IN ({marks})", chunk
            )
            self.db.execute(f"DELETE FROM suggestions WHERE id IN ({marks})", chunk)
        return fresh, kept

    def _insert_suggestions(
        self, article_id: int, suggestions: Sequence[Suggestion], stamp: str
    ) -> int:
        # one prepared statement and executemany: sqlite-utils' insert_all builds the SQL
        # and checks every value for JSON per row, ~4x the cost of the insert itself
        rows = [
            (
                article_id,
                s.kind,
                s.span.start,
                s.span.end,
                s.span.label,
                _dumps([a.to_dict() for a in s.arguments]) if s.kind == EVENT else None,
                _dumps(dict(s.attributes)) if s.kind == EVENT else None,
                s.score,
                s.source,
                s.model,
                s.model_version,
                stamp,
            )
            for s in suggestions
        ]
        self.db.conn.executemany(INSERT_SUGGESTION, rows)
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
        made = self._made_suggestions()
        out = []
        for r in self.db.execute(sql + " ORDER BY g.start, g.id", args):
            key = r[:11]  # the whole row: a suggestion row never changes, a reused id differs
            sugg = made.get(key)
            if sugg is None:
                sugg = made[key] = _suggestion(r)
            out.append((sugg, r[-1]))
        if len(made) > SUGGESTION_CACHE:
            made.clear()
        return out

    def _made_suggestions(self) -> dict[tuple, Suggestion]:
        """Suggestion objects already built from their rows (immutable, shared): switching
        back to an article builds none of its ~500 objects again (frozen dataclasses cost
        ~10 µs each)."""
        made = self.__dict__.get("_suggestion_objects")
        if made is None:
            made = self.__dict__["_suggestion_objects"] = {}
        return made
