"""Queries the window needs to browse a large project quickly (ids, next article, counts).

Kept beside ``Store`` as plain functions over it, like ``stats``; each is one indexed query
so a 100,000-article project opens and moves at once.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, overload

from annotator.store.store import Store

UNFINISHED = ("new", "in_progress")


def _filters(
    annotator: str, statuses: Sequence[str] | None, lang: str | None
) -> tuple[str, list[Any]]:
    where, args = ["1=1"], [annotator]
    if statuses:
        where.append(f"coalesce(s.status, 'new') IN ({','.join('?' * len(statuses))})")
        args.extend(statuses)
    if lang:
        where.append("a.lang = ?")
        args.append(lang.lower())
    return " AND ".join(where), args


def article_ids(
    store: Store,
    annotator: str,
    *,
    statuses: Sequence[str] | None = None,
    lang: str | None = None,
) -> list[int]:
    """Ids of the articles the list shows, in id order."""
    return list(shown_ids(store, annotator, statuses=statuses, lang=lang))


class RangeWithout(Sequence[int]):
    """The ids of a ``range`` (step 1) less a few of them, as a sequence in id order,
    without a list of a million ids: a million-article project's unfinished articles are
    all of them less the few thousand one annotator finished or skipped."""

    def __init__(self, ids: range, less: Sequence[int]) -> None:
        assert ids.step == 1
        self._ids = ids
        self._less = sorted({x for x in less if x in ids})
        # _kept[j]: how many kept ids come before the j-th removed one (non-decreasing)
        self._kept = [x - ids.start - j for j, x in enumerate(self._less)]

    def __len__(self) -> int:
        return len(self._ids) - len(self._less)

    @overload
    def __getitem__(self, i: int) -> int: ...
    @overload
    def __getitem__(self, i: slice) -> list[int]: ...
    def __getitem__(self, i: int | slice) -> int | list[int]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("RangeWithout index out of range")
        # the removed ids before the i-th kept one are those with at most i kept before them
        return self._ids.start + i + bisect.bisect_right(self._kept, i)

    def __contains__(self, x: object) -> bool:
        if not isinstance(x, int) or x not in self._ids:
            return False
        at = bisect.bisect_left(self._less, x)
        return not (at < len(self._less) and self._less[at] == x)

    def __iter__(self) -> Iterator[int]:
        less = iter(self._less)
        skip = next(less, None)
        for x in self._ids:
            if x == skip:
                skip = next(less, None)
            else:
                yield x

    def index(self, x: Any, start: int = 0, stop: int | None = None) -> int:
        if x not in self:
            raise ValueError(f"{x!r} is not in the list")
        row = x - self._ids.start - bisect.bisect_left(self._less, x)
        if row < start or (stop is not None and row >= stop):
            raise ValueError(f"{x!r} is not in the list")
        return row


def _all_ids(store: Store) -> Sequence[int]:
    """Every article id in order: a ``range`` when the ids have no gap (the usual project:
    articles are only ever added), known from the first and last id and the count without
    reading a million ids (or the table's pages, which hold the texts)."""
    # three queries: min and max read one end of the table each, count(*) the smallest
    # index; asked together, SQLite reads every row (0.3 s for a million articles)
    q = store.db.execute
    first = q("SELECT min(id) FROM articles").fetchone()[0]
    last = q("SELECT max(id) FROM articles").fetchone()[0]
    count = store.count_articles()
    if not count:
        return range(0)
    if last - first + 1 == count:
        return range(first, last + 1)
    return [r[0] for r in store.db.execute("SELECT id FROM articles ORDER BY id")]


def shown_ids(
    store: Store,
    annotator: str,
    *,
    statuses: Sequence[str] | None = None,
    lang: str | None = None,
) -> Sequence[int]:
    """:func:`article_ids` as the article list holds them, read from the small side.

    Articles without a status row are new, so the status rows of one annotator (a few
    thousand, by the ``(annotator, status)`` index) decide every status filter: a filter
    without "new" is those rows; one with "new" (Unfinished) is every article less the
    rows of the other statuses, a :class:`RangeWithout` when the ids have no gap. No
    filter on a million articles reads each article (1.4 s at 1,000,000 articles before).
    """
    if lang and languages(store) == [lang.lower()]:
        lang = None  # every article is in it: no list of a million ids (0.4 s)
    if lang:
        ids: Sequence[int] = [
            r[0]
            for r in store.db.execute(
                "SELECT id FROM articles WHERE lang = ? ORDER BY id", [lang.lower()]
            )
        ]
    else:
        ids = _all_ids(store)
    if not statuses:
        return ids
    wanted = set(statuses)
    if "new" not in wanted:
        marks = ",".join("?" * len(wanted))
        rows = store.db.execute(
            f"SELECT article_id FROM article_status WHERE annotator = ? AND status IN ({marks})"
            " ORDER BY article_id",
            [annotator, *sorted(wanted)],
        )
        found = [r[0] for r in rows]
        if not lang:
            return found
        shown = set(ids)
        return [aid for aid in found if aid in shown]
    others = sorted({"new", "in_progress", "done", "skipped"} - wanted)
    less: list[int] = []
    if others:
        marks = ",".join("?" * len(others))
        less = [
            r[0]
            for r in store.db.execute(
                "SELECT article_id FROM article_status WHERE annotator = ? "
                f"AND status IN ({marks})",
                [annotator, *others],
            )
        ]
    if not less:
        return ids
    if isinstance(ids, range):
        return RangeWithout(ids, less)
    gone = set(less)
    return [aid for aid in ids if aid not in gone]


def among(
    store: Store,
    annotator: str,
    ids: Sequence[int],
    *,
    statuses: Sequence[str] | None = None,
    lang: str | None = None,
) -> list[int]:
    """Those of ``ids`` (search hits: a few hundred) that are articles the filters show, in
    the order given: one query per 500 ids, not a read of every id in the project."""
    where, args = _filters(annotator, statuses, lang)
    shown: set[int] = set()
    for at in range(0, len(ids), 500):
        chunk = list(ids[at : at + 500])
        sql = f"""SELECT a.id FROM articles a
            LEFT JOIN article_status s ON s.article_id = a.id AND s.annotator = ?
            WHERE {where} AND a.id IN ({",".join("?" * len(chunk))})"""
        shown.update(r[0] for r in store.db.execute(sql, args + chunk))
    return [i for i in ids if i in shown]


def languages_of(store: Store, ids: Iterable[int]) -> list[str]:
    """The languages of these articles (an export's: the tokenizers it needs), one query
    per 500 ids."""
    ordered = sorted(set(ids))
    found: set[str] = set()
    for at in range(0, len(ordered), 500):
        chunk = ordered[at : at + 500]
        sql = f"SELECT DISTINCT lang FROM articles WHERE id IN ({','.join('?' * len(chunk))})"
        found.update(r[0] for r in store.db.execute(sql, chunk))
    return sorted(found)


def next_unfinished(
    store: Store, annotator: str, *, after: int = 0, lang: str | None = None
) -> int | None:
    """The first new or in-progress article after ``after`` (wrapping round), or None."""
    where, args = _filters(annotator, UNFINISHED, lang)
    sql = f"""SELECT a.id FROM articles a
        LEFT JOIN article_status s ON s.article_id = a.id AND s.annotator = ?
        WHERE {where} AND a.id > ? ORDER BY a.id LIMIT 1"""
    for start in (after, 0):
        row = store.db.execute(sql, args + [start]).fetchone()
        if row:
            return row[0]
    return None


def languages(store: Store) -> list[str]:
    """The languages of the project's articles, in order: one step of the language index
    per language (a skip scan), not a read of every article's entry (0.3 s for a million)."""
    sql = """WITH RECURSIVE l(lang) AS (
          SELECT min(lang) FROM articles
          UNION ALL SELECT (SELECT min(lang) FROM articles WHERE lang > l.lang) FROM l
          WHERE l.lang IS NOT NULL)
        SELECT lang FROM l WHERE lang IS NOT NULL"""
    return [r[0] for r in store.db.execute(sql)]


def status_counts(store: Store, annotator: str) -> dict[str, int]:
    """Articles per status for one annotator; articles without a row count as new."""
    counts = dict(
        store.db.execute(
            "SELECT status, count(*) FROM article_status WHERE annotator = ? GROUP BY status",
            [annotator],
        ).fetchall()
    )
    counts["new"] = counts.get("new", 0) + store.count_articles() - sum(counts.values())
    return counts


def models_run(store: Store, article_id: int) -> list[tuple[str, str]]:
    """(model, version) of every suggestion run on this article, import included."""
    sql = """SELECT model, model_version FROM suggestion_runs WHERE article_id = ?
        UNION SELECT DISTINCT model, model_version FROM suggestions WHERE article_id = ?
        ORDER BY 1, 2"""
    return [tuple(r) for r in store.db.execute(sql, [article_id, article_id])]


def queue(store: Store, annotator: str) -> list[int]:
    """The articles assigned to this annotator that are not done or skipped, in id order:
    their work list (``annotator assign``)."""
    sql = """SELECT a.article_id FROM assignments a
        LEFT JOIN article_status s ON s.article_id = a.article_id AND s.annotator = a.annotator
        WHERE a.annotator = ? AND coalesce(s.status, 'new') IN ('new', 'in_progress')
        ORDER BY a.article_id"""
    return [r[0] for r in store.db.execute(sql, [annotator])]


def next_assigned(store: Store, annotator: str, *, after: int = 0) -> int | None:
    """The first unfinished article assigned to this annotator after ``after`` (wrapping
    round), or None when their queue is empty."""
    sql = """SELECT a.article_id FROM assignments a
        LEFT JOIN article_status s ON s.article_id = a.article_id AND s.annotator = a.annotator
        WHERE a.annotator = ? AND coalesce(s.status, 'new') IN ('new', 'in_progress')
        AND a.article_id > ? ORDER BY a.article_id LIMIT 1"""
    for start in (after, 0):
        row = store.db.execute(sql, [annotator, start]).fetchone()
        if row:
            return row[0]
    return None


def assigned(store: Store, annotator: str) -> list[int]:
    """Every article assigned to this annotator, done or not, in id order (the window's
    "my queue" shows them all; its status filter hides the finished ones)."""
    sql = "SELECT article_id FROM assignments WHERE annotator = ? ORDER BY article_id"
    return [r[0] for r in store.db.execute(sql, [annotator])]


def unfinished_among(store: Store, annotator: str, ids: Sequence[int]) -> set[int]:
    """Which of ``ids`` (at most a few hundred: one query) are new or in progress."""
    if not ids:
        return set()
    marks = ",".join("?" * len(ids))
    sql = f"""SELECT a.id FROM articles a
        LEFT JOIN article_status s ON s.article_id = a.id AND s.annotator = ?
        WHERE a.id IN ({marks}) AND coalesce(s.status, 'new') IN ('new', 'in_progress')"""
    return {r[0] for r in store.db.execute(sql, [annotator, *ids])}
