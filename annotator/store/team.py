"""Team annotation in one project: assignments, each annotator's versions of an article,
what waits for adjudication, and which annotator an export should use.

Plain functions over a :class:`Store`, like :mod:`annotator.store.browse`. The adjudicated
gold is an annotator of its own, ``gold`` (:data:`ADJUDICATOR`), with its own decisions
log and undo; nothing here writes gold.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from annotator.core.adjudication import ADJUDICATOR, Comparison, Version, compare
from annotator.core.models import PARTIAL, Argument, Event, Span
from annotator.store.rows import now
from annotator.store.store import Store

RESERVED_NAME = (
    f"'{ADJUDICATOR}' is the name of the adjudicated version (Team → Adjudicate, "
    "Ctrl+Shift+A): choose another annotator name"
)
# past this many annotator combinations, rotate windows of consecutive annotators instead
_MAX_COMBINATIONS = 5000


@dataclass(frozen=True)
class AssignResult:
    articles: int  # articles newly assigned
    rows: int  # (article, annotator) rows written


def _groups(names: Sequence[str], overlap: int) -> list[tuple[str, ...]]:
    """The annotator groups articles rotate through: every combination of ``overlap``
    annotators, so that every annotator and every pair get the same share."""
    count = 1
    for k in range(overlap):  # C(n, overlap) without building it first
        count = count * (len(names) - k) // (k + 1)
    if count <= _MAX_COMBINATIONS:
        return list(combinations(names, overlap))
    n = len(names)
    return [tuple(names[(s + k) % n] for k in range(overlap)) for s in range(n)]


def check_team(names: Sequence[str], overlap: int) -> list[str]:
    """The annotator names, sorted; ValueError with one line when the options are bad."""
    if not names:
        raise ValueError("no annotators given")
    if any(not n.strip() for n in names):
        raise ValueError("an annotator name is empty")
    if ADJUDICATOR in names:  # the adjudicated version has no queue: nobody works as it
        raise ValueError(f"--annotators: {RESERVED_NAME}")
    twice = sorted({n for n in names if list(names).count(n) > 1})
    if twice:
        raise ValueError(f"annotator {twice[0]!r} is named twice")
    if overlap < 1:
        raise ValueError(f"--overlap {overlap}: each article needs at least 1 annotator")
    if overlap > len(names):
        given = f"{len(names)} annotator{'' if len(names) == 1 else 's'}"
        raise ValueError(
            f"--overlap {overlap}: each article would need {overlap} different annotators, "
            f"and --annotators names {given}"
        )
    return sorted(names)


def assign(store: Store, annotators: Sequence[str], *, overlap: int) -> AssignResult:
    """Assign every article that has no assignment yet to ``overlap`` of ``annotators``.

    Deterministic and balanced: the unassigned articles, in content-hash order, rotate
    through every group of ``overlap`` annotators (sorted by name), continuing where the
    articles already assigned left off; what was assigned before stays. One transaction.
    """
    names = check_team(annotators, overlap)
    groups = _groups(names, overlap)
    stamp = now()
    with store.write():
        done = store.db.execute("SELECT count(DISTINCT article_id) FROM assignments").fetchone()[0]
        todo = [
            r[0]
            for r in store.db.execute(
                "SELECT id FROM articles WHERE id NOT IN (SELECT article_id FROM assignments) "
                "ORDER BY content_hash"
            )
        ]
        rows = [
            (aid, who, stamp)
            for i, aid in enumerate(todo)
            for who in groups[(done + i) % len(groups)]
        ]
        store.db.conn.executemany(
            "INSERT INTO assignments(article_id, annotator, assigned_at) VALUES (?, ?, ?)", rows
        )
    return AssignResult(len(todo), len(rows))


def assignments(store: Store) -> dict[int, list[str]]:
    """Article id → its annotators (sorted), for the articles that are assigned."""
    out: dict[int, list[str]] = {}
    sql = "SELECT article_id, annotator FROM assignments ORDER BY article_id, annotator"
    for aid, who in store.db.execute(sql):
        out.setdefault(aid, []).append(who)
    return out


def assigned_counts(store: Store) -> dict[str, int]:
    sql = "SELECT annotator, count(*) FROM assignments GROUP BY 1 ORDER BY 1"
    return dict(store.db.execute(sql).fetchall())


def members(store: Store) -> dict[str, tuple[int, int]]:
    """Every annotator the project knows: name → (articles assigned, articles with their
    work: a status, gold or a logged decision)."""
    assigned = assigned_counts(store)
    sql = """SELECT annotator, count(DISTINCT article_id) FROM (
        SELECT annotator, article_id FROM article_status UNION ALL
        SELECT annotator, article_id FROM gold_spans UNION ALL
        SELECT annotator, article_id FROM gold_events UNION ALL
        SELECT annotator, article_id FROM decisions) GROUP BY 1"""
    worked = dict(store.db.execute(sql).fetchall())
    return {w: (assigned.get(w, 0), worked.get(w, 0)) for w in sorted({*assigned, *worked})}


def default_export_annotator(store: Store) -> str | None:
    """The annotator an export uses when none is named: the adjudicated ``gold`` when it
    has any gold or status, else None (every annotator, as before)."""
    sql = """SELECT 1 FROM article_status WHERE annotator = ? UNION ALL
        SELECT 1 FROM gold_spans WHERE annotator = ? UNION ALL
        SELECT 1 FROM gold_events WHERE annotator = ? LIMIT 1"""
    found = store.db.execute(sql, [ADJUDICATOR] * 3).fetchone()
    return ADJUDICATOR if found else None


def versions(
    store: Store,
    article_id: int,
    annotators: Iterable[str] | None = None,
    *,
    with_adjudicator: bool = False,
) -> dict[str, Version]:
    """Each annotator's version of one article (gold spans, events, status, whether the
    entities are partial): the adjudicator ``gold`` is left out unless named (or
    ``with_adjudicator``). Four
    queries for all of them (the window's review mode opens on this)."""
    db, aid = store.db, [article_id]
    status = {
        who: (st, flag)
        for who, st, flag in db.execute(
            "SELECT annotator, status, entities FROM article_status WHERE article_id = ?", aid
        )
    }
    spans: dict[str, list[Span]] = {}
    sql = """SELECT annotator, start, "end", label FROM gold_spans WHERE article_id = ?
        ORDER BY start, "end", label"""
    # one object per distinct span: versions mostly agree, and the comparison's set
    # operations then find equal spans by identity
    made: dict[tuple[int, int, str], Span] = {}
    for who, *key in db.execute(sql, aid):
        key = tuple(key)
        span = made.get(key)
        if span is None:
            span = made[key] = Span(*key)
        spans.setdefault(who, []).append(span)
    events = _events_by_annotator(store, article_id)
    if annotators is None:
        names = set(status) | set(spans) | set(events)
        annotators = sorted(n for n in names if with_adjudicator or n != ADJUDICATOR)
    out = {}
    for who in annotators:
        st, flag = status.get(who, ("new", None))
        out[who] = Version(
            tuple(spans.get(who, ())), tuple(events.get(who, ())), st, flag == PARTIAL
        )
    return out


def _events_by_annotator(store: Store, article_id: int) -> dict[str, list[Event]]:
    """Every annotator's gold events of an article, as ``Store.gold_events`` gives them."""
    args: dict[str, list[Argument]] = {}
    sql = """SELECT g.event_uid, g.role, g.start, g."end", g.label FROM gold_arguments g
        JOIN gold_events e ON e.uid = g.event_uid WHERE e.article_id = ?
        ORDER BY g.event_uid, g.position"""
    for uid, role, start, end, label in store.db.execute(sql, [article_id]):
        args.setdefault(uid, []).append(Argument(role, Span(start, end, label)))
    out: dict[str, list[Event]] = {}
    sql = """SELECT uid, annotator, trigger_start, trigger_end, type, attributes
        FROM gold_events WHERE article_id = ? ORDER BY trigger_start, created_at, uid"""
    for uid, who, start, end, kind, attrs in store.db.execute(sql, [article_id]):
        attributes = tuple(sorted(json.loads(attrs or "{}").items()))
        event = Event(Span(start, end, kind), tuple(args.get(uid, ())), attributes, uid)
        out.setdefault(who, []).append(event)
    return out


_BATCH = 400  # articles per query in versions_of


def versions_of(store: Store, wanted: dict[int, list[str]]) -> dict[int, dict[str, Version]]:
    """:func:`versions` of many articles, each for the annotators named, in four queries
    per batch of articles instead of four per article (``stats`` reads the versions of
    every article two annotators finished: thousands in a million-article project)."""
    out: dict[int, dict[str, Version]] = {}
    ids = sorted(wanted)
    for at in range(0, len(ids), _BATCH):
        chunk = ids[at : at + _BATCH]
        marks = ",".join("?" * len(chunk))
        q = store.db.execute
        status = {
            (aid, who): (st, flag)
            for aid, who, st, flag in q(
                "SELECT article_id, annotator, status, entities FROM article_status "
                f"WHERE article_id IN ({marks})",
                chunk,
            )
        }
        spans: dict[tuple[int, str], list[Span]] = {}
        made: dict[tuple[int, int, int, str], Span] = {}
        sql = f"""SELECT article_id, annotator, start, "end", label FROM gold_spans
            WHERE article_id IN ({marks}) ORDER BY article_id, start, "end", label"""
        for aid, who, start, end, label in q(sql, chunk):
            key = (aid, start, end, label)  # one object per distinct span of an article
            span = made.get(key)
            if span is None:
                span = made[key] = Span(start, end, label)
            spans.setdefault((aid, who), []).append(span)
        args: dict[int, list[Argument]] = {}
        sql = f"""SELECT g.event_uid, g.role, g.start, g."end", g.label FROM gold_arguments g
            JOIN gold_events e ON e.uid = g.event_uid WHERE e.article_id IN ({marks})
            ORDER BY g.event_uid, g.position"""
        for uid, role, start, end, label in q(sql, chunk):
            args.setdefault(uid, []).append(Argument(role, Span(start, end, label)))
        events: dict[tuple[int, str], list[Event]] = {}
        sql = f"""SELECT article_id, uid, annotator, trigger_start, trigger_end, type, attributes
            FROM gold_events WHERE article_id IN ({marks})
            ORDER BY article_id, trigger_start, created_at, uid"""
        for aid, uid, who, start, end, kind, attrs in q(sql, chunk):
            attributes = tuple(sorted(json.loads(attrs or "{}").items()))
            event = Event(Span(start, end, kind), tuple(args.get(uid, ())), attributes, uid)
            events.setdefault((aid, who), []).append(event)
        for aid in chunk:
            found = out[aid] = {}
            for who in wanted[aid]:
                st, flag = status.get((aid, who), ("new", None))
                found[who] = Version(
                    tuple(spans.get((aid, who), ())),
                    tuple(events.get((aid, who), ())),
                    st,
                    flag == PARTIAL,
                )
    return out


def adjudication(store: Store, article_id: int, annotators: Iterable[str] | None = None):  # noqa: ANN201
    """For the window's review mode: each annotator's version of the article, the items
    they all agree on and the disagreements (:func:`annotator.core.adjudication.compare`)."""
    return compare(versions(store, article_id, annotators))


def review(store: Store, article_id: int) -> tuple[Comparison, Version]:
    """The window's review mode in one read: :func:`adjudication` of every annotator,
    and the adjudicated version (``gold``) as it stands."""
    found = versions(store, article_id, with_adjudicator=True)
    gold = found.pop(ADJUDICATOR, Version())
    return compare(found), gold


def waiting_for_adjudication(store: Store, limit: int | None = None) -> list[int]:
    """Articles done by two or more annotators (the adjudicator aside) whose gold differs,
    and that the adjudicator ``gold`` has not started, in id order."""
    sql = """SELECT article_id, group_concat(annotator, char(31)) FROM article_status
        WHERE status = 'done' AND annotator != ?
        AND article_id NOT IN (SELECT article_id FROM article_status WHERE annotator = ?
          AND status != 'new')
        GROUP BY article_id HAVING count(*) >= 2 ORDER BY article_id"""
    rows = store.db.execute(sql, [ADJUDICATOR, ADJUDICATOR]).fetchall()
    out: list[int] = []
    for at in range(0, len(rows), _BATCH):  # a batch at a time: a limit reads little
        wanted = {aid: sorted(who.split("\x1f")) for aid, who in rows[at : at + _BATCH]}
        found = versions_of(store, wanted)
        for aid in sorted(found):
            if compare(found[aid]).disagreements:
                out.append(aid)
                if limit is not None and len(out) >= limit:
                    return out
    return out


def agreement_docs(store: Store, annotators: Iterable[str] | None = None) -> tuple[list, list[str]]:
    """The articles for agreement: every article at least one of ``annotators`` marked
    done (by default every annotator but the adjudicator), with the versions of those who
    did; and the annotators. Read in batches (``Store.iter_gold``)."""
    from annotator.core.agreement import Doc

    wanted = None if annotators is None else set(annotators)
    by_article: dict[int, tuple] = {}
    for g in store.iter_gold(status="done"):
        if (wanted is None and g.annotator == ADJUDICATOR) or (
            wanted is not None and g.annotator not in wanted
        ):
            continue
        text, versions = by_article.setdefault(g.article.id, (g.article.text, {}))
        partial = g.article.meta.get("entities") == PARTIAL
        versions[g.annotator] = Version(tuple(g.spans), tuple(g.events), "done", partial)
    docs = [Doc(aid, text, versions) for aid, (text, versions) in sorted(by_article.items())]
    names = sorted(wanted if wanted is not None else {w for d in docs for w in d.versions})
    return docs, names


def shared_docs(store: Store) -> tuple[list, list[str]]:
    """What :func:`agreement_docs` gives, kept to the articles two or more annotators
    finished, read for those articles only (a million-article project has thousands done
    by one annotator: reading all their gold took most of ``stats``)."""
    from annotator.core.agreement import Doc

    q = store.db.execute
    names = [r[0] for r in q(
        "SELECT DISTINCT annotator FROM article_status WHERE status = 'done' AND annotator != ? "
        "ORDER BY 1", [ADJUDICATOR])]  # fmt: skip
    sql = """SELECT article_id, group_concat(annotator, char(31)) FROM article_status
        WHERE status = 'done' AND annotator != ? GROUP BY article_id HAVING count(*) >= 2
        ORDER BY article_id"""
    wanted = {aid: sorted(who.split("\x1f")) for aid, who in q(sql, [ADJUDICATOR]).fetchall()}
    found = versions_of(store, wanted)
    ids = sorted(wanted)
    texts: dict[int, str] = {}
    for at in range(0, len(ids), _BATCH):
        chunk = ids[at : at + _BATCH]
        marks = ",".join("?" * len(chunk))
        texts.update(q(f"SELECT id, text FROM articles WHERE id IN ({marks})", chunk))
    return [Doc(aid, texts[aid], found[aid]) for aid in ids], names


def team_stats(store: Store, *, examples: int = 5) -> dict:
    """For ``annotator stats``: per-annotator progress on their assignments, agreement so
    far (on the articles two or more finished), and articles waiting for adjudication."""
    from annotator.core.agreement import agreement

    assigned = assigned_counts(store)
    progress = {}
    sql = """SELECT s.annotator, s.status, count(*) FROM assignments a JOIN article_status s
        ON s.article_id = a.article_id AND s.annotator = a.annotator GROUP BY 1, 2"""
    rows = store.db.execute(sql).fetchall()
    for who, total in assigned.items():
        counts = {st: n for w, st, n in rows if w == who}
        finished = counts.get("done", 0) + counts.get("skipped", 0)
        progress[who] = {"assigned": total, **counts, "to_do": total - finished}
    shared, names = shared_docs(store)
    summary = None
    if len(names) >= 2 and shared:
        overall = agreement(shared, names)["overall"]
        keys = ("mean_cohen_kappa", "mean_span_f1_exact", "alpha_nominal", "alpha_unitizing")
        bases = ("articles_all_annotators_full_entities", "articles_two_or_more_full_entities")
        summary = {"articles": len(shared), **{k: overall[k] for k in keys + bases}}
    # what waits for adjudication, from the versions just read (the same articles: done
    # by two or more), less those the adjudicator has started
    started = {
        r[0]
        for r in store.db.execute(
            "SELECT article_id FROM article_status WHERE annotator = ? AND status != 'new'",
            [ADJUDICATOR],
        )
    }
    waiting = [
        d.article_id
        for d in shared
        if d.article_id not in started and compare(d.versions).disagreements
    ]
    return {
        "progress": progress,
        "agreement": summary,
        "waiting_for_adjudication": {"count": len(waiting), "examples": waiting[:examples]},
    }
