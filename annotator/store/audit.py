"""Check a project: SQLite's own checks, and the decisions log replayed against the tables.

Every change to gold, suggestion states and status goes through a logged decision, so
replaying an (article, annotator)'s decisions in order from nothing must give exactly what
the tables hold. A difference means something wrote to the tables outside the log (another
program, a bug): ``annotator check`` names it instead of letting it pass silently.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from annotator.core import commands as cmd
from annotator.core.links import unlinked
from annotator.core.models import ANY_SPAN, Event, Span
from annotator.store.rows import _change
from annotator.store.store import Store


@dataclass
class Replayed:
    """What the log says one annotator's gold of one article is."""

    spans: set[Span] = field(default_factory=set)
    events: dict[str, Event] = field(default_factory=dict)
    states: dict[int, str] = field(default_factory=dict)
    status: str = "new"

    def apply(self, change: cmd.Change) -> None:
        before, after = change.before, change.after
        if change.kind == cmd.SPAN:
            if before is not None:
                self.spans.discard(Span.from_dict(before))
            if after is not None:
                self.spans.add(Span.from_dict(after))
        elif change.kind == cmd.EVENT:
            if before is not None:
                self.events.pop(before["uid"], None)
            if after is not None:
                self.events[after["uid"]] = Event.from_dict(after)
        elif change.kind == cmd.SUGGESTION:
            value = after or before or {}
            self.states[value["id"]] = (after or {}).get("state", cmd.PENDING)
        elif change.kind == cmd.STATUS:
            self.status = (after or {}).get("status", "new")


def replay(store: Store, article_id: int, annotator: str) -> Replayed:
    """The state the decisions log of this article and annotator leads to."""
    state = Replayed()
    sql = "SELECT before, after FROM decisions WHERE article_id=? AND annotator=? ORDER BY id"
    for before, after in store.db.execute(sql, [article_id, annotator]):
        for b, a in zip(json.loads(before), json.loads(after)):
            state.apply(_change(b, a))
    return state


def differences(store: Store, article_id: int, annotator: str) -> list[str]:
    """How the tables differ from the replayed log (empty: they agree)."""
    log = replay(store, article_id, annotator)
    out = []
    spans = set(store.gold_spans(article_id, annotator))
    if spans != log.spans:
        out.append(f"gold spans differ from the log: {_diff(spans, log.spans)}")
    events = {e.uid: e for e in store.gold_events(article_id, annotator)}
    changed = sorted(u for u in events.keys() & log.events.keys() if events[u] != log.events[u])
    if events.keys() != log.events.keys() or changed:
        diff = _diff(set(events), set(log.events))
        edited = f", {len(changed)} edited outside the log {changed[:2]}" if changed else ""
        out.append(f"gold events differ from the log: {diff}{edited}")
    states = {s.id: st for s, st in store.suggestions(article_id, annotator) if s.id is not None}
    wrong = [sid for sid, st in states.items() if log.states.get(sid, cmd.PENDING) != st]
    if wrong:
        out.append(f"suggestion states differ from the log: ids {wrong[:5]}")
    loose = unlinked(spans, events.values())
    if loose:
        what = [f"{a.role} {a.span.start}..{a.span.end} {a.span.label}" for _, a in loose[:3]]
        out.append(f"{len(loose)} event arguments without their gold entity: {what}")
    if store.status(article_id, annotator) != log.status:
        out.append(f"status is {store.status(article_id, annotator)}, the log says {log.status}")
    return out


def _diff(table: set[Any], log: set[Any]) -> str:
    extra, missing = sorted(map(str, table - log)), sorted(map(str, log - table))
    return f"{len(extra)} not in the log {extra[:2]}, {len(missing)} missing {missing[:2]}"


def check(store: Store) -> list[str]:
    """Every problem found, one line each (empty: the project is sound)."""
    problems = [
        f"integrity_check: {r[0]}"
        for r in store.db.execute("PRAGMA integrity_check")
        if r[0] != "ok"
    ]
    problems += [
        f"foreign key: {table} row {rowid} points at a missing {parent} row"
        for table, rowid, parent, _ in store.db.execute("PRAGMA foreign_key_check")
    ]
    pairs = store.db.execute(
        """SELECT article_id, annotator FROM decisions UNION
        SELECT article_id, annotator FROM gold_spans UNION
        SELECT article_id, annotator FROM gold_events UNION
        SELECT article_id, annotator FROM article_status ORDER BY 1, 2"""
    ).fetchall()
    for aid, who in pairs:
        problems += [f"article {aid}, {who}: {p}" for p in differences(store, aid, who)]
    # SPAN is the label of event argument phrases: gold entities with it (imported before
    # imports refused them) would be taught to a model as an entity type
    problems += [
        f"article {aid}, {who}: gold entity {start}..{end} is labelled {ANY_SPAN}, the label "
        "of event argument phrases, not of an entity: relabel or delete it"
        for aid, who, start, end in store.db.execute(
            'SELECT article_id, annotator, start, "end" FROM gold_spans WHERE label = ? '
            "ORDER BY 1, 2, 3, 4",
            [ANY_SPAN],
        )
    ]
    # an event taken for an entity (accepted event suggestions did so before they kept an
    # argument naming another event as its trigger's phrase): a gold entity labelled with
    # the type of the gold event whose trigger it is
    problems += [
        f"article {aid}, {who}: gold entity {start}..{end} is labelled {label}, the type of "
        "the event whose trigger it is: an event taken for an entity (an argument naming "
        "that event is its phrase): delete it, or relabel it if it is an entity too"
        for aid, who, start, end, label in store.db.execute(
            'SELECT DISTINCT s.article_id, s.annotator, s.start, s."end", s.label '
            "FROM gold_spans s JOIN gold_events e ON e.article_id = s.article_id "
            "AND e.annotator = s.annotator AND e.trigger_start = s.start "
            'AND e.trigger_end = s."end" AND e.type = s.label ORDER BY 1, 2, 3, 4'
        )
    ]
    return problems
