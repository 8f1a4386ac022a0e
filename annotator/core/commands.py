"""Annotation commands as pure data: what changes, and how to undo it.

A command is a named list of :class:`Change` records. Each change has a ``kind`` and a
``before`` / ``after`` value (``None`` = absent): adding a gold span is
``Change("span", None, span)``, rejecting a suggestion is
``Change("suggestion", {"id": 7, "state": "pending"}, {"id": 7, "state": "rejected"})``.
The store applies a command in one transaction and logs it (before/after) in the
append-only decisions table; the inverse command swaps before and after in reverse order,
so undo works the same way in memory, in the database, and after a restart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from annotator.core.models import Event, Span

SPAN = "span"
EVENT = "event"
SUGGESTION = "suggestion"
STATUS = "status"
KINDS = (SPAN, EVENT, SUGGESTION, STATUS)

PENDING, ACCEPTED, REJECTED = "pending", "accepted", "rejected"
STATUSES = ("new", "in_progress", "done", "skipped")


@dataclass(frozen=True)
class Change:
    kind: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown change kind {self.kind!r}")
        if self.before is None and self.after is None:
            raise ValueError("a change needs a before or an after value")

    def inverse(self) -> Change:
        return Change(self.kind, self.after, self.before)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "before": self.before, "after": self.after}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Change:
        return cls(data["kind"], data.get("before"), data.get("after"))


@dataclass(frozen=True)
class Command:
    action: str
    changes: tuple[Change, ...] = field(default_factory=tuple)

    def inverse(self) -> Command:
        return Command(f"undo:{self.action}", tuple(c.inverse() for c in reversed(self.changes)))

    def __bool__(self) -> bool:
        return bool(self.changes)


# -- constructors -------------------------------------------------------------------------


def add_span(span: Span) -> Change:
    return Change(SPAN, None, span.to_dict())


def remove_span(span: Span) -> Change:
    return Change(SPAN, span.to_dict(), None)


def replace_span(old: Span, new: Span) -> Change:
    return Change(SPAN, old.to_dict(), new.to_dict())


def add_event(event: Event) -> Change:
    return Change(EVENT, None, event.to_dict())


def remove_event(event: Event) -> Change:
    return Change(EVENT, event.to_dict(), None)


def replace_event(old: Event, new: Event) -> Change:
    if old.uid != new.uid:
        raise ValueError("an edited event keeps its uid")
    return Change(EVENT, old.to_dict(), new.to_dict())


def set_suggestion(suggestion_id: int, old: str, new: str) -> Change:
    sid = suggestion_id
    return Change(SUGGESTION, {"id": sid, "state": old}, {"id": sid, "state": new})


def set_status(old: str, new: str, entities: tuple[str | None, str | None] | None = None) -> Change:
    """A status change; ``entities`` (old, new) also changes the gold's entities flag
    (``"partial"`` or None), as one undoable change."""
    for s in (old, new):
        if s not in STATUSES:
            raise ValueError(f"unknown status {s!r}")
    if entities is None:
        return Change(STATUS, {"status": old}, {"status": new})
    return Change(
        STATUS, {"status": old, "entities": entities[0]}, {"status": new, "entities": entities[1]}
    )
