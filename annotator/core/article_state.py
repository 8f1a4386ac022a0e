"""What the store holds for one article and annotator, kept in step in memory.

The window reads an article once, when it opens (or after a conflict); after that every
command the store applied is applied here too (:meth:`ArticleState.absorb`, with the
command as the store returned it: implied changes included), so a keystroke never re-reads
the article. Pure: no I/O, no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from annotator.core import commands as cmd
from annotator.core.models import Event, Span, Suggestion


@dataclass
class ArticleState:
    suggestions: dict[int, tuple[Suggestion, str]]  # id -> (suggestion, this annotator's state)
    spans: dict[Span, None]  # gold spans (a dict: ordered, unique)
    events: dict[str, Event]  # gold events by uid
    status: str

    @classmethod
    def read(
        cls,
        suggestions: list[tuple[Suggestion, str]],
        spans: list[Span],
        events: list[Event],
        status: str,
    ) -> ArticleState:
        return cls(
            {s.id: (s, st) for s, st in suggestions if s.id is not None},
            dict.fromkeys(spans),
            {e.uid: e for e in events},
            status,
        )

    def absorb(self, command: cmd.Command) -> None:
        """Apply the changes of a command the store applied."""
        for change in command.changes:
            _ABSORB[change.kind](self, change.before, change.after)

    def sorted_spans(self) -> list[Span]:
        return sorted(self.spans)

    def sorted_events(self) -> list[Event]:
        return sorted(self.events.values(), key=lambda e: e.trigger.start)


Value = dict[str, Any] | None


def _span(state: ArticleState, before: Value, after: Value) -> None:
    if before is not None:
        state.spans.pop(Span.from_dict(before), None)
    if after is not None:
        state.spans[Span.from_dict(after)] = None


def _event(state: ArticleState, before: Value, after: Value) -> None:
    if before is not None:
        state.events.pop(str(before["uid"]), None)
    if after is not None:
        event = Event.from_dict(after)
        state.events[event.uid] = event


def _suggestion(state: ArticleState, before: Value, after: Value) -> None:
    sid = (after or before or {})["id"]
    if sid in state.suggestions:
        new = (after or {}).get("state", cmd.PENDING)
        state.suggestions[sid] = (state.suggestions[sid][0], new)


def _status(state: ArticleState, before: Value, after: Value) -> None:
    state.status = (after or {}).get("status", "new")


_ABSORB = {cmd.SPAN: _span, cmd.EVENT: _event, cmd.SUGGESTION: _suggestion, cmd.STATUS: _status}
