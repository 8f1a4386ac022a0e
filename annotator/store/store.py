"""The gold dataset: one SQLite file per project, the single source of truth.

Every public write runs in one transaction (``Database.atomic``). Readers get core
objects. The GUI, the CLI and the tests share this API.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from annotator.core import commands as cmd
from annotator.core.langs import canonical_lang
from annotator.core.links import event_phrases, link_doc
from annotator.core.models import (
    ENTITY,
    EVENT,
    Article,
    ParsedDoc,
    Suggestion,
)
from annotator.core.spans import DROPPED, TRIMMED, clean_rows, clean_suggestions
from annotator.store import bulk_import as bulk
from annotator.store import gold_import as gi
from annotator.store import schema
from annotator.store.changes import ConflictError
from annotator.store.errors import StoreError
from annotator.store.gold import GoldMixin
from annotator.store.rows import (
    _ARTICLE_COLUMNS,
    AddResult,
    ArticleRow,
    GoldDoc,
    LoggedDecision,
    _article,
    _dumps,
    e_sugg,
    now,
)
from annotator.store.suggestions import (
    ADDED_TO_STORED,
    SuggestionsMixin,
    _identity,
    insert_entity_rows_sql,
)
from annotator.store.writing import WriteMixin


@dataclass(frozen=True)
class _How:
    """How :meth:`Store.add_docs` was asked to store a batch."""

    as_gold: bool
    annotator: str
    replace: bool
    tally: Counter[str] | None


# INSERT OR IGNORE: the unique hash index skips a text already stored
INSERT_ARTICLE = """INSERT OR IGNORE INTO articles (content_hash, source, external_id, lang, date,
    time, title, text, meta, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""
# the entity rows imports stored on an article (what a second file need not add again)
IMPORTED_ENTITY_ROWS = """SELECT start, "end", label FROM suggestions
    WHERE article_id = ? AND source = 'import' AND kind = 'entity'"""
RANKED_MATCHES = 20_000  # more matches than this are listed newest first, unranked


class Store(SuggestionsMixin, GoldMixin, WriteMixin):
    """A project file. ``lock_timeout``: how long a write waits for another process's
    write to finish before it gives up with :class:`LockedError` (nothing changed)."""

    def __init__(self, path: str | Path = ":memory:", *, lock_timeout: float = 30.0) -> None:
        self.path = None if str(path) == ":memory:" else Path(path)
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite_utils.Database(self.path if self.path else None, memory=self.path is None)
        try:
            self.lock_timeout = lock_timeout
            self._open()
        except BaseException:
            self.db.close()
            raise

    def _open(self) -> None:
        schema.check_project(self.db)  # before anything writes to a foreign file
        if self.path is not None and self.db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self._wait_for_lock(lambda: self.db.execute("PRAGMA journal_mode=WAL"))
        self.db.execute("PRAGMA foreign_keys=ON")
        # FULL: a committed decision survives a power cut too, not only a crash of the program
        self.db.execute("PRAGMA synchronous=FULL")
        self.migration_notes: list[str] = []  # what opening changed in the data
        self.backup_path = schema.migrate(self.db, self.path, self.write, self.migration_notes)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- articles -------------------------------------------------------------------------

    def add_docs(
        self,
        docs: Sequence[ParsedDoc],
        *,
        as_gold: bool = False,
        annotator: str = "",
        replace: bool = False,
        empty_is_gold: bool = False,
        tally: Counter[str] | None = None,
    ) -> list[AddResult]:
        """Store parsed documents in one transaction; texts already stored are not added twice.

        Spans and events in new documents become ``import`` suggestions. With ``as_gold``
        they become the annotator's gold (article marked done, one logged decision each),
        also for articles already in the project; where that annotator already has
        different gold the document is refused (``AddResult.gold == "conflict"``) unless
        ``replace``. A document whose input states no annotations is never gold (a plain
        article, ``"not_annotated"``) unless ``empty_is_gold``: then "no entity" is the truth.
        Imported suggestions are cleaned like a model's (``tally`` counts what changed).
        """
        if as_gold and not annotator:
            raise ValueError("importing as gold needs an annotator name")
        hashes = [d.derived(bulk.HASH, bulk.text_hash) for d in docs]
        stamp = now()
        with self._references_by_construction(), self.write():
            top = self.db.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0]
            # the unique hash index skips texts already stored (or twice in this batch)
            gold = [as_gold and (empty_is_gold or d.has_annotations()) for d in docs]
            self.db.conn.executemany(
                INSERT_ARTICLE,
                [self._article_row(h, d, stamp, g) for h, d, g in zip(hashes, docs, gold)],
            )
            ids = self._ids_by_hash(hashes)
            seen: set[str] = set()
            results: list[AddResult | None] = []
            how = _How(as_gold, annotator, replace, tally)
            pending = bulk.Pending()  # new articles' rows, written together
            for h, d, g in zip(hashes, docs, gold):
                new = ids[h] > top and h not in seen
                seen.add(h)
                # a text already stored takes the suggestions it brings that are not there
                writes = g or bool(d.span_count() or d.events)
                if writes and new and bulk.bulk_ready(d):
                    if g:
                        pending.gold.append((len(results), ids[h], d))
                    else:
                        pending.add_suggestions(len(results), ids[h], d)
                    results.append(None)
                    continue
                if writes:  # what waits is written first: rows stay in the documents' order
                    self._write_bulk(pending, docs, ids, hashes, results, how, stamp)
                results.append(self._add_one(ids[h], d, new, g, how))
            self._write_bulk(pending, docs, ids, hashes, results, how, stamp)
        return results  # type: ignore[return-value]

    @contextmanager
    def _references_by_construction(self) -> Iterator[None]:
        """Foreign keys unchecked for one :meth:`add_docs` transaction (SQLite only changes
        them outside a transaction; inside another one they stay on).

        Every row that transaction writes refers to an article by an id it has just read
        from ``articles`` (``_ids_by_hash``) while holding the write lock, so no reference
        can dangle; the only delete, of a new article a savepoint refused, follows the
        rollback of that article's rows. SQLite's check looks each referenced article up
        again, for each of the ~430k rows of a 10k-article bulk import (~2,200 instructions
        a row, ~8 % of the importing process's work). ``tests/store/test_bulk_add_same.py``
        checks ``PRAGMA foreign_key_check`` after imports that take every path."""
        conn = self.db.conn
        if conn.in_transaction:
            yield
            return
        conn.execute("PRAGMA foreign_keys=OFF")
        try:
            yield
        finally:
            conn.execute("PRAGMA foreign_keys=ON")

    def _write_bulk(
        self,
        pending: bulk.Pending,
        docs: Sequence[ParsedDoc],
        ids: dict[str, int],
        hashes: list[str],
        results: list[AddResult | None],
        how: _How,
        stamp: str,
    ) -> None:
        """Write what waits for the bulk path; if SQLite refuses any of it, each of those
        documents goes the per-document way instead (which names the one that failed)."""
        if not pending:
            return
        gold = {i for i, _, _ in pending.gold}
        if bulk.write(self.db.conn, pending, how.annotator, stamp):
            if how.tally is not None:
                how.tally.update(pending.cleaned)
            plain = gi.NOT_ANNOTATED if how.as_gold else ""
            for i in pending.indexes():
                outcome = gi.ADDED if i in gold else plain
                results[i] = AddResult(docs[i].source, ids[hashes[i]], True, outcome)
        else:
            for i in sorted(pending.indexes()):
                results[i] = self._add_one(ids[hashes[i]], docs[i], True, i in gold, how)
        pending.clear()

    def _add_one(
        self, article_id: int, d: ParsedDoc, new: bool, gold: bool, how: _How
    ) -> AddResult:
        """One document's annotations, in a savepoint: a document the store refuses (e.g.
        an event uid clash) leaves no trace, and the rest of the batch goes on."""
        plain = gi.NOT_ANNOTATED if how.as_gold else ""
        if not gold and not (d.span_count() or d.events):
            return AddResult(d.source, article_id, new, plain)  # nothing to write: no savepoint
        try:
            with self.db.atomic():
                if gold:  # arguments refer to entities: link them, count what changed
                    linked = link_doc(d, how.tally)
                    outcome = self._import_gold(article_id, linked, how.annotator, new, how.replace)
                else:
                    self._import_suggestions(article_id, d, now(), how.tally, stored=not new)
                    outcome = plain
        except (ConflictError, ValueError, sqlite3.IntegrityError) as exc:
            if new:  # not half a document: no article without the gold it came with
                self.db.execute("DELETE FROM articles WHERE id=?", [article_id])
            return AddResult(d.source, article_id, new, gi.FAILED, str(exc))
        return AddResult(d.source, article_id, new, outcome)

    def _ids_by_hash(self, hashes: list[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for i in range(0, len(hashes), 500):
            chunk = hashes[i : i + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT content_hash, id FROM articles WHERE content_hash IN ({marks})"
            found.update(self.db.execute(sql, chunk).fetchall())
        return found

    @staticmethod
    def _article_row(h: str, d: ParsedDoc, stamp: str, gold: bool) -> tuple[Any, ...]:
        # "partial entity gold" describes an annotator's gold, kept with their status
        meta = {k: v for k, v in d.meta.items() if k != "entities"} if gold else d.meta
        return (
            h,
            d.source,
            d.external_id,
            canonical_lang(d.lang),
            d.date,
            d.time,
            d.title,
            d.text,
            _dumps(meta),
            stamp,
        )

    def _import_suggestions(
        self,
        article_id: int,
        d: ParsedDoc,
        stamp: str,
        tally: Counter[str] | None,
        stored: bool = False,
    ) -> None:
        """The document's spans and events as ``import`` suggestions. ``stored``: the text
        was in the project already; only what no import stored there yet is added (a
        second file with the same texts adds its annotations, the same file again adds
        nothing)."""
        changed: Counter[str] = Counter()  # of a stored text: counted only if it adds
        if stored and not d.events:  # entity rows only (most documents): no objects
            # cleaned as a bulk import's worker already did (bulk_import.prepare)
            rows, trimmed, dropped = d.derived(bulk.CLEANED, bulk.cleaned)
            changed.update({TRIMMED: trimmed, DROPPED: dropped})
            there = set(self.db.execute(IMPORTED_ENTITY_ROWS, [article_id]).fetchall())
            fresh = [(article_id, *row) for row in rows if row not in there]
            if fresh:
                sql = insert_entity_rows_sql(bulk.IMPORT, bulk.IMPORT, "", stamp)
                self.db.conn.executemany(sql, fresh)
                changed[ADDED_TO_STORED] += len(fresh)
                if tally is not None:
                    tally.update(changed)
            return
        if stored:
            sugg = [Suggestion(s, source="import", model="import") for s in d.spans]
            sugg += [e_sugg(e) for e in event_phrases(d, changed)]
            sugg = clean_suggestions(d.text, sugg, changed)
            there = {_identity(s) for s in self._stored(article_id, "source='import'")}
            sugg = [s for s in sugg if _identity(s) not in there]
            if sugg:
                self._insert_suggestions(article_id, sugg, stamp)
                changed[ADDED_TO_STORED] += len(sugg)
                if tally is not None:
                    tally.update(changed)
            return
        if not d.events:  # entity spans only (most documents): as rows, no objects
            rows = clean_rows(d.text, d.span_rows(), tally)
            sql = insert_entity_rows_sql(bulk.IMPORT, bulk.IMPORT, "", stamp)
            self.db.conn.executemany(sql, [(article_id, *row) for row in rows])
            return
        sugg = [Suggestion(s, source="import", model="import") for s in d.spans]
        sugg += [e_sugg(e) for e in event_phrases(d, tally)]
        self._insert_suggestions(article_id, clean_suggestions(d.text, sugg, tally), stamp)

    def _import_gold(
        self, article_id: int, d: ParsedDoc, annotator: str, new: bool, replace: bool
    ) -> str:
        row = self.db.execute(
            "SELECT entities FROM article_status WHERE article_id=? AND annotator=?",
            [article_id, annotator],
        ).fetchone()
        old = gi.Existing(
            self.gold_spans(article_id, annotator),
            self.gold_events(article_id, annotator),
            self.status(article_id, annotator),
            row[0] if row else None,
        )
        command = gi.gold_command(d, old, "import:replace" if old.has_gold else "import")
        outcome = gi.outcome(command, old, new, replace, merge=gi.merges(d, old))
        if not command or outcome == gi.CONFLICT:
            return outcome
        decided = gi.decide_suggestions(d, self.suggestions(article_id, annotator))
        self.apply(
            article_id, annotator, cmd.Command(command.action, command.changes + tuple(decided))
        )
        return outcome

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
            args.append(canonical_lang(lang))
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
        """Ids of articles matching an FTS5 query (plain words work), best first (when
        more than ``RANKED_MATCHES`` match: the newest first)."""
        with contextlib.suppress(sqlite3.Error, StoreError):  # read-only, busy: what is indexed
            self.update_search_index()
        # every word as a prefix: "Uzbek" finds Uzbekistan too, as a search box should
        words = " ".join(f'"{w}"*' for w in query.replace('"', " ").split())
        if not words:
            return []
        # bm25 for every match costs ~1-2 us each (600 ms for a common word of a million
        # articles): ranked when the matches are few, else the newest first (rowid order
        # is the index's own: no sort)
        few = self.db.execute(
            "SELECT count(*) FROM (SELECT 1 FROM articles_fts WHERE articles_fts MATCH ? LIMIT ?)",
            [words, RANKED_MATCHES + 1],
        ).fetchone()[0]
        order = "rank" if few <= RANKED_MATCHES else "rowid DESC"
        sql = f"SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY {order} LIMIT ?"
        return [r[0] for r in self.db.execute(sql, [words, limit])]

    def update_search_index(self) -> int:
        """Index articles added since the last search; return how many were indexed.

        Done lazily so that bulk imports stay at raw insert speed.
        """
        done = int(self._meta("fts_upto") or 0)
        top = self.db.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0]
        if top <= done:
            return 0
        with self.write():
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


__all__ = ["Store", "AddResult", "ArticleRow", "GoldDoc", "LoggedDecision", "ENTITY", "EVENT"]
