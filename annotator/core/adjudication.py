"""Annotators' versions of one article side by side: what they all agree on, and where
they differ (for adjudication: take one annotator's item, take none, or edit).

Pure: the store hands in each annotator's gold (:class:`Version`); the window shows
:class:`Comparison`. Entities are compared exactly (offsets and label); an annotator whose
entity gold is partial (made for events) has no say on entities, only on events. Events
are compared by content (trigger, type, arguments, attributes); their uids are private
to each annotator. A disagreement is a region of the text: overlapping items that not
everyone has, grouped, with each annotator's items in it (an empty tuple: "none here").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from annotator.core import commands as cmd
from annotator.core.commands import Change, Command
from annotator.core.links import carry_over, link_event
from annotator.core.models import Event, Span, new_uid

# the adjudicated version's annotator name: built from the annotators' versions, never from
# suggestions (none is pending for it), and no annotator may take the name
ADJUDICATOR = "gold"

SPAN, EVENT = "span", "event"


@dataclass(frozen=True)
class Version:
    """One annotator's gold of one article."""

    spans: tuple[Span, ...] = ()
    events: tuple[Event, ...] = ()
    status: str = "new"
    partial: bool = False  # the entity gold marks only some entities

    @property
    def is_empty(self) -> bool:
        return not self.spans and not self.events


@dataclass(frozen=True)
class Disagreement:
    kind: str  # span | event
    start: int  # the region of text the items cover
    end: int
    items: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)  # annotator → items

    def to_dict(self) -> dict[str, Any]:
        dump = (lambda s: s.to_dict()) if self.kind == SPAN else (lambda e: e.to_dict())
        return {
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "items": {who: [dump(x) for x in xs] for who, xs in self.items.items()},
        }


@dataclass(frozen=True)
class Comparison:
    versions: Mapping[str, Version]
    agreed_spans: tuple[Span, ...]
    agreed_events: tuple[Event, ...]
    disagreements: tuple[Disagreement, ...]

    @property
    def annotators(self) -> list[str]:
        return sorted(self.versions)

    def next_disagreement(self, after: int = -1) -> Disagreement | None:
        """The first disagreement starting after offset ``after`` (wrapping round)."""
        later = [d for d in self.disagreements if d.start > after]
        return (later or list(self.disagreements) or [None])[0]


def compare(versions: Mapping[str, Version]) -> Comparison:
    """Agreed items and disagreements of the given annotators' versions."""
    names = sorted(versions)
    voters = [n for n in names if not versions[n].partial] or names
    span_sets = {n: set(versions[n].spans) for n in voters}
    agreed = set.intersection(*span_sets.values()) if span_sets else set()
    left = {n: sorted(s - agreed, key=_span_order) for n, s in span_sets.items()}
    span_regions = _regions(left, lambda s: (s.start, s.end), SPAN)
    agreed_events, event_left = _events(versions, names)
    event_regions = _regions(event_left, lambda e: (e.trigger.start, e.trigger.end), EVENT)
    regions = sorted(span_regions + event_regions, key=lambda d: (d.start, d.end, d.kind))
    agreed_spans = tuple(sorted(agreed, key=_span_order))
    return Comparison(dict(versions), agreed_spans, agreed_events, tuple(regions))


def _span_order(s: Span) -> tuple[int, int, str]:
    """Spans' own order (start, end, label), without a comparison call per pair."""
    return (s.start, s.end, s.label)


def _events(
    versions: Mapping[str, Version], names: Sequence[str]
) -> tuple[tuple[Event, ...], dict[str, list[Event]]]:
    """Events everyone has (by content, once per copy everyone has), and the rest."""
    if not names:
        return (), {}
    left = {n: list(versions[n].events) for n in names}
    agreed = []
    for event in list(left[names[0]]):
        if all(event in left[n] for n in names[1:]):
            agreed.append(event)
            for n in names:
                left[n].remove(event)  # equality ignores the uid: the first equal one
    return tuple(sorted(agreed, key=_event_key)), left


def _event_key(e: Event) -> tuple:
    return (e.trigger.start, e.trigger.end, e.type, tuple((a.role, a.span) for a in e.arguments))


def _regions(left: Mapping[str, list], extent, kind: str) -> list[Disagreement]:  # noqa: ANN001
    """Group the items nobody-agrees-on into regions of overlapping extents."""
    tagged = sorted(
        ((*extent(x), who, i) for who, xs in left.items() for i, x in enumerate(xs)),
        key=lambda t: (t[0], t[1], t[2], t[3]),
    )
    out: list[Disagreement] = []
    group: list[tuple] = []
    end = -1
    for item in tagged:
        if group and item[0] >= end:
            out.append(_region(group, left, kind))
            group = []
        group.append(item)
        end = max(end, item[1]) if len(group) > 1 else item[1]
    if group:
        out.append(_region(group, left, kind))
    return out


def _region(group: list[tuple], left: Mapping[str, list], kind: str) -> Disagreement:
    picked: dict[str, list] = {who: [] for who in left}
    for _, _, who, i in group:
        picked[who].append(left[who][i])
    items = {who: tuple(xs) for who, xs in picked.items()}
    start = min(t[0] for t in group)
    end = max(t[1] for t in group)
    return Disagreement(kind, start, end, items)


# -- the adjudication table and its commands ------------------------------------------------

MERGE, TAKE, TAKE_NONE = "adjudicate:agreed", "adjudicate:take", "adjudicate:none"


@dataclass(frozen=True)
class Row:
    """One distinct item (an entity span or an event, by content) of the article: who has
    it, the adjudicated version's copy of it (an event keeps the adjudicator's uid), and
    the disagreement it belongs to (None: none)."""

    kind: str  # span | event
    item: Any  # Span | Event
    has: frozenset[str]
    gold: Any = None  # None: not in the adjudicated version
    region: int | None = None
    agreed: bool = False  # every annotator with a say has it

    @property
    def span(self) -> Span:
        """The span the text shows for it: the entity, or the event's trigger."""
        return self.item if self.kind == SPAN else self.item.trigger

    @property
    def label(self) -> str:
        return self.span.label


def table_rows(
    comparison: Comparison, gold_spans: Sequence[Span] = (), gold_events: Sequence[Event] = ()
) -> list[Row]:
    """The rows of the adjudication table, in text order: every item any annotator or the
    adjudicated version has."""
    names = comparison.annotators
    versions = comparison.versions
    voters = frozenset(n for n in names if not versions[n].partial) or frozenset(names)
    region = {
        (d.kind, x): i
        for i, d in enumerate(comparison.disagreements)
        for xs in d.items.values()
        for x in xs
    }
    spans: dict[Span, set[str]] = {}
    events: dict[Event, set[str]] = {}
    for who in names:
        for s in versions[who].spans:
            spans.setdefault(s, set()).add(who)
        for e in versions[who].events:
            events.setdefault(e, set()).add(who)
    gold_span_set = set(gold_spans)
    gold_event_of = {e: e for e in gold_events}  # content → the adjudicator's copy
    rows = [
        Row(
            SPAN,
            s,
            frozenset(w),
            s if s in gold_span_set else None,
            region.get((SPAN, s)),
            voters <= w,
        )
        for s, w in spans.items()
    ]
    rows += [
        Row(EVENT, e, frozenset(w), gold_event_of.get(e), region.get((EVENT, e)), set(names) <= w)
        for e, w in events.items()
    ]
    rows += [
        Row(SPAN, s, frozenset(), s, _region_at(comparison, SPAN, s.start, s.end))
        for s in gold_spans
        if s not in spans
    ]
    rows += [
        Row(EVENT, e, frozenset(), e, _region_at(comparison, EVENT, e.trigger.start, e.trigger.end))
        for e in gold_events
        if e not in events
    ]
    return sorted(rows, key=_row_key)


def _row_key(r: Row) -> tuple:
    s = r.span
    args = tuple((a.role, a.span) for a in r.item.arguments) if r.kind == EVENT else ()
    return (s.start, s.end, r.kind != SPAN, s.label, args)


def _region_at(comparison: Comparison, kind: str, start: int, end: int) -> int | None:
    for i, d in enumerate(comparison.disagreements):
        if d.kind == kind and d.start < end and start < d.end:
            return i
    return None


def group_of(rows: Sequence[Row], index: int) -> list[Row]:
    """The rows a take acts on: the current row's whole disagreement, or the row alone."""
    row = rows[index]
    if row.region is None:
        return [row]
    return [r for r in rows if r.region == row.region]


def take_command(
    rows: Sequence[Row],
    index: int,
    who: str | None,
    gold_spans: Sequence[Span],
    gold_events: Sequence[Event],
) -> Command | None:
    """The adjudicated version of the current row's disagreement becomes ``who``'s version
    of it (``who`` None: nothing there). One command: the items of the group the
    adjudicated version has and ``who`` has not go, ``who``'s it lacks come in (an event
    with the entities its arguments need); the arguments of other events follow a
    relabelled entity, or go with a removed one. None when nothing changes."""
    group = group_of(rows, index)
    want = [r.item for r in group if who is not None and who in r.has]
    drop = [r.gold for r in group if r.gold is not None and r.item not in want]
    have = {r.item for r in group if r.gold is not None}
    add = [x for x in want if x not in have]
    # the entities the adjudicated version holds once the group's spans have changed
    spans_after = set(gold_spans) - {x for x in drop if isinstance(x, Span)}
    spans_after |= {x for x in add if isinstance(x, Span)}
    changes = _span_changes(drop, add, gold_events) + _event_changes(drop, add, spans_after)
    action = TAKE if who is not None else TAKE_NONE
    return Command(action, tuple(changes)) if changes else None


def _span_changes(drop: list, add: list, gold_events: Sequence[Event]) -> list[Change]:
    gone = [x for x in drop if isinstance(x, Span)]
    new = [x for x in add if isinstance(x, Span)]
    if not gone and not new:
        return []
    by_offsets = {(s.start, s.end): s for s in new}
    renamed = {s: by_offsets.get((s.start, s.end)) for s in gone}
    changes = [cmd.remove_span(s) for s in gone] + [cmd.add_span(s) for s in new]
    return changes + carry_over(gold_events, renamed)


def _event_changes(drop: list, add: list, spans_after: set[Span]) -> list[Change]:
    changes = [cmd.remove_event(e) for e in drop if isinstance(e, Event)]
    for e in (x for x in add if isinstance(x, Event)):
        changes += _event_in(e, spans_after)
    return changes


def _event_in(event: Event, have: set[Span]) -> list[Change]:
    """An annotator's event added to the adjudicated version as accepting it adds one
    (:func:`annotator.core.links.link_event`): each argument on the adjudicated entity at
    its offsets (whose label wins) or on a new one; a SPAN phrase (a topic, an indicator)
    stays a phrase and never becomes an entity. ``have`` takes the new entities."""
    linked, changes = link_event(replace(event, uid=new_uid()), have)
    have.update(Span.from_dict(c.after) for c in changes if c.kind == cmd.SPAN and c.after)
    return [*changes, cmd.add_event(linked)]


def merge_command(
    comparison: Comparison, gold_spans: Sequence[Span], gold_events: Sequence[Event]
) -> Command | None:
    """What the annotators all agree on and the adjudicated version lacks, added (with
    the entities an agreed event's arguments need). None when it has it all."""
    have = set(gold_spans)
    changes = [cmd.add_span(s) for s in comparison.agreed_spans if s not in have]
    have.update(comparison.agreed_spans)
    gold = list(gold_events)
    for e in comparison.agreed_events:
        if e in gold:
            gold.remove(e)  # one copy per agreed copy
            continue
        changes += _event_in(e, have)
    return Command(MERGE, tuple(changes)) if changes else None
