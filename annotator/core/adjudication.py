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
from dataclasses import dataclass, field
from typing import Any

from annotator.core.models import Event, Span

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
    left = {n: sorted(s - agreed) for n, s in span_sets.items()}
    span_regions = _regions(left, lambda s: (s.start, s.end), SPAN)
    agreed_events, event_left = _events(versions, names)
    event_regions = _regions(event_left, lambda e: (e.trigger.start, e.trigger.end), EVENT)
    regions = sorted(span_regions + event_regions, key=lambda d: (d.start, d.end, d.kind))
    return Comparison(dict(versions), tuple(sorted(agreed)), agreed_events, tuple(regions))


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
    items = {who: tuple(left[who][i] for _, _, w, i in group if w == who) for who in left}
    start = min(t[0] for t in group)
    end = max(t[1] for t in group)
    return Disagreement(kind, start, end, items)
