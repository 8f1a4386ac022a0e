"""ACE-style micro precision, recall and F1 of suggestions against gold.

Definitions follow dwadden/dygiepp ``event_metrics.py``:

- entities: exact offsets and label;
- trigger identification: trigger offsets; trigger classification: offsets and event type;
- argument identification: (argument offsets, event type) — the trigger itself need not
  match; argument classification: also the role;
- "argument, trigger must match" adds the trigger offsets, a stricter extra line.

Matching is on multisets, so one gold item is credited to at most one prediction (dygiepp
would credit two predictions that hit the same gold argument).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.core.models import Event, Span

Annotations = tuple[Sequence[Span], Sequence[Event]]

EVENT_METRICS = (
    ("trigger_identification", "trigger identification"),
    ("trigger_classification", "trigger classification"),
    ("argument_identification", "argument identification"),
    ("argument_classification", "argument classification"),
    ("argument_strict", "argument, trigger must match"),
)


@dataclass(frozen=True)
class Score:
    tp: int = 0
    predicted: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Score) -> Score:
        return Score(self.tp + other.tp, self.predicted + other.predicted, self.gold + other.gold)

    def to_dict(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "predicted": self.predicted,
            "gold": self.gold,
        }


def match(predicted: Iterable[Hashable], gold: Iterable[Hashable]) -> Score:
    """Score two multisets of comparable keys."""
    p, g = Counter(predicted), Counter(gold)
    return Score(sum((p & g).values()), sum(p.values()), sum(g.values()))


@dataclass(frozen=True)
class Report:
    documents: int = 0
    entities: dict[str, Score] = field(default_factory=dict)  # by label
    events: dict[str, Score] = field(default_factory=dict)  # by metric name
    by_type: dict[str, Score] = field(default_factory=dict)  # trigger classification
    by_role: dict[str, Score] = field(default_factory=dict)  # "Type.Role" classification

    @property
    def entities_total(self) -> Score:
        return sum(self.entities.values(), Score())

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "entities": {
                "all": self.entities_total.to_dict(),
                "by_label": {k: v.to_dict() for k, v in sorted(self.entities.items())},
            },
            "events": {k: v.to_dict() for k, v in self.events.items()},
            "trigger_classification_by_type": {
                k: v.to_dict() for k, v in sorted(self.by_type.items())
            },
            "argument_classification_by_role": {
                k: v.to_dict() for k, v in sorted(self.by_role.items())
            },
        }

    def render(self) -> str:
        """A plain-text table."""
        lines = [f"Documents: {self.documents}", ""]
        lines += _table("Entities (exact span and label)", sorted(self.entities.items()))
        if self.entities:
            lines.append(_row("all", self.entities_total))
        lines.append("")
        rows = [(label, self.events.get(key, Score())) for key, label in EVENT_METRICS]
        lines += _table("Events", rows)
        if self.by_type:
            lines.append("")
            lines += _table("Trigger classification by type", sorted(self.by_type.items()))
        return "\n".join(lines)


_WIDTH = 30


def _row(name: str, s: Score) -> str:
    figures = f"{s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.tp:6d} {s.predicted:6d}"
    return f"  {name:<{_WIDTH}} {figures} {s.gold:6d}"


def _table(title: str, rows: Sequence[tuple[str, Score]]) -> list[str]:
    head = f"  {'':<{_WIDTH}} {'P':>6} {'R':>6} {'F1':>6} {'tp':>6} {'pred':>6} {'gold':>6}"
    if not rows:
        return [f"{title}: nothing to score"]
    return [title, head] + [_row(name, score) for name, score in rows]


def evaluate(pairs: Iterable[tuple[Annotations, Annotations]]) -> Report:
    """Micro-averaged scores over (predicted, gold) pairs of (spans, events)."""
    totals: dict[str, Score] = {}
    by_type: dict[str, Score] = {}
    by_role: dict[str, Score] = {}
    docs = 0
    for (p_spans, p_events), (g_spans, g_events) in pairs:
        docs += 1
        for label, score in _entity_scores(p_spans, g_spans).items():
            _add(totals, f"entity:{label}", score)
        for name, score in _event_scores(p_events, g_events).items():
            _add(totals, name, score)
        for etype in {e.type for e in (*p_events, *g_events)}:
            typed = [[e for e in evs if e.type == etype] for evs in (p_events, g_events)]
            _add(by_type, etype, _trigger_class(*typed))
        for key, score in _role_scores(p_events, g_events).items():
            _add(by_role, key, score)
    ents = {k.split(":", 1)[1]: v for k, v in totals.items() if k.startswith("entity:")}
    events = {k: totals.get(k, Score()) for k, _ in EVENT_METRICS}
    return Report(docs, ents, events, by_type, by_role)


def _add(acc: dict[str, Score], key: str, score: Score) -> None:
    acc[key] = acc.get(key, Score()) + score


def _entity_scores(predicted: Sequence[Span], gold: Sequence[Span]) -> dict[str, Score]:
    labels = {s.label for s in (*predicted, *gold)}
    return {
        label: match(
            [(s.start, s.end) for s in predicted if s.label == label],
            [(s.start, s.end) for s in gold if s.label == label],
        )
        for label in labels
    }


def _trigger_class(predicted: Sequence[Event], gold: Sequence[Event]) -> Score:
    return match(_triggers(predicted, True), _triggers(gold, True))


def _triggers(events: Sequence[Event], typed: bool) -> list[tuple[Any, ...]]:
    return [(e.trigger.start, e.trigger.end) + ((e.type,) if typed else ()) for e in events]


def _arguments(events: Sequence[Event], level: str) -> list[tuple[Any, ...]]:
    out = []
    for e in events:
        for a in e.arguments:
            key: tuple[Any, ...] = (a.span.start, a.span.end, e.type)
            if level != "identification":
                key += (a.role,)
            if level == "strict":
                key += (e.trigger.start, e.trigger.end)
            out.append(key)
    return out


def _event_scores(predicted: Sequence[Event], gold: Sequence[Event]) -> dict[str, Score]:
    return {
        "trigger_identification": match(_triggers(predicted, False), _triggers(gold, False)),
        "trigger_classification": _trigger_class(predicted, gold),
        "argument_identification": match(
            _arguments(predicted, "identification"), _arguments(gold, "identification")
        ),
        "argument_classification": match(
            _arguments(predicted, "classification"), _arguments(gold, "classification")
        ),
        "argument_strict": match(_arguments(predicted, "strict"), _arguments(gold, "strict")),
    }


def _role_scores(predicted: Sequence[Event], gold: Sequence[Event]) -> dict[str, Score]:
    p = _arguments(predicted, "classification")
    g = _arguments(gold, "classification")
    keys = {(k[2], k[3]) for k in (*p, *g)}
    return {
        f"{t}.{r}": match([k for k in p if k[2:] == (t, r)], [k for k in g if k[2:] == (t, r)])
        for t, r in sorted(keys)
    }
